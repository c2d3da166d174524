/* test-managed.c: a run with managed and attached servers (tests/vs-server-script.py on
 * loopback) — started before the load, sampled each tick into the snapshots and the summary's
 * figures, pinned, stopped with nothing left; the failures that fail one target and let the
 * others go on; the command line's consent (issue 11) */
#include <glib.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vs-error.h"
#include "vs-export.h"
#include "vs-merge.h"
#include "vs-run.h"
#include "vs-script-server.h"
#include "vs-summary.h"

/* --- helpers --------------------------------------------------------------------------------- */

static VsPlan *
plan_of (const char *targets,
         const char *more)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json =
    g_strdup_printf ("{\"version\": 1, \"engine\": \"native\", \"targets\": [%s],"
                     " \"load\": {\"connections\": 2, \"threads\": 1, \"duration\": \"1500ms\"},"
                     " \"tick\": \"250ms\"%s}", targets, more);
  VsPlan *plan = vs_plan_load_from_data (json, -1, NULL, &error);

  g_assert_no_error (error);
  return plan;
}

typedef struct
{
  VsRun    *run;
  gboolean  finished;
  guint     ticks;
  char     *server_cpus;     /* read back from /proc on a tick */
  char     *worker_cpus;
  pid_t     pid;             /* target 0's server */
} Watch;

static char *
proc_status (const char *path,
             const char *name)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], name) && lines[i][strlen (name)] == ':')
      return g_strstrip (g_strdup (lines[i] + strlen (name) + 1));
  return NULL;
}

/* The affinity of this process's thread named vs-worker-0, as the kernel has it. */
static char *
worker_affinity (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_strdup_printf ("/proc/self/task/%s/comm", tid);
      g_autofree char *status_path = g_strdup_printf ("/proc/self/task/%s/status", tid);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (comm_path, &comm, NULL, NULL) &&
          g_str_has_prefix (comm, "vs-worker-0"))
        return proc_status (status_path, "Cpus_allowed_list");
    }
  return NULL;
}

static void
on_tick (VsRun *run,
         Watch *watch)
{
  VsServerSet *servers = vs_run_get_servers (run);

  watch->ticks++;
  if (watch->server_cpus == NULL && servers != NULL && vs_server_set_get_pid (servers, 0) > 0)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/status",
                                               (int) vs_server_set_get_pid (servers, 0));

      watch->pid = vs_server_set_get_pid (servers, 0);
      watch->server_cpus = proc_status (path, "Cpus_allowed_list");
      watch->worker_cpus = worker_affinity ();
    }
}

static void
on_finished (VsRun *run,
             Watch *watch)
{
  watch->finished = TRUE;
}

static VsRun *
run_plan (VsPlan *plan,
          Watch  *watch)
{
  g_autoptr(GError) error = NULL;
  VsRun *run = vs_run_new (plan);

  memset (watch, 0, sizeof *watch);
  vs_run_set_allow_commands (run, vs_plan_has_commands (plan));
  watch->run = run;
  g_signal_connect (run, "tick", G_CALLBACK (on_tick), watch);
  g_signal_connect (run, "finished", G_CALLBACK (on_finished), watch);
  g_assert_true (vs_run_start (run, &error));
  g_assert_no_error (error);
  while (!watch->finished)
    g_main_context_iteration (NULL, TRUE);
  return run;
}

static void
watch_clear (Watch *watch)
{
  g_free (watch->server_cpus);
  g_free (watch->worker_cpus);
}

static VsMetricValue
value_of (VsResults  *results,
          guint       target,
          const char *id)
{
  const VsMetric *metric = vs_summary_find_metric (id);

  g_assert_nonnull (metric);
  return vs_summary_value (results, target, metric);
}

