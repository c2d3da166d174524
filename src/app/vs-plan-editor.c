/* vs-plan-editor.c: the plan as rows and fields
 *
 * The editor edits a copy of the plan it was given: a field that is edited writes itself into
 * that copy, and nothing else does, so every field the editor does not show (arrival, seed,
 * pipeline, streams, tick, insecure, each target's thresholds, a threshold's abort and grace,
 * …) and every value a widget would clamp or reformat is saved as it was loaded. Each edit then takes a fresh plan from the copy (targets from their
 * rows, which do the same), runs vs_plan_check() on it, and marks each problem at the widget
 * its path names ("targets[1].url", "load.rate"). Problems whose path names no field go to the
 * summary line at the top.
 */
#include "config.h"

#include <inttypes.h>
#include <adwaita.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "vs-app-testing.h"
#include "vs-format.h"
#include "vs-plan-editor.h"

struct _VsPlanEditor
{
  GtkWidget     parent_instance;

  GtkWidget    *scroller;
  GtkWidget    *summary;
  GtkWidget    *targets_group;
  GtkWidget    *add_button;
  GtkWidget    *model_row;
  GtkWidget    *connections_row;
  GtkWidget    *connections;
  GtkWidget    *rate_row;
  GtkWidget    *rate;
  GtkWidget    *stop_row;
  GtkWidget    *duration;
  GtkWidget    *requests_row;
  GtkWidget    *requests;
  GtkWidget    *warmup;
  GtkWidget    *timeout;
  GtkWidget    *threads_row;
  GtkWidget    *threads;
  GtkWidget    *mode_row;
  GtkWidget    *engine_row;
  /* mode rounds */
  GtkWidget    *rounds_row;
  GtkWidget    *rounds;
  GtkWidget    *seed_row;
  /* mode capacity */
  GtkWidget    *start_row;
  GtkWidget    *start;
  GtkWidget    *factor_row;
  GtkWidget    *factor;
  GtkWidget    *step;
  GtkWidget    *bisections_row;
  GtkWidget    *bisections;
  GtkWidget    *max_row;
  GtkWidget    *max_rate;
  GtkWidget    *thresholds;  /* the plan's own, comma-separated */

  GPtrArray    *rows;          /* VsTargetRow*, in plan order */
  GPtrArray    *marked;        /* load/mode widgets carrying an error mark */
  VsPlan       *plan;          /* taken from edited on every edit */
  GPtrArray    *problems;      /* VsPlanProblem* of that plan */
  VsPlan       *edited;        /* the plan given to set_plan() with the edits since (not its
                                * targets: the rows hold those) */
  GPtrArray    *typed;         /* VsPlanProblem*: durations typed that do not parse */
  guint         loading : 1;
};

G_DEFINE_FINAL_TYPE (VsPlanEditor, vs_plan_editor, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_VALID, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void rebuild (VsPlanEditor *self);

static gboolean
stops_by_requests (VsPlanEditor *self)
{
  return adw_combo_row_get_selected (ADW_COMBO_ROW (self->stop_row)) == 1;
}

/* A typed duration that does not parse is a problem of the editor's own, kept until the field
 * is edited again. */
static void
set_typed_problem (VsPlanEditor *self,
                   const char   *path,
                   const char   *message)
{
  for (guint i = 0; i < self->typed->len; i++)
    if (g_str_equal (((VsPlanProblem *) g_ptr_array_index (self->typed, i))->path, path))
      g_ptr_array_remove_index (self->typed, i--);
  if (message != NULL)
    g_ptr_array_add (self->typed, vs_plan_problem_new (path, message));
}

static void
read_duration (VsPlanEditor *self,
               GtkWidget    *entry,
               const char   *path,
               gboolean      optional,
               gint64       *out)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *message = NULL;
  gint64 us;

  if (optional && *text == '\0')
    us = 0;
  else if (!vs_parse_duration (text, &us))
    {
      message = g_strdup_printf (_("“%s” is not a duration; write it like 30s, 2m or 500ms"),
                                 text);
      set_typed_problem (self, path, message);
      return;
    }
  *out = us;
  set_typed_problem (self, path, NULL);
}

