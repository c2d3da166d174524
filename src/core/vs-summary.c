/* vs-summary.c: the one table of whole-run figures, and the notes about a run */
#include "config.h"

#include "vs-summary.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vs-protocols.h"
#include "vs-slo.h"

/* ---- getters ---------------------------------------------------------------------------- */

static const VsTargetResult *
target_of (VsResults *results,
           guint      target)
{
  return vs_results_get_target (results, target);
}

static VsMetricValue
measured (double number)
{
  return (VsMetricValue) { TRUE, number, NULL };
}

static VsMetricValue
not_measured (void)
{
  return (VsMetricValue) { FALSE, 0, NULL };
}

static VsMetricValue
text_value (const char *text)
{
  return (VsMetricValue) { text != NULL, 0, text };
}

static VsMetricValue
get_name (VsResults *results,
          guint      target,
          double     arg)
{
  return text_value (target_of (results, target)->target->name);
}

static VsMetricValue
get_url (VsResults *results,
         guint      target,
         double     arg)
{
  return text_value (target_of (results, target)->target->url);
}

static VsMetricValue
get_engine (VsResults *results,
            guint      target,
            double     arg)
{
  return text_value (vs_results_get_engine (results));
}

static VsMetricValue
get_workers (VsResults *results,
             guint      target,
             double     arg)
{
  return measured (vs_results_get_n_workers (results));
}

static VsMetricValue
get_cpus (VsResults *results,
          guint      target,
          double     arg)
{
  return measured (vs_results_get_n_cpus (results));
}

static VsMetricValue
get_model (VsResults *results,
           guint      target,
           double     arg)
{
  return text_value (vs_load_model_to_string (vs_results_get_plan (results)->load.model));
}

static VsMetricValue
get_mode (VsResults *results,
          guint      target,
          double     arg)
{
  return text_value (vs_mode_to_string (vs_results_get_plan (results)->mode));
}

static VsMetricValue
get_connections (VsResults *results,
                 guint      target,
                 double     arg)
{
  return measured (vs_results_get_plan (results)->load.connections);
}

static VsMetricValue
get_streams (VsResults *results,
             guint      target,
             double     arg)
{
  return measured (vs_results_get_plan (results)->load.streams);
}

static gboolean
is_open (VsResults *results)
{
  return vs_results_get_plan (results)->load.model == VS_LOAD_OPEN;
}

static VsMetricValue
get_rate (VsResults *results,
          guint      target,
          double     arg)
{
  return is_open (results) ? measured (vs_results_get_plan (results)->load.rate)
                           : not_measured ();
}

static VsMetricValue
get_duration (VsResults *results,
              guint      target,
              double     arg)
{
  return measured (target_of (results, target)->measured_s);
}

/* arg: the offset of the guint64 in VsCounters */
static VsMetricValue
get_counter (VsResults *results,
             guint      target,
             double     arg)
{
  const VsCounters *counters = &target_of (results, target)->total->counters;

  return measured (G_STRUCT_MEMBER (guint64, counters, (gsize) arg));
}

static VsMetricValue
get_errors (VsResults *results,
            guint      target,
            double     arg)
{
  return measured (vs_counters_errors (&target_of (results, target)->total->counters));
}

/* arg: the error class */
static VsMetricValue
get_error_class (VsResults *results,
                 guint      target,
                 double     arg)
{
  return measured (target_of (results, target)->total->counters.errors[(guint) arg]);
}

static VsMetricValue
get_at_cap (VsResults *results,
            guint      target,
            double     arg)
{
  if (!is_open (results))
    return not_measured ();
  return measured (100.0 * vs_target_result_at_cap_share (target_of (results, target),
                                                          vs_results_get_n_workers (results)));
}

static VsMetricValue
get_rps (VsResults *results,
         guint      target,
         double     arg)
{
  const VsTargetResult *tr = target_of (results, target);

  return tr->measured_s > 0 ? measured (vs_target_result_rps (tr)) : not_measured ();
}

static VsMetricValue
get_bytes_in_rate (VsResults *results,
                   guint      target,
                   double     arg)
{
  const VsTargetResult *tr = target_of (results, target);

  return tr->measured_s > 0 ? measured (tr->total->counters.bytes_in / tr->measured_s)
                            : not_measured ();
}

static VsMetricValue
get_busy (VsResults *results,
          guint      target,
          double     arg)
{
  return measured (100.0 * target_of (results, target)->generator_busy_max);
}

static VsMetricValue
get_protocol (VsResults *results,
              guint      target,
              double     arg)
{
  g_autofree char *protocol = vs_target_result_protocol (target_of (results, target));

  /* interned: there are only a handful of combinations */
  return text_value (protocol != NULL ? g_intern_string (protocol) : NULL);
}

/* "pass", "fail"; not measured when no threshold applies */
static VsMetricValue
get_thresholds (VsResults *results,
                guint      target,
                double     arg)
{
  switch (vs_slo_verdict (results, target, NULL))
    {
    case VS_SLO_PASS: return text_value ("pass");
    case VS_SLO_FAIL: return text_value ("fail");
    case VS_SLO_NONE:
    default: return not_measured ();
    }
}

