/* test-capacity-json.c: a capacity search's JSON (issue 12) — written from a real search against
 * servers on 127.0.0.1 that saturate at known rates, checked step by step against steps.csv,
 * summary.csv and the live VsCapacity; read back (vs-capacity-json.h) into a search that writes
 * the same files again; and refused, with the field named, when damaged or of another kind */
#include <glib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "vs-capacity.h"
#include "vs-capacity-json.h"
#include "vs-error.h"
#include "vs-export.h"
#include "vs-merge.h"
#include "vs-plan.h"
#include "vs-pool-server.h"
#include "vs-summary.h"
#include "vs-test-files.h"

/* The search all tests read: made once, by the first test that needs it. */
static VsPoolServer *pools[2];
static VsCapacity *search;
static char *dir;        /* its files: out/summary.csv, out/steps.csv, result.json */
static char *json_path;
static char *csv_dir;

static void
on_finished (VsCapacity *capacity,
             gboolean   *finished)
{
  *finished = TRUE;
}

/* Two targets, one after the other: "wide" (4 workers × 20 ms: at most 200 requests/s) and
 * "narrow" (2 × 20 ms: 100/s); 1 s steps from 50/s doubling, one bisection, p99 < 400 ms (a
 * loaded machine's scheduling delays stay well below). At twice its rate a server's queue grows
 * by a second within the step, so every target has a step failed (or limited by a busy
 * machine's generator), and normally steps kept. */
static VsCapacity *
get_search (void)
{
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  gboolean finished = FALSE;

  if (search != NULL)
    return search;

  pools[0] = vs_pool_server_new (4, 20);
  pools[1] = vs_pool_server_new (2, 20);
  plan = vs_plan_new ();
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *url = vs_pool_server_url (pools[i]);

      vs_plan_add_target (plan, vs_target_new (i == 0 ? "wide" : "narrow", url));
    }
  plan->mode = VS_MODE_CAPACITY;
  plan->load.connections = 64;
  plan->load.threads = 1;
  plan->load.warmup_us = G_USEC_PER_SEC / 2;
  plan->tick_us = 250 * 1000;
  g_ptr_array_add (plan->thresholds, vs_plan_threshold_new ("p99 < 400ms"));
  plan->capacity.start_rate = 50;
  plan->capacity.factor = 2;
  plan->capacity.step_us = G_USEC_PER_SEC;
  plan->capacity.bisections = 1;
  plan->capacity.max_rate = 1000;

  search = vs_capacity_new (plan);
  g_signal_connect (search, "finished", G_CALLBACK (on_finished), &finished);
  g_assert_true (vs_capacity_start (search, &error));
  g_assert_no_error (error);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (search, &finished);
  g_assert_null (vs_capacity_get_error (search));

  dir = g_dir_make_tmp ("versus-capacity-json-XXXXXX", &error);
  g_assert_no_error (error);
  json_path = g_build_filename (dir, "result.json", NULL);
  csv_dir = g_build_filename (dir, "out", NULL);
  g_assert_true (vs_export_capacity_csv_dir (search, csv_dir, &error));
  g_assert_no_error (error);
  g_assert_true (vs_export_capacity_json_file (search, json_path, &error));
  g_assert_no_error (error);
  return search;
}

/* The fields of each line of an RFC 4180 file (quoted fields may hold commas and quotes). */
static GPtrArray *
read_csv (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = NULL;
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (row == NULL)
        row = g_ptr_array_new_with_free_func (g_free);
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (field, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',' || *p == '\n')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          if (*p == '\n')
            g_ptr_array_add (rows, g_steal_pointer (&row));
        }
      else
        g_string_append_c (field, *p);
    }
  g_assert_null (row);
  g_string_free (field, TRUE);
  return rows;
}

static const char *
cell (GPtrArray  *rows,
      guint       row,
      const char *column)
{
  GPtrArray *header = g_ptr_array_index (rows, 0);

  for (guint i = 0; i < header->len; i++)
    if (g_str_equal (g_ptr_array_index (header, i), column))
      return g_ptr_array_index ((GPtrArray *) g_ptr_array_index (rows, row), i);
  g_error ("no column %s", column);
  return NULL;
}

static JsonParser *
parse (const char *path)
{
  JsonParser *parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return parser;
}

/* A JSON member and a CSV field carry the same value: null and empty, the same text, or the
 * same number as the CSV prints it. */
