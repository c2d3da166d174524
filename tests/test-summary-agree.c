/* test-summary-agree.c: one real run through the window, against one live and one dead target
 * on loopback; the CLI's table, the window's results table, summary.csv and the JSON result
 * must agree on every figure — the same values and the same not-measured cells — and the live
 * target's count must be what the server saw. Runs under Xvfb (skips without a display). */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>

#include "vs-app-testing.h"
#include "vs-cli-summary.h"
#include "vs-results-table.h"
#include "vs-summary.h"
#include "vs-test-server.h"
#include "vs-test-ui.h"
#include "vs-window-private.h"
#include "vs-test-quarks.h"
#include "vs-test-files.h"

static gboolean have_display;

static gboolean
not_running (gpointer window)
{
  return !vs_window_is_running (window);
}

/* The CLI table's line for label, split into its cells (columns are two or more spaces
 * apart; a cell holds at most single spaces). */
static GPtrArray *
cli_cells (const char *text,
           const char *label)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      GPtrArray *cells;
      const char *p;

      while (*line == ' ' && *label != ' ')
        line++;
      if (!g_str_has_prefix (line, label) || strncmp (line + strlen (label), "  ", 2) != 0)
        continue;

      cells = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (cells, g_strdup (label));
      p = line + strlen (label);
      while (*p != '\0')
        {
          const char *end;

          while (*p == ' ')
            p++;
          if (*p == '\0')
            break;
          end = strstr (p, "  ");
          if (end == NULL)
            end = p + strlen (p);
          g_ptr_array_add (cells, g_strndup (p, end - p));
          p = end;
        }
      return cells;
    }
  g_error ("no line “%s” in the CLI's table:\n%s", label, text);
  return NULL;
}

/* The window's row whose label cell reads label, or -1. */
static int
window_row (VsResultsTable *table,
            const char     *label)
{
  const char *cell;

  for (guint row = 1; (cell = vs_results_table_get_cell (table, row, 0)) != NULL; row++)
    {
      while (*cell == ' ')
        cell++;
      if (g_str_equal (cell, label))
        return row;
    }
  return -1;
}

/* summary.csv as one array of fields per line (the test's names and URLs need no quoting). */
static GPtrArray *
read_csv (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      {
        g_assert_null (strchr (lines[i], '"'));
        g_ptr_array_add (rows, g_strsplit (lines[i], ",", -1));
      }
  return rows;
}

static int
column_of (char       **header,
           const char  *id)
{
  for (guint i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], id))
      return i;
  return -1;
}

/* The value part of a table cell: "5 (5.00 %)" → "5". */
static char *
value_part (const char *cell)
{
  const char *share = strstr (cell, " (");

  return share != NULL ? g_strndup (cell, share - cell) : g_strdup (cell);
}

