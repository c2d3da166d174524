/* vs-plan.c: the test plan — defaults, copies, targets, and the names of its enums
 *
 * Checking is in vs-plan-check.c, status rules in vs-status-rule.c, JSON in vs-plan-json.c.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "vs-error.h"
#include "vs-plan-private.h"

const char * const _vs_load_model_names[] = { "closed", "open", NULL };
const char * const _vs_arrival_names[] = { "uniform", "poisson", NULL };
const char * const _vs_mode_names[] = { "parallel", "sequential", "rounds", "capacity",
                                        NULL };
const char * const _vs_engine_names[] = { "auto", "soup", "native", NULL };

/* ---------------------------------------------------------------------------------------- */
/* Targets and plans                                                                        */

VsTarget *
vs_target_new (const char *name,
               const char *url)
{
  VsTarget *self = g_new0 (VsTarget, 1);

  self->name = g_strdup (name);
  self->url = g_strdup (url);
  self->method = g_strdup (DEFAULT_METHOD);
  self->headers = g_new0 (char *, 1);
  self->expect_status = g_strdup (DEFAULT_EXPECT_STATUS);
  self->thresholds = _vs_plan_thresholds_new ();

  return self;
}

VsTarget *
vs_target_copy (const VsTarget *self)
{
  VsTarget *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VsTarget, 1);
  copy->name = g_strdup (self->name);
  copy->url = g_strdup (self->url);
  copy->method = g_strdup (self->method);
  copy->headers = self->headers ? g_strdupv (self->headers) : g_new0 (char *, 1);
  copy->body = g_strdup (self->body);
  copy->body_file = g_strdup (self->body_file);
  copy->expect_status = g_strdup (self->expect_status);
  copy->server = self->server ? vs_server_spec_copy (self->server) : NULL;
  copy->attach = self->attach;
  copy->thresholds = _vs_plan_thresholds_copy (self->thresholds);
  copy->uri = self->uri ? g_uri_ref (self->uri) : NULL;
  copy->body_bytes = self->body_bytes ? g_bytes_ref (self->body_bytes) : NULL;
  copy->request = self->request ? vs_request_ref (self->request) : NULL;
  copy->status_rule = self->status_rule;

  return copy;
}

void
vs_target_free (VsTarget *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->url);
  g_free (self->method);
  g_strfreev (self->headers);
  g_free (self->body);
  g_free (self->body_file);
  g_free (self->expect_status);
  g_clear_pointer (&self->server, vs_server_spec_free);
  g_clear_pointer (&self->thresholds, g_ptr_array_unref);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_clear_pointer (&self->body_bytes, g_bytes_unref);
  g_clear_pointer (&self->request, vs_request_unref);
  g_free (self);
}

VsPlan *
vs_plan_new (void)
{
  VsPlan *self = g_new0 (VsPlan, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->version = VS_PLAN_VERSION;
  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_target_free);
  self->load.model = VS_LOAD_CLOSED;
  self->load.connections = 10;
  self->load.rate = 0;
  self->load.arrival = VS_ARRIVAL_UNIFORM;
  self->load.seed = 1;
  self->load.duration_us = 10 * G_USEC_PER_SEC;
  self->load.requests = 0;
  self->load.warmup_us = 0;
  self->load.timeout_us = 10 * G_USEC_PER_SEC;
  self->load.threads = 0;
  self->load.pipeline = 1;
  self->load.streams = 1;
  self->mode = VS_MODE_PARALLEL;
  self->engine = VS_ENGINE_KIND_AUTO;
  self->tick_us = G_USEC_PER_SEC;
  self->insecure = FALSE;
  self->thresholds = _vs_plan_thresholds_new ();
  self->stages = g_array_new (FALSE, TRUE, sizeof (VsStage));
  self->capacity = _vs_capacity_plan_default;

  return self;
}

