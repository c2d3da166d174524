/* vs-cli.c: `versus run`, the headless command line
 *
 * Flags (or a plan file) → a validated plan → a VsRun on a main loop → the side-by-side table
 * on stdout → the result files. Exit status: 0 done, 1 a target could not be reached (or the
 * table or a result file could not be written), 2 invalid input, 3 the run went well but a
 * threshold failed (1 and 2 say more, and win).
 *
 * Signals: the first SIGINT (Ctrl+C) or SIGTERM (what `timeout` and CI runners send) ends the
 * run and still reports and writes what was measured; a second one ends the process at once.
 * SIGPIPE is ignored, so that `versus run … | head` still writes its files (the broken stdout
 * is said on stderr), and so is SIGXFSZ, so that a file size limit fails the write (the old
 * file is kept) instead of killing the process. The servers the run started are stopped when it
 * ends, also after the first signal; a second one stops whatever is still running of them
 * (vs_server_emergency_stop_all()) before the process ends by that signal.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include <math.h>

#include "vs-capacity.h"
#include "vs-cli.h"
#include "vs-cli-options.h"
#include "vs-cli-progress.h"
#include "vs-cli-summary.h"
#include "vs-error.h"
#include "vs-export.h"
#include "vs-hgrm.h"
#include "vs-hlog.h"
#include "vs-run.h"
#include "vs-server.h"
#include "vs-signals.h"
#include "vs-slo.h"
#include "vs-summary.h"

#define EXIT_UNREACHABLE 1
#define EXIT_INVALID     2
#define EXIT_THRESHOLD   3

static const int quit_signals[] = { SIGINT, SIGTERM };

typedef struct
{
  GMainLoop     *loop;
  VsRun         *run;
  VsCliProgress *progress;  /* NULL when not drawing */
  const char    *interrupted;  /* the signal that ended the run early, or NULL */
} Session;

static void
on_tick (VsRun   *run,
         Session *session)
{
  if (session->progress != NULL)
    vs_cli_progress_update (session->progress);
}

static void
on_finished (VsRun   *run,
             Session *session)
{
  g_main_loop_quit (session->loop);
}

/* The first Ctrl+C or SIGTERM ends the run and still reports what was measured; a second one
 * ends the process at once, the servers stopped first (vs-signals.h). */
static void
interrupt (int      signo,
           gpointer data)
{
  Session *session = data;

  session->interrupted = signo == SIGINT ? "SIGINT" : "SIGTERM";
  vs_run_stop (session->run);
}

/* Prints @text on stdout (in the locale's charset, as g_print() would) and says so on stderr
 * when it could not be written: a closed pipe, a full disk. */