static void
set_duration (GtkWidget *entry,
              gint64     us)
{
  g_autofree char *text = us > 0 ? vs_format_duration (us) : g_strdup ("");

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

/* The stop condition: a duration or a request count, never both. */
static void
apply_stop (VsPlanEditor *self)
{
  VsLoad *load = &self->edited->load;

  if (stops_by_requests (self))
    {
      load->duration_us = 0;
      load->requests = (guint64) gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->requests));
      set_typed_problem (self, "load.duration", NULL);
    }
  else
    {
      load->requests = 0;
      read_duration (self, self->duration, "load.duration", FALSE, &load->duration_us);
    }
}

static const VsMode modes[] = {
  VS_MODE_PARALLEL, VS_MODE_SEQUENTIAL, VS_MODE_ROUNDS, VS_MODE_CAPACITY,
};

static VsMode
selected_mode (VsPlanEditor *self)
{
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->mode_row));

  return selected < G_N_ELEMENTS (modes) ? modes[selected] : VS_MODE_PARALLEL;
}

/* The order seed of mode rounds: empty for a fresh one each run. */
static void
read_seed (VsPlanEditor *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->seed_row));
  VsPlan *plan = self->edited;
  guint64 seed;

  set_typed_problem (self, "rounds_seed", NULL);
  if (*text == '\0')
    plan->rounds_seed_set = FALSE;
  else if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &seed, NULL))
    {
      plan->rounds_seed = seed;
      plan->rounds_seed_set = TRUE;
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a whole number from 0 to %"
                                                    PRIu64), text, G_MAXUINT64);

      set_typed_problem (self, "rounds_seed", message);
    }
}

static char *
thresholds_text (GPtrArray *thresholds)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < thresholds->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                            ((VsPlanThreshold *) g_ptr_array_index (thresholds, i))->expr);
  return g_string_free (text, FALSE);
}

/* The plan's thresholds from the comma-separated list typed; one whose text stays keeps what
 * else it had (abort, grace). The plan check says what does not parse, at thresholds[i]. */
static void
read_thresholds (VsPlanEditor *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->thresholds));
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  GPtrArray *old = self->edited->thresholds;
  g_autoptr(GPtrArray) thresholds = g_ptr_array_new_with_free_func (
                                      (GDestroyNotify) vs_plan_threshold_free);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *expr = g_strstrip (parts[i]);
      VsPlanThreshold *kept = NULL;

      if (*expr == '\0')
        continue;
      for (guint j = 0; j < old->len && kept == NULL; j++)
        if (g_str_equal (((VsPlanThreshold *) g_ptr_array_index (old, j))->expr, expr))
          kept = g_ptr_array_index (old, j);
      g_ptr_array_add (thresholds, kept != NULL ? vs_plan_threshold_copy (kept)
                                                : vs_plan_threshold_new (expr));
    }
  g_ptr_array_set_size (old, 0);
  g_ptr_array_extend_and_steal (old, g_steal_pointer (&thresholds));
}

