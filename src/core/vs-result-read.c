/* vs-result-read.c: a JSON result read back into VsResults */
#include "config.h"

#include "vs-result-read.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vs-error.h"
#include "vs-export.h"
#include "vs-histogram-private.h"
#include "vs-results-private.h"

/* root → targets → target → histogram → bucket, and the plan's own few levels */
#define MAX_RESULT_DEPTH 16

static gboolean
fail (GError     **error,
      const char  *what)
{
  /* TRANSLATORS: what a JSON result lacks, e.g. "not a Versus result: no targets" */
  g_set_error (error, VS_ERROR, VS_ERROR_INVALID, _("not a Versus result: %s"), what);
  return FALSE;
}

/* json-glib 1.6 parses recursively: bound the nesting before it sees the text. */
static gboolean
nesting_ok (const char *data,
            gsize       length)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_RESULT_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* A number member; FALSE when it is missing or null (not measured). */
static gboolean
get_number (JsonObject *object,
            const char *name,
            double     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = (double) json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      return TRUE;
    default:
      return FALSE;
    }
}

static guint64
get_count (JsonObject *object,
           const char *name)
{
  double value = 0;

  if (!get_number (object, name, &value) || !(value > 0))
    return 0;
  return value >= (double) G_MAXINT64 ? (guint64) G_MAXINT64 : (guint64) llround (value);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The measured-phase counters, as the summary wrote them. */
static void
read_counters (JsonObject *summary,
               VsCounters *counters,
               guint       n_workers,
               double      measured_s)
{
  double at_cap_pct = 0;
  const char *protocol = get_string (summary, "protocol");

  counters->requests = get_count (summary, "requests");
  counters->responses = get_count (summary, "responses");
  for (guint c = 0; c < VS_N_ERROR_CLASSES; c++)
    {
      g_autofree char *id = g_strconcat ("errors_", vs_error_class_to_string (c), NULL);

      counters->errors[c] = get_count (summary, id);
    }
  counters->unsent = get_count (summary, "unsent");
  counters->late = get_count (summary, "late_sends");
  counters->late_at_cap = get_count (summary, "late_sends_at_cap");
  counters->bytes_in = get_count (summary, "bytes_in");
  counters->bytes_out = get_count (summary, "bytes_out");
  if (get_number (summary, "at_cap_pct", &at_cap_pct))
    counters->at_cap_us = (gint64) llround (at_cap_pct / 100.0 * measured_s * G_USEC_PER_SEC *
                                            MAX (n_workers, 1));

  /* "HTTP/1.1" or "HTTP/1.1, HTTP/2": the versions answered in; the split of the responses
   * between several is not written, so each gets a share */
  if (protocol != NULL)
    {
      g_auto(GStrv) names = g_strsplit (protocol, ", ", -1);
      guint n = g_strv_length (names);

      for (guint i = 0; i < n; i++)
        for (guint p = 0; p < VS_N_PROTOCOLS; p++)
          if (g_str_equal (names[i], vs_protocol_to_string (p)))
            counters->protocols[p] = MAX (counters->responses / n, 1);
    }
}

/* The buckets, as [value_us, count] pairs. A bucket's value is the highest it holds, so the
 * exact minimum and mean, which the summary carries (in ms, to the µs and the ns), are put back
 * as the histogram keeps them: exact, not from the buckets. */
static void
read_histogram (JsonArray   *buckets,
                JsonObject  *summary,
                VsHistogram *histogram)
{
  double min_ms = 0, mean_ms = 0;

  for (guint i = 0; i < json_array_get_length (buckets); i++)
    {
      JsonNode *node = json_array_get_element (buckets, i);
      JsonArray *pair = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
      gint64 value;
      gint64 count;

      if (pair == NULL || json_array_get_length (pair) != 2)
        continue;
      value = json_array_get_int_element (pair, 0);
      count = json_array_get_int_element (pair, 1);
      if (value >= 0 && count > 0)
        vs_histogram_record_n (histogram, value, (guint64) count);
    }
  if (histogram->total == 0)
    return;
  if (get_number (summary, "latency_min_ms", &min_ms))
    histogram->min = MIN ((gint64) llround (min_ms * 1000), histogram->min);
  if (get_number (summary, "latency_mean_ms", &mean_ms))
    histogram->sum = (long double) mean_ms * 1000 * histogram->total;
}

static gint64
ms_to_us (JsonObject *row,
          const char *name)
{
  double ms = 0;

  return get_number (row, name, &ms) ? (gint64) llround (ms * 1000) : 0;
}

/* The target's error class with the most errors: where an interval's errors are counted. */
static VsErrorClass
main_error_class (const VsCounters *counters)
{
  VsErrorClass best = VS_ERROR_CLASS_IO;

  for (guint c = 0; c < VS_N_ERROR_CLASSES; c++)
    if (counters->errors[c] > counters->errors[best])
      best = c;
  return best;
}

/* The server's whole-run figures (issue 11), as the summary wrote them: totals that give the
 * same mean, peak and per-request figures back. */
static void
read_server (JsonObject     *summary,
             VsTargetResult *target)
{
  VsServerTotals *totals = &target->server;
  double mean = 0, peak = 0, per_request = 0, memory_mean = 0;
  guint64 responses = target->total->counters.responses;

  if (!get_number (summary, "server_cpu_mean_pct", &mean))
    return;
  get_number (summary, "server_cpu_peak_pct", &peak);
  get_number (summary, "server_memory_mean_bytes", &memory_mean);
  totals->samples = 1;
  totals->cpu_peak_percent = peak;
  totals->memory_peak_bytes = get_count (summary, "server_memory_peak_bytes");
  totals->memory_is_pss = TRUE;
  if (get_number (summary, "server_cpu_us_per_request", &per_request) && responses > 0)
    totals->cpu_s = per_request * responses / 1e6;
  else
    totals->cpu_s = mean * MAX (target->measured_s, 1.0) / 100.0;
  totals->sampled_s = mean > 0 ? totals->cpu_s * 100.0 / mean : MAX (target->measured_s, 1.0);
  totals->memory_byte_s = memory_mean * totals->sampled_s;
}

static void
read_intervals (JsonArray      *rows,
                VsTargetResult *target)
{
  VsErrorClass klass = main_error_class (&target->total->counters);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      JsonObject *row = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      VsInterval interval = { 0 };
      double busy = 0;
      guint64 errors;
      const char *phase;

      if (row == NULL)
        continue;
      phase = get_string (row, "phase");
      interval.phase = g_strcmp0 (phase, "warmup") == 0 ? VS_PHASE_WARMUP : VS_PHASE_MEASURE;
      get_number (row, "start_s", &interval.start_s);
      get_number (row, "end_s", &interval.end_s);
      get_number (row, "rps", &interval.rps);
      if (get_number (row, "generator_busy_pct", &busy))
        interval.generator_busy = busy / 100.0;
      interval.counters.requests = get_count (row, "requests");
      interval.counters.unsent = get_count (row, "unsent");
      errors = MIN (get_count (row, "errors"), interval.counters.requests);
      interval.counters.errors[klass] = errors;
      /* every response records a latency: no latency figures, no responses */
      if (json_object_has_member (row, "latency_p50_ms") &&
          !json_object_get_null_member (row, "latency_p50_ms"))
        interval.counters.responses = interval.counters.requests - errors;
      interval.p50_us = ms_to_us (row, "latency_p50_ms");
      interval.p90_us = ms_to_us (row, "latency_p90_ms");
      interval.p99_us = ms_to_us (row, "latency_p99_ms");
      interval.max_us = ms_to_us (row, "latency_max_ms");
      if (get_number (row, "server_cpu_pct", &interval.server_cpu_percent))
        {
          interval.server_sampled = TRUE;
          interval.server_memory_bytes = get_count (row, "server_memory_bytes");
        }
      g_array_append_val (target->intervals, interval);
    }
}

