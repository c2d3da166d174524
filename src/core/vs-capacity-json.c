/* vs-capacity-json.c: a capacity search read back from its JSON (see vs-capacity-json.h) */
#include "config.h"

#include "vs-capacity-json.h"

#include <math.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "vs-capacity-private.h"
#include "vs-error.h"
#include "vs-export.h"
#include "vs-merge-private.h"
#include "vs-result-data.h"
#include "vs-results-private.h"

/* A refusal names the file, then the field: "FILE: steps[2].kept: …". */
static gboolean
refuse_field (GError     **error,
              const char  *path,
              const char  *object,
              const char  *name,
              const char  *message)
{
  return vs_error_set_field (error, path, "%s%s%s: %s", object, *object && name ? "." : "",
                             name != NULL ? name : "", message);
}

/* @name of @object: a number (*out), or null/absent when @nullable (*out NaN). */
static gboolean
read_number (JsonObject  *object,
             const char  *name,
             gboolean     nullable,
             double      *out,
             const char  *path,
             const char  *field,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (nullable && (node == NULL || JSON_NODE_HOLDS_NULL (node)))
    {
      *out = NAN;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64) ||
      !isfinite (json_node_get_double (node)))
    return refuse_field (error, path, field, name,
                         nullable ? _("not a number or null") : _("missing, or not a number"));
  *out = json_node_get_double (node);
  return TRUE;
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *name,
              gboolean    *out,
              const char  *path,
              const char  *field,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return refuse_field (error, path, field, name, _("missing, or not true or false"));
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* A string (*out, borrowed), or NULL for null/absent when @nullable. */
static gboolean
read_string (JsonObject  *object,
             const char  *name,
             gboolean     nullable,
             const char **out,
             const char  *path,
             const char  *field,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (nullable && (node == NULL || JSON_NODE_HOLDS_NULL (node)))
    {
      *out = NULL;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return refuse_field (error, path, field, name,
                         nullable ? _("not text or null") : _("missing, or not text"));
  *out = json_node_get_string (node);
  return TRUE;
}

static JsonArray *
read_array (JsonObject  *object,
            const char  *name,
            const char  *path,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      refuse_field (error, path, "", name, _("missing, or not a list"));
      return NULL;
    }
  return json_node_get_array (node);
}

