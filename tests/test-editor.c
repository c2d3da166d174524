/* test-editor.c: the plan editor keeps what it does not show (issue 10, point 4)
 *
 * Every plan file in the tree, and plans that use every field of the plan model, are opened in
 * the real window and saved again without an edit; the saved JSON must be the plan as loaded,
 * compared structurally (member order aside), and must still hold every member the file had.
 * Then single edits: a typed method, the body file, one load field; each changes that field
 * and nothing else. Runs under Xvfb (skips without a display). */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <string.h>

#include "vs-app-testing.h"
#include "vs-window.h"
#include "vs-test-ui.h"
#include "vs-test-quarks.h"

static gboolean have_display;

/* The plan file, emptied before the save, has contents again. */
static gboolean
saved (gpointer path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  return g_file_get_contents (path, &contents, &length, NULL) && length > 0;
}

static JsonNode *
parse (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
parse_data (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  return json_node_copy (json_parser_get_root (parser));
}

/* NULL when b holds every member of a with an equal value (and, when exact, nothing more);
 * otherwise the path where they differ. Numbers compare by value: 1000 and 1000.0 are one. */
static char *
compare (JsonNode   *a,
         JsonNode   *b,
         gboolean    exact,
         const char *path)
{
  if (b == NULL)
    return g_strdup_printf ("%s: missing", path);
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return g_strdup_printf ("%s: a %s became a %s", path, json_node_type_name (a),
                            json_node_type_name (b));
  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
        g_autoptr(GList) members = json_object_get_members (oa);

        if (exact && json_object_get_size (oa) != json_object_get_size (ob))
          return g_strdup_printf ("%s: %u members became %u", path, json_object_get_size (oa),
                                  json_object_get_size (ob));
        for (GList *l = members; l != NULL; l = l->next)
          {
            g_autofree char *sub = g_strdup_printf ("%s.%s", path, (char *) l->data);
            char *problem = compare (json_object_get_member (oa, l->data),
                                     json_object_get_member (ob, l->data), exact, sub);

            if (problem != NULL)
              return problem;
          }
        return NULL;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a), *ab = json_node_get_array (b);

        if (json_array_get_length (aa) != json_array_get_length (ab))
          return g_strdup_printf ("%s: %u elements became %u", path, json_array_get_length (aa),
                                  json_array_get_length (ab));
        for (guint i = 0; i < json_array_get_length (aa); i++)
          {
            g_autofree char *sub = g_strdup_printf ("%s[%u]", path, i);
            char *problem = compare (json_array_get_element (aa, i),
                                     json_array_get_element (ab, i), exact, sub);

            if (problem != NULL)
              return problem;
          }
        return NULL;
      }
    case JSON_NODE_VALUE:
      {
        GType ta = json_node_get_value_type (a), tb = json_node_get_value_type (b);
        gboolean na = ta == G_TYPE_INT64 || ta == G_TYPE_DOUBLE;
        gboolean nb = tb == G_TYPE_INT64 || tb == G_TYPE_DOUBLE;

        if (na && nb ? json_node_get_double (a) == json_node_get_double (b)
                     : ta == tb && json_node_equal (a, b))
          return NULL;
        {
          g_autofree char *va = json_to_string (a, FALSE);
          g_autofree char *vb = json_to_string (b, FALSE);

          return g_strdup_printf ("%s: %s became %s", path, va, vb);
        }
      }
    case JSON_NODE_NULL:
    default:
      return NULL;
    }
}

static void
assert_same (JsonNode   *a,
             JsonNode   *b,
             gboolean    exact,
             const char *what)
{
  g_autofree char *problem = compare (a, b, exact, "");

  if (problem != NULL)
    g_error ("%s: %s", what, problem);
}

static GPtrArray *
plan_files (void)
{
  const char *source = g_getenv ("VERSUS_SOURCE_DIR");
  const char *folders[] = { "data/demo", "tests/plans" };
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (source);
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *folder = g_build_filename (source, folders[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".json"))
          g_ptr_array_add (files, g_build_filename (folder, name, NULL));
    }
  return files;
}