static void
assert_same_value (JsonNode   *node,
                   const char *field,
                   const char *what)
{
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (*field != '\0')
        g_error ("%s: null in the JSON, “%s” in the CSV", what, field);
      return;
    }
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (g_strcmp0 (json_node_get_string (node), field) != 0)
        g_error ("%s: “%s” in the JSON, “%s” in the CSV", what, json_node_get_string (node),
                 field);
      return;
    }
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

      if (g_strcmp0 (text, field) != 0)
        g_error ("%s: %s in the JSON, “%s” in the CSV", what, text, field);
      return;
    }
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_DOUBLE);
  if (*field == '\0' ||
      fabs (json_node_get_double (node) - g_ascii_strtod (field, NULL)) >
        1e-9 * MAX (1.0, fabs (json_node_get_double (node))))
    g_error ("%s: %.17g in the JSON, “%s” in the CSV", what, json_node_get_double (node), field);
}

/* A JSON summary member holds the live figure: not measured is null, latency in ms to the 3
 * decimals the files write. */
static void
assert_live_value (JsonNode       *node,
                   VsResults      *results,
                   const VsMetric *metric,
                   const char     *what)
{
  VsMetricValue value = vs_summary_value (results, 0, metric);
  double number;

  if (!value.measured)
    {
      if (!JSON_NODE_HOLDS_NULL (node))
        g_error ("%s: not measured, yet not null in the JSON", what);
      return;
    }
  g_assert_false (JSON_NODE_HOLDS_NULL (node));
  if (metric->unit == VS_METRIC_TEXT)
    {
      g_assert_cmpstr (json_node_get_string (node), ==, value.text);
      return;
    }
  number = metric->unit == VS_METRIC_LATENCY ? value.number / 1000.0 : value.number;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    g_assert_cmpint (json_node_get_int (node), ==, (gint64) number);
  else if (fabs (json_node_get_double (node) - number) > 5e-4 + 1e-3 * fabs (number))
    g_error ("%s: %.6f in the JSON, %.6f live", what, json_node_get_double (node), number);
}

static void
assert_rate (JsonObject *object,
             const char *name,
             double      live)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  if (isnan (live))
    g_assert_true (JSON_NODE_HOLDS_NULL (node));
  else
    g_assert_cmpfloat (json_node_get_double (node), ==, live);
}

/* Every step of the JSON is the live step and its steps.csv row — its rate, kept, limited,
 * why and every summary figure — and every target's answer is the live one, its capacity_rps
 * summary.csv's. The pool servers answered every request the steps counted. */
