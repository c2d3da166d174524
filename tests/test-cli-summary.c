/* test-cli-summary.c: the end-of-run table, from results made up here */
#include <glib.h>
#include <string.h>

#include "vs-cli-progress.h"
#include "vs-cli-summary.h"
#include "vs-results.h"

/* n responses of latency_us each, late of them sent 10 ms after their time. */
static VsStats *
make_stats (guint  n,
            gint64 latency_us,
            guint  late)
{
  VsStats *stats = vs_stats_new ();
  VsStatusRule rule;

  vs_status_rule_parse (&rule, "2xx", NULL);
  for (guint i = 0; i < n; i++)
    {
      gint64 intended = i * 10000;
      gint64 sent = intended + (i < late ? 10000 : 0);

      vs_stats_record_send (stats, intended, sent, 100);
      vs_stats_record_response (stats, &rule, 200, sent, sent, sent + latency_us, 1000);
    }
  return stats;
}

static void
add_interval (VsResults  *results,
              guint       target,
              VsPhase     phase,
              double      start_s,
              VsStats    *stats,
              gboolean    last,
              const char *first_error)
{
  g_autoptr(VsSnapshot) snapshot = vs_snapshot_new (target, phase, start_s, start_s + 1, stats);

  snapshot->last = last;
  snapshot->first_error = g_strdup (first_error);
  vs_results_add_snapshot (results, snapshot);
}

static void
add (VsResults  *results,
     guint       target,
     VsStats    *stats,
     const char *first_error)
{
  add_interval (results, target, VS_PHASE_MEASURE, 0, stats, TRUE, first_error);
}

/* The table line that starts with label. */
static char *
line_of (const char *text,
         const char *label)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], label) && lines[i][strlen (label)] == ' ')
      return g_strdup (lines[i]);
  g_error ("no line “%s” in:\n%s", label, text);
  return NULL;
}

static void
test_table (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  g_autoptr(GPtrArray) unreachable = NULL;
  g_autofree char *text = NULL;
  g_autofree char *header = NULL;
  g_autofree char *p50 = NULL;
  g_autofree char *late = NULL;
  g_autofree char *errors = NULL;
  VsStats *down;

  vs_plan_add_target (plan, vs_target_new ("node", "http://127.0.0.1:1/"));
  vs_plan_add_target (plan, vs_target_new ("flask", "http://127.0.0.1:2/"));
  vs_plan_add_target (plan, vs_target_new ("down", "http://127.0.0.1:3/"));
  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = 100;
  plan->load.duration_us = G_USEC_PER_SEC;
  g_assert_true (vs_plan_validate (plan, NULL));

  results = vs_results_new (plan, "soup");
  add (results, 0, make_stats (100, 1000, 0), NULL);
  add (results, 1, make_stats (100, 2000, 5), NULL);
  down = vs_stats_new ();
  for (guint i = 0; i < 10; i++)
    vs_stats_record_failure (down, VS_ERROR_CLASS_CONNECT, 0);
  add (results, 2, down, "Connection refused");

  text = vs_cli_summary_render (results);
  g_test_message ("%s", text);

  /* targets as columns with letters, one ratio column per other target */
  header = line_of (text, "");
  g_assert_nonnull (strstr (header, "node (A)"));
  g_assert_nonnull (strstr (header, "flask (B)"));
  g_assert_nonnull (strstr (header, "down (C)"));
  g_assert_true (strstr (header, "flask (B)") < strstr (header, "B/A"));
  g_assert_true (strstr (header, "B/A") < strstr (header, "C/A"));

  /* flask is twice as slow: its ratio says so, as one ratio function writes every ratio; down
   * has no latency and no ratio */
  p50 = line_of (text, "latency p50");
  g_assert_nonnull (strstr (p50, " 2×"));
  g_assert_nonnull (strstr (p50, "–"));

  /* the open model shows late sends, and the 5 % on flask is called out, not node's 0 % */
  late = line_of (text, "late sends");
  g_assert_nonnull (strstr (late, "5 (5.00 %)"));
  g_assert_nonnull (strstr (text, "fell behind on flask"));
  g_assert_null (strstr (text, "fell behind on node"));
  g_assert_nonnull (strstr (text, "p99 uncorrected"));

  /* errors in total and by class */
  errors = line_of (text, "errors");
  g_assert_nonnull (strstr (errors, "10 (100 %)"));
  g_assert_nonnull (strstr (text, "\n  connect errors "));

  g_assert_nonnull (strstr (text, "Engine: soup."));
  g_assert_nonnull (strstr (text, "open model, 100 requests/s per target"));

  /* only the target that never answered is unreachable, with its first error */
  unreachable = vs_cli_summary_unreachable (results);
  g_assert_cmpuint (unreachable->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (unreachable, 0), ==,
                   "down could not be reached: Connection refused");
}

