/* test-slo.c: thresholds of a plan judged on real runs, the exit status of `versus run`, and
 * the stages and capacity search (issue 12), against servers on 127.0.0.1 whose delays and
 * counts are known */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "vs-error.h"
#include "vs-export.h"
#include "vs-plan.h"
#include "vs-run.h"
#include "vs-slo.h"
#include "vs-summary.h"
#include "vs-test-server.h"

static VsTestServer *server;

/* ---- plan syntax ------------------------------------------------------------------------ */

static void
expect_plan_error (const char *json,
                   const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = vs_plan_load_from_data (json, -1, NULL, &error);

  if (plan != NULL)
    vs_plan_validate (plan, &error);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  if (!g_str_has_prefix (error->message, message))
    g_error ("expected “%s…”, got “%s”", message, error->message);
}

#define TARGET "\"targets\": [{\"name\": \"a\", \"url\": \"http://127.0.0.1:1/\"}]"

static void
test_plan_thresholds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsPlan) again = NULL;
  g_autofree char *json = NULL;
  const VsPlanThreshold *threshold;
  g_autoptr(GPtrArray) all = NULL;

  plan = vs_plan_load_from_data (
    "{\"version\": 1, \"targets\": [{\"name\": \"a\", \"url\": \"http://127.0.0.1:1/\","
    " \"thresholds\": [\"rps > 1000\"]}, {\"name\": \"b\", \"url\": \"http://127.0.0.1:2/\"}],"
    " \"thresholds\": [\"p99 < 50ms\", {\"threshold\": \"error_rate < 1%\","
    " \"abort_on_fail\": true, \"grace\": \"5s\"}]}", -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (vs_plan_validate (plan, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (plan->thresholds->len, ==, 2);
  threshold = g_ptr_array_index (plan->thresholds, 1);
  g_assert_cmpstr (threshold->expr, ==, "error_rate < 1%");
  g_assert_true (threshold->abort_on_fail);
  g_assert_cmpint (threshold->grace_us, ==, 5 * G_USEC_PER_SEC);

  /* a target's own come after the plan's, and only for it */
  all = vs_plan_thresholds_for (plan, 0);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpstr (((VsPlanThreshold *) g_ptr_array_index (all, 2))->expr, ==, "rps > 1000");
  g_clear_pointer (&all, g_ptr_array_unref);
  all = vs_plan_thresholds_for (plan, 1);
  g_assert_cmpuint (all->len, ==, 2);

  /* saved and loaded back: the same */
  json = vs_plan_to_json (plan);
  again = vs_plan_load_from_data (json, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->thresholds->len, ==, 2);
  threshold = g_ptr_array_index (again->thresholds, 1);
  g_assert_true (threshold->abort_on_fail);
  g_assert_cmpint (threshold->grace_us, ==, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (vs_plan_get_target (again, 0)->thresholds->len, ==, 1);

  /* errors name the field */
  expect_plan_error ("{\"version\": 1, " TARGET ", \"thresholds\": [\"p99 < 50ms\", \"p98 < 1s\"]}",
                     "thresholds[1]: unknown metric “p98”");
  expect_plan_error ("{\"version\": 1, \"targets\": [{\"url\": \"http://127.0.0.1:1/\", "
                     "\"name\": \"a\", \"thresholds\": [\"p99 < 50\"]}]}",
                     "targets[0].thresholds[0]: “p99” is a latency");
  expect_plan_error ("{\"version\": 1, " TARGET ", \"thresholds\": \"p99 < 50ms\"}",
                     "thresholds: expected a list");
  expect_plan_error ("{\"version\": 1, " TARGET ", \"thresholds\": [3]}",
                     "thresholds[0]: expected a string");
  expect_plan_error ("{\"version\": 1, " TARGET ", \"thresholds\": [{\"threshold\": \"rps > 1\","
                     " \"abort\": true}]}",
                     "thresholds[0].abort: unknown key");
  expect_plan_error ("{\"version\": 1, " TARGET ", \"thresholds\": [{\"grace\": \"1s\"}]}",
                     "thresholds[0].threshold: missing");
  expect_plan_error ("{\"version\": 1, " TARGET ", \"thresholds\": [{\"threshold\": \"rps > 1\","
                     " \"grace\": \"soon\"}]}",
                     "thresholds[0].grace: expected a duration");
  expect_plan_error ("{\"version\": 1, " TARGET ", \"thresholds\": [\"error_rate < 1\"]}",
                     "thresholds[0]: “error_rate” is a share");
}

/* ---- runs ------------------------------------------------------------------------------- */

typedef struct
{
  gboolean finished;
  guint    ticks;
} Seen;

static void
on_finished (VsRun *run,
             Seen  *seen)
{
  seen->finished = TRUE;
}

static void
on_tick (VsRun *run,
         Seen  *seen)
{
  seen->ticks++;
}

/* Runs the plan to its end on this thread's main context. */
static VsRun *
run_plan (VsPlan *plan)
{
  g_autoptr(GError) error = NULL;
  VsRun *run = vs_run_new (plan);
  Seen seen = { 0 };

  g_signal_connect (run, "finished", G_CALLBACK (on_finished), &seen);
  g_signal_connect (run, "tick", G_CALLBACK (on_tick), &seen);
  g_assert_true (vs_run_start (run, &error));
  g_assert_no_error (error);
  while (!seen.finished)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (run, &seen);
  return run;
}

static VsPlan *
delay_plan (guint delay_ms)
{
  g_autofree char *path = g_strdup_printf ("/delay/%u", delay_ms);
  g_autofree char *url = vs_test_server_url (server, path);
  VsPlan *plan = vs_plan_new ();

  vs_plan_add_target (plan, vs_target_new ("slow", url));
  plan->load.connections = 4;
  plan->load.threads = 1;
  plan->load.duration_us = G_USEC_PER_SEC;
  plan->tick_us = 250 * 1000;
  return plan;
}

static void
add_threshold (GPtrArray  *thresholds,
               const char *expr)
{
  g_ptr_array_add (thresholds, vs_plan_threshold_new (expr));
}

/* A server that answers after 20 ms: its p50 is above 15 ms and below 500 ms (a loaded
 * machine adds, never takes away), and no threshold passes that the figures deny. */
static void
test_run_pass_fail (void)
{
  g_autoptr(VsPlan) plan = delay_plan (20);
  g_autoptr(VsRun) run = NULL;
  g_autoptr(GPtrArray) judged = NULL;
  g_autofree char *failed = NULL;
  VsResults *results;
  guint served_before = vs_test_server_count (server, VS_TEST_PATH_DELAY);
  const VsSloResult *r;

  add_threshold (plan->thresholds, "p50 > 15ms");
  add_threshold (plan->thresholds, "p50 < 500ms");
  add_threshold (plan->thresholds, "p50 < 10ms");
  add_threshold (plan->thresholds, "error_rate < 1%");
  /* 4 connections × 1/20 ms ≤ 200 req/s: never 1000 */
  add_threshold (plan->thresholds, "rps > 1000");
  add_threshold (plan->thresholds, "unsent < 1%");
  run = run_plan (plan);
  results = vs_run_get_results (run);

  /* the figures come from what the server saw */
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_DELAY) - served_before, >=,
                    vs_results_get_target (results, 0)->total->counters.responses);

  judged = vs_slo_evaluate (results, 0);
  g_assert_cmpuint (judged->len, ==, 6);
  r = g_ptr_array_index (judged, 0);
  g_assert_cmpint (r->outcome, ==, VS_THRESHOLD_PASS);
  g_assert_true (g_str_has_prefix (r->explanation, "p50 > 15ms: passed (p50 = "));
  r = g_ptr_array_index (judged, 1);
  g_assert_cmpint (r->outcome, ==, VS_THRESHOLD_PASS);
  r = g_ptr_array_index (judged, 2);
  g_assert_cmpint (r->outcome, ==, VS_THRESHOLD_FAIL);
  g_assert_true (g_str_has_prefix (r->explanation, "p50 < 10ms: failed (p50 = "));
  r = g_ptr_array_index (judged, 3);
  g_assert_cmpint (r->outcome, ==, VS_THRESHOLD_PASS);
  r = g_ptr_array_index (judged, 4);
  g_assert_cmpint (r->outcome, ==, VS_THRESHOLD_FAIL);
  /* the closed model has no schedule: not measured, which fails */
  r = g_ptr_array_index (judged, 5);
  g_assert_cmpint (r->outcome, ==, VS_THRESHOLD_NOT_MEASURED);

  g_assert_cmpint (vs_slo_verdict (results, 0, &failed), ==, VS_SLO_FAIL);
  g_assert_cmpstr (failed, ==, "p50 < 10ms; rps > 1000; unsent < 1%");
  g_assert_cmpstr (vs_summary_value (results, 0, vs_summary_find_metric ("thresholds")).text,
                   ==, "fail");
  g_assert_null (vs_results_get_stopped_by (results));
}

/* abort_on_fail: a threshold the server cannot keep ends a 20 s run soon after its grace. */
static void
test_run_abort (void)
{
  g_autoptr(VsPlan) plan = delay_plan (20);
  g_autoptr(VsRun) run = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  VsPlanThreshold *threshold = vs_plan_threshold_new ("p50 < 5ms");
  VsResults *results;
  const VsTargetResult *tr;
  gboolean noted = FALSE;

  plan->load.duration_us = 20 * G_USEC_PER_SEC;
  threshold->abort_on_fail = TRUE;
  threshold->grace_us = G_USEC_PER_SEC;
  g_ptr_array_add (plan->thresholds, threshold);
  run = run_plan (plan);
  results = vs_run_get_results (run);
  tr = vs_results_get_target (results, 0);

  g_assert_nonnull (vs_results_get_stopped_by (results));
  g_test_message ("%s", vs_results_get_stopped_by (results));
  g_assert_nonnull (strstr (vs_results_get_stopped_by (results), "p50 < 5ms: failed"));
  /* not before the grace, and long before the end (ticks of 250 ms, generous slack) */
  g_assert_cmpfloat (tr->measured_s, >=, 1.0);
  g_assert_cmpfloat (tr->measured_s, <, 10.0);

  notes = vs_summary_notes (results);
  for (guint i = 0; i < notes->len; i++)
    noted |= ((VsNote *) g_ptr_array_index (notes, i))->kind == VS_NOTE_STOPPED;
  g_assert_true (noted);
}

/* A threshold whose grace is longer than the run never aborts it; judged at the end still. */
static void
test_run_grace (void)
{
  g_autoptr(VsPlan) plan = delay_plan (20);
  g_autoptr(VsRun) run = NULL;
  VsPlanThreshold *threshold = vs_plan_threshold_new ("p50 < 5ms");

  threshold->abort_on_fail = TRUE;
  threshold->grace_us = 30 * G_USEC_PER_SEC;
  g_ptr_array_add (plan->thresholds, threshold);
  run = run_plan (plan);
  g_assert_null (vs_results_get_stopped_by (vs_run_get_results (run)));
  g_assert_cmpint (vs_slo_verdict (vs_run_get_results (run), 0, NULL), ==, VS_SLO_FAIL);
}

/* ---- the command line ------------------------------------------------------------------- */

static int
run_versus (char **out,
            char **err,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("VERSUS_BINARY"));
  va_start (args, err);
  for (const char *arg = va_arg (args, const char *); arg != NULL;
       arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_test_message ("stdout: %s\nstderr: %s", *out, *err);
  return g_subprocess_get_exit_status (process);
}

static GStrv
csv_row (const char *path,
         guint       row,
         const char *column,
         char      **value)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  GStrv cells;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  header = g_strsplit (lines[0], ",", -1);
  cells = g_strsplit (lines[row], ",", -1);
  for (guint i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], column))
      {
        *value = g_strdup (cells[i]);
        return cells;
      }
  g_error ("no column %s", column);
  return NULL;
}

