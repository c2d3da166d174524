/* vs-capacity.c: the capacity search (see vs-capacity.h) */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vs-capacity.h"
#include "vs-capacity-private.h"
#include "vs-error.h"
#include "vs-run.h"
#include "vs-slo.h"
#include "vs-summary.h"
#include "vs-threshold.h"

struct _VsCapacity
{
  GObject           parent_instance;

  VsPlan           *plan;
  GPtrArray        *steps;       /* VsCapacityStep* */
  VsCapacityResult *results;     /* per target */
  VsRun            *run;         /* the step going on */
  GError           *error;
  guint             target;      /* being searched */
  guint             step;        /* of that target, from 1 */
  VsCapacityPhase   phase;
  double            rate;        /* of the step going on */
  double            low;         /* highest kept, or NaN */
  double            high;        /* lowest failed, or NaN */
  guint             bisected;
  gboolean          stopping;
  gboolean          running;
};

/* Fewer late sends than this (with a connection free) never make a step limited. */
#define MIN_LATE 10

enum { SIGNAL_STEP, SIGNAL_FINISHED, SIGNAL_STEP_STARTED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VsCapacity, vs_capacity, G_TYPE_OBJECT)

static void
step_free (VsCapacityStep *step)
{
  g_free (step->why);
  g_clear_object (&step->results);
  g_free (step);
}

/* The plan of one step: the target alone, open model at rate, step long. */
VsPlan *
_vs_capacity_step_plan (VsPlan *search,
                        guint   target,
                        double  rate)
{
  VsPlan *plan = vs_plan_copy (search);
  VsTarget *kept = vs_target_copy (vs_plan_get_target (search, target));

  g_ptr_array_set_size (plan->targets, 0);
  vs_plan_add_target (plan, kept);
  plan->mode = VS_MODE_PARALLEL;
  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = rate;
  plan->load.duration_us = search->capacity.step_us;
  plan->load.requests = 0;
  g_array_set_size (plan->stages, 0);
  return plan;
}

static VsPlan *
step_plan (VsCapacity *self,
           guint       target,
           double      rate)
{
  return _vs_capacity_step_plan (self->plan, target, rate);
}

/* The figures a step would have had without the generator's lag: latencies from the actual
 * send time (the uncorrected histogram), the rest as measured. */
static gboolean
uncorrected_figure (VsThresholdMetric   metric,
                    double             *value,
                    const char        **why,
                    gpointer            user_data)
{
  VsResults *results = user_data;
  const VsHistogram *histogram = vs_results_get_target (results, 0)->total->uncorrected;
  static const double percentiles[] = {
    [VS_THRESHOLD_P50] = 50, [VS_THRESHOLD_P90] = 90, [VS_THRESHOLD_P99] = 99,
    [VS_THRESHOLD_P999] = 99.9,
  };

  if (metric > VS_THRESHOLD_MAX)
    return vs_slo_figure (results, 0, metric, value, why);
  if (histogram == NULL || vs_histogram_count (histogram) == 0)
    return FALSE;
  if (metric == VS_THRESHOLD_MEAN)
    *value = vs_histogram_mean (histogram);
  else if (metric == VS_THRESHOLD_MAX)
    *value = vs_histogram_max (histogram);
  else
    *value = vs_histogram_percentile (histogram, percentiles[metric]);
  return TRUE;
}

/* Would every threshold have held had the generator sent on time? */
static gboolean
kept_without_lag (VsResults *results)
{
  g_autoptr(GPtrArray) thresholds = vs_plan_thresholds_for (vs_results_get_plan (results), 0);

  for (guint i = 0; i < thresholds->len; i++)
    {
      const VsPlanThreshold *threshold = g_ptr_array_index (thresholds, i);
      g_autoptr(VsThreshold) parsed = vs_threshold_parse (threshold->expr, "thresholds", NULL);

      if (parsed == NULL ||
          vs_threshold_evaluate (parsed, uncorrected_figure, results, NULL) != VS_THRESHOLD_PASS)
        return FALSE;
    }
  return TRUE;
}

/* Why the generator, not the server, may have set the pace of this step; NULL when it did
 * not. Late sends (their lag is in the latency, measured from the intended time) only count
 * against a step that failed, and only when it would have kept its thresholds without their
 * lag: one that kept every threshold with the lag included was kept by the server all the
 * more, and one that fails even from the actual send times failed at the server. */