static JsonObject *
element_object (JsonArray   *array,
                guint        index,
                const char  *path,
                const char  *field,
                GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      refuse_field (error, path, field, NULL, _("not an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

/* The plan the file carries: a capacity search's. */
static VsPlan *
read_plan (JsonObject  *root,
           const char  *path,
           GError     **error)
{
  JsonNode *node = json_object_get_member (root, "plan");
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(VsPlan) plan = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      refuse_field (error, path, "plan", NULL, _("missing, or not an object"));
      return NULL;
    }
  text = json_to_string (node, FALSE);
  plan = vs_plan_load_from_data (text, -1, NULL, &local_error);
  if (plan == NULL)
    {
      refuse_field (error, path, "plan", NULL, local_error->message);
      return NULL;
    }
  if (plan->mode != VS_MODE_CAPACITY)
    {
      refuse_field (error, path, "plan", "mode", _("not “capacity”"));
      return NULL;
    }
  return g_steal_pointer (&plan);
}

static gboolean
find_target (VsPlan     *plan,
             const char *name,
             guint      *index)
{
  for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
    if (g_strcmp0 (vs_plan_get_target (plan, t)->name, name) == 0)
      {
        *index = t;
        return TRUE;
      }
  return FALSE;
}

/* steps[i]: what the search made of the step, and its run rebuilt on the step's plan. */
static VsCapacityStep *
read_step (JsonObject  *object,
           VsPlan      *plan,
           const char  *engine,
           const char  *path,
           const char  *field,
           GError     **error)
{
  g_autoptr(VsPlan) step_plan = NULL;
  g_autoptr(VsResults) results = NULL;
  g_autoptr(GDateTime) started = NULL;
  const char *target, *phase, *why, *started_text;
  JsonObject *summary;
  JsonNode *node;
  VsCapacityStep *step;
  double offered;
  gboolean kept, limited;
  gint64 number;
  guint index;

  if (!read_string (object, "target", FALSE, &target, path, field, error) ||
      !read_string (object, "phase", FALSE, &phase, path, field, error) ||
      !read_number (object, "offered_rps", FALSE, &offered, path, field, error) ||
      !read_boolean (object, "kept", &kept, path, field, error) ||
      !read_boolean (object, "limited", &limited, path, field, error) ||
      !read_string (object, "why", TRUE, &why, path, field, error) ||
      !read_string (object, "started", TRUE, &started_text, path, field, error))
    return NULL;
  if (!find_target (plan, target, &index))
    {
      refuse_field (error, path, field, "target", _("not a target of the plan"));
      return NULL;
    }
  node = json_object_get_member (object, "step");
  number = node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
           json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node) : 0;
  if (number < 1 || number > G_MAXUINT)
    {
      refuse_field (error, path, field, "step", _("missing, or not a whole number from 1"));
      return NULL;
    }
  if (g_strcmp0 (phase, "raise") != 0 && g_strcmp0 (phase, "bisect") != 0)
    {
      refuse_field (error, path, field, "phase", _("neither “raise” nor “bisect”"));
      return NULL;
    }
  if (!(offered > 0))
    {
      refuse_field (error, path, field, "offered_rps", _("not above 0"));
      return NULL;
    }
  if (kept && limited)
    {
      refuse_field (error, path, field, "limited", _("a kept step is not limited"));
      return NULL;
    }

  step_plan = _vs_capacity_step_plan (plan, index, offered);
  results = vs_results_new (step_plan, engine);
  summary = json_object_get_object_member (object, "summary");
  if (summary != NULL)
    vs_results_set_generator (results,
                              (guint) json_object_get_int_member_with_default (summary, "workers",
                                                                               0),
                              (guint) json_object_get_int_member_with_default (summary, "cpus",
                                                                               0));
  if (started_text != NULL)
    started = g_date_time_new_from_iso8601 (started_text, NULL);
  if (started != NULL)
    _vs_results_set_started (results, started);
  if (!_vs_merge_read_target (results, 0, object, path, field, error))
    return NULL;
  vs_results_end (results);

  step = g_new0 (VsCapacityStep, 1);
  step->target = index;
  step->step = (guint) number;
  step->phase = g_str_equal (phase, "raise") ? VS_CAPACITY_RAISE : VS_CAPACITY_BISECT;
  step->rate = offered;
  step->kept = kept;
  step->limited = limited;
  step->why = g_strdup (why);
  step->results = g_steal_pointer (&results);
  return step;
}

/* targets[t]: the search's answer for it, which its steps must bear out. */
static gboolean
read_result (JsonObject       *object,
             VsCapacity       *capacity,
             guint             t,
             const char       *path,
             const char       *field,
             VsCapacityResult *result,
             GError          **error)
{
  const char *name;
  GPtrArray *steps = vs_capacity_get_steps (capacity);
  gboolean found = FALSE;

  if (!read_string (object, "name", FALSE, &name, path, field, error) ||
      !read_number (object, "capacity_rps", TRUE, &result->capacity_rps, path, field, error) ||
      !read_boolean (object, "limited", &result->limited, path, field, error) ||
      !read_boolean (object, "at_max", &result->at_max, path, field, error) ||
      !read_number (object, "failed_rps", TRUE, &result->failed_rps, path, field, error) ||
      !read_number (object, "limited_rps", TRUE, &result->limited_rps, path, field, error))
    return FALSE;
  if (g_strcmp0 (name, vs_plan_get_target (vs_capacity_get_plan (capacity), t)->name) != 0)
    return refuse_field (error, path, field, "name", _("not the plan's target of that place"));
  if (isnan (result->capacity_rps))
    return TRUE;
  for (guint i = 0; i < steps->len && !found; i++)
    {
      const VsCapacityStep *step = g_ptr_array_index (steps, i);

      found = step->target == t && step->kept && step->rate == result->capacity_rps;
    }
  if (!found)
    return refuse_field (error, path, field, "capacity_rps", _("not the rate of a kept step"));
  return TRUE;
}

/* The capacity search in @root, the object of the file at @path. */
static VsCapacity *
read_search (JsonObject  *root,
             const char  *path,
             GError     **error)
{
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsCapacity) capacity = NULL;
  JsonNode *version;
  JsonArray *targets, *steps;
  const char *engine;

  version = json_object_get_member (root, "capacity_schema_version");
  if (version == NULL)
    {
      if (json_object_has_member (root, "schema_version"))
        vs_error_set_field (error, path, _("the result of a run, not of a capacity search"));
      else
        refuse_field (error, path, "capacity_schema_version", NULL,
                      _("missing: not a capacity search's result"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) != VS_CAPACITY_SCHEMA_VERSION)
    {
      g_autofree char *expected = g_strdup_printf (_("not %d, the version this Versus reads"),
                                                   VS_CAPACITY_SCHEMA_VERSION);

      refuse_field (error, path, "capacity_schema_version", NULL, expected);
      return NULL;
    }

  plan = read_plan (root, path, error);
  if (plan == NULL)
    return NULL;
  targets = read_array (root, "targets", path, error);
  steps = targets != NULL ? read_array (root, "steps", path, error) : NULL;
  if (steps == NULL)
    return NULL;
  if (json_array_get_length (targets) != vs_plan_get_n_targets (plan))
    {
      g_autofree char *message = g_strdup_printf (_("%u entries for the plan's %u targets"),
                                                  json_array_get_length (targets),
                                                  vs_plan_get_n_targets (plan));

      refuse_field (error, path, "targets", NULL, message);
      return NULL;
    }
  if (!read_string (root, "engine", json_array_get_length (steps) == 0, &engine, path, "",
                    error))
    return NULL;

  capacity = vs_capacity_new (plan);
  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      g_autofree char *field = g_strdup_printf ("steps[%u]", i);
      JsonObject *object = element_object (steps, i, path, field, error);
      VsCapacityStep *step = object != NULL ? read_step (object, plan, engine, path, field, error)
                                            : NULL;

      if (step == NULL)
        return NULL;
      _vs_capacity_add_step (capacity, step);
    }
  for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
    {
      g_autofree char *field = g_strdup_printf ("targets[%u]", t);
      JsonObject *object = element_object (targets, t, path, field, error);
      VsCapacityResult result;

      if (object == NULL || !read_result (object, capacity, t, path, field, &result, error))
        return NULL;
      _vs_capacity_set_result (capacity, t, &result);
    }
  return g_steal_pointer (&capacity);
}

VsCapacity *
vs_capacity_json_read_file (const char  *path,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  parser = vs_result_data_load_file (path, error);
  if (parser == NULL)
    return NULL;
  return read_search (json_node_get_object (json_parser_get_root (parser)), path, error);
}

gboolean
vs_capacity_json_open_file (const char  *path,
                            VsCapacity **capacity,
                            VsResults  **results,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (capacity != NULL && results != NULL, FALSE);

  *capacity = NULL;
  *results = NULL;
  parser = vs_result_data_load_file (path, error);
  if (parser == NULL)
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (root, "capacity_schema_version"))
    *capacity = read_search (root, path, error);
  else
    *results = _vs_merge_read_parsed (path, parser, error);
  return *capacity != NULL || *results != NULL;
}