static gboolean
notes_hold (VsResults  *results,
            VsNoteKind  kind,
            const char *needle)
{
  g_autoptr(GPtrArray) notes = vs_summary_notes (results);

  for (guint i = 0; i < notes->len; i++)
    {
      const VsNote *note = g_ptr_array_index (notes, i);

      if (note->kind == kind && strstr (note->text, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean json_result_holds (VsResults  *results,
                                   const char *needle);

/* --- tests ----------------------------------------------------------------------------------- */

/* Two managed servers in a parallel run: both started before the load, sampled every tick (CPU
 * and memory in every measured row, the figures in the summary), stopped after it with nothing
 * of their process groups left. */
static void
test_parallel (void)
{
  g_autofree char *a = vs_script_server_target ("a", "normal", "", NULL);
  g_autofree char *b = vs_script_server_target ("b", "normal --workers 2", "", NULL);
  g_autofree char *targets = g_strdup_printf ("%s, %s", a, b);
  g_autoptr(VsPlan) plan = plan_of (targets, "");
  g_autoptr(VsRun) run = NULL;
  VsResults *results;
  VsServerSet *servers;
  Watch watch;
  pid_t pids[2];

  run = run_plan (plan, &watch);
  results = vs_run_get_results (run);
  servers = vs_run_get_servers (run);
  g_assert_true (vs_results_get_servers (results) == servers);

  for (guint t = 0; t < 2; t++)
    {
      const VsTargetResult *tr = vs_results_get_target (results, t);
      g_autofree char *failure = vs_server_set_dup_failure (servers, t);
      guint measured_rows = 0;

      g_assert_null (failure);
      pids[t] = vs_server_set_get_pid (servers, t);
      g_assert_cmpint (pids[t], >, 0);
      g_assert_cmpuint (tr->total->counters.responses, >, 0);
      g_assert_cmpuint (tr->total->counters.responses, ==, tr->total->counters.requests);

      for (guint i = 0; i < tr->intervals->len; i++)
        {
          const VsInterval *interval = &g_array_index (tr->intervals, VsInterval, i);

          g_assert_true (interval->server_sampled);
          g_assert_cmpuint (interval->server_memory_bytes, >, 1024 * 1024);
          if (interval->phase == VS_PHASE_MEASURE && !interval->draining)
            measured_rows++;
        }
      g_assert_cmpuint (measured_rows, >=, 3);
      g_assert_cmpuint (tr->server.samples, >=, measured_rows);

      /* a Python server answering a closed loop is busy (how busy depends on what else the
       * machine runs: the figure is checked against a witness in attach-witness) */
      g_assert_cmpfloat (value_of (results, t, "server_cpu_mean_pct").number, >, 0.5);
      g_assert_cmpfloat (value_of (results, t, "server_cpu_peak_pct").number, >=,
                         value_of (results, t, "server_cpu_mean_pct").number);
      g_assert_cmpfloat (value_of (results, t, "server_memory_peak_bytes").number, >=,
                         value_of (results, t, "server_memory_mean_bytes").number);
      g_assert_cmpfloat (value_of (results, t, "server_memory_mean_bytes").number, >,
                         1024 * 1024);
      /* the two figures per request are the same quotient, both ways up */
      g_assert_cmpfloat_with_epsilon (value_of (results, t, "server_cpu_us_per_request").number *
                                        value_of (results, t,
                                                  "requests_per_server_cpu_s").number,
                                      1e6, 1.0);
      g_assert_cmpfloat_with_epsilon (value_of (results, t, "server_cpu_us_per_request").number,
                                      tr->server.cpu_s * 1e6 / tr->total->counters.responses,
                                      1e-6);
      g_assert_true (value_of (results, t, "server_cpus").measured);
    }
  /* the master and its two workers: the tree, not the root alone */
  g_assert_cmpfloat (value_of (results, 1, "server_memory_mean_bytes").number, >,
                     value_of (results, 0, "server_memory_mean_bytes").number);

  for (guint t = 0; t < 2; t++)
    g_assert_true (vs_script_server_group_gone (pids[t]));

  /* a JSON result read back (the window opens one, or recovers it) shows the server figures */
  {
    g_autofree char *dir = g_dir_make_tmp ("versus-managed-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "result.json", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(VsResults) back = NULL;
    const char *ids[] = { "server_cpu_mean_pct", "server_cpu_peak_pct",
                          "server_memory_mean_bytes", "server_memory_peak_bytes",
                          "server_cpu_us_per_request", "requests_per_server_cpu_s" };

    g_assert_true (vs_export_json_file (results, path, &error));
    back = vs_merge_read_file (path, &error);
    g_assert_no_error (error);
    for (guint t = 0; t < 2; t++)
      for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
        {
          VsMetricValue value = value_of (results, t, ids[i]);
          VsMetricValue value_back = value_of (back, t, ids[i]);

          /* rebuilt from the per-tick rows, each weighted by the time its sample covers
           * (server_sample_s): the same but for the rows' 3 decimals */
          g_test_message ("%s of target %u: %.6g, read back %.6g", ids[i], t, value.number,
                          value_back.number);
          g_assert_true (value_back.measured);
          g_assert_cmpfloat_with_epsilon (value_back.number, value.number,
                                          0.005 * value.number + 1e-9);
        }
    g_assert_true (g_array_index (vs_results_get_target (back, 0)->intervals, VsInterval, 0)
                     .server_sampled);
    g_remove (path);
    g_rmdir (dir);
  }
  watch_clear (&watch);
}

/* The server's CPU as Versus summed it over the run against its own times(2), which the
 * attached script answers on GET /cpu: the same seconds within a few clock ticks. */
static void
test_attach_witness (void)
{
  guint16 port = vs_script_server_free_port ();
  g_auto(GStrv) argv = vs_script_server_argv (port, "normal");
  g_autoptr(GError) error = NULL;
  g_autofree char *targets = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsRun) run = NULL;
  const VsTargetResult *tr;
  double before, after, versus = 0;
  GPid pid;
  Watch watch;
  int status;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                NULL, &pid, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 500; i++)
    {
      struct sockaddr_in addr = { .sin_family = AF_INET,
                                  .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
                                  .sin_port = htons (port) };
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      gboolean up = connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0;

      close (fd);
      if (up)
        break;
      g_usleep (20000);
    }

  targets = g_strdup_printf ("{\"name\": \"attached\", \"url\": \"http://127.0.0.1:%u/\","
                             " \"attach\": %d}", port, (int) pid);
  plan = plan_of (targets, "");
  before = vs_script_server_cpu_seconds (port);
  run = run_plan (plan, &watch);
  after = vs_script_server_cpu_seconds (port);

  tr = vs_results_get_target (vs_run_get_results (run), 0);
  for (guint i = 0; i < tr->intervals->len; i++)
    {
      const VsInterval *interval = &g_array_index (tr->intervals, VsInterval, i);

      g_assert_true (interval->server_sampled);
      versus += interval->server_cpu_percent / 100.0 * (interval->end_s - interval->start_s);
    }
  g_test_message ("attached server: Versus %.3f s of CPU, its own times(2) %.3f s",
                  versus, after - before);
  /* how much CPU the server got depends on what else the machine runs; that it got some, and
   * that Versus saw the same, does not */
  g_assert_cmpfloat (after - before, >, 0.02);
  /* sampled from just before the load to its last tick, inside the witness's window; each
   * end may be off by a clock tick (10 ms) and the intervals' lengths are the controller's */
  g_assert_cmpfloat (versus, <=, (after - before) * 1.05 + 0.03);
  g_assert_cmpfloat (versus, >=, (after - before) * 0.85 - 0.03);

  /* attached: left running */
  g_assert_cmpint (kill (pid, 0), ==, 0);
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  watch_clear (&watch);
}

/* A server pinned to a CPU, the generator to another: both read back from the kernel while the
 * load runs, and said in the summary. */
static void
test_pinned (void)
{
  VsCpuList all;
  guint cpus[2], n = 0;
  g_autofree char *extra = NULL;
  g_autofree char *target = NULL;
  g_autofree char *more = NULL;
  g_autofree char *expected_server = NULL;
  g_autofree char *expected_worker = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsRun) run = NULL;
  Watch watch;

  vs_cpu_list_available (&all);
  for (guint c = 0; c < VS_CPU_LIST_MAX && n < 2; c++)
    if (vs_cpu_list_contains (&all, c))
      cpus[n++] = c;
  if (n < 2)
    {
      g_test_skip ("needs two CPUs");
      return;
    }

  extra = g_strdup_printf (", \"cpus\": \"%u\"", cpus[1]);
  target = vs_script_server_target ("pinned", "normal --workers 2", extra, NULL);
  more = g_strdup_printf (", \"mode\": \"parallel\"");
  plan = plan_of (target, more);
  plan->load.generator_cpus = g_strdup_printf ("%u", cpus[0]);
  run = run_plan (plan, &watch);

  expected_server = g_strdup_printf ("%u", cpus[1]);
  expected_worker = g_strdup_printf ("%u", cpus[0]);
  g_assert_cmpstr (watch.server_cpus, ==, expected_server);
  g_assert_cmpstr (watch.worker_cpus, ==, expected_worker);
  g_assert_cmpstr (value_of (vs_run_get_results (run), 0, "server_cpus").text, ==,
                   expected_server);
  g_assert_true (notes_hold (vs_run_get_results (run), VS_NOTE_GENERATOR,
                             "pinned to CPUs"));
  g_assert_cmpuint (vs_results_get_n_cpus (vs_run_get_results (run)), ==, 1);
  g_assert_true (vs_script_server_group_gone (watch.pid));
  watch_clear (&watch);
}

/* A server that never becomes ready (3 s: the script prints its line at once, but a loaded
 * machine starts Python slowly) fails its own target with the message and its log's last
 * line; the other target is loaded as if nothing happened. */
static void
test_never_ready (void)
{
  g_autofree char *good = vs_script_server_target ("good", "normal", "", NULL);
  g_autofree char *bad = vs_script_server_target ("bad", "never-ready",
                                        ", \"ready\": {\"timeout\": \"3s\"}", NULL);
  g_autofree char *targets = g_strdup_printf ("%s, %s", good, bad);
  g_autoptr(VsPlan) plan = plan_of (targets, "");
  g_autoptr(VsRun) run = NULL;
  g_autofree char *failure = NULL;
  VsResults *results;
  Watch watch;

  run = run_plan (plan, &watch);
  results = vs_run_get_results (run);
  failure = vs_server_set_dup_failure (vs_run_get_servers (run), 1);
  g_assert_nonnull (failure);
  g_assert_true (g_str_has_prefix (failure, "server was not ready within 3.0 s"));
  g_assert_nonnull (strstr (failure, "The last lines of its log:\nscript "));
  g_assert_nonnull (strstr (failure, " mode never-ready"));
  g_assert_true (notes_hold (results, VS_NOTE_SERVER, "bad: server was not ready within 3.0 s"));
  g_assert_true (json_result_holds (results, "\"failure\" : \"server was not ready within 3.0 s"));
  g_assert_true (json_result_holds (results, "\"managed\" : true"));

  g_assert_false (vs_results_get_target (results, 1)->started);
  g_assert_cmpuint (vs_results_get_target (results, 0)->total->counters.responses, >, 0);
  g_assert_true (vs_script_server_group_gone (vs_server_set_get_pid (vs_run_get_servers (run), 0)));
  watch_clear (&watch);
}

/* A server that crashes during the load: its target fails with the exit status and the log's
 * lines; the run goes on to its end. */
static void
test_crash (void)
{
  g_autofree char *good = vs_script_server_target ("good", "normal", "", NULL);
  g_autofree char *bad = vs_script_server_target ("crashing", "crash 600", "", NULL);
  g_autofree char *targets = g_strdup_printf ("%s, %s", good, bad);
  g_autoptr(VsPlan) plan = plan_of (targets, "");
  g_autoptr(VsRun) run = NULL;
  g_autofree char *failure = NULL;
  VsResults *results;
  Watch watch;

  run = run_plan (plan, &watch);
  results = vs_run_get_results (run);
  failure = vs_server_set_dup_failure (vs_run_get_servers (run), 1);
  g_assert_nonnull (failure);
  g_assert_true (g_str_has_prefix (failure, "server exited during the run (exit status 3)"));
  g_assert_nonnull (strstr (failure, "crashing now"));
  g_assert_true (notes_hold (results, VS_NOTE_SERVER, "crashing: server exited during the run"));
  /* the load went on for both: connect errors after the crash */
  g_assert_cmpuint (vs_results_get_target (results, 1)->total->counters.errors[VS_ERROR_CLASS_CONNECT],
                    >, 0);
  g_assert_cmpfloat (vs_results_get_target (results, 0)->measured_s, >, 1.2);
  watch_clear (&watch);
}

/* A server that ignores SIGTERM is killed after stop_grace; the note says so, nothing is left. */
static void
test_ignore_term (void)
{
  g_autofree char *target = vs_script_server_target ("stubborn", "ignore-term",
                                           ", \"stop_grace\": \"300ms\"", NULL);
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsRun) run = NULL;
  g_autofree char *note = NULL;
  Watch watch;

  /* stop_grace given twice: the later one counts in JSON; keep the test's value */
  plan = plan_of (target, "");
  vs_plan_get_target (plan, 0)->server->stop_grace_ms = 300;
  run = run_plan (plan, &watch);
  note = vs_server_set_dup_stop_note (vs_run_get_servers (run), 0);
  g_assert_nonnull (note);
  g_assert_true (g_str_has_prefix (note, "server did not stop within 0.3 s of SIGTERM"));
  g_assert_true (notes_hold (vs_run_get_results (run), VS_NOTE_SERVER, "did not stop within"));
  g_assert_true (vs_script_server_group_gone (vs_server_set_get_pid (vs_run_get_servers (run), 0)));
  watch_clear (&watch);
}

/* A server that gets no load (the target's URL is elsewhere) uses next to no CPU: the figure
 * is the server's, not the machine's. */
static void
test_idle (void)
{
  guint16 port;
  g_autofree char *target = vs_script_server_target ("idle", "normal", "", &port);
  g_autofree char *ready = g_strdup_printf (", \"ready\": {\"port\": %u}}}", port);
  g_autoptr(GString) edited = g_string_new (target);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsRun) run = NULL;
  VsResults *results;
  Watch watch;

  /* the load goes to a port that refuses; the server only waits */
  g_string_replace (edited, url, "http://127.0.0.1:1/", 1);
  g_string_truncate (edited, edited->len - 2);
  g_string_append (edited, ready);
  plan = plan_of (edited->str, "");
  run = run_plan (plan, &watch);
  results = vs_run_get_results (run);
  g_assert_cmpuint (vs_results_get_target (results, 0)->server.samples, >=, 3);
  g_assert_cmpfloat (value_of (results, 0, "server_cpu_mean_pct").number, <, 3.0);
  g_assert_cmpfloat (value_of (results, 0, "server_memory_mean_bytes").number, >, 1024 * 1024);
  /* no responses: no CPU per request */
  g_assert_false (value_of (results, 0, "server_cpu_us_per_request").measured);
  watch_clear (&watch);
}

