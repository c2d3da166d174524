/* test-export.c: VsResults from hand-made snapshots, and the files written from them */
#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vs-error.h"
#include "vs-export.h"
#include "vs-protocols.h"
#include "vs-test-files.h"

#define TRICKY_NAME "b,\"eta\"\nline two"

static const char summary_header[] =
  "target,url,engine,workers,cpus,model,mode,connections,rate_rps,duration_s,requests,responses,errors,"
  "errors_connect,errors_tls,errors_timeout,errors_io,errors_status,errors_http_4xx,"
  "errors_http_5xx,unsent,late_sends,late_sends_at_cap,at_cap_pct,rps,latency_min_ms,latency_mean_ms,latency_p50_ms,latency_p90_ms,"
  "latency_p99_ms,latency_p999_ms,latency_max_ms,uncorrected_p50_ms,uncorrected_p99_ms,"
  "connect_p50_ms,connect_p99_ms,tls_p50_ms,tls_p99_ms,first_byte_p50_ms,first_byte_p99_ms,"
  "bytes_in,bytes_out,generator_busy_max_pct,protocol,streams,server_cpus,server_cpu_mean_pct,"
  "server_cpu_peak_pct,server_memory_mean_bytes,server_memory_peak_bytes,"
  "server_cpu_us_per_request,requests_per_server_cpu_s,thresholds,thresholds_failed,"
  "capacity_rps,round,"
  "rps_ratio,rps_ratio_ci_low,rps_ratio_ci_high,rps_p_value,"
  "p50_ratio,p50_ratio_ci_low,p50_ratio_ci_high,p50_p_value,"
  "p99_ratio,p99_ratio_ci_low,p99_ratio_ci_high,p99_p_value,"
  "error_rate_ratio,error_rate_ratio_ci_low,error_rate_ratio_ci_high,error_rate_p_value,"
  "server_cpu_per_request_ratio,server_cpu_per_request_ratio_ci_low,"
  "server_cpu_per_request_ratio_ci_high,server_cpu_per_request_p_value";

static const char timeseries_header[] =
  "target,phase,start_s,end_s,requests,unsent,rps,errors,latency_p50_ms,latency_p90_ms,"
  "latency_p99_ms,latency_max_ms,generator_busy_pct,server_cpu_pct,server_memory_bytes,round,"
  "planned_rps,planned_connections,server_sample_s";

/* Target 0 ("alpha"): one warm-up second of slow (100 ms) responses, then two measured seconds
 * of 100 responses each with latencies 10, 20 … 1000 µs (exact in the histogram), one refused
 * connection in the last second and connect timings. Target 1: one measured second with only
 * failures, so no latency at all. */
static VsResults *
make_results (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  VsResults *results;
  VsStatusRule rule = { { 0 } };

  for (guint s = 200; s < 400; s++)
    rule.accept[s / 64] |= G_GUINT64_CONSTANT (1) << (s % 64);

  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = 100;
  plan->load.connections = 8;
  plan->mode = VS_MODE_PARALLEL;
  vs_plan_add_target (plan, vs_target_new ("alpha", "http://127.0.0.1:8080/api/users/1"));
  vs_plan_add_target (plan, vs_target_new (TRICKY_NAME, "http://[::1]:8081/"));

  results = vs_results_new (plan, "soup");
  vs_results_set_generator (results, 3, 2);

  {
    VsStats *stats = vs_stats_new ();
    g_autoptr(VsSnapshot) snapshot = NULL;

    for (guint i = 0; i < 50; i++)
      {
        vs_stats_record_send (stats, i * 20000, i * 20000, 100);
        vs_stats_record_response (stats, &rule, 200, i * 20000, i * 20000, i * 20000 + 100000,
                                  1000);
      }
    snapshot = vs_snapshot_new (0, VS_PHASE_WARMUP, 0.0, 1.0, stats);
    /* a busy warm-up must not count towards the measured phase's generator load */
    snapshot->generator_busy = 0.99;
    vs_results_add_snapshot (results, snapshot);
  }

  for (guint second = 1; second <= 2; second++)
    {
      VsStats *stats = vs_stats_new ();
      g_autoptr(VsSnapshot) snapshot = NULL;

      for (gint64 i = 1; i <= 100; i++)
        {
          gint64 t = second * G_USEC_PER_SEC + i * 10000;

          vs_stats_record_send (stats, t, t, 100);
          vs_stats_record_response (stats, &rule, 200, t, t, t + i * 10, 1000);
          vs_stats_record_protocol (stats, VS_PROTOCOL_HTTP_1_1);
        }
      vs_stats_record_timing (stats, VS_TIMING_CONNECT, 250);
      if (second == 2)
        vs_stats_record_failure (stats, VS_ERROR_CLASS_CONNECT, 0);

      snapshot = vs_snapshot_new (0, VS_PHASE_MEASURE, second, second + 1, stats);
      snapshot->generator_busy = second == 1 ? 0.25 : 0.5;
      if (second == 2)
        {
          snapshot->last = TRUE;
          snapshot->first_error = g_strdup ("Connection refused");
        }
      vs_results_add_snapshot (results, snapshot);
    }

  {
    VsStats *stats = vs_stats_new ();
    g_autoptr(VsSnapshot) snapshot = NULL;

    for (guint i = 0; i < 3; i++)
      vs_stats_record_failure (stats, VS_ERROR_CLASS_TIMEOUT, 0);
    snapshot = vs_snapshot_new (1, VS_PHASE_MEASURE, 0.0, 1.0, stats);
    vs_results_add_snapshot (results, snapshot);
  }

  return results;
}