/* the failed expressions, "p99 < 50ms; rps > 1000" (interned: a plan has a handful) */
static VsMetricValue
get_thresholds_failed (VsResults *results,
                       guint      target,
                       double     arg)
{
  g_autofree char *failed = NULL;

  vs_slo_verdict (results, target, &failed);
  return text_value (failed != NULL ? g_intern_string (failed) : NULL);
}

/* a capacity search's answer; not measured otherwise */
static VsMetricValue
get_capacity (VsResults *results,
              guint      target,
              double     arg)
{
  double rps = vs_results_get_capacity (results, target);

  return isnan (rps) ? not_measured () : measured (rps);
}

/* Histograms by an index: 0 latency, 1 uncorrected, 2 + VsTiming the phase timings. */
static const VsHistogram *
histogram_of (VsResults *results,
              guint      target,
              guint      which)
{
  const VsStats *total = target_of (results, target)->total;

  if (which == 0)
    return total->latency;
  if (which == 1)
    return total->uncorrected;
  return total->timings[which - 2];
}

/* arg: which * 1000 + percentile (100 is the maximum, -1 the minimum, -2 the mean) */
static VsMetricValue
get_percentile (VsResults *results,
                guint      target,
                double     arg)
{
  guint which = (guint) floor ((arg + 2) / 1000);
  double percentile = arg - which * 1000.0;
  const VsHistogram *histogram = histogram_of (results, target, which);

  /* vs_histogram_percentile() says 0 for an empty histogram: never a figure */
  if (histogram == NULL || vs_histogram_count (histogram) == 0)
    return not_measured ();
  if (percentile == -1)
    return measured (vs_histogram_min (histogram));
  if (percentile == -2)
    return measured (vs_histogram_mean (histogram));
  if (percentile == 100)
    return measured (vs_histogram_max (histogram));
  return measured (vs_histogram_percentile (histogram, percentile));
}

/* ---- the servers' figures (issue 11) --------------------------------------------------- */

static const VsServerTotals *
server_of (VsResults *results,
           guint      target)
{
  const VsServerTotals *totals = &target_of (results, target)->server;

  return totals->samples > 0 && totals->sampled_s > 0 ? totals : NULL;
}

/* arg: 0 the time-weighted mean, 1 the peak tick */
static VsMetricValue
get_server_cpu (VsResults *results,
                guint      target,
                double     arg)
{
  const VsServerTotals *totals = server_of (results, target);

  if (totals == NULL)
    return not_measured ();
  return measured (arg == 0 ? 100.0 * totals->cpu_s / totals->sampled_s
                            : totals->cpu_peak_percent);
}

static VsMetricValue
get_server_memory (VsResults *results,
                   guint      target,
                   double     arg)
{
  const VsServerTotals *totals = server_of (results, target);

  if (totals == NULL)
    return not_measured ();
  /* the time-weighted mean, which rounding must not lift above the peak it is a mean of */
  return measured (arg == 0 ? MIN (totals->memory_byte_s / totals->sampled_s,
                                   (double) totals->memory_peak_bytes)
                            : (double) totals->memory_peak_bytes);
}

/* µs of server CPU per response received: what one answer cost the backend */
static VsMetricValue
get_server_cpu_per_request (VsResults *results,
                            guint      target,
                            double     arg)
{
  const VsServerTotals *totals = server_of (results, target);
  guint64 responses = target_of (results, target)->total->counters.responses;

  if (totals == NULL || responses == 0)
    return not_measured ();
  return measured (totals->cpu_s * 1e6 / responses);
}

/* responses per second of server CPU: the figure that compares one Node process with four
 * gunicorn workers fairly */
static VsMetricValue
get_requests_per_cpu_s (VsResults *results,
                        guint      target,
                        double     arg)
{
  const VsServerTotals *totals = server_of (results, target);

  if (totals == NULL || !(totals->cpu_s > 0))
    return not_measured ();
  return measured (target_of (results, target)->total->counters.responses / totals->cpu_s);
}

/* the cores the server had: its pinned list, or every CPU Versus may use */
static VsMetricValue
get_server_cpus (VsResults *results,
                 guint      target,
                 double     arg)
{
  VsServerSet *servers = vs_results_get_servers (results);
  const char *cpus;
  g_autofree char *all = NULL;
  VsCpuList available;

  if (servers == NULL || !vs_server_set_has_server (servers, target))
    return not_measured ();
  cpus = vs_server_set_get_cpus (servers, target);
  if (cpus != NULL)
    return text_value (g_intern_string (cpus));
  if (!vs_server_set_is_managed (servers, target))
    return not_measured ();  /* attached: its own affinity, which Versus did not set */
  vs_cpu_list_available (&available);
  all = vs_cpu_list_format (&available);
  return text_value (g_intern_string (all));
}

