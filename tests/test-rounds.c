/* test-rounds.c: mode rounds — plan and flags, the trials' order, per-trial figures held against
 * the test server's own log, and the verdicts on servers whose difference is known */
#include <glib-object.h>
#include <glib/gstdio.h>

#include <math.h>
#include <string.h>

#include "vs-cli-options.h"
#include "vs-cli-summary.h"
#include <json-glib/json-glib.h>

#include "vs-error.h"
#include "vs-export.h"
#include "vs-rounds.h"
#include "vs-run.h"
#include "vs-summary.h"
#include "vs-test-server.h"

/* ---- plan and flags --------------------------------------------------------------------- */

static const char *rounds_plan =
  "{\"version\":1,\"targets\":[{\"name\":\"a\",\"url\":\"http://127.0.0.1:1/\"},"
  "{\"name\":\"b\",\"url\":\"http://127.0.0.1:2/\"}],\"mode\":\"rounds\",\"rounds\":8,"
  "\"rounds_seed\":42}";

static void
test_plan (void)
{
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsPlan) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  plan = vs_plan_load_from_data (rounds_plan, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->mode, ==, VS_MODE_ROUNDS);
  g_assert_cmpuint (plan->rounds, ==, 8);
  g_assert_true (plan->rounds_seed_set);
  g_assert_cmpuint (plan->rounds_seed, ==, 42);
  g_assert_true (vs_plan_validate (plan, &error));
  g_assert_no_error (error);

  /* saved and loaded again, and copied: the same */
  json = vs_plan_to_json (plan);
  again = vs_plan_load_from_data (json, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->mode, ==, VS_MODE_ROUNDS);
  g_assert_cmpuint (again->rounds, ==, 8);
  g_assert_true (again->rounds_seed_set);
  g_assert_cmpuint (again->rounds_seed, ==, 42);
  g_clear_pointer (&again, vs_plan_unref);
  again = vs_plan_copy (plan);
  g_assert_cmpuint (again->rounds, ==, 8);
  g_assert_cmpuint (again->rounds_seed, ==, 42);
  g_assert_true (again->rounds_seed_set);
}

/* Each bad plan fails with the field's path at the start of the message. */
static void
test_plan_invalid (void)
{
  static const struct { const char *members; const char *message; } cases[] = {
    { "\"mode\":\"rounds\"", "rounds: mode rounds needs a number of rounds" },
    { "\"mode\":\"rounds\",\"rounds\":0", "rounds: mode rounds needs a number of rounds" },
    { "\"mode\":\"rounds\",\"rounds\":10001", "rounds: 10001 is out of range; use 1 to 10000" },
    { "\"mode\":\"rounds\",\"rounds\":-2", "rounds: expected a whole number" },
    { "\"mode\":\"rounds\",\"rounds\":2.5", "rounds: expected a whole number" },
    { "\"mode\":\"rounds\",\"rounds\":\"8\"", "rounds: expected a whole number" },
    { "\"rounds\":8", "rounds: only mode rounds has rounds" },
    { "\"mode\":\"sequential\",\"rounds\":8", "rounds: only mode rounds has rounds" },
    { "\"mode\":\"rounds\",\"rounds\":3,\"rounds_seed\":-1", "rounds_seed: expected a whole" },
    { "\"mode\":\"rounds\",\"rounds\":3,\"rounds_seed\":\"x\"", "rounds_seed: expected a whole" },
    { "\"rounds_seed\":5", "rounds_seed: only mode rounds shuffles its trials" },
    { "\"mode\":\"round\"", "mode: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"version\":1,\"targets\":[{\"name\":\"a\",\"url\":"
                         "\"http://127.0.0.1:1/\"}],%s}", cases[i].members);
      g_autoptr(GError) error = NULL;
      g_autoptr(VsPlan) plan = vs_plan_load_from_data (json, -1, NULL, &error);

      if (plan != NULL)
        g_assert_false (vs_plan_validate (plan, &error));
      g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
      if (!g_str_has_prefix (error->message, cases[i].message))
        g_error ("%s: “%s” does not start with “%s”", json, error->message, cases[i].message);
    }
}

static gboolean
parse (const char  *command,
       VsCliOptions *options,
       GError      **error)
{
  g_auto(GStrv) argv = g_strsplit (command, " ", -1);

  return vs_cli_options_parse (options, g_strv_length (argv), argv, error);
}

