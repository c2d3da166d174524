/* vs-slo.h: a run's SLO thresholds judged on its results
 *
 * Each target is judged on the thresholds that apply to it (the plan's, then its own), on the
 * whole measured phase, with the figures of the summary table (vs-summary.h), so that a
 * threshold and the table never disagree. A figure that was not measured fails its threshold.
 *
 * Live: vs_slo_watch() judges, on every tick, the thresholds marked abort_on_fail on what was
 * measured so far, once the target's measured phase is older than the threshold's grace; the
 * first one that fails ends the run (vs_run_stop()) and says why in the results
 * (vs_results_get_stopped_by()).
 */
#pragma once

#include "vs-results.h"
#include "vs-run.h"
#include "vs-threshold.h"

G_BEGIN_DECLS

typedef enum
{
  VS_SLO_NONE,  /* no threshold applies */
  VS_SLO_PASS,  /* every one holds */
  VS_SLO_FAIL,  /* at least one does not (or was not measured) */
} VsSloVerdict;

typedef struct
{
  const VsPlanThreshold *threshold;    /* borrowed from the results' plan */
  VsThresholdOutcome     outcome;
  double                 value;        /* the figure in its kind's unit (µs, req/s, %); NaN
                                        * when not measured */
  char                  *explanation;  /* "p99 < 50ms: passed (p99 = 42.1ms)" */
} VsSloResult;

void          vs_slo_result_free  (VsSloResult *result);

/* Every threshold of target @target judged (VsSloResult*, in the plan's order). */
GPtrArray    *vs_slo_evaluate     (VsResults   *results,
                                   guint        target);
/* The verdict over them; @failed (may be NULL) receives the failed expressions joined with
 * "; " ("p99 < 50ms; rps > 1000"), or NULL when none failed. */
VsSloVerdict  vs_slo_verdict      (VsResults   *results,
                                   guint        target,
                                   char       **failed);
/* Does any target of @plan have a threshold? */
gboolean      vs_slo_any          (VsPlan      *plan);
/* Does any target fail? */
gboolean      vs_slo_any_failed   (VsResults   *results);

/* The figure a threshold compares, from the summary table (for callers that judge on their
 * own terms, e.g. the capacity search). */
gboolean      vs_slo_figure       (VsResults          *results,
                                   guint               target,
                                   VsThresholdMetric   metric,
                                   double             *value,
                                   const char        **why);

/* Ends @run when an abort_on_fail threshold fails (see above). Called once per run. */
void          vs_slo_watch        (VsRun       *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsSloResult, vs_slo_result_free)

G_END_DECLS