/* A small RFC 4180 reader: rows of fields, quoted fields may hold commas, "" and newlines. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = NULL;
  GString *field = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      if (row == NULL)
        row = g_ptr_array_new_with_free_func (g_free);

      g_string_truncate (field, 0);
      if (*p == '"')
        {
          for (p++; *p != '\0'; p++)
            {
              if (*p == '"' && p[1] == '"')
                g_string_append_c (field, *p++);
              else if (*p == '"')
                break;
              else
                g_string_append_c (field, *p);
            }
          g_assert_cmpint (*p, ==, '"');
          p++;
        }
      else
        {
          for (; *p != '\0' && *p != ',' && *p != '\n'; p++)
            g_string_append_c (field, *p);
        }
      g_ptr_array_add (row, g_strdup (field->str));

      if (*p == ',')
        p++;
      else
        {
          g_assert_cmpint (*p, ==, '\n');   /* every line ends in LF, the last one too */
          p++;
          g_ptr_array_add (rows, g_steal_pointer (&row));
        }
    }

  g_assert_null (row);
  g_string_free (field, TRUE);
  return rows;
}

static const char *
cell (GPtrArray  *rows,
      guint       row,
      const char *column)
{
  GPtrArray *header = g_ptr_array_index (rows, 0);
  GPtrArray *values = g_ptr_array_index (rows, row);

  g_assert_cmpuint (values->len, ==, header->len);
  for (guint i = 0; i < header->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (header, i), column))
        return g_ptr_array_index (values, i);
    }

  g_error ("no column %s", column);
  return NULL;
}

typedef gboolean (*ExportFunc) (VsResults *, GOutputStream *, GError **);