/* Writes the load or run field that was edited, and only that one, into the edited plan. */
static void
field_edited (VsPlanEditor *self,
              GtkWidget    *widget)
{
  VsPlan *plan = self->edited;
  VsLoad *load = &plan->load;

  if (self->loading)
    return;
  if (widget == self->model_row)
    load->model = adw_combo_row_get_selected (ADW_COMBO_ROW (widget)) == 1
                  ? VS_LOAD_OPEN : VS_LOAD_CLOSED;
  else if (widget == self->connections)
    load->connections = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget));
  else if (widget == self->rate)
    load->rate = gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget));
  else if (widget == self->stop_row ||
           (widget == self->duration && !stops_by_requests (self)) ||
           (widget == self->requests && stops_by_requests (self)))
    apply_stop (self);
  else if (widget == self->warmup)
    read_duration (self, widget, "load.warmup", TRUE, &load->warmup_us);
  else if (widget == self->timeout)
    read_duration (self, widget, "load.timeout", FALSE, &load->timeout_us);
  else if (widget == self->threads)
    load->threads = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget));
  else if (widget == self->mode_row)
    {
      plan->mode = selected_mode (self);
      /* rounds and their seed go with mode rounds (the plan check refuses them elsewhere);
       * back in it, the rows' values count again */
      plan->rounds = 0;
      plan->rounds_seed_set = FALSE;
      set_typed_problem (self, "rounds_seed", NULL);
      if (plan->mode == VS_MODE_ROUNDS)
        {
          plan->rounds = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->rounds));
          read_seed (self);
        }
    }
  else if (widget == self->rounds)
    plan->rounds = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget));
  else if (widget == self->seed_row)
    read_seed (self);
  else if (widget == self->start)
    plan->capacity.start_rate = gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget));
  else if (widget == self->factor)
    plan->capacity.factor = gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget));
  else if (widget == self->step)
    read_duration (self, widget, "capacity.step", FALSE, &plan->capacity.step_us);
  else if (widget == self->bisections)
    plan->capacity.bisections = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget));
  else if (widget == self->max_rate)
    plan->capacity.max_rate = gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget));
  else if (widget == self->thresholds)
    read_thresholds (self);
  else if (widget == self->engine_row)
    switch (adw_combo_row_get_selected (ADW_COMBO_ROW (widget)))
      {
      case 1: plan->engine = VS_ENGINE_KIND_SOUP; break;
      case 2: plan->engine = VS_ENGINE_KIND_NATIVE; break;
      default: plan->engine = VS_ENGINE_KIND_AUTO; break;
      }
  rebuild (self);
}

static void
entry_edited (GtkWidget    *entry,
              VsPlanEditor *self)
{
  field_edited (self, entry);
}

static void
combo_edited (GtkWidget    *combo,
              GParamSpec   *pspec,
              VsPlanEditor *self)
{
  field_edited (self, combo);
}

static VsPlan *
build_plan (VsPlanEditor *self,
            GPtrArray    *problems)
{
  VsPlan *plan = vs_plan_copy (self->edited);

  g_ptr_array_set_size (plan->targets, 0);
  for (guint i = 0; i < self->rows->len; i++)
    vs_plan_add_target (plan, vs_target_row_build (g_ptr_array_index (self->rows, i)));
  for (guint i = 0; i < self->typed->len; i++)
    {
      const VsPlanProblem *typed = g_ptr_array_index (self->typed, i);

      g_ptr_array_add (problems, vs_plan_problem_new (typed->path, typed->message));
    }
  return plan;
}