static char *
generator_limit (VsResults *results,
                 gboolean   kept)
{
  const VsTargetResult *tr = vs_results_get_target (results, 0);
  const VsCounters *counters = &tr->total->counters;
  guint64 late_free = counters->late > counters->late_at_cap
                        ? counters->late - counters->late_at_cap : 0;

  if (tr->generator_busy_max > VS_GENERATOR_BUSY_WARNING)
    return g_strdup_printf (_("its busiest thread was %.0f%% busy"),
                            100.0 * tr->generator_busy_max);
  /* a handful late while the connections open at the start is no limit */
  /* and, as the notes judge late sends, only when most of them did not wait for a connection
   * (the server being slow to answer) but for the generator */
  if (!kept && late_free > MIN_LATE && late_free > VS_LATE_WARNING_SHARE * counters->requests &&
      late_free > counters->late_at_cap && kept_without_lag (results))
    return g_strdup_printf (_("%.1f%% of the sends left late with a connection free"),
                            100.0 * late_free / counters->requests);
  return NULL;
}

static void start_step (VsCapacity *self);

static gboolean
next_step_cb (gpointer data)
{
  VsCapacity *self = data;

  start_step (self);
  return G_SOURCE_REMOVE;
}

static void
finish (VsCapacity *self)
{
  self->running = FALSE;
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
  /* the reference the search held on itself while it ran */
  g_object_unref (self);
}

/* The search of the current target is over: on to the next, or the end. */
static void
next_target (VsCapacity *self)
{
  VsCapacityResult *result = &self->results[self->target];
  const VsCapacityStep *kept = NULL;

  result->capacity_rps = self->low;
  result->failed_rps = self->high;
  if (!isnan (self->low))
    kept = vs_capacity_get_summary_step (self, self->target);
  if (kept != NULL)
    vs_results_set_capacity (kept->results, 0, self->low);

  self->target++;
  self->step = 0;
  self->low = self->high = NAN;
  self->bisected = 0;
  self->phase = VS_CAPACITY_RAISE;
  self->rate = self->plan->capacity.start_rate;
}

static void
on_step_finished (VsRun      *run,
                  VsCapacity *self)
{
  VsResults *results = vs_run_get_results (run);
  VsCapacityResult *result = &self->results[self->target];
  const VsCapacityPlan *plan = &self->plan->capacity;
  VsCapacityStep *step = g_new0 (VsCapacityStep, 1);
  g_autofree char *failed = NULL;
  g_autofree char *limit = NULL;
  gboolean stopped = self->stopping;

  step->target = self->target;
  step->step = self->step;
  step->phase = self->phase;
  step->rate = self->rate;
  step->results = g_object_ref (results);
  if (vs_slo_verdict (results, 0, &failed) == VS_SLO_PASS && vs_run_get_error (run) == NULL &&
      !stopped)
    step->kept = TRUE;
  limit = generator_limit (results, step->kept);
  /* a step the generator could not keep to says nothing about the server, kept or not */
  if (limit != NULL && !stopped)
    {
      step->kept = FALSE;
      step->limited = TRUE;
      step->why = g_strdup_printf (_("limited by the generator: %s"), limit);
    }
  else if (!step->kept)
    step->why = g_strdup (failed != NULL ? failed
                                         : vs_run_get_error (run) != NULL
                                           ? vs_run_get_error (run)->message
                                           : _("stopped"));
  g_ptr_array_add (self->steps, step);
  g_signal_handlers_disconnect_by_data (run, self);
  g_clear_object (&self->run);
  g_signal_emit (self, signals[SIGNAL_STEP], 0, step);

  if (step->limited)
    {
      result->limited = TRUE;
      result->limited_rps = step->rate;
    }
  else if (step->kept)
    self->low = step->rate;
  else
    self->high = step->rate;

  if (stopped)
    {
      next_target (self);
      finish (self);
      return;
    }

  /* what comes next for this target */
  if (step->limited)
    next_target (self);
  else if (self->phase == VS_CAPACITY_RAISE && step->kept)
    {
      if (step->rate >= plan->max_rate)
        {
          result->at_max = TRUE;
          next_target (self);
        }
      else
        self->rate = MIN (step->rate * plan->factor, plan->max_rate);
    }
  else if (isnan (self->low) || self->bisected >= plan->bisections)
    next_target (self);  /* failed at the start rate, or the interval is halved enough */
  else
    {
      self->phase = VS_CAPACITY_BISECT;
      self->bisected++;
      self->rate = (self->low + self->high) / 2;
    }

  if (self->target >= vs_plan_get_n_targets (self->plan))
    {
      finish (self);
      return;
    }
  g_idle_add_full (G_PRIORITY_DEFAULT, next_step_cb, g_object_ref (self), g_object_unref);
}