static gboolean
has_servers (VsResults *results)
{
  VsServerSet *servers = vs_results_get_servers (results);

  for (guint t = 0; servers != NULL && t < vs_server_set_get_n_targets (servers); t++)
    if (vs_server_set_has_server (servers, t))
      return TRUE;
  return FALSE;
}

/* ---- shares ----------------------------------------------------------------------------- */

static double
share_of_requests (VsResults *results,
                   guint      target)
{
  return target_of (results, target)->total->counters.requests;
}

/* the unsent are part of what was due, not of what finished */
static double
share_of_due (VsResults *results,
              guint      target)
{
  const VsCounters *counters = &target_of (results, target)->total->counters;

  return counters->requests + counters->unsent;
}

/* ---- the table -------------------------------------------------------------------------- */

#define COUNTER(member) ((double) G_STRUCT_OFFSET (VsCounters, member))
#define LATENCY(p)      (0 * 1000.0 + (p))
#define UNCORRECTED(p)  (1 * 1000.0 + (p))
#define TIMING(t, p)    ((2 + (t)) * 1000.0 + (p))

#define F  VS_METRIC_FILE
#define T  VS_METRIC_TABLE
#define FT (VS_METRIC_FILE | VS_METRIC_TABLE)

static const VsMetric metrics[] = {
  { "target", N_("target"), VS_METRIC_TEXT, FALSE, F, NULL, get_name, 0 },
  { "url", N_("URL"), VS_METRIC_TEXT, FALSE, F, NULL, get_url, 0 },
  { "engine", N_("engine"), VS_METRIC_TEXT, FALSE, F, NULL, get_engine, 0 },
  { "workers", N_("worker threads"), VS_METRIC_COUNT, FALSE, F, NULL, get_workers, 0 },
  { "cpus", N_("CPUs"), VS_METRIC_COUNT, FALSE, F, NULL, get_cpus, 0 },
  { "model", N_("load model"), VS_METRIC_TEXT, FALSE, F, NULL, get_model, 0 },
  { "mode", N_("mode"), VS_METRIC_TEXT, FALSE, F, NULL, get_mode, 0 },
  { "connections", N_("connections"), VS_METRIC_COUNT, FALSE, F, NULL, get_connections, 0 },
  { "rate_rps", N_("rate asked for"), VS_METRIC_RATE, FALSE, F, NULL, get_rate, 0 },
  { "duration_s", N_("measured for"), VS_METRIC_SECONDS, FALSE, F, NULL, get_duration, 0 },

  { "requests", N_("requests"), VS_METRIC_COUNT, TRUE, FT, NULL, get_counter,
    COUNTER (requests) },
  { "responses", N_("responses"), VS_METRIC_COUNT, TRUE, F, NULL, get_counter,
    COUNTER (responses) },
  { "errors", N_("errors"), VS_METRIC_COUNT, FALSE, FT, share_of_requests, get_errors, 0 },
  { "errors_connect", N_("connect errors"), VS_METRIC_COUNT, FALSE,
    FT | VS_METRIC_IF_ANY | VS_METRIC_SUB, share_of_requests, get_error_class,
    VS_ERROR_CLASS_CONNECT },
  { "errors_tls", N_("TLS errors"), VS_METRIC_COUNT, FALSE,
    FT | VS_METRIC_IF_ANY | VS_METRIC_SUB, share_of_requests, get_error_class,
    VS_ERROR_CLASS_TLS },
  { "errors_timeout", N_("timeouts"), VS_METRIC_COUNT, FALSE,
    FT | VS_METRIC_IF_ANY | VS_METRIC_SUB, share_of_requests, get_error_class,
    VS_ERROR_CLASS_TIMEOUT },
  { "errors_io", N_("I/O errors"), VS_METRIC_COUNT, FALSE,
    FT | VS_METRIC_IF_ANY | VS_METRIC_SUB, share_of_requests, get_error_class,
    VS_ERROR_CLASS_IO },
  { "errors_status", N_("unexpected status codes"), VS_METRIC_COUNT, FALSE,
    FT | VS_METRIC_IF_ANY | VS_METRIC_SUB, share_of_requests, get_error_class,
    VS_ERROR_CLASS_STATUS },
  { "errors_http_4xx", N_("HTTP 4xx responses"), VS_METRIC_COUNT, FALSE,
    FT | VS_METRIC_IF_ANY | VS_METRIC_SUB, share_of_requests, get_error_class,
    VS_ERROR_CLASS_HTTP_4XX },
  { "errors_http_5xx", N_("HTTP 5xx responses"), VS_METRIC_COUNT, FALSE,
    FT | VS_METRIC_IF_ANY | VS_METRIC_SUB, share_of_requests, get_error_class,
    VS_ERROR_CLASS_HTTP_5XX },
  { "unsent", N_("unsent"), VS_METRIC_COUNT, FALSE, FT | VS_METRIC_OPEN_ONLY, share_of_due,
    get_counter, COUNTER (unsent) },
  { "late_sends", N_("late sends"), VS_METRIC_COUNT, FALSE, FT | VS_METRIC_OPEN_ONLY,
    share_of_requests, get_counter, COUNTER (late) },
  { "late_sends_at_cap", N_("late at the cap"), VS_METRIC_COUNT, FALSE, F, NULL, get_counter,
    COUNTER (late_at_cap) },
  { "at_cap_pct", N_("time at the cap"), VS_METRIC_PERCENT, FALSE, F, NULL, get_at_cap, 0 },
  { "rps", N_("throughput"), VS_METRIC_RATE, TRUE, FT, NULL, get_rps, 0 },

  { "latency_min_ms", N_("latency min"), VS_METRIC_LATENCY, FALSE, FT, NULL, get_percentile,
    LATENCY (-1) },
  { "latency_mean_ms", N_("latency mean"), VS_METRIC_LATENCY, FALSE, FT, NULL, get_percentile,
    LATENCY (-2) },
  { "latency_p50_ms", N_("latency p50"), VS_METRIC_LATENCY, FALSE, FT, NULL, get_percentile,
    LATENCY (50) },
  { "latency_p90_ms", N_("latency p90"), VS_METRIC_LATENCY, FALSE, FT, NULL, get_percentile,
    LATENCY (90) },
  { "latency_p99_ms", N_("latency p99"), VS_METRIC_LATENCY, FALSE, FT, NULL, get_percentile,
    LATENCY (99) },
  { "latency_p999_ms", N_("latency p99.9"), VS_METRIC_LATENCY, FALSE, FT, NULL,
    get_percentile, LATENCY (99.9) },
  { "latency_max_ms", N_("latency max"), VS_METRIC_LATENCY, FALSE, FT, NULL, get_percentile,
    LATENCY (100) },
  { "uncorrected_p50_ms", N_("p50 uncorrected"), VS_METRIC_LATENCY, FALSE, F, NULL,
    get_percentile, UNCORRECTED (50) },
  { "uncorrected_p99_ms", N_("p99 uncorrected"), VS_METRIC_LATENCY, FALSE,
    FT | VS_METRIC_OPEN_ONLY, NULL, get_percentile, UNCORRECTED (99) },
  { "connect_p50_ms", N_("connect p50"), VS_METRIC_LATENCY, FALSE, FT | VS_METRIC_IF_ANY, NULL,
    get_percentile, TIMING (VS_TIMING_CONNECT, 50) },
  { "connect_p99_ms", N_("connect p99"), VS_METRIC_LATENCY, FALSE, FT | VS_METRIC_IF_ANY, NULL,
    get_percentile, TIMING (VS_TIMING_CONNECT, 99) },
  { "tls_p50_ms", N_("TLS p50"), VS_METRIC_LATENCY, FALSE, FT | VS_METRIC_IF_ANY, NULL,
    get_percentile, TIMING (VS_TIMING_TLS, 50) },
  { "tls_p99_ms", N_("TLS p99"), VS_METRIC_LATENCY, FALSE, FT | VS_METRIC_IF_ANY, NULL,
    get_percentile, TIMING (VS_TIMING_TLS, 99) },
  { "first_byte_p50_ms", N_("first byte p50"), VS_METRIC_LATENCY, FALSE, FT | VS_METRIC_IF_ANY,
    NULL, get_percentile, TIMING (VS_TIMING_FIRST_BYTE, 50) },
  { "first_byte_p99_ms", N_("first byte p99"), VS_METRIC_LATENCY, FALSE, FT | VS_METRIC_IF_ANY,
    NULL, get_percentile, TIMING (VS_TIMING_FIRST_BYTE, 99) },

  { "bytes_in", N_("bytes received"), VS_METRIC_COUNT, FALSE, F, NULL, get_counter,
    COUNTER (bytes_in) },
  { "bytes_out", N_("bytes sent"), VS_METRIC_COUNT, FALSE, F, NULL, get_counter,
    COUNTER (bytes_out) },
  { "received_per_s", N_("received/s"), VS_METRIC_BYTE_RATE, TRUE, T, NULL, get_bytes_in_rate,
    0 },
  { "generator_busy_max_pct", N_("generator busy (max)"), VS_METRIC_PERCENT, FALSE, F, NULL,
    get_busy, 0 },
  { "protocol", N_("protocol"), VS_METRIC_TEXT, FALSE, FT, NULL, get_protocol, 0 },
  { "streams", N_("streams per connection"), VS_METRIC_COUNT, FALSE, F, NULL, get_streams, 0 },

  { "server_cpus", N_("server CPUs"), VS_METRIC_TEXT, FALSE, FT | VS_METRIC_IF_SERVER, NULL,
    get_server_cpus, 0 },
  { "server_cpu_mean_pct", N_("server CPU mean"), VS_METRIC_PERCENT, FALSE,
    FT | VS_METRIC_IF_SERVER, NULL, get_server_cpu, 0 },
  { "server_cpu_peak_pct", N_("server CPU peak"), VS_METRIC_PERCENT, FALSE,
    FT | VS_METRIC_IF_SERVER, NULL, get_server_cpu, 1 },
  { "server_memory_mean_bytes", N_("server memory mean"), VS_METRIC_BYTES, FALSE,
    FT | VS_METRIC_IF_SERVER, NULL, get_server_memory, 0 },
  { "server_memory_peak_bytes", N_("server memory peak"), VS_METRIC_BYTES, FALSE,
    FT | VS_METRIC_IF_SERVER, NULL, get_server_memory, 1 },
  { "server_cpu_us_per_request", N_("server CPU per request"), VS_METRIC_CPU_TIME, FALSE,
    FT | VS_METRIC_IF_SERVER, NULL, get_server_cpu_per_request, 0 },
  { "requests_per_server_cpu_s", N_("requests per server CPU-second"), VS_METRIC_PER_CPU_S,
    TRUE, FT | VS_METRIC_IF_SERVER, NULL, get_requests_per_cpu_s, 0 },
  { "thresholds", N_("thresholds"), VS_METRIC_TEXT, FALSE, FT | VS_METRIC_IF_MEASURED, NULL,
    get_thresholds, 0 },
  { "thresholds_failed", N_("thresholds failed"), VS_METRIC_TEXT, FALSE, F, NULL,
    get_thresholds_failed, 0 },
  { "capacity_rps", N_("capacity"), VS_METRIC_RATE, TRUE, FT | VS_METRIC_IF_MEASURED, NULL,
    get_capacity, 0 },
};

