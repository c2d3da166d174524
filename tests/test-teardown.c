/* test-teardown.c: a run stops on time whatever its connections cost to close
 *
 * Closing thousands of libsoup connections takes seconds of CPU. A run's figures are final once
 * each worker has settled (vs_worker_settle()); "finished" must not wait for the teardown after
 * that, and the teardown must not change what was reported. No wall time is measured: a settle
 * hook holds every worker thread right after it settled, before any connection closes, so a run
 * that waited for the teardown could never finish; and the test server says which connections
 * are still open.
 */
#include <glib-object.h>

#include <gio/gio.h>

#include "vs-export.h"
#include "vs-job.h"
#include "vs-raw-server.h"
#include "vs-results.h"
#include "vs-run.h"

#define N_CONNECTIONS 64
#define N_THREADS     2

/* Bounds for waiting on something that takes milliseconds, so that a failure is reported
 * rather than hung. */
#define WAIT_US (30 * G_USEC_PER_SEC)

static struct
{
  GMutex   lock;
  GCond    cond;
  guint    settled;    /* workers held in the hook */
  gboolean released;
} hold;

static void
hold_settled (VsJob    *job,
              VsWorker *worker)
{
  g_mutex_lock (&hold.lock);
  hold.settled++;
  g_cond_broadcast (&hold.cond);
  while (!hold.released)
    g_cond_wait (&hold.cond, &hold.lock);
  g_mutex_unlock (&hold.lock);
}

static void
count_settled (VsJob    *job,
               VsWorker *worker)
{
  g_mutex_lock (&hold.lock);
  hold.settled++;
  g_mutex_unlock (&hold.lock);
}

static guint
held (void)
{
  guint n;

  g_mutex_lock (&hold.lock);
  n = hold.settled;
  g_mutex_unlock (&hold.lock);
  return n;
}

/* The hook runs just after a worker is marked settled, which is all the run waits for: the
 * last one may reach it a moment after "finished". */
