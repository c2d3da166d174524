/* test-run.c: the run controller's contract with the main context */
#include <glib-object.h>

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/run/signals-on-main-thread", test_run_signals_on_main_thread);
  g_test_add_func ("/engine/run/dropped-while-running", test_run_dropped_while_running);

  return g_test_run ();
}