#undef F
#undef T
#undef FT

/* The tables read best with what was answered first, then how much, then how fast. */
static const char * const table_order[] = {
  "capacity_rps", "thresholds", "protocol", "requests", "rps", "errors", "errors_connect", "errors_tls", "errors_timeout",
  "errors_io", "errors_status", "errors_http_4xx", "errors_http_5xx",
  "latency_min_ms", "latency_mean_ms", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms",
  "latency_p999_ms", "latency_max_ms", "uncorrected_p99_ms", "late_sends", "unsent",
  "connect_p50_ms", "connect_p99_ms", "tls_p50_ms", "tls_p99_ms", "first_byte_p50_ms",
  "first_byte_p99_ms", "received_per_s",
  "server_cpus", "server_cpu_mean_pct", "server_cpu_peak_pct", "server_memory_mean_bytes",
  "server_memory_peak_bytes", "server_cpu_us_per_request", "requests_per_server_cpu_s",
};

guint
vs_summary_get_n_metrics (void)
{
  return G_N_ELEMENTS (metrics);
}

const VsMetric *
vs_summary_get_metric (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (metrics), NULL);
  return &metrics[index];
}

const VsMetric *
vs_summary_find_metric (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (metrics); i++)
    if (g_str_equal (metrics[i].id, id))
      return &metrics[i];
  return NULL;
}

