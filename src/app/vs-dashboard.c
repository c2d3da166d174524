/* vs-dashboard.c: cards, charts and the results table, fed from VsResults on each tick */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "vs-capacity-view.h"
#include "vs-chart.h"
#include "vs-chart-render.h"
#include "vs-dashboard.h"
#include "vs-error.h"
#include "vs-results-table.h"
#include "vs-rounds.h"
#include "vs-rounds-strip.h"
#include "vs-summary.h"
#include "vs-units.h"

#define EXPORT_WIDTH  1000
#define EXPORT_HEIGHT 480

typedef struct _VsModelFill VsModelFill;

struct _VsDashboard
{
  GtkWidget     parent_instance;
  GtkWidget    *stack;
  GtkWidget    *error_notice;   /* what ended the run early */
  GtkWidget    *busy_notice;    /* the load generator was saturated */
  GtkWidget    *cards;
  GtkWidget    *charts[VS_N_CHARTS];
  GtkWidget    *table;
  GtkWidget    *table_revealer;
  VsChartModel *models[VS_N_CHARTS];
  VsResults    *results;
  VsModelFill  *fill;           /* what of results the models hold; NULL: nothing yet */
  /* mode rounds */
  GtkWidget    *verdicts;       /* the verdict lines */
  GtkWidget    *rounds_strip;   /* each trial a dot, each median a line */
  guint         verdict_trials; /* complete trials the verdict lines were made from */
  /* mode capacity: the search, and the results are those of its running (or last) step */
  GtkWidget    *capacity_view;
  GtkWidget    *charts_grid;
  VsCapacity   *capacity;
  guint         step_target;    /* the plan index of the target of those results */
};

G_DEFINE_FINAL_TYPE (VsDashboard, vs_dashboard, GTK_TYPE_WIDGET)

static void model_fill_free (VsModelFill *fill);

static void
vs_dashboard_dispose (GObject *object)
{
  VsDashboard *self = VS_DASHBOARD (object);

  g_clear_pointer (&self->stack, gtk_widget_unparent);
  g_clear_object (&self->results);
  g_clear_object (&self->capacity);
  g_clear_pointer (&self->fill, model_fill_free);
  for (guint i = 0; i < VS_N_CHARTS; i++)
    g_clear_object (&self->models[i]);
  G_OBJECT_CLASS (vs_dashboard_parent_class)->dispose (object);
}

static void
vs_dashboard_class_init (VsDashboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_dashboard_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dashboard");
}

static GtkWidget *
add_notice (GtkWidget  *box,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (label, "notice");
  gtk_widget_add_css_class (label, css_class);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_visible (label, FALSE);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

static void
set_notice (GtkWidget  *notice,
            const char *text)
{
  gtk_label_set_text (GTK_LABEL (notice), text != NULL ? text : "");
  gtk_widget_set_visible (notice, text != NULL);
}

static gboolean
is_server_chart (guint kind)
{
  return kind == VS_CHART_SERVER_CPU || kind == VS_CHART_SERVER_MEMORY;
}

/* The charts shown only when the run has what they draw: a server, or closed-model stages. */
static gboolean
is_conditional_chart (guint kind)
{
  return is_server_chart (kind) || kind == VS_CHART_CONNECTIONS;
}

/* The plan's load changes the connections in use over time: the closed model with stages. */
static gboolean
plan_stages_connections (VsPlan *plan)
{
  return plan != NULL && plan->load.model == VS_LOAD_CLOSED && plan->stages->len > 0;
}

static void
vs_dashboard_init (VsDashboard *self)
{
  GtkWidget *empty, *scroller, *box, *grid;

  self->stack = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "power-profile-performance-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("Compare Your Backends"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Add two or more targets, then press Start. Throughput "
                                     "and latency of every target appear here side by side "
                                     "while the load runs."));
  gtk_stack_add_named (GTK_STACK (self->stack), empty, "empty");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_add_css_class (box, "dashboard-content");

  self->error_notice = add_notice (box, "error");
  self->busy_notice = add_notice (box, "warning");

  /* side by side while they fit, on more rows when they do not */
  self->cards = gtk_flow_box_new ();
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->cards), TRUE);
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->cards), GTK_SELECTION_NONE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->cards), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->cards), 12);
  gtk_widget_add_css_class (self->cards, "cards");
  gtk_box_append (GTK_BOX (box), self->cards);

  self->verdicts = add_notice (box, "verdicts");
  self->rounds_strip = vs_rounds_strip_new ();
  gtk_box_append (GTK_BOX (box), self->rounds_strip);

  self->models[VS_CHART_CAPACITY] = vs_chart_model_new (VS_CHART_CAPACITY);
  self->capacity_view = vs_capacity_view_new (self->models[VS_CHART_CAPACITY]);
  self->charts[VS_CHART_CAPACITY] =
    vs_capacity_view_get_chart (VS_CAPACITY_VIEW (self->capacity_view));
  gtk_widget_set_visible (self->capacity_view, FALSE);
  gtk_widget_set_visible (self->charts[VS_CHART_CAPACITY], FALSE);
  gtk_box_append (GTK_BOX (box), self->capacity_view);

  grid = self->charts_grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  for (guint i = 0; i < VS_N_CHARTS; i++)
    {
      if (i == VS_CHART_CAPACITY)
        continue;  /* in the capacity view */
      self->models[i] = vs_chart_model_new (i);
      self->charts[i] = vs_chart_new (self->models[i]);
      gtk_widget_set_hexpand (self->charts[i], TRUE);
      gtk_widget_set_vexpand (self->charts[i], TRUE);
      gtk_grid_attach (GTK_GRID (grid), self->charts[i], i % 2, i / 2, 1, 1);
      /* the server charts only when a target has a server, and so on */
      gtk_widget_set_visible (self->charts[i], !is_conditional_chart (i));
    }
  gtk_widget_set_vexpand (grid, TRUE);
  gtk_box_append (GTK_BOX (box), grid);

  self->table = vs_results_table_new ();
  self->table_revealer = gtk_revealer_new ();
  gtk_revealer_set_child (GTK_REVEALER (self->table_revealer), self->table);
  gtk_box_append (GTK_BOX (box), self->table_revealer);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  gtk_stack_add_named (GTK_STACK (self->stack), scroller, "run");
}