static void
add_busy (VsResults *results,
          guint      target,
          VsPhase    phase,
          double     busy)
{
  g_autoptr(VsSnapshot) snapshot = vs_snapshot_new (target, phase, 0, 1,
                                                    make_stats (50, 1000, 0));

  snapshot->generator_busy = busy;
  vs_results_add_snapshot (results, snapshot);
}

/* A saturated generator is called out for the targets it was loading then; a busy warm-up is
 * not the measured phase. */
static void
test_generator_busy (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  g_autofree char *text = NULL;

  vs_plan_add_target (plan, vs_target_new ("node", "http://127.0.0.1:1/"));
  vs_plan_add_target (plan, vs_target_new ("flask", "http://127.0.0.1:2/"));
  g_assert_true (vs_plan_validate (plan, NULL));
  results = vs_results_new (plan, "native");
  add_busy (results, 0, VS_PHASE_WARMUP, 0.99);
  add_busy (results, 0, VS_PHASE_MEASURE, 0.50);
  add_busy (results, 1, VS_PHASE_MEASURE, 0.97);

  text = vs_cli_summary_render (results);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "saturated while loading flask:"));
  g_assert_nonnull (strstr (text, "(97% busy)"));
  g_assert_null (strstr (text, "loading node"));
}

/* The note on late sends for target name, up to the next note. */
static char *
late_note (const char *text,
           const char *name)
{
  g_autofree char *start = g_strdup_printf ("fell behind on %s:", name);
  const char *begin = strstr (text, start);
  const char *end;

  g_assert_nonnull (begin);
  end = strstr (begin + 1, "The load generator");
  /* as one line: the notes are wrapped at 90 columns wherever the words fall */
  return g_strdelimit (end != NULL ? g_strndup (begin, end - begin) : g_strdup (begin), "\n",
                       ' ');
}

/* Issue 9, point 5: late sends have two causes and the note names the one that applied — the
 * in-flight cap full (most late sends waited for a free connection), or the generator's CPU
 * (busy), or neither (its threads were kept off the CPU). */
static void
test_late_cause (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  g_autofree char *text = NULL;
  g_autofree char *capped = NULL;
  g_autofree char *busy = NULL;
  g_autofree char *neither = NULL;
  const double busy_share[] = { 0.016, 0.97, 0.2 };

  vs_plan_add_target (plan, vs_target_new ("capped", "http://127.0.0.1:1/"));
  vs_plan_add_target (plan, vs_target_new ("busy", "http://127.0.0.1:2/"));
  vs_plan_add_target (plan, vs_target_new ("neither", "http://127.0.0.1:3/"));
  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = 100;
  plan->load.connections = 7;
  g_assert_true (vs_plan_validate (plan, NULL));
  results = vs_results_new (plan, "native");
  vs_results_set_generator (results, 1, 1);

  for (guint t = 0; t < 3; t++)
    {
      VsStats *stats = make_stats (100, 1000, 40);
      g_autoptr(VsSnapshot) snapshot = NULL;

      if (t == 0)
        {
          /* a stalled server: 38 of the 40 waited at the cap, which was full 0.8 s of 1 s */
          stats->counters.late_at_cap = 38;
          stats->counters.at_cap_us = 800 * 1000;
        }
      else
        {
          stats->counters.late_at_cap = 3;
          stats->counters.at_cap_us = 10 * 1000;
        }
      snapshot = vs_snapshot_new (t, VS_PHASE_MEASURE, 0, 1, stats);
      snapshot->generator_busy = busy_share[t];
      snapshot->last = TRUE;
      vs_results_add_snapshot (results, snapshot);
    }

  text = vs_cli_summary_render (results);
  g_test_message ("%s", text);
  capped = late_note (text, "capped");
  busy = late_note (text, "busy");
  neither = late_note (text, "neither");

  /* the case: a stalled server with the generator 1.6 % busy is not told to add threads */
  g_assert_nonnull (strstr (capped, "(38) waited for a free connection: all 7 were busy 80%"));
  g_assert_nonnull (strstr (capped, "--connections"));
  g_assert_null (strstr (capped, "--threads"));

  g_assert_nonnull (strstr (busy, "97% busy: try more --threads or a lower --rate"));
  g_assert_null (strstr (busy, "free connection:"));
  g_assert_null (strstr (busy, "--connections"));

  g_assert_nonnull (strstr (neither, "only 20% busy: its threads were kept off the CPU"));
  g_assert_null (strstr (neither, "--connections"));
}