VsMetricValue
vs_summary_value (VsResults      *results,
                  guint           target,
                  const VsMetric *metric)
{
  g_return_val_if_fail (VS_IS_RESULTS (results), not_measured ());
  g_return_val_if_fail (target < vs_results_get_n_targets (results), not_measured ());

  return metric->get (results, target, metric->arg);
}

static gboolean
shows_row (VsResults      *results,
           const VsMetric *metric)
{
  guint n = vs_results_get_n_targets (results);

  if ((metric->flags & VS_METRIC_OPEN_ONLY) && !is_open (results))
    return FALSE;
  if ((metric->flags & VS_METRIC_IF_SERVER) && !has_servers (results))
    return FALSE;
  if (metric->flags & VS_METRIC_IF_MEASURED)
    {
      for (guint t = 0; t < n; t++)
        if (vs_summary_value (results, t, metric).measured)
          return TRUE;
      return FALSE;
    }
  if (!(metric->flags & VS_METRIC_IF_ANY))
    return TRUE;
  for (guint t = 0; t < n; t++)
    {
      VsMetricValue value = vs_summary_value (results, t, metric);

      if (value.measured && value.number != 0)
        return TRUE;
    }
  return FALSE;
}

GPtrArray *
vs_summary_table_rows (VsResults *results)
{
  GPtrArray *rows = g_ptr_array_new ();

  g_return_val_if_fail (VS_IS_RESULTS (results), rows);

  for (guint i = 0; i < G_N_ELEMENTS (table_order); i++)
    {
      const VsMetric *metric = vs_summary_find_metric (table_order[i]);

      g_assert (metric != NULL && (metric->flags & VS_METRIC_TABLE));
      if (shows_row (results, metric))
        g_ptr_array_add (rows, (gpointer) metric);
    }
  return rows;
}

/* ---- formatting ------------------------------------------------------------------------- */