GtkWidget *
vs_dashboard_new (void)
{
  return g_object_new (VS_TYPE_DASHBOARD, NULL);
}

void
vs_dashboard_set_results (VsDashboard *self,
                          VsResults   *results)
{
  GtkWidget *child;

  g_return_if_fail (VS_IS_DASHBOARD (self));

  g_set_object (&self->results, results);
  g_clear_pointer (&self->fill, model_fill_free);
  /* ordinary results: no capacity search */
  g_clear_object (&self->capacity);
  vs_capacity_view_set_capacity (VS_CAPACITY_VIEW (self->capacity_view), NULL);
  gtk_widget_set_visible (self->capacity_view, FALSE);
  gtk_widget_set_visible (self->charts[VS_CHART_CAPACITY], FALSE);
  gtk_widget_set_visible (self->charts_grid, TRUE);

  while ((child = gtk_widget_get_first_child (self->cards)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->cards), child);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->table_revealer), FALSE);
  set_notice (self->error_notice, NULL);
  set_notice (self->busy_notice, NULL);
  set_notice (self->verdicts, NULL);
  self->verdict_trials = 0;
  vs_rounds_strip_set_results (VS_ROUNDS_STRIP (self->rounds_strip), results);

  if (results == NULL)
    {
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
      return;
    }

  for (guint t = 0; t < vs_results_get_n_targets (results); t++)
    {
      const VsTargetResult *r = vs_results_get_target (results, t);

      gtk_flow_box_append (GTK_FLOW_BOX (self->cards), vs_target_card_new (t, r->target->name));
    }
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->cards),
                                          MAX (1, vs_results_get_n_targets (results)));
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "run");
  vs_dashboard_update (self);
}

VsResults *
vs_dashboard_get_results (VsDashboard *self)
{
  return self->results;
}

typedef struct
{
  VsChartModel *model;
  guint         series;
  guint64       total;
  guint64       seen;
  double        max_nines;
} SpectrumFill;

/* Each histogram bucket is a flat step from the percentile where it begins to where it ends. */
static void
spectrum_bucket (gint64   value_us,
                 guint64  count,
                 gpointer user_data)
{
  SpectrumFill *fill = user_data;
  double lo = vs_units_nines (100.0 * fill->seen / fill->total);
  double hi;

  fill->seen += count;
  hi = MIN (vs_units_nines (100.0 * fill->seen / fill->total), fill->max_nines);
  lo = MIN (lo, fill->max_nines);
  vs_chart_model_append (fill->model, fill->series, lo, value_us);
  vs_chart_model_append (fill->model, fill->series, hi, value_us);
}

/* What of a target's intervals the models already hold, so that a tick appends only the new
 * ones. */