static VsWindow *
make_window (void)
{
  VsWindow *window = vs_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Open → Save, no edit in between: the same plan comes out. */
static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *dir = NULL;
  guint with_body_file = 0;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  files = plan_files ();
  g_assert_cmpuint (files->len, >=, 3);
  dir = g_dir_make_tmp ("versus-editor-XXXXXX", NULL);
  g_assert_nonnull (dir);

  for (guint i = 0; i < files->len; i++)
    {
      const char *original = g_ptr_array_index (files, i);
      g_autofree char *copy = g_build_filename (dir, "plan.json", NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GFile) file = g_file_new_for_path (copy);
      g_autoptr(GError) error = NULL;
      g_autoptr(VsPlan) loaded = NULL;
      g_autofree char *expected_json = NULL;
      g_autoptr(JsonNode) source = NULL, expected = NULL, result = NULL;
      VsWindow *window;

      g_test_message ("%s", original);
      g_assert_true (g_file_get_contents (original, &contents, NULL, NULL));
      g_assert_true (g_file_set_contents (copy, contents, -1, NULL));
      loaded = vs_plan_load_from_file (copy, &error);
      g_assert_no_error (error);
      for (guint t = 0; t < vs_plan_get_n_targets (loaded); t++)
        with_body_file += vs_plan_get_target (loaded, t)->body_file != NULL;

      window = make_window ();
      g_assert_true (vs_window_load_plan (window, file, &error));
      g_assert_no_error (error);

      /* emptied, so that the save (synchronous or not) is seen when it lands */
      g_assert_true (g_file_set_contents (copy, "", 0, NULL));
      gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
      vs_test_iterate_until (saved, copy, 10);

      source = parse (original);
      result = parse (copy);
      expected_json = vs_plan_to_json (loaded);
      expected = parse_data (expected_json);
      /* the plan as loaded, member for member */
      assert_same (expected, result, TRUE, original);
      /* and nothing the file said is lost or changed */
      assert_same (source, result, FALSE, original);

      gtk_window_destroy (GTK_WINDOW (window));
      g_remove (copy);
    }
  g_assert_cmpuint (with_body_file, >, 0);
  g_rmdir (dir);
}

static VsPlan *
editor_plan (VsWindow *window)
{
  return vs_plan_editor_get_plan (vs_window_get_editor (window));
}

static gboolean
has_problem_at (VsPlanEditor *editor,
                const char   *path)
{
  g_auto(GStrv) problems = vs_plan_editor_dup_problems (editor);
  g_autofree char *prefix = g_strconcat (path, ": ", NULL);

  for (guint i = 0; problems[i] != NULL; i++)
    if (g_str_has_prefix (problems[i], prefix))
      return TRUE;
  return FALSE;
}

/* Any method can be typed; the plan check says which are not methods; the menu offers the
 * common ones. */
