/* test-server.c: vs-server and vs-proc-sample against real processes (tests/vs-server-script.py
 * on loopback), and the CPU lists */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "vs-cpu-list.h"
#include "vs-error.h"
#include "vs-proc-sample.h"
#include "vs-script-server.h"
#include "vs-server.h"

/* --- helpers --------------------------------------------------------------------------------- */

/* Two more arguments for the script. */
static void
add_args (VsServerSpec *spec,
          const char   *flag,
          const char   *value)
{
  guint n = g_strv_length (spec->argv);

  spec->argv = g_renew (char *, spec->argv, n + 3);
  spec->argv[n] = g_strdup (flag);
  spec->argv[n + 1] = g_strdup (value);
  spec->argv[n + 2] = NULL;
}

/* Stops @server and checks that nothing of its process group is left. */
static void
stop_and_check (VsServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  pid_t pgid = vs_server_get_pid (server);

  g_assert_cmpint (pgid, >, 0);
  g_assert_true (vs_server_stop_sync (server, &note, &error));
  g_assert_no_error (error);
  g_assert_null (note);
  g_assert_true (vs_script_server_group_gone (pgid));
}

/* A field of /proc/PID/status ("VmRSS", "Cpus_allowed_list"), trimmed. */
static char *
proc_status (pid_t       pid,
             const char *name)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], name) && lines[i][strlen (name)] == ':')
      return g_strstrip (g_strdup (lines[i] + strlen (name) + 1));
  return NULL;
}

/* Waits up to 10 s until the server's log holds @needle. */
static void
wait_for_log (VsServer   *server,
              const char *needle)
{
  for (int i = 0; i < 500; i++)
    {
      g_autofree char *tail = vs_server_get_log_tail (server, 100);

      if (strstr (tail, needle) != NULL)
        return;
      g_usleep (20000);
    }
  g_error ("the log never showed “%s”", needle);
}

/* The pid in the first log line that starts with @prefix ("worker 1234"). */
static pid_t
pid_from_log (VsServer   *server,
              const char *prefix)
{
  g_autofree char *tail = vs_server_get_log_tail (server, 100);
  g_auto(GStrv) lines = g_strsplit (tail, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return (pid_t) g_ascii_strtoll (lines[i] + strlen (prefix), NULL, 10);
  g_error ("no “%s” line in the log", prefix);
  return 0;
}

/* utime + stime of one process, in clock ticks, read by the test itself. */
static guint64
own_ticks (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  fields = g_strsplit (strrchr (text, ')') + 2, " ", -1);
  /* fields[0] is field 3 (state): utime and stime are fields 14 and 15 */
  return g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
}

static guint
machine_cpus (void)
{
  VsCpuList all;

  vs_cpu_list_available (&all);
  return vs_cpu_list_count (&all);
}

/* --- CPU lists ------------------------------------------------------------------------------- */

static void
assert_parses (const char *text,
               const char *canonical)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *formatted = NULL;
  VsCpuList list;

  g_assert_true (vs_cpu_list_parse (text, "cpus", &list, &error));
  g_assert_no_error (error);
  formatted = vs_cpu_list_format (&list);
  g_assert_cmpstr (formatted, ==, canonical);
}

