/* test-window.c: the real window, driven as a person would — load a plan, start it against an
 * in-process server, watch the cards and charts fill, stop, export, and the plan editor's
 * error marks. Runs under Xvfb (skips without a display). */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "vs-app-testing.h"
#include "vs-application.h"
#include "vs-autosave.h"
#include "vs-capacity-view.h"
#include "vs-chart-render.h"
#include "vs-consent.h"
#include "vs-cpu-list.h"
#include "vs-palette.h"
#include "vs-pool-server.h"
#include "vs-results-table.h"
#include "vs-rounds.h"
#include "vs-rounds-strip.h"
#include "vs-slow-resolver.h"
#include "vs-summary.h"
#include "vs-test-server.h"
#include "vs-window-private.h"
#include "vs-test-image.h"
#include "vs-units.h"
#include "vs-test-ui.h"
#include "vs-test-quarks.h"
#include "vs-test-files.h"

static gboolean have_display;

/* ---- helpers ---------------------------------------------------------------------------- */

static gboolean
not_running (gpointer data)
{
  return !vs_window_is_running (data);
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* The run closed its connections; give the server's thread a moment to see them go before it
 * stops, so that it frees them. */
static void
let_connections_close (void)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 4;

  vs_test_iterate_until (time_passed, &until, 1);
}

static gboolean
has_width (gpointer data)
{
  return gtk_widget_get_width (data) > 0;
}

static gboolean
has_frames (gpointer data)
{
  return vs_frame_stats_get_count (vs_window_get_frame_stats (data)) > 0;
}

static VsPlan *
make_plan (VsTestServer *server,
           double        seconds)
{
  VsPlan *plan = vs_plan_new ();
  g_autofree char *a = server != NULL ? vs_test_server_url (server, "/ok")
                                      : g_strdup ("http://127.0.0.1:8081/");
  g_autofree char *b = server != NULL ? vs_test_server_url (server, "/ok?b")
                                      : g_strdup ("http://127.0.0.1:8082/");

  vs_plan_add_target (plan, vs_target_new ("alpha", a));
  vs_plan_add_target (plan, vs_target_new ("beta", b));
  plan->load.connections = 2;
  plan->load.threads = 1;
  plan->load.duration_us = (gint64) (seconds * G_USEC_PER_SEC);
  plan->load.warmup_us = G_USEC_PER_SEC / 2;
  return plan;
}

static VsWindow *
make_window (void)
{
  VsWindow *window = vs_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static const VsChartSeries *
find_series (VsChartModel *model,
             const char   *label)
{
  for (guint i = 0; i < vs_chart_model_get_n_series (model); i++)
    {
      const VsChartSeries *s = vs_chart_model_get_series (model, i);

      if (g_strcmp0 (s->label, label) == 0)
        return s;
    }
  return NULL;
}

typedef struct
{
  guint ticks;
  guint wanted;
} TickCount;

static void
count_tick (VsRun     *run,
            TickCount *count)
{
  count->ticks++;
}

static gboolean
enough_ticks (gpointer data)
{
  TickCount *count = data;

  return count->ticks >= count->wanted;
}

static gboolean
has_plan_file (gpointer data)
{
  return VS_WINDOW (data)->plan_file != NULL;
}

typedef struct
{
  VsDashboard *dashboard;
  VsResults   *before;
} Replacing;

/* The dashboard shows other results than before. */
static gboolean
results_replaced (gpointer data)
{
  Replacing *replacing = data;

  return vs_dashboard_get_results (replacing->dashboard) != replacing->before;
}

typedef struct
{
  VsDashboard *dashboard;
  VsCapacity  *before;
} CapacityReplacing;

/* The dashboard shows another capacity search than before. */
static gboolean
capacity_replaced (gpointer data)
{
  CapacityReplacing *replacing = data;
  VsCapacity *shown = vs_dashboard_get_capacity (replacing->dashboard);

  return shown != NULL && shown != replacing->before;
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Whether widget or anything inside it has the style class. */
static gboolean
has_class_inside (GtkWidget  *widget,
                  const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_class_inside (child, css_class))
      return TRUE;
  return FALSE;
}

/* Stats of n responses of latency_us each and n_failed connect errors. */
static VsStats *
make_stats (guint  n,
            gint64 latency_us,
            guint  n_failed)
{
  VsStats *stats = vs_stats_new ();
  VsStatusRule rule = { { 0 } };

  g_assert_true (vs_status_rule_parse (&rule, "2xx", NULL));
  for (guint i = 0; i < n; i++)
    {
      vs_stats_record_send (stats, i, i, 100);
      vs_stats_record_response (stats, &rule, 200, i, i, i + latency_us, 1000);
    }
  for (guint i = 0; i < n_failed; i++)
    vs_stats_record_failure (stats, VS_ERROR_CLASS_CONNECT, 0);
  return stats;
}

static void
add_snapshot (VsResults *results,
              VsPhase    phase,
              double     start_s,
              VsStats   *stats,      /* taken */
              VsStats   *measured,   /* taken; NULL: as the phase says */
              double     busy,
              gboolean   last)
{
  g_autoptr(VsSnapshot) snapshot = vs_snapshot_new (0, phase, start_s, start_s + 1, stats);

  snapshot->measured = measured;
  snapshot->generator_busy = busy;
  snapshot->last = last;
  if (last)
    snapshot->first_error = g_strdup ("Connection refused");
  vs_results_add_snapshot (results, snapshot);
}

/* ---- tests ------------------------------------------------------------------------------ */

/* A card marks its thresholds pass or fail (on the measured phase so far), a target's own too,
 * with the figures in the tooltip; none before measuring. */
static void
test_card_thresholds (void)
{
  g_autoptr(VsPlan) plan = make_plan (NULL, 5);
  g_autoptr(VsResults) results = NULL;
  GtkWidget *card_a, *card_b;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  /* 1 ms per response: p50 < 2ms holds for both; beta also wants a rate it cannot have */
  g_ptr_array_add (plan->thresholds, vs_plan_threshold_new ("p50 < 2ms"));
  g_ptr_array_add (vs_plan_get_target (plan, 1)->thresholds,
                   vs_plan_threshold_new ("rps > 1000000"));
  results = vs_results_new (plan, "native");
  card_a = g_object_ref_sink (vs_target_card_new (0, "alpha"));
  card_b = g_object_ref_sink (vs_target_card_new (1, "beta"));

  add_snapshot (results, VS_PHASE_WARMUP, 0, make_stats (10, 1000, 0), NULL, 0.2, FALSE);
  vs_target_card_update (VS_TARGET_CARD (card_a), results, 0);
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card_a), "thresholds"), ==, "");

  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(VsSnapshot) snapshot = vs_snapshot_new (t, VS_PHASE_MEASURE, 1, 2,
                                                        make_stats (20, 1000, 0));

      snapshot->measured = make_stats (20, 1000, 0);
      vs_results_add_snapshot (results, snapshot);
    }
  vs_target_card_update (VS_TARGET_CARD (card_a), results, 0);
  vs_target_card_update (VS_TARGET_CARD (card_b), results, 1);
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card_a), "thresholds"), ==,
                   "✓ thresholds kept");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card_b), "thresholds"), ==,
                   "✗ failed: rps > 1000000");
  g_assert_cmpstr (vs_summary_value (results, 1, vs_summary_find_metric ("thresholds")).text, ==,
                   "fail");

  g_object_unref (card_a);
  g_object_unref (card_b);
}

/* A card shows what the results table will: the measured phase's totals once it has begun,
 * warm-up figures before, labelled as such; no latency for an interval without responses; and
 * the first transport error. */
static void
test_card_figures (void)
{
  g_autoptr(VsPlan) plan = make_plan (NULL, 5);
  g_autoptr(VsResults) results = vs_results_new (plan, "native");
  const VsTargetResult *r = vs_results_get_target (results, 0);
  GtkWidget *card;
  VsStats *warmup;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  card = g_object_ref_sink (vs_target_card_new (0, "alpha"));
  vs_target_card_update (VS_TARGET_CARD (card), results, 0);
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "requests"), ==, "–");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "protocol"), ==, "");

  /* warm-up: its own figures, said to be the warm-up's; the protocol as soon as it is known */
  warmup = make_stats (10, 1000, 0);
  warmup->counters.protocols[VS_PROTOCOL_HTTP_2] = 10;
  add_snapshot (results, VS_PHASE_WARMUP, 0, warmup, NULL, 0.2, FALSE);
  vs_target_card_update (VS_TARGET_CARD (card), results, 0);
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "protocol"), ==, "HTTP/2");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "requests"), ==, "10");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "requests-caption"), ==,
                   "warm-up requests");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "errors-caption"), ==,
                   "warm-up errors");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "p50"), !=, "–");

  /* measured: 20 ended in the interval, but 5 of them were sent in the warm-up */
  add_snapshot (results, VS_PHASE_MEASURE, 1, make_stats (20, 1000, 0), make_stats (15, 1000, 0),
                0.2, FALSE);
  vs_target_card_update (VS_TARGET_CARD (card), results, 0);
  g_assert_cmpuint (r->total->counters.requests, ==, 15);
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "requests"), ==, "15");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "requests-caption"), ==,
                   "requests");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "errors"), ==, "0 %");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "note"), ==, "");

  /* while the run goes on, rate and latency are the last interval's, and say so */
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "rps-caption"), ==,
                   "last 1s");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "p50-caption"), ==,
                   "p50, last 1s");

  /* an interval with only failures: no latency now, not the last healthy one */
  add_snapshot (results, VS_PHASE_MEASURE, 2, make_stats (0, 0, 3), NULL, 0.2, FALSE);
  vs_target_card_update (VS_TARGET_CARD (card), results, 0);
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "p50"), ==, "–");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "p99"), ==, "–");

  /* the end: the whole run's figures, the results table's, labelled as such */
  add_snapshot (results, VS_PHASE_MEASURE, 3, make_stats (0, 0, 2), NULL, 0.2, TRUE);
  vs_target_card_update (VS_TARGET_CARD (card), results, 0);
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "rps-caption"), ==,
                   "whole run");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "p50-caption"), ==,
                   "p50, whole run");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "p50"), ==, "1.00 ms");
  /* 20 requests over the 3 s measured */
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "rps"), ==,
                   "6.67 req/s");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "requests"), ==, "20");
  g_assert_cmpstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "errors"), ==, "25.0 %");
  g_assert_nonnull (strstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "note"),
                            "Connection refused"));

  /* requests due and never sent are said beside the first error */
  {
    VsStats *unsent = make_stats (0, 0, 0);

    vs_stats_record_unsent (unsent, 7);
    add_snapshot (results, VS_PHASE_MEASURE, 4, unsent, NULL, 0.2, TRUE);
  }
  vs_target_card_update (VS_TARGET_CARD (card), results, 0);
  g_assert_nonnull (strstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "note"),
                            "Connection refused"));
  g_assert_nonnull (strstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "note"),
                            "7 of 27 requests due were never sent"));
  g_object_unref (card);
}

static gboolean
title_has (gpointer data)
{
  gpointer *pair = data;

  return strstr (vs_target_card_get_figure (pair[0], "title-markup"), pair[1]) != NULL;
}

/* The card's dot takes the target's shade for the card's own style, read from its CSS as the
 * charts read theirs: light text on it (a dark style) picks the lighter shade. */
static void
test_card_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  g_autofree char *light = vs_palette_target_css (1, FALSE);
  g_autofree char *dark = vs_palette_target_css (1, TRUE);
  GtkWidget *window, *card;
  gpointer pair[2];

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = gtk_window_new ();
  card = vs_target_card_new (1, "beta");
  gtk_window_set_child (GTK_WINDOW (window), card);
  gtk_window_present (GTK_WINDOW (window));
  pair[0] = card;
  pair[1] = light;
  vs_test_iterate_until (title_has, pair, 5);
  g_assert_nonnull (strstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "title-markup"),
                            light));

#if GTK_CHECK_VERSION (4, 12, 0)
  gtk_css_provider_load_from_string (provider, "targetcard { color: white; }");
#else
  gtk_css_provider_load_from_data (provider, "targetcard { color: white; }", -1);
#endif
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_USER);
  pair[1] = dark;
  vs_test_iterate_until (title_has, pair, 5);
  g_assert_nonnull (strstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "title-markup"),
                            dark));
  g_assert_nonnull (strstr (vs_target_card_get_figure (VS_TARGET_CARD (card), "title-markup"),
                            "beta"));

  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (provider));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* GNOME's Large Text (text-scaling-factor 1.5, which a desktop hands to GTK as gtk-xft-dpi):
 * a finished run of two targets with long names still fits a 1280 px wide window — editor
 * and dashboard side by side at their minimum, nothing clipped. */