static void
test_flags (void)
{
  static const struct { const char *command; const char *message; } bad[] = {
    { "run http://127.0.0.1:1/ --rounds 0", "rounds: mode rounds needs a number of rounds" },
    { "run http://127.0.0.1:1/ --rounds x", "--rounds: expected a whole number" },
    { "run http://127.0.0.1:1/ --rounds 3 --mode parallel", "--rounds: --rounds runs mode" },
    { "run http://127.0.0.1:1/ --rounds-seed 3", "--rounds-seed: only mode rounds" },
    { "run http://127.0.0.1:1/ --rounds 3 --rounds-seed -3", "--rounds-seed: expected a whole" },
    { "run http://127.0.0.1:1/ --mode rounds", "rounds: mode rounds needs a number of rounds" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-rounds-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "plan.json", NULL);
  g_autofree char *command = NULL;

  {
    g_auto(VsCliOptions) options = { 0 };

    g_assert_true (parse ("run http://127.0.0.1:1/ http://127.0.0.1:2/ --rounds 6 "
                          "--rounds-seed 18446744073709551615", &options, &error));
    g_assert_no_error (error);
    g_assert_cmpint (options.plan->mode, ==, VS_MODE_ROUNDS);
    g_assert_cmpuint (options.plan->rounds, ==, 6);
    g_assert_true (options.plan->rounds_seed_set);
    g_assert_cmpuint (options.plan->rounds_seed, ==, G_MAXUINT64);
  }
  {
    g_auto(VsCliOptions) options = { 0 };

    g_assert_true (parse ("run http://127.0.0.1:1/ --mode rounds --rounds 2", &options, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (options.plan->rounds, ==, 2);
    g_assert_false (options.plan->rounds_seed_set);
  }

  /* a plan file's rounds: kept, overridden by --rounds, dropped by another --mode */
  g_assert_true (g_file_set_contents (path, rounds_plan, -1, &error));
  command = g_strdup_printf ("run --plan %s", path);
  {
    g_auto(VsCliOptions) options = { 0 };
    g_autofree char *line = g_strconcat (command, " --rounds 3", NULL);

    g_assert_true (parse (line, &options, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (options.plan->rounds, ==, 3);
    g_assert_cmpuint (options.plan->rounds_seed, ==, 42);
  }
  {
    g_auto(VsCliOptions) options = { 0 };
    g_autofree char *line = g_strconcat (command, " --mode sequential", NULL);

    g_assert_true (parse (line, &options, &error));
    g_assert_no_error (error);
    g_assert_cmpint (options.plan->mode, ==, VS_MODE_SEQUENTIAL);
    g_assert_cmpuint (options.plan->rounds, ==, 0);
    g_assert_false (options.plan->rounds_seed_set);
  }
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(VsCliOptions) options = { 0 };
      g_autoptr(GError) local_error = NULL;

      g_assert_false (parse (bad[i].command, &options, &local_error));
      g_assert_error (local_error, VS_ERROR, VS_ERROR_INVALID);
      if (!g_str_has_prefix (local_error->message, bad[i].message))
        g_error ("%s: “%s” does not start with “%s”", bad[i].command, local_error->message,
                 bad[i].message);
    }
}

/* ---- the order -------------------------------------------------------------------------- */

/* The same seed gives the same order, each round a permutation, every target once; the rows are
 * those an independent implementation of splitmix64 and Fisher–Yates gives (Python, in the
 * comment below), so the order is reproducible outside Versus too. */
static void
test_order (void)
{
  /* M = 2**64 - 1
   * def order(seed, rounds, n):
   *   s = seed; out = []
   *   for r in range(rounds):
   *     row = list(range(n))
   *     for i in range(n, 1, -1):
   *       s = (s + 0x9e3779b97f4a7c15) & M; z = s
   *       z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
   *       z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M; z ^= z >> 31
   *       j = ((z >> 32) * i) >> 32; row[i-1], row[j] = row[j], row[i-1]
   *     out.append(row)
   *   return out */
  static const guint seed42[4][3] = { { 1, 0, 2 }, { 1, 2, 0 }, { 2, 1, 0 }, { 2, 1, 0 } };
  static const guint seed7[3][5] = { { 3, 4, 2, 0, 1 }, { 4, 3, 1, 0, 2 }, { 2, 3, 4, 1, 0 } };
  g_autofree guint *a = vs_rounds_order (42, 4, 3);
  g_autofree guint *b = vs_rounds_order (7, 3, 5);
  g_autofree guint *many = vs_rounds_order (1, 200, 3);
  g_autofree guint *again = vs_rounds_order (1, 200, 3);
  g_autofree guint *other = vs_rounds_order (2, 200, 3);
  guint seen[6] = { 0 };

  g_assert_cmpmem (a, sizeof seed42, seed42, sizeof seed42);
  g_assert_cmpmem (b, sizeof seed7, seed7, sizeof seed7);
  g_assert_cmpmem (many, 600 * sizeof (guint), again, 600 * sizeof (guint));
  g_assert_true (memcmp (many, other, 600 * sizeof (guint)) != 0);

  for (guint r = 0; r < 200; r++)
    {
      const guint *row = many + r * 3;
      guint mask = (1u << row[0]) | (1u << row[1]) | (1u << row[2]);

      g_assert_cmpuint (mask, ==, 7);  /* every target once */
      /* which of the 6 orders: the first two determine it */
      seen[row[0] * 2 + (row[1] > row[0] ? row[1] - 1 : row[1])]++;
    }
  /* shuffled: every order occurs, none far from 200 / 6 = 33 */
  for (guint i = 0; i < 6; i++)
    g_assert_cmpuint (seen[i], >, 15);
}

/* ---- runs ------------------------------------------------------------------------------- */

static void
on_finished (VsRun    *run,
             gboolean *finished)
{
  *finished = TRUE;
}

static VsResults *
run_plan (VsPlan *plan)
{
  g_autoptr(VsRun) run = vs_run_new (plan);
  g_autoptr(GError) error = NULL;
  gboolean finished = FALSE;

  g_signal_connect (run, "finished", G_CALLBACK (on_finished), &finished);
  g_assert_true (vs_run_start (run, &error));
  g_assert_no_error (error);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (vs_run_get_error (run));
  return g_object_ref (vs_run_get_results (run));
}

static guint64
rows_requests (const VsTargetResult *target)
{
  guint64 sum = 0;

  for (guint i = 0; i < target->intervals->len; i++)
    sum += g_array_index (target->intervals, VsInterval, i).counters.requests;
  return sum;
}

/* The server's log once it holds @total answers: a client can read the last response a moment
 * before the server's thread has noted it written, so the log is given up to two seconds to
 * catch up (and then compared exactly, whatever it holds). */
static GArray *
settled_segments (VsTestServer *server,
                  guint64       total)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  for (;;)
    {
      GArray *segments = vs_test_server_segments (server);
      guint64 sum = 0;

      for (guint i = 0; i < segments->len; i++)
        sum += g_array_index (segments, VsTestSegment, i).count;
      if (sum >= total || g_get_monotonic_time () > deadline)
        return segments;
      g_array_unref (segments);
      g_usleep (10 * 1000);
    }
}

static guint64
all_requests (VsResults *results)
{
  guint64 sum = 0;

  for (guint t = 0; t < vs_results_get_n_targets (results); t++)
    sum += rows_requests (vs_results_get_target (results, t));
  return sum;
}

/* The runs the server's log must show for these trials: a trial's answers, with those of the
 * next trial when it loads the same path (the last of one round and the first of the next). */
static GArray *
expected_segments (VsResults        *results,
                   const VsTestPath *paths)
{
  GArray *segments = g_array_new (FALSE, FALSE, sizeof (VsTestSegment));
  guint n_targets = vs_results_get_n_targets (results);

  for (guint r = 1; r <= vs_results_get_n_rounds (results); r++)
    for (guint k = 0; k < n_targets; k++)
      {
        guint t = vs_results_get_round_order (results, r)[k];
        const VsTargetResult *trial = vs_results_get_target (vs_results_get_round (results, r), t);
        VsTestSegment *last = segments->len > 0 ? &g_array_index (segments, VsTestSegment,
                                                                  segments->len - 1) : NULL;

        if (rows_requests (trial) == 0)
          continue;  /* starved for all of its time (see below): no trace at the server either */
        if (last != NULL && last->path == paths[t])
          last->count += rows_requests (trial);
        else
          g_array_append_val (segments, ((VsTestSegment) { paths[t], rows_requests (trial) }));
      }
  return segments;
}

static void
assert_segments (GArray *seen,
                 GArray *expected)
{
  g_autoptr(GString) log = g_string_new ("server:");

  for (guint i = 0; i < seen->len; i++)
    g_string_append_printf (log, " %d×%u", g_array_index (seen, VsTestSegment, i).path,
                            g_array_index (seen, VsTestSegment, i).count);
  g_string_append (log, "; trials:");
  for (guint i = 0; i < expected->len; i++)
    g_string_append_printf (log, " %d×%u", g_array_index (expected, VsTestSegment, i).path,
                            g_array_index (expected, VsTestSegment, i).count);
  g_test_message ("%s", log->str);
  g_assert_cmpuint (seen->len, ==, expected->len);
  for (guint i = 0; i < seen->len; i++)
    {
      g_assert_cmpint (g_array_index (seen, VsTestSegment, i).path, ==,
                       g_array_index (expected, VsTestSegment, i).path);
      g_assert_cmpuint (g_array_index (seen, VsTestSegment, i).count, ==,
                        g_array_index (expected, VsTestSegment, i).count);
    }
}

/* Three targets on one server, each its own path: the server's log of answers, run by run, is
 * the trials in the order the seed gives, and each trial's requests (warm-up and measured, all
 * its rows) are exactly what the server answered in that run. The whole-run figures are all
 * trials together, and each interval carries its round. */
static void
test_run_order_and_counts (void)
{
  static const VsTestPath paths[] = { VS_TEST_PATH_OK, VS_TEST_PATH_STATUS, VS_TEST_PATH_DELAY };
  static const char * const urls[] = { "/ok", "/status/200", "/delay/0" };
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  g_autoptr(GArray) segments = NULL;
  g_autofree guint *expected = NULL;
  const guint n_rounds = 3, n_targets = 3;

  for (guint t = 0; t < n_targets; t++)
    {
      g_autofree char *url = vs_test_server_url (server, urls[t]);
      g_autofree char *name = g_strdup_printf ("t%u", t);

      vs_plan_add_target (plan, vs_target_new (name, url));
    }
  plan->mode = VS_MODE_ROUNDS;
  plan->rounds = n_rounds;
  plan->rounds_seed = 42;
  plan->rounds_seed_set = TRUE;
  plan->load.connections = 2;
  plan->load.threads = 1;
  plan->load.duration_us = 250 * 1000;
  plan->load.warmup_us = 100 * 1000;
  plan->tick_us = 100 * 1000;

  results = run_plan (plan);
  segments = settled_segments (server, all_requests (results));
  expected = vs_rounds_order (42, n_rounds, n_targets);

  g_assert_cmpuint (vs_results_get_n_rounds (results), ==, n_rounds);
  g_assert_cmpuint (vs_results_get_rounds_seed (results), ==, 42);
  {
    g_autoptr(GArray) expect = expected_segments (results, paths);

    assert_segments (segments, expect);
  }
  for (guint r = 1; r <= n_rounds; r++)
    {
      const guint *order = vs_results_get_round_order (results, r);
      VsResults *trials = vs_results_get_round (results, r);

      g_assert_cmpmem (order, n_targets * sizeof (guint),
                       expected + (r - 1) * n_targets, n_targets * sizeof (guint));
      for (guint k = 0; k < n_targets; k++)
        {
          const VsTargetResult *trial = vs_results_get_target (trials, order[k]);

          g_assert_true (trial->finished);
          g_assert_false (trial->stopped);
          g_assert_cmpuint (vs_counters_errors (&trial->total->counters), ==, 0);
          for (guint i = 0; i < trial->intervals->len; i++)
            g_assert_cmpuint (g_array_index (trial->intervals, VsInterval, i).round, ==, r);
        }
    }

  for (guint t = 0; t < n_targets; t++)
    {
      const VsTargetResult *whole = vs_results_get_target (results, t);
      guint64 measured = 0, all = 0;
      double measured_s = 0, last_end = 0;
      guint last_round = 0;

      for (guint r = 1; r <= n_rounds; r++)
        {
          const VsTargetResult *trial = vs_results_get_target (vs_results_get_round (results, r),
                                                               t);

          measured += trial->total->counters.requests;
          measured_s += trial->measured_s;
          all += rows_requests (trial);
        }
      /* Some trial of each target sent requests. Not every one must: under the sanitizer
       * beside the other engine tests (load average 17 on 2 cores) a trial of 350 ms was seen
       * to finish none, its worker never scheduled in time; the server then saw none of it. */
      g_assert_cmpuint (all, >, 0);
      g_assert_cmpuint (whole->total->counters.requests, ==, measured);
      g_assert_cmpuint (rows_requests (whole), ==, all);
      g_assert_cmpuint (vs_test_server_count (server, paths[t]), ==, all);
      g_assert_cmpfloat_with_epsilon (whole->measured_s, measured_s, 1e-9);
      g_assert_true (whole->finished);
      /* one time line: the trials follow each other, rounds in order */
      for (guint i = 0; i < whole->intervals->len; i++)
        {
          const VsInterval *interval = &g_array_index (whole->intervals, VsInterval, i);

          g_assert_cmpuint (interval->round, >=, last_round);
          g_assert_cmpfloat (interval->start_s, >=, last_end - 1e-9);
          last_round = interval->round;
          last_end = interval->end_s;
        }
      g_assert_cmpuint (last_round, ==, n_rounds);
    }
}

typedef gboolean (*Export) (VsResults *results, GOutputStream *stream, GError **error);

static char *
export_text (VsResults *results,
             Export     export)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (export (results, stream, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (stream, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (stream, NULL, NULL));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (stream));
}

static int
column_of (GStrv        header,
           const char  *name)
{
  for (guint i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], name))
      return (int) i;
  g_error ("no column %s", name);
  return -1;
}

/* summary.csv: the whole-run rows (round empty), then one row per target per round with that
 * trial's own count; timeseries.csv: every row with its round; the JSON: the seed, the order
 * and every trial. */
static void
check_exports (VsResults *results,
               guint64    per_trial)
{
  guint n_rounds = vs_results_get_n_rounds (results);
  guint n_targets = vs_results_get_n_targets (results);
  g_autofree char *summary = export_text (results, vs_export_summary_csv);
  g_autofree char *timeseries = export_text (results, vs_export_timeseries_csv);
  g_autofree char *json = export_text (results, vs_export_json);
  g_auto(GStrv) lines = g_strsplit (summary, "\n", -1);
  g_auto(GStrv) header = g_strsplit (lines[0], ",", -1);
  g_auto(GStrv) ts_lines = g_strsplit (timeseries, "\n", -1);
  g_auto(GStrv) ts_header = g_strsplit (ts_lines[0], ",", -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  int round_column = column_of (header, "round");
  int requests_column = column_of (header, "requests");
  int target_column = column_of (header, "target");
  int ts_round = column_of (ts_header, "round");
  guint ts_rows = 0, intervals = 0;
  JsonObject *rounds;
  JsonArray *trials;

  /* header, whole-run rows, trial rows, and the empty string after the last line end */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + n_targets + n_rounds * n_targets + 1);
  for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);
      guint t = (i - 1) % n_targets;
      const VsTargetResult *target = vs_results_get_target (results, t);

      g_assert_cmpuint (g_strv_length (fields), ==, g_strv_length (header));
      g_assert_cmpstr (fields[target_column], ==, target->target->name);
      if (i <= n_targets)
        {
          g_assert_cmpstr (fields[round_column], ==, "");
          g_assert_cmpuint (g_ascii_strtoull (fields[requests_column], NULL, 10), ==,
                            target->total->counters.requests);
        }
      else
        {
          guint round = (i - 1 - n_targets) / n_targets + 1;
          g_autofree char *expected = g_strdup_printf ("%u", round);

          g_assert_cmpstr (fields[round_column], ==, expected);
          g_assert_cmpuint (g_ascii_strtoull (fields[requests_column], NULL, 10), ==, per_trial);
        }
    }

  for (guint i = 1; ts_lines[i] != NULL && *ts_lines[i] != '\0'; i++)
    {
      g_auto(GStrv) fields = g_strsplit (ts_lines[i], ",", -1);
      guint64 round = g_ascii_strtoull (fields[ts_round], NULL, 10);

      g_assert_cmpuint (round, >=, 1);
      g_assert_cmpuint (round, <=, n_rounds);
      ts_rows++;
    }
  for (guint t = 0; t < n_targets; t++)
    intervals += vs_results_get_target (results, t)->intervals->len;
  g_assert_cmpuint (ts_rows, ==, intervals);

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  rounds = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                          "rounds");
  g_assert_nonnull (rounds);
  g_assert_cmpint (json_object_get_int_member (rounds, "count"), ==, n_rounds);
  g_assert_cmpuint (json_object_get_int_member (rounds, "seed"), ==,
                    vs_results_get_rounds_seed (results));
  trials = json_object_get_array_member (rounds, "trials");
  g_assert_cmpuint (json_array_get_length (trials), ==, n_rounds * n_targets);
  for (guint i = 0; i < json_array_get_length (trials); i++)
    {
      JsonObject *trial = json_array_get_object_element (trials, i);
      guint round = i / n_targets + 1;
      guint target = vs_results_get_round_order (results, round)[i % n_targets];
      JsonArray *order = json_array_get_array_element (json_object_get_array_member (rounds,
                                                                                     "order"),
                                                       round - 1);

      g_assert_cmpint (json_object_get_int_member (trial, "round"), ==, round);
      g_assert_cmpstr (json_object_get_string_member (trial, "target"), ==,
                       vs_results_get_target (results, target)->target->name);
      g_assert_cmpstr (json_array_get_string_element (order, i % n_targets), ==,
                       vs_results_get_target (results, target)->target->name);
      g_assert_true (json_object_get_boolean_member (trial, "complete"));
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (trial,
                                                                                  "summary"),
                                                   "requests"), ==, per_trial);
    }
}