static void
test_agree (void)
{
  g_autoptr(VsTestServer) server = NULL;
  g_autoptr(GSocket) refused = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) plan_file = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) csv = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *dir = NULL;
  g_autofree char *plan_path = NULL;
  g_autofree char *live = NULL;
  g_autofree char *dead = NULL;
  g_autofree char *csv_dir = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *cli = NULL;
  JsonArray *json_targets;
  VsResultsTable *table;
  VsResults *results;
  VsWindow *window;
  guint port = 0;
  guint checked = 0;
  double x_min, x_max, y_min, y_max;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  /* one target that answers, one whose port refuses every connection */
  server = vs_test_server_new (NULL);
  refused = vs_test_refused_socket (&port);
  live = vs_test_server_url (server, "/ok");
  dead = g_strdup_printf ("http://127.0.0.1:%u/", port);
  plan = vs_plan_new ();
  vs_plan_add_target (plan, vs_target_new ("live", live));
  vs_plan_add_target (plan, vs_target_new ("dead", dead));
  /* the open model: every row there is (late sends, unsent, uncorrected) */
  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = 40;
  plan->load.connections = 2;
  plan->load.threads = 1;
  plan->load.duration_us = 3 * G_USEC_PER_SEC / 2;
  plan->load.warmup_us = 0;

  dir = g_dir_make_tmp ("versus-agree-XXXXXX", &error);
  g_assert_no_error (error);
  plan_path = g_build_filename (dir, "plan.json", NULL);
  g_assert_true (vs_plan_save_to_file (plan, plan_path, &error));
  g_assert_no_error (error);
  plan_file = g_file_new_for_path (plan_path);

  window = vs_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (vs_window_load_plan (window, plan_file, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  vs_test_iterate_until (not_running, window, 20);
  g_assert_false (vs_window_is_running (window));

  results = vs_run_get_results (vs_window_get_run (window));
  g_assert_nonnull (results);
  table = VS_RESULTS_TABLE (vs_dashboard_get_table (vs_window_get_dashboard (window)));

  csv_dir = g_build_filename (dir, "csv", NULL);
  json_path = g_build_filename (dir, "result.json", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-csv", "s",
                                             csv_dir));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-json", "s",
                                             json_path));
  /* exports write off the main thread; timeseries.csv comes after summary.csv */
  vs_test_wait_for_file (csv_dir, "timeseries.csv", 10);
  vs_test_wait_for_file (dir, "result.json", 10);
  csv_path = g_build_filename (csv_dir, "summary.csv", NULL);
  csv = read_csv (csv_path);
  g_assert_cmpuint (csv->len, ==, 3);
  g_assert_true (json_parser_load_from_file (parser, json_path, &error));
  g_assert_no_error (error);
  json_targets = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                               "targets");
  g_assert_cmpuint (json_array_get_length (json_targets), ==, 2);

  cli = vs_cli_summary_render (results);
  g_test_message ("%s", cli);

  /* a witness that is not Versus: the server answered every request the live target counts */
  {
    char **header = g_ptr_array_index (csv, 0);
    char **row = g_ptr_array_index (csv, 1);
    int requests = column_of (header, "requests");

    g_assert_cmpint (requests, >=, 0);
    g_assert_cmpuint (g_ascii_strtoull (row[requests], NULL, 10), ==,
                      vs_test_server_count (server, VS_TEST_PATH_OK));
    g_assert_cmpuint (g_ascii_strtoull (row[requests], NULL, 10), >, 20);
  }

  /* every row of the tables: the CLI's cells are the window's, and each figure is the one
   * the files hold, or "–" where they hold nothing */
  rows = vs_summary_table_rows (results);
  for (guint m = 0; m < rows->len; m++)
    {
      const VsMetric *metric = g_ptr_array_index (rows, m);
      const char *label = _(metric->label);
      g_autoptr(GPtrArray) cells = cli_cells (cli, label);
      int row = window_row (table, label);
      char **header = g_ptr_array_index (csv, 0);
      int column = column_of (header, metric->id);

      g_assert_cmpint (row, >, 0);
      for (guint t = 0; t < 2; t++)
        {
          const char *window_cell = vs_results_table_get_cell (table, row, 1 + t);
          char **csv_row = g_ptr_array_index (csv, 1 + t);
          JsonObject *summary = json_object_get_object_member (
            json_array_get_object_element (json_targets, t), "summary");

          g_test_message ("%s / %u: CLI “%s”, window “%s”, CSV “%s”", metric->id, t,
                          t + 1 < cells->len ? (char *) g_ptr_array_index (cells, 1 + t) : "",
                          window_cell, column >= 0 ? csv_row[column] : "(not a column)");
          g_assert_cmpuint (cells->len, >, 1 + t);
          g_assert_cmpstr (g_ptr_array_index (cells, 1 + t), ==, window_cell);
          checked++;

          if (column < 0)
            {
              g_assert_false (metric->flags & VS_METRIC_FILE);
              continue;
            }
          g_assert_true (json_object_has_member (summary, metric->id));
          if (*csv_row[column] == '\0')
            {
              /* not measured: nothing in the files, "–" in both tables, never a zero */
              g_assert_cmpstr (window_cell, ==, "–");
              g_assert_true (json_object_get_null_member (summary, metric->id));
            }
          else
            {
              g_autofree char *shown = value_part (window_cell);
              g_autofree char *from_file = NULL;
              VsMetricValue value = { TRUE, 0, NULL };

              if (metric->unit == VS_METRIC_TEXT)
                {
                  value.text = csv_row[column];
                  g_assert_cmpstr (json_object_get_string_member (summary, metric->id), ==,
                                   csv_row[column]);
                }
              else
                {
                  value.number = g_ascii_strtod (csv_row[column], NULL);
                  g_assert_cmpfloat_with_epsilon (
                    json_object_get_double_member (summary, metric->id), value.number, 1e-9);
                  if (metric->unit == VS_METRIC_LATENCY)
                    value.number *= 1000;  /* the files write ms */
                }
              from_file = vs_metric_format (metric, value, VS_FORMAT_C);
              if (!g_str_equal (shown, from_file) && metric->unit != VS_METRIC_TEXT &&
                  metric->unit != VS_METRIC_COUNT)
                {
                  /* the files round to 3 decimals: a figure that sits on a rounding edge of
                   * the table's 3 significant digits may show either neighbour, no more */
                  double half = metric->unit == VS_METRIC_LATENCY ? 0.5 : 0.0005;
                  VsMetricValue below = value, above = value;
                  g_autofree char *low = NULL;
                  g_autofree char *high = NULL;

                  below.number -= half;
                  above.number += half;
                  low = vs_metric_format (metric, below, VS_FORMAT_C);
                  high = vs_metric_format (metric, above, VS_FORMAT_C);
                  g_assert_true (g_str_equal (shown, low) || g_str_equal (shown, high));
                }
              else
                g_assert_cmpstr (shown, ==, from_file);
            }
        }
      /* the ratio column: the same in both */
      g_assert_cmpstr (cells->len > 3 ? (char *) g_ptr_array_index (cells, 3) : "", ==,
                       vs_results_table_get_cell (table, row, 3));
    }
  g_assert_cmpuint (checked, >=, 2 * 15);

  /* the dead target has no latency anywhere: "–", not "0 µs", and no ratio "×0" */
  {
    int row = window_row (table, _("latency mean"));

    g_assert_cmpint (row, >, 0);
    g_assert_cmpstr (vs_results_table_get_cell (table, row, 2), ==, "–");
    g_assert_cmpstr (vs_results_table_get_cell (table, row, 3), ==, "–");
  }

  /* the run has ended: the time axis fits its 1.5 s, not a 10 s minimum */
  vs_chart_model_get_range (vs_dashboard_get_chart_model (vs_window_get_dashboard (window),
                                                          VS_CHART_THROUGHPUT),
                            &x_min, &x_max, &y_min, &y_max);
  g_test_message ("time axis: %g … %g s", x_min, x_max);
  g_assert_cmpfloat (x_max, >=, 1.5);
  g_assert_cmpfloat (x_max, <=, 2.5);

  gtk_window_destroy (GTK_WINDOW (window));
  vs_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();
  /* VsRun delivers ticks and "finished" through idle sources on the context it was started
   * from: own it, as g_main_loop_run() does in the app */
  g_main_context_acquire (g_main_context_default ());

  vs_test_add_func ("/ui/summary/outputs-agree", test_agree);

  return g_test_run ();
}