static void
test_method_typed (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  VsWindow *window;
  VsPlanEditor *editor;
  VsTargetRow *row;
  GtkWidget *method;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  vs_plan_add_target (plan, vs_target_new ("a", "http://127.0.0.1:8081/"));
  g_free (vs_plan_get_target (plan, 0)->method);
  vs_plan_get_target (plan, 0)->method = g_strdup ("REPORT");
  window = make_window ();
  editor = vs_window_get_editor (window);
  vs_plan_editor_set_plan (editor, plan);
  row = vs_plan_editor_get_target_row (editor, 0);
  method = vs_target_row_get_field (row, "method");
  g_assert_true (GTK_IS_EDITABLE (method));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (method)), ==, "REPORT");

  gtk_editable_set_text (GTK_EDITABLE (method), "PROPFIND");
  g_assert_true (vs_plan_editor_get_valid (editor));
  {
    g_autoptr(VsPlan) edited = editor_plan (window);

    g_assert_cmpstr (vs_plan_get_target (edited, 0)->method, ==, "PROPFIND");
  }

  gtk_editable_set_text (GTK_EDITABLE (method), "NOT A METHOD");
  g_assert_false (vs_plan_editor_get_valid (editor));
  g_assert_true (has_problem_at (editor, "targets[0].method"));
  g_assert_true (gtk_widget_has_css_class (method, "error"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "row.method", "s", "PATCH"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (method)), ==, "PATCH");
  g_assert_true (vs_plan_editor_get_valid (editor));
  g_assert_false (gtk_widget_has_css_class (method, "error"));
  {
    g_autoptr(VsPlan) edited = editor_plan (window);

    g_assert_cmpstr (vs_plan_get_target (edited, 0)->method, ==, "PATCH");
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The body file shows in its own field; typing a body beside it is the plan check's problem,
 * at the body file; clearing the field removes it from the plan. */
static void
test_body_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("versus-editor-XXXXXX", NULL);
  g_autofree char *payload = g_build_filename (dir, "payload.bin", NULL);
  g_autoptr(VsPlan) plan = vs_plan_new ();
  VsWindow *window;
  VsPlanEditor *editor;
  VsTargetRow *row;
  GtkWidget *field, *body;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  g_assert_true (g_file_set_contents (payload, "abc", 3, NULL));
  vs_plan_add_target (plan, vs_target_new ("a", "http://127.0.0.1:8081/"));
  vs_plan_get_target (plan, 0)->body_file = g_strdup ("payload.bin");
  plan->base_dir = g_strdup (dir);
  window = make_window ();
  editor = vs_window_get_editor (window);
  vs_plan_editor_set_plan (editor, plan);
  g_assert_true (vs_plan_editor_get_valid (editor));
  row = vs_plan_editor_get_target_row (editor, 0);
  field = vs_target_row_get_field (row, "body_file");
  g_assert_true (GTK_IS_EDITABLE (field));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field)), ==, "payload.bin");

  /* an edit elsewhere in the row keeps it */
  gtk_editable_set_text (GTK_EDITABLE (vs_target_row_get_field (row, "name")), "renamed");
  {
    g_autoptr(VsPlan) edited = editor_plan (window);

    g_assert_cmpstr (vs_plan_get_target (edited, 0)->body_file, ==, "payload.bin");
    g_assert_cmpstr (vs_plan_get_target (edited, 0)->name, ==, "renamed");
    g_assert_cmpstr (edited->base_dir, ==, dir);
  }

  body = vs_test_find_descendant (vs_target_row_get_field (row, "body"), GTK_TYPE_TEXT_VIEW);
  g_assert_nonnull (body);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (body)), "inline", -1);
  g_assert_false (vs_plan_editor_get_valid (editor));
  g_assert_true (has_problem_at (editor, "targets[0].body_file"));
  g_assert_true (gtk_widget_has_css_class (field, "error"));

  gtk_editable_set_text (GTK_EDITABLE (field), "");
  g_assert_true (vs_plan_editor_get_valid (editor));
  {
    g_autoptr(VsPlan) edited = editor_plan (window);

    g_assert_null (vs_plan_get_target (edited, 0)->body_file);
    g_assert_cmpstr (vs_plan_get_target (edited, 0)->body, ==, "inline");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_remove (payload);
  g_rmdir (dir);
}

/* Editing one load field changes that field only: values the widgets cannot show (beyond a
 * spin button's range) and fields without a widget stay as loaded. */
static void
test_load_field (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("VERSUS_SOURCE_DIR"), "tests", "plans",
                                            "every-field-closed.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = vs_plan_load_from_file (path, &error);
  g_autoptr(VsPlan) edited = NULL;
  g_autofree char *before = NULL, *after = NULL;
  VsWindow *window;
  VsPlanEditor *editor;
  GtkWidget *spin;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  g_assert_no_error (error);
  window = make_window ();
  editor = vs_window_get_editor (window);
  vs_plan_editor_set_plan (editor, plan);

  /* the threads row's spin button: 4096 is beyond its 1024 */
  spin = vs_test_find_descendant (vs_plan_editor_get_field (editor, "load.threads"),
                          GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 3);

  edited = editor_plan (window);
  g_assert_cmpuint (edited->load.threads, ==, 3);
  plan->load.threads = 3;
  before = vs_plan_to_json (plan);
  after = vs_plan_to_json (edited);
  g_assert_cmpstr (after, ==, before);

  gtk_window_destroy (GTK_WINDOW (window));
}