char *
vs_metric_format (const VsMetric *metric,
                  VsMetricValue   value,
                  VsFormatFlags   flags)
{
  g_autofree char *number = NULL;

  if (!value.measured)
    return g_strdup ("–");

  switch (metric->unit)
    {
    case VS_METRIC_TEXT:
      return g_strdup (value.text);

    case VS_METRIC_COUNT:
      /* exact: a table is where a person checks a count against a server's log */
      return g_strdup_printf ("%.0f", value.number);

    case VS_METRIC_RATE:
      number = vs_format_count_full (value.number, flags);
      /* TRANSLATORS: requests per second, e.g. "12.3k req/s" */
      return g_strdup_printf (_("%s req/s"), number);

    case VS_METRIC_LATENCY:
      return vs_format_latency_full (value.number, flags | VS_FORMAT_SPACE);

    case VS_METRIC_PERCENT:
      return vs_format_percent (value.number, flags);

    case VS_METRIC_SECONDS:
      number = vs_format_decimal (value.number, vs_format_decimals (value.number, 2), flags);
      return g_strdup_printf ("%s s", number);

    case VS_METRIC_BYTE_RATE:
      number = vs_format_bytes_full (value.number, flags);
      return g_strdup_printf ("%s/s", number);

    case VS_METRIC_BYTES:
      return vs_format_bytes_full (value.number, flags);

    case VS_METRIC_CPU_TIME:
      return vs_format_latency_full (value.number, flags | VS_FORMAT_SPACE);

    case VS_METRIC_PER_CPU_S:
      number = vs_format_count_full (value.number, flags);
      /* TRANSLATORS: requests per second of server CPU time, e.g. "12.3k req/CPU-s" */
      return g_strdup_printf (_("%s req/CPU-s"), number);

    default:
      g_return_val_if_reached (NULL);
    }
}

char *
vs_summary_format_cell (VsResults      *results,
                        guint           target,
                        const VsMetric *metric,
                        VsFormatFlags   flags)
{
  VsMetricValue value = vs_summary_value (results, target, metric);
  g_autofree char *text = vs_metric_format (metric, value, flags);
  g_autofree char *share = NULL;
  double total;

  if (!value.measured || metric->share_of == NULL)
    return g_steal_pointer (&text);

  total = metric->share_of (results, target);
  if (!(total > 0))
    return g_steal_pointer (&text);
  share = vs_format_percent (100.0 * value.number / total, flags);
  return g_strdup_printf ("%s (%s)", text, share);
}

char *
vs_summary_format_ratio (VsResults      *results,
                         guint           target,
                         const VsMetric *metric,
                         VsFormatFlags   flags)
{
  VsMetricValue value, base;

  if (metric->unit == VS_METRIC_TEXT)
    return g_strdup ("");

  value = vs_summary_value (results, target, metric);
  base = vs_summary_value (results, 0, metric);
  /* nothing to compare: a base of 0, or a figure missing on either side */
  if (!value.measured || !base.measured || !(base.number > 0))
    return g_strdup ("–");
  return vs_format_ratio (value.number / base.number, flags);
}

gboolean
vs_summary_live_counters (const VsTargetResult *result,
                          VsCounters           *counters)
{
  const VsInterval *last;

  memset (counters, 0, sizeof *counters);
  if (result->intervals->len == 0)
    return FALSE;

  last = &g_array_index (result->intervals, VsInterval, result->intervals->len - 1);
  if (result->measured_s > 0 || last->phase == VS_PHASE_MEASURE)
    {
      *counters = result->total->counters;
      return TRUE;
    }
  for (guint i = 0; i < result->intervals->len; i++)
    vs_counters_add (counters, &g_array_index (result->intervals, VsInterval, i).counters);
  return FALSE;
}

/* ---- notes ------------------------------------------------------------------------------ */

void
vs_note_free (VsNote *note)
{
  if (note == NULL)
    return;
  g_free (note->text);
  g_free (note);
}

static void
add_note (GPtrArray  *notes,
          VsNoteKind  kind,
          int         target,
          gboolean    warning,
          char       *text)  /* taken */
{
  VsNote *note = g_new0 (VsNote, 1);

  note->kind = kind;
  note->target = target;
  note->warning = warning;
  note->text = text;
  g_ptr_array_add (notes, note);
}

/* "Engine: native. 2 worker threads on 1 CPU.": the default is one worker per CPU the process
 * may run on; more workers than CPUs compete for them, which shows in the tail latency */
static void
add_generator_note (GPtrArray *notes,
                    VsResults *results)
{
  guint n_workers = vs_results_get_n_workers (results);
  guint n_cpus = vs_results_get_n_cpus (results);
  GString *text = g_string_new (NULL);
  gboolean crowded = n_workers > 0 && n_cpus > 0 && n_workers > n_cpus;

  g_string_append_printf (text, _("Engine: %s."), vs_results_get_engine (results));
  if (n_workers > 0 && n_cpus > 0)
    {
      g_string_append_c (text, ' ');
      /* TRANSLATORS: the first half of "3 worker threads on 2 CPUs." */
      g_string_append_printf (text, ngettext ("%u worker thread", "%u worker threads",
                                              n_workers), n_workers);
      g_string_append_c (text, ' ');
      /* TRANSLATORS: the second half of "3 worker threads on 2 CPUs." */
      g_string_append_printf (text, ngettext ("on %u CPU.", "on %u CPUs.", n_cpus), n_cpus);
    }
  if (vs_results_get_plan (results)->load.generator_cpus != NULL)
    {
      VsCpuList list;

      if (vs_cpu_list_parse (vs_results_get_plan (results)->load.generator_cpus, NULL, &list,
                             NULL))
        {
          g_autofree char *cpus = vs_cpu_list_format (&list);

          g_string_append_c (text, ' ');
          /* TRANSLATORS: load.generator_cpus, e.g. "Its threads were pinned to CPUs 0." */
          g_string_append_printf (text, _("Its threads were pinned to CPUs %s."), cpus);
        }
    }
  if (crowded)
    g_string_append_printf (text, " %s",
                            _("More workers than CPUs: they compete for them, which adds to the "
                              "latency."));
  add_note (notes, VS_NOTE_GENERATOR, -1, crowded, g_string_free (text, FALSE));
}

