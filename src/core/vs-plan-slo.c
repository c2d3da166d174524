/* vs-plan-slo.c: the plan's thresholds, stages and capacity search — model, checks, resolution
 *
 * JSON is in vs-plan-json.c with the rest of the file format; evaluation in vs-slo.c, the
 * search in vs-capacity.c.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vs-error.h"
#include "vs-format.h"
#include "vs-plan-private.h"
#include "vs-schedule.h"
#include "vs-threshold.h"

const VsCapacityPlan _vs_capacity_plan_default = {
  .start_rate = 100,
  .factor = 2,
  .step_us = 10 * G_USEC_PER_SEC,
  .bisections = 3,
  .max_rate = 1000000,
};

/* The search's limits: a factor below this makes too many steps to be worth it. */
#define MIN_FACTOR 1.05
#define MAX_FACTOR 100
#define MAX_BISECTIONS 20
#define MAX_STAGES 1000

VsPlanThreshold *
vs_plan_threshold_new (const char *expr)
{
  VsPlanThreshold *self = g_new0 (VsPlanThreshold, 1);

  self->expr = g_strdup (expr);
  return self;
}

VsPlanThreshold *
vs_plan_threshold_copy (const VsPlanThreshold *self)
{
  VsPlanThreshold *copy = g_memdup2 (self, sizeof *self);

  copy->expr = g_strdup (self->expr);
  return copy;
}

void
vs_plan_threshold_free (VsPlanThreshold *self)
{
  if (self == NULL)
    return;
  g_free (self->expr);
  g_free (self);
}

GPtrArray *
_vs_plan_thresholds_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) vs_plan_threshold_free);
}

GPtrArray *
_vs_plan_thresholds_copy (GPtrArray *thresholds)
{
  GPtrArray *copy = _vs_plan_thresholds_new ();

  for (guint i = 0; thresholds != NULL && i < thresholds->len; i++)
    g_ptr_array_add (copy, vs_plan_threshold_copy (g_ptr_array_index (thresholds, i)));
  return copy;
}

GPtrArray *
vs_plan_thresholds_for (VsPlan *self,
                        guint   index)
{
  GPtrArray *all = g_ptr_array_new ();
  VsTarget *target;

  g_return_val_if_fail (self != NULL && index < self->targets->len, all);

  target = vs_plan_get_target (self, index);
  for (guint i = 0; i < self->thresholds->len; i++)
    g_ptr_array_add (all, g_ptr_array_index (self->thresholds, i));
  for (guint i = 0; target->thresholds != NULL && i < target->thresholds->len; i++)
    g_ptr_array_add (all, g_ptr_array_index (target->thresholds, i));
  return all;
}

/* ---- stages ----------------------------------------------------------------------------- */

static double
stage_target (const VsStage *stage)
{
  return stage->rate > 0 ? stage->rate : stage->connections;
}

gint64
vs_plan_stages_length (VsPlan *self)
{
  gint64 total = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->stages->len; i++)
    {
      const VsStage *stage = &g_array_index (self->stages, VsStage, i);

      total += stage->ramp_us + stage->duration_us;
    }
  return total;
}

double
vs_plan_stage_level (VsPlan *self,
                     gint64  t_us)
{
  double from = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->stages->len; i++)
    {
      const VsStage *stage = &g_array_index (self->stages, VsStage, i);
      double to = stage_target (stage);

      if (t_us < stage->ramp_us)
        return from + (to - from) * t_us / stage->ramp_us;
      t_us -= stage->ramp_us;
      if (t_us < stage->duration_us)
        return to;
      t_us -= stage->duration_us;
      from = to;
    }
  /* after the last stage nothing more is planned */
  return 0;
}

double
vs_plan_planned_load (VsPlan   *self,
                      double    start_s,
                      double    end_s,
                      gboolean *open)
{
  const VsStage *stages;
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  *open = self->load.model == VS_LOAD_OPEN;
  if (self->stages->len == 0)
    return *open ? self->load.rate : self->load.connections;

  stages = (const VsStage *) self->stages->data;
  n = self->stages->len;
  if (!(end_s > start_s))
    return vs_plan_stage_level (self, (gint64) (start_s * G_USEC_PER_SEC));
  if (*open)
    return (vs_schedule_stages_units (stages, n, end_s * G_USEC_PER_SEC) -
            vs_schedule_stages_units (stages, n, start_s * G_USEC_PER_SEC)) / (end_s - start_s);
  /* connections are a level, not a rate: the level halfway (exact within one ramp or hold) */
  return vs_plan_stage_level (self, (gint64) ((start_s + end_s) / 2 * G_USEC_PER_SEC));
}