static void
test_large_text_fits (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsResults) results = NULL;
  GtkSettings *settings;
  VsWindow *window;
  int dpi = 0, editor = 0, dashboard = 0;
  gint64 until;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  settings = gtk_settings_get_default ();
  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  g_object_set (settings, "gtk-xft-dpi", (int) (1.5 * 96 * 1024), NULL);

  vs_plan_add_target (plan, vs_target_new ("Node.js", "http://127.0.0.1:8081/api/users/42"));
  vs_plan_add_target (plan, vs_target_new ("Python (Flask)",
                                           "http://127.0.0.1:8082/api/users/42"));
  results = vs_results_new (plan, "native");
  for (guint t = 0; t < 2; t++)
    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(VsSnapshot) snapshot = vs_snapshot_new (t, VS_PHASE_MEASURE, i, i + 1,
                                                          make_stats (1000, 26000, 3));

        snapshot->last = i == 2;
        vs_results_add_snapshot (results, snapshot);
      }

  window = vs_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  vs_plan_editor_set_plan (window->editor, plan);
  vs_dashboard_set_results (window->dashboard, results);
  vs_dashboard_update (window->dashboard);
  vs_dashboard_show_summary (window->dashboard);
  until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  vs_test_iterate_until (time_passed, &until, 2);
  /* a slow machine (the sanitizer build, unwinding every malloc) maps it later */
  vs_test_iterate_until (has_width, window, 20);

  gtk_widget_measure (GTK_WIDGET (window->editor), GTK_ORIENTATION_HORIZONTAL, -1, &editor,
                      NULL, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (window->dashboard), GTK_ORIENTATION_HORIZONTAL, -1,
                      &dashboard, NULL, NULL, NULL);
  g_test_message ("at 1.5× text: editor %d px + dashboard %d px; window %d px, dashboard "
                  "shown %d px", editor, dashboard, gtk_widget_get_width (GTK_WIDGET (window)),
                  gtk_widget_get_width (GTK_WIDGET (window->dashboard)));
  g_assert_cmpint (editor + dashboard, <=, gtk_widget_get_width (GTK_WIDGET (window)));
  /* the paned gives the dashboard at least what it needs: it is not cut off on the right */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window->dashboard)), >=, dashboard);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
}

/* The unfinished copies in the runs folder (vs_autosave_dir()), by name. */
static GPtrArray *
list_runs (const char *prefix)
{
  g_autofree char *dir_path = vs_autosave_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      g_ptr_array_add (names, g_build_filename (dir_path, name, NULL));
  return names;
}

typedef struct
{
  char       *path;      /* the copy found */
  JsonParser *parser;    /* its text */
  gint64      at_least;  /* requests of the first target the copy must hold */
} Copy;

static gint64
copy_requests (Copy *copy)
{
  JsonArray *targets =
    json_object_get_array_member (json_node_get_object (json_parser_get_root (copy->parser)),
                                  "targets");

  return json_object_get_int_member (json_object_get_object_member (
    json_array_get_object_element (targets, 0), "summary"), "requests");
}

/* An unfinished copy whose every target has measured requests. */
static gboolean
copy_has_requests (gpointer data)
{
  Copy *copy = data;
  g_autoptr(GPtrArray) names = list_runs ("unfinished-");
  JsonArray *targets;

  if (names->len == 0)
    return FALSE;
  g_clear_object (&copy->parser);
  copy->parser = json_parser_new ();
  if (!json_parser_load_from_file (copy->parser, g_ptr_array_index (names, 0), NULL))
    return FALSE;
  g_free (copy->path);
  copy->path = g_strdup (g_ptr_array_index (names, 0));
  targets = json_object_get_array_member (
    json_node_get_object (json_parser_get_root (copy->parser)), "targets");
  for (guint t = 0; t < json_array_get_length (targets); t++)
    {
      JsonObject *summary = json_object_get_object_member (
        json_array_get_object_element (targets, t), "summary");

      if (json_object_get_int_member (summary, "requests") == 0)
        return FALSE;
    }
  return copy_requests (copy) >= copy->at_least;
}

static gboolean
none_unfinished (gpointer data)
{
  g_autoptr(GPtrArray) names = list_runs ("unfinished-");

  return names->len == 0;
}

static gboolean
has_toast (gpointer data)
{
  return VS_WINDOW (data)->last_toast != NULL;
}

static gboolean
is_regular_file (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

static gboolean
recovery_searched (gpointer data)
{
  return VS_WINDOW (data)->recovery_searched;
}

/* The figure of the copy's summary, formatted as the window formats it. */
static char *
copy_figure (JsonObject     *summary,
             const VsMetric *metric)
{
  JsonNode *node = json_object_get_member (summary, metric->id);
  VsMetricValue value = { FALSE, 0, NULL };

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      value.measured = TRUE;
      if (metric->unit == VS_METRIC_TEXT)
        value.text = g_intern_string (json_node_get_string (node));
      else
        value.number = json_node_get_double (node) *
                       (metric->unit == VS_METRIC_LATENCY ? 1000 : 1);
    }
  return vs_metric_format (metric, value, VS_FORMAT_LOCALE);
}

/* Issue 13: a run killed mid-way (SIGKILL: no chance to clean up) left its last copy, which the
 * next window offers and opens with the figures the copy holds — the table's cells are the
 * copy's own summary figures — while a run that ended is never offered. */
static void
test_recover_killed_run (void)
{
  g_autoptr(VsTestServer) server = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(GPtrArray) recovered = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *plan_path = NULL;
  g_autofree char *runs_dir = NULL;
  g_autofree char *finished = NULL;
  Copy copy = { NULL, NULL, 0 };
  JsonArray *targets;
  VsResults *shown;
  GtkWidget *table;
  VsWindow *window;
  guint served;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  server = vs_test_server_new (NULL);

  /* a run that ends: its last copy is last-run.json, nothing is left unfinished */
  plan = make_plan (server, 0.5);
  window = make_window ();
  vs_plan_editor_set_plan (window->editor, plan);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  vs_test_iterate_until (not_running, window, 20);
  g_assert_false (vs_window_is_running (window));
  runs_dir = vs_autosave_dir ();
  finished = g_build_filename (runs_dir, "last-run.json", NULL);
  vs_test_iterate_until (is_regular_file, finished, 10);
  g_assert_true (g_file_test (finished, G_FILE_TEST_IS_REGULAR));
  /* removed once last-run.json is in place */
  vs_test_iterate_until (none_unfinished, NULL, 10);
  left = list_runs ("unfinished-");
  g_assert_cmpuint (left->len, ==, 0);
  g_clear_pointer (&left, g_ptr_array_unref);
  gtk_window_destroy (GTK_WINDOW (window));
  let_connections_close ();

  /* the window in a process of its own, killed in the middle of a 60 s run */
  g_clear_pointer (&plan, vs_plan_unref);
  plan = make_plan (server, 60);
  plan->load.warmup_us = 0;
  tmp = g_dir_make_tmp ("versus-recover-XXXXXX", &error);
  g_assert_no_error (error);
  plan_path = g_build_filename (tmp, "plan.json", NULL);
  g_assert_true (vs_plan_save_to_file (plan, plan_path, &error));
  g_assert_no_error (error);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                              g_getenv ("VERSUS_BINARY"), "--plan", plan_path, "--start", NULL);
  g_assert_no_error (error);
  vs_test_iterate_until (copy_has_requests, &copy, 30);
  g_assert_nonnull (copy.path);
  g_assert_true (copy_has_requests (&copy));
  /* it is renewed every few seconds: a kill loses at most those */
  copy.at_least = copy_requests (&copy) + 1;
  vs_test_iterate_until (copy_has_requests, &copy,
                         2.0 * VS_AUTOSAVE_INTERVAL_US / G_USEC_PER_SEC + 2);
  g_assert_cmpint (copy_requests (&copy), >=, copy.at_least);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (process));
  /* the copy is the last whole one: what it says the server answered, and more came after */
  g_assert_true (copy_has_requests (&copy));
  targets = json_object_get_array_member (json_node_get_object (json_parser_get_root (copy.parser)),
                                          "targets");
  served = vs_test_server_count (server, VS_TEST_PATH_OK);
  g_test_message ("killed; the copy %s holds %" G_GINT64_FORMAT " + %" G_GINT64_FORMAT
                  " requests, the server answered %u", copy.path,
                  json_object_get_int_member (json_object_get_object_member (
                    json_array_get_object_element (targets, 0), "summary"), "requests"),
                  json_object_get_int_member (json_object_get_object_member (
                    json_array_get_object_element (targets, 1), "summary"), "requests"),
                  served);

  /* the next window offers it, and opens it */
  window = make_window ();
  vs_test_iterate_until (recovery_searched, window, 10);
  g_assert_true (window->recovery_searched);
  g_assert_nonnull (window->recovered);
  g_assert_cmpstr (window->recovered_path, ==, copy.path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recovered", NULL));
  shown = vs_dashboard_get_results (window->dashboard);
  g_assert_nonnull (shown);
  g_assert_cmpuint (vs_dashboard_get_n_cards (window->dashboard), ==, 2);
  {
    /* (a reference of its own: dropped, or LeakSanitizer reports the plan) */
    g_autoptr(VsPlan) opened = vs_plan_editor_get_plan (window->editor);

    g_assert_cmpstr (vs_plan_get_target (opened, 1)->name, ==, "beta");
  }

  /* every cell of the table is the copy's figure (a share in brackets after counts) */
  table = vs_dashboard_get_table (window->dashboard);
  {
    g_autoptr(GPtrArray) rows = vs_summary_table_rows (shown);
    guint checked = 0;

    for (guint m = 0; m < rows->len; m++)
      {
        const VsMetric *metric = g_ptr_array_index (rows, m);

        if (!(metric->flags & VS_METRIC_FILE))
          continue;
        for (guint t = 0; t < 2; t++)
          {
            JsonObject *summary = json_object_get_object_member (
              json_array_get_object_element (targets, t), "summary");
            g_autofree char *expected = copy_figure (summary, metric);
            const char *cell = vs_results_table_get_cell (VS_RESULTS_TABLE (table), m + 1, 1 + t);

            g_test_message ("%s[%u]: table %s, copy %s", metric->id, t, cell, expected);
            g_assert_nonnull (cell);
            g_assert_true (g_str_has_prefix (cell, expected));
            checked++;
          }
      }
    g_assert_cmpuint (checked, >=, 2 * 8);
  }
  /* and the cards say the copy's totals */
  for (guint t = 0; t < 2; t++)
    {
      JsonObject *summary = json_object_get_object_member (
        json_array_get_object_element (targets, t), "summary");
      g_autofree char *requests =
        vs_units_format (json_object_get_int_member (summary, "requests"), VS_UNIT_COUNT);

      g_assert_cmpstr (vs_target_card_get_figure (vs_dashboard_get_card (window->dashboard, t),
                                                  "requests"), ==, requests);
      g_assert_cmpstr (vs_target_card_get_figure (vs_dashboard_get_card (window->dashboard, t),
                                                  "rps-caption"), ==, "whole run");
    }

  /* opened: renamed, so that it is not offered again */
  {
    gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (TRUE)
      {
        g_clear_pointer (&left, g_ptr_array_unref);
        left = list_runs ("unfinished-");
        if (left->len == 0 || g_get_monotonic_time () >= until)
          break;
        g_main_context_iteration (NULL, FALSE);
      }
  }
  g_assert_cmpuint (left->len, ==, 0);
  recovered = list_runs ("recovered-");
  g_assert_cmpuint (recovered->len, ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));

  window = make_window ();
  vs_test_iterate_until (recovery_searched, window, 10);
  g_assert_true (window->recovery_searched);
  g_assert_null (window->recovered);
  gtk_window_destroy (GTK_WINDOW (window));

  g_clear_object (&copy.parser);
  g_free (copy.path);
  g_unlink (plan_path);
  g_rmdir (tmp);
  let_connections_close ();
}

