/* vs-target-card.c: a card per target at the top of the dashboard */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vs-palette.h"
#include "vs-target-card.h"
#include "vs-units.h"

struct _VsTargetCard
{
  GtkWidget  parent_instance;
  guint      index;
  char      *name;
  GtkWidget *box;
  GtkWidget *title;
  GtkWidget *rps;
  GtkWidget *requests;
  GtkWidget *p50;
  GtkWidget *p99;
  GtkWidget *errors;
  GtkWidget *state;
};

G_DEFINE_FINAL_TYPE (VsTargetCard, vs_target_card, GTK_TYPE_WIDGET)

static void
update_title (VsTargetCard *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  g_autofree char *color = vs_palette_target_css (self->index, dark);
  g_autofree char *escaped = g_markup_escape_text (self->name, -1);
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\">●</span>  %s", color,
                                             escaped);

  gtk_label_set_markup (GTK_LABEL (self->title), markup);
}

static GtkWidget *
add_figure (GtkGrid    *grid,
            int         row,
            int         column,
            const char *caption)
{
  GtkWidget *value = gtk_label_new ("—");
  GtkWidget *label = gtk_label_new (caption);

  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (value, "numeric");
  gtk_widget_add_css_class (value, "figure");
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_grid_attach (grid, value, column, row, 1, 1);
  gtk_grid_attach (grid, label, column, row + 1, 1, 1);
  return value;
}

static void
vs_target_card_dispose (GObject *object)
{
  VsTargetCard *self = VS_TARGET_CARD (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->name, g_free);
  G_OBJECT_CLASS (vs_target_card_parent_class)->dispose (object);
}

static void
vs_target_card_class_init (VsTargetCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_target_card_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "targetcard");
}

static void
vs_target_card_init (VsTargetCard *self)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");

  self->title = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->title, "heading");
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->title, TRUE);
  self->state = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->state, "caption");
  gtk_widget_add_css_class (self->state, "dim-label");
  gtk_box_append (GTK_BOX (header), self->title);
  gtk_box_append (GTK_BOX (header), self->state);
  gtk_box_append (GTK_BOX (self->box), header);

  self->rps = gtk_label_new ("—");
  gtk_widget_add_css_class (self->rps, "title-1");
  gtk_widget_add_css_class (self->rps, "numeric");
  gtk_label_set_xalign (GTK_LABEL (self->rps), 0);
  gtk_box_append (GTK_BOX (self->box), self->rps);

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  self->requests = add_figure (GTK_GRID (grid), 0, 0, _("requests"));
  self->p50 = add_figure (GTK_GRID (grid), 0, 1, _("p50 now"));
  self->p99 = add_figure (GTK_GRID (grid), 0, 2, _("p99 now"));
  self->errors = add_figure (GTK_GRID (grid), 0, 3, _("errors"));
  gtk_box_append (GTK_BOX (self->box), grid);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
}

GtkWidget *
vs_target_card_new (guint       index,
                    const char *name)
{
  VsTargetCard *self = g_object_new (VS_TYPE_TARGET_CARD, NULL);

  self->index = index;
  self->name = g_strdup (name);
  update_title (self);
  return GTK_WIDGET (self);
}

static void
set_text (GtkWidget *label,
          char      *text)  /* takes ownership */
{
  gtk_label_set_text (GTK_LABEL (label), text);
  g_free (text);
}

void
vs_target_card_update (VsTargetCard         *self,
                       const VsTargetResult *result)
{
  VsCounters all = { 0 };
  const VsInterval *last = NULL;

  g_return_if_fail (VS_IS_TARGET_CARD (self));

  for (guint i = 0; i < result->intervals->len; i++)
    {
      const VsInterval *interval = &g_array_index (result->intervals, VsInterval, i);

      vs_counters_add (&all, &interval->counters);
      last = interval;
    }

  if (last == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->state), _("waiting"));
      return;
    }

  set_text (self->rps, vs_units_format (last->rps, VS_UNIT_RATE));
  set_text (self->requests, vs_units_format (all.requests, VS_UNIT_COUNT));
  if (last->counters.responses > 0)
    {
      set_text (self->p50, vs_units_format (last->p50_us, VS_UNIT_LATENCY));
      set_text (self->p99, vs_units_format (last->p99_us, VS_UNIT_LATENCY));
    }
  set_text (self->errors, vs_units_format (all.requests > 0
                                           ? 100.0 * vs_counters_errors (&all) / all.requests
                                           : 0, VS_UNIT_PERCENT));
  if (vs_counters_errors (&all) > 0)
    gtk_widget_add_css_class (self->errors, "error");
  else
    gtk_widget_remove_css_class (self->errors, "error");

  if (result->finished)
    gtk_label_set_text (GTK_LABEL (self->state), _("done"));
  else if (last->phase == VS_PHASE_WARMUP)
    gtk_label_set_text (GTK_LABEL (self->state), _("warming up"));
  else
    gtk_label_set_text (GTK_LABEL (self->state), _("measuring"));
}

const char *
vs_target_card_get_figure (VsTargetCard *self,
                           const char   *key)
{
  GtkWidget *label = NULL;

  if (g_str_equal (key, "rps"))
    label = self->rps;
  else if (g_str_equal (key, "requests"))
    label = self->requests;
  else if (g_str_equal (key, "p50"))
    label = self->p50;
  else if (g_str_equal (key, "p99"))
    label = self->p99;
  else if (g_str_equal (key, "errors"))
    label = self->errors;
  g_return_val_if_fail (label != NULL, NULL);
  return gtk_label_get_text (GTK_LABEL (label));
}
