/* vs-results.c: everything a run produced, per target */
#include "vs-results.h"
#include "vs-results-private.h"

#include "vs-hdr.h"

#include <string.h>
#include <math.h>

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

  /* mode rounds */
  GPtrArray      *rounds;         /* VsResults* of each round's trials, or NULL */
  guint64         rounds_seed;
  guint          *order;          /* n_rounds × n_targets plan indices */
  guint          *trial_round;    /* per target: the round of its latest snapshot */
  double         *trial_offset;   /* per target: where that trial starts on its time line */
  char           *stopped_by;
  double         *capacity;      /* per target, NaN: none */
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
      g_clear_pointer (&target->interval_latency, g_ptr_array_unref);
      g_clear_pointer (&target->total, vs_stats_free);
      g_clear_pointer (&target->first_error, g_free);
    }
  g_clear_pointer (&self->targets, g_free);
  g_clear_object (&self->servers);
  g_clear_pointer (&self->rounds, g_ptr_array_unref);
  g_clear_pointer (&self->order, g_free);
  g_clear_pointer (&self->trial_round, g_free);
  g_clear_pointer (&self->trial_offset, g_free);
  g_clear_pointer (&self->plan, vs_plan_unref);
  g_clear_pointer (&self->engine, g_free);
  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->stopped_by, g_free);
  g_clear_pointer (&self->capacity, g_free);

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
  self->capacity = g_new (double, self->n_targets);

  for (guint i = 0; i < self->n_targets; i++)
    {
      VsTargetResult *target = &self->targets[i];

      target->target = g_ptr_array_index (plan->targets, i);
      target->intervals = g_array_new (FALSE, TRUE, sizeof (VsInterval));
      target->interval_latency = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      target->total = vs_stats_new ();
      self->capacity[i] = NAN;
    }

  return self;
}

VsResults *
vs_results_copy (VsResults *self,
                 VsResults *previous)
{
  VsResults *copy;

  g_return_val_if_fail (VS_IS_RESULTS (self), NULL);
  g_return_val_if_fail (previous == NULL || previous->plan == self->plan, NULL);

  if (previous != NULL)
    copy = g_object_ref (previous);
  else
    {
      copy = vs_results_new (self->plan, self->engine);
      g_date_time_unref (copy->started);
      copy->started = g_date_time_ref (self->started);
    }
  copy->n_workers = self->n_workers;
  copy->n_cpus = self->n_cpus;
  if (copy->stopped_by == NULL)
    copy->stopped_by = g_strdup (self->stopped_by);
  memcpy (copy->capacity, self->capacity, self->n_targets * sizeof (double));
  if (copy->servers != self->servers)
    {
      g_clear_object (&copy->servers);
      copy->servers = self->servers != NULL ? g_object_ref (self->servers) : NULL;
    }
  if (self->rounds != NULL)
    {
      guint n_rounds = self->rounds->len;

      if (copy->rounds == NULL)
        {
          copy->rounds_seed = self->rounds_seed;
          copy->order = g_memdup2 (self->order,
                                   (gsize) n_rounds * self->n_targets * sizeof (guint));
          copy->trial_round = g_new0 (guint, self->n_targets);
          copy->trial_offset = g_new0 (double, self->n_targets);
          copy->rounds = g_ptr_array_new_full (n_rounds, g_object_unref);
          for (guint r = 0; r < n_rounds; r++)
            g_ptr_array_add (copy->rounds,
                             vs_results_copy (g_ptr_array_index (self->rounds, r), NULL));
        }
      else
        for (guint r = 0; r < n_rounds; r++)
          g_object_unref (vs_results_copy (g_ptr_array_index (self->rounds, r),
                                           g_ptr_array_index (copy->rounds, r)));
      memcpy (copy->trial_round, self->trial_round, self->n_targets * sizeof (guint));
      memcpy (copy->trial_offset, self->trial_offset, self->n_targets * sizeof (double));
    }
  for (guint i = 0; i < self->n_targets; i++)
    {
      const VsTargetResult *from = &self->targets[i];
      VsTargetResult *to = &copy->targets[i];

      /* intervals (and their histograms) are only ever appended */
      if (to->intervals->len < from->intervals->len)
        g_array_append_vals (to->intervals,
                             &g_array_index (from->intervals, VsInterval, to->intervals->len),
                             from->intervals->len - to->intervals->len);
      while (to->interval_latency->len < from->interval_latency->len)
        g_ptr_array_add (to->interval_latency,
                         g_bytes_ref (g_ptr_array_index (from->interval_latency,
                                                         to->interval_latency->len)));
      to->started_wall_us = from->started_wall_us;
      to->server = from->server;
      to->stopped = from->stopped;
      vs_stats_free (to->total);
      to->total = vs_stats_copy (from->total);
      to->measured_s = from->measured_s;
      to->generator_busy_max = from->generator_busy_max;
      to->started = from->started;
      to->finished = from->finished;
      g_free (to->first_error);
      to->first_error = g_strdup (from->first_error);
    }
  return copy;
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
  for (guint r = 0; self->rounds != NULL && r < self->rounds->len; r++)
    vs_results_set_generator (g_ptr_array_index (self->rounds, r), n_workers, n_cpus);
}