/* Without a seed a fresh one is drawn and recorded, and it is the one the order came from; a
 * run by request count gives every trial exactly its count. */
static void
test_run_fresh_seed (void)
{
  static const VsTestPath paths[] = { VS_TEST_PATH_OK, VS_TEST_PATH_STATUS };
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  g_autoptr(GArray) segments = NULL;
  g_autofree char *ok = vs_test_server_url (server, "/ok");
  g_autofree char *status = vs_test_server_url (server, "/status/200");
  g_autofree guint *expected = NULL;

  vs_plan_add_target (plan, vs_target_new ("ok", ok));
  vs_plan_add_target (plan, vs_target_new ("status", status));
  plan->mode = VS_MODE_ROUNDS;
  plan->rounds = 4;
  plan->load.connections = 2;
  plan->load.threads = 1;
  plan->load.duration_us = 0;
  plan->load.requests = 30;
  plan->tick_us = 100 * 1000;

  results = run_plan (plan);
  expected = vs_rounds_order (vs_results_get_rounds_seed (results), 4, 2);
  segments = settled_segments (server, all_requests (results));
  {
    g_autoptr(GArray) expect = expected_segments (results, paths);

    assert_segments (segments, expect);
  }
  for (guint r = 1; r <= 4; r++)
    {
      const guint *order = vs_results_get_round_order (results, r);

      g_assert_cmpmem (order, 2 * sizeof (guint), expected + (r - 1) * 2, 2 * sizeof (guint));
      for (guint k = 0; k < 2; k++)
        {
          const VsTargetResult *trial = vs_results_get_target (vs_results_get_round (results, r),
                                                               order[k]);

          g_assert_cmpuint (trial->total->counters.requests, ==, 30);
          g_assert_cmpuint (rows_requests (trial), ==, 30);
        }
    }
  g_assert_cmpuint (vs_results_get_target (results, 0)->total->counters.requests, ==, 120);

  check_exports (results, 30);
}