static void
test_run_and_export (void)
{
  g_autoptr(VsTestServer) server = NULL;
  VsWindow *window;
  g_autoptr(VsPlan) plan = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *plan_path = NULL;
  g_autoptr(GFile) plan_file = NULL;
  g_autoptr(GError) error = NULL;
  VsDashboard *dashboard;
  TickCount count = { 0, 5 };
  static const char * const names[] = { "alpha", "beta" };

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  server = vs_test_server_new (NULL);
  dir = g_dir_make_tmp ("versus-window-XXXXXX", &error);
  g_assert_no_error (error);

  /* load the plan from a file, as Open does; a third target fails every request */
  plan = make_plan (server, 30);
  {
    g_autofree char *failing = vs_test_server_url (server, "/status/503");

    vs_plan_add_target (plan, vs_target_new ("gamma", failing));
  }
  plan_path = g_build_filename (dir, "plan.json", NULL);
  g_assert_true (vs_plan_save_to_file (plan, plan_path, &error));
  g_assert_no_error (error);
  plan_file = g_file_new_for_path (plan_path);

  window = make_window ();
  g_assert_true (vs_window_load_plan (window, plan_file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vs_plan_editor_get_n_targets (window->editor), ==, 3);
  g_assert_true (vs_plan_editor_get_valid (window->editor));
  g_assert_true (gtk_widget_get_sensitive (window->start_button));

  /* start through the action, as the button and Ctrl+Return do */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (vs_window_is_running (window));
  g_assert_false (gtk_widget_get_visible (window->start_button));
  g_signal_connect (vs_window_get_run (window), "tick", G_CALLBACK (count_tick), &count);
  vs_test_iterate_until (enough_ticks, &count, 20);
  g_assert_cmpuint (count.ticks, >=, count.wanted);

  dashboard = vs_window_get_dashboard (window);
  g_assert_cmpuint (vs_dashboard_get_n_cards (dashboard), ==, 3);
  for (guint t = 0; t < 2; t++)
    {
      VsTargetCard *card = vs_dashboard_get_card (dashboard, t);
      const char *rps = vs_target_card_get_figure (card, "rps");
      const char *requests = vs_target_card_get_figure (card, "requests");

      g_test_message ("card %s: %s, %s requests", names[t], rps, requests);
      g_assert_cmpstr (rps, !=, "—");
      g_assert_false (g_str_has_prefix (rps, "0 "));
      g_assert_cmpstr (requests, !=, "—");
      g_assert_cmpstr (requests, !=, "0");
      g_assert_cmpstr (vs_target_card_get_figure (card, "p50"), !=, "—");
    }

  /* every chart shown has points for every target; without servers, the server charts have
   * no lines and are not shown */
  for (guint k = 0; k < VS_N_CHARTS; k++)
    {
      VsChartModel *model = vs_dashboard_get_chart_model (dashboard, k);

      /* (nor is the capacity search's, without one, nor the requests in flight, without
       * closed-model stages) */
      if (k == VS_CHART_SERVER_CPU || k == VS_CHART_SERVER_MEMORY || k == VS_CHART_CAPACITY ||
          k == VS_CHART_CONNECTIONS)
        {
          g_assert_false (vs_dashboard_chart_shown (dashboard, k));
          g_assert_cmpuint (vs_chart_model_get_n_series (model), ==, 0);
          continue;
        }
      for (guint t = 0; t < 2; t++)
        {
          const VsChartSeries *s = find_series (model, names[t]);

          g_assert_nonnull (s);
          g_assert_cmpuint (s->x->len, >, 0);
        }
    }
  /* the failing target: all errors, drawn by class */
  g_assert_cmpstr (vs_target_card_get_figure (vs_dashboard_get_card (dashboard, 2), "errors"),
                   ==, "100 %");
  {
    const VsChartSeries *s = find_series (vs_dashboard_get_chart_model (dashboard,
                                                                        VS_CHART_ERRORS),
                                          "gamma · http_5xx");
    double top = 0;

    g_assert_nonnull (s);
    for (guint i = 0; i < s->y->len; i++)
      top = MAX (top, g_array_index (s->y, double, i));
    g_assert_cmpfloat (top, >, 0);
    g_assert_null (find_series (vs_dashboard_get_chart_model (dashboard, VS_CHART_ERRORS),
                                "alpha · http_5xx"));
  }
  /* the frame clock timed the window's frames during the run */
  vs_test_iterate_until (has_frames, window, 10);
  g_assert_cmpuint (vs_frame_stats_get_count (vs_window_get_frame_stats (window)), >, 0);

  /* stop; "finished" follows and the table appears */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  vs_test_iterate_until (not_running, window, 10);
  g_assert_false (vs_window_is_running (window));
  g_assert_cmpstr (vs_results_table_get_cell (VS_RESULTS_TABLE (vs_dashboard_get_table (dashboard)),
                                              0, 1), ==, "alpha");
  /* ratios carry no uncertainty, so the table does not colour them as verdicts */
  g_assert_false (has_class_inside (vs_dashboard_get_table (dashboard), "success"));
  g_assert_false (has_class_inside (vs_dashboard_get_table (dashboard), "warning"));

  /* export the CSV files through the action */
  {
    g_autofree char *csv_dir = g_build_filename (dir, "csv", NULL);
    g_autofree char *summary = NULL;
    g_autofree char *timeseries = NULL;

    g_autofree char *json_path = g_build_filename (dir, "result.json", NULL);
    g_autofree char *json = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-csv", "s",
                                               csv_dir));
    /* written after summary.csv */
    vs_test_wait_for_file (csv_dir, "timeseries.csv", 10);
    summary = read_file (csv_dir, "summary.csv");
    timeseries = read_file (csv_dir, "timeseries.csv");
    g_assert_nonnull (strstr (summary, "alpha"));
    g_assert_nonnull (strstr (summary, "beta"));
    g_assert_nonnull (strchr (summary, '\n'));
    g_assert_nonnull (strstr (timeseries, "alpha"));

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-json", "s",
                                               json_path));
    vs_test_wait_for_file (dir, "result.json", 10);
    json = read_file (dir, "result.json");
    g_assert_nonnull (strstr (json, "\"alpha\""));
  }

  /* two result files opened at once are merged: the same run twice counts every request twice,
   * and the exports then write what the dashboard shows */
  {
    g_autofree char *first = g_build_filename (dir, "result.json", NULL);
    g_autofree char *second = g_build_filename (dir, "again.json", NULL);
    const char *paths[] = { first, second, NULL };
    Replacing replacing = { dashboard, vs_dashboard_get_results (dashboard) };
    guint64 requests = vs_results_get_target (replacing.before, 0)->total->counters.requests;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-json", "s",
                                               second));
    vs_test_wait_for_file (dir, "again.json", 10);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-results", "^as",
                                               paths));
    vs_test_iterate_until (results_replaced, &replacing, 10);
    g_assert_cmpuint (vs_results_get_target (vs_dashboard_get_results (dashboard),
                                             0)->total->counters.requests, ==, 2 * requests);
  }

  /* the HdrHistogram interval log: one line per target and measured tick */
  {
    g_autofree char *hlog_path = g_build_filename (dir, "result.hlog", NULL);
    g_autofree char *hlog = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-hlog", "s",
                                               hlog_path));
    vs_test_wait_for_file (dir, "result.hlog", 10);
    hlog = read_file (dir, "result.hlog");
    g_assert_nonnull (strstr (hlog, "\n#[Histogram log format version 1.3]\n"));
    g_assert_nonnull (strstr (hlog, "\nTag=alpha,"));
    g_assert_nonnull (strstr (hlog, "\nTag=beta,"));
  }

  /* the charts, through the action and straight from the models: never blank */
  {
    g_autofree char *chart_dir = g_build_filename (dir, "charts", NULL);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-charts", "s",
                                               chart_dir));
    for (guint k = 0; k < VS_N_CHARTS; k++)
      {
        VsChartModel *model = vs_dashboard_get_chart_model (dashboard, k);
        g_autofree char *png_name = g_strconcat (vs_chart_model_get_name (model), ".png", NULL);
        g_autofree char *svg_name = g_strconcat (vs_chart_model_get_name (model), ".svg", NULL);
        g_autofree char *png = g_build_filename (chart_dir, png_name, NULL);
        g_autofree char *svg = g_build_filename (chart_dir, svg_name, NULL);
        double variance;

        if (!vs_dashboard_chart_shown (dashboard, k))
          {
            /* no target has a server: no server charts, on screen or written (nor the
             * capacity and requests-in-flight charts of other plans) */
            g_assert_true (k == VS_CHART_SERVER_CPU || k == VS_CHART_SERVER_MEMORY ||
                           k == VS_CHART_CAPACITY || k == VS_CHART_CONNECTIONS);
            g_assert_false (gtk_widget_get_visible (vs_dashboard_get_chart (dashboard, k)));
            g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
            continue;
          }
        variance = vs_test_png_variance (png);
        g_test_message ("%s: pixel variance %.1f", png_name, variance);
        g_assert_cmpfloat (variance, >, 50);
        g_assert_true (g_file_test (svg, G_FILE_TEST_IS_REGULAR));
      }
  }

  /* everything into a folder where summary.csv cannot be written (a folder is in its place):
   * every other file is written all the same, and the toast names the one that failed */
  {
    g_autofree char *all_dir = g_build_filename (dir, "all", NULL);
    g_autofree char *blocker = g_build_filename (all_dir, "summary.csv", NULL);
    g_autofree char *json_path = g_build_filename (all_dir, "result.json", NULL);
    g_autoptr(GFile) folder = g_file_new_for_path (all_dir);
    g_autofree char *json = NULL;

    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

    g_assert_cmpint (g_mkdir_with_parents (blocker, 0755), ==, 0);
    /* the toasts of the exports above have come */
    vs_test_iterate_until (time_passed, &until, 1);
    g_clear_pointer (&window->last_toast, g_free);
    _vs_window_export_everything (window, folder);
    vs_test_iterate_until (has_toast, window, 10);
    g_test_message ("%s", window->last_toast);
    g_assert_nonnull (strstr (window->last_toast, blocker));
    g_assert_true (g_file_test (blocker, G_FILE_TEST_IS_DIR));
    json = read_file (all_dir, "result.json");
    g_assert_nonnull (strstr (json, "\"alpha\""));
    g_assert_true (g_file_test (json_path, G_FILE_TEST_IS_REGULAR));
    vs_test_wait_for_file (all_dir, "timeseries.csv", 1);
    for (guint k = 0; k < VS_N_CHARTS; k++)
      {
        g_autofree char *png = g_strconcat (vs_chart_model_get_name (
                                              vs_dashboard_get_chart_model (dashboard, k)),
                                            ".png", NULL);

        if (vs_dashboard_chart_shown (dashboard, k))
          vs_test_wait_for_file (all_dir, png, 1);
      }
  }

  gtk_window_destroy (GTK_WINDOW (window));
  let_connections_close ();
  vs_test_remove_tree (dir);
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_close_during_run (void)
{
  g_autoptr(VsTestServer) server = NULL;
  VsWindow *window;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsRun) run = NULL;
  TickCount count = { 0, 2 };
  gpointer weak;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  server = vs_test_server_new (NULL);
  plan = make_plan (server, 60);
  window = make_window ();
  vs_plan_editor_set_plan (window->editor, plan);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  run = g_object_ref (vs_window_get_run (window));
  g_signal_connect (run, "tick", G_CALLBACK (count_tick), &count);
  vs_test_iterate_until (enough_ticks, &count, 20);
  g_assert_true (vs_run_is_running (run));

  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_close (GTK_WINDOW (window));
  vs_test_iterate_until (pointer_cleared, &weak, 10);
  /* the window went, and took its run down first */
  g_assert_null (weak);
  g_assert_false (vs_run_is_running (run));
  let_connections_close ();
}

/* The dashboard says so when the load generator was saturated, as `versus run` does, and
 * only then. */
static void
test_dashboard_generator_busy (void)
{
  g_autoptr(VsPlan) plan = make_plan (NULL, 5);
  g_autoptr(VsResults) results = vs_results_new (plan, "native");
  GtkWidget *dashboard;
  const char *notice;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  dashboard = g_object_ref_sink (vs_dashboard_new ());
  /* a busy warm-up is not the measured figures' problem */
  add_snapshot (results, VS_PHASE_WARMUP, 0, make_stats (10, 1000, 0), NULL, 0.99, FALSE);
  add_snapshot (results, VS_PHASE_MEASURE, 1, make_stats (10, 1000, 0), NULL, 0.5, FALSE);
  vs_dashboard_set_results (VS_DASHBOARD (dashboard), results);
  g_assert_null (vs_dashboard_get_notice (VS_DASHBOARD (dashboard), "generator"));

  add_snapshot (results, VS_PHASE_MEASURE, 2, make_stats (10, 1000, 0), NULL, 0.95, FALSE);
  vs_dashboard_update (VS_DASHBOARD (dashboard));
  notice = vs_dashboard_get_notice (VS_DASHBOARD (dashboard), "generator");
  g_assert_nonnull (notice);
  g_test_message ("%s", notice);
  g_assert_nonnull (strstr (notice, "alpha"));
  g_assert_null (strstr (notice, "beta"));
  g_assert_nonnull (strstr (notice, "95"));

  /* new results start without it */
  vs_dashboard_set_results (VS_DASHBOARD (dashboard), NULL);
  g_assert_null (vs_dashboard_get_notice (VS_DASHBOARD (dashboard), "generator"));
  g_object_unref (dashboard);
}