typedef struct
{
  guint   filled;                               /* intervals appended so far */
  guint   throughput, p50, p99;                 /* series */
  guint   errors[VS_N_ERROR_CLASSES];           /* series per class that occurred, or NO_SERIES */
  guint   no_errors;                            /* the flat line while there are none */
  guint64 class_totals[VS_N_ERROR_CLASSES];
  guint   server_cpu, server_memory;            /* series, or NO_SERIES without a server */
  guint   in_flight;                            /* series, or NO_SERIES but with closed stages */
} TargetFill;

#define NO_SERIES G_MAXUINT

struct _VsModelFill
{
  guint       n_targets;
  guint       color_base; /* the palette colour of target 0 (a capacity step's: its plan's) */
  TargetFill *targets;
  gboolean    servers;    /* some target has a server: the server charts are shown */
  gboolean    in_flight;  /* closed-model stages: the requests-in-flight chart is shown */
  double      warmup_end;
  double      x_extent;
  gboolean    ended;      /* the run is over: the time axis fits what it drew */
};

static VsModelFill *
model_fill_new (guint n_targets,
                guint color_base)
{
  VsModelFill *fill = g_new0 (VsModelFill, 1);

  fill->n_targets = n_targets;
  fill->color_base = color_base;
  fill->targets = g_new0 (TargetFill, n_targets);
  return fill;
}

static void
model_fill_free (VsModelFill *fill)
{
  g_free (fill->targets);
  g_free (fill);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsModelFill, model_fill_free)

static double
error_rate (const VsInterval *in,
            guint             klass)
{
  return in->counters.errors[klass] / MAX (in->end_s - in->start_s, 1e-3);
}

/* A line per error class that occurred, named in the legend ("api · timeout"); the first solid,
 * the others dashed; a target without errors keeps a flat line under its name. Built anew when a
 * class first occurs, which changes the lines. */
static void
rebuild_errors (VsModelFill  *fill,
                VsResults    *results,
                VsChartModel *model)
{
  vs_chart_model_clear (model);
  for (guint t = 0; t < fill->n_targets; t++)
    {
      const VsTargetResult *r = vs_results_get_target (results, t);
      const char *name = r->target->name;
      TargetFill *tf = &fill->targets[t];
      gboolean any = FALSE;

      tf->no_errors = NO_SERIES;
      for (guint c = 0; c < VS_N_ERROR_CLASSES; c++)
        {
          g_autofree char *label = NULL;

          tf->errors[c] = NO_SERIES;
          if (tf->class_totals[c] == 0)
            continue;
          label = g_strdup_printf ("%s · %s", name, vs_error_class_to_string (c));
          tf->errors[c] = vs_chart_model_add_series (model, label, fill->color_base + t, any,
                                                     TRUE);
          any = TRUE;
          for (guint i = 0; i < tf->filled; i++)
            {
              const VsInterval *in = &g_array_index (r->intervals, VsInterval, i);

              vs_chart_model_append (model, tf->errors[c], in->end_s, error_rate (in, c));
            }
        }
      if (!any)
        {
          tf->no_errors = vs_chart_model_add_series (model, name, fill->color_base + t, FALSE,
                                                     TRUE);
          for (guint i = 0; i < tf->filled; i++)
            vs_chart_model_append (model, tf->no_errors,
                                   g_array_index (r->intervals, VsInterval, i).end_s, 0);
        }
    }
}

static void
fill_spectrum (VsResults    *results,
               guint         color_base,
               VsChartModel *model)
{
  vs_chart_model_clear (model);
  for (guint t = 0; t < vs_results_get_n_targets (results); t++)
    {
      const VsTargetResult *r = vs_results_get_target (results, t);
      guint64 total = vs_histogram_count (r->total->latency);

      vs_chart_model_add_series (model, r->target->name, color_base + t, FALSE, TRUE);
      if (total > 0)
        {
          SpectrumFill fill = { model, t, total, 0, log10 (total) };

          vs_histogram_foreach (r->total->latency, spectrum_bucket, &fill);
        }
    }
}

/* Every target that started has sent its last snapshot. */
static gboolean
results_ended (VsResults *results)
{
  gboolean any = FALSE;

  for (guint t = 0; t < vs_results_get_n_targets (results); t++)
    {
      const VsTargetResult *r = vs_results_get_target (results, t);

      if (r->started && !r->finished)
        return FALSE;
      any |= r->started;
    }
  return any;
}

/* The offered load the plan asks for, as a dashed neutral line over the whole planned length
 * (drawn ahead of the run): in the open model the rate, on the throughput chart; with stages
 * the polyline through their corners, which is exact as the level is linear in between. In the
 * closed model with stages, the connections kept busy, on the requests-in-flight chart (a
 * fixed number of connections is no line worth a chart of its own). */
