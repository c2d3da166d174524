/* vs-results.c: everything a run produced, per target */
#include "vs-results.h"
#include "vs-results-private.h"

struct _VsResults
{
  GObject         parent_instance;

  VsPlan         *plan;
  char           *engine;
  GDateTime      *started;
  guint           n_workers;
  guint           n_cpus;
  VsTargetResult *targets;
  guint           n_targets;
  VsServerSet    *servers;
};

G_DEFINE_FINAL_TYPE (VsResults, vs_results, G_TYPE_OBJECT)

static void
vs_results_finalize (GObject *object)
{
  VsResults *self = VS_RESULTS (object);

  for (guint i = 0; i < self->n_targets; i++)
    {
      VsTargetResult *target = &self->targets[i];

      g_clear_pointer (&target->intervals, g_array_unref);
      g_clear_pointer (&target->total, vs_stats_free);
      g_clear_pointer (&target->first_error, g_free);
    }
  g_clear_pointer (&self->targets, g_free);
  g_clear_object (&self->servers);
  g_clear_pointer (&self->plan, vs_plan_unref);
  g_clear_pointer (&self->engine, g_free);
  g_clear_pointer (&self->started, g_date_time_unref);

  G_OBJECT_CLASS (vs_results_parent_class)->finalize (object);
}

static void
vs_results_class_init (VsResultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_results_finalize;
}

static void
vs_results_init (VsResults *self)
{
}

VsResults *
vs_results_new (VsPlan     *plan,
                const char *engine)
{
  VsResults *self;

  g_return_val_if_fail (plan != NULL, NULL);

  self = g_object_new (VS_TYPE_RESULTS, NULL);
  self->plan = vs_plan_ref (plan);
  self->engine = g_strdup (engine);
  self->started = g_date_time_new_now_utc ();
  self->n_targets = plan->targets->len;
  self->targets = g_new0 (VsTargetResult, self->n_targets);

  for (guint i = 0; i < self->n_targets; i++)
    {
      VsTargetResult *target = &self->targets[i];

      target->target = g_ptr_array_index (plan->targets, i);
      target->intervals = g_array_new (FALSE, TRUE, sizeof (VsInterval));
      target->total = vs_stats_new ();
    }

  return self;
}

VsPlan *
vs_results_get_plan (VsResults *self)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), NULL);

  return self->plan;
}

const char *
vs_results_get_engine (VsResults *self)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), NULL);

  return self->engine;
}

GDateTime *
vs_results_get_started (VsResults *self)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), NULL);

  return self->started;
}

void
vs_results_set_generator (VsResults *self,
                          guint      n_workers,
                          guint      n_cpus)
{
  g_return_if_fail (VS_IS_RESULTS (self));

  self->n_workers = n_workers;
  self->n_cpus = n_cpus;
}

guint
vs_results_get_n_workers (VsResults *self)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), 0);

  return self->n_workers;
}

guint
vs_results_get_n_cpus (VsResults *self)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), 0);

  return self->n_cpus;
}

guint
vs_results_get_n_targets (VsResults *self)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), 0);

  return self->n_targets;
}

const VsTargetResult *
vs_results_get_target (VsResults *self,
                       guint      index)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), NULL);
  g_return_val_if_fail (index < self->n_targets, NULL);

  return &self->targets[index];
}

/* Adds to a warm-up row's counters the warm-up requests that ended in a measured tick (all of
 * stats but the measured ones): each phase's rows then sum to its requests, and all rows to what
 * the server saw. The row's latency figures stay those of the requests that ended in it. */
static void
add_stragglers (VsTargetResult *target,
                const VsStats  *stats,
                const VsStats  *measured)
{
  const VsCounters *all = &stats->counters;
  const VsCounters *ours = &measured->counters;
  VsCounters *row = NULL;

  if (all->requests == ours->requests && all->unsent == ours->unsent)
    return;

  for (guint i = target->intervals->len; i > 0 && row == NULL; i--)
    {
      VsInterval *interval = &g_array_index (target->intervals, VsInterval, i - 1);

      if (interval->phase == VS_PHASE_WARMUP)
        row = &interval->counters;
    }
  if (row == NULL)
    return;

  row->requests += all->requests - ours->requests;
  row->responses += all->responses - ours->responses;
  for (guint i = 0; i < VS_N_ERROR_CLASSES; i++)
    row->errors[i] += all->errors[i] - ours->errors[i];
  for (guint i = 0; i < G_N_ELEMENTS (row->status); i++)
    row->status[i] += all->status[i] - ours->status[i];
  row->bytes_in += all->bytes_in - ours->bytes_in;
  row->unsent += all->unsent - ours->unsent;
}

/* The snapshot stays the caller's: everything needed is copied or merged out of it. */
static void
add_server_sample (VsServerTotals     *totals,
                   const VsProcSample *sample)
{
  if (!(sample->interval_s > 0))
    return;
  if (totals->samples == 0)
    totals->memory_is_pss = TRUE;
  totals->samples++;
  totals->sampled_s += sample->interval_s;
  totals->cpu_s += sample->cpu_percent / 100.0 * sample->interval_s;
  totals->cpu_peak_percent = MAX (totals->cpu_peak_percent, sample->cpu_percent);
  totals->memory_byte_s += (double) sample->memory_bytes * sample->interval_s;
  totals->memory_peak_bytes = MAX (totals->memory_peak_bytes, sample->memory_bytes);
  totals->memory_is_pss = totals->memory_is_pss && sample->memory_is_pss;
}