/* One complete trial of @target in @round: @n requests in one measured second. */
static void
add_trial (VsResults *results,
           guint      target,
           guint      round,
           guint      n)
{
  g_autoptr(VsSnapshot) snapshot = vs_snapshot_new (target, VS_PHASE_MEASURE, 0, 1,
                                                    make_stats (n, 1000, 0));

  snapshot->round = round;
  snapshot->last = TRUE;
  vs_results_add_snapshot (results, snapshot);
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

/* Mode rounds: the strip holds a dot per complete trial, at the trial's throughput, and each
 * target's median, as the trials come; the verdict lines are the ones `versus run` prints,
 * "need ≥ 4 rounds" until there are enough. In the other modes neither shows. */
static void
test_dashboard_rounds (void)
{
  static const guint order[] = { 0, 1, 1, 0, 0, 1, 1, 0 };
  g_autoptr(VsPlan) plan = make_plan (NULL, 1);
  g_autoptr(VsResults) results = vs_results_new (plan, "native");
  g_autoptr(VsResults) parallel = vs_results_new (plan, "native");
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *window, *dashboard, *strip;
  const char *notice;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  plan->mode = VS_MODE_ROUNDS;
  plan->rounds = 4;
  vs_results_set_rounds (results, 7, 4, order);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 1200);
  dashboard = vs_dashboard_new ();
  gtk_window_set_child (GTK_WINDOW (window), dashboard);
  strip = vs_dashboard_get_rounds_strip (VS_DASHBOARD (dashboard));
  vs_dashboard_set_results (VS_DASHBOARD (dashboard), results);
  gtk_window_present (GTK_WINDOW (window));

  /* round 1: alpha 101 req/s, beta 51 */
  add_trial (results, 0, 1, 101);
  add_trial (results, 1, 1, 51);
  vs_dashboard_update (VS_DASHBOARD (dashboard));
  g_assert_true (gtk_widget_get_visible (strip));
  g_assert_cmpuint (vs_rounds_strip_get_n_dots (VS_ROUNDS_STRIP (strip)), ==, 2);
  notice = vs_dashboard_get_notice (VS_DASHBOARD (dashboard), "verdicts");
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, "beta: need ≥ 4 rounds for a confidence interval"));

  for (guint r = 2; r <= 4; r++)
    {
      add_trial (results, 0, r, 100 + r);
      add_trial (results, 1, r, 50 + r);
    }
  vs_dashboard_update (VS_DASHBOARD (dashboard));
  g_assert_cmpuint (vs_rounds_strip_get_n_dots (VS_ROUNDS_STRIP (strip)), ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      guint round, target;
      double value;

      vs_rounds_strip_get_dot (VS_ROUNDS_STRIP (strip), i, &round, &target, &value);
      g_assert_cmpfloat_with_epsilon (value, (target == 0 ? 100 : 50) + round, 1e-9);
    }
  g_assert_cmpfloat_with_epsilon (vs_rounds_strip_get_median (VS_ROUNDS_STRIP (strip), 0),
                                  102.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (vs_rounds_strip_get_median (VS_ROUNDS_STRIP (strip), 1),
                                  52.5, 1e-9);
  lines = vs_rounds_verdict_lines (results, VS_FORMAT_LOCALE);
  g_ptr_array_add (lines, NULL);
  expected = g_strjoinv ("\n", (char **) lines->pdata);
  notice = vs_dashboard_get_notice (VS_DASHBOARD (dashboard), "verdicts");
  g_test_message ("%s", notice);
  g_assert_cmpstr (notice, ==, expected);
  /* 4+4 trials that never overlap: a clear difference, beta the worse */
  g_assert_true (g_str_has_prefix (notice, "beta: 0"));
  g_assert_nonnull (strstr (notice, "× alpha throughput (95 % CI "));

  /* it draws */
  vs_test_iterate_until (is_mapped, strip, 10);
  paintable = gtk_widget_paintable_new (strip);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (strip),
                          gtk_widget_get_height (strip));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  /* another mode: neither */
  add_trial (parallel, 0, 0, 10);
  vs_dashboard_set_results (VS_DASHBOARD (dashboard), parallel);
  vs_dashboard_update (VS_DASHBOARD (dashboard));
  g_assert_false (gtk_widget_get_visible (strip));
  g_assert_null (vs_dashboard_get_notice (VS_DASHBOARD (dashboard), "verdicts"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
assert_same_model (VsChartModel *a,
                   VsChartModel *b)
{
  g_assert_cmpuint (vs_chart_model_get_n_series (a), ==, vs_chart_model_get_n_series (b));
  for (guint i = 0; i < vs_chart_model_get_n_series (a); i++)
    {
      const VsChartSeries *sa = vs_chart_model_get_series (a, i);
      const VsChartSeries *sb = vs_chart_model_get_series (b, i);

      g_assert_cmpstr (sa->label, ==, sb->label);
      g_assert_cmpuint (sa->color, ==, sb->color);
      g_assert_cmpint (sa->dashed, ==, sb->dashed);
      g_assert_cmpint (sa->legend, ==, sb->legend);
      g_assert_cmpuint (sa->x->len, ==, sb->x->len);
      g_assert_cmpmem (sa->x->data, sa->x->len * sizeof (double),
                       sb->x->data, sb->x->len * sizeof (double));
      g_assert_cmpmem (sa->y->data, sa->y->len * sizeof (double),
                       sb->y->data, sb->y->len * sizeof (double));
    }
  {
    double a0, a1, b0, b1;
    gboolean shade_a = vs_chart_model_get_shade (a, &a0, &a1);
    gboolean shade_b = vs_chart_model_get_shade (b, &b0, &b1);

    g_assert_cmpint (shade_a, ==, shade_b);
    if (shade_a)
      {
        g_assert_cmpfloat (a0, ==, b0);
        g_assert_cmpfloat (a1, ==, b1);
      }
  }
}

/* On a tick the dashboard appends only the new intervals to its charts; what it shows is
 * what filling the charts from scratch shows, also when an error class first occurs midway. */
static void
test_dashboard_incremental (void)
{
  g_autoptr(VsPlan) plan = make_plan (NULL, 5);
  g_autoptr(VsResults) results = vs_results_new (plan, "native");
  GtkWidget *dashboard;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  dashboard = g_object_ref_sink (vs_dashboard_new ());
  vs_dashboard_set_results (VS_DASHBOARD (dashboard), results);
  for (guint step = 0; step < 8; step++)
    {
      VsChartModel *fresh[VS_N_CHARTS];

      for (guint t = 0; t < 2; t++)
        {
          /* beta: connect errors from step 3, timeouts too from step 5, none at step 6 */
          VsStats *stats = make_stats (10 + step + t, 1000 * (t + 1) + 100 * step,
                                       t == 1 && step >= 3 && step != 6 ? 2 : 0);
          g_autoptr(VsSnapshot) snapshot = NULL;

          if (t == 1 && step >= 5 && step != 6)
            vs_stats_record_failure (stats, VS_ERROR_CLASS_TIMEOUT, 0);
          snapshot = vs_snapshot_new (t, step < 2 ? VS_PHASE_WARMUP : VS_PHASE_MEASURE,
                                      step * 0.5, step * 0.5 + 0.5, stats);
          vs_results_add_snapshot (results, snapshot);
        }
      vs_dashboard_update (VS_DASHBOARD (dashboard));

      for (guint k = 0; k < VS_N_CHARTS; k++)
        fresh[k] = vs_chart_model_new (k);
      vs_dashboard_fill_models (results, fresh);
      for (guint k = 0; k < VS_N_CHARTS; k++)
        {
          assert_same_model (vs_dashboard_get_chart_model (VS_DASHBOARD (dashboard), k),
                             fresh[k]);
          g_object_unref (fresh[k]);
        }
    }
  /* the error lines came with their classes */
  g_assert_cmpuint (vs_chart_model_get_n_series (
    vs_dashboard_get_chart_model (VS_DASHBOARD (dashboard), VS_CHART_ERRORS)), ==, 3);
  g_object_unref (dashboard);
}


/* Open model: the throughput chart draws the offered rate the plan asks for, with stages
 * through their corners (0 → 600/s over 3 s, held 2 s); the closed model has no such line, and
 * with stages draws its connections on a chart of requests in flight. */
static void
test_chart_planned (void)
{
  g_autoptr(VsPlan) plan = make_plan (NULL, 5);
  g_autoptr(VsResults) results = NULL;
  VsChartModel *models[VS_N_CHARTS];
  VsStage ramp = { 3 * G_USEC_PER_SEC, 0, 600, 0 }, hold = { 0, 2 * G_USEC_PER_SEC, 600, 0 };
  const VsChartSeries *planned = NULL;
  static const double x[] = { 0, 3, 5 }, y[] = { 0, 600, 600 };

  plan->load.model = VS_LOAD_OPEN;
  g_array_append_val (plan->stages, ramp);
  g_array_append_val (plan->stages, hold);
  plan->load.duration_us = 0;
  g_assert_true (vs_plan_validate (plan, NULL));
  results = vs_results_new (plan, "native");
  for (guint k = 0; k < VS_N_CHARTS; k++)
    models[k] = vs_chart_model_new (k);
  vs_dashboard_fill_models (results, models);
  for (guint i = 0; i < vs_chart_model_get_n_series (models[VS_CHART_THROUGHPUT]); i++)
    {
      const VsChartSeries *series = vs_chart_model_get_series (models[VS_CHART_THROUGHPUT], i);

      if (g_str_equal (series->label, "planned"))
        planned = series;
    }
  g_assert_nonnull (planned);
  g_assert_true (planned->dashed);
  g_assert_cmpuint (planned->x->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpfloat (g_array_index (planned->x, double, i), ==, x[i]);
      g_assert_cmpfloat (g_array_index (planned->y, double, i), ==, y[i]);
    }
  for (guint k = 0; k < VS_N_CHARTS; k++)
    g_object_unref (models[k]);

  /* closed: connections are not a rate, so no line on a chart of requests/s, and with a fixed
   * number of them no requests-in-flight chart */
  g_clear_object (&results);
  g_array_set_size (plan->stages, 0);
  plan->load.model = VS_LOAD_CLOSED;
  plan->load.duration_us = 5 * G_USEC_PER_SEC;
  results = vs_results_new (plan, "native");
  for (guint k = 0; k < VS_N_CHARTS; k++)
    models[k] = vs_chart_model_new (k);
  vs_dashboard_fill_models (results, models);
  g_assert_cmpuint (vs_chart_model_get_n_series (models[VS_CHART_THROUGHPUT]), ==, 2);
  g_assert_cmpuint (vs_chart_model_get_n_series (models[VS_CHART_CONNECTIONS]), ==, 0);
  for (guint k = 0; k < VS_N_CHARTS; k++)
    g_object_unref (models[k]);

  /* closed with stages (0 → 8 connections over 2 s, held 1 s): the connections kept busy
   * through the corners on the requests-in-flight chart, and per target the requests in flight
   * by Little's law — 40 answers of 100 ms each in a second: 4 in flight */
  {
    VsStage up = { 2 * G_USEC_PER_SEC, 0, 0, 8 }, level = { 0, G_USEC_PER_SEC, 0, 8 };
    static const double cx[] = { 0, 2, 3 }, cy[] = { 0, 8, 8 };
    const VsChartSeries *line = NULL, *target = NULL;

    g_clear_object (&results);
    g_array_append_val (plan->stages, up);
    g_array_append_val (plan->stages, level);
    plan->load.duration_us = 0;
    g_assert_true (vs_plan_validate (plan, NULL));
    results = vs_results_new (plan, "native");
    add_snapshot (results, VS_PHASE_MEASURE, 0, make_stats (40, 100 * 1000, 0), NULL, 0.1,
                  FALSE);
    for (guint k = 0; k < VS_N_CHARTS; k++)
      models[k] = vs_chart_model_new (k);
    vs_dashboard_fill_models (results, models);
    g_assert_cmpuint (vs_chart_model_get_n_series (models[VS_CHART_THROUGHPUT]), ==, 2);
    for (guint i = 0; i < vs_chart_model_get_n_series (models[VS_CHART_CONNECTIONS]); i++)
      {
        const VsChartSeries *series = vs_chart_model_get_series (models[VS_CHART_CONNECTIONS],
                                                                 i);

        if (g_str_equal (series->label, "planned"))
          line = series;
        else if (target == NULL)
          target = series;  /* target 0's, which the snapshot is of */
      }
    g_assert_nonnull (line);
    g_assert_true (line->dashed);
    g_assert_cmpuint (line->x->len, ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        g_assert_cmpfloat (g_array_index (line->x, double, i), ==, cx[i]);
        g_assert_cmpfloat (g_array_index (line->y, double, i), ==, cy[i]);
      }
    g_assert_nonnull (target);
    g_assert_cmpuint (target->y->len, ==, 1);
    g_assert_cmpfloat (g_array_index (target->x, double, 0), ==, 1);
    g_assert_cmpfloat_with_epsilon (g_array_index (target->y, double, 0), 4.0, 0.01);
    for (guint k = 0; k < VS_N_CHARTS; k++)
      g_object_unref (models[k]);
  }
}

/* A run that ends with an error says which, and stays said; it does not say "finished". In
 * sequential mode the second target's host cannot be resolved (a label longer than DNS allows,
 * so the resolver refuses it without sending a query). */
static void
test_run_error (void)
{
  g_autoptr(VsTestServer) server = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autofree char *label = g_strnfill (70, 'a');
  g_autofree char *bad = g_strdup_printf ("http://%s.invalid/", label);
  VsWindow *window;
  VsTarget *second;
  const char *notice;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  server = vs_test_server_new (NULL);
  plan = make_plan (server, 0.5);
  plan->mode = VS_MODE_SEQUENTIAL;
  plan->load.warmup_us = 0;
  second = vs_plan_get_target (plan, 1);
  g_free (second->url);
  second->url = g_strdup (bad);
  window = make_window ();
  vs_plan_editor_set_plan (window->editor, plan);
  g_assert_true (vs_plan_editor_get_valid (window->editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (vs_window_is_running (window));
  g_assert_null (vs_dashboard_get_notice (window->dashboard, "error"));
  vs_test_iterate_until (not_running, window, 20);
  g_assert_false (vs_window_is_running (window));

  g_assert_nonnull (vs_run_get_error (vs_window_get_run (window)));
  notice = vs_dashboard_get_notice (window->dashboard, "error");
  g_assert_nonnull (notice);
  g_test_message ("%s", notice);
  g_assert_nonnull (strstr (notice, vs_run_get_error (vs_window_get_run (window))->message));
  g_assert_nonnull (strstr (notice, "targets[1]"));

  gtk_window_destroy (GTK_WINDOW (window));
  let_connections_close ();
}

/* Frame clock ticks of a widget, by time. */
static gboolean
record_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  gint64 now = g_get_monotonic_time ();

  g_array_append_val ((GArray *) data, now);
  return G_SOURCE_CONTINUE;
}

static gboolean
run_has_results (gpointer data)
{
  VsRun *run = vs_window_get_run (data);

  return run != NULL && vs_run_get_results (run) != NULL;
}

/* Start never blocks the window: a target whose name resolves late (a stub resolver that
 * answers after 2 s, for that one name, with 127.0.0.1; no query leaves the process) and the
 * window keeps drawing frames all the while; then the run goes on against the real server.
 * A window blocked on the name would return from Start only once it was answered and draw no
 * frame in between; how many frames a free one draws depends on the machine's load (6 in the
 * 2 s, 827 ms apart, under two busy loops), so the frames are held to the wait, not to a rate. */
static void
test_slow_resolve (void)
{
  const gint64 delay_us = 2 * G_USEC_PER_SEC;
  g_autoptr(VsTestServer) server = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsSlowResolver) resolver = NULL;
  g_autoptr(GResolver) system = NULL;
  g_autoptr(GArray) ticks = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GUri) uri = NULL;
  g_autofree char *url = NULL;
  g_autofree char *slow_url = NULL;
  gint64 asked = 0, answered = 0, last, gap = 0, started;
  guint during = 0, tick_id;
  VsWindow *window;
  VsResults *results;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  server = vs_test_server_new (NULL);
  url = vs_test_server_url (server, "/ok");
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  slow_url = g_strdup_printf ("http://slow.test:%d/ok", g_uri_get_port (uri));
  plan = make_plan (server, 0.5);
  g_ptr_array_set_size (plan->targets, 1);
  g_free (vs_plan_get_target (plan, 0)->url);
  vs_plan_get_target (plan, 0)->url = g_strdup (slow_url);
  plan->load.warmup_us = 0;
  plan->engine = VS_ENGINE_KIND_NATIVE;

  system = g_resolver_get_default ();
  resolver = vs_slow_resolver_new ("slow.test", delay_us);
  g_resolver_set_default (G_RESOLVER (resolver));

  window = make_window ();
  vs_plan_editor_set_plan (window->editor, plan);
  g_assert_true (vs_plan_editor_get_valid (window->editor));
  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), record_tick, ticks, NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  started = g_get_monotonic_time ();
  /* the action returned at once: the name is being resolved on the run's own thread */
  g_assert_true (vs_window_is_running (window));
  vs_test_iterate_until (run_has_results, window, 4 * delay_us / G_USEC_PER_SEC);
  g_assert_true (run_has_results (window));
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick_id);

  g_assert_cmpuint (vs_slow_resolver_get_lookups (resolver), ==, 1);
  vs_slow_resolver_get_times (resolver, &asked, &answered);
  g_assert_cmpint (answered - asked, >=, delay_us);

  /* frames all through the wait: many of them, never a long gap */
  last = asked;
  for (guint i = 0; i < ticks->len; i++)
    {
      gint64 t = g_array_index (ticks, gint64, i);

      if (t < asked || t > answered)
        continue;
      during++;
      gap = MAX (gap, t - last);
      last = t;
    }
  gap = MAX (gap, answered - last);
  g_test_message ("%u frames while the name resolved for %.2f s; longest gap %.0f ms", during,
                  (answered - asked) / 1e6, gap / 1e3);
  /* Start returned while the name was still being resolved, and frames came during the wait:
   * more than one, so none of the gaps between them and the wait's ends spans it */
  g_assert_cmpint (started, <, answered);
  g_assert_cmpuint (during, >=, 2);

  /* and the run went on against the server behind the slow name */
  vs_test_iterate_until (not_running, window, 20);
  g_assert_null (vs_run_get_error (vs_window_get_run (window)));
  results = vs_run_get_results (vs_window_get_run (window));
  g_assert_cmpuint (vs_results_get_target (results, 0)->total->counters.requests, >, 0);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_OK), >=,
                    vs_results_get_target (results, 0)->total->counters.requests);

  g_resolver_set_default (system);
  gtk_window_destroy (GTK_WINDOW (window));
  let_connections_close ();
}