static void
add_planned (VsPlan       *plan,
             VsChartModel *models[VS_N_CHARTS])
{
  gboolean open = plan != NULL && plan->load.model == VS_LOAD_OPEN;
  VsChartModel *model;
  double t = 0;
  guint series;

  if (plan == NULL || (open && plan->load.rate <= 0) ||
      (!open && !plan_stages_connections (plan)))
    return;
  model = models[open ? VS_CHART_THROUGHPUT : VS_CHART_CONNECTIONS];
  /* TRANSLATORS: the chart line of the offered load the plan asks for */
  series = vs_chart_model_add_series (model, _("planned"), VS_CHART_COLOR_NEUTRAL, TRUE, TRUE);
  if (plan->stages->len == 0)
    {
      if (plan->load.duration_us <= 0)
        return;
      vs_chart_model_append (model, series, 0, plan->load.rate);
      vs_chart_model_append (model, series,
                             (plan->load.warmup_us + plan->load.duration_us) / 1e6,
                             plan->load.rate);
      return;
    }
  vs_chart_model_append (model, series, 0, vs_plan_stage_level (plan, 0));
  for (guint i = 0; i < plan->stages->len; i++)
    {
      const VsStage *stage = &g_array_index (plan->stages, VsStage, i);
      double level = open ? stage->rate : stage->connections;

      t += stage->ramp_us / 1e6;
      if (stage->ramp_us > 0)
        vs_chart_model_append (model, series, t, level);
      t += stage->duration_us / 1e6;
      if (stage->duration_us > 0)
        vs_chart_model_append (model, series, t, level);
    }
}

/* The target has a server Versus samples: managed or attached, or figures of one read back. */
static gboolean
target_has_server (VsResults *results,
                   guint      t)
{
  VsServerSet *servers = vs_results_get_servers (results);
  const VsTargetResult *r = vs_results_get_target (results, t);

  if (servers != NULL && vs_server_set_has_server (servers, t))
    return TRUE;
  if (r->target->server != NULL || r->target->attach != 0 || r->server.samples > 0)
    return TRUE;
  for (guint i = 0; i < r->intervals->len; i++)
    if (g_array_index (r->intervals, VsInterval, i).server_sampled)
      return TRUE;
  return FALSE;
}

/* A fresh fill: the models start over with a throughput line and a p50 and p99 line per
 * target, and the legend of the latency chart's two line styles. */
static void
model_fill_start_series (VsModelFill  *fill,
                         VsResults    *results,
                         VsChartModel *models[VS_N_CHARTS])
{
  for (guint k = 0; k < VS_N_CHARTS; k++)
    if (k != VS_CHART_CAPACITY)
      vs_chart_model_clear (models[k]);
  for (guint i = 0; i < fill->n_targets; i++)
    {
      const char *name = vs_results_get_target (results, i)->target->name;
      g_autofree char *p99_label = g_strdup_printf (_("%s p99"), name);
      TargetFill *tf = &fill->targets[i];
      guint t = fill->color_base + i;

      tf->throughput = vs_chart_model_add_series (models[VS_CHART_THROUGHPUT], name, t,
                                                  FALSE, TRUE);
      tf->p50 = vs_chart_model_add_series (models[VS_CHART_LATENCY], name, t, FALSE, TRUE);
      tf->p99 = vs_chart_model_add_series (models[VS_CHART_LATENCY], p99_label, t, TRUE,
                                           FALSE);
      tf->server_cpu = tf->server_memory = tf->in_flight = NO_SERIES;
      if (plan_stages_connections (vs_results_get_plan (results)))
        {
          tf->in_flight = vs_chart_model_add_series (models[VS_CHART_CONNECTIONS], name, t,
                                                     FALSE, TRUE);
          fill->in_flight = TRUE;
        }
      if (target_has_server (results, i))
        {
          tf->server_cpu = vs_chart_model_add_series (models[VS_CHART_SERVER_CPU], name, t,
                                                      FALSE, TRUE);
          tf->server_memory = vs_chart_model_add_series (models[VS_CHART_SERVER_MEMORY], name,
                                                         t, FALSE, TRUE);
          fill->servers = TRUE;
        }
    }
  /* what the two line styles of the latency chart mean */
  vs_chart_model_add_series (models[VS_CHART_LATENCY], _("p50"), VS_CHART_COLOR_NEUTRAL,
                             FALSE, TRUE);
  vs_chart_model_add_series (models[VS_CHART_LATENCY], _("p99"), VS_CHART_COLOR_NEUTRAL,
                             TRUE, TRUE);
  add_planned (vs_results_get_plan (results), models);
}