/* When the generator itself was the bottleneck, naming the targets it loaded then. */
static void
add_saturated_note (GPtrArray *notes,
                    VsResults *results)
{
  g_autoptr(GString) names = g_string_new (NULL);
  double busiest = 0;

  for (guint i = 0; i < vs_results_get_n_targets (results); i++)
    {
      const VsTargetResult *tr = target_of (results, i);

      if (tr->generator_busy_max <= VS_GENERATOR_BUSY_WARNING)
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, tr->target->name);
      busiest = MAX (busiest, tr->generator_busy_max);
    }

  if (names->len == 0)
    return;

  add_note (notes, VS_NOTE_SATURATED, -1, TRUE,
            g_strdup_printf (_("The load generator was saturated while loading %s: its busiest "
                               "thread had no time left to wait (%.0f%% busy), so these figures "
                               "may show Versus's limit, not the server's. Try more threads "
                               "(--threads), or keep the servers off the generator's cores."),
                             names->str, 100.0 * busiest));
}

/* A target that never answered, warm-up included: a target that answered at all was reached. */
static gboolean
add_unreachable_note (GPtrArray *notes,
                      VsResults *results,
                      guint      i)
{
  const VsTargetResult *tr = target_of (results, i);
  VsCounters all = { 0 };

  for (guint k = 0; k < tr->intervals->len; k++)
    vs_counters_add (&all, &g_array_index (tr->intervals, VsInterval, k).counters);
  vs_counters_add (&all, &tr->total->counters);

  if (all.responses > 0 || !tr->started)
    return FALSE;

  if (tr->first_error != NULL)
    add_note (notes, VS_NOTE_UNREACHABLE, i, TRUE,
              g_strdup_printf (_("%s could not be reached: %s"), tr->target->name,
                               tr->first_error));
  else
    add_note (notes, VS_NOTE_UNREACHABLE, i, TRUE,
              g_strdup_printf (_("%s could not be reached: no response arrived"),
                               tr->target->name));
  return TRUE;
}

/* Late sends have two causes, and the note names the one that applied: every connection busy
 * (the in-flight cap was full: the server was slow to answer), or the generator's own CPU. */
static void
add_late_note (GPtrArray *notes,
               VsResults *results,
               guint      i)
{
  const VsTargetResult *tr = target_of (results, i);
  const VsCounters *counters = &tr->total->counters;
  VsPlan *plan = vs_results_get_plan (results);
  g_autofree char *lag = vs_format_latency_full (counters->lag_max_us, VS_FORMAT_SPACE);
  g_autofree char *share = NULL;
  GString *text = g_string_new (NULL);

  if (counters->requests == 0 || counters->late <= VS_LATE_WARNING_SHARE * counters->requests)
    {
      g_string_free (text, TRUE);
      return;
    }

  share = vs_format_percent (100.0 * counters->late / counters->requests, VS_FORMAT_C);
  g_string_append_printf (text,
                          _("The load generator fell behind on %s: %s of its sends left late "
                            "(up to %s), so that lag is in the latency above."),
                          tr->target->name, share, lag);
  g_string_append_c (text, ' ');
  if (2 * counters->late_at_cap >= counters->late)
    g_string_append_printf (text,
                            _("Most of them (%" PRIu64 ") waited for a free "
                              "connection: all %u were busy %.0f%% of the time, so the server "
                              "did not answer fast enough for the rate. Allow more in flight "
                              "(--connections) or ask for a lower --rate."),
                            counters->late_at_cap, plan->load.connections,
                            100.0 * vs_target_result_at_cap_share (
                              tr, vs_results_get_n_workers (results)));
  else if (tr->generator_busy_max > VS_GENERATOR_BUSY_WARNING)
    g_string_append_printf (text,
                            _("A connection was free, but the generator's busiest thread was "
                              "%.0f%% busy: try more --threads or a lower --rate."),
                            100.0 * tr->generator_busy_max);
  else
    g_string_append_printf (text,
                            _("A connection was free and the generator's busiest thread was "
                              "only %.0f%% busy: its threads were kept off the CPU (other "
                              "processes, or more workers than CPUs)."),
                            100.0 * tr->generator_busy_max);
  add_note (notes, VS_NOTE_LATE, i, TRUE, g_string_free (text, FALSE));
}

/* A failed server (its first line: the log's lines are for the CLI's stderr and the window's
 * log view), or what stopping it took. */
