/* test-result-read.c: a JSON result file read back (vs_merge_read_file) shows the figures it was
 * written with — every one, as the JSON carries the whole histograms */
#include <glib.h>
#include <gio/gio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "vs-error.h"
#include "vs-export.h"
#include "vs-file.h"
#include "vs-merge.h"
#include "vs-summary.h"

/* n responses of latency_us and more (a spread), and n_failed timeouts. */
static VsStats *
make_stats (guint  n,
            gint64 latency_us,
            guint  n_failed)
{
  VsStats *stats = vs_stats_new ();
  VsStatusRule rule;

  vs_status_rule_parse (&rule, "2xx", NULL);
  for (guint i = 0; i < n; i++)
    {
      gint64 sent = i * 1000;

      vs_stats_record_send (stats, sent, sent, 120);
      vs_stats_record_response (stats, &rule, 200, sent, sent,
                                sent + latency_us + (i % 101) * 37 + (i % 7 == 0 ? 9000 : 0),
                                1000 + i % 3);
      vs_stats_record_protocol (stats, VS_PROTOCOL_HTTP_1_1);
    }
  for (guint i = 0; i < n_failed; i++)
    vs_stats_record_failure (stats, VS_ERROR_CLASS_TIMEOUT, 0);
  return stats;
}

static VsResults *
make_results (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  VsResults *results;

  vs_plan_add_target (plan, vs_target_new ("node", "http://127.0.0.1:8081/"));
  vs_plan_add_target (plan, vs_target_new ("flask", "http://127.0.0.1:8082/"));
  plan->load.warmup_us = G_USEC_PER_SEC;
  results = vs_results_new (plan, "native");
  vs_results_set_generator (results, 2, 4);
  for (guint t = 0; t < 2; t++)
    for (guint s = 0; s < 5; s++)
      {
        g_autoptr(VsSnapshot) snapshot =
          vs_snapshot_new (t, s == 0 ? VS_PHASE_WARMUP : VS_PHASE_MEASURE, s, s + 1,
                           make_stats (400 + 50 * s + 300 * t, t == 0 ? 1800 : 23000,
                                       t == 1 ? s : 0));

        snapshot->generator_busy = 0.1 * s;
        snapshot->last = s == 4;
        if (t == 1 && s == 1)
          snapshot->first_error = g_strdup ("timed out after 10s");
        vs_results_add_snapshot (results, snapshot);
      }
  return results;
}

static char *
to_json (VsResults *results,
         gsize     *length)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (vs_export_json (results, stream, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (stream, NULL, NULL));
  *length = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (stream));
}

/* The JSON result written to a file of its own in a fresh folder. */
static char *
to_file (VsResults *results)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-result-read-XXXXXX", &error);
  g_autofree char *json = NULL;
  gsize length;
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, "result.json", NULL);
  json = to_json (results, &length);
  g_assert_true (vs_file_replace (path, json, length, &error));
  g_assert_no_error (error);
  return path;
}

