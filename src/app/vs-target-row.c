/* vs-target-row.c: an expander row per target with its fields inside
 *
 * The row edits a copy of the target it was made from: a field that is edited writes itself
 * into the copy, and nothing else does, so a field the row does not show (or shows clamped,
 * or reformatted) comes back as it was loaded. Emits "changed" on every edit, "move" (-1 / +1)
 * and "remove" from its buttons; the plan editor does the rest.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vs-app-testing.h"
#include "vs-palette.h"
#include "vs-target-row.h"

struct _VsTargetRow
{
  AdwExpanderRow  parent_instance;
  guint           index;
  GtkWidget      *dot;
  GtkWidget      *warning;       /* shown while a field of the target has a problem */
  GtkWidget      *up;
  GtkWidget      *down;
  GtkWidget      *name;
  GtkWidget      *url;
  GtkWidget      *method;
  GtkWidget      *expect_status;
  GtkWidget      *headers_row;
  GtkWidget      *headers;
  GtkWidget      *body_row;
  GtkWidget      *body;
  GtkWidget      *body_file;
  VsTarget       *target;          /* the loaded target with the edits made since */
  gboolean        loading;
  GPtrArray      *marked;          /* widgets carrying an error mark */
  char           *row_problem;
};

G_DEFINE_FINAL_TYPE (VsTargetRow, vs_target_row, ADW_TYPE_EXPANDER_ROW)

enum { CHANGED, MOVE, REMOVE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void sync_field (VsTargetRow *self, GtkWidget *widget);

static void
update_header (VsTargetRow *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name));
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url));
  g_autofree char *color = vs_palette_target_css (self->index,
                                                  vs_palette_is_dark_for (GTK_WIDGET (self)));
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\">●</span>", color);

  gtk_label_set_markup (GTK_LABEL (self->dot), markup);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), *name ? name : _("Unnamed target"));
  if (self->row_problem != NULL)
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), self->row_problem);
  else
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), *url ? url : _("No URL"));
}

static void
entry_changed (GtkWidget   *entry,
               VsTargetRow *self)
{
  if (self->loading)
    return;
  sync_field (self, entry);
  update_header (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
buffer_changed (GtkTextBuffer *buffer,
                VsTargetRow   *self)
{
  GtkWidget *view = buffer == gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->headers))
                    ? self->headers : self->body;

  entry_changed (view, self);
}

static void
up_clicked (VsTargetRow *self)
{
  g_signal_emit (self, signals[MOVE], 0, -1);
}

static void
down_clicked (VsTargetRow *self)
{
  g_signal_emit (self, signals[MOVE], 0, 1);
}

static void
remove_clicked (VsTargetRow *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

static void
vs_target_row_dispose (GObject *object)
{
  VsTargetRow *self = VS_TARGET_ROW (object);

  g_clear_pointer (&self->marked, g_ptr_array_unref);
  g_clear_pointer (&self->row_problem, g_free);
  g_clear_pointer (&self->target, vs_target_free);
  G_OBJECT_CLASS (vs_target_row_parent_class)->dispose (object);
}

static void
method_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  VsTargetRow *self = VS_TARGET_ROW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->method), g_variant_get_string (param, NULL));
}

/* dark or light, high contrast or not: the dot takes the shade for the row's own style */
static void
vs_target_row_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (vs_target_row_parent_class)->css_changed (widget, change);
  if (VS_TARGET_ROW (widget)->name != NULL)
    update_header (VS_TARGET_ROW (widget));
}

static void
vs_target_row_class_init (VsTargetRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_target_row_dispose;
  GTK_WIDGET_CLASS (klass)->css_changed = vs_target_row_css_changed;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[MOVE] = g_signal_new ("move", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "row.method", "s", method_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/versus/Versus/vs-target-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, dot);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, up);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, down);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, name);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, url);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, method);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, expect_status);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, headers_row);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, headers);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, body_row);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, body);
  gtk_widget_class_bind_template_child (widget_class, VsTargetRow, body_file);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, up_clicked);
  gtk_widget_class_bind_template_callback (widget_class, down_clicked);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked);
}

static void
vs_target_row_init (VsTargetRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->marked = g_ptr_array_new ();

  /* an "error" class on the row itself would paint every field inside it red */
  self->warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (self->warning, "error");
  gtk_widget_set_visible (self->warning, FALSE);
#if ADW_CHECK_VERSION (1, 4, 0)
  adw_expander_row_add_suffix (ADW_EXPANDER_ROW (self), self->warning);
#else
  adw_expander_row_add_action (ADW_EXPANDER_ROW (self), self->warning);
#endif

  g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->headers)), "changed",
                    G_CALLBACK (buffer_changed), self);
  g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->body)), "changed",
                    G_CALLBACK (buffer_changed), self);
}

static void
set_text_view (GtkWidget  *view,
               const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text ? text : "", -1);
}