static char *
export_to_string (VsResults  *results,
                  ExportFunc  func)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gboolean ok;

  ok = func (results, stream, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
test_results (void)
{
  g_autoptr(VsResults) results = make_results ();
  const VsTargetResult *alpha = vs_results_get_target (results, 0);
  const VsTargetResult *other = vs_results_get_target (results, 1);
  const VsInterval *warmup, *measured;

  g_assert_cmpuint (vs_results_get_n_targets (results), ==, 2);
  g_assert_cmpstr (vs_results_get_engine (results), ==, "soup");
  g_assert_nonnull (vs_results_get_started (results));
  g_assert_cmpstr (alpha->target->name, ==, "alpha");

  g_assert_cmpuint (alpha->intervals->len, ==, 3);
  warmup = &g_array_index (alpha->intervals, VsInterval, 0);
  measured = &g_array_index (alpha->intervals, VsInterval, 1);
  g_assert_cmpint (warmup->phase, ==, VS_PHASE_WARMUP);
  g_assert_cmpint (warmup->p50_us, ==, 100000);
  g_assert_cmpfloat (warmup->rps, ==, 50.0);
  g_assert_cmpint (measured->phase, ==, VS_PHASE_MEASURE);
  g_assert_cmpfloat (measured->rps, ==, 100.0);
  g_assert_cmpint (measured->min_us, ==, 10);
  g_assert_cmpint (measured->p50_us, ==, 500);
  g_assert_cmpint (measured->p90_us, ==, 900);
  g_assert_cmpint (measured->p99_us, ==, 990);
  g_assert_cmpint (measured->max_us, ==, 1000);
  g_assert_cmpfloat (measured->mean_us, ==, 505.0);

  /* warm-up stays out of the totals */
  g_assert_cmpuint (alpha->total->counters.requests, ==, 201);
  g_assert_cmpuint (alpha->total->counters.responses, ==, 200);
  g_assert_cmpfloat (alpha->measured_s, ==, 2.0);
  g_assert_cmpfloat (vs_target_result_rps (alpha), ==, 100.5);
  g_assert_cmpfloat_with_epsilon (vs_target_result_error_rate (alpha), 1.0 / 201, 1e-12);
  g_assert_cmpint (vs_target_result_latency (alpha, 50), ==, 500);
  g_assert_cmpint (vs_target_result_latency (alpha, 100), ==, 1000);
  g_assert_true (alpha->started);
  g_assert_true (alpha->finished);
  g_assert_cmpstr (alpha->first_error, ==, "Connection refused");

  g_assert_true (other->started);
  g_assert_false (other->finished);
  g_assert_null (other->first_error);
  g_assert_cmpfloat (vs_target_result_error_rate (other), ==, 1.0);
  g_assert_cmpint (vs_target_result_latency (other, 99), ==, 0);
  g_assert_cmpint (g_array_index (other->intervals, VsInterval, 0).p99_us, ==, 0);
}

static void
test_summary_csv (void)
{
  g_autoptr(VsResults) results = make_results ();
  g_autofree char *csv = export_to_string (results, vs_export_summary_csv);
  g_autoptr(GPtrArray) rows = parse_csv (csv);
  g_autofree char *header_line = g_strconcat (summary_header, "\n", NULL);

  g_assert_true (g_str_has_prefix (csv, header_line));
  g_assert_cmpuint (rows->len, ==, 3);

  g_assert_cmpstr (cell (rows, 1, "target"), ==, "alpha");
  g_assert_cmpstr (cell (rows, 1, "url"), ==, "http://127.0.0.1:8080/api/users/1");
  g_assert_cmpstr (cell (rows, 1, "engine"), ==, "soup");
  g_assert_cmpstr (cell (rows, 1, "workers"), ==, "3");
  g_assert_cmpstr (cell (rows, 1, "cpus"), ==, "2");
  g_assert_cmpstr (cell (rows, 1, "model"), ==, "open");
  g_assert_cmpstr (cell (rows, 1, "mode"), ==, "parallel");
  g_assert_cmpstr (cell (rows, 1, "connections"), ==, "8");
  g_assert_cmpstr (cell (rows, 1, "rate_rps"), ==, "100.000");
  g_assert_cmpstr (cell (rows, 1, "duration_s"), ==, "2.000");
  g_assert_cmpstr (cell (rows, 1, "requests"), ==, "201");
  g_assert_cmpstr (cell (rows, 1, "responses"), ==, "200");
  g_assert_cmpstr (cell (rows, 1, "errors"), ==, "1");
  g_assert_cmpstr (cell (rows, 1, "errors_connect"), ==, "1");
  g_assert_cmpstr (cell (rows, 1, "errors_timeout"), ==, "0");
  g_assert_cmpstr (cell (rows, 1, "late_sends"), ==, "0");
  g_assert_cmpstr (cell (rows, 1, "rps"), ==, "100.500");
  /* the warm-up's 100 ms responses would show in max and p99.9 if they had been counted */
  g_assert_cmpstr (cell (rows, 1, "latency_min_ms"), ==, "0.010");
  g_assert_cmpstr (cell (rows, 1, "latency_mean_ms"), ==, "0.505");
  g_assert_cmpstr (cell (rows, 1, "latency_p50_ms"), ==, "0.500");
  g_assert_cmpstr (cell (rows, 1, "latency_p90_ms"), ==, "0.900");
  g_assert_cmpstr (cell (rows, 1, "latency_p99_ms"), ==, "0.990");
  g_assert_cmpstr (cell (rows, 1, "latency_p999_ms"), ==, "1.000");
  g_assert_cmpstr (cell (rows, 1, "latency_max_ms"), ==, "1.000");
  g_assert_cmpstr (cell (rows, 1, "uncorrected_p50_ms"), ==, "0.500");
  g_assert_cmpstr (cell (rows, 1, "connect_p50_ms"), ==, "0.250");
  /* no TLS and no first-byte samples: empty, never a made-up zero */
  g_assert_cmpstr (cell (rows, 1, "tls_p50_ms"), ==, "");
  g_assert_cmpstr (cell (rows, 1, "first_byte_p99_ms"), ==, "");
  g_assert_cmpstr (cell (rows, 1, "bytes_in"), ==, "200000");
  g_assert_cmpstr (cell (rows, 1, "bytes_out"), ==, "20000");
  g_assert_cmpstr (cell (rows, 1, "generator_busy_max_pct"), ==, "50.000");
  g_assert_cmpstr (cell (rows, 1, "protocol"), ==, "HTTP/1.1");
  g_assert_cmpstr (cell (rows, 1, "streams"), ==, "1");

  /* the tricky name survives the round trip, quoted as RFC 4180 says */
  g_assert_nonnull (strstr (csv, "\"b,\"\"eta\"\"\nline two\""));
  g_assert_cmpstr (cell (rows, 2, "target"), ==, TRICKY_NAME);
  g_assert_cmpstr (cell (rows, 2, "requests"), ==, "3");
  g_assert_cmpstr (cell (rows, 2, "errors_timeout"), ==, "3");
  g_assert_cmpstr (cell (rows, 2, "latency_min_ms"), ==, "");
  g_assert_cmpstr (cell (rows, 2, "latency_p50_ms"), ==, "");
  g_assert_cmpstr (cell (rows, 2, "latency_max_ms"), ==, "");
  g_assert_cmpstr (cell (rows, 2, "rps"), ==, "3.000");
  /* no response, no protocol */
  g_assert_cmpstr (cell (rows, 2, "protocol"), ==, "");
}

static void
test_summary_closed_model (void)
{
  g_autoptr(VsResults) results = make_results ();
  g_autofree char *csv = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  vs_results_get_plan (results)->load.model = VS_LOAD_CLOSED;
  csv = export_to_string (results, vs_export_summary_csv);
  rows = parse_csv (csv);
  g_assert_cmpstr (cell (rows, 1, "model"), ==, "closed");
  g_assert_cmpstr (cell (rows, 1, "rate_rps"), ==, "");
}

static void
test_timeseries_csv (void)
{
  g_autoptr(VsResults) results = make_results ();
  g_autofree char *csv = export_to_string (results, vs_export_timeseries_csv);
  g_autoptr(GPtrArray) rows = parse_csv (csv);
  g_autofree char *header_line = g_strconcat (timeseries_header, "\n", NULL);

  g_assert_true (g_str_has_prefix (csv, header_line));
  /* header + 3 intervals of alpha + 1 of the other */
  g_assert_cmpuint (rows->len, ==, 1 + 3 + 1);

  g_assert_cmpstr (cell (rows, 1, "phase"), ==, "warmup");
  g_assert_cmpstr (cell (rows, 1, "start_s"), ==, "0.000");
  g_assert_cmpstr (cell (rows, 1, "requests"), ==, "50");
  g_assert_cmpstr (cell (rows, 1, "latency_p50_ms"), ==, "100.000");
  g_assert_cmpstr (cell (rows, 2, "phase"), ==, "measure");
  g_assert_cmpstr (cell (rows, 2, "start_s"), ==, "1.000");
  g_assert_cmpstr (cell (rows, 2, "end_s"), ==, "2.000");
  g_assert_cmpstr (cell (rows, 2, "rps"), ==, "100.000");
  g_assert_cmpstr (cell (rows, 2, "latency_p99_ms"), ==, "0.990");
  g_assert_cmpstr (cell (rows, 1, "generator_busy_pct"), ==, "99.000");
  g_assert_cmpstr (cell (rows, 2, "generator_busy_pct"), ==, "25.000");
  /* the open model plans a rate, not connections */
  g_assert_cmpuint (vs_results_get_plan (results)->load.model, ==, VS_LOAD_OPEN);
  g_assert_cmpfloat (vs_results_get_plan (results)->load.rate, ==, 100);
  g_assert_cmpstr (cell (rows, 2, "planned_rps"), ==, "100.000");
  g_assert_cmpstr (cell (rows, 2, "planned_connections"), ==, "");
  /* no server: nothing its CPU figure would cover */
  g_assert_cmpstr (cell (rows, 2, "server_sample_s"), ==, "");
  g_assert_cmpstr (cell (rows, 3, "errors"), ==, "1");
  g_assert_cmpstr (cell (rows, 3, "requests"), ==, "101");
  g_assert_cmpstr (cell (rows, 4, "target"), ==, TRICKY_NAME);
  g_assert_cmpstr (cell (rows, 4, "errors"), ==, "3");
  g_assert_cmpstr (cell (rows, 4, "latency_p50_ms"), ==, "");
}

static void
test_csv_quoting (void)
{
  static const struct
  {
    const char *value;
    const char *field;
  } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "cr\rhere", "\"cr\rhere\"" },
    { "\"", "\"\"\"\"" },
    { "caf\xc3\xa9 ;:'", "caf\xc3\xa9 ;:'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) line = g_string_new ("x,");

      vs_csv_append_field (line, cases[i].value);
      g_assert_cmpstr (line->str + 2, ==, cases[i].field);
    }
}