static void
test_invalid_url (void)
{
  VsWindow *window;
  g_autoptr(VsPlan) plan = NULL;
  VsTargetRow *row;
  GtkWidget *url;
  g_auto(GStrv) problems = NULL;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  plan = make_plan (NULL, 5);
  window = make_window ();
  vs_plan_editor_set_plan (window->editor, plan);
  g_assert_true (vs_plan_editor_get_valid (window->editor));
  g_assert_true (gtk_widget_get_sensitive (window->start_button));

  /* type a URL with a scheme no engine speaks */
  row = vs_plan_editor_get_target_row (window->editor, 1);
  url = vs_target_row_get_field (row, "url");
  gtk_editable_set_text (GTK_EDITABLE (url), "ftp://127.0.0.1/file");
  g_main_context_iteration (NULL, FALSE);

  g_assert_false (vs_plan_editor_get_valid (window->editor));
  problems = vs_plan_editor_dup_problems (window->editor);
  g_assert_nonnull (problems[0]);
  g_assert_true (g_str_has_prefix (problems[0], "targets[1].url"));
  /* shown at the field: error style and the message as its tooltip */
  g_assert_true (gtk_widget_has_css_class (url, "error"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (url));
  g_assert_true (vs_target_row_get_has_problem (row));
  /* the other target's URL is fine and unmarked */
  g_assert_false (gtk_widget_has_css_class (
    vs_target_row_get_field (vs_plan_editor_get_target_row (window->editor, 0), "url"), "error"));
  /* and Start is disabled */
  g_assert_false (gtk_widget_get_sensitive (window->start_button));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL);
  g_assert_false (vs_window_is_running (window));

  /* fixing it clears the mark and enables Start again */
  gtk_editable_set_text (GTK_EDITABLE (url), "http://127.0.0.1:8082/");
  g_assert_true (vs_plan_editor_get_valid (window->editor));
  g_assert_false (gtk_widget_has_css_class (url, "error"));
  g_assert_true (gtk_widget_get_sensitive (window->start_button));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The window keeps its size, the last plan and the tick interval in GSettings. */
static void
test_settings (void)
{
  g_autoptr(VsTestServer) server = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(GFile) plan_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *last = NULL;
  VsWindow *window;
  gpointer weak;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  settings = g_settings_new (APP_ID);
  g_settings_set_uint (settings, "tick-interval", 100);

  server = vs_test_server_new (NULL);
  plan = make_plan (server, 30);
  g_free (vs_plan_get_target (plan, 0)->name);
  vs_plan_get_target (plan, 0)->name = g_strdup ("remembered");
  dir = g_dir_make_tmp ("versus-settings-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "plan.json", NULL);
  g_assert_true (vs_plan_save_to_file (plan, path, &error));
  plan_file = g_file_new_for_path (path);

  window = make_window ();
  g_assert_true (vs_window_load_plan (window, plan_file, &error));
  last = g_settings_get_string (settings, "last-plan");
  g_assert_cmpstr (last, ==, path);

  /* the run ticks at the interval from the settings */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_cmpint (vs_run_get_plan (vs_window_get_run (window))->tick_us, ==, 100 * 1000);
  vs_window_stop (window);
  vs_test_iterate_until (not_running, window, 10);

  /* the size is written when the window closes */
  gtk_window_set_default_size (GTK_WINDOW (window), 1111, 777);
  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_close (GTK_WINDOW (window));
  vs_test_iterate_until (pointer_cleared, &weak, 5);
  g_assert_null (weak);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1111);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 777);

  /* a new window opens the last plan (read off the main thread), at the remembered size */
  window = vs_window_new (NULL);
  vs_test_iterate_until (has_plan_file, window, 10);
  {
    VsTargetRow *row = vs_plan_editor_get_target_row (window->editor, 0);
    int width, height;

    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (vs_target_row_get_field (row, "name"))),
                     ==, "remembered");
    gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
    g_assert_cmpint (width, ==, 1111);
    g_assert_cmpint (height, ==, 777);
  }
  gtk_window_destroy (GTK_WINDOW (window));

  g_settings_reset (settings, "last-plan");
  g_settings_reset (settings, "tick-interval");
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  let_connections_close ();
  vs_test_remove_tree (dir);
}

static const char *
plan_target_name (VsPlanEditor *editor,
                  guint         index)
{
  g_autoptr(VsPlan) plan = vs_plan_editor_get_plan (editor);

  /* the plan outlives this reference: the editor keeps its own */
  return vs_plan_get_target (plan, index)->name;
}

/* Targets are added, moved and removed, and the plan follows. */
static void
test_editor_targets (void)
{
  VsWindow *window;
  g_autoptr(VsPlan) plan = NULL;
  VsPlanEditor *editor;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  plan = make_plan (NULL, 5);
  window = make_window ();
  editor = window->editor;
  vs_plan_editor_set_plan (editor, plan);

  vs_plan_editor_add_target (editor);
  g_assert_cmpuint (vs_plan_editor_get_n_targets (editor), ==, 3);
  g_assert_true (vs_plan_editor_get_valid (editor));

  /* the first target moves down one place */
  g_signal_emit_by_name (vs_plan_editor_get_target_row (editor, 0), "move", 1);
  g_assert_cmpstr (plan_target_name (editor, 0), ==, "beta");
  g_assert_cmpstr (plan_target_name (editor, 1), ==, "alpha");

  /* the new third one goes */
  g_signal_emit_by_name (vs_plan_editor_get_target_row (editor, 2), "remove");
  g_assert_cmpuint (vs_plan_editor_get_n_targets (editor), ==, 2);
  {
    g_autoptr(VsPlan) edited = vs_plan_editor_get_plan (editor);

    g_assert_cmpuint (vs_plan_get_n_targets (edited), ==, 2);
  }

  /* two targets with one name: the plan check's message lands on the name field */
  gtk_editable_set_text (GTK_EDITABLE (vs_target_row_get_field (
    vs_plan_editor_get_target_row (editor, 1), "name")), "beta");
  g_assert_false (vs_plan_editor_get_valid (editor));
  g_assert_true (gtk_widget_has_css_class (
    vs_target_row_get_field (vs_plan_editor_get_target_row (editor, 1), "name"), "error"));
  g_assert_false (gtk_widget_get_sensitive (window->start_button));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The plan check's problems land on fields the user can see: a bad header on the Headers field
 * ("targets[0].headers[1]"), and "set either a duration or a request count" on the Requests row
 * when the run stops after a request count (the duration field is hidden then). */
static void
test_editor_problem_fields (void)
{
  VsWindow *window;
  g_autoptr(VsPlan) plan = NULL;
  VsPlanEditor *editor;
  VsTargetRow *row;
  GtkWidget *requests_row, *spin;
  g_auto(GStrv) problems = NULL;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  plan = make_plan (NULL, 5);
  g_strfreev (vs_plan_get_target (plan, 0)->headers);
  vs_plan_get_target (plan, 0)->headers = g_strsplit ("X-Fine: 1|Not a header", "|", -1);
  window = make_window ();
  editor = window->editor;
  vs_plan_editor_set_plan (editor, plan);

  g_assert_false (vs_plan_editor_get_valid (editor));
  problems = vs_plan_editor_dup_problems (editor);
  g_assert_nonnull (problems[0]);
  g_assert_true (g_str_has_prefix (problems[0], "targets[0].headers[1]"));
  g_assert_null (problems[1]);  /* the plan check's, not a second one of the editor's own */
  row = vs_plan_editor_get_target_row (editor, 0);
  g_assert_true (vs_target_row_get_field (row, "headers[1]") ==
                 vs_target_row_get_field (row, "headers"));
  g_assert_true (gtk_widget_has_css_class (vs_target_row_get_field (row, "headers"), "error"));
  g_clear_pointer (&problems, g_strfreev);

  /* stop after a request count: at least one */
  g_clear_pointer (&vs_plan_get_target (plan, 0)->headers, g_strfreev);
  plan->load.duration_us = 0;
  plan->load.requests = 100;
  vs_plan_editor_set_plan (editor, plan);
  g_assert_true (vs_plan_editor_get_valid (editor));
  requests_row = vs_plan_editor_get_field (editor, "load.requests");
  g_assert_true (gtk_widget_get_visible (requests_row));
  g_assert_true (vs_plan_editor_get_field (editor, "load.duration") == requests_row);
  spin = vs_test_find_descendant (requests_row, GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin);
  g_assert_cmpfloat (gtk_adjustment_get_lower (
    gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (spin))), ==, 1);

  /* were it 0 all the same, the problem shows on the row that is there */
  gtk_adjustment_set_lower (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (spin)), 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0);
  g_assert_false (vs_plan_editor_get_valid (editor));
  problems = vs_plan_editor_dup_problems (editor);
  g_assert_true (g_str_has_prefix (problems[0], "load.duration"));
  g_assert_true (gtk_widget_has_css_class (requests_row, "error"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static guint
count_toplevels (void)
{
  return g_list_model_get_n_items (gtk_window_get_toplevels ());
}

/* The app.* actions and their accelerators, and that each opens what it says without a
 * warning (warnings are fatal here). */
static void
test_app_actions (void)
{
  static const char * const actions[] = { "quit", "preferences", "shortcuts", "about",
                                          "new-window" };
  g_autoptr(VsApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) accels = NULL;
  guint before;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  app = vs_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) |
                           G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), actions[i]));
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_cmpstr (accels[0], ==, "<Control>q");

  /* every app accelerator is listed in the keyboard shortcuts window */
  {
    g_autoptr(GBytes) bytes =
      g_resources_lookup_data ("/io/github/versus/Versus/help-overlay.ui", 0, &error);
    const char *overlay;

    g_assert_no_error (error);
    overlay = g_bytes_get_data (bytes, NULL);
    for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
      {
        g_autofree char *name = g_strconcat ("app.", actions[i], NULL);
        g_auto(GStrv) keys = gtk_application_get_accels_for_action (GTK_APPLICATION (app), name);
        g_autofree char *escaped = NULL;

        if (keys[0] == NULL)
          continue;  /* About has none */
        escaped = g_markup_escape_text (keys[0], -1);
        g_test_message ("%s: %s", name, keys[0]);
        g_assert_nonnull (strstr (overlay, escaped));
      }
  }

  /* a window first, as the actions expect one */
  g_application_activate (G_APPLICATION (app));
  g_assert_true (VS_IS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app))));

  before = count_toplevels ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  g_assert_cmpuint (count_toplevels (), ==, before + 1);
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (app), "new-window", NULL);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), >=, 2);

  /* quit closes every window of the app */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  for (int i = 0; i < 50 && gtk_application_get_windows (GTK_APPLICATION (app)) != NULL; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* what is left (dialogs not owned by the app) */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

    while (g_list_model_get_n_items (toplevels) > 0)
      {
        g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

        gtk_window_destroy (window);
      }
  }
}