/* The core refuses to start a plan's commands nobody agreed to, whoever runs it. */
static void
test_no_consent (void)
{
  g_autofree char *target = vs_script_server_target ("a", "normal", "", NULL);
  g_autoptr(VsPlan) plan = plan_of (target, "");
  g_autoptr(VsRun) run = vs_run_new (plan);
  g_autoptr(GError) error = NULL;

  g_assert_false (vs_run_start (run, &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "the plan starts servers, and nobody has agreed to their commands yet");
  g_assert_false (vs_run_is_running (run));
}

/* Sequential mode: each server runs for its own target's load only. */
static void
test_sequential (void)
{
  g_autofree char *a = vs_script_server_target ("a", "normal", "", NULL);
  g_autofree char *b = vs_script_server_target ("b", "normal", "", NULL);
  g_autofree char *targets = g_strdup_printf ("%s, %s", a, b);
  g_autoptr(VsPlan) plan = plan_of (targets, ", \"mode\": \"sequential\"");
  g_autoptr(VsRun) run = NULL;
  Watch watch;

  plan->load.duration_us = 600 * 1000;
  run = run_plan (plan, &watch);
  for (guint t = 0; t < 2; t++)
    {
      const VsTargetResult *tr = vs_results_get_target (vs_run_get_results (run), t);

      g_assert_cmpuint (tr->total->counters.responses, >, 0);
      g_assert_cmpuint (tr->server.samples, >, 0);
      g_assert_true (vs_script_server_group_gone (vs_server_set_get_pid (vs_run_get_servers (run), t)));
    }
  watch_clear (&watch);
}

/* Sets the JSON the script of target @t answers (the plan's argv: python3 SCRIPT PORT json X). */
static void
set_json (VsPlan     *plan,
          guint       t,
          const char *json)
{
  VsServerSpec *spec = vs_plan_get_target (plan, t)->server;

  g_free (spec->argv[4]);
  spec->argv[4] = g_strdup (json);
}

static gboolean
json_result_holds (VsResults  *results,
                   const char *needle)
{
  g_autofree char *dir = g_dir_make_tmp ("versus-answers-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "result.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean found;

  g_assert_true (vs_export_json_file (results, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  found = strstr (text, needle) != NULL;
  g_remove (path);
  g_rmdir (dir);
  return found;
}

/* Before the load, each target's answer is compared with the first one's: member order and the
 * ignored pointers do not count, a differing value does, as a warning in the notes and the
 * JSON; without the ignore list the ignored field is a difference too. */
static void
test_answers (void)
{
  g_autofree char *a = vs_script_server_target ("a", "json X", "", NULL);
  g_autofree char *b = vs_script_server_target ("b", "json X", "", NULL);
  g_autofree char *c = vs_script_server_target ("c", "json X", "", NULL);
  g_autofree char *targets = g_strdup_printf ("%s, %s, %s", a, b, c);
  g_autoptr(VsPlan) plan = plan_of (targets, ", \"compare\": {\"answers\": true,"
                                             " \"ignore\": [\"/pid\"]}");
  g_autoptr(VsRun) run = NULL;
  g_autofree char *difference_b = NULL;
  g_autofree char *difference_c = NULL;
  VsResults *results;
  Watch watch;

  plan->load.duration_us = 300 * 1000;
  set_json (plan, 0, "{\"id\": 1, \"name\": \"Ann\", \"pid\": 10}");
  set_json (plan, 1, "{\"name\": \"Ann\", \"id\": 1.0, \"pid\": 22}");
  set_json (plan, 2, "{\"id\": 1, \"name\": \"Bob\", \"pid\": 10}");
  run = run_plan (plan, &watch);
  results = vs_run_get_results (run);

  difference_b = vs_server_set_dup_answer_difference (vs_run_get_servers (run), 1);
  difference_c = vs_server_set_dup_answer_difference (vs_run_get_servers (run), 2);
  g_assert_null (difference_b);
  g_assert_cmpstr (difference_c, ==, "/name: \"Ann\" ≠ \"Bob\"");
  g_assert_true (notes_hold (results, VS_NOTE_ANSWERS, "c does not answer like a: /name"));
  g_assert_false (notes_hold (results, VS_NOTE_ANSWERS, "b does not answer"));
  g_assert_true (json_result_holds (results, "\"kind\" : \"answers\""));
  watch_clear (&watch);
  g_clear_object (&run);

  /* the same answers without the ignore list: the pid is a difference */
  g_clear_pointer (&plan->compare.ignore, g_strfreev);
  run = run_plan (plan, &watch);
  g_clear_pointer (&difference_b, g_free);
  difference_b = vs_server_set_dup_answer_difference (vs_run_get_servers (run), 1);
  g_assert_cmpstr (difference_b, ==, "/pid: 10 ≠ 22");
  watch_clear (&watch);
}

/* The command line runs none of a plan's commands without --allow-commands: exit 2 and the
 * exact commands (argv, cwd, env) on stderr; with it, the run happens and the figures are in
 * summary.csv. */
static void
test_cli_consent (void)
{
  const char *binary = g_getenv ("VERSUS_BINARY");
  g_autofree char *dir = g_dir_make_tmp ("versus-managed-XXXXXX", NULL);
  g_autofree char *plan_path = g_build_filename (dir, "plan.json", NULL);
  g_autofree char *csv_dir = g_build_filename (dir, "out", NULL);
  g_autofree char *summary_path = g_build_filename (csv_dir, "summary.csv", NULL);
  g_autofree char *marker = g_build_filename (dir, "ran", NULL);
  g_autofree char *target = NULL;
  g_autofree char *json = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;
  int status;

  g_assert_nonnull (binary);
  target = vs_script_server_target ("srv", "normal", ", \"env\": {\"VS_TEST\": \"a b\"}", &port);
  json = g_strdup_printf ("{\"version\": 1, \"targets\": [%s], \"load\": {\"connections\": 1,"
                          " \"duration\": \"500ms\"}}", target);
  g_assert_true (g_file_set_contents (plan_path, json, -1, NULL));

  {
    const char *argv[] = { binary, "run", "--plan", plan_path, "-q", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 2);
    g_assert_nonnull (strstr (err, "--allow-commands"));
    expected = g_strdup_printf ("  srv: python3 %s/tests/vs-server-script.py %u normal\n"
                                "    in %s\n    with VS_TEST=a b\n",
                                g_getenv ("VERSUS_SOURCE_DIR"), port, dir);
    if (strstr (err, expected) == NULL)
      g_error ("expected\n%s\nin\n%s", expected, err);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { binary, "run", "--plan", plan_path, "-q", "--allow-commands",
                           "--csv", csv_dir, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
      g_error ("versus run failed: %s", err);
    g_assert_nonnull (strstr (out, "server CPU per request"));
    g_assert_nonnull (strstr (out, "server CPUs"));
    g_assert_true (g_file_get_contents (summary_path, &summary, NULL, NULL));
    g_assert_nonnull (strstr (summary, "server_cpu_us_per_request"));
  }
  g_remove (summary_path);
  {
    g_autofree char *ts = g_build_filename (csv_dir, "timeseries.csv", NULL);

    g_remove (ts);
  }
  g_rmdir (csv_dir);
  g_remove (plan_path);
  g_rmdir (dir);
}

/* Interrupted twice (the second signal ends Versus at once) while its run stops a server that
 * ignores SIGTERM: nothing of the server is left running afterwards. */
static void
test_cli_interrupted (void)
{
  const char *binary = g_getenv ("VERSUS_BINARY");
  g_autofree char *dir = g_dir_make_tmp ("versus-managed-XXXXXX", NULL);
  g_autofree char *plan_path = g_build_filename (dir, "plan.json", NULL);
  g_autofree char *log_path = g_build_filename (dir, "server.log", NULL);
  g_autofree char *target = vs_script_server_target ("stubborn", "ignore-term",
                                           ", \"log\": \"server.log\"", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { binary, "run", "--plan", plan_path, "-q", "--allow-commands", NULL };
  pid_t server = 0;
  GPid versus;
  int status;

  g_assert_nonnull (binary);
  json = g_strdup_printf ("{\"version\": 1, \"targets\": [%s], \"load\": {\"connections\": 1,"
                          " \"duration\": \"30s\"}}", target);
  g_assert_true (g_file_set_contents (plan_path, json, -1, NULL));
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &versus, &error));
  g_assert_no_error (error);

  /* the server's own first line names its pid; then it is ready soon after */
  for (int i = 0; i < 500 && server == 0; i++)
    {
      g_autofree char *log = NULL;

      if (g_file_get_contents (log_path, &log, NULL, NULL) && g_str_has_prefix (log, "script ") &&
          strstr (log, "listening") != NULL)
        server = (pid_t) g_ascii_strtoll (log + strlen ("script "), NULL, 10);
      else
        g_usleep (20000);
    }
  g_assert_cmpint (server, >, 0);
  g_usleep (500 * 1000);
  g_assert_cmpint (kill (server, 0), ==, 0);

  /* the first ends the run (whose stop then waits 3 s for the stubborn server), the second
   * ends Versus: the emergency stop kills the group first */
  kill (versus, SIGTERM);
  g_usleep (300 * 1000);
  kill (versus, SIGTERM);
  g_assert_cmpint (waitpid (versus, &status, 0), ==, versus);
  g_spawn_close_pid (versus);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGTERM);
  g_assert_true (vs_script_server_group_gone (server));

  g_remove (log_path);
  g_remove (plan_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/managed/parallel", test_parallel);
  g_test_add_func ("/engine/managed/attach-witness", test_attach_witness);
  g_test_add_func ("/engine/managed/pinned", test_pinned);
  g_test_add_func ("/engine/managed/never-ready", test_never_ready);
  g_test_add_func ("/engine/managed/crash", test_crash);
  g_test_add_func ("/engine/managed/ignore-term", test_ignore_term);
  g_test_add_func ("/engine/managed/sequential", test_sequential);
  g_test_add_func ("/engine/managed/answers", test_answers);
  g_test_add_func ("/engine/managed/no-consent", test_no_consent);
  g_test_add_func ("/engine/managed/idle", test_idle);
  g_test_add_func ("/engine/managed/cli-consent", test_cli_consent);
  g_test_add_func ("/engine/managed/cli-interrupted", test_cli_interrupted);

  return g_test_run ();
}