static const char * const comma_locales[] = {
  "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "nl_NL.UTF-8", "es_ES.UTF-8",
  "ru_RU.UTF-8", "pt_BR.UTF-8", "it_IT.UTF-8",
};

static gboolean
decimal_comma (void)
{
  g_autofree char *probe = g_strdup_printf ("%.1f", 1.5);

  return g_str_equal (probe, "1,5");
}

/* Builds de_DE.UTF-8 into @dir with localedef (Debian's "locales" package carries the sources)
 * and points glibc at it through LOCPATH, for machines where no such locale is installed. */
static gboolean
compile_comma_locale (const char *dir)
{
  g_autofree char *localedef = g_find_program_in_path ("localedef");
  g_autofree char *output = g_build_filename (dir, "de_DE.UTF-8", NULL);
  const char *argv[] = { localedef, "-i", "de_DE", "-f", "UTF-8", output, NULL };

  if (localedef == NULL)
    return FALSE;

  /* localedef may exit non-zero over mere warnings; whether setlocale() works decides */
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
  g_setenv ("LOCPATH", dir, TRUE);
  return setlocale (LC_NUMERIC, "de_DE.UTF-8") != NULL && decimal_comma ();
}

static void
test_locale (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  g_autofree char *locale_dir = NULL;
  g_autoptr(VsResults) results = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const char *chosen = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (comma_locales) && chosen == NULL; i++)
    {
      if (setlocale (LC_NUMERIC, comma_locales[i]) != NULL && decimal_comma ())
        chosen = comma_locales[i];
    }

  if (chosen == NULL)
    {
      locale_dir = g_dir_make_tmp ("versus-locale-XXXXXX", NULL);
      if (locale_dir != NULL && compile_comma_locale (locale_dir))
        chosen = "de_DE.UTF-8 (compiled for the test)";
    }

  if (chosen == NULL)
    {
      setlocale (LC_NUMERIC, saved);
      g_unsetenv ("LOCPATH");
      if (locale_dir != NULL)
        vs_test_remove_tree (locale_dir);
      g_test_skip ("no locale with a decimal comma is available");
      return;
    }

  g_test_message ("exporting under %s", chosen);
  results = make_results ();
  csv = export_to_string (results, vs_export_summary_csv);
  json = export_to_string (results, vs_export_json);
  setlocale (LC_NUMERIC, saved);
  g_unsetenv ("LOCPATH");
  if (locale_dir != NULL)
    vs_test_remove_tree (locale_dir);

  rows = parse_csv (csv);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (cell (rows, 1, "rate_rps"), ==, "100.000");
  g_assert_cmpstr (cell (rows, 1, "rps"), ==, "100.500");
  g_assert_cmpstr (cell (rows, 1, "latency_p50_ms"), ==, "0.500");
  g_assert_nonnull (strstr (json, "100.5"));
  g_assert_null (strstr (json, "100,5"));
}