static void
test_steps (void)
{
  VsCapacity *capacity = get_search ();
  GPtrArray *steps = vs_capacity_get_steps (capacity);
  VsPlan *plan = vs_capacity_get_plan (capacity);
  g_autoptr(JsonParser) parser = parse (json_path);
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *json_steps = json_object_get_array_member (root, "steps");
  JsonArray *json_targets = json_object_get_array_member (root, "targets");
  g_autofree char *steps_path = g_build_filename (csv_dir, "steps.csv", NULL);
  g_autofree char *summary_path = g_build_filename (csv_dir, "summary.csv", NULL);
  g_autoptr(GPtrArray) steps_csv = read_csv (steps_path);
  g_autoptr(GPtrArray) summary_csv = read_csv (summary_path);
  GPtrArray *header = g_ptr_array_index (steps_csv, 0);
  guint64 responses[2] = { 0, 0 };
  guint kept[2] = { 0, 0 }, not_kept[2] = { 0, 0 };

  g_assert_cmpint (json_object_get_int_member (root, "capacity_schema_version"), ==,
                   VS_CAPACITY_SCHEMA_VERSION);
  g_assert_false (json_object_has_member (root, "schema_version"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "plan"),
                                                  "mode"), ==, "capacity");
  g_assert_true (json_object_get_null_member (root, "error"));

  g_assert_cmpuint (json_array_get_length (json_steps), ==, steps->len);
  g_assert_cmpuint (steps_csv->len, ==, steps->len + 1);
  for (guint i = 0; i < steps->len; i++)
    {
      const VsCapacityStep *step = g_ptr_array_index (steps, i);
      const VsTargetResult *tr = vs_results_get_target (step->results, 0);
      JsonObject *object = json_array_get_object_element (json_steps, i);
      JsonObject *summary = json_object_get_object_member (object, "summary");
      g_autofree char *rate = g_strdup_printf ("%.3f", step->rate);

      g_test_message ("%s step %u %s %.1f/s: %s", vs_plan_get_target (plan, step->target)->name,
                      step->step, step->phase == VS_CAPACITY_RAISE ? "raise" : "bisect",
                      step->rate, step->kept ? "kept" : step->why);
      /* the live step */
      g_assert_cmpstr (json_object_get_string_member (object, "target"), ==,
                       vs_plan_get_target (plan, step->target)->name);
      g_assert_cmpint (json_object_get_int_member (object, "step"), ==, step->step);
      g_assert_cmpstr (json_object_get_string_member (object, "phase"), ==,
                       step->phase == VS_CAPACITY_RAISE ? "raise" : "bisect");
      g_assert_cmpfloat (json_object_get_double_member (object, "offered_rps"), ==, step->rate);
      g_assert_cmpint (json_object_get_boolean_member (object, "kept"), ==, step->kept);
      g_assert_cmpint (json_object_get_boolean_member (object, "limited"), ==, step->limited);
      g_assert_cmpstr (json_object_get_string_member_with_default (object, "why", NULL), ==,
                       step->why);
      /* its row of steps.csv */
      g_assert_cmpstr (cell (steps_csv, i + 1, "offered_rps"), ==, rate);
      g_assert_cmpstr (cell (steps_csv, i + 1, "kept"), ==, step->kept ? "yes" : "no");
      g_assert_cmpstr (cell (steps_csv, i + 1, "limited_by_generator"), ==,
                       step->limited ? "yes" : "no");
      g_assert_cmpstr (cell (steps_csv, i + 1, "why"), ==, step->why ? step->why : "");
      g_assert_cmpint (g_ascii_strtoull (cell (steps_csv, i + 1, "step"), NULL, 10), ==,
                       step->step);

      /* every summary figure: the CSV's, and the live one */
      for (guint c = 6; c < header->len; c++)
        {
          const char *column = g_ptr_array_index (header, c);
          JsonNode *member = json_object_get_member (summary, column);
          const VsMetric *metric = vs_summary_find_metric (column);
          g_autofree char *what = g_strdup_printf ("steps[%u].summary.%s", i, column);

          if (member == NULL)
            g_error ("%s: missing", what);
          assert_same_value (member, cell (steps_csv, i + 1, column), what);
          if (metric != NULL && (metric->flags & VS_METRIC_FILE))
            assert_live_value (member, step->results, metric, what);
        }
      g_assert_cmpuint (json_object_get_size (summary), ==, header->len - 6);
      g_assert_true (json_object_has_member (object, "stats"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object,
                                                                             "intervals")),
                        ==, tr->intervals->len);

      for (guint k = 0; k < tr->intervals->len; k++)
        responses[step->target] += g_array_index (tr->intervals, VsInterval, k).counters.responses;
      if (step->kept)
        kept[step->target]++;
      else
        not_kept[step->target]++;
    }

  /* each target's answer, and summary.csv's capacity_rps */
  g_assert_cmpuint (json_array_get_length (json_targets), ==, 2);
  for (guint t = 0; t < 2; t++)
    {
      const VsCapacityResult *result = vs_capacity_get_result (capacity, t);
      JsonObject *object = json_array_get_object_element (json_targets, t);
      g_autofree char *text = vs_capacity_describe (capacity, t);
      const char *column = cell (summary_csv, t + 1, "capacity_rps");

      g_test_message ("%s", text);
      g_assert_cmpstr (json_object_get_string_member (object, "name"), ==,
                       vs_plan_get_target (plan, t)->name);
      assert_rate (object, "capacity_rps", result->capacity_rps);
      assert_rate (object, "failed_rps", result->failed_rps);
      assert_rate (object, "limited_rps", result->limited_rps);
      g_assert_cmpint (json_object_get_boolean_member (object, "limited"), ==, result->limited);
      g_assert_cmpint (json_object_get_boolean_member (object, "at_max"), ==, result->at_max);
      g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, text);
      if (isnan (result->capacity_rps))
        g_assert_cmpstr (column, ==, "");
      else
        g_assert_cmpfloat (g_ascii_strtod (column, NULL), ==,
                           json_object_get_double_member (object, "capacity_rps"));
      g_assert_cmpstr (cell (summary_csv, t + 1, "target"), ==, vs_plan_get_target (plan, t)->name);

      /* the server saw what the steps counted, and the search went past the server's rate */
      g_assert_cmpuint (vs_pool_server_count (pools[t]), ==, responses[t]);
      g_assert_cmpuint (not_kept[t], >, 0);
    }
  /* every check above held; but a machine so loaded that even 50/s failed leaves kept steps
   * unchecked, which is said */
  if (kept[0] == 0 || kept[1] == 0)
    g_test_skip ("a target kept no step on this machine (its CPU is busy elsewhere): kept steps "
                 "were not checked");
}