static void
remove_file (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

static char *
text_file (const char *text,
           gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-result-read-XXXXXX", &error);
  char *path = g_build_filename (dir, "result.json", NULL);

  g_assert_true (g_file_set_contents (path, text, length, &error));
  g_assert_no_error (error);
  return path;
}

/* Every figure of the summary (every file column, every table row) reads back as written, in
 * the files' form and the window's; the intervals the charts draw too. */
static void
test_round_trip (void)
{
  g_autoptr(VsResults) results = make_results ();
  g_autoptr(VsResults) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) rows_back = NULL;
  g_autofree char *path = to_file (results);

  back = vs_merge_read_file (path, &error);
  remove_file (path);
  g_assert_no_error (error);
  g_assert_nonnull (back);

  g_assert_cmpuint (vs_results_get_n_targets (back), ==, 2);
  g_assert_cmpstr (vs_results_get_engine (back), ==, "native");
  g_assert_cmpint (g_date_time_to_unix (vs_results_get_started (back)), ==,
                   g_date_time_to_unix (vs_results_get_started (results)));

  for (guint m = 0; m < vs_summary_get_n_metrics (); m++)
    {
      const VsMetric *metric = vs_summary_get_metric (m);

      for (guint t = 0; t < 2; t++)
        {
          g_autofree char *a = vs_summary_format_cell (results, t, metric, VS_FORMAT_C);
          g_autofree char *b = vs_summary_format_cell (back, t, metric, VS_FORMAT_C);
          g_autofree char *ra = t > 0 ? vs_summary_format_ratio (results, t, metric, 0) : NULL;
          g_autofree char *rb = t > 0 ? vs_summary_format_ratio (back, t, metric, 0) : NULL;

          g_test_message ("%s[%u]: %s → %s", metric->id, t, a, b);
          g_assert_cmpstr (a, ==, b);
          g_assert_cmpstr (ra, ==, rb);
          /* and to the precision of the file (µs), not only of what is shown: the mean is the
           * exact one, not the buckets' */
          if (metric->unit == VS_METRIC_LATENCY && vs_summary_value (results, t, metric).measured)
            g_assert_cmpfloat_with_epsilon (vs_summary_value (results, t, metric).number,
                                            vs_summary_value (back, t, metric).number, 1.0);
        }
    }

  /* the same rows in the tables, the same notes */
  rows = vs_summary_table_rows (results);
  rows_back = vs_summary_table_rows (back);
  g_assert_cmpuint (rows->len, ==, rows_back->len);
  {
    g_autoptr(GPtrArray) notes = vs_summary_notes (results);
    g_autoptr(GPtrArray) notes_back = vs_summary_notes (back);

    g_assert_cmpuint (notes->len, ==, notes_back->len);
    for (guint i = 0; i < notes->len; i++)
      g_assert_cmpstr (((VsNote *) g_ptr_array_index (notes, i))->text, ==,
                       ((VsNote *) g_ptr_array_index (notes_back, i))->text);
  }

  for (guint t = 0; t < 2; t++)
    {
      const VsTargetResult *a = vs_results_get_target (results, t);
      const VsTargetResult *b = vs_results_get_target (back, t);

      g_assert_cmpstr (a->first_error, ==, b->first_error);
      g_assert_true (b->finished);
      g_assert_cmpuint (a->intervals->len, ==, b->intervals->len);
      for (guint i = 0; i < a->intervals->len; i++)
        {
          const VsInterval *ia = &g_array_index (a->intervals, VsInterval, i);
          const VsInterval *ib = &g_array_index (b->intervals, VsInterval, i);

          g_assert_cmpint (ia->phase, ==, ib->phase);
          g_assert_cmpfloat_with_epsilon (ia->end_s, ib->end_s, 1e-3);
          g_assert_cmpfloat_with_epsilon (ia->rps, ib->rps, 1e-3);
          g_assert_cmpuint (ia->counters.requests, ==, ib->counters.requests);
          g_assert_cmpuint (vs_counters_errors (&ia->counters), ==,
                            vs_counters_errors (&ib->counters));
          g_assert_cmpuint (ia->counters.responses, ==, ib->counters.responses);
          g_assert_cmpint (ia->p50_us, ==, ib->p50_us);
          g_assert_cmpint (ia->p99_us, ==, ib->p99_us);
          g_assert_cmpint (ia->max_us, ==, ib->max_us);
        }
    }

  /* written again and read again: the same totals, so nothing drifts over a recovery */
  {
    g_autofree char *again = to_file (back);
    g_autoptr(VsResults) twice = vs_merge_read_file (again, &error);

    remove_file (again);
    g_assert_no_error (error);
    for (guint t = 0; t < 2; t++)
      {
        const VsTargetResult *a = vs_results_get_target (back, t);
        const VsTargetResult *b = vs_results_get_target (twice, t);

        g_assert_cmpuint (a->total->counters.requests, ==, b->total->counters.requests);
        g_assert_cmpuint (vs_histogram_count (a->total->latency), ==,
                          vs_histogram_count (b->total->latency));
      }
  }
}

/* A copy, taken at once or brought up to date from an earlier one, is the results as they are:
 * its JSON result is the same, and later snapshots do not change it. */
static void
test_copy (void)
{
  g_autoptr(VsResults) results = make_results ();
  g_autoptr(VsResults) whole = vs_results_copy (results, NULL);
  g_autoptr(VsResults) early = NULL;
  g_autoptr(VsResults) updated = NULL;
  g_autoptr(VsPlan) plan = vs_plan_ref (vs_results_get_plan (results));
  g_autofree char *expected = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *frozen = NULL;
  gsize length;

  expected = to_json (results, &length);
  a = to_json (whole, &length);
  g_assert_cmpstr (a, ==, expected);

  /* taken half-way, then brought up to date: the same as the whole */
  {
    g_autoptr(VsResults) growing = vs_results_new (plan, "native");
    VsStatusRule rule;

    vs_status_rule_parse (&rule, "2xx", NULL);
    for (guint s = 0; s < 6; s++)
      {
        g_autoptr(VsSnapshot) snapshot = vs_snapshot_new (0, VS_PHASE_MEASURE, s, s + 1,
                                                          make_stats (100 + s, 2000, s));

        snapshot->last = s == 5;
        vs_results_add_snapshot (growing, snapshot);
        if (s == 2)
          {
            early = vs_results_copy (growing, NULL);
            frozen = to_json (early, &length);
          }
      }
    /* the copy did not follow the results */
    g_free (a);
    a = to_json (early, &length);
    g_assert_cmpstr (a, ==, frozen);
    updated = vs_results_copy (growing, early);
    g_assert_true (updated == early);
    g_free (a);
    a = to_json (updated, &length);
    b = to_json (growing, &length);
    g_assert_cmpstr (a, ==, b);
    g_assert_cmpuint (vs_results_get_target (updated, 0)->intervals->len, ==, 6);
  }
}