static JsonNode *
member (JsonNode   *node,
        const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end;
      guint64 index = g_ascii_strtoull (parts[i], &end, 10);

      if (*end == '\0' && end != parts[i])
        {
          JsonArray *array = json_node_get_array (node);

          g_assert_nonnull (array);
          g_assert_cmpuint (index, <, json_array_get_length (array));
          node = json_array_get_element (array, index);
        }
      else
        {
          JsonObject *object = json_node_get_object (node);

          g_assert_nonnull (object);
          g_assert_true (json_object_has_member (object, parts[i]));
          node = json_object_get_member (object, parts[i]);
        }
    }

  return node;
}

static guint
length_of (JsonNode   *root,
           const char *path)
{
  return json_array_get_length (json_node_get_array (member (root, path)));
}

static double
double_of (JsonNode   *root,
           const char *path)
{
  return json_node_get_double (member (root, path));
}

static void
test_json (void)
{
  g_autoptr(VsResults) results = make_results ();
  g_autofree char *json = export_to_string (results, vs_export_json);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) started = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);

  g_assert_cmpint (json_node_get_int (member (root, "schema_version")), ==,
                   VS_RESULT_SCHEMA_VERSION);
  g_assert_cmpstr (json_node_get_string (member (root, "engine")), ==, "soup");
  g_assert_nonnull (json_node_get_string (member (root, "versus_version")));
  started = g_date_time_new_from_iso8601 (json_node_get_string (member (root, "started")), NULL);
  g_assert_nonnull (started);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (member (root, "plan")));

  g_assert_cmpuint (length_of (root, "targets"), ==, 2);
  g_assert_cmpstr (json_node_get_string (member (root, "targets.0.name")), ==, "alpha");
  g_assert_cmpstr (json_node_get_string (member (root, "targets.1.name")), ==, TRICKY_NAME);
  g_assert_cmpint (json_node_get_int (member (root, "targets.0.summary.requests")), ==, 201);
  g_assert_cmpfloat (double_of (root, "targets.0.summary.rps"), ==, 100.5);
  g_assert_cmpfloat (double_of (root, "targets.0.summary.latency_p99_ms"), ==, 0.99);
  g_assert_true (JSON_NODE_HOLDS_NULL (member (root, "targets.0.summary.tls_p50_ms")));
  g_assert_true (JSON_NODE_HOLDS_NULL (member (root, "targets.1.summary.latency_p50_ms")));

  /* 50, 75, 90, 95, 99, 99.9, 99.99, 100 */
  g_assert_cmpuint (length_of (root, "targets.0.latency_percentiles"), ==, 8);
  g_assert_cmpfloat (double_of (root, "targets.0.latency_percentiles.5.percentile"), ==, 99.9);
  g_assert_cmpfloat (double_of (root, "targets.0.latency_percentiles.7.ms"), ==, 1.0);
  /* 100 distinct exact values, each recorded twice */
  g_assert_cmpuint (length_of (root, "targets.0.histogram"), ==, 100);
  g_assert_cmpint (json_node_get_int (member (root, "targets.0.histogram.0.0")), ==, 10);
  g_assert_cmpint (json_node_get_int (member (root, "targets.0.histogram.0.1")), ==, 2);

  g_assert_cmpuint (length_of (root, "targets.0.intervals"), ==, 3);
  g_assert_cmpstr (json_node_get_string (member (root, "targets.0.intervals.0.phase")), ==,
                   "warmup");
  g_assert_cmpint (json_node_get_int (member (root, "targets.0.intervals.2.requests")), ==, 101);
  g_assert_cmpstr (json_node_get_string (member (root, "targets.0.first_error")), ==,
                   "Connection refused");
  g_assert_true (JSON_NODE_HOLDS_NULL (member (root, "targets.1.first_error")));

  g_assert_cmpstr (json_node_get_string (member (root, "targets.0.summary.protocol")), ==,
                   "HTTP/1.1");
  g_assert_true (JSON_NODE_HOLDS_NULL (member (root, "targets.1.summary.protocol")));
  g_assert_cmpint (json_node_get_int (member (root, "targets.0.summary.streams")), ==, 1);
  /* one target answered, in one protocol: nothing to note */
  g_assert_cmpuint (length_of (root, "notes"), ==, 0);
}