/* "load.duration_us" and "load.duration" name the same field. */
GtkWidget *
vs_plan_editor_get_field (VsPlanEditor *self,
                          const char   *path)
{
  static const struct { const char *path; gsize offset; } fields[] = {
    { "load.model", G_STRUCT_OFFSET (VsPlanEditor, model_row) },
    { "load.connections", G_STRUCT_OFFSET (VsPlanEditor, connections_row) },
    { "load.rate", G_STRUCT_OFFSET (VsPlanEditor, rate_row) },
    { "load.arrival", G_STRUCT_OFFSET (VsPlanEditor, model_row) },
    { "load.duration", G_STRUCT_OFFSET (VsPlanEditor, duration) },
    { "load.requests", G_STRUCT_OFFSET (VsPlanEditor, requests_row) },
    { "load.warmup", G_STRUCT_OFFSET (VsPlanEditor, warmup) },
    { "load.timeout", G_STRUCT_OFFSET (VsPlanEditor, timeout) },
    { "load.threads", G_STRUCT_OFFSET (VsPlanEditor, threads_row) },
    { "mode", G_STRUCT_OFFSET (VsPlanEditor, mode_row) },
    { "rounds", G_STRUCT_OFFSET (VsPlanEditor, rounds_row) },
    { "rounds_seed", G_STRUCT_OFFSET (VsPlanEditor, seed_row) },
    { "capacity.start", G_STRUCT_OFFSET (VsPlanEditor, start_row) },
    { "capacity.factor", G_STRUCT_OFFSET (VsPlanEditor, factor_row) },
    { "capacity.step", G_STRUCT_OFFSET (VsPlanEditor, step) },
    { "capacity.bisections", G_STRUCT_OFFSET (VsPlanEditor, bisections_row) },
    { "capacity.max", G_STRUCT_OFFSET (VsPlanEditor, max_row) },
    { "thresholds", G_STRUCT_OFFSET (VsPlanEditor, thresholds) },
    { "engine", G_STRUCT_OFFSET (VsPlanEditor, engine_row) },
    { "targets", G_STRUCT_OFFSET (VsPlanEditor, targets_group) },
  };
  g_autofree char *key = g_strdup (path);
  gsize len = strlen (key);

  if (len > 3 && g_str_has_suffix (key, "_us"))
    key[len - 3] = '\0';
  /* "thresholds[1]": the plan's second threshold, in the one list */
  if (g_str_has_prefix (key, "thresholds["))
    key[strlen ("thresholds")] = '\0';
  /* "set either a duration or a request count" goes where the user can act on it: in requests
   * mode the duration field is hidden */
  if (g_str_equal (key, "load.duration") && stops_by_requests (self))
    return self->requests_row;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (key, fields[i].path))
      return G_STRUCT_MEMBER (GtkWidget *, self, fields[i].offset);
  return NULL;
}

static void
clear_marks (VsPlanEditor *self)
{
  for (guint i = 0; i < self->marked->len; i++)
    {
      GtkWidget *widget = g_ptr_array_index (self->marked, i);

      gtk_widget_remove_css_class (widget, "error");
      gtk_widget_set_tooltip_text (widget, NULL);
    }
  g_ptr_array_set_size (self->marked, 0);
  for (guint i = 0; i < self->rows->len; i++)
    vs_target_row_clear_problems (g_ptr_array_index (self->rows, i));
}

/* Puts one problem at its field; FALSE when no field carries it. */
static gboolean
show_problem (VsPlanEditor        *self,
              const VsPlanProblem *problem)
{
  const char *path = problem->path != NULL ? problem->path : "";
  GtkWidget *widget;

  if (g_str_has_prefix (path, "targets["))
    {
      char *end = NULL;
      guint64 index = g_ascii_strtoull (path + strlen ("targets["), &end, 10);
      const char *field = NULL;

      if (end != NULL && *end == ']' && index < self->rows->len)
        {
          if (end[1] == '.')
            field = end + 2;
          vs_target_row_show_problem (g_ptr_array_index (self->rows, index), field,
                                      problem->message);
          return TRUE;
        }
      return FALSE;
    }

  widget = vs_plan_editor_get_field (self, path);
  if (widget == NULL)
    return FALSE;
  gtk_widget_add_css_class (widget, "error");
  gtk_widget_set_tooltip_text (widget, problem->message);
  if (ADW_IS_ACTION_ROW (widget) && !ADW_IS_COMBO_ROW (widget))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (widget), problem->message);
  g_ptr_array_add (self->marked, widget);
  return TRUE;
}

static void
restore_subtitles (VsPlanEditor *self)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->connections_row), _("Per target"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->rate_row),
                               _("Requests per second, per target"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->requests_row), _("Per target"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->threads_row),
                               _("0: one per processor core"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->rounds_row),
                               _("Trials per target, in a shuffled order each round"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->start_row),
                               _("Requests per second of the first step"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->factor_row),
                               _("Each step offers the last one’s rate times this"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->bisections_row),
                               _("Steps that halve the interval where it broke"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->max_row),
                               _("No step offers more, in requests per second"));
  gtk_widget_set_tooltip_text (self->thresholds, _("For example: p99 < 50ms, error_rate < 1%"));
}