static const VsCompared *
compared_by_id (const char *id)
{
  for (guint c = 0; c < vs_rounds_get_n_compared (); c++)
    if (g_str_equal (vs_rounds_get_compared (c)->id, id))
      return vs_rounds_get_compared (c);
  g_error ("no compared figure %s", id);
  return NULL;
}

typedef struct
{
  VsRun    *run;
  gboolean  stop_sent;
} Stopper;

/* Stops the run at the first tick of round 2. */
static void
stop_in_round_two (VsRun   *run,
                   Stopper *stopper)
{
  VsResults *results = vs_run_get_results (run);
  VsResults *round_two = vs_results_get_round (results, 2);

  for (guint t = 0; t < vs_results_get_n_targets (results) && !stopper->stop_sent; t++)
    if (vs_results_get_target (round_two, t)->started)
      {
        vs_run_stop (run);
        stopper->stop_sent = TRUE;
      }
}

/* A run stopped in round 2: the trial it cut short is kept but marked and left out of the
 * figures compared, the trials never run have no rows, and every target that started counts as
 * finished. */
static void
test_run_stopped (void)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ok = vs_test_server_url (server, "/delay/20");
  g_autofree char *status = vs_test_server_url (server, "/delay/20?b");
  g_autofree char *summary = NULL;
  g_auto(GStrv) lines = NULL;
  const VsCompared *rps = compared_by_id ("rps");
  Stopper stopper = { NULL, FALSE };
  gboolean finished = FALSE;
  VsResults *results;
  guint cut = 0, complete = 0;

  vs_plan_add_target (plan, vs_target_new ("ok", ok));
  vs_plan_add_target (plan, vs_target_new ("status", status));
  plan->mode = VS_MODE_ROUNDS;
  plan->rounds = 3;
  plan->load.connections = 2;
  plan->load.threads = 1;
  plan->tick_us = 100 * 1000;
  /* by count: each trial ends by itself, after 30 requests of 20 ms on 2 connections = 0.3 s,
   * three ticks, the first of which stops the first trial of round 2 */
  plan->load.duration_us = 0;
  plan->load.requests = 30;

  run = vs_run_new (plan);
  g_signal_connect (run, "tick", G_CALLBACK (stop_in_round_two), &stopper);
  g_signal_connect (run, "finished", G_CALLBACK (on_finished), &finished);
  g_assert_true (vs_run_start (run, &error));
  g_assert_no_error (error);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (stopper.stop_sent);
  results = vs_run_get_results (run);

  for (guint t = 0; t < 2; t++)
    {
      const VsTargetResult *whole = vs_results_get_target (results, t);

      g_assert_true (whole->started);
      g_assert_true (whole->finished);
      for (guint r = 1; r <= 3; r++)
        {
          const VsTargetResult *trial = vs_results_get_target (vs_results_get_round (results, r),
                                                               t);
          double value = vs_rounds_trial_value (results, r, t, rps);

          if (r == 1)
            g_assert_true (trial->finished && !trial->stopped && isfinite (value));
          if (r == 3)
            g_assert_false (trial->started);
          if (trial->stopped)
            {
              cut++;
              g_assert_false (isfinite (value));
            }
          else if (trial->finished)
            {
              complete++;
              g_assert_true (isfinite (value));
            }
        }
    }
  /* round 1 whole, and round 2's first trial cut in its first tick */
  g_assert_cmpuint (cut, ==, 1);
  g_assert_cmpuint (complete, ==, 2);

  summary = export_text (results, vs_export_summary_csv);
  lines = g_strsplit (summary, "\n", -1);
  /* header, 2 whole-run rows, the trials that started, and the end */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 2 + cut + complete + 1);

  {
    g_autofree char *json = export_text (results, vs_export_json);
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *root;
    JsonArray *trials;
    guint incomplete = 0;

    g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
    g_assert_no_error (error);
    root = json_node_get_object (json_parser_get_root (parser));
    trials = json_object_get_array_member (json_object_get_object_member (root, "rounds"),
                                           "trials");
    g_assert_cmpuint (json_array_get_length (trials), ==, cut + complete);
    for (guint i = 0; i < json_array_get_length (trials); i++)
      incomplete += !json_object_get_boolean_member (json_array_get_object_element (trials, i),
                                                     "complete");
    g_assert_cmpuint (incomplete, ==, 1);
  }
}