static char *
file_contents (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* timeseries.csv of a search read back is the live one's: every field, but rps, which the
 * reader computes afresh from start_s and end_s as the file has them (3 decimals, so each
 * within ±0.5 ms): the same within that rounding, warm-up rows too (whose requests include
 * the warm-up's stragglers, and so does their rate). */
static void
assert_same_timeseries (const char *live_dir,
                        const char *back_dir)
{
  g_autofree char *live_path = g_build_filename (live_dir, "timeseries.csv", NULL);
  g_autofree char *back_path = g_build_filename (back_dir, "timeseries.csv", NULL);
  g_autoptr(GPtrArray) live = read_csv (live_path);
  g_autoptr(GPtrArray) back = read_csv (back_path);
  GPtrArray *header = g_ptr_array_index (live, 0);

  g_assert_cmpuint (back->len, ==, live->len);
  for (guint r = 1; r < live->len; r++)
    for (guint c = 0; c < header->len; c++)
      {
        const char *column = g_ptr_array_index (header, c);
        const char *a = cell (live, r, column), *b = cell (back, r, column);

        if (g_str_equal (column, "rps"))
          {
            double length = g_ascii_strtod (cell (live, r, "end_s"), NULL) -
                            g_ascii_strtod (cell (live, r, "start_s"), NULL);
            double requests = g_ascii_strtod (cell (live, r, "requests"), NULL);

            if (fabs (g_ascii_strtod (a, NULL) - g_ascii_strtod (b, NULL)) >
                  requests * 0.001 / ((length - 0.001) * length) + 0.0015)
              g_error ("timeseries.csv row %u: rps %s live, %s read back", r, a, b);
          }
        else if (g_strcmp0 (a, b) != 0)
          g_error ("timeseries.csv row %u: %s %s live, %s read back", r, column, a, b);
      }
}

/* Read back, the search is the live one: the same steps, answers and sentences, and it writes
 * the same summary.csv and steps.csv byte for byte, the same time series, and a JSON with the
 * same answers and step summaries. */
static void
test_round_trip (void)
{
  VsCapacity *capacity = get_search ();
  g_autoptr(VsCapacity) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *again_dir = g_build_filename (dir, "again", NULL);
  g_autofree char *again_json = g_build_filename (dir, "again.json", NULL);
  static const char * const names[] = { "summary.csv", "steps.csv", "timeseries.csv" };
  GPtrArray *steps, *steps_back;

  back = vs_capacity_json_read_file (json_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);

  steps = vs_capacity_get_steps (capacity);
  steps_back = vs_capacity_get_steps (back);
  g_assert_cmpuint (steps_back->len, ==, steps->len);
  for (guint i = 0; i < steps->len; i++)
    {
      const VsCapacityStep *a = g_ptr_array_index (steps, i);
      const VsCapacityStep *b = g_ptr_array_index (steps_back, i);

      g_assert_cmpuint (b->target, ==, a->target);
      g_assert_cmpuint (b->step, ==, a->step);
      g_assert_cmpint (b->phase, ==, a->phase);
      g_assert_cmpfloat (b->rate, ==, a->rate);
      g_assert_cmpint (b->kept, ==, a->kept);
      g_assert_cmpint (b->limited, ==, a->limited);
      g_assert_cmpstr (b->why, ==, a->why);
    }
  for (guint t = 0; t < 2; t++)
    {
      g_autofree char *line = vs_capacity_describe (capacity, t);
      g_autofree char *line_back = vs_capacity_describe (back, t);
      const VsCapacityResult *a = vs_capacity_get_result (capacity, t);
      const VsCapacityResult *b = vs_capacity_get_result (back, t);

      g_assert_cmpstr (line_back, ==, line);
      g_assert_true (a->capacity_rps == b->capacity_rps ||
                     (isnan (a->capacity_rps) && isnan (b->capacity_rps)));
      g_assert_cmpint (a->limited, ==, b->limited);
      g_assert_cmpint (a->at_max, ==, b->at_max);
    }

  g_assert_true (vs_export_capacity_csv_dir (back, again_dir, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *first = g_build_filename (csv_dir, names[i], NULL);
      g_autofree char *second = g_build_filename (again_dir, names[i], NULL);
      g_autofree char *text = file_contents (first);
      g_autofree char *text_back = file_contents (second);

      g_test_message ("%s: %zu bytes", names[i], strlen (text));
      g_assert_cmpstr (text_back, ==, text);
    }
  assert_same_timeseries (csv_dir, again_dir);

  /* the JSON's answers and every step's summary, the same */
  g_assert_true (vs_export_capacity_json_file (back, again_json, &error));
  g_assert_no_error (error);
  {
    g_autoptr(JsonParser) parser = parse (json_path);
    g_autoptr(JsonParser) parser_back = parse (again_json);
    JsonObject *root = json_node_get_object (json_parser_get_root (parser));
    JsonObject *root_back = json_node_get_object (json_parser_get_root (parser_back));
    JsonArray *json_steps = json_object_get_array_member (root, "steps");
    JsonArray *json_steps_back = json_object_get_array_member (root_back, "steps");
    static const char * const members[] = { "plan", "targets", "engine", "started", "error" };

    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      g_assert_true (json_node_equal (json_object_get_member (root, members[i]),
                                      json_object_get_member (root_back, members[i])));
    g_assert_cmpuint (json_array_get_length (json_steps_back), ==,
                      json_array_get_length (json_steps));
    for (guint i = 0; i < json_array_get_length (json_steps); i++)
      {
        JsonObject *a = json_array_get_object_element (json_steps, i);
        JsonObject *b = json_array_get_object_element (json_steps_back, i);
        static const char * const step_members[] = {
          "target", "step", "phase", "offered_rps", "kept", "limited", "why", "started",
          "summary", "thresholds", "latency_percentiles", "histogram", "stats", "run_notes",
        };

        for (guint k = 0; k < G_N_ELEMENTS (step_members); k++)
          if (!json_node_equal (json_object_get_member (a, step_members[k]),
                                json_object_get_member (b, step_members[k])))
            g_error ("steps[%u].%s differs read back", i, step_members[k]);
      }
  }
}

/* The capacity JSON, changed by @change, is refused with @message (after "FILE: "). */
static void
expect_refused (void      (*change) (JsonObject *root),
                const char *message)
{
  g_autoptr(JsonParser) parser = parse (json_path);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VsCapacity) back = NULL;
  g_autofree char *path = g_build_filename (dir, "damaged.json", NULL);
  g_autofree char *expected = g_strdup_printf ("%s: %s", path, message);

  change (json_node_get_object (json_parser_get_root (parser)));
  json_generator_set_root (generator, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (generator, path, &error));
  g_assert_no_error (error);
  back = vs_capacity_json_read_file (path, &error);
  g_assert_null (back);
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_test_message ("%s", error->message);
  if (!g_str_has_prefix (error->message, expected))
    g_error ("expected “%s…”, got “%s”", expected, error->message);
  g_unlink (path);
}

static JsonObject *
step_of (JsonObject *root,
         guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (root, "steps"), index);
}

static void
bad_rate (JsonObject *root)
{
  json_object_set_string_member (step_of (root, 1), "offered_rps", "fast");
}

static void
bad_phase (JsonObject *root)
{
  json_object_set_string_member (step_of (root, 0), "phase", "sideways");
}

static void
bad_target (JsonObject *root)
{
  json_object_set_string_member (step_of (root, 2), "target", "nobody");
}

static void
bad_kept (JsonObject *root)
{
  json_object_remove_member (step_of (root, 0), "kept");
}

static void
bad_capacity (JsonObject *root)
{
  json_object_set_double_member (json_array_get_object_element (
                                   json_object_get_array_member (root, "targets"), 1),
                                 "capacity_rps", 12345.5);
}

static void
bad_version (JsonObject *root)
{
  json_object_set_int_member (root, "capacity_schema_version", 2);
}

static void
bad_mode (JsonObject *root)
{
  json_object_set_string_member (json_object_get_object_member (root, "plan"), "mode",
                                 "parallel");
}

static void
bad_counter (JsonObject *root)
{
  JsonObject *stats = json_object_get_object_member (step_of (root, 1), "stats");

  json_object_set_int_member (json_object_get_object_member (stats, "counters"), "late", -1);
}

static void
no_stats (JsonObject *root)
{
  json_object_remove_member (step_of (root, 0), "stats");
}

static void
bad_targets (JsonObject *root)
{
  json_array_remove_element (json_object_get_array_member (root, "targets"), 0);
}

/* Damaged files are refused with the field; a run's result is not taken for a search, nor a
 * search for a run's result (`versus merge`, Open Results); vs_capacity_json_open_file() opens
 * each as what it is. */
static void
test_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsResults) results = NULL;
  g_autoptr(VsCapacity) back = NULL;
  g_autofree char *run_path = NULL;
  g_autofree char *expected = NULL;
  const VsCapacityStep *step;

  get_search ();
  expect_refused (bad_rate, "steps[1].offered_rps: missing, or not a number");
  expect_refused (bad_phase, "steps[0].phase: neither “raise” nor “bisect”");
  expect_refused (bad_target, "steps[2].target: not a target of the plan");
  expect_refused (bad_kept, "steps[0].kept: missing, or not true or false");
  expect_refused (bad_capacity, "targets[1].capacity_rps: not the rate of a kept step");
  expect_refused (bad_version, "capacity_schema_version: not 1, the version this Versus reads");
  expect_refused (bad_mode, "plan.mode: not “capacity”");
  expect_refused (bad_counter, "steps[1].stats.counters.late: missing, or not a whole number");
  expect_refused (no_stats, "steps[0] has no whole histograms");
  expect_refused (bad_targets, "targets: 1 entries for the plan's 2 targets");

  /* a search is not a run's result */
  results = vs_merge_read_file (json_path, &error);
  g_assert_null (results);
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  expected = g_strdup_printf ("%s: the result of a capacity search, not of one run", json_path);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);

  /* nor a run's result a search: one step's run written as a run's JSON */
  step = g_ptr_array_index (vs_capacity_get_steps (search), 0);
  run_path = g_build_filename (dir, "run.json", NULL);
  g_assert_true (vs_export_json_file (step->results, run_path, &error));
  g_assert_no_error (error);
  back = vs_capacity_json_read_file (run_path, &error);
  g_assert_null (back);
  expected = g_strdup_printf ("%s: the result of a run, not of a capacity search", run_path);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  /* opened as whichever it is: the run's result as a run (its figures as written), the
   * search as a search */
  {
    g_autoptr(VsCapacity) opened = NULL;
    g_autoptr(VsResults) run = NULL;
    g_autofree char *rps = NULL, *rps_back = NULL;

    g_assert_true (vs_capacity_json_open_file (run_path, &opened, &run, &error));
    g_assert_no_error (error);
    g_assert_null (opened);
    g_assert_nonnull (run);
    rps = vs_summary_format_cell (step->results, 0, vs_summary_find_metric ("rps"), VS_FORMAT_C);
    rps_back = vs_summary_format_cell (run, 0, vs_summary_find_metric ("rps"), VS_FORMAT_C);
    g_assert_cmpstr (rps_back, ==, rps);
    g_clear_object (&run);
    g_assert_true (vs_capacity_json_open_file (json_path, &opened, &run, &error));
    g_assert_no_error (error);
    g_assert_null (run);
    g_assert_cmpuint (vs_capacity_get_steps (opened)->len, ==,
                      vs_capacity_get_steps (search)->len);
  }
  g_unlink (run_path);

  /* nor is text that is not JSON */
  {
    g_autofree char *text_path = g_build_filename (dir, "text.json", NULL);

    g_assert_true (g_file_set_contents (text_path, "steps: 3\n", -1, &error));
    back = vs_capacity_json_read_file (text_path, &error);
    g_assert_null (back);
    g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, ": not a JSON result: "));
    g_clear_error (&error);
    g_assert_false (vs_capacity_json_open_file (text_path, &back, &results, &error));
    g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
    g_assert_null (back);
    g_assert_null (results);
    g_unlink (text_path);
  }
}