static void
assert_rejects (const char *text,
                const char *message)
{
  g_autoptr(GError) error = NULL;
  VsCpuList list;

  g_assert_false (vs_cpu_list_parse (text, "targets[0].server.cpus", &list, &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_cpu_list_parse (void)
{
  g_autofree char *here = NULL;
  g_autofree char *beyond = NULL;
  g_autofree char *beyond_message = NULL;
  g_autoptr(GError) error = NULL;
  VsCpuList all, list;

  vs_cpu_list_available (&all);
  here = vs_cpu_list_format (&all);
  g_assert_cmpuint (vs_cpu_list_count (&all), >=, 1);

  assert_parses ("0", "0");
  if (vs_cpu_list_contains (&all, 1))
    {
      assert_parses ("1", "1");
      assert_parses ("0-1", "0-1");
      assert_parses ("0,1", "0-1");
      assert_parses (" 1 , 0 ", "0-1");
      assert_parses ("1,0-1", "0-1");
    }
  assert_parses (here, here);

  assert_rejects ("", "targets[0].server.cpus: expected a CPU list such as “1”, “2-3” or “0,2”, "
                      "got nothing");
  assert_rejects (NULL, "targets[0].server.cpus: expected a CPU list such as “1”, “2-3” or "
                        "“0,2”, got nothing");
  assert_rejects ("a", "targets[0].server.cpus: expected a CPU list such as “1”, “2-3” or "
                       "“0,2”, got “a”");
  assert_rejects ("1-", "targets[0].server.cpus: expected a CPU list such as “1”, “2-3” or "
                        "“0,2”, got “1-”");
  assert_rejects ("-1", "targets[0].server.cpus: expected a CPU list such as “1”, “2-3” or "
                        "“0,2”, got “-1”");
  assert_rejects ("0,,1", "targets[0].server.cpus: expected a CPU list such as “1”, “2-3” or "
                          "“0,2”, got “0,,1”");
  assert_rejects ("0,", "targets[0].server.cpus: expected a CPU list such as “1”, “2-3” or "
                        "“0,2”, got “0,”");
  assert_rejects ("1.5", "targets[0].server.cpus: expected a CPU list such as “1”, “2-3” or "
                         "“0,2”, got “1.5”");
  assert_rejects ("0-1-2", "targets[0].server.cpus: expected a CPU list such as “1”, “2-3” or "
                           "“0,2”, got “0-1-2”");
  {
    g_autofree char *huge = g_strdup_printf ("targets[0].server.cpus: no CPU 99999 on this "
                                             "machine (the CPUs here are %s)", here);
    g_autofree char *absent = NULL;
    g_autofree char *range = NULL;
    g_autofree char *overflow = g_strdup_printf ("targets[0].server.cpus: no CPU 4294967295 on "
                                                 "this machine (the CPUs here are %s)", here);
    VsCpuList complement = { { 0 } };

    for (guint cpu = 0; cpu < VS_CPU_LIST_MAX; cpu++)
      if (!vs_cpu_list_contains (&all, cpu))
        vs_cpu_list_add (&complement, cpu);
    absent = vs_cpu_list_format (&complement);
    range = g_strdup_printf ("targets[0].server.cpus: no CPU %s%s1024-4000000000 on this "
                             "machine (the CPUs here are %s)", absent, absent[0] ? "," : "",
                             here);
    assert_rejects ("99999", huge);
    assert_rejects ("0-4000000000", range);   /* and quickly */
    assert_rejects ("99999999999999999999999", overflow);
  }
  assert_rejects ("3-1", "targets[0].server.cpus: the range “3-1” runs backwards");

  /* CPUs the machine does not have: the first two numbers past the last available one. */
  {
    guint last = 0;

    for (guint cpu = 0; cpu < VS_CPU_LIST_MAX; cpu++)
      if (vs_cpu_list_contains (&all, cpu))
        last = cpu;
    beyond = g_strdup_printf ("0,%u-%u", last + 1, last + 2);
    beyond_message = g_strdup_printf ("targets[0].server.cpus: no CPU %u-%u on this machine "
                                      "(the CPUs here are %s)", last + 1, last + 2, here);
    assert_rejects (beyond, beyond_message);
  }

  /* Without a field, the bare message: a caller may prefix its own path. */
  g_assert_false (vs_cpu_list_parse ("x", NULL, &list, &error));
  g_prefix_error (&error, "load.generator_cpus: ");
  g_assert_cmpstr (error->message, ==, "load.generator_cpus: expected a CPU list such as “1”, "
                                       "“2-3” or “0,2”, got “x”");
}

static VsCpuList
list_of (const guint *cpus,
         guint        n)
{
  VsCpuList list = { { 0 } };

  for (guint i = 0; i < n; i++)
    vs_cpu_list_add (&list, cpus[i]);
  return list;
}

static void
test_cpu_list_overlap (void)
{
  const guint a_cpus[] = { 0, 1, 2 }, b_cpus[] = { 3 }, c_cpus[] = { 2, 3, 700 };
  const guint d_cpus[] = { 700, 1000 };
  VsCpuList a = list_of (a_cpus, 3), b = list_of (b_cpus, 1), c = list_of (c_cpus, 3);
  VsCpuList d = list_of (d_cpus, 2), empty = { { 0 } }, common;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;

  g_assert_false (vs_cpu_list_overlap (&a, &b, &common));
  g_assert_cmpuint (vs_cpu_list_count (&common), ==, 0);
  g_assert_true (vs_cpu_list_overlap (&a, &c, &common));
  text = vs_cpu_list_format (&common);
  g_assert_cmpstr (text, ==, "2");
  g_assert_true (vs_cpu_list_overlap (&b, &c, NULL));
  g_assert_true (vs_cpu_list_overlap (&c, &d, &common));   /* beyond the first 64 */
  text2 = vs_cpu_list_format (&common);
  g_assert_cmpstr (text2, ==, "700");
  g_assert_false (vs_cpu_list_overlap (&a, &d, NULL));
  g_assert_false (vs_cpu_list_overlap (&empty, &a, NULL));
  g_assert_false (vs_cpu_list_overlap (&a, &empty, NULL));
}

/* --- The spec -------------------------------------------------------------------------------- */

static void
assert_spec_rejected (VsServerSpec *spec,
                      const char   *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (vs_server_spec_validate (spec, "targets[1].server", &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_spec_validate (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;
  char *empty[] = { NULL };

  spec = vs_script_server_spec (&port, "normal");
  g_assert_true (vs_server_spec_validate (spec, "targets[1].server", &error));
  g_assert_no_error (error);

  {
    g_autoptr(VsServerSpec) bad = vs_server_spec_copy (spec);

    g_strfreev (bad->argv);
    bad->argv = g_strdupv (empty);
    assert_spec_rejected (bad, "targets[1].server.command: expected the program and its "
                               "arguments, not an empty list");
    g_free (bad->argv[0]);
    g_free (bad->argv);
    bad->argv = g_strsplit ("no-such-program-versus --flag", " ", -1);
    assert_spec_rejected (bad, "targets[1].server.command: no program “no-such-program-versus” "
                               "in PATH");
  }
  {
    g_autoptr(VsServerSpec) bad = vs_server_spec_copy (spec);

    bad->cwd = g_strdup ("/etc/hostname");
    assert_spec_rejected (bad, "targets[1].server.cwd: “/etc/hostname” is not a folder");
  }
  {
    g_autoptr(VsServerSpec) bad = vs_server_spec_copy (spec);

    bad->env = g_strsplit ("A=1|=2", "|", -1);
    assert_spec_rejected (bad, "targets[1].server.env[1]: expected NAME=value, got “=2”");
  }
  {
    g_autoptr(VsServerSpec) bad = vs_server_spec_copy (spec);

    bad->ready_host = g_strdup ("10.0.0.1");
    assert_spec_rejected (bad, "targets[1].server.ready.host: “10.0.0.1” is not a loopback "
                               "address (127.0.0.1, ::1 or localhost)");
    g_free (bad->ready_host);
    bad->ready_host = g_strdup ("example.com");
    assert_spec_rejected (bad, "targets[1].server.ready.host: “example.com” is not a loopback "
                               "address (127.0.0.1, ::1 or localhost)");
    g_free (bad->ready_host);
    bad->ready_host = g_strdup ("::1");
    g_assert_true (vs_server_spec_validate (bad, NULL, NULL));
    bad->ready_port = 0;
    assert_spec_rejected (bad, "targets[1].server.ready.port: expected a port from 1 to 65535");
  }
  {
    g_autoptr(VsServerSpec) bad = vs_server_spec_copy (spec);

    bad->ready_kind = VS_SERVER_READY_HTTP;
    bad->ready_url = g_strdup ("https://127.0.0.1:1/health");
    assert_spec_rejected (bad, "targets[1].server.ready.url: the ready check speaks plain "
                               "http://, not “https”");
    g_free (bad->ready_url);
    bad->ready_url = g_strdup ("http://192.168.1.1/health");
    assert_spec_rejected (bad, "targets[1].server.ready.url: “192.168.1.1” is not a loopback "
                               "address (127.0.0.1, ::1 or localhost)");
    g_free (bad->ready_url);
    bad->ready_url = g_strdup ("not a url");
    assert_spec_rejected (bad, "targets[1].server.ready.url: expected an http:// URL on "
                               "127.0.0.1, ::1 or localhost, got “not a url”");
    g_free (bad->ready_url);
    bad->ready_url = g_strdup ("http://[::1]:8080/health");
    g_assert_true (vs_server_spec_validate (bad, NULL, NULL));
  }
  {
    g_autoptr(VsServerSpec) bad = vs_server_spec_copy (spec);

    bad->cpus = g_strdup ("1-0");
    assert_spec_rejected (bad, "targets[1].server.cpus: the range “1-0” runs backwards");
  }
}

/* --- Launch, sample, stop -------------------------------------------------------------------- */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  guint         ticks;   /* main-loop ticks while the start was pending */
} AsyncWait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  AsyncWait *wait = data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
on_tick (gpointer data)
{
  ((AsyncWait *) data)->ticks++;
  return G_SOURCE_CONTINUE;
}

/* Started with the async call; the main loop keeps turning while the server starts. Idle, it
 * costs next to no CPU; its memory agrees with the kernel's VmRSS; stopping leaves nothing. */
static void
test_start_idle_stop (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *listening = NULL;
  g_autofree char *tail = NULL;
  g_autofree char *rss_text = NULL;
  AsyncWait wait = { loop, NULL, 0 };
  VsProcSample sample;
  guint64 rss;
  guint16 port;
  guint tick;

  spec = vs_script_server_spec (&port, "normal");
  server = vs_server_new (spec);
  vs_server_start_async (server, NULL, on_done, &wait);
  tick = g_timeout_add (5, on_tick, &wait);
  g_main_loop_run (loop);
  g_source_remove (tick);
  g_assert_true (vs_server_start_finish (server, wait.result, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  /* python3 takes tens of milliseconds to start: the loop ran meanwhile */
  g_assert_cmpuint (wait.ticks, >, 0);
  g_assert_true (vs_server_check_running (server, &error));

  listening = g_strdup_printf ("listening on 127.0.0.1:%u", port);
  wait_for_log (server, listening);
  tail = vs_server_get_log_tail (server, 1);
  g_assert_cmpstr (tail, ==, listening);

  g_usleep (G_USEC_PER_SEC);
  vs_server_sample (server, &sample);
  g_test_message ("idle: %.1f %% of a core over %.2f s, %" G_GUINT64_FORMAT " bytes (%s), "
                  "%u processes", sample.cpu_percent, sample.interval_s, sample.memory_bytes,
                  sample.memory_is_pss ? "PSS" : "RSS", sample.processes);
  g_assert_cmpfloat (sample.interval_s, >=, 0.9);
  g_assert_cmpfloat (sample.cpu_percent, <, 3.0);
  g_assert_cmpuint (sample.processes, ==, 1);
  g_assert_true (sample.root_alive);

  /* The witness: the kernel's own VmRSS of the process. PSS never exceeds RSS, and a python
   * process's private memory is a good part of it. */
  rss_text = proc_status (vs_server_get_pid (server), "VmRSS");
  rss = g_ascii_strtoull (rss_text, NULL, 10) * 1024;
  g_test_message ("VmRSS %" G_GUINT64_FORMAT " bytes", rss);
  g_assert_cmpuint (sample.memory_bytes, >, 0);
  if (sample.memory_is_pss)
    g_assert_cmpuint (sample.memory_bytes, <=, rss + rss / 20);
  else
    g_assert_cmpuint (sample.memory_bytes, <=, rss + rss / 20 + 65536);
  g_assert_cmpuint (sample.memory_bytes, >=, rss / 4);

  /* stopped with the async call: the main loop turns meanwhile too */
  {
    g_autofree char *note = NULL;
    pid_t pgid = vs_server_get_pid (server);

    wait.ticks = 0;
    vs_server_stop_async (server, NULL, on_done, &wait);
    tick = g_timeout_add (1, on_tick, &wait);
    g_main_loop_run (loop);
    g_source_remove (tick);
    g_assert_true (vs_server_stop_finish (server, wait.result, &note, &error));
    g_assert_no_error (error);
    g_assert_null (note);
    g_clear_object (&wait.result);
    g_assert_true (vs_script_server_group_gone (pgid));
  }
  g_assert_false (vs_server_check_running (server, &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "server exited during the run (killed by "
                                                   "signal 15 ("));
  vs_server_sample (server, &sample);
  g_assert_false (sample.root_alive);
  g_assert_cmpuint (sample.processes, ==, 0);
}

/* A process that burns CPU: the sampled CPU agrees with the process's own times(2), and is
 * far above idle. On an unloaded core the burn gets ~100 %; this machine's two cores are shared
 * with other builds (load average 7 measured: 35 % seen; 6 % under two busy loops and the
 * sanitizers), so a fixed share cannot be asked of it: the exact check is the agreement with the
 * witness, and "far above idle" is against the same process idle after the burn, sampled over
 * as long (near 0 whatever the load: an idle process asks for no CPU). */
static void
test_burn (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *burned = NULL;
  VsProcSample sample;
  double before, after, witness, sampled, outside, hz = (double) sysconf (_SC_CLK_TCK);
  gint64 t0, t1, t2, t3;
  guint64 burn_ticks;
  guint16 port;

  spec = vs_script_server_spec (&port, "burn 2");
  server = vs_server_new (spec);
  vs_server_start_sync (server, NULL, &error);
  g_assert_no_error (error);

  t0 = g_get_monotonic_time ();
  before = vs_script_server_cpu_seconds (port);
  vs_server_sample (server, &sample);
  t1 = g_get_monotonic_time ();
  g_usleep (G_USEC_PER_SEC);
  t2 = g_get_monotonic_time ();
  vs_server_sample (server, &sample);
  after = vs_script_server_cpu_seconds (port);
  t3 = g_get_monotonic_time ();
  witness = after - before;
  /* wall time inside the witness's window but outside the sampler's: one burning thread can
   * have used at most that much more CPU there */
  outside = ((t1 - t0) + (t3 - t2)) / (double) G_USEC_PER_SEC;
  sampled = (double) sample.cpu_ticks / hz;
  g_test_message ("burning: %.1f %% of a core over %.2f s: %.3f s of CPU; the process says "
                  "%.3f s", sample.cpu_percent, sample.interval_s, sampled, witness);
  /* the witness's window holds the sampler's, give or take a tick at each end: never less,
   * and more by at most the CPU of the time its two answers took (a fixed 30–50 ms allowance
   * for that was missed even on an idle machine: the script answers under the GIL) */
  g_assert_cmpfloat (sampled, <=, witness + 2.0 / hz);
  g_assert_cmpfloat (witness - sampled, <=, outside + 2.0 / hz);
  g_assert_cmpfloat (sample.cpu_percent, <, 110.0);   /* one thread: at most one core */
  burn_ticks = sample.cpu_ticks;

  burned = g_strdup_printf ("%d burned 2.0 s", (int) vs_server_get_pid (server));
  wait_for_log (server, burned);
  vs_server_sample (server, &sample);
  g_usleep (G_USEC_PER_SEC);
  vs_server_sample (server, &sample);
  g_test_message ("after: %.1f %% of a core over %.2f s", sample.cpu_percent, sample.interval_s);
  g_assert_cmpfloat (sample.cpu_percent, <, 3.0);
  /* the burn's second against the idle one: more than the two ticks a sample's ends can add */
  g_assert_cmpuint (burn_ticks, >, sample.cpu_ticks + 2);
  stop_and_check (server);
}

/* utime + stime of the master and of every worker the log names, read by the test itself. */
static guint64
hand_ticks (VsServer *managed,
            guint64  *master)
{
  g_autofree char *tail = vs_server_get_log_tail (managed, 100);
  g_auto(GStrv) lines = g_strsplit (tail, "\n", -1);
  guint64 total;

  *master = own_ticks (vs_server_get_pid (managed));
  total = *master;
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "worker "))
      total += own_ticks ((pid_t) g_ascii_strtoll (lines[i] + strlen ("worker "), NULL, 10));
  return total;
}

/* Samples @sampled over a second while the master of @managed idles and its two workers burn:
 * the tree's CPU is the sum of all three, read by hand, and most of it is the workers'. */
static void
check_tree_sample (VsServer *sampled,
                   VsServer *managed)
{
  g_autofree char *pss_path = g_strdup_printf ("/proc/%d/smaps_rollup",
                                               (int) vs_server_get_pid (managed));
  g_autofree char *rollup = NULL;
  VsProcSample sample;
  guint64 before, after, master_before, master_after, master_pss;

  vs_server_sample (sampled, &sample);
  before = hand_ticks (managed, &master_before);
  g_usleep (G_USEC_PER_SEC);
  vs_server_sample (sampled, &sample);
  after = hand_ticks (managed, &master_after);
  g_assert_true (g_file_get_contents (pss_path, &rollup, NULL, NULL));
  master_pss = g_ascii_strtoull (strstr (rollup, "\nPss:") + 5, NULL, 10) * 1024;

  g_test_message ("tree: %.1f %% of a core, %" G_GUINT64_FORMAT " ticks (by hand: %"
                  G_GUINT64_FORMAT ", the master's %" G_GUINT64_FORMAT "), %" G_GUINT64_FORMAT
                  " bytes (the master's PSS %" G_GUINT64_FORMAT "), %u processes",
                  sample.cpu_percent, sample.cpu_ticks, after - before,
                  master_after - master_before, sample.memory_bytes, master_pss,
                  sample.processes);
  g_assert_cmpuint (sample.processes, ==, 3);
  /* the hand readings frame the sampler's, a moment apart: a few ticks either way */
  g_assert_cmpint (ABS ((gint64) sample.cpu_ticks - (gint64) (after - before)), <=, 4);
  /* the workers burned (even on a loaded machine), the master idled: a sampler of the root
   * alone could not pass the line above */
  g_assert_cmpuint ((after - before) - (master_after - master_before), >=, 10);
  g_assert_cmpuint (master_after - master_before, <=, 5);
  g_assert_cmpfloat (sample.cpu_percent, <, 220.0);   /* two cores at most */
  g_assert_true (sample.memory_is_pss);
  g_assert_cmpuint (sample.memory_bytes, >, master_pss);
}

/* A master with two burning workers (as gunicorn runs): the tree is sampled as a whole, and
 * stopping leaves none of them. The processes are named "w) x (y" (spaces and parentheses in
 * /proc/PID/stat's second field). */
static void
test_tree (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listening = NULL;
  g_autofree char *comm_path = NULL;
  g_autofree char *comm = NULL;
  guint16 port;

  spec = vs_script_server_spec (&port, "burn 3 --workers 2");
  add_args (spec, "--comm", "w) x (y");
  server = vs_server_new (spec);
  vs_server_start_sync (server, NULL, &error);
  g_assert_no_error (error);
  listening = g_strdup_printf ("listening on 127.0.0.1:%u with 2 workers", port);
  wait_for_log (server, listening);
  comm_path = g_strdup_printf ("/proc/%d/comm", (int) vs_server_get_pid (server));
  g_assert_true (g_file_get_contents (comm_path, &comm, NULL, NULL));
  g_assert_cmpstr (comm, ==, "w) x (y\n");
  check_tree_sample (server, server);

  /* SIGTERM kills the master and the workers at once: the orphaned workers must be reaped too */
  stop_and_check (server);
}

/* A child that burns and exits, waited for by its parent: its time is counted through the
 * parent's cutime/cstime, once — whether it was never seen alive (born and gone between two
 * samples) or seen and partly counted already (@seen_alive). The witness is the rusage wait4()
 * gave the parent for that child; the idle parent's own ticks are read by hand. */
static void
check_exited_child (gboolean seen_alive)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(GError) error = NULL;
  VsProcSample sample;
  double hz = (double) sysconf (_SC_CLK_TCK);
  double seconds = 0, child, master;
  guint64 master_before, master_after;
  gboolean seen = FALSE;
  guint16 port;

  spec = vs_script_server_spec (&port, seen_alive ? "child-burn 1.5" : "child-burn 1");
  server = vs_server_new (spec);
  vs_server_start_sync (server, NULL, &error);
  g_assert_no_error (error);
  vs_server_sample (server, &sample);
  master_before = own_ticks (vs_server_get_pid (server));
  g_assert_cmpuint (sample.processes, ==, 1);   /* the child comes 0.3 s after listening */
  if (seen_alive)
    {
      /* sampled while the child burns: part of its time is counted here */
      for (int i = 0; i < 100 && !seen; i++)
        {
          g_usleep (50000);
          vs_server_sample (server, &sample);
          seconds += (double) sample.cpu_ticks / hz;
          seen = sample.processes == 2;
        }
      g_assert_true (seen);
      g_usleep (300000);
      vs_server_sample (server, &sample);
      g_assert_cmpuint (sample.processes, ==, 2);
      seconds += (double) sample.cpu_ticks / hz;
      g_test_message ("while the child burns: %.3f s counted", seconds);
      g_assert_cmpfloat (seconds, >, 0.0);
    }
  wait_for_log (server, "child done ");
  vs_server_sample (server, &sample);
  master_after = own_ticks (vs_server_get_pid (server));
  seconds += (double) sample.cpu_ticks / hz;
  master = (double) (master_after - master_before) / hz;
  {
    g_autofree char *tail = vs_server_get_log_tail (server, 1);

    g_assert_true (g_str_has_prefix (tail, "child done "));
    child = g_ascii_strtod (tail + strlen ("child done "), NULL);
  }
  g_test_message ("with an exited child%s: %.3f s of CPU; wait4 said the child used %.3f s, "
                  "the parent itself %.3f s", seen_alive ? " seen alive" : "", seconds, child,
                  master);
  g_assert_cmpfloat (child, >, 0.05);
  g_assert_cmpuint (sample.processes, ==, 1);
  /* the child's time and the parent's, once: ticks are 10 ms, so a couple either way */
  g_assert_cmpfloat (fabs (seconds - (child + master)), <=, 0.04);
  stop_and_check (server);
}

static void
test_exited_child (void)
{
  check_exited_child (FALSE);
}

static void
test_exited_child_seen (void)
{
  check_exited_child (TRUE);
}

/* Pinned to CPU 1: the server and the workers it forks run there only. */
static void
test_pinned (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *master = NULL;
  g_autofree char *worker = NULL;
  VsCpuList all;
  guint16 port;

  vs_cpu_list_available (&all);
  if (!vs_cpu_list_contains (&all, 0) || !vs_cpu_list_contains (&all, 1))
    {
      g_test_skip ("pinning needs CPUs 0 and 1; this machine has fewer");
      return;
    }
  spec = vs_script_server_spec (&port, "normal --workers 1");
  spec->cpus = g_strdup ("1");
  server = vs_server_new (spec);
  vs_server_start_sync (server, NULL, &error);
  g_assert_no_error (error);
  wait_for_log (server, "worker ");
  master = proc_status (vs_server_get_pid (server), "Cpus_allowed_list");
  worker = proc_status (pid_from_log (server, "worker "), "Cpus_allowed_list");
  g_assert_cmpstr (master, ==, "1");
  g_assert_cmpstr (worker, ==, "1");
  stop_and_check (server);

  /* and the other way round, to see that it is the spec that decides */
  {
    g_autoptr(VsServerSpec) spec0 = vs_script_server_spec (&port, "normal");
    g_autoptr(VsServer) server0 = NULL;
    g_autofree char *allowed = NULL;

    spec0->cpus = g_strdup ("0");
    server0 = vs_server_new (spec0);
    g_assert_true (vs_server_start_sync (server0, NULL, &error));
    allowed = proc_status (vs_server_get_pid (server0), "Cpus_allowed_list");
    g_assert_cmpstr (allowed, ==, "0");
    stop_and_check (server0);
  }
}

/* cwd and env reach the server; the sampler costs little per tick (measured, not asserted). */
static void
test_env_cwd (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("versus-server-XXXXXX", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *real = NULL;
  VsProcSample sample;
  guint16 port;
  gint64 start;
  double sample_us;
  struct rlimit files;
  g_autofree char *leak_path = NULL;
  int leak;

  spec = vs_script_server_spec (&port, "normal");
  /* sh prints what it got, then becomes the server (exec: the same process) */
  command = g_strdup_printf ("echo \"mark=$VS_TEST_MARK other=$VS_TEST_OTHER in $(pwd -P)\"; "
                             "exec python3 '%s' %u normal", spec->argv[1], port);
  g_strfreev (spec->argv);
  spec->argv = g_new0 (char *, 4);
  spec->argv[0] = g_strdup ("sh");
  spec->argv[1] = g_strdup ("-c");
  spec->argv[2] = g_strdup (command);
  spec->cwd = g_strdup (tmp);
  spec->env = g_strsplit ("VS_TEST_MARK=a b=c|VS_TEST_OTHER=", "|", -1);
  g_assert_true (vs_server_spec_validate (spec, NULL, &error));
  /* a descriptor of ours without close-on-exec, as high as the limit allows */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &files), ==, 0);
  leak = (int) MIN (files.rlim_cur - 1, 100000);
  g_assert_cmpint (dup2 (STDERR_FILENO, leak), ==, leak);
  server = vs_server_new (spec);
  vs_server_start_sync (server, NULL, &error);
  g_assert_no_error (error);
  close (leak);
  leak_path = g_strdup_printf ("/proc/%d/fd/%d", (int) vs_server_get_pid (server), leak);
  g_assert_false (g_file_test (leak_path, G_FILE_TEST_EXISTS));
  real = realpath (tmp, NULL);
  expected = g_strdup_printf ("mark=a b=c other= in %s", real);
  wait_for_log (server, expected);

  start = g_get_monotonic_time ();
  for (int i = 0; i < 100; i++)
    vs_server_sample (server, &sample);
  sample_us = (double) (g_get_monotonic_time () - start) / 100;
  start = g_get_monotonic_time ();
  for (int i = 0; i < 100; i++)
    vs_proc_count_group (1);
  g_test_message ("one sample of a 1-process tree: %.0f µs; a scan of /proc alone: %.0f µs",
                  sample_us, (double) (g_get_monotonic_time () - start) / 100);
  g_assert_cmpuint (sample.processes, ==, 1);
  stop_and_check (server);
  g_rmdir (tmp);
}

/* Cancelling the start stops the server: nothing is left, and the error says cancelled. */
static void
test_cancel_start (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncWait wait = { loop, NULL, 0 };
  guint16 port;

  spec = vs_script_server_spec (&port, "never-ready");
  server = vs_server_new (spec);
  vs_server_start_async (server, cancellable, on_done, &wait);
  g_timeout_add_once (300, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  g_main_loop_run (loop);
  g_assert_false (vs_server_start_finish (server, wait.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&wait.result);
  g_assert_cmpint (vs_server_get_pid (server), >, 0);
  g_assert_true (vs_script_server_group_gone (vs_server_get_pid (server)));
}

/* --- Failures -------------------------------------------------------------------------------- */

static void
test_never_ready (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  gint64 start = g_get_monotonic_time ();
  double took;
  guint16 port;
  pid_t pid;

  spec = vs_script_server_spec (&port, "never-ready");
  spec->ready_timeout_ms = 1500;
  server = vs_server_new (spec);
  g_assert_false (vs_server_start_sync (server, NULL, &error));
  took = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  pid = vs_server_get_pid (server);
  expected = g_strdup_printf ("server was not ready within 1.5 s (127.0.0.1:%u: Connection "
                              "refused)\nThe last lines of its log:\nscript %d mode never-ready",
                              port, (int) pid);
  g_assert_error (error, VS_ERROR, VS_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpfloat (took, >=, 1.5);
  g_assert_cmpfloat (took, <, 6.0);
  g_assert_true (vs_script_server_group_gone (pid));
}

/* An HTTP ready check: 503 is not ready (the message says what it answered), 200 is. */
static void
test_http_ready (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(VsServer) server_ok = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = NULL;
  guint16 port;
  pid_t pid;

  spec = vs_script_server_spec (&port, "status 503");
  spec->ready_kind = VS_SERVER_READY_HTTP;
  spec->ready_url = g_strdup_printf ("http://127.0.0.1:%u/health", port);
  spec->ready_timeout_ms = 1500;
  server = vs_server_new (spec);
  g_assert_false (vs_server_start_sync (server, NULL, &error));
  pid = vs_server_get_pid (server);
  prefix = g_strdup_printf ("server was not ready within 1.5 s (http://127.0.0.1:%u/health: it "
                            "answered 503)\nThe last lines of its log:\n", port);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("unexpected message: %s", error->message);
  g_assert_true (vs_script_server_group_gone (pid));
  g_clear_error (&error);

  g_clear_pointer (&spec, vs_server_spec_free);
  spec = vs_script_server_spec (&port, "normal");
  spec->ready_kind = VS_SERVER_READY_HTTP;
  spec->ready_url = g_strdup_printf ("http://localhost:%u/health?x=1", port);
  server_ok = vs_server_new (spec);
  g_assert_true (vs_server_start_sync (server_ok, NULL, &error));
  g_assert_no_error (error);
  stop_and_check (server_ok);

  /* IPv6 loopback: by URL and by port */
  for (guint kind = 0; kind < 2; kind++)
    {
      g_autoptr(VsServerSpec) spec6 = vs_script_server_spec (&port, "normal");
      g_autoptr(VsServer) server6 = NULL;

      add_args (spec6, "--host", "::1");
      if (kind == 0)
        {
          spec6->ready_kind = VS_SERVER_READY_HTTP;
          spec6->ready_url = g_strdup_printf ("http://[::1]:%u/", port);
        }
      else
        spec6->ready_host = g_strdup ("::1");
      spec6->ready_timeout_ms = 3000;
      server6 = vs_server_new (spec6);
      /* a machine without ::1: the script's bind() fails, and its log says why */
      if (!vs_server_start_sync (server6, NULL, &error)
          && (strstr (error->message, "Address family not supported") != NULL
              || strstr (error->message, "Cannot assign requested address") != NULL))
        {
          g_test_skip ("no IPv6 loopback here");
          return;
        }
      g_assert_no_error (error);
      stop_and_check (server6);
    }
}

/* Exits before it is ready (a bad configuration), and crashes during the load. */
static void
test_crash (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(VsServer) early = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint16 port;
  pid_t pid;

  spec = vs_script_server_spec (&port, "crash 700");
  server = vs_server_new (spec);
  vs_server_start_sync (server, NULL, &error);
  g_assert_no_error (error);
  pid = vs_server_get_pid (server);
  for (int i = 0; i < 500 && vs_server_check_running (server, NULL); i++)
    g_usleep (20000);
  g_assert_false (vs_server_check_running (server, &error));
  expected = g_strdup_printf ("server exited during the run (exit status 3)\nThe last lines of "
                              "its log:\nscript %d mode crash\nlistening on 127.0.0.1:%u\n"
                              "crashing now", (int) pid, port);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  stop_and_check (server);

  g_strfreev (spec->argv);
  spec->argv = g_strsplit ("sh|-c|echo starting; echo 'bad config: port' >&2; exit 4", "|", -1);
  early = vs_server_new (spec);
  g_assert_false (vs_server_start_sync (early, NULL, &error));
  g_assert_cmpstr (error->message, ==, "server exited before it was ready (exit status 4)\n"
                                       "The last lines of its log:\nstarting\nbad config: port");
  g_assert_true (vs_script_server_group_gone (vs_server_get_pid (early)));
  g_clear_error (&error);

  {
    g_autoptr(VsServer) missing = NULL;

    g_strfreev (spec->argv);
    spec->argv = g_strsplit ("/nonexistent/server", " ", -1);
    missing = vs_server_new (spec);
    g_assert_false (vs_server_start_sync (missing, NULL, &error));
    g_assert_cmpstr (error->message, ==, "could not run “/nonexistent/server”: No such file or "
                                         "directory");
  }
}

/* A server that ignores SIGTERM is killed after stop_grace, and the caller is told so. */
static void
test_ignore_term (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  gint64 start;
  double took;
  guint16 port;
  pid_t pid;

  spec = vs_script_server_spec (&port, "ignore-term --workers 2");
  spec->stop_grace_ms = 800;
  server = vs_server_new (spec);
  vs_server_start_sync (server, NULL, &error);
  g_assert_no_error (error);
  wait_for_log (server, "with 2 workers");
  pid = vs_server_get_pid (server);
  start = g_get_monotonic_time ();
  g_assert_true (vs_server_stop_sync (server, &note, &error));
  took = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_assert_no_error (error);
  g_assert_cmpstr (note, ==, "server did not stop within 0.8 s of SIGTERM; killed");
  g_assert_cmpfloat (took, >=, 0.8);
  g_assert_cmpfloat (took, <, 5.0);
  g_assert_true (vs_script_server_group_gone (pid));
}

/* The emergency stop (for atexit and signal handlers) leaves nothing, also of a server that
 * ignores SIGTERM; the servers' own stop afterwards has nothing left to do. */
static void
test_emergency_stop (void)
{
  g_autoptr(VsServerSpec) spec_a = NULL;
  g_autoptr(VsServerSpec) spec_b = NULL;
  g_autoptr(VsServer) a = NULL;
  g_autoptr(VsServer) b = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;
  pid_t pid_a, pid_b;

  spec_a = vs_script_server_spec (&port, "normal --workers 2");
  spec_b = vs_script_server_spec (&port, "ignore-term");
  spec_b->stop_grace_ms = 500;
  a = vs_server_new (spec_a);
  b = vs_server_new (spec_b);
  g_assert_true (vs_server_start_sync (a, NULL, &error));
  g_assert_true (vs_server_start_sync (b, NULL, &error));
  g_assert_no_error (error);
  wait_for_log (a, "with 2 workers");
  pid_a = vs_server_get_pid (a);
  pid_b = vs_server_get_pid (b);

  vs_server_emergency_stop_all ();
  g_assert_true (vs_script_server_group_gone (pid_a));
  g_assert_true (vs_script_server_group_gone (pid_b));
  g_assert_true (vs_server_stop_sync (a, NULL, &error));
  g_assert_true (vs_server_stop_sync (b, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (vs_server_check_running (a, NULL));
}

/* Attached by PID: the whole tree is sampled, and Versus never stops it. */
static void
test_attach (void)
{
  g_autoptr(VsServerSpec) spec = NULL;
  g_autoptr(VsServer) managed = NULL;
  g_autoptr(VsServer) attached = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;
  pid_t pid;

  g_assert_null (vs_server_attach (999999999, &error));
  g_assert_cmpstr (error->message, ==, "no process with PID 999999999");
  g_clear_error (&error);

  spec = vs_script_server_spec (&port, "burn 3 --workers 2");
  managed = vs_server_new (spec);
  g_assert_true (vs_server_start_sync (managed, NULL, &error));
  wait_for_log (managed, "with 2 workers");
  pid = vs_server_get_pid (managed);

  attached = vs_server_attach (pid, &error);
  g_assert_no_error (error);
  g_assert_true (vs_server_is_attached (attached));
  check_tree_sample (attached, managed);
  g_assert_true (vs_server_check_running (attached, &error));

  /* the managed and the attached view of one tree, sampled from one scan, agree exactly */
  {
    VsServer *both[] = { managed, attached };
    VsProcSample samples[2];

    vs_server_sample_many (both, 2, samples);
    g_usleep (G_USEC_PER_SEC / 2);
    vs_server_sample_many (both, 2, samples);
    g_test_message ("managed %" G_GUINT64_FORMAT " ticks, attached %" G_GUINT64_FORMAT,
                    samples[0].cpu_ticks, samples[1].cpu_ticks);
    g_assert_cmpuint (samples[0].processes, ==, 3);
    g_assert_cmpuint (samples[1].processes, ==, 3);
    g_assert_cmpuint (samples[0].cpu_ticks, ==, samples[1].cpu_ticks);
    g_assert_cmpuint (samples[0].cpu_ticks, >, 0);
    g_assert_cmpuint (samples[0].memory_bytes, >, 0);
  }

  g_assert_true (vs_server_stop_sync (attached, NULL, &error));
  g_assert_no_error (error);
  g_usleep (100000);
  g_assert_cmpint (kill (pid, 0), ==, 0);
  g_assert_cmpuint (vs_proc_count_group (pid), ==, 3);
  stop_and_check (managed);
}

/* A failed assertion aborts the test: the emergency stop (the path Versus's own signal
 * handlers take) leaves no server of it running. */
static void
on_fatal_signal (int sig)
{
  vs_server_emergency_stop_all ();
  signal (sig, SIG_DFL);
  raise (sig);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGABRT, on_fatal_signal);
  signal (SIGTRAP, on_fatal_signal);
  g_test_message ("%u CPUs available", machine_cpus ());

  g_test_add_func ("/core/cpu-list/parse", test_cpu_list_parse);
  g_test_add_func ("/core/cpu-list/overlap", test_cpu_list_overlap);
  g_test_add_func ("/core/server/spec-validate", test_spec_validate);
  g_test_add_func ("/engine/server/start-idle-stop", test_start_idle_stop);
  g_test_add_func ("/engine/server/burn", test_burn);
  g_test_add_func ("/engine/server/tree", test_tree);
  g_test_add_func ("/engine/server/exited-child", test_exited_child);
  g_test_add_func ("/engine/server/exited-child-seen", test_exited_child_seen);
  g_test_add_func ("/engine/server/pinned", test_pinned);
  g_test_add_func ("/engine/server/env-cwd", test_env_cwd);
  g_test_add_func ("/engine/server/cancel-start", test_cancel_start);
  g_test_add_func ("/engine/server/never-ready", test_never_ready);
  g_test_add_func ("/engine/server/http-ready", test_http_ready);
  g_test_add_func ("/engine/server/crash", test_crash);
  g_test_add_func ("/engine/server/ignore-term", test_ignore_term);
  g_test_add_func ("/engine/server/emergency-stop", test_emergency_stop);
  g_test_add_func ("/engine/server/attach", test_attach);
  return g_test_run ();
}
