/* vs-rounds-strip.c: the trials of mode rounds, a dot each, and the medians (see the header) */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "vs-palette.h"
#include "vs-rounds-strip.h"
#include "vs-rounds.h"
#include "vs-units.h"

#define STRIP_HEIGHT 150
#define MARGIN_LEFT  64
#define MARGIN_RIGHT 8
#define MARGIN_TOP   22
#define MARGIN_BOTTOM 20
#define DOT_RADIUS   3.5

typedef struct
{
  guint  round;   /* 1 … K */
  guint  target;
  double value;   /* requests/s */
} Dot;

struct _VsRoundsStrip
{
  GtkWidget  parent_instance;
  VsResults *results;
  GArray    *dots;     /* Dot */
  double    *medians;  /* per target; NAN: no trial yet */
  guint      n_targets;
  guint      n_rounds;
  double     max;
};

G_DEFINE_FINAL_TYPE (VsRoundsStrip, vs_rounds_strip, GTK_TYPE_WIDGET)

/* The figure the strip shows: the throughput verdicts' own. */
static const VsCompared *
figure (void)
{
  return vs_rounds_get_compared (0);
}

static void
show_text (cairo_t    *cr,
           GtkWidget  *widget,
           const char *text,
           double      x,
           double      y,
           double      align)  /* 0 left, 0.5 centre, 1 right of x */
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, x - align * width, y - height / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
vs_rounds_strip_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  VsRoundsStrip *self = VS_ROUNDS_STRIP (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double plot_w = width - MARGIN_LEFT - MARGIN_RIGHT;
  double plot_h = height - MARGIN_TOP - MARGIN_BOTTOM;
  gboolean dark = vs_palette_is_dark_for (widget);
  double top, step, strip_w;
  GdkRGBA fg;
  cairo_t *cr;

  if (self->n_rounds == 0 || plot_w <= 0 || plot_h <= 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS  /* gtk_widget_get_color() came in 4.10 */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  top = vs_units_nice_ceil (MAX (self->max, 1.0), 3, VS_UNIT_RATE);
  step = vs_units_nice_step (top, 3, VS_UNIT_RATE);
  strip_w = plot_w / self->n_rounds;

  /* title, grid and the round numbers */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha);
  show_text (cr, widget, _("Throughput per trial, by round (line: each target's median)"),
             MARGIN_LEFT, MARGIN_TOP / 2.0, 0);
  cairo_set_line_width (cr, 1);
  for (double v = 0; v <= top + step / 2; v += step)
    {
      double y = MARGIN_TOP + plot_h * (1 - v / top);
      g_autofree char *label = vs_units_format_tick (v, step, VS_UNIT_RATE);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.15 * fg.alpha);
      cairo_move_to (cr, MARGIN_LEFT, floor (y) + 0.5);
      cairo_line_to (cr, MARGIN_LEFT + plot_w, floor (y) + 0.5);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7 * fg.alpha);
      show_text (cr, widget, label, MARGIN_LEFT - 6, y, 1);
    }
  for (guint r = 0; r < self->n_rounds; r++)
    {
      g_autofree char *label = g_strdup_printf ("%u", r + 1);
      double x = MARGIN_LEFT + r * strip_w;

      if (r > 0)
        {
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.15 * fg.alpha);
          cairo_move_to (cr, floor (x) + 0.5, MARGIN_TOP);
          cairo_line_to (cr, floor (x) + 0.5, MARGIN_TOP + plot_h);
          cairo_stroke (cr);
        }
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7 * fg.alpha);
      show_text (cr, widget, label, x + strip_w / 2, height - MARGIN_BOTTOM / 2.0, 0.5);
    }

  /* the medians, then the dots over them; a target's dots sit at its place in the strip */
  for (guint t = 0; t < self->n_targets; t++)
    {
      GdkRGBA color;
      double y;

      if (!isfinite (self->medians[t]))
        continue;
      vs_palette_target_color (t, dark, &color);
      y = MARGIN_TOP + plot_h * (1 - self->medians[t] / top);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.8);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, MARGIN_LEFT, y);
      cairo_line_to (cr, MARGIN_LEFT + plot_w, y);
      cairo_stroke (cr);
    }
  for (guint i = 0; i < self->dots->len; i++)
    {
      const Dot *dot = &g_array_index (self->dots, Dot, i);
      double x = MARGIN_LEFT + (dot->round - 1) * strip_w +
                 strip_w * (dot->target + 1) / (self->n_targets + 1);
      double y = MARGIN_TOP + plot_h * (1 - dot->value / top);
      GdkRGBA color;

      vs_palette_target_color (dot->target, dark, &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_arc (cr, x, y, DOT_RADIUS, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
}

static void
vs_rounds_strip_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_VERTICAL ? STRIP_HEIGHT : 200;
  *natural = *minimum;
}

static void
vs_rounds_strip_dispose (GObject *object)
{
  VsRoundsStrip *self = VS_ROUNDS_STRIP (object);

  g_clear_object (&self->results);
  G_OBJECT_CLASS (vs_rounds_strip_parent_class)->dispose (object);
}

static void
vs_rounds_strip_finalize (GObject *object)
{
  VsRoundsStrip *self = VS_ROUNDS_STRIP (object);

  g_array_unref (self->dots);
  g_free (self->medians);
  G_OBJECT_CLASS (vs_rounds_strip_parent_class)->finalize (object);
}

static void
vs_rounds_strip_class_init (VsRoundsStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_rounds_strip_dispose;
  object_class->finalize = vs_rounds_strip_finalize;
  widget_class->snapshot = vs_rounds_strip_snapshot;
  widget_class->measure = vs_rounds_strip_measure;
  gtk_widget_class_set_css_name (widget_class, "rounds-strip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
vs_rounds_strip_init (VsRoundsStrip *self)
{
  self->dots = g_array_new (FALSE, FALSE, sizeof (Dot));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
vs_rounds_strip_new (void)
{
  return g_object_new (VS_TYPE_ROUNDS_STRIP, NULL);
}

void
vs_rounds_strip_set_results (VsRoundsStrip *self,
                             VsResults     *results)
{
  g_return_if_fail (VS_IS_ROUNDS_STRIP (self));

  g_set_object (&self->results, results);
  vs_rounds_strip_update (self);
}

void
vs_rounds_strip_update (VsRoundsStrip *self)
{
  g_autofree double *values = NULL;

  g_return_if_fail (VS_IS_ROUNDS_STRIP (self));

  g_array_set_size (self->dots, 0);
  g_clear_pointer (&self->medians, g_free);
  self->n_rounds = self->results != NULL ? vs_results_get_n_rounds (self->results) : 0;
  self->n_targets = self->n_rounds > 0 ? vs_results_get_n_targets (self->results) : 0;
  self->medians = g_new (double, MAX (1, self->n_targets));
  self->max = 0;
  values = g_new (double, MAX (1, self->n_rounds));

  for (guint t = 0; t < self->n_targets; t++)
    {
      guint n = 0;

      for (guint r = 1; r <= self->n_rounds; r++)
        {
          double value = vs_rounds_trial_value (self->results, r, t, figure ());
          Dot dot = { r, t, value };

          if (!isfinite (value))
            continue;
          g_array_append_val (self->dots, dot);
          values[n++] = value;
          self->max = MAX (self->max, value);
        }
      self->medians[t] = n > 0 ? vs_verdict_median (values, n) : NAN;
    }

  gtk_widget_set_visible (GTK_WIDGET (self), self->n_rounds > 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
vs_rounds_strip_get_n_dots (VsRoundsStrip *self)
{
  g_return_val_if_fail (VS_IS_ROUNDS_STRIP (self), 0);

  return self->dots->len;
}

void
vs_rounds_strip_get_dot (VsRoundsStrip *self,
                         guint          index,
                         guint         *round,
                         guint         *target,
                         double        *value)
{
  const Dot *dot;

  g_return_if_fail (VS_IS_ROUNDS_STRIP (self));
  g_return_if_fail (index < self->dots->len);

  dot = &g_array_index (self->dots, Dot, index);
  *round = dot->round;
  *target = dot->target;
  *value = dot->value;
}

double
vs_rounds_strip_get_median (VsRoundsStrip *self,
                            guint          target)
{
  g_return_val_if_fail (VS_IS_ROUNDS_STRIP (self), NAN);

  return target < self->n_targets ? self->medians[target] : NAN;
}
