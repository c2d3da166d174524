/* test-run.c: the run controller's contract with the main context */
#include <glib-object.h>
#include <glib/gstdio.h>

#include <string.h>

#include "vs-error.h"
#include "vs-run.h"

typedef struct
{
  GThread *main_thread;
  guint    ticks;
  guint    ticks_elsewhere;
  gboolean finished;
} Seen;

static void
on_tick (VsRun *run,
         Seen  *seen)
{
  seen->ticks++;
  if (g_thread_self () != seen->main_thread)
    seen->ticks_elsewhere++;
}

static void
on_finished (VsRun *run,
             Seen  *seen)
{
  seen->finished = TRUE;
}

/* Ticks and "finished" arrive on the thread that started the run, even when that thread was
 * busy elsewhere while the controller delivered them (nobody owned the main context then). */
static void
test_run_signals_on_main_thread (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsRun) run = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { g_thread_self (), 0, 0, FALSE };

  /* port 1 on loopback refuses at once: the run counts connect errors and ends on time */
  vs_plan_add_target (plan, vs_target_new ("refused", "http://127.0.0.1:1/"));
  plan->load.connections = 1;
  plan->load.duration_us = 300 * 1000;
  plan->tick_us = 100 * 1000;

  run = vs_run_new (plan);
  g_signal_connect (run, "tick", G_CALLBACK (on_tick), &seen);
  g_signal_connect (run, "finished", G_CALLBACK (on_finished), &seen);
  g_assert_true (vs_run_start (run, &error));
  g_assert_no_error (error);

  /* the whole run happens while this thread does not iterate the context */
  g_usleep (600 * 1000);
  g_assert_cmpuint (seen.ticks, ==, 0);

  while (!seen.finished)
    g_main_context_iteration (NULL, TRUE);

  /* every interval the results hold was delivered as a tick, none was lost while nobody
   * iterated (how many intervals a 300 ms run gets depends on how the machine schedules the
   * controller, so their number is not fixed) */
  g_assert_cmpuint (seen.ticks, >=, 1);
  g_assert_cmpuint (seen.ticks, ==,
                    vs_results_get_target (vs_run_get_results (run), 0)->intervals->len);
  g_assert_cmpuint (seen.ticks_elsewhere, ==, 0);
  g_assert_false (vs_run_is_running (run));
  g_assert_cmpuint (vs_results_get_target (vs_run_get_results (run), 0)
                      ->total->counters.errors[VS_ERROR_CLASS_CONNECT], >, 0);
}

/* Whoever started a run may drop it at once (a window closing mid-run): the run lives on until
 * "finished" has been delivered, and then goes away. */
static void
test_run_dropped_while_running (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(GError) error = NULL;
  Seen seen = { g_thread_self (), 0, 0, FALSE };
  VsRun *run;
  GWeakRef weak;

  vs_plan_add_target (plan, vs_target_new ("refused", "http://127.0.0.1:1/"));
  plan->load.connections = 1;
  plan->load.duration_us = 10 * G_USEC_PER_SEC;
  plan->tick_us = 100 * 1000;

  run = vs_run_new (plan);
  g_weak_ref_init (&weak, run);
  g_signal_connect (run, "finished", G_CALLBACK (on_finished), &seen);
  g_assert_true (vs_run_start (run, &error));
  g_assert_no_error (error);
  vs_run_stop (run);
  g_object_unref (run);

  while (!seen.finished)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

typedef struct
{
  GThread  *main_thread;
  gboolean  done;
  gboolean  started;
  gboolean  on_main;
  GError   *error;
} Start;

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  Start *start = data;

  start->done = TRUE;
  start->on_main = g_thread_self () == start->main_thread;
  start->started = vs_run_start_finish (VS_RUN (object), result, &start->error);
}

/* vs_run_start_async(): the plan is validated and the body file read on the controller thread;
 * the call returns at once, the callback comes on the starting thread, then ticks and
 * "finished". A start that fails says why through the callback, and nothing follows. */
static void
test_run_start_async (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsRun) run = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-run-XXXXXX", NULL);
  g_autofree char *body = g_build_filename (dir, "body", NULL);
  Seen seen = { g_thread_self (), 0, 0, FALSE };
  Start start = { g_thread_self (), FALSE, FALSE, FALSE, NULL };
  VsTarget *target;

  g_assert_true (g_file_set_contents (body, "0123456789", 10, NULL));
  target = vs_target_new ("refused", "http://127.0.0.1:1/");
  target->body_file = g_strdup (body);
  vs_plan_add_target (plan, target);
  plan->load.connections = 1;
  plan->load.duration_us = 300 * 1000;
  plan->tick_us = 100 * 1000;

  run = vs_run_new (plan);
  g_signal_connect (run, "tick", G_CALLBACK (on_tick), &seen);
  g_signal_connect (run, "finished", G_CALLBACK (on_finished), &seen);
  vs_run_start_async (run, NULL, on_started, &start);
  g_assert_true (vs_run_is_running (run));
  g_assert_null (vs_run_get_results (run));
  while (!seen.finished)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (start.done);
  g_assert_true (start.on_main);
  g_assert_no_error (start.error);
  g_assert_true (start.started);
  g_assert_cmpuint (seen.ticks, >=, 3);
  g_assert_cmpuint (seen.ticks_elsewhere, ==, 0);
  g_assert_cmpuint (g_bytes_get_size (vs_plan_get_target (plan, 0)->request->body), ==, 10);
  g_assert_nonnull (vs_run_get_results (run));
  g_clear_object (&run);

  /* the body file is gone by the time the run starts: the callback says so, nothing else */
  g_unlink (body);
  memset (&seen, 0, sizeof seen);
  seen.main_thread = g_thread_self ();
  memset (&start, 0, sizeof start);
  start.main_thread = g_thread_self ();
  run = vs_run_new (plan);
  g_signal_connect (run, "tick", G_CALLBACK (on_tick), &seen);
  g_signal_connect (run, "finished", G_CALLBACK (on_finished), &seen);
  vs_run_start_async (run, NULL, on_started, &start);
  while (!start.done)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  g_assert_false (start.started);
  g_assert_error (start.error, VS_ERROR, VS_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (start.error->message, "targets[0].body_file: cannot read"));
  g_assert_false (vs_run_is_running (run));
  g_assert_false (seen.finished);
  g_assert_cmpuint (seen.ticks, ==, 0);
  g_clear_error (&start.error);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/run/signals-on-main-thread", test_run_signals_on_main_thread);
  g_test_add_func ("/engine/run/dropped-while-running", test_run_dropped_while_running);
  g_test_add_func ("/engine/run/start-async", test_run_start_async);

  return g_test_run ();
}