static void
start_step (VsCapacity *self)
{
  g_autoptr(VsPlan) plan = step_plan (self, self->target, self->rate);
  g_autoptr(GError) error = NULL;

  self->step++;
  self->run = vs_run_new (plan);
  g_signal_connect (self->run, "finished", G_CALLBACK (on_step_finished), self);
  if (!vs_run_start (self->run, &error))
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      g_clear_object (&self->run);
      if (self->error == NULL)
        self->error = g_steal_pointer (&error);
      finish (self);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_STEP_STARTED], 0, self->target, self->rate);
}

gboolean
vs_capacity_start (VsCapacity  *self,
                   GError     **error)
{
  g_autoptr(VsPlan) first = NULL;

  g_return_val_if_fail (VS_IS_CAPACITY (self), FALSE);
  g_return_val_if_fail (!self->running && self->steps->len == 0, FALSE);

  if (!vs_plan_validate (self->plan, error))
    return FALSE;
  if (self->plan->mode != VS_MODE_CAPACITY)
    return vs_error_set_field (error, "mode", _("a capacity search needs mode “capacity”"));

  /* the first step is started here, so that what keeps it from starting is said at once */
  self->running = TRUE;
  g_object_ref (self);
  self->rate = self->plan->capacity.start_rate;
  self->step = 1;
  first = step_plan (self, 0, self->rate);
  self->run = vs_run_new (first);
  g_signal_connect (self->run, "finished", G_CALLBACK (on_step_finished), self);
  if (!vs_run_start (self->run, error))
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      g_clear_object (&self->run);
      self->running = FALSE;
      g_object_unref (self);
      return FALSE;
    }
  g_signal_emit (self, signals[SIGNAL_STEP_STARTED], 0, self->target, self->rate);
  return TRUE;
}

VsRun *
vs_capacity_get_run (VsCapacity *self)
{
  g_return_val_if_fail (VS_IS_CAPACITY (self), NULL);
  return self->run;
}

gboolean
vs_capacity_is_running (VsCapacity *self)
{
  g_return_val_if_fail (VS_IS_CAPACITY (self), FALSE);
  return self->running;
}

void
vs_capacity_stop (VsCapacity *self)
{
  g_return_if_fail (VS_IS_CAPACITY (self));

  self->stopping = TRUE;
  if (self->run != NULL)
    vs_run_stop (self->run);
}

VsPlan *
vs_capacity_get_plan (VsCapacity *self)
{
  g_return_val_if_fail (VS_IS_CAPACITY (self), NULL);
  return self->plan;
}

GPtrArray *
vs_capacity_get_steps (VsCapacity *self)
{
  g_return_val_if_fail (VS_IS_CAPACITY (self), NULL);
  return self->steps;
}

const GError *
vs_capacity_get_error (VsCapacity *self)
{
  g_return_val_if_fail (VS_IS_CAPACITY (self), NULL);
  return self->error;
}

const VsCapacityResult *
vs_capacity_get_result (VsCapacity *self,
                        guint       target)
{
  g_return_val_if_fail (VS_IS_CAPACITY (self), NULL);
  g_return_val_if_fail (target < vs_plan_get_n_targets (self->plan), NULL);
  return &self->results[target];
}

const VsCapacityStep *
vs_capacity_get_summary_step (VsCapacity *self,
                              guint       target)
{
  const VsCapacityStep *first = NULL, *best = NULL;

  g_return_val_if_fail (VS_IS_CAPACITY (self), NULL);

  for (guint i = 0; i < self->steps->len; i++)
    {
      const VsCapacityStep *step = g_ptr_array_index (self->steps, i);

      if (step->target != target)
        continue;
      if (first == NULL)
        first = step;
      if (step->kept && (best == NULL || step->rate > best->rate))
        best = step;
    }
  return best != NULL ? best : first;
}

static char *
thresholds_text (VsCapacity *self,
                 guint       target)
{
  g_autoptr(GPtrArray) thresholds = vs_plan_thresholds_for (self->plan, target);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < thresholds->len; i++)
    g_string_append_printf (text, "%s%s", i ? ", " : "",
                            ((VsPlanThreshold *) g_ptr_array_index (thresholds, i))->expr);
  return g_string_free (text, FALSE);
}