void
vs_results_set_rounds (VsResults   *self,
                       guint64      seed,
                       guint        n_rounds,
                       const guint *order)
{
  g_return_if_fail (VS_IS_RESULTS (self));
  g_return_if_fail (self->rounds == NULL);
  g_return_if_fail (n_rounds > 0 && order != NULL);

  self->rounds_seed = seed;
  self->order = g_memdup2 (order, (gsize) n_rounds * self->n_targets * sizeof (guint));
  self->trial_round = g_new0 (guint, self->n_targets);
  self->trial_offset = g_new0 (double, self->n_targets);
  self->rounds = g_ptr_array_new_full (n_rounds, g_object_unref);
  for (guint r = 0; r < n_rounds; r++)
    {
      VsResults *trials = vs_results_new (self->plan, self->engine);

      vs_results_set_generator (trials, self->n_workers, self->n_cpus);
      g_ptr_array_add (self->rounds, trials);
    }
}

guint
vs_results_get_n_rounds (VsResults *self)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), 0);

  return self->rounds != NULL ? self->rounds->len : 0;
}

guint64
vs_results_get_rounds_seed (VsResults *self)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), 0);

  return self->rounds_seed;
}

const guint *
vs_results_get_round_order (VsResults *self,
                            guint      round)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), NULL);

  if (round == 0 || round > vs_results_get_n_rounds (self))
    return NULL;
  return self->order + (gsize) (round - 1) * self->n_targets;
}

VsResults *
vs_results_get_round (VsResults *self,
                      guint      round)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), NULL);

  if (round == 0 || round > vs_results_get_n_rounds (self))
    return NULL;
  return g_ptr_array_index (self->rounds, round - 1);
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