static void
add_server_notes (GPtrArray *notes,
                  VsResults *results,
                  guint      i)
{
  VsServerSet *servers = vs_results_get_servers (results);
  const char *name = target_of (results, i)->target->name;
  g_autofree char *failure = NULL;
  g_autofree char *stop_note = NULL;

  if (servers == NULL)
    return;
  {
    g_autofree char *difference = vs_server_set_dup_answer_difference (servers, i);

    if (difference != NULL)
      add_note (notes, VS_NOTE_ANSWERS, i, TRUE,
                g_strdup_printf (_("%s does not answer like %s: %s. A backend that is faster "
                                   "because it answers something else is no win."),
                                 name, target_of (results, 0)->target->name, difference));
  }
  if (!vs_server_set_has_server (servers, i))
    return;

  failure = vs_server_set_dup_failure (servers, i);
  if (failure != NULL)
    {
      g_autofree char *first = g_strndup (failure, strcspn (failure, "\n"));
      const VsTarget *target = target_of (results, i)->target;
      /* a log the plan named outlives the run; a temporary one goes with the results */
      const char *log = target->server != NULL && target->server->log_path != NULL
                          ? vs_server_set_get_log_path (servers, i) : NULL;

      if (log != NULL)
        add_note (notes, VS_NOTE_SERVER, i, TRUE,
                  g_strdup_printf (_("%s: %s. Its log: %s"), name, first, log));
      else
        add_note (notes, VS_NOTE_SERVER, i, TRUE, g_strdup_printf (_("%s: %s."), name, first));
    }
  stop_note = vs_server_set_dup_stop_note (servers, i);
  if (stop_note != NULL)
    add_note (notes, VS_NOTE_SERVER, i, FALSE, g_strdup_printf (_("%s: %s."), name, stop_note));
}

/* "node: p99 < 50ms: passed (p99 = 1.2ms); rps > 1000: failed (rps = 500/s)." */
static void
add_thresholds_note (GPtrArray *notes,
                     VsResults *results,
                     guint      i)
{
  g_autoptr(GPtrArray) judged = vs_slo_evaluate (results, i);
  GString *text;
  gboolean failed = FALSE;

  if (judged->len == 0)
    return;

  text = g_string_new (NULL);
  /* TRANSLATORS: the start of "node: thresholds: p99 < 50ms: passed (p99 = 1.2ms)." */
  g_string_append_printf (text, _("%s: thresholds: "), target_of (results, i)->target->name);
  for (guint k = 0; k < judged->len; k++)
    {
      const VsSloResult *result = g_ptr_array_index (judged, k);

      g_string_append_printf (text, "%s%s", k ? "; " : "", result->explanation);
      failed |= result->outcome != VS_THRESHOLD_PASS;
    }
  g_string_append_c (text, '.');
  add_note (notes, VS_NOTE_THRESHOLDS, i, failed, g_string_free (text, FALSE));
}

GPtrArray *
vs_summary_notes (VsResults *results)
{
  GPtrArray *notes = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_note_free);
  g_autoptr(GPtrArray) protocol_notes = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), notes);

  add_generator_note (notes, results);
  if (is_open (results))
    add_note (notes, VS_NOTE_OPEN_MODEL, -1, FALSE,
              g_strdup (_("Open model: latency counts from when each request was due, so a "
                          "stall is not hidden; “p99 uncorrected” counts from when it was "
                          "actually sent.")));
  add_saturated_note (notes, results);

  protocol_notes = vs_protocol_notes (results);
  for (guint i = 0; i < protocol_notes->len; i++)
    add_note (notes, VS_NOTE_PROTOCOL, -1, FALSE,
              g_strdup (g_ptr_array_index (protocol_notes, i)));

  for (guint i = 0; i < vs_results_get_n_targets (results); i++)
    {
      const VsTargetResult *tr = target_of (results, i);
      const VsCounters *counters = &tr->total->counters;

      if (!add_unreachable_note (notes, results, i) && tr->first_error != NULL)
        add_note (notes, VS_NOTE_FIRST_ERROR, i, FALSE,
                  g_strdup_printf (_("%s: first error: %s"), tr->target->name,
                                   tr->first_error));

      if (counters->unsent > 0)
        add_note (notes, VS_NOTE_UNSENT, i, TRUE,
                  g_strdup_printf (_("%s: %" PRIu64 " of %" PRIu64
                                     " requests due were never sent (unsent): the run ended "
                                     "before they could leave, so the figures leave them out."),
                                   tr->target->name, counters->unsent,
                                   counters->requests + counters->unsent));

      add_late_note (notes, results, i);
      add_server_notes (notes, results, i);
      add_thresholds_note (notes, results, i);
    }

  if (vs_results_get_stopped_by (results) != NULL)
    add_note (notes, VS_NOTE_STOPPED, -1, TRUE,
              g_strdup_printf (_("A threshold ended the run early (abort_on_fail): %s."),
                               vs_results_get_stopped_by (results)));

  return notes;
}
