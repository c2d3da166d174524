/* vs-capacity-view.c: the capacity search's sentences, chart and steps (see the header)
 *
 * The chart draws p99 with a marker per step and p50 lighter beside it: the thresholds a
 * capacity is searched for are nearly always on the tail, which is where a server's knee shows
 * first (its queue delays the slowest requests long before the median), and the median beside
 * it tells a queue that holds everyone up from a tail of a few.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "vs-capacity-view.h"
#include "vs-chart.h"
#include "vs-summary.h"
#include "vs-threshold.h"
#include "vs-units.h"

struct _VsCapacityView
{
  GtkWidget     parent_instance;
  GtkWidget    *box;
  GtkWidget    *sentences;   /* each target's capacity, a line each */
  GtkWidget    *running;     /* the step going on */
  GtkWidget    *chart;
  GtkWidget    *steps;       /* GtkGrid: a row per step */
  VsChartModel *model;
  VsCapacity   *capacity;
  guint         running_target;  /* whose step runs, or G_MAXUINT */
};

G_DEFINE_FINAL_TYPE (VsCapacityView, vs_capacity_view, GTK_TYPE_WIDGET)

enum { COL_TARGET, COL_STEP, COL_PHASE, COL_OFFERED, COL_THROUGHPUT, COL_P50, COL_P99,
       COL_OUTCOME, N_COLUMNS };

static void
vs_capacity_view_dispose (GObject *object)
{
  VsCapacityView *self = VS_CAPACITY_VIEW (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->capacity);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (vs_capacity_view_parent_class)->dispose (object);
}

static void
vs_capacity_view_class_init (VsCapacityViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_capacity_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "capacityview");
}

static GtkWidget *
add_label (GtkWidget  *box,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_visible (label, FALSE);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

static void
vs_capacity_view_init (VsCapacityView *self)
{
  GtkWidget *scroller;

  self->running_target = G_MAXUINT;
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->sentences = add_label (self->box, "notice");
  gtk_widget_add_css_class (self->sentences, "verdicts");
  self->running = add_label (self->box, "dim-label");

  self->steps = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (self->steps), 18);
  gtk_grid_set_row_spacing (GTK_GRID (self->steps), 4);
  gtk_widget_add_css_class (self->steps, "capacity-steps");
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->steps);
  gtk_box_append (GTK_BOX (self->box), scroller);
}

GtkWidget *
vs_capacity_view_new (VsChartModel *model)
{
  VsCapacityView *self;

  g_return_val_if_fail (VS_IS_CHART_MODEL (model), NULL);

  self = g_object_new (VS_TYPE_CAPACITY_VIEW, NULL);
  self->model = g_object_ref (model);
  self->chart = vs_chart_new (model);
  gtk_widget_set_hexpand (self->chart, TRUE);
  gtk_widget_set_size_request (self->chart, -1, 340);
  gtk_box_insert_child_after (GTK_BOX (self->box), self->chart, self->running);
  return GTK_WIDGET (self);
}

static int
compare_rate (gconstpointer a,
              gconstpointer b)
{
  const VsCapacityStep *x = *(const VsCapacityStep **) a;
  const VsCapacityStep *y = *(const VsCapacityStep **) b;

  return (x->rate > y->rate) - (x->rate < y->rate);
}

static VsChartPoint
step_point (const VsCapacityStep *step)
{
  return step->kept ? VS_CHART_POINT_KEPT
                    : step->limited ? VS_CHART_POINT_LIMITED : VS_CHART_POINT_FAILED;
}

/* Every latency threshold of the search, once each, as a line at its limit. */
static void
add_limits (VsCapacity   *capacity,
            VsChartModel *model)
{
  VsPlan *plan = vs_capacity_get_plan (capacity);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
    {
      g_autoptr(GPtrArray) thresholds = vs_plan_thresholds_for (plan, t);

      for (guint i = 0; i < thresholds->len; i++)
        {
          const VsPlanThreshold *threshold = g_ptr_array_index (thresholds, i);
          g_autoptr(VsThreshold) parsed = vs_threshold_parse (threshold->expr, "thresholds",
                                                              NULL);

          if (parsed == NULL ||
              vs_threshold_metric_kind (parsed->metric) != VS_THRESHOLD_LATENCY ||
              g_hash_table_contains (seen, parsed->text))
            continue;
          g_hash_table_add (seen, g_strdup (parsed->text));
          vs_chart_model_add_mark (model, NAN, parsed->limit, VS_CHART_COLOR_NEUTRAL,
                                   parsed->text);
        }
    }
}

