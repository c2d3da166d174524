/* test-summary.c: the one table of whole-run figures, from results made up here */
#include <glib.h>
#include <string.h>

#include "vs-summary.h"

static VsStats *
make_stats (guint  n,
            gint64 latency_us)
{
  VsStats *stats = vs_stats_new ();
  VsStatusRule rule;

  vs_status_rule_parse (&rule, "2xx", NULL);
  for (guint i = 0; i < n; i++)
    {
      vs_stats_record_send (stats, i * 1000, i * 1000, 100);
      vs_stats_record_response (stats, &rule, 200, i * 1000, i * 1000, i * 1000 + latency_us,
                                1000);
    }
  return stats;
}

static void
add (VsResults  *results,
     guint       target,
     VsStats    *stats,
     const char *first_error)
{
  g_autoptr(VsSnapshot) snapshot = vs_snapshot_new (target, VS_PHASE_MEASURE, 0, 2, stats);

  snapshot->last = TRUE;
  snapshot->first_error = g_strdup (first_error);
  vs_results_add_snapshot (results, snapshot);
}

static VsResults *
make_results (VsLoadModel model)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  VsResults *results;
  VsStats *down = vs_stats_new ();

  vs_plan_add_target (plan, vs_target_new ("up", "http://127.0.0.1:1/"));
  vs_plan_add_target (plan, vs_target_new ("down", "http://127.0.0.1:2/"));
  plan->load.model = model;
  plan->load.rate = 100;
  g_assert_true (vs_plan_validate (plan, NULL));
  results = vs_results_new (plan, "native");
  add (results, 0, make_stats (100, 1500), NULL);
  for (guint i = 0; i < 4; i++)
    vs_stats_record_failure (down, VS_ERROR_CLASS_CONNECT, 0);
  add (results, 1, down, "Connection refused");
  return results;
}

/* Each error class's column is named after the class, so the table cannot drift from the
 * enum; ids are unique. */
static void
test_ids (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint k = 0; k < VS_N_ERROR_CLASSES; k++)
    {
      g_autofree char *id = g_strconcat ("errors_", vs_error_class_to_string (k), NULL);
      const VsMetric *metric = vs_summary_find_metric (id);

      g_assert_nonnull (metric);
      g_assert_cmpfloat (metric->arg, ==, k);
    }
  for (guint i = 0; i < vs_summary_get_n_metrics (); i++)
    {
      const VsMetric *metric = vs_summary_get_metric (i);

      g_assert_false (g_hash_table_contains (seen, metric->id));
      g_hash_table_add (seen, (gpointer) metric->id);
      g_assert_nonnull (metric->label);
      g_assert_true (metric->flags & (VS_METRIC_FILE | VS_METRIC_TABLE));
    }
}

/* A target without responses has no latency: not measured, "–", never "0 µs"; and no ratio
 * against it or from it. */
static void
test_not_measured (void)
{
  g_autoptr(VsResults) results = make_results (VS_LOAD_CLOSED);
  const VsMetric *p50 = vs_summary_find_metric ("latency_p50_ms");
  const VsMetric *mean = vs_summary_find_metric ("latency_mean_ms");
  const VsMetric *rate = vs_summary_find_metric ("rate_rps");
  const VsMetric *requests = vs_summary_find_metric ("requests");
  g_autofree char *up = vs_summary_format_cell (results, 0, p50, VS_FORMAT_C);
  g_autofree char *down = vs_summary_format_cell (results, 1, mean, VS_FORMAT_C);
  g_autofree char *ratio = vs_summary_format_ratio (results, 1, p50, VS_FORMAT_C);
  g_autofree char *count_ratio = vs_summary_format_ratio (results, 1, requests, VS_FORMAT_C);
  g_autofree char *share = vs_summary_format_cell (results, 1,
                                                   vs_summary_find_metric ("errors"),
                                                   VS_FORMAT_C);

  g_assert_true (vs_summary_value (results, 0, p50).measured);
  g_assert_cmpstr (up, ==, "1.50 ms");
  g_assert_false (vs_summary_value (results, 1, p50).measured);
  g_assert_false (vs_summary_value (results, 1, mean).measured);
  g_assert_cmpstr (down, ==, "–");
  g_assert_cmpstr (ratio, ==, "–");
  /* the closed model asks for no rate */
  g_assert_false (vs_summary_value (results, 0, rate).measured);
  g_assert_cmpstr (count_ratio, ==, "0.04×");
  g_assert_cmpstr (share, ==, "4 (100 %)");
}

static gboolean
has_row (GPtrArray  *rows,
         const char *id)
{
  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (((const VsMetric *) g_ptr_array_index (rows, i))->id, id))
      return TRUE;
  return FALSE;
}

/* Rows of the open model only in the open model; per-class and phase rows only when some
 * target has them. */
static void
test_rows (void)
{
  g_autoptr(VsResults) closed = make_results (VS_LOAD_CLOSED);
  g_autoptr(VsResults) open = make_results (VS_LOAD_OPEN);
  g_autoptr(GPtrArray) closed_rows = vs_summary_table_rows (closed);
  g_autoptr(GPtrArray) open_rows = vs_summary_table_rows (open);

  g_assert_false (has_row (closed_rows, "late_sends"));
  g_assert_false (has_row (closed_rows, "uncorrected_p99_ms"));
  g_assert_true (has_row (open_rows, "late_sends"));
  g_assert_true (has_row (open_rows, "unsent"));
  g_assert_true (has_row (closed_rows, "errors_connect"));
  g_assert_false (has_row (closed_rows, "errors_timeout"));
  g_assert_false (has_row (closed_rows, "tls_p50_ms"));
  g_assert_true (has_row (closed_rows, "latency_mean_ms"));
}

/* The target that never answered is unreachable, with its first error; the other is not. */
static void
test_notes (void)
{
  g_autoptr(VsResults) results = make_results (VS_LOAD_OPEN);
  g_autoptr(GPtrArray) notes = vs_summary_notes (results);
  guint unreachable = 0;

  for (guint i = 0; i < notes->len; i++)
    {
      const VsNote *note = g_ptr_array_index (notes, i);

      g_test_message ("%d: %s", note->target, note->text);
      g_assert_null (strchr (note->text, '\n'));
      if (note->kind == VS_NOTE_UNREACHABLE)
        {
          unreachable++;
          g_assert_cmpint (note->target, ==, 1);
          g_assert_cmpstr (note->text, ==, "down could not be reached: Connection refused");
        }
    }
  g_assert_cmpuint (unreachable, ==, 1);
  g_assert_cmpint (((const VsNote *) g_ptr_array_index (notes, 0))->kind, ==,
                   VS_NOTE_GENERATOR);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/summary/ids", test_ids);
  g_test_add_func ("/core/summary/not-measured", test_not_measured);
  g_test_add_func ("/core/summary/rows", test_rows);
  g_test_add_func ("/core/summary/notes", test_notes);

  return g_test_run ();
}