/* What is not a result is refused with a message naming the file, never a crash. */
static void
test_invalid (void)
{
  static const char * const texts[] = {
    "", "[]", "{}", "{\"schema_version\": 99}", "{\"schema_version\": 1}",
    "{\"schema_version\": 1, \"plan\": {\"targets\": []}}", "{\"schema_version\": 1,",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = text_file (texts[i], strlen (texts[i]));
      g_autoptr(VsResults) results = vs_merge_read_file (path, &error);
      g_autofree char *prefix = g_strdup_printf ("%s: ", path);

      remove_file (path);
      g_assert_null (results);
      g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, prefix));
    }

  /* 100,000 nested arrays would overflow json-glib's stack: refused before it parses */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *deep = g_strnfill (100000, '[');
    g_autofree char *path = text_file (deep, strlen (deep));
    g_autoptr(VsResults) results = vs_merge_read_file (path, &error);
    g_autofree char *expected = g_strdup_printf ("%s: not a Versus JSON result: nested more "
                                                 "than 32 levels deep", path);

    remove_file (path);
    g_assert_null (results);
    g_assert_cmpstr (error->message, ==, expected);
  }

  /* a device is not read at all: /dev/zero would never end */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VsResults) results = vs_merge_read_file ("/dev/zero", &error);

    g_assert_null (results);
    g_assert_error (error, VS_ERROR, VS_ERROR_IO);
    g_assert_cmpstr (error->message, ==, "“/dev/zero” is not a regular file");
  }
}

/* Rows of one file stay apart when read back, even two that start within half a tick of each
 * other, as a short last measured row and the drain after it do (a 1 s tick: 3.0–3.2 s, then
 * 3.2–3.25 s): each keeps its own counts and bounds. */
static void
test_short_rows (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  g_autoptr(VsResults) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  static const double bounds[][2] = { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 3.2 }, { 3.2, 3.25 } };
  const VsTargetResult *a, *b;

  vs_plan_add_target (plan, vs_target_new ("node", "http://127.0.0.1:8081/"));
  plan->tick_us = G_USEC_PER_SEC;
  results = vs_results_new (plan, "native");
  vs_results_set_generator (results, 1, 1);
  for (guint s = 0; s < G_N_ELEMENTS (bounds); s++)
    {
      g_autoptr(VsSnapshot) snapshot =
        vs_snapshot_new (0, VS_PHASE_MEASURE, bounds[s][0], bounds[s][1],
                         make_stats (s < 3 ? 300 : 10 + s, 1800, 0));

      snapshot->draining = s == 4;
      snapshot->last = s == 4;
      vs_results_add_snapshot (results, snapshot);
    }
  path = to_file (results);
  back = vs_merge_read_file (path, &error);
  remove_file (path);
  g_assert_no_error (error);

  a = vs_results_get_target (results, 0);
  b = vs_results_get_target (back, 0);
  g_assert_cmpuint (b->intervals->len, ==, a->intervals->len);
  for (guint i = 0; i < a->intervals->len; i++)
    {
      const VsInterval *ia = &g_array_index (a->intervals, VsInterval, i);
      const VsInterval *ib = &g_array_index (b->intervals, VsInterval, i);

      g_assert_cmpfloat (ib->start_s, ==, ia->start_s);
      g_assert_cmpfloat (ib->end_s, ==, ia->end_s);
      g_assert_cmpint (ib->draining, ==, ia->draining);
      g_assert_cmpuint (ib->counters.requests, ==, ia->counters.requests);
    }
  g_assert_cmpuint (b->total->counters.requests, ==, a->total->counters.requests);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/result-read/round-trip", test_round_trip);
  g_test_add_func ("/core/result-read/invalid", test_invalid);
  g_test_add_func ("/core/result-read/short-rows", test_short_rows);
  g_test_add_func ("/core/results/copy", test_copy);
  return g_test_run ();
}