static void
update_sensitivity (VsPlanEditor *self)
{
  gboolean open = adw_combo_row_get_selected (ADW_COMBO_ROW (self->model_row)) == 1;
  gboolean by_requests = stops_by_requests (self);
  VsMode mode = selected_mode (self);
  gboolean capacity = mode == VS_MODE_CAPACITY;
  GtkWidget *capacity_rows[] = { self->start_row, self->factor_row, self->step,
                                 self->bisections_row, self->max_row };

  /* a capacity search sets the model, rate and length of each step itself */
  gtk_widget_set_sensitive (self->model_row, !capacity);
  gtk_widget_set_sensitive (self->rate_row, open && !capacity);
  gtk_widget_set_sensitive (self->stop_row, !capacity);
  gtk_widget_set_sensitive (self->duration, !capacity);
  gtk_widget_set_sensitive (self->requests_row, !capacity);
  gtk_widget_set_visible (self->duration, !by_requests);
  gtk_widget_set_visible (self->requests_row, by_requests);
  gtk_widget_set_visible (self->rounds_row, mode == VS_MODE_ROUNDS);
  gtk_widget_set_visible (self->seed_row, mode == VS_MODE_ROUNDS);
  for (guint i = 0; i < G_N_ELEMENTS (capacity_rows); i++)
    gtk_widget_set_visible (capacity_rows[i], capacity);
}

static void
rebuild (VsPlanEditor *self)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) checked = NULL;
  g_autoptr(GString) unplaced = g_string_new (NULL);
  gboolean was_valid = self->problems != NULL && self->problems->len == 0;
  gboolean valid;

  if (self->loading)
    return;

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_plan_problem_free);
  update_sensitivity (self);
  g_clear_pointer (&self->plan, vs_plan_unref);
  self->plan = build_plan (self, problems);

  /* the editor's own parse problems first; then the plan's, skipping fields already marked */
  checked = vs_plan_check (self->plan);
  for (guint i = 0; i < checked->len; i++)
    {
      VsPlanProblem *problem = g_ptr_array_index (checked, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < problems->len && !seen; j++)
        seen = g_strcmp0 (((VsPlanProblem *) g_ptr_array_index (problems, j))->path,
                          problem->path) == 0;
      if (!seen)
        g_ptr_array_add (problems, g_steal_pointer (&checked->pdata[i]));
    }

  clear_marks (self);
  restore_subtitles (self);
  for (guint i = 0; i < problems->len; i++)
    {
      VsPlanProblem *problem = g_ptr_array_index (problems, i);

      if (!show_problem (self, problem))
        g_string_append_printf (unplaced, "%s%s: %s", unplaced->len ? "\n" : "",
                                problem->path, problem->message);
    }
  gtk_label_set_text (GTK_LABEL (self->summary), unplaced->str);
  gtk_widget_set_visible (self->summary, unplaced->len > 0);

  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = g_steal_pointer (&problems);
  valid = self->problems->len == 0;
  if (valid != was_valid)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

static void
renumber (VsPlanEditor *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    vs_target_row_set_position (g_ptr_array_index (self->rows, i), i, self->rows->len);
}

static void
relayout_rows (VsPlanEditor *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->targets_group),
                                  g_ptr_array_index (self->rows, i));
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->targets_group),
                               g_ptr_array_index (self->rows, i));
  renumber (self);
}