/* The JSON summary holds the numbers summary.csv prints, also where rounding by hand and printf
 * part: a mean of 27 201.5 µs is 27.201 ms in "%.3f" (the binary value is just below the
 * half), where round (x * 1000) / 1000 made it 27.202. */
static void
test_json_as_csv (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  g_autoptr(VsSnapshot) snapshot = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  VsStats *stats = vs_stats_new ();
  VsStatusRule rule = { { 0 } };
  JsonObject *summary;
  GPtrArray *header;

  rule.accept[200 / 64] |= G_GUINT64_CONSTANT (1) << (200 % 64);
  vs_plan_add_target (plan, vs_target_new ("alpha", "http://127.0.0.1:8080/"));
  results = vs_results_new (plan, "native");
  vs_results_set_generator (results, 1, 1);
  for (gint64 i = 0; i < 2; i++)
    {
      vs_stats_record_send (stats, i * 1000, i * 1000, 100);
      vs_stats_record_response (stats, &rule, 200, i * 1000, i * 1000, i * 1000 + 27201 + i,
                                1000);
    }
  snapshot = vs_snapshot_new (0, VS_PHASE_MEASURE, 0.0, 1.0, stats);
  snapshot->last = TRUE;
  vs_results_add_snapshot (results, snapshot);

  csv = export_to_string (results, vs_export_summary_csv);
  json = export_to_string (results, vs_export_json);
  rows = parse_csv (csv);
  header = g_ptr_array_index (rows, 0);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  summary = json_node_get_object (member (json_parser_get_root (parser), "targets.0.summary"));
  g_assert_cmpstr (cell (rows, 1, "latency_mean_ms"), ==, "27.201");
  for (guint c = 0; c < header->len; c++)
    {
      const char *column = g_ptr_array_index (header, c);
      const char *field = cell (rows, 1, column);
      JsonNode *node = json_object_get_member (summary, column);

      g_assert_nonnull (node);
      if (JSON_NODE_HOLDS_NULL (node))
        g_assert_cmpstr (field, ==, "");
      else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        {
          if (json_node_get_double (node) != g_ascii_strtod (field, NULL))
            g_error ("%s: %.17g in the JSON, %s in the CSV", column,
                     json_node_get_double (node), field);
        }
    }
}