static gboolean
read_target (VsResults   *results,
             guint        index,
             JsonObject  *object,
             GError     **error)
{
  VsTargetResult *target = _vs_results_get_target_mutable (results, index);
  JsonObject *summary = json_object_get_object_member (object, "summary");
  JsonArray *histogram = json_object_get_array_member (object, "histogram");
  JsonArray *intervals = json_object_get_array_member (object, "intervals");
  const char *first_error = get_string (object, "first_error");
  double busy = 0;
  double rps = 0;

  if (summary == NULL || histogram == NULL || intervals == NULL)
    return fail (error, _("a target without its summary, histogram or intervals"));

  if (index == 0)
    vs_results_set_generator (results, (guint) get_count (summary, "workers"),
                              (guint) get_count (summary, "cpus"));
  /* the rate is written to 3 decimals of req/s, the length only to the ms: the length is
   * taken back from the rate, so that the rate (and every figure per second) reads back as
   * it was written */
  get_number (summary, "duration_s", &target->measured_s);
  if (get_number (summary, "rps", &rps) && rps > 0 && get_count (summary, "requests") > 0)
    target->measured_s = get_count (summary, "requests") / rps;
  if (get_number (summary, "generator_busy_max_pct", &busy))
    target->generator_busy_max = busy / 100.0;
  read_counters (summary, &target->total->counters, vs_results_get_n_workers (results),
                 target->measured_s);
  read_histogram (histogram, summary, target->total->latency);
  read_intervals (intervals, target);
  read_server (summary, target);
  target->first_error = g_strdup (first_error);
  target->started = target->intervals->len > 0;
  /* read back, it will not grow: as a finished run's */
  target->finished = TRUE;
  return TRUE;
}