/* ---- checks ----------------------------------------------------------------------------- */

static void
problem (GPtrArray  *problems,
         const char *path,
         char       *message)  /* taken */
{
  g_ptr_array_add (problems, vs_plan_problem_new (path, message));
  g_free (message);
}

static void
check_thresholds (GPtrArray  *thresholds,
                  const char *prefix,
                  GPtrArray  *problems)
{
  for (guint i = 0; thresholds != NULL && i < thresholds->len; i++)
    {
      const VsPlanThreshold *threshold = g_ptr_array_index (thresholds, i);
      g_autofree char *path = g_strdup_printf ("%sthresholds[%u]", prefix, i);
      g_autoptr(VsThreshold) parsed = NULL;
      g_autoptr(GError) error = NULL;

      parsed = vs_threshold_parse (threshold->expr ? threshold->expr : "", path, &error);
      if (parsed == NULL)
        {
          /* the message is "path: what": keep the path apart, as every problem does */
          const char *message = error->message;

          if (g_str_has_prefix (message, path) && message[strlen (path)] == ':')
            message += strlen (path) + 2;
          problem (problems, path, g_strdup (message));
        }
      if (threshold->grace_us < 0 || threshold->grace_us > MAX_DURATION_US)
        {
          g_autofree char *grace = g_strconcat (path, ".grace", NULL);

          problem (problems, grace, g_strdup (_("must be from 0 to 30 days")));
        }
    }
}

static void
check_stages (VsPlan    *self,
              GPtrArray *problems)
{
  const VsLoad *load = &self->load;
  gboolean open = FALSE, closed = FALSE;
  gint64 total;

  if (self->stages->len == 0)
    return;
  if (self->stages->len > MAX_STAGES)
    {
      problem (problems, "load.stages", g_strdup_printf (_("more than %d stages"), MAX_STAGES));
      return;
    }

  for (guint i = 0; i < self->stages->len; i++)
    {
      const VsStage *stage = &g_array_index (self->stages, VsStage, i);
      g_autofree char *path = g_strdup_printf ("load.stages[%u]", i);

      if ((stage->rate > 0) == (stage->connections > 0))
        problem (problems, path,
                 g_strdup (_("give either a rate (open model) or connections (closed "
                             "model), e.g. {\"duration\": \"30s\", \"rate\": 1000}")));
      else if (stage->rate > 0 && (!isfinite (stage->rate) || stage->rate < MIN_RATE ||
                                   stage->rate > MAX_RATE))
        problem (problems, path,
                 g_strdup (_("rate out of range; use 0.001 to 10000000 requests/s")));
      else if (stage->connections > MAX_CONNECTIONS)
        problem (problems, path, g_strdup_printf (_("connections out of range; use 1 to %u"),
                                                  MAX_CONNECTIONS));
      open |= stage->rate > 0;
      closed |= stage->connections > 0;
      if (stage->ramp_us < 0 || stage->duration_us < 0 || stage->ramp_us > MAX_DURATION_US ||
          stage->duration_us > MAX_DURATION_US)
        problem (problems, path, g_strdup (_("ramp and duration must be from 0 to 30 days")));
      else if (stage->ramp_us + stage->duration_us == 0)
        problem (problems, path, g_strdup (_("give the stage a duration or a ramp")));
    }

  if (open && closed)
    {
      problem (problems, "load.stages",
               g_strdup (_("every stage gives a rate (open model) or every stage gives "
                           "connections (closed model), not some of each")));
      return;
    }
  if ((open && load->model != VS_LOAD_OPEN) || (closed && load->model != VS_LOAD_CLOSED))
    problem (problems, "load.model",
             g_strdup_printf (_("the stages are for the %s model"), open ? "open" : "closed"));

  total = vs_plan_stages_length (self);
  if (total > MAX_DURATION_US)
    problem (problems, "load.stages", g_strdup (_("longer than 30 days, the limit")));
  else if (load->warmup_us >= total)
    problem (problems, "load.warmup",
             g_strdup (_("the stages include the warm-up, which must end before they do")));
  if (load->requests > 0)
    problem (problems, "load.requests",
             g_strdup (_("the stages set the length of the run; remove the request count")));
  else if (load->duration_us != 0 && load->duration_us != total - load->warmup_us)
    problem (problems, "load.duration",
             g_strdup (_("the stages set the length of the run; remove the duration")));
  if (self->mode == VS_MODE_CAPACITY)
    problem (problems, "load.stages",
             g_strdup (_("a capacity search sets the rate itself; remove the stages")));
}