/* The throughput and latency points of the intervals not yet drawn; counts the errors by
 * class. TRUE when a class occurred for the first time (the error lines change). */
static gboolean
model_fill_append_intervals (VsModelFill  *fill,
                             VsResults    *results,
                             VsChartModel *models[VS_N_CHARTS])
{
  gboolean new_class = FALSE;

  for (guint t = 0; t < fill->n_targets; t++)
    {
      const VsTargetResult *r = vs_results_get_target (results, t);
      TargetFill *tf = &fill->targets[t];

      for (guint i = tf->filled; i < r->intervals->len; i++)
        {
          const VsInterval *in = &g_array_index (r->intervals, VsInterval, i);

          vs_chart_model_append (models[VS_CHART_THROUGHPUT], tf->throughput, in->end_s,
                                 in->rps);
          if (in->counters.responses > 0)
            {
              vs_chart_model_append (models[VS_CHART_LATENCY], tf->p50, in->end_s, in->p50_us);
              vs_chart_model_append (models[VS_CHART_LATENCY], tf->p99, in->end_s, in->p99_us);
            }
          /* Little's law: the mean number in flight is the rate of answers times their mean
           * latency (each answer's whole wait counts in the interval it ended in) */
          if (tf->in_flight != NO_SERIES && in->end_s > in->start_s)
            vs_chart_model_append (models[VS_CHART_CONNECTIONS], tf->in_flight, in->end_s,
                                   in->counters.responses * in->latency_mean_us / 1e6 /
                                     (in->end_s - in->start_s));
          if (in->server_sampled && tf->server_cpu != NO_SERIES)
            {
              vs_chart_model_append (models[VS_CHART_SERVER_CPU], tf->server_cpu, in->end_s,
                                     in->server_cpu_percent);
              vs_chart_model_append (models[VS_CHART_SERVER_MEMORY], tf->server_memory,
                                     in->end_s, in->server_memory_bytes / 1048576.0);
            }
          for (guint c = 0; c < VS_N_ERROR_CLASSES; c++)
            {
              if (in->counters.errors[c] > 0 && tf->class_totals[c] == 0)
                new_class = TRUE;
              tf->class_totals[c] += in->counters.errors[c];
            }
          /* (mode rounds: every trial has its warm-up; the shade is the first one's) */
          if (in->phase == VS_PHASE_WARMUP && in->round <= 1)
            fill->warmup_end = MAX (fill->warmup_end, in->end_s);
          fill->x_extent = MAX (fill->x_extent, in->end_s);
        }
    }
  return new_class;
}

/* The error lines: anew when the lines changed, else the new points; then every interval is
 * drawn. */
static void
model_fill_append_errors (VsModelFill  *fill,
                          VsResults    *results,
                          VsChartModel *model,
                          gboolean      rebuild)
{
  for (guint t = 0; t < fill->n_targets; t++)
    {
      const VsTargetResult *r = vs_results_get_target (results, t);
      TargetFill *tf = &fill->targets[t];

      if (!rebuild)
        for (guint i = tf->filled; i < r->intervals->len; i++)
          {
            const VsInterval *in = &g_array_index (r->intervals, VsInterval, i);

            if (tf->no_errors != NO_SERIES)
              vs_chart_model_append (model, tf->no_errors, in->end_s, 0);
            for (guint c = 0; c < VS_N_ERROR_CLASSES; c++)
              if (tf->errors[c] != NO_SERIES)
                vs_chart_model_append (model, tf->errors[c], in->end_s, error_rate (in, c));
          }
      tf->filled = r->intervals->len;
    }
  if (rebuild)
    rebuild_errors (fill, results, model);
}

/* While it runs, the planned length, so that the time axis does not rescale on every tick
 * (none when it is a count of requests: the chart's own minimum); once it has ended, what it
 * lasted: a run stopped at 3 s of 30, or a 3 s run, is not drawn on a 10 s axis. The warm-up
 * is shaded. */
static void
model_fill_fit_axes (VsModelFill  *fill,
                     VsResults    *results,
                     VsChartModel *models[VS_N_CHARTS])
{
  VsPlan *plan = vs_results_get_plan (results);
  double planned = 0;

  if (plan != NULL && plan->load.duration_us > 0)
    planned = (plan->load.warmup_us + plan->load.duration_us) / (double) G_USEC_PER_SEC;
  /* mode rounds: a target's trials follow each other on its time line */
  if (plan != NULL && plan->mode == VS_MODE_ROUNDS)
    planned *= plan->rounds;
  fill->ended |= results_ended (results);
  for (guint k = 0; k < VS_N_CHARTS; k++)
    {
      if (k == VS_CHART_SPECTRUM || k == VS_CHART_CAPACITY)
        continue;
      vs_chart_model_set_x_extent (models[k], fill->ended ? fill->x_extent : planned);
      vs_chart_model_set_shade (models[k], 0, fill->warmup_end);
    }
}

