/* vs-slo.c: a run's SLO thresholds judged on its results (see vs-slo.h) */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vs-slo.h"
#include "vs-summary.h"

typedef struct
{
  VsResults *results;
  guint      target;
} Figures;

static gboolean
summary_figure (VsResults   *results,
                guint        target,
                const char  *id,
                double      *value)
{
  const VsMetric *metric = vs_summary_find_metric (id);
  VsMetricValue v;

  if (metric == NULL)
    return FALSE;
  v = vs_summary_value (results, target, metric);
  if (!v.measured)
    return FALSE;
  *value = v.number;
  return TRUE;
}

gboolean
vs_slo_figure (VsResults          *results,
               guint               target,
               VsThresholdMetric   metric,
               double             *value,
               const char        **why)
{
  const VsTargetResult *tr = vs_results_get_target (results, target);
  const VsCounters *counters = &tr->total->counters;
  const char *id = vs_threshold_metric_summary_id (metric);

  switch (metric)
    {
    case VS_THRESHOLD_ERROR_RATE:
      if (counters->requests == 0)
        {
          *why = _("no request finished");
          return FALSE;
        }
      *value = 100.0 * vs_counters_errors (counters) / counters->requests;
      return TRUE;

    case VS_THRESHOLD_UNSENT:
      if (vs_results_get_plan (results)->load.model != VS_LOAD_OPEN)
        {
          *why = _("only the open model has a schedule to fall behind");
          return FALSE;
        }
      if (counters->requests + counters->unsent == 0)
        {
          *why = _("no request was due");
          return FALSE;
        }
      *value = 100.0 * counters->unsent / (counters->requests + counters->unsent);
      return TRUE;

    case VS_THRESHOLD_SERVER_CPU_PER_REQUEST:
      if (summary_figure (results, target, id, value))
        return TRUE;
      *why = _("the server's CPU is only measured for managed servers");
      return FALSE;

    default:
      if (id != NULL && summary_figure (results, target, id, value))
        return TRUE;
      *why = metric == VS_THRESHOLD_RPS ? _("nothing was measured")
                                        : _("no response was received");
      return FALSE;
    }
}

static gboolean
getter (VsThresholdMetric   metric,
        double             *value,
        const char        **why,
        gpointer            user_data)
{
  Figures *figures = user_data;

  return vs_slo_figure (figures->results, figures->target, metric, value, why);
}

void
vs_slo_result_free (VsSloResult *result)
{
  if (result == NULL)
    return;
  g_free (result->explanation);
  g_free (result);
}

static VsSloResult *
judge (VsResults             *results,
       guint                  target,
       const VsPlanThreshold *threshold)
{
  g_autoptr(VsThreshold) parsed = NULL;
  VsSloResult *result = g_new0 (VsSloResult, 1);
  Figures figures = { results, target };
  g_autoptr(GError) error = NULL;

  result->threshold = threshold;
  result->value = NAN;
  /* the plan was validated, so this parses; should it not, it fails rather than passes */
  parsed = vs_threshold_parse (threshold->expr, "thresholds", &error);
  if (parsed == NULL)
    {
      result->outcome = VS_THRESHOLD_FAIL;
      result->explanation = g_strdup (error->message);
      return result;
    }
  result->outcome = vs_threshold_evaluate (parsed, getter, &figures, &result->explanation);
  {
    const char *why = NULL;

    if (!vs_slo_figure (results, target, parsed->metric, &result->value, &why))
      result->value = NAN;
  }
  return result;
}

GPtrArray *
vs_slo_evaluate (VsResults *results,
                 guint      target)
{
  GPtrArray *judged = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_slo_result_free);
  g_autoptr(GPtrArray) thresholds = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), judged);
  g_return_val_if_fail (target < vs_results_get_n_targets (results), judged);

  thresholds = vs_plan_thresholds_for (vs_results_get_plan (results), target);
  for (guint i = 0; i < thresholds->len; i++)
    g_ptr_array_add (judged, judge (results, target, g_ptr_array_index (thresholds, i)));
  return judged;
}

VsSloVerdict
vs_slo_verdict (VsResults  *results,
                guint       target,
                char      **failed)
{
  g_autoptr(GPtrArray) judged = vs_slo_evaluate (results, target);
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; i < judged->len; i++)
    {
      const VsSloResult *result = g_ptr_array_index (judged, i);

      if (result->outcome == VS_THRESHOLD_PASS)
        continue;
      if (list->len > 0)
        g_string_append (list, "; ");
      g_string_append (list, result->threshold->expr);
    }

  if (failed != NULL)
    *failed = list->len > 0 ? g_strdup (list->str) : NULL;
  if (judged->len == 0)
    return VS_SLO_NONE;
  return list->len > 0 ? VS_SLO_FAIL : VS_SLO_PASS;
}

gboolean
vs_slo_any (VsPlan *plan)
{
  for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
    {
      g_autoptr(GPtrArray) thresholds = vs_plan_thresholds_for (plan, t);

      if (thresholds->len > 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
vs_slo_any_failed (VsResults *results)
{
  for (guint t = 0; t < vs_results_get_n_targets (results); t++)
    if (vs_slo_verdict (results, t, NULL) == VS_SLO_FAIL)
      return TRUE;
  return FALSE;
}

/* ---- live ------------------------------------------------------------------------------- */

static void
on_tick (VsRun    *run,
         gpointer  user_data)
{
  VsResults *results = vs_run_get_results (run);

  if (results == NULL || vs_results_get_stopped_by (results) != NULL)
    return;

  for (guint t = 0; t < vs_results_get_n_targets (results); t++)
    {
      const VsTargetResult *tr = vs_results_get_target (results, t);
      g_autoptr(GPtrArray) thresholds = vs_plan_thresholds_for (vs_results_get_plan (results), t);

      if (tr->measured_s <= 0)
        continue;
      for (guint i = 0; i < thresholds->len; i++)
        {
          const VsPlanThreshold *threshold = g_ptr_array_index (thresholds, i);
          g_autoptr(VsSloResult) result = NULL;
          g_autofree char *why = NULL;

          /* a grace of 0 still waits for the first measured tick */
          if (!threshold->abort_on_fail || tr->measured_s * G_USEC_PER_SEC < threshold->grace_us)
            continue;
          result = judge (results, t, threshold);
          if (result->outcome == VS_THRESHOLD_PASS)
            continue;
          /* TRANSLATORS: "stopped at 12.0 s: node: p99 < 50ms: failed (p99 = 61.2ms)" */
          why = g_strdup_printf (_("stopped at %.1f s of its measured phase: %s: %s"),
                                 tr->measured_s, tr->target->name, result->explanation);
          vs_results_set_stopped_by (results, why);
          vs_run_stop (run);
          return;
        }
    }
}

void
vs_slo_watch (VsRun *run)
{
  g_return_if_fail (VS_IS_RUN (run));

  if (vs_slo_any (vs_run_get_plan (run)))
    g_signal_connect (run, "tick", G_CALLBACK (on_tick), NULL);
}