/* ---- verdicts ---------------------------------------------------------------------------- */

/* Two targets, each on a server of its own, in mode rounds. */
static VsResults *
run_two (const char *first_path,
         const char *second_path,
         guint       rounds)
{
  g_autoptr(VsTestServer) one = vs_test_server_new (NULL);
  g_autoptr(VsTestServer) two = vs_test_server_new (NULL);
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autofree char *url_one = vs_test_server_url (one, first_path);
  g_autofree char *url_two = vs_test_server_url (two, second_path);

  vs_plan_add_target (plan, vs_target_new ("first", url_one));
  vs_plan_add_target (plan, vs_target_new ("second", url_two));
  plan->mode = VS_MODE_ROUNDS;
  plan->rounds = rounds;
  plan->load.connections = 2;
  plan->load.threads = 1;
  plan->load.duration_us = 200 * 1000;
  plan->load.warmup_us = 50 * 1000;
  plan->tick_us = 100 * 1000;
  return run_plan (plan);
}

/* The whole-run row of @target in summary.csv carries the verdict's numbers as printed. */
static void
assert_csv_verdict (VsResults       *results,
                    guint            target,
                    const char      *id,
                    const VsVerdict *verdict)
{
  g_autofree char *summary = export_text (results, vs_export_summary_csv);
  g_auto(GStrv) lines = g_strsplit (summary, "\n", -1);
  g_auto(GStrv) header = g_strsplit (lines[0], ",", -1);
  g_auto(GStrv) first = g_strsplit (lines[1], ",", -1);
  g_auto(GStrv) row = g_strsplit (lines[1 + target], ",", -1);
  g_autofree char *ratio = g_strconcat (id, "_ratio", NULL);
  g_autofree char *low = g_strconcat (id, "_ratio_ci_low", NULL);
  g_autofree char *high = g_strconcat (id, "_ratio_ci_high", NULL);
  g_autofree char *p = g_strconcat (id, "_p_value", NULL);
  const char * const columns[] = { ratio, low, high, p };
  const double values[] = { verdict->ratio, verdict->ci_low, verdict->ci_high,
                            verdict->p_value };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      char expected[G_ASCII_DTOSTR_BUF_SIZE] = "";

      /* not computed: an empty field */
      if (isfinite (values[i]))
        g_ascii_formatd (expected, sizeof expected, "%.4g", values[i]);
      g_assert_cmpstr (row[column_of (header, columns[i])], ==, expected);
      /* the first target is the baseline: nothing to compare */
      g_assert_cmpstr (first[column_of (header, columns[i])], ==, "");
    }
}