void
vs_capacity_view_fill_model (VsCapacity   *capacity,
                             VsChartModel *model)
{
  VsPlan *plan = vs_capacity_get_plan (capacity);
  GPtrArray *steps = vs_capacity_get_steps (capacity);
  guint legend;

  vs_chart_model_clear (model);
  for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
    {
      const char *name = vs_plan_get_target (plan, t)->name;
      const VsCapacityResult *result = vs_capacity_get_result (capacity, t);
      g_autoptr(GPtrArray) mine = g_ptr_array_new ();
      g_autofree char *p50_label = g_strdup_printf (_("%s p50"), name);
      guint p99 = vs_chart_model_add_series (model, name, t, FALSE, TRUE);
      guint p50 = vs_chart_model_add_series (model, p50_label, t, TRUE, FALSE);

      vs_chart_model_set_series_style (model, p50, TRUE, VS_CHART_POINT_NONE);
      for (guint i = 0; i < steps->len; i++)
        if (((VsCapacityStep *) g_ptr_array_index (steps, i))->target == t)
          g_ptr_array_add (mine, g_ptr_array_index (steps, i));
      /* bisection goes back and forth: the curve runs by rate */
      g_ptr_array_sort (mine, compare_rate);
      for (guint i = 0; i < mine->len; i++)
        {
          const VsCapacityStep *step = g_ptr_array_index (mine, i);
          const VsTargetResult *tr = vs_results_get_target (step->results, 0);

          /* a step without one answer has no latency to draw */
          if (vs_histogram_count (tr->total->latency) == 0)
            continue;
          vs_chart_model_append_point (model, p99, step->rate, vs_target_result_latency (tr, 99),
                                       step_point (step));
          vs_chart_model_append (model, p50, step->rate, vs_target_result_latency (tr, 50));
        }
      if (!isnan (result->capacity_rps))
        {
          const VsCapacityStep *knee = vs_capacity_get_summary_step (capacity, t);
          g_autofree char *rate = vs_units_format (result->capacity_rps, VS_UNIT_RATE);
          /* TRANSLATORS: the knee of a target's curve: "node: 320 req/s" */
          g_autofree char *label = g_strdup_printf (_("%s: %s"), name, rate);

          vs_chart_model_add_mark (model, result->capacity_rps,
                                   vs_target_result_latency (vs_results_get_target (
                                                               knee->results, 0), 99),
                                   t, label);
        }
    }
  /* what the line styles and markers mean */
  vs_chart_model_add_series (model, _("p99"), VS_CHART_COLOR_NEUTRAL, FALSE, TRUE);
  legend = vs_chart_model_add_series (model, _("p50"), VS_CHART_COLOR_NEUTRAL, TRUE, TRUE);
  vs_chart_model_set_series_style (model, legend, TRUE, VS_CHART_POINT_NONE);
  legend = vs_chart_model_add_series (model, _("kept"), VS_CHART_COLOR_NEUTRAL, FALSE, TRUE);
  vs_chart_model_set_series_style (model, legend, FALSE, VS_CHART_POINT_KEPT);
  legend = vs_chart_model_add_series (model, _("failed"), VS_CHART_COLOR_NEUTRAL, FALSE, TRUE);
  vs_chart_model_set_series_style (model, legend, FALSE, VS_CHART_POINT_FAILED);
  legend = vs_chart_model_add_series (model, _("limited by the generator"),
                                      VS_CHART_COLOR_NEUTRAL, FALSE, TRUE);
  vs_chart_model_set_series_style (model, legend, FALSE, VS_CHART_POINT_LIMITED);
  add_limits (capacity, model);
  vs_chart_model_changed (model);
}

static void
cell (GtkGrid    *grid,
      int         column,
      int         row,
      const char *text,
      const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == COL_OUTCOME || column == COL_TARGET ? 0 : 1);
  gtk_widget_add_css_class (label, "numeric");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  if (column == COL_OUTCOME)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
    }
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static char *
figure (VsResults  *results,
        const char *id)
{
  return vs_summary_format_cell (results, 0, vs_summary_find_metric (id), VS_FORMAT_LOCALE);
}