/* ---- managed servers (issue 11) ------------------------------------------------------- */

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static char *
server_script (void)
{
  const char *source_dir = g_getenv ("VERSUS_SOURCE_DIR");   /* set by meson test */

  g_assert_nonnull (source_dir);
  return g_build_filename (source_dir, "tests", "vs-server-script.py", NULL);
}

/* How many processes run the test server script on this port, from /proc: the witness that
 * nothing was started, or that something was. */
static guint
count_script_processes (guint16 port)
{
  g_autofree char *script = server_script ();
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint found = 0;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize length = 0;
      gboolean has_script = FALSE, has_port = FALSE;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "cmdline", NULL);
      if (!g_file_get_contents (path, &cmdline, &length, NULL))
        continue;  /* gone meanwhile */
      for (gsize at = 0; at < length; at += strlen (cmdline + at) + 1)
        {
          has_script |= g_str_equal (cmdline + at, script);
          has_port |= g_str_equal (cmdline + at, port_text);
        }
      found += has_script && has_port;
    }
  return found;
}

/* Two targets whose servers are the test script ("normal" or "burn S"), each on a fresh port
 * (ports[2]), the first one run in /tmp with GREETING set. */
static VsPlan *
managed_plan (const char *mode,
              double      seconds,
              const char *greeting,
              guint16    *ports)
{
  g_autofree char *script = server_script ();
  g_auto(GStrv) words = g_strsplit (mode, " ", -1);
  g_autoptr(GString) args = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  VsPlan *plan;

  for (guint i = 0; words[i] != NULL; i++)
    g_string_append_printf (args, ", \"%s\"", words[i]);
  ports[0] = free_port ();
  do
    ports[1] = free_port ();
  while (ports[1] == ports[0]);
  json = g_strdup_printf (
    "{\"version\": 1, \"engine\": \"native\", \"tick\": \"250ms\","
    " \"load\": {\"connections\": 2, \"threads\": 1, \"duration\": \"%gs\"},"
    " \"targets\": ["
    "  {\"name\": \"node\", \"url\": \"http://127.0.0.1:%u/\","
    "   \"server\": {\"command\": [\"python3\", \"%s\", \"%u\"%s], \"cwd\": \"/tmp\","
    "                \"env\": {\"GREETING\": \"%s\"}, \"stop_grace\": \"3s\"}},"
    "  {\"name\": \"flask\", \"url\": \"http://127.0.0.1:%u/\","
    "   \"server\": {\"command\": [\"python3\", \"%s\", \"%u\"%s], \"stop_grace\": \"3s\"}}]}",
    seconds, ports[0], script, ports[0], args->str, greeting, ports[1], script, ports[1],
    args->str);
  plan = vs_plan_load_from_data (json, -1, NULL, &error);
  g_assert_no_error (error);
  return plan;
}

static gboolean
script_started (gpointer data)
{
  return count_script_processes (*(guint16 *) data) > 0;
}

/* AdwMessageDialog is deprecated in the Flatpak runtime's libadwaita; Debian 12's 1.2 has no
 * AdwAlertDialog (1.5) to replace it. */
static void
consent_respond (VsWindow   *window,
                 const char *response)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_message_dialog_response (window->consent_dialog, response);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* The text the consent dialog lists. */
static const char *
consent_text (VsWindow *window)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkWidget *child = adw_message_dialog_get_extra_child (window->consent_dialog);
  G_GNUC_END_IGNORE_DEPRECATIONS
  GtkWidget *label = vs_test_find_descendant (child, GTK_TYPE_LABEL);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* A plan with commands runs nothing before the person agrees: Start shows each command with
 * its folder and variables; Cancel starts no process (none in /proc with the script and its
 * port); Run Commands starts both servers and the run. The agreement holds for exactly those
 * commands: the same plan starts at once, a changed variable asks again. */