/* The trials' figures, for the log. */
static void
log_trials (VsResults        *results,
            const VsCompared *compared)
{
  for (guint t = 0; t < vs_results_get_n_targets (results); t++)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint r = 1; r <= vs_results_get_n_rounds (results); r++)
        {
          const VsTargetResult *trial = vs_results_get_target (vs_results_get_round (results, r),
                                                               t);

          g_string_append_printf (line, " %.1f (%" G_GUINT64_FORMAT " in %.3f s)",
                                  vs_rounds_trial_value (results, r, t, compared),
                                  trial->total->counters.requests, trial->measured_s);
        }
      g_test_message ("%s:%s", vs_results_get_target (results, t)->target->name, line->str);
    }
}

/* Two identical servers: the interval of the throughput ratio contains 1 and the verdict is
 * "no clear difference". By design a verdict calls a difference between identical servers in
 * at most α = 5 % of runs (p < 0.05 and an interval without 1 both by chance), so the test
 * allows three attempts: a verdict that is right fails it once in 8,000 runs, one biased
 * towards differences almost always. */
static void
test_identical (void)
{
  const VsCompared *rps = compared_by_id ("rps");
  gboolean clear = TRUE;

  for (guint attempt = 0; attempt < 3 && clear; attempt++)
    {
      g_autoptr(VsResults) results = run_two ("/ok", "/ok", 8);
      g_autofree char *text = NULL;
      g_autofree char *table = NULL;
      VsVerdict verdict;

      g_assert_true (vs_rounds_verdict (results, 1, rps, &verdict));
      g_assert_cmpuint (verdict.n_baseline, ==, 8);
      g_assert_cmpuint (verdict.n_other, ==, 8);
      g_assert_cmpuint (verdict.resamples, ==, 10000);
      g_assert_cmpuint (verdict.seed, ==, vs_results_get_rounds_seed (results));
      text = vs_rounds_verdict_text (results, 1, rps, &verdict, VS_FORMAT_C);
      g_test_message ("attempt %u: %s (ratio %.3f, CI %.3f–%.3f)", attempt + 1, text,
                      verdict.ratio, verdict.ci_low, verdict.ci_high);
      clear = !(verdict.ci_low <= 1.0 && verdict.ci_high >= 1.0 &&
                verdict.kind == VS_VERDICT_NO_DIFFERENCE);
      if (clear)
        continue;

      g_assert_true (g_str_has_prefix (text, "second: no clear difference from first "
                                             "throughput (p = "));
      g_assert_true (g_str_has_suffix (text, ", n = 8+8)"));
      assert_csv_verdict (results, 1, "rps", &verdict);
      table = vs_cli_summary_render (results);
      g_assert_nonnull (strstr (table, "B/A 95 % CI"));
      g_assert_nonnull (strstr (table, text));
    }
  g_assert_false (clear);
}