static void
fill_steps (VsCapacityView *self)
{
  static const char *headings[N_COLUMNS] = {
    N_("Target"), N_("Step"), N_("Phase"), N_("Offered"), N_("Throughput"), N_("p50"),
    N_("p99"), N_("Outcome"),
  };
  GtkGrid *grid = GTK_GRID (self->steps);
  GtkWidget *child;
  GPtrArray *steps;
  VsPlan *plan;

  while ((child = gtk_widget_get_first_child (self->steps)) != NULL)
    gtk_grid_remove (grid, child);
  if (self->capacity == NULL)
    return;

  for (guint c = 0; c < N_COLUMNS; c++)
    cell (grid, c, 0, _(headings[c]), "heading");
  steps = vs_capacity_get_steps (self->capacity);
  plan = vs_capacity_get_plan (self->capacity);
  for (guint i = 0; i < steps->len; i++)
    {
      const VsCapacityStep *step = g_ptr_array_index (steps, i);
      g_autofree char *number = g_strdup_printf ("%u", step->step);
      g_autofree char *offered = vs_units_format (step->rate, VS_UNIT_RATE);
      g_autofree char *rps = figure (step->results, "rps");
      g_autofree char *p50 = figure (step->results, "latency_p50_ms");
      g_autofree char *p99 = figure (step->results, "latency_p99_ms");
      const char *css = step->kept ? "success" : step->limited ? "warning" : "error";

      cell (grid, COL_TARGET, i + 1, vs_plan_get_target (plan, step->target)->name, NULL);
      cell (grid, COL_STEP, i + 1, number, NULL);
      cell (grid, COL_PHASE, i + 1,
            step->phase == VS_CAPACITY_RAISE ? C_("capacity step", "raise")
                                             : C_("capacity step", "bisect"), "dim-label");
      cell (grid, COL_OFFERED, i + 1, offered, NULL);
      cell (grid, COL_THROUGHPUT, i + 1, rps, NULL);
      cell (grid, COL_P50, i + 1, p50, NULL);
      cell (grid, COL_P99, i + 1, p99, NULL);
      /* (limited steps say so in their why: "limited by the generator: …") */
      cell (grid, COL_OUTCOME, i + 1, step->kept ? _("kept") : step->why, css);
    }
}

/* Each target's sentence once its search is over: every target searched but the one whose
 * step is running. */
static void
fill_sentences (VsCapacityView *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->capacity != NULL)
    {
      VsPlan *plan = vs_capacity_get_plan (self->capacity);
      GPtrArray *steps = vs_capacity_get_steps (self->capacity);

      for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
        {
          g_autofree char *line = NULL;
          gboolean searched = FALSE;

          for (guint i = 0; i < steps->len && !searched; i++)
            searched = ((VsCapacityStep *) g_ptr_array_index (steps, i))->target == t;
          if (!searched || t == self->running_target)
            continue;
          line = vs_capacity_describe (self->capacity, t);
          g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", line);
        }
    }
  gtk_label_set_text (GTK_LABEL (self->sentences), text->str);
  gtk_widget_set_visible (self->sentences, text->len > 0);
}

void
vs_capacity_view_update (VsCapacityView *self)
{
  g_return_if_fail (VS_IS_CAPACITY_VIEW (self));

  fill_steps (self);
  fill_sentences (self);
  if (self->capacity != NULL)
    vs_capacity_view_fill_model (self->capacity, self->model);
  else
    {
      vs_chart_model_clear (self->model);
      vs_chart_model_changed (self->model);
    }
}

void
vs_capacity_view_set_capacity (VsCapacityView *self,
                               VsCapacity     *capacity)
{
  g_return_if_fail (VS_IS_CAPACITY_VIEW (self));

  g_set_object (&self->capacity, capacity);
  vs_capacity_view_set_running (self, G_MAXUINT, NULL);
}

void
vs_capacity_view_set_running (VsCapacityView *self,
                              guint           target,
                              const char     *text)
{
  g_return_if_fail (VS_IS_CAPACITY_VIEW (self));

  self->running_target = target;
  gtk_label_set_text (GTK_LABEL (self->running), text != NULL ? text : "");
  gtk_widget_set_visible (self->running, text != NULL);
  vs_capacity_view_update (self);
}

const char *
vs_capacity_view_get_sentences (VsCapacityView *self)
{
  g_return_val_if_fail (VS_IS_CAPACITY_VIEW (self), NULL);
  return gtk_widget_get_visible (self->sentences)
         ? gtk_label_get_text (GTK_LABEL (self->sentences)) : NULL;
}

const char *
vs_capacity_view_get_cell (VsCapacityView *self,
                           guint           row,
                           guint           column)
{
  GtkWidget *child = gtk_grid_get_child_at (GTK_GRID (self->steps), column, row);

  return child != NULL ? gtk_label_get_text (GTK_LABEL (child)) : NULL;
}

GtkWidget *
vs_capacity_view_get_chart (VsCapacityView *self)
{
  return self->chart;
}