/* `versus run --capacity --json FILE --csv DIR`: the command line writes the JSON beside the
 * CSV, the same search; a --json path it may not replace is said, and the CSV still
 * written; --hlog, which a search does not write, is refused before any load. */
static void
test_cli (void)
{
  g_autoptr(VsPoolServer) pool = vs_pool_server_new (2, 20);
  g_autofree char *url = vs_pool_server_url (pool);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("versus-capacity-cli-XXXXXX", &error);
  g_autofree char *out_dir = g_build_filename (tmp, "out", NULL);
  g_autofree char *path = g_build_filename (tmp, "search.json", NULL);
  g_autofree char *summary_path = g_build_filename (out_dir, "summary.csv", NULL);
  g_autofree char *steps_path = g_build_filename (out_dir, "steps.csv", NULL);
  g_autofree char *plan_path = g_build_filename (tmp, "plan.json", NULL);
  g_autofree char *out = NULL, *err = NULL, *plan = NULL;
  g_autoptr(GSubprocess) versus = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) summary = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(VsCapacity) back = NULL;
  JsonObject *target;
  int status;

  if (g_getenv ("VERSUS_BINARY") == NULL)
    {
      g_test_skip ("VERSUS_BINARY is not set");
      return;
    }
  g_assert_no_error (error);

  plan = g_strdup_printf ("{\"version\": 1, \"targets\": [{\"name\": \"pool\", \"url\": \"%s\"}],"
                          " \"load\": {\"connections\": 32, \"threads\": 1, \"warmup\": \"250ms\"},"
                          " \"mode\": \"capacity\", \"tick\": \"250ms\","
                          " \"thresholds\": [\"p99 < 150ms\"], \"capacity\": {\"start\": 50,"
                          " \"factor\": 2, \"step\": \"1s\", \"bisections\": 0, \"max\": 400}}",
                          url);
  g_assert_true (g_file_set_contents (plan_path, plan, -1, &error));
  g_assert_no_error (error);

  /* HdrHistogram files it does not write: refused before it runs, exit status 2 */
  versus = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &error, g_getenv ("VERSUS_BINARY"), "run", "-q", "--plan",
                             plan_path, "--hlog", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (versus, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (versus), ==, 2);
  g_assert_cmpstr (err, ==, "versus: --hlog: a capacity search writes --csv and --json, not "
                            "HdrHistogram files\n");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (vs_pool_server_count (pool), ==, 0);
  g_clear_object (&versus);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a --json path it may not replace: said, exit status 1, and the CSV written all the same */
  versus = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &error, g_getenv ("VERSUS_BINARY"), "run", "-q", "--plan",
                             plan_path, "--csv", out_dir, "--json", "/dev/null", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (versus, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", out, err);
  g_assert_cmpint (g_subprocess_get_exit_status (versus), ==, 1);
  g_assert_nonnull (strstr (err, "versus: --json: Could not write “/dev/null”: it is not a "
                                 "regular file"));
  g_assert_true (g_file_test (steps_path, G_FILE_TEST_IS_REGULAR));
  g_unlink (steps_path);
  g_clear_object (&versus);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  versus = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &error, g_getenv ("VERSUS_BINARY"), "run", "-q", "--plan",
                             plan_path, "--csv", out_dir, "--json", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (versus, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", out, err);
  status = g_subprocess_get_exit_status (versus);
  g_assert_true (status == 0 || status == 3);

  parser = parse (path);
  summary = read_csv (summary_path);
  steps = read_csv (steps_path);
  target = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                  "targets"), 0);
  if (*cell (summary, 1, "capacity_rps") == '\0')
    g_assert_true (json_object_get_null_member (target, "capacity_rps"));
  else
    g_assert_cmpfloat (json_object_get_double_member (target, "capacity_rps"), ==,
                       g_ascii_strtod (cell (summary, 1, "capacity_rps"), NULL));
  g_assert_nonnull (strstr (out, json_object_get_string_member (target, "text")));
  g_assert_cmpuint (json_array_get_length (
                      json_object_get_array_member (
                        json_node_get_object (json_parser_get_root (parser)), "steps")),
                    ==, steps->len - 1);
  back = vs_capacity_json_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_capacity_get_steps (back)->len, ==, steps->len - 1);
  vs_test_remove_tree (tmp);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/capacity-json/steps", test_steps);
  g_test_add_func ("/engine/capacity-json/round-trip", test_round_trip);
  g_test_add_func ("/engine/capacity-json/refused", test_refused);
  g_test_add_func ("/engine/capacity-json/cli", test_cli);
  status = g_test_run ();

  g_clear_object (&search);
  for (guint i = 0; i < G_N_ELEMENTS (pools); i++)
    g_clear_pointer (&pools[i], vs_pool_server_free);
  if (dir != NULL)
    vs_test_remove_tree (dir);
  g_free (json_path);
  g_free (csv_dir);
  g_free (dir);
  return status;
}