/* Appends the intervals that arrived since the last call; a fresh fill (filled 0 everywhere)
 * starts the models over. The spectrum is of the whole run so far: always drawn anew. */
static void
model_fill_update (VsModelFill  *fill,
                   VsResults    *results,
                   VsChartModel *models[VS_N_CHARTS],
                   gboolean      fresh)
{
  gboolean new_class;

  if (fresh)
    model_fill_start_series (fill, results, models);
  new_class = model_fill_append_intervals (fill, results, models);
  model_fill_append_errors (fill, results, models[VS_CHART_ERRORS], fresh || new_class);
  fill_spectrum (results, fill->color_base, models[VS_CHART_SPECTRUM]);
  model_fill_fit_axes (fill, results, models);
  for (guint k = 0; k < VS_N_CHARTS; k++)
    if (k != VS_CHART_CAPACITY)
      vs_chart_model_changed (models[k]);
}

void
vs_dashboard_fill_models (VsResults    *results,
                          VsChartModel *models[VS_N_CHARTS])
{
  g_autoptr(VsModelFill) fill = model_fill_new (vs_results_get_n_targets (results), 0);

  model_fill_update (fill, results, models, TRUE);
}

/* The run-wide warnings of the summary's notes, in the words `versus run` prints: the
 * generator saturated or crowded, sends that left late and why, protocols that differ, backends
 * that do not answer alike (and how). The notes about one target (its first error, unsent
 * requests, its server's failure) are on its card. */
static void
update_busy_notice (VsDashboard *self)
{
  g_autoptr(GPtrArray) notes = vs_summary_notes (self->results);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < notes->len; i++)
    {
      const VsNote *note = g_ptr_array_index (notes, i);
      gboolean shown = note->kind == VS_NOTE_SATURATED || note->kind == VS_NOTE_LATE ||
                       note->kind == VS_NOTE_STOPPED ||
                       note->kind == VS_NOTE_PROTOCOL ||
                       note->kind == VS_NOTE_ANSWERS ||
                       (note->kind == VS_NOTE_GENERATOR && note->warning);

      if (!shown)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, note->text);
    }
  set_notice (self->busy_notice, text->len > 0 ? text->str : NULL);
}

/* Mode rounds: the verdict lines, made again only when another trial has ended (10,000
 * resamples per figure are not for every tick). */
static void
update_verdicts (VsDashboard *self)
{
  VsRoundsStrip *strip = VS_ROUNDS_STRIP (self->rounds_strip);
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *text = NULL;

  vs_rounds_strip_update (strip);
  if (vs_results_get_n_rounds (self->results) == 0 ||
      vs_rounds_strip_get_n_dots (strip) == self->verdict_trials)
    return;
  self->verdict_trials = vs_rounds_strip_get_n_dots (strip);

  lines = vs_rounds_verdict_lines (self->results, VS_FORMAT_LOCALE);
  g_ptr_array_add (lines, NULL);
  if (lines->len > 1)
    text = g_strjoinv ("\n", (char **) lines->pdata);
  set_notice (self->verdicts, text);
}

/* Mode capacity: a card per target of the plan, with the figures of its running step, or of
 * its summary step (at its capacity, else its first) once it has one. */
static void
update_capacity_cards (VsDashboard *self)
{
  VsPlan *plan = vs_capacity_get_plan (self->capacity);
  gboolean running = vs_capacity_is_running (self->capacity);

  for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
    {
      VsTargetCard *card = vs_dashboard_get_card (self, t);
      const VsCapacityStep *step = vs_capacity_get_summary_step (self->capacity, t);

      if (card == NULL)
        continue;
      if (running && t == self->step_target && self->results != NULL)
        vs_target_card_update (card, self->results, 0);
      else if (step != NULL)
        vs_target_card_update (card, step->results, 0);
    }
}

void
vs_dashboard_set_capacity (VsDashboard *self,
                           VsCapacity  *capacity)
{
  VsPlan *plan;

  g_return_if_fail (VS_IS_DASHBOARD (self));

  vs_dashboard_set_results (self, NULL);
  if (capacity == NULL)
    return;

  self->capacity = g_object_ref (capacity);
  plan = vs_capacity_get_plan (capacity);
  for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
    gtk_flow_box_append (GTK_FLOW_BOX (self->cards),
                         vs_target_card_new (t, vs_plan_get_target (plan, t)->name));
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->cards),
                                          MAX (1, vs_plan_get_n_targets (plan)));
  vs_capacity_view_set_capacity (VS_CAPACITY_VIEW (self->capacity_view), capacity);
  gtk_widget_set_visible (self->capacity_view, TRUE);
  gtk_widget_set_visible (self->charts[VS_CHART_CAPACITY], TRUE);
  /* the time charts come with the first step's results */
  gtk_widget_set_visible (self->charts_grid, FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "run");
}