static void
row_move_cb (VsTargetRow  *row,
             int           delta,
             VsPlanEditor *self)
{
  guint index;

  if (!g_ptr_array_find (self->rows, row, &index) || (int) index + delta < 0 ||
      index + delta >= self->rows->len)
    return;
  /* the group holds the rows: keep them alive while they are out of it */
  for (guint i = 0; i < self->rows->len; i++)
    g_object_ref (g_ptr_array_index (self->rows, i));
  self->rows->pdata[index] = self->rows->pdata[index + delta];
  self->rows->pdata[index + delta] = row;
  relayout_rows (self);
  for (guint i = 0; i < self->rows->len; i++)
    g_object_unref (g_ptr_array_index (self->rows, i));
  rebuild (self);
}

static void
row_remove_cb (VsTargetRow  *row,
               VsPlanEditor *self)
{
  adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->targets_group), GTK_WIDGET (row));
  g_ptr_array_remove (self->rows, row);
  renumber (self);
  rebuild (self);
}

static void
append_row (VsPlanEditor   *self,
            const VsTarget *target)
{
  GtkWidget *row = vs_target_row_new (target);

  g_signal_connect_swapped (row, "changed", G_CALLBACK (rebuild), self);
  g_signal_connect (row, "move", G_CALLBACK (row_move_cb), self);
  g_signal_connect (row, "remove", G_CALLBACK (row_remove_cb), self);
  g_ptr_array_add (self->rows, row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->targets_group), row);
}

void
vs_plan_editor_add_target (VsPlanEditor *self)
{
  g_autofree char *name = g_strdup_printf (_("target-%u"), self->rows->len + 1);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", 8081 + self->rows->len);
  g_autoptr(VsTarget) target = vs_target_new (name, url);

  append_row (self, target);
  renumber (self);
  adw_expander_row_set_expanded (g_ptr_array_index (self->rows, self->rows->len - 1), TRUE);
  rebuild (self);
}

static void
vs_plan_editor_dispose (GObject *object)
{
  VsPlanEditor *self = VS_PLAN_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_PLAN_EDITOR);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->marked, g_ptr_array_unref);
  g_clear_pointer (&self->plan, vs_plan_unref);
  g_clear_pointer (&self->edited, vs_plan_unref);
  g_clear_pointer (&self->typed, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  G_OBJECT_CLASS (vs_plan_editor_parent_class)->dispose (object);
}

static void
vs_plan_editor_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VsPlanEditor *self = VS_PLAN_EDITOR (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, vs_plan_editor_get_valid (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_plan_editor_class_init (VsPlanEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_plan_editor_dispose;
  object_class->get_property = vs_plan_editor_get_property;

  properties[PROP_VALID] = g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/versus/Versus/vs-plan-editor.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "planeditor");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VsPlanEditor, name)
  BIND (scroller);
  BIND (summary);
  BIND (targets_group);
  BIND (add_button);
  BIND (model_row);
  BIND (connections_row);
  BIND (connections);
  BIND (rate_row);
  BIND (rate);
  BIND (stop_row);
  BIND (duration);
  BIND (requests_row);
  BIND (requests);
  BIND (warmup);
  BIND (timeout);
  BIND (threads_row);
  BIND (threads);
  BIND (mode_row);
  BIND (engine_row);
  BIND (rounds_row);
  BIND (rounds);
  BIND (seed_row);
  BIND (start_row);
  BIND (start);
  BIND (factor_row);
  BIND (factor);
  BIND (step);
  BIND (bisections_row);
  BIND (bisections);
  BIND (max_row);
  BIND (max_rate);
  BIND (thresholds);
#undef BIND
}

static void
vs_plan_editor_init (VsPlanEditor *self)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->marked = g_ptr_array_new ();
  self->edited = vs_plan_new ();
  self->typed = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_plan_problem_free);

  {
    GtkWidget *entries[] = { self->duration, self->warmup, self->timeout, self->seed_row,
                             self->step, self->thresholds };
    GtkWidget *spins[] = { self->connections, self->rate, self->requests, self->threads,
                           self->rounds, self->start, self->factor, self->bisections,
                           self->max_rate };
    GtkWidget *combos[] = { self->model_row, self->stop_row, self->mode_row, self->engine_row };

    for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
      g_signal_connect (entries[i], "changed", G_CALLBACK (entry_edited), self);
    for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
      g_signal_connect (spins[i], "value-changed", G_CALLBACK (entry_edited), self);
    for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
      g_signal_connect (combos[i], "notify::selected", G_CALLBACK (combo_edited), self);
  }
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (vs_plan_editor_add_target),
                            self);

  vs_plan_editor_set_plan (self, plan);
}