static char *
get_text_view (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

GtkWidget *
vs_target_row_new (const VsTarget *target)
{
  VsTargetRow *self = g_object_new (VS_TYPE_TARGET_ROW, NULL);
  g_autofree char *headers = NULL;

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name), target->name ? target->name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->url), target->url ? target->url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->method), target->method ? target->method : "");
  gtk_editable_set_text (GTK_EDITABLE (self->expect_status),
                         target->expect_status ? target->expect_status : "2xx,3xx");
  if (target->headers != NULL)
    headers = g_strjoinv ("\n", target->headers);
  set_text_view (self->headers, headers);
  set_text_view (self->body, target->body);
  gtk_editable_set_text (GTK_EDITABLE (self->body_file),
                         target->body_file ? target->body_file : "");
  self->target = vs_target_copy (target);
  self->loading = FALSE;
  update_header (self);
  return GTK_WIDGET (self);
}

void
vs_target_row_set_position (VsTargetRow *self,
                            guint        index,
                            guint        n_targets)
{
  self->index = index;
  gtk_widget_set_sensitive (self->up, index > 0);
  gtk_widget_set_sensitive (self->down, index + 1 < n_targets);
  update_header (self);
}

/* Header lines are taken as typed (blank ones skipped); vs_plan_check() says what is wrong with
 * them, at "targets[N].headers[h]". */
static GStrv
parse_headers (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] != '\0')
        g_strv_builder_add (builder, lines[i]);
    }
  return g_strv_builder_end (builder);
}

static void
replace (char       **field,
         const char  *text,
         gboolean     empty_is_null)
{
  g_free (*field);
  *field = empty_is_null && *text == '\0' ? NULL : g_strdup (text);
}

/* Writes the field that was edited, and only that one, into the target. */
static void
sync_field (VsTargetRow *self,
            GtkWidget   *widget)
{
  VsTarget *target = self->target;

  if (widget == self->headers || widget == self->body)
    {
      g_autofree char *text = get_text_view (widget);

      if (widget == self->headers)
        {
          g_strfreev (target->headers);
          target->headers = parse_headers (text);
        }
      else
        replace (&target->body, text, TRUE);
      return;
    }
  if (widget == self->name)
    replace (&target->name, gtk_editable_get_text (GTK_EDITABLE (widget)), FALSE);
  else if (widget == self->url)
    replace (&target->url, gtk_editable_get_text (GTK_EDITABLE (widget)), FALSE);
  else if (widget == self->method)
    replace (&target->method, gtk_editable_get_text (GTK_EDITABLE (widget)), FALSE);
  else if (widget == self->expect_status)
    replace (&target->expect_status, gtk_editable_get_text (GTK_EDITABLE (widget)), FALSE);
  else if (widget == self->body_file)
    replace (&target->body_file, gtk_editable_get_text (GTK_EDITABLE (widget)), TRUE);
}

VsTarget *
vs_target_row_build (VsTargetRow *self)
{
  return vs_target_copy (self->target);
}

void
vs_target_row_clear_problems (VsTargetRow *self)
{
  for (guint i = 0; i < self->marked->len; i++)
    {
      GtkWidget *widget = g_ptr_array_index (self->marked, i);

      gtk_widget_remove_css_class (widget, "error");
      gtk_widget_set_tooltip_text (widget, NULL);
    }
  g_ptr_array_set_size (self->marked, 0);
  gtk_widget_set_visible (self->warning, FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self), "has-problem");
  g_clear_pointer (&self->row_problem, g_free);
  update_header (self);
}

gboolean
vs_target_row_get_has_problem (VsTargetRow *self)
{
  return self->row_problem != NULL;
}

GtkWidget *
vs_target_row_get_field (VsTargetRow *self,
                         const char  *path)
{
  /* "headers[2]" is shown at the headers field */
  g_autofree char *field = g_strndup (path, strcspn (path, "["));

  if (g_str_equal (field, "name"))
    return self->name;
  if (g_str_equal (field, "url"))
    return self->url;
  if (g_str_equal (field, "method"))
    return self->method;
  if (g_str_equal (field, "expect_status"))
    return self->expect_status;
  if (g_str_equal (field, "headers"))
    return self->headers_row;
  if (g_str_equal (field, "body"))
    return self->body_row;
  if (g_str_equal (field, "body_file"))
    return self->body_file;
  return NULL;
}

static void
mark (VsTargetRow *self,
      GtkWidget   *widget,
      const char  *message)
{
  const char *old = gtk_widget_get_tooltip_text (widget);
  g_autofree char *text = old != NULL && g_ptr_array_find (self->marked, widget, NULL)
                          ? g_strconcat (old, "\n", message, NULL) : g_strdup (message);

  gtk_widget_add_css_class (widget, "error");
  gtk_widget_set_tooltip_text (widget, text);
  if (!g_ptr_array_find (self->marked, widget, NULL))
    g_ptr_array_add (self->marked, widget);
}

gboolean
vs_target_row_show_problem (VsTargetRow *self,
                            const char  *field,
                            const char  *message)
{
  GtkWidget *widget = field != NULL ? vs_target_row_get_field (self, field) : NULL;

  /* the collapsed row says what is wrong inside it */
  gtk_widget_add_css_class (GTK_WIDGET (self), "has-problem");
  if (self->row_problem == NULL)
    self->row_problem = g_strdup (message);
  update_header (self);
  mark (self, self->warning, message);
  gtk_widget_set_visible (self->warning, TRUE);

  if (widget == NULL)
    return FALSE;
  mark (self, widget, message);
  return TRUE;
}
