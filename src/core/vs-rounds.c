/* vs-rounds.c: the trials' order and the verdicts of mode rounds (see vs-rounds.h) */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vs-random.h"
#include "vs-rounds.h"
#include "vs-summary.h"

guint *
vs_rounds_order (guint64 seed,
                 guint   n_rounds,
                 guint   n_targets)
{
  guint *order = g_new (guint, MAX (1, (gsize) n_rounds * n_targets));
  guint64 state = seed;

  for (guint r = 0; r < n_rounds; r++)
    {
      guint *row = order + (gsize) r * n_targets;

      for (guint t = 0; t < n_targets; t++)
        row[t] = t;
      /* Fisher–Yates: every permutation equally likely */
      for (guint i = n_targets; i > 1; i--)
        {
          guint j = vs_random_below (&state, i);
          guint swap = row[i - 1];

          row[i - 1] = row[j];
          row[j] = swap;
        }
    }
  return order;
}

guint64
vs_rounds_fresh_seed (void)
{
  /* 53 bits, so that a JSON reader holding numbers as doubles keeps it exactly */
  guint64 seed = ((guint64) g_random_int () << 32) | g_random_int ();

  return seed & ((G_GUINT64_CONSTANT (1) << 53) - 1);
}

/* ---- the compared figures --------------------------------------------------------------- */

static double
get_error_rate (const VsTargetResult *trial)
{
  const VsCounters *counters = &trial->total->counters;

  if (counters->requests == 0)
    return NAN;
  return 100.0 * vs_counters_errors (counters) / counters->requests;
}

static const VsCompared compared_figures[] = {
  { "rps", N_("throughput"), "rps", TRUE, NULL },
  { "p50", N_("latency p50"), "latency_p50_ms", FALSE, NULL },
  { "p99", N_("latency p99"), "latency_p99_ms", FALSE, NULL },
  { "error_rate", N_("error rate"), NULL, FALSE, get_error_rate },
  /* from the managed servers' figures; not computable where the summary lacks the metric */
  { "server_cpu_per_request", N_("server CPU per request"), "server_cpu_us_per_request", FALSE,
    NULL },
};

guint
vs_rounds_get_n_compared (void)
{
  return G_N_ELEMENTS (compared_figures);
}

const VsCompared *
vs_rounds_get_compared (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (compared_figures), NULL);
  return &compared_figures[index];
}

gboolean
vs_rounds_has_figure (const VsCompared *compared)
{
  g_return_val_if_fail (compared != NULL, FALSE);

  return compared->metric == NULL || vs_summary_find_metric (compared->metric) != NULL;
}

gboolean
vs_rounds_is_latency (const VsCompared *compared)
{
  const VsMetric *metric;

  g_return_val_if_fail (compared != NULL, FALSE);

  metric = compared->metric != NULL ? vs_summary_find_metric (compared->metric) : NULL;
  return metric != NULL && metric->unit == VS_METRIC_LATENCY;
}

double
vs_rounds_trial_value (VsResults        *results,
                       guint             round,
                       guint             target,
                       const VsCompared *compared)
{
  VsResults *trials;
  const VsTargetResult *trial;

  g_return_val_if_fail (VS_IS_RESULTS (results), NAN);
  g_return_val_if_fail (compared != NULL, NAN);

  trials = vs_results_get_round (results, round);
  if (trials == NULL || target >= vs_results_get_n_targets (trials))
    return NAN;
  trial = vs_results_get_target (trials, target);
  if (!trial->finished || trial->stopped)
    return NAN;

  if (compared->metric != NULL)
    {
      const VsMetric *metric = vs_summary_find_metric (compared->metric);
      VsMetricValue value;

      if (metric == NULL)
        return NAN;
      value = vs_summary_value (trials, target, metric);
      return value.measured ? value.number : NAN;
    }
  return compared->get (trial);
}

gboolean
vs_rounds_verdict (VsResults        *results,
                   guint             target,
                   const VsCompared *compared,
                   VsVerdict        *out)
{
  guint n_rounds;
  g_autofree double *baseline = NULL;
  g_autofree double *other = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), FALSE);
  g_return_val_if_fail (compared != NULL && out != NULL, FALSE);

  n_rounds = vs_results_get_n_rounds (results);
  if (n_rounds == 0 || target == 0 || target >= vs_results_get_n_targets (results))
    return FALSE;

  baseline = g_new (double, n_rounds);
  other = g_new (double, n_rounds);
  for (guint r = 0; r < n_rounds; r++)
    {
      baseline[r] = vs_rounds_trial_value (results, r + 1, 0, compared);
      other[r] = vs_rounds_trial_value (results, r + 1, target, compared);
    }
  vs_verdict_compute (baseline, n_rounds, other, n_rounds, compared->higher_is_better,
                      vs_results_get_rounds_seed (results), VS_VERDICT_RESAMPLES, out);
  return TRUE;
}

char *
vs_rounds_verdict_text (VsResults        *results,
                        guint             target,
                        const VsCompared *compared,
                        const VsVerdict  *verdict,
                        VsFormatFlags     flags)
{
  g_return_val_if_fail (VS_IS_RESULTS (results), NULL);

  return vs_verdict_format (verdict, vs_results_get_target (results, target)->target->name,
                            vs_results_get_target (results, 0)->target->name,
                            _(compared->label), flags);
}

GPtrArray *
vs_rounds_verdict_lines (VsResults     *results,
                         VsFormatFlags  flags)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (VS_IS_RESULTS (results), lines);

  for (guint i = 1; i < vs_results_get_n_targets (results); i++)
    {
      const char *previous = NULL;

      for (guint c = 0; c < G_N_ELEMENTS (compared_figures); c++)
        {
          const VsCompared *compared = &compared_figures[c];
          char *line;
          VsVerdict verdict;

          if (!vs_rounds_has_figure (compared) ||
              !vs_rounds_verdict (results, i, compared, &verdict))
            continue;  /* a figure this run has not got, or not mode rounds */
          line = vs_rounds_verdict_text (results, i, compared, &verdict, flags);
          if (g_strcmp0 (line, previous) == 0)
            {
              g_free (line);
              continue;
            }
          g_ptr_array_add (lines, line);
          previous = line;
        }
    }
  return lines;
}