static void
test_cli_exit_status (void)
{
  g_autofree char *url = vs_test_server_url (server, "/delay/20");
  g_autofree char *dir = g_dir_make_tmp ("versus-slo-XXXXXX", NULL);
  g_autofree char *summary = g_build_filename (dir, "summary.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *verdict = NULL, *failed = NULL;
  g_autofree char *json_path = g_build_filename (dir, "result.json", NULL);
  g_auto(GStrv) cells = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *target;

  if (g_getenv ("VERSUS_BINARY") == NULL)
    {
      g_test_skip ("VERSUS_BINARY is not set");
      return;
    }

  /* kept: 0, the table has the row, the line says why */
  g_assert_cmpint (run_versus (&out, &err, "run", "-q", "-d", "1s", "-c", "2", "-t", "1",
                               "--threshold", "p50 > 15ms", "--threshold", "error_rate < 1%",
                               url, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "thresholds "));
  g_assert_nonnull (strstr (out, "p50 > 15ms: passed (p50 = "));
  g_assert_nonnull (strstr (out, "error_rate < 1%: passed (error_rate = 0"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* failed: 3, and the files carry it */
  g_assert_cmpint (run_versus (&out, &err, "run", "-q", "-d", "1s", "-c", "2", "-t", "1",
                               "--threshold", "p50 > 15ms", "--threshold", "p99 < 5ms",
                               "--csv", dir, "--json", json_path, url, NULL), ==, 3);
  g_assert_nonnull (strstr (out, "p99 < 5ms: failed (p99 = "));
  cells = csv_row (summary, 1, "thresholds", &verdict);
  g_assert_cmpstr (verdict, ==, "fail");
  g_clear_pointer (&cells, g_strfreev);
  cells = csv_row (summary, 1, "thresholds_failed", &failed);
  g_assert_cmpstr (failed, ==, "p99 < 5ms");
  json_parser_load_from_file (parser, json_path, &error);
  g_assert_no_error (error);
  target = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                  "targets"), 0);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (target, "summary"), "thresholds"),
                   ==, "fail");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a syntax error: 2, before any load, naming the flag */
  g_assert_cmpint (run_versus (&out, &err, "run", "-q", "-d", "1s", "--threshold", "p99 < 5",
                               url, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--threshold: “p99” is a latency"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* an unreachable target fails its thresholds too, but says more: 1 */
  g_assert_cmpint (run_versus (&out, &err, "run", "-q", "-d", "300ms", "--threshold",
                               "p99 < 5s", "http://127.0.0.1:1/", NULL), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = vs_test_server_new (NULL);
  g_test_add_func ("/core/slo/plan-thresholds", test_plan_thresholds);
  g_test_add_func ("/engine/slo/pass-fail", test_run_pass_fail);
  g_test_add_func ("/engine/slo/abort", test_run_abort);
  g_test_add_func ("/engine/slo/grace", test_run_grace);
  g_test_add_func ("/engine/slo/cli-exit-status", test_cli_exit_status);
  status = g_test_run ();
  vs_test_server_free (server);
  return status;
}
