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

/* offered in the method field's menu; any other token may be typed (vs_plan_check() says
 * what is not a method) */
static const char * const methods[] = {
  "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", NULL
};

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

static GtkWidget *
add_entry_row (VsTargetRow *self,
               const char  *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_signal_connect (row, "changed", G_CALLBACK (entry_changed), self);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
  return row;
}

/* A row holding a small multi-line text view: headers and bodies have lines. */
static GtkWidget *
add_text_row (VsTargetRow  *self,
              const char   *title,
              const char   *hint,
              GtkWidget   **view_out)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *caption = gtk_label_new (hint);
  GtkWidget *view = gtk_text_view_new ();
  GtkWidget *frame = gtk_frame_new (NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (box, "text-row");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_widget_set_size_request (view, -1, 56);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                    G_CALLBACK (buffer_changed), self);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
  *view_out = view;
  return row;
}

static GtkWidget *
add_button (GtkWidget  *box,
            const char *icon,
            const char *label)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();

  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), icon);
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), label);
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_widget_add_css_class (button, "flat");
  gtk_box_append (GTK_BOX (box), button);
  return button;
}

/* Move and remove live inside the row, so the collapsed row shows one arrow: its own. */
static GtkWidget *
add_button_row (VsTargetRow  *self,
                GtkWidget   **remove)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (box, "target-buttons");
  self->up = add_button (box, "go-up-symbolic", _("Move Up"));
  self->down = add_button (box, "go-down-symbolic", _("Move Down"));
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (box), spacer);
  *remove = add_button (box, "user-trash-symbolic", _("Remove"));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
  return row;
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

/* The method is typed; a menu beside it offers the common ones. */
static GtkWidget *
add_method_row (VsTargetRow *self)
{
  GtkWidget *row = add_entry_row (self, _("Method"));
  GtkWidget *button = gtk_menu_button_new ();
  g_autoptr(GMenu) menu = g_menu_new ();

  for (guint i = 0; methods[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (methods[i], NULL);

      g_menu_item_set_action_and_target_value (item, "row.method",
                                               g_variant_new_string (methods[i]));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_tooltip_text (button, _("Common Methods"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), button);
  return row;
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

  object_class->dispose = vs_target_row_dispose;
  GTK_WIDGET_CLASS (klass)->css_changed = vs_target_row_css_changed;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[MOVE] = g_signal_new ("move", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "row.method", "s", method_action);
}

static void
vs_target_row_init (VsTargetRow *self)
{
  GtkWidget *remove;

  self->marked = g_ptr_array_new ();

  self->dot = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->dot, "target-dot");
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (self), self->dot);

  /* an "error" class on the row itself would paint every field inside it red */
  self->warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (self->warning, "error");
  gtk_widget_set_visible (self->warning, FALSE);
#if ADW_CHECK_VERSION (1, 4, 0)
  adw_expander_row_add_suffix (ADW_EXPANDER_ROW (self), self->warning);
#else
  adw_expander_row_add_action (ADW_EXPANDER_ROW (self), self->warning);
#endif

  self->name = add_entry_row (self, _("Name"));
  self->url = add_entry_row (self, _("URL"));
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (self->url), GTK_INPUT_PURPOSE_URL);

  self->method = add_method_row (self);

  self->expect_status = add_entry_row (self, _("Expected Status"));
  self->headers_row = add_text_row (self, _("Headers"), _("One “Name: value” per line"),
                                    &self->headers);
  self->body_row = add_text_row (self, _("Body"), _("Sent with every request; empty for none"),
                                 &self->body);
  self->body_file = add_entry_row (self, _("Body File"));

  add_button_row (self, &remove);
  g_signal_connect_swapped (self->up, "clicked", G_CALLBACK (up_clicked), self);
  g_signal_connect_swapped (self->down, "clicked", G_CALLBACK (down_clicked), self);
  g_signal_connect_swapped (remove, "clicked", G_CALLBACK (remove_clicked), self);
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