VsCapacity *
vs_dashboard_get_capacity (VsDashboard *self)
{
  g_return_val_if_fail (VS_IS_DASHBOARD (self), NULL);
  return self->capacity;
}

void
vs_dashboard_capacity_step_started (VsDashboard *self,
                                    guint        target,
                                    double       rate)
{
  VsRun *run;
  VsPlan *plan;
  g_autofree char *text = NULL;
  g_autofree char *offered = NULL;
  guint n_steps = 1;
  GPtrArray *steps;

  g_return_if_fail (VS_IS_DASHBOARD (self));
  g_return_if_fail (self->capacity != NULL);

  run = vs_capacity_get_run (self->capacity);
  plan = vs_capacity_get_plan (self->capacity);
  steps = vs_capacity_get_steps (self->capacity);
  for (guint i = 0; i < steps->len; i++)
    n_steps += ((VsCapacityStep *) g_ptr_array_index (steps, i))->target == target;

  /* its live charts, in its target's colours */
  self->step_target = target;
  g_clear_object (&self->results);
  if (run != NULL && vs_run_get_results (run) != NULL)
    self->results = g_object_ref (vs_run_get_results (run));
  g_clear_pointer (&self->fill, model_fill_free);
  gtk_widget_set_visible (self->charts_grid, self->results != NULL);

  offered = vs_units_format (rate, VS_UNIT_RATE);
  /* TRANSLATORS: the capacity search's step going on: "node: step 3 at 320 req/s…" */
  text = g_strdup_printf (_("%s: step %u at %s…"), vs_plan_get_target (plan, target)->name,
                          n_steps, offered);
  vs_capacity_view_set_running (VS_CAPACITY_VIEW (self->capacity_view), target, text);
  vs_dashboard_update (self);
}

void
vs_dashboard_capacity_changed (VsDashboard *self)
{
  g_return_if_fail (VS_IS_DASHBOARD (self));

  if (self->capacity == NULL)
    return;
  if (!vs_capacity_is_running (self->capacity))
    vs_capacity_view_set_running (VS_CAPACITY_VIEW (self->capacity_view), G_MAXUINT, NULL);
  else
    vs_capacity_view_update (VS_CAPACITY_VIEW (self->capacity_view));
  update_capacity_cards (self);
}

GtkWidget *
vs_dashboard_get_capacity_view (VsDashboard *self)
{
  g_return_val_if_fail (VS_IS_DASHBOARD (self), NULL);
  return self->capacity_view;
}

void
vs_dashboard_update (VsDashboard *self)
{
  g_return_if_fail (VS_IS_DASHBOARD (self));

  if (self->results == NULL)
    return;

  if (self->fill == NULL)
    {
      self->fill = model_fill_new (vs_results_get_n_targets (self->results),
                                   self->capacity != NULL ? self->step_target : 0);
      model_fill_update (self->fill, self->results, self->models, TRUE);
    }
  else
    model_fill_update (self->fill, self->results, self->models, FALSE);
  for (guint k = 0; k < VS_N_CHARTS; k++)
    if (is_conditional_chart (k))
      gtk_widget_set_visible (self->charts[k], vs_dashboard_chart_shown (self, k));
  update_busy_notice (self);
  update_verdicts (self);
  if (self->capacity != NULL)
    {
      /* the run-wide notes are the running step's; once the search is over, each step's
       * outcome (and a limit of the generator) is in the steps table, each summary step's
       * notes on its card */
      if (!vs_capacity_is_running (self->capacity))
        set_notice (self->busy_notice, NULL);
      update_capacity_cards (self);
      return;
    }
  for (guint t = 0; t < vs_results_get_n_targets (self->results); t++)
    {
      VsTargetCard *card = vs_dashboard_get_card (self, t);

      if (card != NULL)
        vs_target_card_update (card, self->results, t);
    }
}