VsPlan *
vs_plan_ref (VsPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vs_plan_unref (VsPlan *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_ptr_array_unref (self->targets);
  g_free (self->load.generator_cpus);
  g_strfreev (self->compare.ignore);
  g_ptr_array_unref (self->thresholds);
  g_array_unref (self->stages);
  g_free (self->base_dir);
  g_free (self);
}

VsPlan *
vs_plan_copy (VsPlan *self)
{
  VsPlan *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = vs_plan_new ();
  copy->version = self->version;
  for (guint i = 0; i < self->targets->len; i++)
    vs_plan_add_target (copy, vs_target_copy (g_ptr_array_index (self->targets, i)));
  copy->load = self->load;
  copy->load.generator_cpus = g_strdup (self->load.generator_cpus);
  copy->compare.answers = self->compare.answers;
  copy->compare.ignore = g_strdupv (self->compare.ignore);
  copy->mode = self->mode;
  copy->engine = self->engine;
  copy->tick_us = self->tick_us;
  copy->insecure = self->insecure;
  copy->base_dir = g_strdup (self->base_dir);
  copy->segment_index = self->segment_index;
  copy->segment_count = self->segment_count;
  copy->rounds = self->rounds;
  copy->rounds_seed = self->rounds_seed;
  copy->rounds_seed_set = self->rounds_seed_set;
  g_ptr_array_unref (copy->thresholds);
  copy->thresholds = _vs_plan_thresholds_copy (self->thresholds);
  g_array_append_vals (copy->stages, self->stages->data, self->stages->len);
  copy->capacity = self->capacity;

  return copy;
}

void
vs_plan_add_target (VsPlan   *self,
                    VsTarget *target)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (target != NULL);

  g_ptr_array_add (self->targets, target);
}

guint
vs_plan_get_n_targets (VsPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->targets->len;
}

VsTarget *
vs_plan_get_target (VsPlan *self,
                    guint   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->targets->len, NULL);

  return g_ptr_array_index (self->targets, index);
}

VsPlanProblem *
vs_plan_problem_new (const char *path,
                     const char *message)
{
  VsPlanProblem *problem = g_new0 (VsPlanProblem, 1);

  problem->path = g_strdup (path);
  problem->message = g_strdup (message);
  return problem;
}

void
vs_plan_problem_free (VsPlanProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->path);
  g_free (problem->message);
  g_free (problem);
}

/* ---------------------------------------------------------------------------------------- */
/* Enums                                                                                    */

gboolean
_vs_name_to_enum (const char * const *names,
              const char         *str,
              int                *out)
{
  if (str == NULL)
    return FALSE;

  for (int i = 0; names[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (names[i], str) == 0)
        {
          *out = i;
          return TRUE;
        }
    }

  return FALSE;
}

static const char *
enum_to_name (const char * const *names,
              guint               n_names,
              int                 value)
{
  /* n_names excludes the NULL terminator */
  if (value < 0 || (guint) value >= n_names)
    return NULL;
  return names[value];
}

#define ENUM_TO_STRING(names, value) enum_to_name (names, G_N_ELEMENTS (names) - 1, value)

const char *
vs_load_model_to_string (VsLoadModel model)
{
  return ENUM_TO_STRING (_vs_load_model_names, model);
}

const char *
vs_mode_to_string (VsMode mode)
{
  return ENUM_TO_STRING (_vs_mode_names, mode);
}

const char *
vs_engine_kind_to_string (VsEngineKind kind)
{
  return ENUM_TO_STRING (_vs_engine_names, kind);
}

const char *
vs_arrival_to_string (VsArrival arrival)
{
  return ENUM_TO_STRING (_vs_arrival_names, arrival);
}

gboolean
vs_load_model_from_string (const char  *str,
                           VsLoadModel *out)
{
  int value;

  if (!_vs_name_to_enum (_vs_load_model_names, str, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
vs_mode_from_string (const char *str,
                     VsMode     *out)
{
  int value;

  if (!_vs_name_to_enum (_vs_mode_names, str, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
vs_engine_kind_from_string (const char   *str,
                            VsEngineKind *out)
{
  int value;

  if (!_vs_name_to_enum (_vs_engine_names, str, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
vs_arrival_from_string (const char *str,
                        VsArrival  *out)
{
  int value;

  if (!_vs_name_to_enum (_vs_arrival_names, str, &value))
    return FALSE;
  *out = value;
  return TRUE;
}
