/* vs-shots.c: pictures of the window's parts from fixed data, to compare the look before and
 * after a change pixel for pixel (not a test: it asserts nothing; build it, run it under
 * xvfb-run, look at the pictures).
 *
 *   xvfb-run -a -s "-screen 0 1600x1200x24" build/tests/vs-shots OUTDIR [TEXT_SCALE]
 *
 * Writes OUTDIR/window.png (a finished run of two targets, the first target row open),
 * card.png, table.png, row.png and preferences.png, and prints the window's minimum width at
 * the text scale (1: normal, 1.5: GNOME's Large Text), which sets Gtk's gtk-xft-dpi as the
 * XSETTINGS of a desktop would.
 */
#include "config.h"

#include <adwaita.h>
#include <locale.h>

#include "vs-app-testing.h"
#include "vs-application.h"
#include "vs-window-private.h"
#include "vs-test-ui.h"

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
      vs_stats_record_response (stats, &rule, 200, i, i, i + latency_us + (i % 97) * 13, 1000);
    }
  for (guint i = 0; i < n_failed; i++)
    vs_stats_record_failure (stats, VS_ERROR_CLASS_CONNECT, 0);
  stats->counters.protocols[VS_PROTOCOL_HTTP_1_1] = n;
  return stats;
}

static VsResults *
make_results (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  VsResults *results;

  vs_plan_add_target (plan, vs_target_new ("Node.js", "http://127.0.0.1:8081/api/users/42"));
  vs_plan_add_target (plan, vs_target_new ("Python (Flask)",
                                           "http://127.0.0.1:8082/api/users/42"));
  plan->load.duration_us = 6 * G_USEC_PER_SEC;
  plan->load.warmup_us = G_USEC_PER_SEC;
  results = vs_results_new (plan, "native");
  vs_results_set_generator (results, 2, 2);
  for (guint t = 0; t < 2; t++)
    for (guint s = 0; s < 7; s++)
      {
        g_autoptr(VsSnapshot) snapshot =
          vs_snapshot_new (t, s == 0 ? VS_PHASE_WARMUP : VS_PHASE_MEASURE, s, s + 1,
                           make_stats ((t == 0 ? 1500 : 300) + 37 * s, t == 0 ? 2100 : 26000,
                                       t == 1 && s == 3 ? 4 : 0));

        snapshot->generator_busy = 0.3;
        snapshot->last = s == 6;
        vs_results_add_snapshot (results, snapshot);
      }
  return results;
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static void
settle (double seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  vs_test_iterate_until (time_passed, &until, seconds + 1);
}

static void
save_widget (GtkWidget  *widget,
             const char *dir,
             const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  vs_test_save_widget (widget, path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VsApplication) app = NULL;
  g_autoptr(VsResults) results = NULL;
  const char *dir;
  double scale;
  VsWindow *window;
  GtkWidget *row;
  int minimum = 0;

  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      g_printerr ("usage: vs-shots OUTDIR [TEXT_SCALE]\n");
      return 2;
    }
  dir = argv[1];
  scale = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 1.0;
  g_mkdir_with_parents (dir, 0755);
  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", (int) (96 * 1024 * scale), NULL);
  g_main_context_acquire (g_main_context_default ());

  app = vs_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) |
                           G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);

  window = vs_window_new (ADW_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  results = make_results ();
  vs_plan_editor_set_plan (window->editor, vs_results_get_plan (results));
  vs_dashboard_set_results (window->dashboard, results);
  vs_dashboard_update (window->dashboard);
  vs_dashboard_show_summary (window->dashboard);
  row = GTK_WIDGET (vs_plan_editor_get_target_row (window->editor, 0));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  settle (1.5);

  /* what the content needs: the paned lets the dashboard shrink below its minimum, which
   * clips it, so the sum of the two sides is the width at which nothing is cut off */
  {
    int editor = 0, dashboard = 0;

    gtk_widget_measure (GTK_WIDGET (window->editor), GTK_ORIENTATION_HORIZONTAL, -1, &editor,
                        NULL, NULL, NULL);
    gtk_widget_measure (GTK_WIDGET (window->dashboard), GTK_ORIENTATION_HORIZONTAL, -1,
                        &dashboard, NULL, NULL, NULL);
    minimum = MAX (editor, gtk_paned_get_position (GTK_PANED (window->paned))) + dashboard;
    {
      GtkWidget *parts[] = { GTK_WIDGET (vs_dashboard_get_card (window->dashboard, 0)),
                             vs_dashboard_get_chart (window->dashboard, 0),
                             vs_dashboard_get_table (window->dashboard) };
      const char *names[] = { "card", "chart", "table" };

      for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
        {
          int part = 0;

          gtk_widget_measure (parts[i], GTK_ORIENTATION_HORIZONTAL, -1, &part, NULL, NULL,
                              NULL);
          g_print ("  %s: minimum width %d px\n", names[i], part);
        }
    }
    g_print ("text scale %.2f: editor %d px (shown %d px) + dashboard %d px = %d px; "
             "window %d px\n", scale, editor, gtk_paned_get_position (GTK_PANED (window->paned)),
             dashboard, minimum, gtk_widget_get_width (GTK_WIDGET (window)));
  }

  save_widget (GTK_WIDGET (window), dir, "window.png");
  save_widget (GTK_WIDGET (vs_dashboard_get_card (window->dashboard, 1)), dir, "card.png");
  save_widget (vs_dashboard_get_table (window->dashboard), dir, "table.png");
  save_widget (row, dir, "row.png");

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  settle (1);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

        if (ADW_IS_PREFERENCES_WINDOW (toplevel))
          save_widget (toplevel, dir, "preferences.png");
      }
  }
  return 0;
}