void
vs_results_set_servers (VsResults   *self,
                        VsServerSet *servers)
{
  g_return_if_fail (VS_IS_RESULTS (self));

  g_set_object (&self->servers, servers);
}

VsServerSet *
vs_results_get_servers (VsResults *self)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), NULL);

  return self->servers;
}

void
vs_results_add_snapshot (VsResults  *self,
                         VsSnapshot *snapshot)
{
  VsTargetResult *target;
  const VsHistogram *latency;
  const VsStats *row;
  VsInterval interval = { 0 };
  double length;

  g_return_if_fail (VS_IS_RESULTS (self));
  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (snapshot->stats != NULL);
  g_return_if_fail (snapshot->target < self->n_targets);

  target = &self->targets[snapshot->target];
  /* A measured row holds exactly the measured-phase requests that ended in it, so that the
   * measured rows partition the totals; warm-up's stragglers that end after warm-up are in no
   * row (they are warm-up's, and left out of every figure). */
  row = snapshot->phase == VS_PHASE_MEASURE && snapshot->measured != NULL ? snapshot->measured
                                                                          : snapshot->stats;
  latency = row->latency;
  length = snapshot->end_s - snapshot->start_s;

  interval.start_s = snapshot->start_s;
  interval.end_s = snapshot->end_s;
  interval.phase = snapshot->phase;
  interval.draining = snapshot->draining;
  interval.counters = row->counters;
  interval.generator_busy = snapshot->generator_busy;
  interval.rps = length > 0 ? row->counters.requests / length : 0.0;
  if (vs_histogram_count (latency) > 0)
    {
      interval.min_us = vs_histogram_min (latency);
      interval.mean_us = vs_histogram_mean (latency);
      interval.p50_us = vs_histogram_percentile (latency, 50.0);
      interval.p90_us = vs_histogram_percentile (latency, 90.0);
      interval.p99_us = vs_histogram_percentile (latency, 99.0);
      interval.p999_us = vs_histogram_percentile (latency, 99.9);
      interval.max_us = vs_histogram_max (latency);
    }
  if (snapshot->server_sampled)
    {
      interval.server_sampled = TRUE;
      interval.server_cpu_percent = snapshot->server.cpu_percent;
      interval.server_memory_bytes = snapshot->server.memory_bytes;
      if (snapshot->phase == VS_PHASE_MEASURE)
        add_server_sample (&target->server, &snapshot->server);
    }
  g_array_append_val (target->intervals, interval);
  if (row != snapshot->stats)
    add_stragglers (target, snapshot->stats, row);

  /* requests count by when they were meant to leave, so warm-up's stragglers stay out of the
   * totals and the measured phase's first requests stay in, whatever interval they ended in */
  if (snapshot->measured != NULL)
    vs_stats_merge (target->total, snapshot->measured);
  else if (snapshot->phase == VS_PHASE_MEASURE)
    vs_stats_merge (target->total, snapshot->stats);

  /* the drain after the end sends nothing: its time is not the measured phase's */
  if (snapshot->phase == VS_PHASE_MEASURE && !snapshot->draining)
    {
      target->generator_busy_max = MAX (target->generator_busy_max, snapshot->generator_busy);
      if (length > 0)
        target->measured_s += length;
    }

  target->started = TRUE;
  if (snapshot->last)
    target->finished = TRUE;
  if (target->first_error == NULL && snapshot->first_error != NULL)
    target->first_error = g_strdup (snapshot->first_error);
}

double
vs_target_result_rps (const VsTargetResult *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  if (self->measured_s <= 0)
    return 0.0;

  return self->total->counters.requests / self->measured_s;
}

double
vs_target_result_error_rate (const VsTargetResult *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  if (self->total->counters.requests == 0)
    return 0.0;

  return (double) vs_counters_errors (&self->total->counters) / self->total->counters.requests;
}

gint64
vs_target_result_latency (const VsTargetResult *self,
                          double                percentile)
{
  g_return_val_if_fail (self != NULL, 0);

  return vs_histogram_percentile (self->total->latency, percentile);
}

double
vs_target_result_at_cap_share (const VsTargetResult *self,
                               guint                 n_workers)
{
  g_return_val_if_fail (self != NULL, 0.0);

  if (self->measured_s <= 0 || n_workers == 0)
    return 0.0;

  return CLAMP (self->total->counters.at_cap_us / (self->measured_s * G_USEC_PER_SEC * n_workers),
                0.0, 1.0);
}

VsTargetResult *
_vs_results_get_target_mutable (VsResults *self,
                                guint      index)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), NULL);
  g_return_val_if_fail (index < self->n_targets, NULL);

  return &self->targets[index];
}

void
_vs_results_set_started (VsResults *self,
                         GDateTime *started)
{
  g_return_if_fail (VS_IS_RESULTS (self));
  g_return_if_fail (started != NULL);

  g_date_time_unref (self->started);
  self->started = g_date_time_ref (started);
}