static gboolean
print_stdout (const char *text)
{
  g_autofree char *converted = NULL;
  const char *charset;

  if (!g_get_charset (&charset))
    converted = g_convert_with_fallback (text, -1, charset, "UTF-8", "?", NULL, NULL, NULL);

  errno = 0;
  if (fputs (converted != NULL ? converted : text, stdout) == EOF || fflush (stdout) == EOF)
    {
      int saved_errno = errno;

      g_printerr ("versus: %s: %s\n", _("could not write the table to standard output"),
                  g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static int
exit_status_for (const GError *error)
{
  if (g_error_matches (error, VS_ERROR, VS_ERROR_INVALID))
    return EXIT_INVALID;
  return EXIT_UNREACHABLE;
}

static int
write_results (VsCliOptions *options,
               VsResults    *results)
{
  g_autoptr(GError) csv_error = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autoptr(GError) hlog_error = NULL;
  g_autoptr(GError) hgrm_error = NULL;

  /* every output asked for is written, whatever becomes of the others; each failure is said */
  if (options->csv_dir != NULL && !vs_export_csv_dir (results, options->csv_dir, &csv_error))
    g_printerr ("versus: --csv: %s\n", csv_error->message);
  if (options->json_file != NULL &&
      !vs_export_json_file (results, options->json_file, &json_error))
    g_printerr ("versus: --json: %s\n", json_error->message);
  if (options->hlog_file != NULL &&
      !vs_hlog_write_file (results, options->hlog_file, &hlog_error))
    g_printerr ("versus: --hlog: %s\n", hlog_error->message);
  if (options->hgrm_dir != NULL && !vs_hgrm_write_dir (results, options->hgrm_dir, &hgrm_error))
    g_printerr ("versus: --hgrm: %s\n", hgrm_error->message);

  return csv_error != NULL || json_error != NULL || hlog_error != NULL || hgrm_error != NULL
           ? EXIT_UNREACHABLE : 0;
}

typedef struct
{
  GMainLoop  *loop;
  const char *interrupted;
} Wait;

static gboolean
on_wait_over (gpointer data)
{
  g_main_loop_quit (((Wait *) data)->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_wait_sigint (gpointer data)
{
  ((Wait *) data)->interrupted = "SIGINT";
  g_main_loop_quit (((Wait *) data)->loop);
  return G_SOURCE_CONTINUE;  /* removed by wait_until() */
}

static gboolean
on_wait_sigterm (gpointer data)
{
  ((Wait *) data)->interrupted = "SIGTERM";
  g_main_loop_quit (((Wait *) data)->loop);
  return G_SOURCE_CONTINUE;
}

/* --start-at: waits on the wall clock until start_at_us (looking again at least every second, so
 * that a clock set meanwhile is followed); FALSE when Ctrl+C or SIGTERM came first. */
static gboolean
wait_until (gint64 start_at_us)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait wait = { loop, NULL };
  guint sigint_id, sigterm_id;
  gint64 left = start_at_us - g_get_real_time ();

  if (left < -G_USEC_PER_SEC)
    g_printerr ("versus: --start-at: %s\n",
                _("the time passed before Versus was ready; starting now, late"));

  sigint_id = g_unix_signal_add (SIGINT, on_wait_sigint, &wait);
  sigterm_id = g_unix_signal_add (SIGTERM, on_wait_sigterm, &wait);
  while (wait.interrupted == NULL && (left = start_at_us - g_get_real_time ()) >= 1000)
    {
      g_autoptr(GSource) timeout = g_timeout_source_new ((guint) MIN (left / 1000, 1000));

      g_source_set_callback (timeout, on_wait_over, &wait, NULL);
      g_source_attach (timeout, NULL);
      g_main_loop_run (loop);
      g_source_destroy (timeout);  /* when a signal came first */
    }
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  if (wait.interrupted != NULL)
    {
      g_printerr ("versus: %s (%s)\n", _("interrupted while waiting for --start-at; nothing was "
                                          "run"), wait.interrupted);
      return FALSE;
    }
  if (left > 0)
    g_usleep ((gulong) left);
  return TRUE;
}

/* Nothing of a plan with commands runs before a person has agreed to exactly these. */
static gboolean
check_consent (VsCliOptions *options)
{
  g_autoptr(GPtrArray) commands = NULL;

  if (options->allow_commands || !vs_plan_has_commands (options->plan))
    return TRUE;

  commands = vs_plan_list_commands (options->plan);
  g_printerr ("versus: %s\n",
              ngettext ("the plan starts a server with this command; run it again with "
                        "--allow-commands to agree:",
                        "the plan starts servers with these commands; run it again with "
                        "--allow-commands to agree:", commands->len));
  for (guint i = 0; i < commands->len; i++)
    {
      g_autofree char *text = vs_plan_command_describe (g_ptr_array_index (commands, i));
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

      for (guint l = 0; lines[l] != NULL; l++)
        g_printerr ("  %s\n", lines[l]);
    }
  return FALSE;
}

/* Each failed server with its log's last lines; TRUE when there was one. */
static gboolean
print_server_failures (VsResults *results)
{
  VsServerSet *servers = vs_results_get_servers (results);
  gboolean any = FALSE;

  for (guint t = 0; servers != NULL && t < vs_server_set_get_n_targets (servers); t++)
    {
      g_autofree char *failure = vs_server_set_dup_failure (servers, t);

      if (failure == NULL)
        continue;
      g_printerr ("versus: %s: %s\n", vs_results_get_target (results, t)->target->name,
                  failure);
      any = TRUE;
    }
  return any;
}

static int
run_plan (VsCliOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsRun) run = vs_run_new (options->plan);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) unreachable = NULL;
  g_autofree char *summary = NULL;
  Session session = { loop, run, NULL, NULL };
  VsSignalWatch *watch;
  VsResults *results;
  gboolean printed;
  gboolean servers_failed;
  int status;

  if (!check_consent (options))
    return EXIT_INVALID;

  if (!options->quiet && isatty (STDERR_FILENO))
    session.progress = vs_cli_progress_new (run, stderr);

  g_signal_connect (run, "tick", G_CALLBACK (on_tick), &session);
  g_signal_connect (run, "finished", G_CALLBACK (on_finished), &session);
  /* check_consent() let it come this far */
  vs_run_set_allow_commands (run, TRUE);

  if (options->start_at_us != 0 && !wait_until (options->start_at_us))
    {
      g_clear_pointer (&session.progress, vs_cli_progress_free);
      return EXIT_UNREACHABLE;
    }

  if (!vs_run_start (run, &error))
    {
      g_printerr ("versus: %s\n", error->message);
      g_clear_pointer (&session.progress, vs_cli_progress_free);
      return exit_status_for (error);
    }

  watch = vs_signal_watch_new (quit_signals, G_N_ELEMENTS (quit_signals), interrupt, &session);
  g_main_loop_run (loop);
  g_clear_pointer (&watch, vs_signal_watch_free);
  g_signal_handlers_disconnect_by_data (run, &session);

  if (session.progress != NULL)
    {
      vs_cli_progress_clear (session.progress);
      g_clear_pointer (&session.progress, vs_cli_progress_free);
    }

  results = vs_run_get_results (run);
  summary = vs_cli_summary_render (results);
  printed = print_stdout (summary);

  if (session.interrupted != NULL)
    g_printerr ("versus: %s (%s)\n", _("interrupted; the figures cover the run up to then"),
                session.interrupted);
  if (vs_run_get_error (run) != NULL)
    g_printerr ("versus: %s\n", vs_run_get_error (run)->message);

  unreachable = vs_cli_summary_unreachable (results);
  for (guint i = 0; i < unreachable->len; i++)
    g_printerr ("versus: %s\n", (const char *) g_ptr_array_index (unreachable, i));
  servers_failed = print_server_failures (results);

  status = write_results (options, results);
  if (status == 0 && (unreachable->len > 0 || servers_failed || vs_run_get_error (run) != NULL ||
                      !printed))
    status = EXIT_UNREACHABLE;
  if (status == 0 && vs_slo_any_failed (results))
    status = EXIT_THRESHOLD;

  return status;
}

typedef struct
{
  GMainLoop  *loop;
  VsCapacity *capacity;
  const char *interrupted;
} Search;

static void
on_capacity_step (VsCapacity           *capacity,
                  const VsCapacityStep *step,
                  Search               *search)
{
  VsResults *results = step->results;
  const char *name = vs_results_get_target (results, 0)->target->name;
  g_autofree char *rps = vs_summary_format_cell (results, 0, vs_summary_find_metric ("rps"),
                                                 VS_FORMAT_C);
  g_autofree char *p99 = vs_summary_format_cell (results, 0,
                                                 vs_summary_find_metric ("latency_p99_ms"),
                                                 VS_FORMAT_C);
  g_autofree char *line = NULL;

  /* TRANSLATORS: "node: step 3 (raise) at 160 req/s: kept (throughput 159 req/s, p99 25.3 ms)" */
  line = g_strdup_printf (_("%s: step %u (%s) at %.0f req/s: %s (throughput %s, p99 %s)\n"),
                          name, step->step, step->phase == VS_CAPACITY_RAISE ? "raise" : "bisect",
                          step->rate, step->kept ? _("kept") : step->why, rps, p99);
  print_stdout (line);
}

static void
on_capacity_finished (VsCapacity *capacity,
                      Search     *search)
{
  g_main_loop_quit (search->loop);
}

/* The first quit signal ends the search after the step it stops; a second ends the process. */
static void
on_capacity_signal (int      signo,
                    gpointer data)
{
  Search *search = data;

  search->interrupted = signo == SIGINT ? "SIGINT" : "SIGTERM";
  vs_capacity_stop (search->capacity);
}

/* mode capacity: the search, a line per step, a line per target; 0 when every target kept
 * some rate, 3 when one kept none, 1 when a step failed to run or a file to be written. */
static int
run_capacity (VsCliOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsCapacity) capacity = vs_capacity_new (options->plan);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(VsSignalWatch) watch = NULL;
  Search search = { loop, capacity, NULL };
  VsPlan *plan = vs_capacity_get_plan (capacity);
  int status = 0;

  /* what the search cannot write is said before it runs, not left out after */
  if (options->hlog_file != NULL || options->hgrm_dir != NULL)
    {
      g_printerr ("versus: %s: %s\n", options->hlog_file != NULL ? "--hlog" : "--hgrm",
                  _("a capacity search writes --csv and --json, not HdrHistogram files"));
      return EXIT_INVALID;
    }

  g_signal_connect (capacity, "step", G_CALLBACK (on_capacity_step), &search);
  g_signal_connect (capacity, "finished", G_CALLBACK (on_capacity_finished), &search);
  if (!vs_capacity_start (capacity, &error))
    {
      g_printerr ("versus: %s\n", error->message);
      return exit_status_for (error);
    }
  watch = vs_signal_watch_new (quit_signals, G_N_ELEMENTS (quit_signals), on_capacity_signal,
                               &search);
  g_main_loop_run (loop);
  g_clear_pointer (&watch, vs_signal_watch_free);
  g_signal_handlers_disconnect_by_data (capacity, &search);

  print_stdout ("\n");
  for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
    {
      g_autofree char *line = vs_capacity_describe (capacity, t);
      g_autofree char *text = g_strconcat (line, "\n", NULL);

      if (isnan (vs_capacity_get_result (capacity, t)->capacity_rps))
        status = EXIT_THRESHOLD;
      print_stdout (text);
    }
  if (search.interrupted != NULL)
    g_printerr ("versus: %s\n", _("interrupted; the search covers the steps up to then"));
  if (vs_capacity_get_error (capacity) != NULL)
    {
      g_printerr ("versus: %s\n", vs_capacity_get_error (capacity)->message);
      status = EXIT_UNREACHABLE;
    }
  /* both are written, whatever becomes of the other; each failure is said */
  if (options->csv_dir != NULL &&
      !vs_export_capacity_csv_dir (capacity, options->csv_dir, &error))
    {
      g_printerr ("versus: --csv: %s\n", error->message);
      status = EXIT_UNREACHABLE;
    }
  g_clear_error (&error);
  if (options->json_file != NULL &&
      !vs_export_capacity_json_file (capacity, options->json_file, &error))
    {
      g_printerr ("versus: --json: %s\n", error->message);
      status = EXIT_UNREACHABLE;
    }
  return status;
}

int
vs_cli_main (int    argc,
             char **argv)
{
  g_auto(VsCliOptions) options = { 0 };
  g_autoptr(GError) error = NULL;

  g_set_prgname ("versus run");

  /* a closed stdout or a file size limit is an error to report, not a reason to die */
  signal (SIGPIPE, SIG_IGN);
  signal (SIGXFSZ, SIG_IGN);

  if (!vs_cli_options_parse (&options, argc, argv, &error))
    {
      g_printerr ("versus: %s\n", error->message);
      return EXIT_INVALID;
    }

  if (options.version)
    {
      g_print ("versus %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (options.save_plan != NULL)
    {
      if (!vs_plan_save_to_file (options.plan, options.save_plan, &error))
        {
          g_printerr ("versus: --save-plan: %s\n", error->message);
          return exit_status_for (error);
        }
      return 0;
    }

  /* the table and files are out once a run is over: its connections are left for exit() to
   * close, which takes no time, where tearing thousands of libsoup ones down takes seconds */
  vs_run_set_exit_after (TRUE);
  if (options.plan->mode == VS_MODE_CAPACITY)
    return run_capacity (&options);
  return run_plan (&options);
}

int
vs_cli_main_no_gui (int    argc,
                    char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_strcmp0 (argv[i], "--version") == 0)
        {
          g_print ("versus %s\n", PACKAGE_VERSION);
          return 0;
        }
      if (g_strcmp0 (argv[i], "--help") == 0 || g_strcmp0 (argv[i], "-h") == 0)
        {
          g_print ("%s\n", _("Usage:\n  versus run [OPTION…] URL…\n\n"
                             "This build has no window; “versus run --help” lists the options."));
          return 0;
        }
    }

  g_printerr ("%s\n", _("This build of Versus has no window. Compare backends from the command "
                        "line with “versus run URL…” (see “versus run --help”)."));
  return argc > 1 ? EXIT_INVALID : 0;
}