/* Requests due and never sent are shown, and warned about with the count due. */
static void
test_unsent (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  g_autofree char *text = NULL;
  g_autofree char *row = NULL;
  VsStats *stats = make_stats (100, 1000, 0);

  vs_plan_add_target (plan, vs_target_new ("slow", "http://127.0.0.1:1/"));
  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = 400;
  g_assert_true (vs_plan_validate (plan, NULL));
  results = vs_results_new (plan, "native");
  vs_stats_record_unsent (stats, 300);
  add (results, 0, stats, NULL);

  text = vs_cli_summary_render (results);
  g_test_message ("%s", text);
  row = line_of (text, "unsent");
  g_assert_nonnull (strstr (row, "300 (75.0 %)"));
  g_assert_nonnull (strstr (text, "slow: 300 of 400 requests due were never sent (unsent)"));
}

static void
test_single (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  g_autoptr(GPtrArray) unreachable = NULL;
  g_autofree char *text = NULL;

  vs_plan_add_target (plan, vs_target_new ("only", "http://127.0.0.1:1/"));
  g_assert_true (vs_plan_validate (plan, NULL));
  results = vs_results_new (plan, "native");
  add (results, 0, make_stats (50, 1500, 0), NULL);

  text = vs_cli_summary_render (results);
  g_test_message ("%s", text);

  /* one target: no letters, no ratios, no open-model rows */
  g_assert_nonnull (strstr (text, "only"));
  g_assert_null (strstr (text, "(A)"));
  g_assert_null (strstr (text, "×"));
  g_assert_null (strstr (text, "late sends"));
  g_assert_null (strstr (text, "unsent"));
  g_assert_null (strstr (text, "fell behind"));
  g_assert_nonnull (strstr (text, "closed model, 10 connections per target, 10s"));

  unreachable = vs_cli_summary_unreachable (results);
  g_assert_cmpuint (unreachable->len, ==, 0);
}

static void
test_progress (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *warming = NULL;
  g_autofree char *half = NULL;
  g_autofree char *done = NULL;
  VsStats *failing;

  vs_plan_add_target (plan, vs_target_new ("api", "http://127.0.0.1:1/"));
  g_assert_true (vs_plan_validate (plan, NULL));
  results = vs_results_new (plan, "soup");

  waiting = vs_cli_progress_line (vs_results_get_target (results, 0), 6, 0);
  g_assert_true (g_str_has_prefix (waiting, "api   "));  /* padded to the widest name */
  g_assert_nonnull (strstr (waiting, "waiting"));
  g_assert_nonnull (strstr (waiting, "– req/s"));

  /* the warm-up counts its own errors; the measured phase does not add them to its own, as
   * the window's cards do not */
  failing = make_stats (10, 1000, 0);
  vs_stats_record_failure (failing, VS_ERROR_CLASS_CONNECT, 0);
  vs_stats_record_failure (failing, VS_ERROR_CLASS_CONNECT, 0);
  add_interval (results, 0, VS_PHASE_WARMUP, 0, failing, FALSE, NULL);
  warming = vs_cli_progress_line (vs_results_get_target (results, 0), 6, 0.1);
  g_assert_nonnull (strstr (warming, "warming up"));
  g_assert_nonnull (strstr (warming, "2 errors"));

  /* the last tick's rate and p99, the errors so far, the share done */
  failing = make_stats (40, 3000, 0);
  vs_stats_record_failure (failing, VS_ERROR_CLASS_TIMEOUT, 0);
  add_interval (results, 0, VS_PHASE_MEASURE, 1, failing, FALSE, NULL);
  half = vs_cli_progress_line (vs_results_get_target (results, 0), 6, 0.5);
  g_test_message ("%s", half);
  g_assert_nonnull (strstr (half, "41 req/s"));
  g_assert_nonnull (strstr (half, "3.00ms"));
  g_assert_nonnull (strstr (half, "1 error "));
  g_assert_nonnull (strstr (half, " 50%"));

  add_interval (results, 0, VS_PHASE_MEASURE, 2, make_stats (5, 1000, 0), TRUE, NULL);
  done = vs_cli_progress_line (vs_results_get_target (results, 0), 6, 1);
  g_assert_nonnull (strstr (done, "done"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/cli/summary/table", test_table);
  g_test_add_func ("/core/cli/summary/single", test_single);
  g_test_add_func ("/core/cli/summary/generator-busy", test_generator_busy);
  g_test_add_func ("/core/cli/summary/late-cause", test_late_cause);
  g_test_add_func ("/core/cli/summary/unsent", test_unsent);
  g_test_add_func ("/core/cli/progress", test_progress);

  return g_test_run ();
}