static void
check_capacity (VsPlan    *self,
                GPtrArray *problems)
{
  const VsCapacityPlan *capacity = &self->capacity;
  gboolean any = self->thresholds->len > 0;

  if (!isfinite (capacity->start_rate) || capacity->start_rate < MIN_RATE ||
      capacity->start_rate > MAX_RATE)
    problem (problems, "capacity.start",
             g_strdup (_("out of range; use 0.001 to 10000000 requests/s")));
  if (!isfinite (capacity->max_rate) || capacity->max_rate < capacity->start_rate ||
      capacity->max_rate > MAX_RATE)
    problem (problems, "capacity.max",
             g_strdup (_("out of range; use the start rate to 10000000 requests/s")));
  if (!isfinite (capacity->factor) || capacity->factor < MIN_FACTOR ||
      capacity->factor > MAX_FACTOR)
    problem (problems, "capacity.factor", g_strdup (_("out of range; use 1.05 to 100")));
  if (capacity->step_us <= 0 || capacity->step_us > MAX_DURATION_US)
    problem (problems, "capacity.step", g_strdup (_("must be longer than 0 and at most 30 days")));
  if (capacity->bisections > MAX_BISECTIONS)
    problem (problems, "capacity.bisections",
             g_strdup_printf (_("at most %d"), MAX_BISECTIONS));

  if (self->mode != VS_MODE_CAPACITY)
    return;
  for (guint i = 0; i < self->targets->len; i++)
    {
      VsTarget *target = g_ptr_array_index (self->targets, i);

      any |= target->thresholds != NULL && target->thresholds->len > 0;
      /* each step is a run of its own: a managed server would be started and stopped per
       * step, and warm up anew each time */
      if (target->server != NULL)
        {
          g_autofree char *path = g_strdup_printf ("targets[%u].server", i);

          problem (problems, path,
                   g_strdup (_("a capacity search does not start servers (each of its steps "
                               "is a run of its own); start the server yourself and give its "
                               "PID as attach")));
        }
    }
  if (!any)
    problem (problems, "thresholds",
             g_strdup (_("a capacity search needs at least one threshold to keep, e.g. "
                         "“p99 < 50ms”")));
}

void
_vs_plan_check_slo (VsPlan    *self,
                    GPtrArray *problems)
{
  check_thresholds (self->thresholds, "", problems);
  for (guint i = 0; i < self->targets->len; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("targets[%u].", i);
      VsTarget *target = g_ptr_array_index (self->targets, i);

      check_thresholds (target->thresholds, prefix, problems);
    }
  check_stages (self, problems);
  check_capacity (self, problems);
}

void
_vs_plan_resolve_stages (VsPlan *self)
{
  VsLoad *load = &self->load;
  double highest = 0;
  guint most = 0;

  if (self->stages->len == 0)
    return;

  load->duration_us = vs_plan_stages_length (self) - load->warmup_us;
  for (guint i = 0; i < self->stages->len; i++)
    {
      most = MAX (most, g_array_index (self->stages, VsStage, i).connections);
      highest = MAX (highest, g_array_index (self->stages, VsStage, i).rate);
    }
  /* open model: the rate shown is the highest the stages reach */
  if (load->model == VS_LOAD_OPEN)
    load->rate = highest;
  /* closed model: every connection the stages may need is opened; the workers keep the
   * planned number of them busy */
  if (load->model == VS_LOAD_CLOSED)
    load->connections = most;
}