VsResults *
vs_result_read_json (const char  *data,
                     gsize        length,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsResults) results = NULL;
  g_autoptr(GDateTime) started = NULL;
  g_autofree char *plan_json = NULL;
  JsonObject *root;
  JsonNode *plan_node;
  JsonArray *targets;
  const char *started_text;

  g_return_val_if_fail (data != NULL, NULL);

  if (length > VS_RESULT_MAX_BYTES || memchr (data, '\0', length) != NULL ||
      !g_utf8_validate_len (data, length, NULL))
    return fail (error, _("not UTF-8 JSON text within the size limit")), NULL;
  if (!nesting_ok (data, length))
    return fail (error, _("nested too deep")), NULL;
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    return fail (error, local_error->message), NULL;

  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return fail (error, _("not a JSON object")), NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_int_member_with_default (root, "schema_version", 0) !=
      VS_RESULT_SCHEMA_VERSION)
    return fail (error, _("an unknown schema_version")), NULL;

  plan_node = json_object_get_member (root, "plan");
  if (plan_node == NULL || !JSON_NODE_HOLDS_OBJECT (plan_node))
    return fail (error, _("no plan")), NULL;
  plan_json = json_to_string (plan_node, FALSE);
  plan = vs_plan_load_from_data (plan_json, -1, NULL, &local_error);
  if (plan == NULL)
    return fail (error, local_error->message), NULL;

  targets = json_object_get_array_member (root, "targets");
  if (targets == NULL || json_array_get_length (targets) != vs_plan_get_n_targets (plan))
    return fail (error, _("not a target for each of the plan's")), NULL;

  results = vs_results_new (plan, json_object_get_string_member_with_default (root, "engine",
                                                                              "native"));
  started_text = get_string (root, "started");
  if (started_text != NULL)
    started = g_date_time_new_from_iso8601 (started_text, NULL);
  if (started != NULL)
    _vs_results_set_started (results, started);

  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      JsonNode *node = json_array_get_element (targets, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (error, _("a target that is not an object")), NULL;
      if (!read_target (results, i, json_node_get_object (node), error))
        return NULL;
    }
  return g_steal_pointer (&results);
}

VsResults *
vs_result_read_file (const char  *path,
                     GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  gsize length = 0;
  VsResults *results;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > VS_RESULT_MAX_BYTES)
    {
      int saved_errno = errno;

      g_set_error (error, VS_ERROR, VS_ERROR_IO,
                   _("Could not read “%s”: not a regular file within %d MiB (%s)"), path,
                   VS_RESULT_MAX_BYTES / (1024 * 1024), g_strerror (saved_errno));
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not read “%s”: %s"), path,
                   local_error->message);
      return NULL;
    }
  results = vs_result_read_json (data, length, &local_error);
  if (results == NULL)
    g_set_error (error, VS_ERROR, VS_ERROR_INVALID, "%s: %s", path, local_error->message);
  return results;
}