void
vs_dashboard_show_summary (VsDashboard *self)
{
  g_return_if_fail (VS_IS_DASHBOARD (self));

  if (self->capacity != NULL)
    {
      /* the search is over: its sentences, its table of each target's step at capacity */
      if (self->fill != NULL)
        self->fill->ended = TRUE;
      vs_dashboard_update (self);
      vs_dashboard_capacity_changed (self);
      vs_results_table_set_capacity (VS_RESULTS_TABLE (self->table), self->capacity);
      gtk_revealer_set_reveal_child (GTK_REVEALER (self->table_revealer), TRUE);
      return;
    }
  if (self->results == NULL)
    return;
  if (self->fill != NULL)
    self->fill->ended = TRUE;
  vs_dashboard_update (self);
  vs_results_table_set_results (VS_RESULTS_TABLE (self->table), self->results);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->table_revealer), TRUE);
}

void
vs_dashboard_set_error (VsDashboard *self,
                        const char  *message)
{
  g_autofree char *text = NULL;

  g_return_if_fail (VS_IS_DASHBOARD (self));

  if (message != NULL)
    text = g_strdup_printf (_("The run stopped early: %s"), message);
  set_notice (self->error_notice, text);
}

const char *
vs_dashboard_get_notice (VsDashboard *self,
                         const char  *key)
{
  GtkWidget *notice = NULL;

  g_return_val_if_fail (VS_IS_DASHBOARD (self), NULL);

  if (g_str_equal (key, "error"))
    notice = self->error_notice;
  else if (g_str_equal (key, "generator"))
    notice = self->busy_notice;
  else if (g_str_equal (key, "verdicts"))
    notice = self->verdicts;
  g_return_val_if_fail (notice != NULL, NULL);
  return gtk_widget_get_visible (notice) ? gtk_label_get_text (GTK_LABEL (notice)) : NULL;
}

GtkWidget *
vs_dashboard_get_rounds_strip (VsDashboard *self)
{
  g_return_val_if_fail (VS_IS_DASHBOARD (self), NULL);

  return self->rounds_strip;
}

VsChartModel *
vs_dashboard_get_chart_model (VsDashboard *self,
                              VsChartKind  kind)
{
  g_return_val_if_fail (kind < VS_N_CHARTS, NULL);
  return self->models[kind];
}

GtkWidget *
vs_dashboard_get_chart (VsDashboard *self,
                        VsChartKind  kind)
{
  g_return_val_if_fail (kind < VS_N_CHARTS, NULL);
  return self->charts[kind];
}

guint
vs_dashboard_get_n_cards (VsDashboard *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (self->cards);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

VsTargetCard *
vs_dashboard_get_card (VsDashboard *self,
                       guint        index)
{
  GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (GTK_FLOW_BOX (self->cards), index);

  return child != NULL ? VS_TARGET_CARD (gtk_flow_box_child_get_child (child)) : NULL;
}

GtkWidget *
vs_dashboard_get_table (VsDashboard *self)
{
  return self->table;
}

gboolean
vs_dashboard_chart_shown (VsDashboard *self,
                          guint        kind)
{
  g_return_val_if_fail (kind < VS_N_CHARTS, FALSE);
  if (kind == VS_CHART_CAPACITY)
    return self->capacity != NULL;
  if (self->capacity != NULL && self->results == NULL)
    return FALSE;  /* a search whose first step has not started */
  if (kind == VS_CHART_CONNECTIONS)
    return self->fill != NULL && self->fill->in_flight;
  return !is_server_chart (kind) || (self->fill != NULL && self->fill->servers);
}

gboolean
vs_dashboard_export_charts (VsDashboard  *self,
                            const char   *dir,
                            GError      **error)
{
  g_autoptr(GError) failures = NULL;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (saved));
      return FALSE;
    }

  /* every picture is tried, whatever becomes of the others; each failure is said */
  for (guint k = 0; k < VS_N_CHARTS; k++)
    {
      const char *name = vs_chart_model_get_name (self->models[k]);
      g_autofree char *png_name = g_strconcat (name, ".png", NULL);
      g_autofree char *svg_name = g_strconcat (name, ".svg", NULL);
      g_autofree char *png = g_build_filename (dir, png_name, NULL);
      g_autofree char *svg = g_build_filename (dir, svg_name, NULL);
      GError *png_error = NULL;
      GError *svg_error = NULL;

      if (!vs_dashboard_chart_shown (self, k))
        continue;
      /* the exports' fixed style, whatever the window's */
      vs_chart_render_to_png (self->models[k], png, EXPORT_WIDTH, EXPORT_HEIGHT, &png_error);
      vs_chart_render_to_svg (self->models[k], svg, EXPORT_WIDTH, EXPORT_HEIGHT, &svg_error);
      vs_error_add (&failures, png_error);
      vs_error_add (&failures, svg_error);
    }
  if (failures != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&failures));
      return FALSE;
    }
  return TRUE;
}