/* A server that answers every request 50 ms late, against one that answers at once: with two
 * connections it cannot pass 2 / 50 ms = 40 requests/s, and every latency is at least 50 ms,
 * so the throughput interval lies below 1, the p50 interval above, and both are clear (6 rounds
 * that never overlap give p = 2 / C(12, 6) = 0.0022). The fast server's trials are far above
 * that even where the machine starves them: under the sanitizer with the other engine tests
 * beside it (load average 17 on 2 cores) they were seen to fall from 6,600 to 118 req/s, below
 * what a 5 ms delay allows, never below 100. */
static void
test_delayed (void)
{
  g_autoptr(VsResults) results = run_two ("/ok", "/delay/50", 6);
  const VsCompared *rps = compared_by_id ("rps");
  const VsCompared *p50 = compared_by_id ("p50");
  g_autofree char *text = NULL;
  g_autofree char *table = NULL;
  VsVerdict verdict;

  g_assert_true (vs_rounds_verdict (results, 1, rps, &verdict));
  text = vs_rounds_verdict_text (results, 1, rps, &verdict, VS_FORMAT_C);
  g_test_message ("%s", text);
  log_trials (results, rps);
  g_assert_cmpint (verdict.kind, ==, VS_VERDICT_WORSE);
  g_assert_cmpfloat (verdict.ci_high, <, 1.0);
  /* (a quarter of slack: the 200 ms measured phase holds up to 4 sends per connection, and
   * its measured length can come out a tick's jitter short of 200 ms) */
  g_assert_cmpfloat (verdict.median_other, <=, 1.25 * 2 / 0.050);
  g_assert_cmpfloat (verdict.p_value, <, 0.05);
  g_assert_true (g_str_has_prefix (text, "second: "));
  g_assert_nonnull (strstr (text, "× first throughput (95 % CI "));
  g_assert_true (g_str_has_suffix (text, ", n = 6+6)"));
  assert_csv_verdict (results, 1, "rps", &verdict);
  table = vs_cli_summary_render (results);
  g_assert_nonnull (strstr (table, text));

  g_assert_true (vs_rounds_verdict (results, 1, p50, &verdict));
  g_clear_pointer (&text, g_free);
  text = vs_rounds_verdict_text (results, 1, p50, &verdict, VS_FORMAT_C);
  g_test_message ("%s", text);
  g_assert_cmpint (verdict.kind, ==, VS_VERDICT_WORSE);
  g_assert_cmpfloat (verdict.ci_low, >, 1.0);
  g_assert_cmpfloat (verdict.median_other, >=, 50000);  /* µs: the server's own delay */
  assert_csv_verdict (results, 1, "p50", &verdict);
}