/* Two targets, the first answering in HTTP/1.1 and the second in HTTP/2, with streams. */
static VsResults *
make_protocol_results (guint streams)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  VsResults *results;
  VsStatusRule rule = { { 0 } };

  rule.accept[200 / 64] |= G_GUINT64_CONSTANT (1) << (200 % 64);
  plan->load.connections = 3;
  plan->load.streams = streams;
  vs_plan_add_target (plan, vs_target_new ("one", "https://127.0.0.1:8443/"));
  vs_plan_add_target (plan, vs_target_new ("two", "https://127.0.0.1:8444/"));
  results = vs_results_new (plan, "soup");

  for (guint t = 0; t < 2; t++)
    {
      VsStats *stats = vs_stats_new ();
      g_autoptr(VsSnapshot) snapshot = NULL;

      vs_stats_record_send (stats, 0, 0, 100);
      vs_stats_record_response (stats, &rule, 200, 0, 0, 100, 1000);
      vs_stats_record_protocol (stats, t == 0 ? VS_PROTOCOL_HTTP_1_1 : VS_PROTOCOL_HTTP_2);
      snapshot = vs_snapshot_new (t, VS_PHASE_MEASURE, 0.0, 1.0, stats);
      snapshot->last = TRUE;
      vs_results_add_snapshot (results, snapshot);
    }

  return results;
}

/* A comparison of an HTTP/1.1 backend with an HTTP/2 one says so, in the JSON as in the CLI;
 * streams on an HTTP/1.1 target are said not to have applied. */