static void
set_spin (VsPlanEditor *editor,
          const char   *path,
          double        value)
{
  GtkWidget *spin = vs_test_find_descendant (vs_plan_editor_get_field (editor, path),
                                             GTK_TYPE_SPIN_BUTTON);

  g_assert_nonnull (spin);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
}

static void
set_text (VsPlanEditor *editor,
          const char   *path,
          const char   *text)
{
  GtkWidget *field = vs_plan_editor_get_field (editor, path);

  g_assert_nonnull (field);
  g_assert_true (GTK_IS_EDITABLE (field));
  gtk_editable_set_text (GTK_EDITABLE (field), text);
}

/* The problem at path is marked at its field, with a message naming what is wrong. */
static void
assert_marked (VsPlanEditor *editor,
               const char   *path,
               const char   *message_part)
{
  GtkWidget *field = vs_plan_editor_get_field (editor, path);
  g_auto(GStrv) problems = vs_plan_editor_dup_problems (editor);
  g_autofree char *joined = g_strjoinv ("\n", problems);

  g_test_message ("%s", joined);
  g_assert_true (has_problem_at (editor, path));
  g_assert_nonnull (strstr (joined, message_part));
  g_assert_false (vs_plan_editor_get_valid (editor));
  g_assert_nonnull (field);
  g_assert_true (gtk_widget_has_css_class (field, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (field), message_part));
}

/* The modes rounds and capacity, made in the editor: their fields shown in their mode only,
 * what is typed checked at its field, the plan saved and opened again as edited. */