char *
vs_capacity_describe (VsCapacity *self,
                      guint       target)
{
  const VsCapacityResult *result = vs_capacity_get_result (self, target);
  const char *name = vs_plan_get_target (self->plan, target)->name;
  g_autofree char *kept = thresholds_text (self, target);
  GString *text = g_string_new (NULL);
  const VsCapacityStep *last = NULL;

  for (guint i = 0; i < self->steps->len; i++)
    if (((VsCapacityStep *) g_ptr_array_index (self->steps, i))->target == target)
      last = g_ptr_array_index (self->steps, i);

  if (!isnan (result->capacity_rps))
    /* TRANSLATORS: "node: 320 req/s keeping p99 < 100ms" */
    g_string_append_printf (text, _("%s: %.0f req/s keeping %s"), name, result->capacity_rps,
                            kept);
  else
    /* TRANSLATORS: "node: no rate kept p99 < 100ms" */
    g_string_append_printf (text, _("%s: no rate kept %s"), name, kept);

  if (result->limited)
    /* TRANSLATORS: "; at 500 req/s limited by the generator: its busiest thread was 100% busy,
     * so no capacity at or above it is claimed" */
    g_string_append_printf (text, _("; at %.0f req/s %s, so no capacity at or above it is "
                                    "claimed"),
                            result->limited_rps,
                            last != NULL && last->limited ? last->why
                                                          : _("limited by the generator"));
  else if (result->at_max)
    g_string_append_printf (text, _("; kept up to capacity.max, the highest rate tried"));
  else if (!isnan (result->failed_rps))
    {
      const VsCapacityStep *failed = NULL;

      for (guint i = 0; i < self->steps->len; i++)
        {
          const VsCapacityStep *step = g_ptr_array_index (self->steps, i);

          if (step->target == target && !step->kept && !step->limited &&
              step->rate == result->failed_rps)
            failed = step;
        }
      g_string_append_printf (text, _("; %.0f req/s failed %s"), result->failed_rps,
                              failed != NULL && failed->why ? failed->why : "");
    }
  else if (last == NULL)
    g_string_append (text, _("; not searched"));
  return g_string_free (text, FALSE);
}

void
_vs_capacity_add_step (VsCapacity     *self,
                       VsCapacityStep *step)
{
  g_return_if_fail (VS_IS_CAPACITY (self));
  g_return_if_fail (!self->running);
  g_return_if_fail (step->target < vs_plan_get_n_targets (self->plan));

  g_ptr_array_add (self->steps, step);
}

void
_vs_capacity_set_result (VsCapacity             *self,
                         guint                   target,
                         const VsCapacityResult *result)
{
  const VsCapacityStep *summary;

  g_return_if_fail (VS_IS_CAPACITY (self));
  g_return_if_fail (!self->running);
  g_return_if_fail (target < vs_plan_get_n_targets (self->plan));

  self->results[target] = *result;
  /* as the search does when a target is done: the step at capacity carries it */
  summary = vs_capacity_get_summary_step (self, target);
  if (!isnan (result->capacity_rps) && summary != NULL)
    vs_results_set_capacity (summary->results, 0, result->capacity_rps);
}

static void
vs_capacity_finalize (GObject *object)
{
  VsCapacity *self = VS_CAPACITY (object);

  g_assert (self->run == NULL);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_free);
  g_clear_pointer (&self->plan, vs_plan_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (vs_capacity_parent_class)->finalize (object);
}

static void
vs_capacity_class_init (VsCapacityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_capacity_finalize;

  /* A step is over (its VsCapacityStep, owned by the search). */
  signals[SIGNAL_STEP] =
    g_signal_new ("step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* The search is over (done, stopped, or a step could not start: vs_capacity_get_error()). */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /* A step has started (the plan index of its target, its offered rate): its run is
   * vs_capacity_get_run()'s until "step". */
  signals[SIGNAL_STEP_STARTED] =
    g_signal_new ("step-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_DOUBLE);
}

static void
vs_capacity_init (VsCapacity *self)
{
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  self->low = self->high = NAN;
}

VsCapacity *
vs_capacity_new (VsPlan *plan)
{
  VsCapacity *self;

  g_return_val_if_fail (plan != NULL, NULL);

  self = g_object_new (VS_TYPE_CAPACITY, NULL);
  self->plan = vs_plan_copy (plan);
  self->results = g_new0 (VsCapacityResult, vs_plan_get_n_targets (plan));
  for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
    self->results[t] = (VsCapacityResult) { NAN, FALSE, FALSE, NAN, NAN };
  return self;
}