void
vs_plan_editor_set_plan (VsPlanEditor *self,
                         VsPlan       *plan)
{
  g_return_if_fail (VS_IS_PLAN_EDITOR (self));
  g_return_if_fail (plan != NULL);

  self->loading = TRUE;

  g_clear_pointer (&self->edited, vs_plan_unref);
  self->edited = vs_plan_copy (plan);
  g_ptr_array_set_size (self->typed, 0);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->targets_group),
                                  g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  for (guint i = 0; i < vs_plan_get_n_targets (plan); i++)
    append_row (self, vs_plan_get_target (plan, i));
  renumber (self);

  adw_combo_row_set_selected (ADW_COMBO_ROW (self->model_row),
                              plan->load.model == VS_LOAD_OPEN ? 1 : 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->connections), plan->load.connections);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->rate), plan->load.rate);
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->stop_row), plan->load.requests > 0 ? 1 : 0);
  set_duration (self->duration, plan->load.duration_us);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->requests), plan->load.requests);
  set_duration (self->warmup, plan->load.warmup_us);
  set_duration (self->timeout, plan->load.timeout_us);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->threads), plan->load.threads);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (modes[i] == plan->mode)
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->mode_row), i);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->rounds), plan->rounds > 0 ? plan->rounds : 5);
  {
    g_autofree char *seed = plan->rounds_seed_set
                            ? g_strdup_printf ("%" G_GUINT64_FORMAT, plan->rounds_seed)
                            : g_strdup ("");
    g_autofree char *thresholds = thresholds_text (plan->thresholds);

    gtk_editable_set_text (GTK_EDITABLE (self->seed_row), seed);
    gtk_editable_set_text (GTK_EDITABLE (self->thresholds), thresholds);
  }
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->start), plan->capacity.start_rate);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->factor), plan->capacity.factor);
  set_duration (self->step, plan->capacity.step_us);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->bisections), plan->capacity.bisections);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->max_rate), plan->capacity.max_rate);
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->engine_row),
                              plan->engine == VS_ENGINE_KIND_SOUP ? 1
                              : plan->engine == VS_ENGINE_KIND_NATIVE ? 2 : 0);

  self->loading = FALSE;
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  rebuild (self);
  /* rebuild() notifies only on a change, and the previous state is unknown here */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

VsPlan *
vs_plan_editor_get_plan (VsPlanEditor *self)
{
  g_return_val_if_fail (VS_IS_PLAN_EDITOR (self), NULL);
  return vs_plan_ref (self->plan);
}

gboolean
vs_plan_editor_get_valid (VsPlanEditor *self)
{
  g_return_val_if_fail (VS_IS_PLAN_EDITOR (self), FALSE);
  return self->problems != NULL && self->problems->len == 0;
}

GStrv
vs_plan_editor_dup_problems (VsPlanEditor *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; self->problems != NULL && i < self->problems->len; i++)
    {
      VsPlanProblem *problem = g_ptr_array_index (self->problems, i);

      g_autofree char *line = g_strdup_printf ("%s: %s", problem->path, problem->message);

      g_strv_builder_add (builder, line);
    }
  return g_strv_builder_end (builder);
}

guint
vs_plan_editor_get_n_targets (VsPlanEditor *self)
{
  return self->rows->len;
}

VsTargetRow *
vs_plan_editor_get_target_row (VsPlanEditor *self,
                               guint         index)
{
  g_return_val_if_fail (index < self->rows->len, NULL);
  return g_ptr_array_index (self->rows, index);
}