static void
test_consent (void)
{
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsPlan) changed = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *script = server_script ();
  guint16 ports[2], changed_ports[2];
  const VsResults *results;
  const char *text;
  VsWindow *window;
  gint64 until;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  plan = managed_plan ("normal", 1, "hi there", ports);
  window = make_window ();
  vs_plan_editor_set_plan (window->editor, plan);
  g_assert_true (vs_plan_editor_get_valid (window->editor));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_nonnull (window->consent_dialog);
  g_assert_false (vs_window_is_running (window));
  g_assert_null (vs_window_get_run (window));
  text = consent_text (window);
  g_test_message ("%s", text);
  commands = vs_plan_list_commands (plan);
  expected = vs_consent_describe (commands);
  g_assert_cmpstr (text, ==, expected);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *line = g_strdup_printf ("%s: python3 %s %u normal",
                                               i == 0 ? "node" : "flask", script, ports[i]);

      g_assert_nonnull (strstr (text, line));
    }
  g_assert_nonnull (strstr (text, "in /tmp"));
  g_assert_nonnull (strstr (text, "with GREETING=hi there"));

  /* Cancel: nothing runs, now or a moment later */
  consent_respond (window, "cancel");
  g_assert_null (window->consent_dialog);
  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  vs_test_iterate_until (time_passed, &until, 2);
  g_assert_null (vs_window_get_run (window));
  g_assert_cmpuint (count_script_processes (ports[0]), ==, 0);
  g_assert_cmpuint (count_script_processes (ports[1]), ==, 0);

  /* a cancelled dialog agreed to nothing: Start asks again; Run Commands starts both */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_nonnull (window->consent_dialog);
  consent_respond (window, "run");
  g_assert_null (window->consent_dialog);
  g_assert_true (vs_window_is_running (window));
  vs_test_iterate_until (script_started, &ports[0], 10);
  g_assert_cmpuint (count_script_processes (ports[0]), >=, 1);
  vs_test_iterate_until (not_running, window, 30);
  results = vs_run_get_results (vs_window_get_run (window));
  g_assert_nonnull (results);
  for (guint i = 0; i < 2; i++)
    {
      const VsTargetResult *tr = vs_results_get_target ((VsResults *) results, i);

      g_assert_cmpuint (tr->total->counters.responses, >, 0);
      g_assert_cmpuint (tr->server.samples, >, 0);
      /* stopped with the run */
      g_assert_cmpuint (count_script_processes (ports[i]), ==, 0);
    }

  /* the same commands again: no question */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_null (window->consent_dialog);
  g_assert_true (vs_window_is_running (window));
  vs_window_stop (window);
  vs_test_iterate_until (not_running, window, 30);

  /* one variable changed: asked again, and Cancel runs nothing */
  changed = managed_plan ("normal", 1, "hi here", changed_ports);
  vs_plan_editor_set_plan (window->editor, changed);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_nonnull (window->consent_dialog);
  g_assert_nonnull (strstr (consent_text (window), "hi here"));
  consent_respond (window, "cancel");
  g_assert_false (vs_window_is_running (window));
  g_assert_cmpuint (count_script_processes (changed_ports[0]), ==, 0);

  /* the command line's --allow-commands: consent to the plan in the editor */
  vs_window_allow_commands (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_null (window->consent_dialog);
  g_assert_true (vs_window_is_running (window));
  vs_window_stop (window);
  vs_test_iterate_until (not_running, window, 30);
  g_assert_cmpuint (count_script_processes (changed_ports[0]), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  let_connections_close ();
}

/* Replaces argument @i of target @t's server command (after the plan was made from JSON, so
 * that a JSON body needs no escaping in escaping). */
static void
set_server_arg (VsPlan     *plan,
                guint       t,
                guint       i,
                const char *value)
{
  VsServerSpec *server = vs_plan_get_target (plan, t)->server;

  g_assert_cmpuint (g_strv_length (server->argv), >, i);
  g_free (server->argv[i]);
  server->argv[i] = g_strdup (value);
}

static const char *
table_cell_of (VsResultsTable *table,
               const char     *heading,
               guint           column)
{
  for (guint row = 1; vs_results_table_get_cell (table, row, 0) != NULL; row++)
    if (g_str_equal (vs_results_table_get_cell (table, row, 0), heading))
      return vs_results_table_get_cell (table, row, column);
  return NULL;
}

/* A managed run in the window: the server charts (a line per target with a server, the points
 * those of the intervals), the cards' server CPU, memory and cores with their interval, the
 * table's server rows; a server that crashes during the load fails its target on its card,
 * whose Log button shows the server's own lines; backends that answer differently are a
 * warning with the difference under the cards. */
static void
test_managed_run (void)
{
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = server_script ();
  g_autofree char *json = NULL;
  guint16 ports[4];
  VsWindow *window;
  VsDashboard *dashboard;
  VsResults *results;
  VsCpuList available;
  g_autofree char *all_cpus = NULL;
  const char *notice;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  ports[0] = free_port ();
  do
    ports[1] = free_port ();
  while (ports[1] == ports[0]);
  do
    ports[2] = free_port ();
  while (ports[2] == ports[0] || ports[2] == ports[1]);
  do
    ports[3] = free_port ();
  while (ports[3] == ports[0] || ports[3] == ports[1] || ports[3] == ports[2]);
  json = g_strdup_printf (
    "{\"version\": 1, \"engine\": \"native\", \"tick\": \"250ms\","
    " \"load\": {\"connections\": 2, \"threads\": 1, \"duration\": \"2s\"},"
    " \"compare\": {\"answers\": true},"
    " \"targets\": ["
    "  {\"name\": \"node\", \"url\": \"http://127.0.0.1:%u/\", \"server\":"
    "   {\"command\": [\"python3\", \"%s\", \"%u\", \"json\", \"BODY\"], \"stop_grace\": \"3s\"}},"
    "  {\"name\": \"flask\", \"url\": \"http://127.0.0.1:%u/\", \"server\":"
    "   {\"command\": [\"python3\", \"%s\", \"%u\", \"json\", \"BODY\"], \"stop_grace\": \"3s\"}},"
    "  {\"name\": \"crashing\", \"url\": \"http://127.0.0.1:%u/\", \"server\":"
    "   {\"command\": [\"python3\", \"%s\", \"%u\", \"crash\", \"900\"], \"stop_grace\": \"3s\"}},"
    "  {\"name\": \"never\", \"url\": \"http://127.0.0.1:%u/\", \"server\":"
    "   {\"command\": [\"python3\", \"%s\", \"%u\", \"never-ready\"],"
    "    \"ready\": {\"port\": %u, \"timeout\": \"1s\"}, \"stop_grace\": \"3s\"}}"
    "]}", ports[0], script, ports[0], ports[1], script, ports[1], ports[2], script, ports[2],
    ports[3], script, ports[3], ports[3]);
  plan = vs_plan_load_from_data (json, -1, NULL, &error);
  g_assert_no_error (error);
  set_server_arg (plan, 0, 4, "{\"id\": 42, \"name\": \"User 42\"}");
  set_server_arg (plan, 1, 4, "{\"id\": 42, \"name\": \"user 42\"}");

  window = make_window ();
  dashboard = window->dashboard;
  vs_plan_editor_set_plan (window->editor, plan);
  vs_window_allow_commands (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_null (window->consent_dialog);
  vs_test_iterate_until (not_running, window, 40);
  results = vs_run_get_results (vs_window_get_run (window));
  g_assert_nonnull (results);
  for (guint t = 0; t < 4; t++)
    g_assert_cmpuint (count_script_processes (ports[t]), ==, 0);

  /* the server charts: shown, a line per target, the intervals' own figures */
  for (guint k = VS_CHART_SERVER_CPU; k <= VS_CHART_SERVER_MEMORY; k++)
    {
      VsChartModel *model = vs_dashboard_get_chart_model (dashboard, k);

      g_assert_true (vs_dashboard_chart_shown (dashboard, k));
      g_assert_true (gtk_widget_get_visible (vs_dashboard_get_chart (dashboard, k)));
      for (guint t = 0; t < 2; t++)
        {
          const VsTargetResult *tr = vs_results_get_target (results, t);
          const VsChartSeries *s = find_series (model, tr->target->name);
          guint n = 0;
          double top = 0;

          g_assert_nonnull (s);
          g_assert_cmpuint (s->color, ==, t);
          for (guint i = 0; i < tr->intervals->len; i++)
            {
              const VsInterval *in = &g_array_index (tr->intervals, VsInterval, i);
              double y = k == VS_CHART_SERVER_CPU ? in->server_cpu_percent
                                                  : in->server_memory_bytes / 1048576.0;

              if (!in->server_sampled)
                continue;
              g_assert_cmpuint (n, <, s->x->len);
              g_assert_cmpfloat (g_array_index (s->x, double, n), ==, in->end_s);
              g_assert_cmpfloat (g_array_index (s->y, double, n), ==, y);
              top = MAX (top, y);
              n++;
            }
          g_assert_cmpuint (n, ==, s->x->len);
          g_assert_cmpuint (n, >, 2);
          /* a Python server answering a closed loop uses CPU; its memory is megabytes */
          g_test_message ("%s %s: %u points, peak %.2f", vs_chart_model_get_name (model),
                          tr->target->name, n, top);
          g_assert_cmpfloat (top, >, k == VS_CHART_SERVER_CPU ? 0 : 1);
        }
    }

  /* the cards: the whole run's server figures, labelled so; the cores */
  vs_cpu_list_available (&available);
  all_cpus = vs_cpu_list_format (&available);
  for (guint t = 0; t < 2; t++)
    {
      VsTargetCard *card = vs_dashboard_get_card (dashboard, t);
      g_autofree char *cpu = vs_summary_format_cell (results, t,
                                                     vs_summary_find_metric ("server_cpu_mean_pct"),
                                                     VS_FORMAT_LOCALE);

      g_test_message ("card %u: server CPU %s (%s), memory %s (%s), cores %s, generator %s", t,
                      vs_target_card_get_figure (card, "server-cpu"),
                      vs_target_card_get_figure (card, "server-cpu-caption"),
                      vs_target_card_get_figure (card, "server-memory"),
                      vs_target_card_get_figure (card, "server-memory-caption"),
                      vs_target_card_get_figure (card, "server-cores"),
                      vs_target_card_get_figure (card, "generator-cores"));
      g_assert_cmpstr (vs_target_card_get_figure (card, "server-cpu"), ==, cpu);
      g_assert_cmpstr (vs_target_card_get_figure (card, "server-cpu-caption"), ==,
                       "server CPU, whole-run mean");
      g_assert_nonnull (strstr (vs_target_card_get_figure (card, "server-memory"), "iB"));
      g_assert_cmpstr (vs_target_card_get_figure (card, "server-memory-caption"), ==,
                       "server memory, whole-run mean");
      g_assert_cmpstr (vs_target_card_get_figure (card, "server-cores"), ==, all_cpus);
      g_assert_cmpstr (vs_target_card_get_figure (card, "generator-cores"), ==, all_cpus);
      /* the answers' difference is about the run: under the cards, not on them */
      g_assert_null (strstr (vs_target_card_get_figure (card, "note"), "does not answer"));
    }

  /* the results table: the metric table's server rows, with figures for the servers */
  {
    VsResultsTable *table = VS_RESULTS_TABLE (vs_dashboard_get_table (dashboard));
    static const char * const rows[] = { "server CPUs", "server CPU mean", "server CPU peak",
                                         "server memory mean", "server memory peak",
                                         "server CPU per request",
                                         "requests per server CPU-second" };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        const char *cell = table_cell_of (table, rows[i], 1);

        g_test_message ("table: %s: %s", rows[i], cell);
        g_assert_nonnull (cell);
        g_assert_cmpstr (cell, !=, "–");
      }
  }

  /* the crashed server: failed on its card, its log one click away */
  {
    VsTargetCard *card = vs_dashboard_get_card (dashboard, 2);
    const char *note = vs_target_card_get_figure (card, "note");
    const char *log = vs_target_card_get_figure (card, "log");

    g_test_message ("crashing: %s | %s", vs_target_card_get_figure (card, "state"), note);
    g_test_message ("its log:\n%s", log);
    g_assert_cmpstr (vs_target_card_get_figure (card, "state"), ==, "server failed");
    g_assert_nonnull (strstr (note, "crashing: server exited during the run (exit status 3)"));
    /* the script's own first line: "script PID mode crash" */
    g_assert_nonnull (strstr (log, " mode crash"));
  }

  /* the server that never became ready: no load, and why on its card */
  {
    VsTargetCard *card = vs_dashboard_get_card (dashboard, 3);
    const char *note = vs_target_card_get_figure (card, "note");

    g_test_message ("never: %s | %s", vs_target_card_get_figure (card, "state"), note);
    g_assert_cmpstr (vs_target_card_get_figure (card, "state"), ==, "server failed");
    g_assert_nonnull (strstr (note, "never: server was not ready within 1.0 s"));
    g_assert_nonnull (strstr (vs_target_card_get_figure (card, "log"), " mode never-ready"));
  }

  /* the answers differ: said under the cards, with how */
  notice = vs_dashboard_get_notice (dashboard, "generator");
  g_assert_nonnull (notice);
  g_test_message ("%s", notice);
  g_assert_nonnull (strstr (notice, "flask does not answer like node: "));
  g_assert_nonnull (strstr (notice, "/name"));
  g_assert_nonnull (strstr (notice, "\"User 42\""));

  gtk_window_destroy (GTK_WINDOW (window));
  let_connections_close ();
}


/* ---- capacity search (issue 12) ----------------------------------------------------------- */

/* A search of one target against a server of 20 workers that each hold a request 100 ms: it
 * answers at most 200 requests/s, every answer taking 100 ms below that. From 20/s × 4 the
 * steps are 20 and 80 (kept), 320 (past it: the queue grows beyond the 400 ms budget within
 * the step), then one bisection at 200. The rates span a factor of 16: a log axis. */
static VsPlan *
capacity_plan (const char *url,
               gint64      step_us)
{
  VsPlan *plan = vs_plan_new ();

  vs_plan_add_target (plan, vs_target_new ("pool", url));
  plan->mode = VS_MODE_CAPACITY;
  plan->load.connections = 100;
  plan->load.threads = 1;
  plan->load.warmup_us = G_USEC_PER_SEC / 2;
  g_ptr_array_add (plan->thresholds, vs_plan_threshold_new ("p99 < 400ms"));
  plan->capacity.start_rate = 20;
  plan->capacity.factor = 4;
  plan->capacity.step_us = step_us;
  plan->capacity.bisections = 1;
  plan->capacity.max_rate = 10000;
  return plan;
}

static int
compare_step_rate (gconstpointer a,
                   gconstpointer b)
{
  const VsCapacityStep *x = *(const VsCapacityStep **) a;
  const VsCapacityStep *y = *(const VsCapacityStep **) b;

  return (x->rate > y->rate) - (x->rate < y->rate);
}

/* The window's pictures of a search, light and dark, where VERSUS_SHOTS_DIR says (to look
 * at; nothing is judged from them but that they are not blank). */
static void
save_capacity_pictures (VsWindow     *window,
                        VsChartModel *model)
{
  const char *dir = g_getenv ("VERSUS_SHOTS_DIR");
  AdwStyleManager *style = adw_style_manager_get_default ();
  const AdwColorScheme schemes[] = { ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK };
  const char *names[] = { "light", "dark" };

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 1180);
  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      g_autofree char *window_name = g_strdup_printf ("window-%s.png", names[i]);
      g_autofree char *window_png = g_build_filename (dir, window_name, NULL);
      g_autoptr(GError) error = NULL;
      gint64 until;

      adw_style_manager_set_color_scheme (style, schemes[i]);
      until = g_get_monotonic_time () + G_USEC_PER_SEC;
      vs_test_iterate_until (time_passed, &until, 2);
      g_assert_true (vs_window_save_screenshot (window, window_png, &error));
      g_assert_no_error (error);
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  {
    g_autofree char *png = g_build_filename (dir, "chart-export.png", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (vs_chart_render_to_png (model, png, 1000, 480, &error));
  }
}

static void
count_step_started (VsCapacity *capacity,
                    guint       target,
                    double      rate,
                    GArray     *started)
{
  /* the step's run is there, and it is of that target at that rate */
  VsRun *run = vs_capacity_get_run (capacity);
  VsPlan *plan = vs_results_get_plan (vs_run_get_results (run));

  g_assert_cmpstr (vs_plan_get_target (plan, 0)->name, ==,
                   vs_plan_get_target (vs_capacity_get_plan (capacity), target)->name);
  g_assert_cmpfloat (plan->load.rate, ==, rate);
  g_array_append_val (started, rate);
}

/* The second target's second step is half-way. */
static gboolean
second_target_running (gpointer data)
{
  GPtrArray *steps = vs_capacity_get_steps (data);
  VsRun *run = vs_capacity_get_run (data);

  return steps->len >= 5 && run != NULL && vs_run_get_elapsed (run) > 1.5;
}

/* A real search run from the window against two servers whose capacities are known (200 and
 * 100 req/s): per target, the chart's points are its steps' figures in its colour, its knee
 * its capacity; the limit is the threshold's; the notice and table say what
 * vs_capacity_describe() says; every answer the steps counted, the servers gave. */
static void
test_capacity_search (void)
{
  g_autoptr(VsPoolServer) pool = vs_pool_server_new (20, 100);
  g_autoptr(VsPoolServer) half = vs_pool_server_new (10, 100);
  g_autofree char *url = vs_pool_server_url (pool);
  g_autofree char *half_url = vs_pool_server_url (half);
  g_autoptr(VsPlan) plan = capacity_plan (url, 2 * G_USEC_PER_SEC);
  g_autofree char *dir = g_dir_make_tmp ("versus-capacity-XXXXXX", NULL);
  g_autoptr(GString) sentences = g_string_new (NULL);
  g_autoptr(GArray) started = g_array_new (FALSE, FALSE, sizeof (double));
  VsPoolServer *servers[2];
  const char *names[] = { "pool", "half" };
  guint64 responses[2] = { 0, 0 };
  VsResultsTable *table;
  VsCapacityView *view;
  VsChartModel *model;
  VsCapacity *capacity;
  GPtrArray *steps;
  VsWindow *window;
  guint knees = 0, limits = 0;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  servers[0] = pool;
  servers[1] = half;
  vs_plan_add_target (plan, vs_target_new ("half", half_url));

  window = make_window ();
  vs_plan_editor_set_plan (window->editor, plan);
  g_assert_true (vs_plan_editor_get_valid (window->editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  capacity = vs_window_get_capacity (window);
  g_assert_nonnull (capacity);
  g_signal_connect (capacity, "step-started", G_CALLBACK (count_step_started), started);
  g_assert_true (vs_window_is_running (window));
  g_assert_true (vs_dashboard_chart_shown (window->dashboard, VS_CHART_CAPACITY));
  /* the running step's own run is drawn live */
  g_assert_nonnull (vs_dashboard_get_results (window->dashboard));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (window->editor)));
  /* (a picture of the search under way: the second target's first steps) */
  if (g_getenv ("VERSUS_SHOTS_DIR") != NULL)
    {
      g_autofree char *png = g_build_filename (g_getenv ("VERSUS_SHOTS_DIR"),
                                               "window-running.png", NULL);

      g_mkdir_with_parents (g_getenv ("VERSUS_SHOTS_DIR"), 0755);
      gtk_window_set_default_size (GTK_WINDOW (window), 1400, 1180);
      vs_test_iterate_until (second_target_running, capacity, 60);
      g_assert_true (vs_window_save_screenshot (window, png, NULL));
    }
  vs_test_iterate_until (not_running, window, 120);
  g_assert_false (vs_window_is_running (window));
  g_assert_null (vs_capacity_get_error (capacity));

  view = VS_CAPACITY_VIEW (vs_dashboard_get_capacity_view (window->dashboard));
  model = vs_dashboard_get_chart_model (window->dashboard, VS_CHART_CAPACITY);
  table = VS_RESULTS_TABLE (vs_dashboard_get_table (window->dashboard));
  steps = vs_capacity_get_steps (capacity);
  g_assert_cmpuint (steps->len, >=, 4);
  /* each step after the first (started with the search) said so as it started */
  g_signal_handlers_disconnect_by_data (capacity, started);
  g_assert_cmpuint (started->len, ==, steps->len - 1);
  for (guint i = 0; i < started->len; i++)
    g_assert_cmpfloat (g_array_index (started, double, i), ==,
                       ((VsCapacityStep *) g_ptr_array_index (steps, i + 1))->rate);

  /* the steps table: a row per step, in order, with its offered rate and outcome */
  g_assert_cmpstr (vs_capacity_view_get_cell (view, 0, 3), ==, "Offered");
  for (guint i = 0; i < steps->len; i++)
    {
      const VsCapacityStep *step = g_ptr_array_index (steps, i);
      const VsTargetResult *tr = vs_results_get_target (step->results, 0);
      g_autofree char *offered = vs_units_format (step->rate, VS_UNIT_RATE);

      g_test_message ("%s step %u at %.1f/s: %s, p99 %.1f ms", names[step->target], step->step,
                      step->rate, step->kept ? "kept" : step->why,
                      vs_target_result_latency (tr, 99) / 1e3);
      g_assert_cmpstr (vs_capacity_view_get_cell (view, i + 1, 0), ==, names[step->target]);
      g_assert_cmpstr (vs_capacity_view_get_cell (view, i + 1, 3), ==, offered);
      g_assert_cmpstr (vs_capacity_view_get_cell (view, i + 1, 7), ==,
                       step->kept ? "kept" : step->why);
      for (guint k = 0; k < tr->intervals->len; k++)
        responses[step->target] += g_array_index (tr->intervals, VsInterval, k).counters.responses;
    }

  for (guint t = 0; t < 2; t++)
    {
      const VsCapacityResult *result = vs_capacity_get_result (capacity, t);
      const VsCapacityStep *summary = vs_capacity_get_summary_step (capacity, t);
      g_autoptr(GPtrArray) mine = g_ptr_array_new ();
      g_autofree char *p50_name = g_strdup_printf ("%s p50", names[t]);
      g_autofree char *sentence = vs_capacity_describe (capacity, t);
      g_autofree char *capacity_text = NULL;
      g_autofree char *at = vs_units_format (summary->rate, VS_UNIT_RATE);
      g_autofree char *rps = vs_summary_format_cell (summary->results, 0,
                                                     vs_summary_find_metric ("rps"),
                                                     VS_FORMAT_LOCALE);
      const VsChartSeries *series;
      gboolean found_rps = FALSE;

      /* the witness: every answer the target's steps counted, warm-ups included */
      g_assert_cmpuint (vs_pool_server_count (servers[t]), ==, responses[t]);

      /* the chart: the target's p99 through each step by rate, in its colour, its marker the
       * step's outcome, and its p50 lighter beside it */
      for (guint i = 0; i < steps->len; i++)
        {
          const VsCapacityStep *step = g_ptr_array_index (steps, i);

          if (step->target == t &&
              vs_histogram_count (vs_results_get_target (step->results, 0)->total->latency) > 0)
            g_ptr_array_add (mine, (gpointer) step);
        }
      g_ptr_array_sort (mine, compare_step_rate);
      series = find_series (model, names[t]);
      g_assert_nonnull (series);
      g_assert_nonnull (series->points);
      g_assert_cmpuint (series->color, ==, t);
      g_assert_cmpuint (series->x->len, ==, mine->len);
      for (guint i = 0; i < mine->len; i++)
        {
          const VsCapacityStep *step = g_ptr_array_index (mine, i);
          const VsTargetResult *tr = vs_results_get_target (step->results, 0);
          VsChartPoint point = g_array_index (series->points, guint8, i);

          g_assert_cmpfloat (g_array_index (series->x, double, i), ==, step->rate);
          g_assert_cmpfloat (g_array_index (series->y, double, i), ==,
                             vs_target_result_latency (tr, 99));
          g_assert_cmpint (point, ==, step->kept ? VS_CHART_POINT_KEPT
                                      : step->limited ? VS_CHART_POINT_LIMITED
                                      : VS_CHART_POINT_FAILED);
        }
      series = find_series (model, p50_name);
      g_assert_nonnull (series);
      g_assert_true (series->faint);
      g_assert_cmpuint (series->color, ==, t);
      for (guint i = 0; i < mine->len; i++)
        g_assert_cmpfloat (g_array_index (series->y, double, i), ==,
                           vs_target_result_latency (vs_results_get_target (
                             ((VsCapacityStep *) g_ptr_array_index (mine, i))->results, 0), 50));

      /* its knee at the capacity found */
      for (guint i = 0; i < vs_chart_model_get_n_marks (model); i++)
        {
          const VsChartMark *mark = vs_chart_model_get_mark (model, i);

          if (isnan (mark->x) || mark->color != t)
            continue;
          knees++;
          g_assert_cmpfloat (mark->x, ==, result->capacity_rps);
          g_assert_true (g_str_has_prefix (mark->label, names[t]));
        }
      if (!result->limited)
        /* below its capacity every step keeps 100 ms answers: 20/s and 80/s were kept */
        g_assert_cmpfloat (result->capacity_rps, >=, 80);

      /* the sentence, and in the table its capacity, the rate of the step whose figures
       * follow, and those figures */
      g_test_message ("%s", sentence);
      g_string_append_printf (sentences, "%s%s", t > 0 ? "\n" : "", sentence);
      capacity_text = isnan (result->capacity_rps) ? g_strdup ("none found")
                                                   : vs_units_format (result->capacity_rps,
                                                                      VS_UNIT_RATE);
      g_assert_cmpstr (vs_results_table_get_cell (table, 0, 1 + t), ==, names[t]);
      g_assert_cmpstr (vs_results_table_get_cell (table, 1, 1 + t), ==, capacity_text);
      g_assert_cmpstr (vs_results_table_get_cell (table, 2, 1 + t), ==, at);
      for (guint row = 3; vs_results_table_get_cell (table, row, 0) != NULL; row++)
        found_rps |= g_strcmp0 (vs_results_table_get_cell (table, row, 1 + t), rps) == 0;
      g_assert_true (found_rps);
      g_assert_cmpstr (vs_target_card_get_figure (vs_dashboard_get_card (window->dashboard, t),
                                                  "rps"), ==, rps);
    }
  g_assert_cmpstr (vs_capacity_view_get_sentences (view), ==, sentences->str);
  g_assert_cmpstr (vs_results_table_get_cell (table, 1, 0), ==, "Capacity");
  for (guint i = 0; i < vs_chart_model_get_n_marks (model); i++)
    {
      const VsChartMark *mark = vs_chart_model_get_mark (model, i);

      if (!isnan (mark->x))
        continue;
      limits++;
      g_assert_cmpfloat (mark->y, ==, 400000);
      g_assert_cmpstr (mark->label, ==, "p99 < 400ms");
    }
  /* one line for the threshold both targets share */
  g_assert_cmpuint (limits, ==, 1);
  g_assert_cmpuint (knees, >=, 1);
  /* 20/s to at least 320/s: more than a factor of 10, on a log axis */
  g_assert_true (vs_chart_model_get_x_log (model));

  /* Export: the search's CSV files (a row per step in steps.csv) and its chart */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-csv", "s", dir));
  vs_test_wait_for_file (dir, "steps.csv", 10);
  vs_test_wait_for_file (dir, "summary.csv", 10);
  {
    g_autofree char *csv = read_file (dir, "steps.csv");
    g_auto(GStrv) lines = g_strsplit (g_strchomp (csv), "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, steps->len + 1);
  }
  {
    g_autofree char *charts = g_build_filename (dir, "charts", NULL);
    g_autofree char *png = g_build_filename (charts, "capacity.png", NULL);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-charts", "s",
                                               charts));
    vs_test_wait_for_file (charts, "capacity.png", 10);
    g_assert_cmpfloat (vs_test_png_variance (png), >, 0);
  }

  /* Its JSON, opened again from the file: the same steps, sentences and table */
  {
    g_autofree char *json = g_build_filename (dir, "search.json", NULL);
    g_autofree char *table_capacity = g_strdup (vs_results_table_get_cell (table, 1, 1));
    const char *paths[] = { json, NULL };
    CapacityReplacing replacing = { window->dashboard, capacity };
    VsCapacity *back;
    GPtrArray *back_steps;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-json", "s",
                                               json));
    vs_test_wait_for_file (dir, "search.json", 10);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-results", "^as",
                                               paths));
    vs_test_iterate_until (capacity_replaced, &replacing, 10);
    back = vs_dashboard_get_capacity (window->dashboard);
    back_steps = vs_capacity_get_steps (back);
    g_assert_cmpuint (back_steps->len, ==, steps->len);
    for (guint i = 0; i < steps->len; i++)
      {
        const VsCapacityStep *step = g_ptr_array_index (steps, i);
        const VsCapacityStep *again = g_ptr_array_index (back_steps, i);

        g_assert_cmpuint (again->target, ==, step->target);
        g_assert_cmpfloat (again->rate, ==, step->rate);
        g_assert_cmpint (again->kept, ==, step->kept);
        g_assert_cmpint (again->limited, ==, step->limited);
        g_assert_cmpstr (vs_capacity_view_get_cell (view, i + 1, 7), ==,
                         step->kept ? "kept" : step->why);
        g_assert_cmpuint (vs_results_get_target (again->results, 0)->total->counters.responses,
                          ==, vs_results_get_target (step->results, 0)->total->counters.responses);
      }
    g_assert_cmpstr (vs_capacity_view_get_sentences (view), ==, sentences->str);
    g_assert_cmpstr (vs_results_table_get_cell (table, 1, 1), ==, table_capacity);
  }

  save_capacity_pictures (window, model);
  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_remove_tree (dir);
  let_connections_close ();
}

