/* vs-threshold.h: SLO thresholds ("p99 < 50ms") parsed, checked and evaluated
 *
 * Grammar (spaces between the parts are optional):
 *
 *   threshold := metric op value
 *   op        := "<" | "<=" | ">" | ">="
 *   value     := number unit            number: digits with an optional fraction, no sign
 *
 *   metric                   kind      unit of the value            figure
 *   p50 p90 p99 p99.9        latency   us, µs, ms, s                latency percentile
 *   mean max                 latency   us, µs, ms, s                latency mean, maximum
 *   server_cpu_per_request   latency   us, µs, ms, s                server CPU time / request
 *   rps                      rate      none (requests per second)   throughput
 *   error_rate               share     %                            errors / requests
 *   unsent                   share     %                            unsent / due (open model)
 *
 * e.g. "p99 < 50ms", "p99.9 <= 200ms", "error_rate < 1%", "rps > 1000",
 * "server_cpu_per_request < 500us". A share is 0–100 %. The unit must fit the metric: a latency
 * without a time unit, a rate with one, or a share without % is an error, so "p99 < 50" never
 * silently means 50 seconds.
 *
 * Parse errors are VS_ERROR_INVALID "<field>: <message>" with the field the caller names
 * ("thresholds[2]: unknown metric “p98x”; known: …").
 *
 * Evaluation asks a getter for the figure. A figure that was not measured fails the threshold,
 * with its own explanation: a budget no measurement shows kept is not kept.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VS_THRESHOLD_P50,
  VS_THRESHOLD_P90,
  VS_THRESHOLD_P99,
  VS_THRESHOLD_P999,
  VS_THRESHOLD_MEAN,
  VS_THRESHOLD_MAX,
  VS_THRESHOLD_SERVER_CPU_PER_REQUEST,
  VS_THRESHOLD_RPS,
  VS_THRESHOLD_ERROR_RATE,
  VS_THRESHOLD_UNSENT,
  VS_N_THRESHOLD_METRICS
} VsThresholdMetric;

typedef enum
{
  VS_THRESHOLD_LATENCY,  /* µs */
  VS_THRESHOLD_RATE,     /* requests per second */
  VS_THRESHOLD_SHARE,    /* percent, 0…100 */
} VsThresholdKind;

typedef enum
{
  VS_THRESHOLD_LT,
  VS_THRESHOLD_LE,
  VS_THRESHOLD_GT,
  VS_THRESHOLD_GE,
} VsThresholdOp;

typedef enum
{
  VS_THRESHOLD_PASS,
  VS_THRESHOLD_FAIL,
  VS_THRESHOLD_NOT_MEASURED,  /* a failure: the figure is missing */
} VsThresholdOutcome;

typedef struct
{
  VsThresholdMetric metric;
  VsThresholdOp     op;
  double            limit;  /* in the kind's unit: µs, req/s or percent */
  char             *text;   /* as written, trimmed */
} VsThreshold;

/* The figure of @metric in its kind's unit; FALSE when it was not measured, with @why (may be
 * left NULL) a phrase saying why ("no response was received"). */
typedef gboolean (*VsThresholdGetter) (VsThresholdMetric   metric,
                                       double             *value,
                                       const char        **why,
                                       gpointer            user_data);

VsThreshold        *vs_threshold_parse        (const char         *text,
                                               const char         *field,
                                               GError            **error);
void                vs_threshold_free         (VsThreshold        *threshold);

const char         *vs_threshold_metric_name  (VsThresholdMetric   metric);  /* "p99.9" */
VsThresholdKind     vs_threshold_metric_kind  (VsThresholdMetric   metric);
/* The whole-run figure's id in vs-summary.c ("latency_p99_ms"), NULL when it has none yet. */
const char         *vs_threshold_metric_summary_id (VsThresholdMetric metric);

/* Is @value within the threshold? (NaN never is.) */
gboolean            vs_threshold_holds        (const VsThreshold  *threshold,
                                               double              value);
/* Asks @getter and compares; @explanation (may be NULL) receives the sentence to show:
 * "p99 < 50ms: passed (p99 = 42.1ms)", "p99 < 50ms: failed (p99 = 61.2ms)",
 * "p99 < 50ms: failed, p99 not measured (no response was received)". */
VsThresholdOutcome  vs_threshold_evaluate     (const VsThreshold  *threshold,
                                               VsThresholdGetter   getter,
                                               gpointer            user_data,
                                               char              **explanation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsThreshold, vs_threshold_free)

G_END_DECLS