static void
test_modes (void)
{
  g_autofree char *dir = g_dir_make_tmp ("versus-editor-XXXXXX", NULL);
  g_autofree char *copy = g_build_filename (dir, "plan.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (copy);
  g_autoptr(GError) error = NULL;
  VsPlanEditor *editor;
  VsWindow *window;
  GtkWidget *mode;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  /* a plan of the ordinary mode, opened from a file (the one the edits are saved to) */
  {
    g_autoptr(VsPlan) start = vs_plan_new ();
    g_autofree char *json = NULL;

    vs_plan_add_target (start, vs_target_new ("node", "http://127.0.0.1:8081/"));
    json = vs_plan_to_json (start);
    g_assert_true (g_file_set_contents (copy, json, -1, NULL));
  }
  window = make_window ();
  g_assert_true (vs_window_load_plan (window, file, &error));
  g_assert_no_error (error);
  editor = vs_window_get_editor (window);
  mode = vs_plan_editor_get_field (editor, "mode");
  g_assert_false (gtk_widget_get_visible (vs_plan_editor_get_field (editor, "rounds")));
  g_assert_false (gtk_widget_get_visible (vs_plan_editor_get_field (editor, "capacity.start")));

  /* rounds: a count and a seed, none when the mode goes */
  adw_combo_row_set_selected (ADW_COMBO_ROW (mode), 2);
  g_assert_true (gtk_widget_get_visible (vs_plan_editor_get_field (editor, "rounds")));
  g_assert_true (gtk_widget_get_visible (vs_plan_editor_get_field (editor, "rounds_seed")));
  set_spin (editor, "rounds", 7);
  set_text (editor, "rounds_seed", "seven");
  assert_marked (editor, "rounds_seed", "“seven” is not a whole number");
  set_text (editor, "rounds_seed", "18446744073709551615");
  set_spin (editor, "rounds", 0);
  assert_marked (editor, "rounds", "mode rounds needs a number of rounds");
  set_spin (editor, "rounds", 7);
  g_assert_true (vs_plan_editor_get_valid (editor));
  {
    g_autoptr(VsPlan) plan = editor_plan (window);

    g_assert_cmpint (plan->mode, ==, VS_MODE_ROUNDS);
    g_assert_cmpuint (plan->rounds, ==, 7);
    g_assert_true (plan->rounds_seed_set);
    g_assert_cmpuint (plan->rounds_seed, ==, G_MAXUINT64);
  }

  /* capacity: start, factor, step, bisections, highest rate, and a threshold to keep */
  adw_combo_row_set_selected (ADW_COMBO_ROW (mode), 3);
  g_assert_false (gtk_widget_get_visible (vs_plan_editor_get_field (editor, "rounds")));
  g_assert_true (gtk_widget_get_visible (vs_plan_editor_get_field (editor, "capacity.start")));
  g_assert_false (gtk_widget_get_sensitive (vs_plan_editor_get_field (editor, "load.rate")));
  {
    g_autoptr(VsPlan) plan = editor_plan (window);

    /* the rounds went with their mode */
    g_assert_cmpuint (plan->rounds, ==, 0);
    g_assert_false (plan->rounds_seed_set);
  }
  set_text (editor, "thresholds", "");
  assert_marked (editor, "thresholds", "a capacity search needs at least one threshold");
  set_text (editor, "thresholds", "p99 <");
  assert_marked (editor, "thresholds[0]", "expected a number after the comparison");
  set_text (editor, "thresholds", "p99 < 50ms, error_rate < 1%");
  set_spin (editor, "capacity.factor", 1);
  assert_marked (editor, "capacity.factor", "out of range; use 1.05 to 100");
  set_spin (editor, "capacity.factor", 1.5);
  set_text (editor, "capacity.step", "soon");
  assert_marked (editor, "capacity.step", "“soon” is not a duration");
  set_text (editor, "capacity.step", "5s");
  set_spin (editor, "capacity.start", 50);
  set_spin (editor, "capacity.max", 40);
  assert_marked (editor, "capacity.max", "out of range; use the start rate");
  set_spin (editor, "capacity.max", 5000);
  set_spin (editor, "capacity.bisections", 21);
  assert_marked (editor, "capacity.bisections", "at most 20");
  set_spin (editor, "capacity.bisections", 2);
  g_assert_true (vs_plan_editor_get_valid (editor));

  /* saved, and opened again: the same search */
  g_assert_true (g_file_set_contents (copy, "", 0, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  vs_test_iterate_until (saved, copy, 10);
  {
    g_autoptr(VsPlan) edited = editor_plan (window);
    g_autoptr(VsPlan) loaded = vs_plan_load_from_file (copy, &error);
    g_autofree char *edited_json = vs_plan_to_json (edited);
    g_autofree char *loaded_json = NULL;

    g_assert_no_error (error);
    loaded_json = vs_plan_to_json (loaded);
    g_assert_cmpstr (loaded_json, ==, edited_json);
    g_assert_cmpint (loaded->mode, ==, VS_MODE_CAPACITY);
    g_assert_cmpfloat (loaded->capacity.start_rate, ==, 50);
    g_assert_cmpfloat (loaded->capacity.factor, ==, 1.5);
    g_assert_cmpint (loaded->capacity.step_us, ==, 5 * G_USEC_PER_SEC);
    g_assert_cmpuint (loaded->capacity.bisections, ==, 2);
    g_assert_cmpfloat (loaded->capacity.max_rate, ==, 5000);
    g_assert_cmpuint (loaded->thresholds->len, ==, 2);
    g_assert_cmpstr (((VsPlanThreshold *) g_ptr_array_index (loaded->thresholds, 1))->expr, ==,
                     "error_rate < 1%");

    /* into the editor, and out unchanged */
    vs_plan_editor_set_plan (editor, loaded);
    {
      g_autoptr(VsPlan) again = editor_plan (window);
      g_autofree char *again_json = vs_plan_to_json (again);

      g_assert_cmpstr (again_json, ==, loaded_json);
      g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (mode)), ==, 3);
    }
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_remove (copy);
  g_rmdir (dir);
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
  g_main_context_acquire (g_main_context_default ());

  vs_test_add_func ("/ui/editor/round-trip", test_round_trip);
  vs_test_add_func ("/ui/editor/method-typed", test_method_typed);
  vs_test_add_func ("/ui/editor/body-file", test_body_file);
  vs_test_add_func ("/ui/editor/load-field", test_load_field);
  vs_test_add_func ("/ui/editor/modes", test_modes);
  return g_test_run ();
}