void
vs_results_end (VsResults *self)
{
  g_return_if_fail (VS_IS_RESULTS (self));

  for (guint i = 0; i < self->n_targets; i++)
    if (self->targets[i].started)
      self->targets[i].finished = TRUE;
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
  VsInterval *warmup = NULL;
  VsCounters *row;
  double length;

  if (all->requests == ours->requests && all->unsent == ours->unsent)
    return;

  for (guint i = target->intervals->len; i > 0 && warmup == NULL; i--)
    {
      VsInterval *interval = &g_array_index (target->intervals, VsInterval, i - 1);

      if (interval->phase == VS_PHASE_WARMUP)
        warmup = interval;
    }
  if (warmup == NULL)
    return;

  row = &warmup->counters;
  row->requests += all->requests - ours->requests;
  row->responses += all->responses - ours->responses;
  for (guint i = 0; i < VS_N_ERROR_CLASSES; i++)
    row->errors[i] += all->errors[i] - ours->errors[i];
  for (guint i = 0; i < G_N_ELEMENTS (row->status); i++)
    row->status[i] += all->status[i] - ours->status[i];
  row->bytes_in += all->bytes_in - ours->bytes_in;
  row->unsent += all->unsent - ours->unsent;
  /* its rate is of its requests, stragglers included, as every row's */
  length = warmup->end_s - warmup->start_s;
  warmup->rps = length > 0 ? row->requests / length : 0.0;
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
  /* mode rounds: the trial's own results too; on the whole run's time line the target's trials
   * follow each other */
  if (snapshot->round > 0 && snapshot->round <= vs_results_get_n_rounds (self))
    {
      if (self->trial_round[snapshot->target] != snapshot->round)
        {
          const GArray *rows = target->intervals;

          self->trial_round[snapshot->target] = snapshot->round;
          self->trial_offset[snapshot->target] =
            rows->len > 0 ? g_array_index (rows, VsInterval, rows->len - 1).end_s : 0.0;
        }
      vs_results_add_snapshot (vs_results_get_round (self, snapshot->round), snapshot);
    }
  /* A measured row holds exactly the measured-phase requests that ended in it, so that the
   * measured rows partition the totals; warm-up's stragglers that end after warm-up are in no
   * row (they are warm-up's, and left out of every figure). */
  row = snapshot->phase == VS_PHASE_MEASURE && snapshot->measured != NULL ? snapshot->measured
                                                                          : snapshot->stats;
  latency = row->latency;
  length = snapshot->end_s - snapshot->start_s;

  interval.start_s = snapshot->start_s;
  interval.end_s = snapshot->end_s;
  interval.round = snapshot->round;
  if (self->trial_offset != NULL)
    {
      interval.start_s += self->trial_offset[snapshot->target];
      interval.end_s += self->trial_offset[snapshot->target];
    }
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
      interval.latency_mean_us = vs_histogram_mean (latency);
    }
  if (snapshot->server_sampled)
    {
      interval.server_sampled = TRUE;
      interval.server_cpu_percent = snapshot->server.cpu_percent;
      interval.server_memory_bytes = snapshot->server.memory_bytes;
      interval.server_sample_s = snapshot->server.interval_s;
      if (snapshot->phase == VS_PHASE_MEASURE)
        add_server_sample (&target->server, &snapshot->server);
    }
  g_array_append_val (target->intervals, interval);
  g_ptr_array_add (target->interval_latency, vs_hdr_encode (latency));
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

  if (!target->started)
    target->started_wall_us = g_get_real_time () - (gint64) (snapshot->end_s * G_USEC_PER_SEC);
  target->started = TRUE;
  /* in mode rounds a target has finished with its last round's trial, or with a stop */
  if (snapshot->last &&
      (self->rounds == NULL || snapshot->round == self->rounds->len || snapshot->stopped))
    target->finished = TRUE;
  if (snapshot->last && snapshot->stopped)
    target->stopped = TRUE;
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

void
vs_results_set_stopped_by (VsResults  *self,
                           const char *why)
{
  g_return_if_fail (VS_IS_RESULTS (self));

  if (self->stopped_by == NULL)
    self->stopped_by = g_strdup (why);
}

const char *
vs_results_get_stopped_by (VsResults *self)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), NULL);

  return self->stopped_by;
}

void
vs_results_set_capacity (VsResults *self,
                         guint      target,
                         double     rps)
{
  g_return_if_fail (VS_IS_RESULTS (self));
  g_return_if_fail (target < self->n_targets);

  self->capacity[target] = rps;
}

double
vs_results_get_capacity (VsResults *self,
                         guint      target)
{
  g_return_val_if_fail (VS_IS_RESULTS (self), NAN);
  g_return_val_if_fail (target < self->n_targets, NAN);

  return self->capacity[target];
}