static gboolean
has_steps (gpointer data)
{
  return vs_capacity_get_steps (data)->len > 0;
}

/* Stop ends the search after the step it is in, which says it was stopped; closing the window
 * mid-search takes the search down before the window goes. */
static void
test_capacity_stop_close (void)
{
  g_autoptr(VsPoolServer) pool = vs_pool_server_new (20, 100);
  g_autofree char *url = vs_pool_server_url (pool);
  g_autoptr(VsPlan) plan = capacity_plan (url, 30 * G_USEC_PER_SEC);
  g_autoptr(VsCapacity) capacity = NULL;
  g_autoptr(VsCapacity) closed = NULL;
  const VsCapacityStep *step;
  VsWindow *window;
  gpointer weak;
  gint64 until;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = make_window ();
  vs_plan_editor_set_plan (window->editor, plan);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  capacity = g_object_ref (vs_window_get_capacity (window));
  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  vs_test_iterate_until (time_passed, &until, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  vs_test_iterate_until (not_running, window, 10);
  g_assert_false (vs_capacity_is_running (capacity));
  g_assert_cmpuint (vs_capacity_get_steps (capacity)->len, ==, 1);
  step = g_ptr_array_index (vs_capacity_get_steps (capacity), 0);
  g_assert_false (step->kept);
  g_assert_cmpstr (step->why, ==, "stopped");
  g_assert_true (isnan (vs_capacity_get_result (capacity, 0)->capacity_rps));

  /* again, and close the window during its first step */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  closed = g_object_ref (vs_window_get_capacity (window));
  g_assert_true (closed != capacity);
  g_assert_true (vs_capacity_is_running (closed));
  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  vs_test_iterate_until (time_passed, &until, 2);
  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_close (GTK_WINDOW (window));
  vs_test_iterate_until (pointer_cleared, &weak, 10);
  g_assert_null (weak);
  g_assert_false (vs_capacity_is_running (closed));
  g_assert_true (has_steps (closed));
  let_connections_close ();
}

/* The tests run as two programs, test-window and test-window-runs (the tests that run loads,
 * with a longer timeout). */
#ifdef VS_TEST_WINDOW_RUNS
#define RUNS_PART TRUE
#else
#define RUNS_PART FALSE
#endif

static const struct
{
  const char *path;
  GTestFunc   func;
  gboolean    runs;   /* in test-window-runs */
} tests[] = {
  { "/ui/card/figures", test_card_figures, FALSE },
  { "/ui/card/style", test_card_style, FALSE },
  { "/ui/card/thresholds", test_card_thresholds, FALSE },
  { "/ui/chart/planned", test_chart_planned, FALSE },
  { "/ui/dashboard/generator-busy", test_dashboard_generator_busy, FALSE },
  { "/ui/dashboard/incremental", test_dashboard_incremental, FALSE },
  { "/ui/dashboard/rounds", test_dashboard_rounds, FALSE },
  { "/ui/window/invalid-url", test_invalid_url, FALSE },
  { "/ui/window/run-error", test_run_error, TRUE },
  { "/ui/window/slow-resolve", test_slow_resolve, TRUE },
  { "/ui/window/editor-targets", test_editor_targets, FALSE },
  { "/ui/window/editor-problem-fields", test_editor_problem_fields, FALSE },
  { "/ui/window/run-and-export", test_run_and_export, TRUE },
  { "/ui/window/close-during-run", test_close_during_run, TRUE },
  { "/ui/window/settings", test_settings, FALSE },
  { "/ui/window/large-text-fits", test_large_text_fits, FALSE },
  { "/ui/window/recover-killed-run", test_recover_killed_run, TRUE },
  { "/ui/app/actions", test_app_actions, FALSE },
  { "/ui/window/consent", test_consent, TRUE },
  { "/ui/window/managed-run", test_managed_run, TRUE },
  { "/ui/window/capacity-search", test_capacity_search, TRUE },
  { "/ui/window/capacity-stop-close", test_capacity_stop_close, TRUE },
};

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("versus-test-window-XXXXXX", NULL);
  int status;

  setlocale (LC_ALL, "");
  /* the runs the window keeps (vs_autosave_dir()) go into a folder of this test's own, which
   * starts empty; set before GLib reads it once for the process */
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();
  /* Own the main context for the whole test, as g_main_loop_run() does in the app. VsRun
   * delivers ticks and "finished" through idle sources attached to the context it was started
   * from, so they always run on this thread, inside g_main_context_iteration(). */
  g_main_context_acquire (g_main_context_default ());

  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    if (tests[i].runs == RUNS_PART)
      vs_test_add_func (tests[i].path, tests[i].func);
  status = g_test_run ();
  vs_test_remove_tree (data_home);
  return status;
}