static void
wait_held (guint n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (held () < n && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint (held (), ==, n);
}

static void
release (void)
{
  g_mutex_lock (&hold.lock);
  hold.released = TRUE;
  g_cond_broadcast (&hold.cond);
  g_mutex_unlock (&hold.lock);
}

static void
hold_reset (VsJobSettleHook hook)
{
  hold.settled = 0;
  hold.released = FALSE;
  vs_job_set_settle_hook (hook);
}

static void
on_finished (VsRun    *run,
             gboolean *finished)
{
  *finished = TRUE;
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until "finished" or WAIT_US; TRUE if it came. */
static gboolean
wait_finished (gboolean *finished)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (WAIT_US / 1000, on_timeout, &timed_out);

  while (!*finished && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *finished;
}

static char *
results_json (VsRun *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();

  g_assert_true (vs_export_json (vs_run_get_results (run), stream, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (stream, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (stream, NULL, NULL));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (stream));
}

static VsRawServerCounts
counts_of (VsRawServer *server)
{
  VsRawServerCounts counts;

  vs_raw_server_get_counts (server, &counts);
  return counts;
}

/* Waits (bounded) until the server has seen n requests. */
static void
wait_requests (VsRawServer *server,
               guint64      n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (counts_of (server).requests < n && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint (counts_of (server).requests, ==, n);
}

/* Waits (bounded) until the server has seen every connection closed. */
static void
wait_all_closed (VsRawServer *server)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (counts_of (server).open > 0 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint (counts_of (server).open, ==, 0);
}

/* N_CONNECTIONS connections to /hang, which the server never answers. */
static VsPlan *
hang_plan (VsRawServer *server,
           const char  *engine)
{
  VsPlan *plan = vs_plan_new ();
  g_autofree char *url = vs_raw_server_url (server, "/hang");

  vs_plan_add_target (plan, vs_target_new ("held", url));
  plan->engine = g_str_equal (engine, "soup") ? VS_ENGINE_KIND_SOUP : VS_ENGINE_KIND_NATIVE;
  plan->load.connections = N_CONNECTIONS;
  plan->load.threads = N_THREADS;
  plan->load.duration_us = 60 * G_USEC_PER_SEC;
  plan->load.timeout_us = 60 * G_USEC_PER_SEC;
  plan->tick_us = 100 * 1000;
  return plan;
}

static VsRun *
start (VsPlan   *plan,
       gboolean *finished)
{
  g_autoptr(GError) error = NULL;
  VsRun *run = vs_run_new (plan);

  g_signal_connect (run, "finished", G_CALLBACK (on_finished), finished);
  g_assert_true (vs_run_start (run, &error));
  g_assert_no_error (error);
  return run;
}

/* N_CONNECTIONS requests the server holds unanswered, then a stop (Ctrl-C): "finished" arrives
 * while every worker is held after settling, its connections still open (the server says so)
 * and the job not freed; once they are let go, the teardown changes nothing in the results. */
static void
test_after_finished (gconstpointer data)
{
  g_autoptr(VsRawServer) server = vs_raw_server_new ();
  g_autoptr(VsPlan) plan = hang_plan (server, data);
  g_autoptr(VsRun) run = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const VsTargetResult *target;
  gboolean finished = FALSE;

  hold_reset (hold_settled);
  run = start (plan, &finished);
  wait_requests (server, N_CONNECTIONS);

  vs_run_stop (run);
  if (!wait_finished (&finished))
    {
      /* let the run end so that the failure is reported, not a hang */
      release ();
      wait_finished (&finished);
    }
  g_assert_true (finished);
  g_assert_false (hold.released);

  /* the run finished with every worker settled and none torn down: each is still in the hook,
   * the job is not freed, and its connections are open */
  wait_held (N_THREADS);
  g_assert_cmpuint (vs_job_get_n_retired (), ==, 1);
  g_assert_false (vs_run_is_running (run));
  g_assert_cmpuint (counts_of (server).open, ==, N_CONNECTIONS);

  /* the requests abandoned at the stop are in no figure (neither answered nor failed) */
  target = vs_results_get_target (vs_run_get_results (run), 0);
  g_assert_cmpuint (target->total->counters.requests, ==, 0);
  g_assert_cmpuint (target->total->counters.responses, ==, 0);
  before = results_json (run);

  /* the teardown, after the report, cannot change it */
  release ();
  vs_job_wait_retired ();
  g_assert_cmpuint (vs_job_get_n_retired (), ==, 0);
  wait_all_closed (server);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  after = results_json (run);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (counts_of (server).requests, ==, N_CONNECTIONS);
  g_assert_cmpuint (counts_of (server).connections, ==, N_CONNECTIONS);

  vs_job_set_settle_hook (NULL);
}

/* The end of a run by duration with every request in flight and never answered: the drain
 * gives each its timeout, then each is a timeout, exactly as many as the server received, and
 * the run finishes without tearing the workers down (the command line's way: the process exits
 * and the kernel closes what is left). The next job made tears them down first. */
static void
test_drain_timeouts (gconstpointer data)
{
  g_autoptr(VsRawServer) server = vs_raw_server_new ();
  g_autoptr(VsPlan) plan = hang_plan (server, data);
  g_autoptr(VsRun) run = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const VsTargetResult *target;
  gboolean finished = FALSE;

  plan->load.duration_us = 300 * 1000;
  plan->load.timeout_us = 500 * 1000;
  hold_reset (count_settled);
  vs_job_set_retire_at_exit (TRUE);
  run = start (plan, &finished);
  g_assert_true (wait_finished (&finished));
  wait_held (N_THREADS);

  /* the server received one request per connection, and none was answered: each is a
   * timeout, and nothing else was counted */
  target = vs_results_get_target (vs_run_get_results (run), 0);
  g_assert_cmpuint (counts_of (server).requests, ==, N_CONNECTIONS);
  g_assert_cmpuint (counts_of (server).connections, ==, N_CONNECTIONS);
  g_assert_cmpuint (target->total->counters.requests, ==, N_CONNECTIONS);
  g_assert_cmpuint (target->total->counters.errors[VS_ERROR_CLASS_TIMEOUT], ==, N_CONNECTIONS);
  g_assert_cmpuint (target->total->counters.responses, ==, 0);
  g_assert_cmpuint (target->total->counters.unsent, ==, 0);

  /* the job is kept with its workers waiting until a teardown (the timed-out requests' own
   * connections were closed: an HTTP/1.1 request is cancelled no other way) */
  g_assert_cmpuint (vs_job_get_n_retired (), ==, 1);
  before = results_json (run);

  vs_job_set_retire_at_exit (FALSE);
  vs_job_wait_retired ();
  g_assert_cmpuint (vs_job_get_n_retired (), ==, 0);
  wait_all_closed (server);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  after = results_json (run);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (counts_of (server).requests, ==, N_CONNECTIONS);

  vs_job_set_settle_hook (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/engine/teardown/after-finished/soup", "soup", test_after_finished);
  g_test_add_data_func ("/engine/teardown/after-finished/native", "native",
                        test_after_finished);
  g_test_add_data_func ("/engine/teardown/drain-timeouts/soup", "soup", test_drain_timeouts);
  g_test_add_data_func ("/engine/teardown/drain-timeouts/native", "native",
                        test_drain_timeouts);

  return g_test_run ();
}