/* Fewer than 4 trials per target: no number, but how many rounds are needed; and the files
 * leave the verdict columns empty. */
static void
test_too_few (void)
{
  g_autoptr(VsResults) results = run_two ("/ok", "/ok", 3);
  const VsCompared *rps = compared_by_id ("rps");
  g_autofree char *text = NULL;
  g_autofree char *table = NULL;
  VsVerdict verdict;

  g_assert_true (vs_rounds_verdict (results, 1, rps, &verdict));
  g_assert_cmpint (verdict.kind, ==, VS_VERDICT_NOT_COMPUTED);
  text = vs_rounds_verdict_text (results, 1, rps, &verdict, VS_FORMAT_C);
  g_assert_cmpstr (text, ==, "second: need ≥ 4 rounds for a confidence interval (n = 3+3)");
  table = vs_cli_summary_render (results);
  g_assert_nonnull (strstr (table, text));
  /* said once for the target, not once per figure */
  g_assert_null (strstr (strstr (table, text) + 1, text));
  g_assert_false (isfinite (verdict.ci_low));
  g_assert_false (isfinite (verdict.p_value));
  /* the ratio of 3 medians is there; the interval and p are empty fields, never "nan" */
  g_assert_true (isfinite (verdict.ratio));
  assert_csv_verdict (results, 1, "rps", &verdict);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/rounds/plan", test_plan);
  g_test_add_func ("/engine/rounds/plan-invalid", test_plan_invalid);
  g_test_add_func ("/engine/rounds/flags", test_flags);
  g_test_add_func ("/engine/rounds/order", test_order);
  g_test_add_func ("/engine/rounds/run-order-and-counts", test_run_order_and_counts);
  g_test_add_func ("/engine/rounds/run-fresh-seed", test_run_fresh_seed);
  g_test_add_func ("/engine/rounds/run-stopped", test_run_stopped);
  g_test_add_func ("/engine/rounds/verdict-identical", test_identical);
  g_test_add_func ("/engine/rounds/verdict-delayed", test_delayed);
  g_test_add_func ("/engine/rounds/verdict-too-few", test_too_few);

  return g_test_run ();
}