static void
test_protocol_notes (void)
{
  g_autoptr(VsResults) results = make_protocol_results (1);
  g_autoptr(VsResults) streamed = make_protocol_results (8);
  g_autoptr(GPtrArray) notes = vs_protocol_notes (results);
  g_autoptr(GPtrArray) streamed_notes = vs_protocol_notes (streamed);
  g_autofree char *json = export_to_string (results, vs_export_json);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (notes, 0), "one: HTTP/1.1; two: HTTP/2"));

  g_assert_cmpuint (streamed_notes->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (streamed_notes, 1), "one answered in HTTP/1.x"));
  g_assert_nonnull (strstr (g_ptr_array_index (streamed_notes, 1), "8 streams"));
  g_assert_nonnull (strstr (g_ptr_array_index (streamed_notes, 1), "at most 3 requests"));

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_cmpstr (json_node_get_string (member (root, "targets.0.summary.protocol")), ==,
                   "HTTP/1.1");
  g_assert_cmpstr (json_node_get_string (member (root, "targets.1.summary.protocol")), ==,
                   "HTTP/2");
  g_assert_cmpuint (length_of (root, "notes"), ==, 1);
  g_assert_cmpstr (json_node_get_string (member (root, "notes.0")), ==,
                   g_ptr_array_index (notes, 0));
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
test_files (void)
{
  g_autoptr(VsResults) results = make_results ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("versus-export-XXXXXX", &error);
  g_autofree char *dir = NULL;
  g_autofree char *summary_path = NULL;
  g_autofree char *timeseries_path = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *timeseries = NULL;
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;
  gboolean ok;

  g_assert_no_error (error);
  dir = g_build_filename (tmp, "nested", "out", NULL);
  summary_path = g_build_filename (dir, "summary.csv", NULL);
  timeseries_path = g_build_filename (dir, "timeseries.csv", NULL);
  json_path = g_build_filename (tmp, "result.json", NULL);

  /* twice: the second time replaces the files */
  for (guint i = 0; i < 2; i++)
    {
      ok = vs_export_csv_dir (results, dir, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  ok = vs_export_json_file (results, json_path, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  summary = read_file (summary_path);
  expected = export_to_string (results, vs_export_summary_csv);
  g_assert_cmpstr (summary, ==, expected);
  g_clear_pointer (&expected, g_free);
  timeseries = read_file (timeseries_path);
  expected = export_to_string (results, vs_export_timeseries_csv);
  g_assert_cmpstr (timeseries, ==, expected);
  json = read_file (json_path);
  g_assert_true (g_str_has_prefix (json, "{"));

  /* a folder that cannot be made: a VS_ERROR naming the path */
  {
    g_autofree char *below_file = g_build_filename (json_path, "sub", NULL);

    ok = vs_export_csv_dir (results, below_file, &error);
    g_assert_false (ok);
    g_assert_error (error, VS_ERROR, VS_ERROR_IO);
    g_assert_nonnull (strstr (error->message, below_file));
    g_clear_error (&error);
  }

  /* a stream that fails: a VS_ERROR saying what could not be written */
  {
    g_autoptr(GOutputStream) closed = g_memory_output_stream_new_resizable ();

    g_output_stream_close (closed, NULL, NULL);
    ok = vs_export_summary_csv (results, closed, &error);
    g_assert_false (ok);
    g_assert_error (error, VS_ERROR, VS_ERROR_IO);
    g_clear_error (&error);
    ok = vs_export_json (results, closed, &error);
    g_assert_false (ok);
    g_assert_error (error, VS_ERROR, VS_ERROR_IO);
    g_clear_error (&error);
  }

  g_remove (summary_path);
  g_remove (timeseries_path);
  g_rmdir (dir);
  g_clear_pointer (&dir, g_free);
  dir = g_build_filename (tmp, "nested", NULL);
  g_rmdir (dir);
  g_remove (json_path);
  g_assert_cmpint (g_rmdir (tmp), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/results/add-snapshot", test_results);
  g_test_add_func ("/core/export/summary-csv", test_summary_csv);
  g_test_add_func ("/core/export/summary-csv/closed", test_summary_closed_model);
  g_test_add_func ("/core/export/timeseries-csv", test_timeseries_csv);
  g_test_add_func ("/core/export/csv-quoting", test_csv_quoting);
  g_test_add_func ("/core/export/locale", test_locale);
  g_test_add_func ("/core/export/json", test_json);
  g_test_add_func ("/core/export/json-as-csv", test_json_as_csv);
  g_test_add_func ("/core/export/protocol-notes", test_protocol_notes);
  g_test_add_func ("/core/export/files", test_files);

  return g_test_run ();
}
