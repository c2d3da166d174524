/* vs-run.c: the run controller
 *
 * A controller thread keeps the clock so that the window's main loop never has to: it starts a
 * job per loading phase, sleeps to each tick boundary (with a forced boundary where warm-up ends,
 * so no interval straddles it), collects the workers' shards and sends the merged snapshots to
 * the main context. VsResults is only touched there.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "vs-engine.h"
#include "vs-error.h"
#include "vs-job.h"
#include "vs-rounds.h"
#include "vs-run.h"
#include "vs-server-set.h"
#include "vs-slo.h"

/* How often a request-count job (or one draining after its end) is checked for having finished
 * between ticks. */
#define DONE_POLL_US (5 * 1000)

/* After the end of a run by duration, what is in flight gets the plan's timeout to finish (the
 * engines count a request not answered by then as a timeout) plus this much for their timers to
 * fire first; without a timeout, this long in all. Then the job is expired: what is still in
 * flight has been for the timeout or longer and counts as a timeout. */
#define DRAIN_GRACE_US (100 * G_TIME_SPAN_MILLISECOND)
#define DRAIN_NO_TIMEOUT_US (10 * G_USEC_PER_SEC)

struct _VsRun
{
  GObject       parent_instance;

  VsPlan       *plan;
  VsEngine     *engine;
  VsResults    *results;
  GMainContext *context;
  GThread      *thread;
  VsJob        *first_job;     /* made by prepare, so that its errors reach the caller */
  GTask        *start_task;    /* vs_run_start_async(): prepared on the controller thread */
  GError       *error;         /* what stopped the run, if anything went wrong midway */
  VsServerSet  *servers;       /* the targets' managed and attached servers */
  GCancellable *cancellable;   /* vs_run_stop(): ends a server start that waits for ready */
  guint         next_target;   /* the first target no job has taken yet */
  gboolean      allow_commands;
  gint64        start_us;
  gint64        end_us;
  gboolean      running;

  /* mode rounds: the trials in order, n_rounds × n_targets plan indices */
  guint        *trials;
  guint         n_trials;
  guint         trial;         /* the one being driven */
  guint         next_trial;    /* the first not started yet */
  guint64       rounds_seed;

  GMutex        lock;
  GCond         cond;
  gboolean      stop_requested;
};

enum { SIGNAL_TICK, SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VsRun, vs_run, G_TYPE_OBJECT)

typedef struct
{
  VsRun     *run;
  GPtrArray *snapshots;  /* VsSnapshot* */
  gboolean   finished;
  GError    *error;
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *delivery = data;

  g_clear_pointer (&delivery->snapshots, g_ptr_array_unref);
  g_clear_error (&delivery->error);
  g_object_unref (delivery->run);
  g_free (delivery);
}

static gboolean
deliver_cb (gpointer data)
{
  Delivery *delivery = data;
  VsRun *self = delivery->run;

  if (delivery->snapshots != NULL)
    {
      for (guint i = 0; i < delivery->snapshots->len; i++)
        vs_results_add_snapshot (self->results, g_ptr_array_index (delivery->snapshots, i));
      g_signal_emit (self, signals[SIGNAL_TICK], 0);
    }

  if (delivery->finished)
    {
      g_clear_pointer (&self->thread, g_thread_join);
      self->end_us = g_get_monotonic_time ();
      self->running = FALSE;
      if (delivery->error != NULL && self->error == NULL)
        self->error = g_steal_pointer (&delivery->error);
      /* mode rounds: a target whose later trials a stop or an error cut off is done too */
      if (self->trials != NULL)
        vs_results_end (self->results);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
      /* the controller thread's reference; the delivery still holds one of its own */
      g_object_unref (self);
    }

  return G_SOURCE_REMOVE;
}

static void
deliver (VsRun     *self,
         GPtrArray *snapshots,
         gboolean   finished,
         GError    *error)
{
  Delivery *delivery = g_new0 (Delivery, 1);
  GSource *source;

  delivery->run = g_object_ref (self);
  delivery->snapshots = snapshots;
  delivery->finished = finished;
  delivery->error = error;
  /* Never g_main_context_invoke(): when no thread owns the context at that moment it would
   * run deliver_cb right here, on the controller thread. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_cb, delivery, delivery_free);
  g_source_set_static_name (source, "[versus] run delivery");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Sleeps until deadline_us or a stop request; TRUE when stop was requested. */
static gboolean
wait_until (VsRun  *self,
            gint64  deadline_us)
{
  gboolean stop;

  g_mutex_lock (&self->lock);
  while (!self->stop_requested && g_get_monotonic_time () < deadline_us)
    g_cond_wait_until (&self->cond, &self->lock, deadline_us);
  stop = self->stop_requested;
  g_mutex_unlock (&self->lock);

  return stop;
}

static gboolean
stop_requested (VsRun *self)
{
  gboolean stop;

  g_mutex_lock (&self->lock);
  stop = self->stop_requested;
  g_mutex_unlock (&self->lock);

  return stop;
}

/* ---- mode rounds ------------------------------------------------------------------------ */

/* The round (1 … K) of the trial being driven; 0 outside mode rounds. */
static guint
rounds_current (VsRun *self)
{
  if (self->trials == NULL)
    return 0;
  return self->trial / vs_plan_get_n_targets (self->plan) + 1;
}

/* Draws the order of every trial (from the plan's seed, or a fresh one). */
static void
rounds_prepare (VsRun *self)
{
  guint n_targets = vs_plan_get_n_targets (self->plan);

  self->rounds_seed = self->plan->rounds_seed_set ? self->plan->rounds_seed
                                                  : vs_rounds_fresh_seed ();
  self->trials = vs_rounds_order (self->rounds_seed, self->plan->rounds, n_targets);
  self->n_trials = self->plan->rounds * n_targets;
  self->trial = 0;
  self->next_trial = 0;
}

/* ---------------------------------------------------------------------------------------- */

/* Ticks one started job until its duration is over, its request budgets are spent, or a stop
 * is requested. Returns FALSE when the run was stopped. */
static gboolean
drive_job (VsRun *self,
           VsJob *job)
{
  const VsLoad *load = &self->plan->load;
  gint64 measure_end = job->measure_end_us;
  gint64 drain_end = measure_end + (load->timeout_us > 0 ? load->timeout_us + DRAIN_GRACE_US
                                                         : DRAIN_NO_TIMEOUT_US);
  gint64 interval_start = job->start_us;
  gboolean stopped = FALSE;
  gboolean last = FALSE;
  /* measured-phase requests that ended in a warm-up tick (the collect comes a little after the
   * boundary): they go with the first measured tick, so that its rows hold them */
  g_autofree VsStats **carried = g_new0 (VsStats *, job->n_targets);
  g_autofree VsProcSample *samples = g_new0 (VsProcSample, job->n_targets);
  g_autofree gboolean *sampled = g_new0 (gboolean, job->n_targets);

  while (!last)
    {
      g_autoptr(GPtrArray) snapshots =
        g_ptr_array_new_with_free_func ((GDestroyNotify) vs_snapshot_free);
      g_autofree VsStats **measured = g_new0 (VsStats *, job->n_targets);
      g_autofree VsStats **warmup = g_new0 (VsStats *, job->n_targets);
      gint64 boundary = interval_start + self->plan->tick_us;
      VsPhase phase = interval_start < job->warmup_end_us ? VS_PHASE_WARMUP : VS_PHASE_MEASURE;
      /* after the end of a run by duration: only draining what is in flight */
      gboolean draining = measure_end != 0 && interval_start >= measure_end;
      gboolean expired = FALSE;
      gint64 now;
      double busy;

      if (phase == VS_PHASE_WARMUP)
        boundary = MIN (boundary, job->warmup_end_us);
      if (measure_end != 0)
        boundary = MIN (boundary, draining ? drain_end : measure_end);

      /* a request-count job ends when its workers do, so look between ticks; so does a drain */
      for (;;)
        {
          gint64 wake = measure_end != 0 && !draining
                          ? boundary : MIN (boundary, g_get_monotonic_time () + DONE_POLL_US);

          if ((stopped = wait_until (self, wake)))
            break;
          if (g_get_monotonic_time () >= boundary ||
              ((measure_end == 0 || draining) && vs_job_is_done (job)))
            break;
        }

      now = g_get_monotonic_time ();
      expired = draining && now >= drain_end;
      last = stopped || vs_job_is_done (job) || expired;
      if (expired && !stopped)
        vs_job_expire (job);
      else if (last)
        vs_job_stop (job);
      /* the last tick holds what the workers recorded until they settled, which may take a
       * soup worker a while after the stop: it ends there, beside the servers' last sample */
      if (last)
        now = g_get_monotonic_time ();
      busy = vs_job_collect (job, measured, warmup);
      /* the servers' cost on the same tick as the load it served */
      vs_server_set_sample (self->servers, job->plan_indices, job->n_targets, samples, sampled);

      for (guint t = 0; t < job->n_targets; t++)
        {
          VsStats *ended = warmup[t];
          VsSnapshot *snapshot;

          if (carried[t] != NULL)
            {
              vs_stats_merge (measured[t], carried[t]);
              g_clear_pointer (&carried[t], vs_stats_free);
            }
          if (phase == VS_PHASE_WARMUP && !last)
            {
              /* keep them for the next tick; this one holds warm-up alone */
              carried[t] = g_steal_pointer (&measured[t]);
              measured[t] = vs_stats_new ();
            }
          else
            {
              vs_stats_merge (ended, measured[t]);
            }
          snapshot = vs_snapshot_new (job->plan_indices[t], phase,
                                      (interval_start - job->start_us) / 1e6,
                                      (now - job->start_us) / 1e6, ended);
          snapshot->measured = measured[t];
          snapshot->draining = draining;
          snapshot->generator_busy = busy;
          snapshot->last = last;
          snapshot->server_sampled = sampled[t];
          snapshot->server = samples[t];
          snapshot->stopped = last && stopped;
          snapshot->round = rounds_current (self);
          if (last)
            snapshot->first_error = g_strdup (job->first_errors[t]);
          g_ptr_array_add (snapshots, snapshot);
        }

      deliver (self, g_steal_pointer (&snapshots), FALSE, NULL);
      interval_start = now;
    }

  return !stopped;
}

/* A job for these targets, whose servers are ready, started; NULL with the reason. */
static VsJob *
start_job (VsRun        *self,
           const guint  *targets,
           guint         n_targets,
           GError      **error)
{
  VsJob *job = vs_job_new (self->engine, self->plan, targets, n_targets, error);

  if (job != NULL)
    {
      g_autofree VsProcSample *samples = g_new0 (VsProcSample, n_targets);
      g_autofree gboolean *sampled = g_new0 (gboolean, n_targets);

      /* the baseline: the first tick's sample covers the first tick only */
      vs_server_set_sample (self->servers, targets, n_targets, samples, sampled);
      if (!vs_job_start (job, error))
        g_clear_pointer (&job, vs_job_free);
    }
  return job;
}

/* Do they answer alike? The same request once to each, before any load. */
static void
check_answers (VsRun       *self,
               const guint *ready,
               guint        n_ready)
{
  if (self->plan->compare.answers && vs_plan_get_n_targets (self->plan) > 1)
    vs_server_set_check_answers (self->servers, self->plan, ready, n_ready, self->cancellable);
}

/* Mode rounds: every server is started (and the answers compared) before the first trial, and
 * runs until the last; then each trial in its turn. A target whose server failed has no trials.
 * NULL after the last trial, when the run was stopped, or with an error. */
static VsJob *
rounds_next_job (VsRun   *self,
                 GError **error)
{
  guint n_targets = vs_plan_get_n_targets (self->plan);

  if (self->next_trial == 0)
    {
      g_autofree guint *all = g_new (guint, n_targets);
      g_autofree guint *ready = g_new (guint, n_targets);
      guint n_ready = 0;

      for (guint t = 0; t < n_targets; t++)
        all[t] = t;
      vs_server_set_start (self->servers, all, n_targets, self->cancellable);
      for (guint t = 0; t < n_targets; t++)
        if (vs_server_set_is_ready (self->servers, t))
          ready[n_ready++] = t;
      if (n_ready > 0 && !stop_requested (self))
        check_answers (self, ready, n_ready);
    }

  while (self->next_trial < self->n_trials && !stop_requested (self))
    {
      self->trial = self->next_trial++;
      if (vs_server_set_is_ready (self->servers, self->trials[self->trial]))
        return start_job (self, &self->trials[self->trial], 1, error);
    }
  return NULL;
}

/* The next phase: the targets no job has taken yet (all of them in parallel mode, the next one
 * in sequential mode) get their servers started and waited for; those whose server failed are
 * left out (their target fails, the rest go on), and a job for the others is started. NULL
 * when no target is left, or the run was stopped (no error), or with an error when a job
 * could not start. */
static VsJob *
next_job (VsRun   *self,
          GError **error)
{
  guint n_targets = vs_plan_get_n_targets (self->plan);
  g_autofree guint *ready = g_new (guint, n_targets);

  if (self->trials != NULL)
    return rounds_next_job (self, error);

  while (self->next_target < n_targets && !stop_requested (self))
    {
      guint first = self->next_target;
      guint count = self->plan->mode == VS_MODE_SEQUENTIAL ? 1 : n_targets - first;
      g_autofree guint *phase = g_new (guint, count);
      guint n_ready = 0;
      VsJob *job;

      for (guint i = 0; i < count; i++)
        phase[i] = first + i;
      self->next_target += count;

      vs_server_set_start (self->servers, phase, count, self->cancellable);
      for (guint i = 0; i < count; i++)
        if (vs_server_set_is_ready (self->servers, phase[i]))
          ready[n_ready++] = phase[i];
      if (n_ready == 0 || stop_requested (self))
        {
          vs_server_set_stop (self->servers, phase, count);
          continue;
        }

      check_answers (self, ready, n_ready);

      job = start_job (self, ready, n_ready, error);
      if (job == NULL)
        vs_server_set_stop (self->servers, phase, count);
      return job;
    }

  return NULL;
}

/* Validates the plan (reading body_file), picks the engine, starts the first phase's servers
 * and its job, whose prepare resolves the targets' names: on the controller thread when
 * started asynchronously, so that none of it blocks the caller's main loop. */
static gboolean
prepare (VsRun   *self,
         GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!vs_plan_validate (self->plan, error))
    return FALSE;
  if (vs_plan_has_commands (self->plan) && !self->allow_commands)
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_INVALID,
                           _("the plan starts servers, and nobody has agreed to their commands "
                             "yet"));
      return FALSE;
    }

  self->engine = vs_engine_new_for_plan (self->plan);
  self->servers = vs_server_set_new (self->plan);

  if (self->plan->mode == VS_MODE_ROUNDS)
    rounds_prepare (self);
  self->first_job = next_job (self, &local_error);
  if (local_error != NULL)
    {
      vs_server_set_stop_all (self->servers);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  self->results = vs_results_new (self->plan, vs_engine_get_name (self->engine));
  vs_results_set_servers (self->results, self->servers);
  if (self->trials != NULL)
    vs_results_set_rounds (self->results, self->rounds_seed, self->plan->rounds, self->trials);
  /* every job of the run (one per target in sequential mode) has the same workers */
  if (self->first_job != NULL)
    {
      vs_results_set_generator (self->results, self->first_job->n_workers,
                                self->first_job->n_cpus);
      self->start_us = self->first_job->start_us;
    }
  else
    self->start_us = g_get_monotonic_time ();
  return TRUE;
}

typedef struct
{
  VsRun  *run;
  GError *error;  /* NULL: prepared, the run goes on */
} Started;

/* In the caller's main context: the asynchronous start is over, one way or the other. */
static gboolean
started_cb (gpointer data)
{
  Started *started = data;
  VsRun *self = started->run;
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  if (started->error != NULL)
    {
      /* the controller thread has ended, or is about to: nothing follows, no "finished" */
      g_clear_pointer (&self->thread, g_thread_join);
      self->running = FALSE;
      g_task_return_error (task, g_steal_pointer (&started->error));
      /* the controller thread's reference */
      g_object_unref (self);
    }
  else
    g_task_return_boolean (task, TRUE);

  return G_SOURCE_REMOVE;
}

static void
started_free (gpointer data)
{
  Started *started = data;

  g_clear_error (&started->error);
  g_object_unref (started->run);
  g_free (started);
}

static void
deliver_started (VsRun  *self,
                 GError *error)
{
  Started *started = g_new0 (Started, 1);
  GSource *source = g_idle_source_new ();

  started->run = g_object_ref (self);
  started->error = error;
  /* attached before any tick's delivery, at the same priority: dispatched first */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, started_cb, started, started_free);
  g_source_set_static_name (source, "[versus] run started");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static gpointer
controller_thread (gpointer data)
{
  VsRun *self = data;
  GError *error = NULL;
  VsJob *job;

  if (self->start_task != NULL)
    {
      if (!prepare (self, &error))
        {
          deliver_started (self, error);
          return NULL;
        }
      deliver_started (self, NULL);
    }
  job = g_steal_pointer (&self->first_job);

  while (job != NULL)
    {
      gboolean go_on = drive_job (self, job);

      /* sequential mode: a target's server runs for its own load only */
      if (self->plan->mode == VS_MODE_SEQUENTIAL)
        vs_server_set_stop (self->servers, job->plan_indices, job->n_targets);
      /* its figures are final and delivered (drive_job() collected after the workers settled):
       * closing thousands of connections goes on beside the report, and the next job
       * waits for it */
      g_clear_pointer (&job, vs_job_retire);

      if (go_on && self->plan->mode != VS_MODE_PARALLEL)
        job = next_job (self, &error);
    }

  /* whatever ended the run: nothing it started is left running */
  vs_server_set_stop_all (self->servers);
  deliver (self, NULL, TRUE, error);
  return NULL;
}

gboolean
vs_run_start (VsRun   *self,
              GError **error)
{
  g_return_val_if_fail (VS_IS_RUN (self), FALSE);
  g_return_val_if_fail (self->thread == NULL && self->results == NULL, FALSE);

  if (!prepare (self, error))
    return FALSE;

  self->context = g_main_context_ref_thread_default ();
  self->running = TRUE;
  /* the controller's reference keeps the run alive until "finished" is delivered */
  self->thread = g_thread_new ("vs-controller", controller_thread, g_object_ref (self));

  return TRUE;
}

void
vs_run_start_async (VsRun               *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_return_if_fail (VS_IS_RUN (self));
  g_return_if_fail (self->thread == NULL && self->results == NULL && self->start_task == NULL);

  self->start_task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->start_task, vs_run_start_async);
  /* a run once started is ended with vs_run_stop(); a cancelled start is not half a result */
  g_task_set_check_cancellable (self->start_task, FALSE);
  self->context = g_main_context_ref_thread_default ();
  /* running from now on, so that it can be stopped (and is not started twice) while it
   * prepares */
  self->running = TRUE;
  self->thread = g_thread_new ("vs-controller", controller_thread, g_object_ref (self));
}

gboolean
vs_run_start_finish (VsRun         *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vs_run_stop (VsRun *self)
{
  g_return_if_fail (VS_IS_RUN (self));

  g_mutex_lock (&self->lock);
  self->stop_requested = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_cancellable_cancel (self->cancellable);
}

void
vs_run_wait_teardowns (void)
{
  vs_job_wait_retired ();
}

void
vs_run_set_exit_after (gboolean exit_after)
{
  vs_job_set_retire_at_exit (exit_after);
}

gboolean
vs_run_is_running (VsRun *self)
{
  g_return_val_if_fail (VS_IS_RUN (self), FALSE);

  return self->running;
}

VsPlan *
vs_run_get_plan (VsRun *self)
{
  g_return_val_if_fail (VS_IS_RUN (self), NULL);

  return self->plan;
}

VsResults *
vs_run_get_results (VsRun *self)
{
  g_return_val_if_fail (VS_IS_RUN (self), NULL);

  /* the controller thread is still making them */
  if (self->start_task != NULL)
    return NULL;
  return self->results;
}

VsServerSet *
vs_run_get_servers (VsRun *self)
{
  g_return_val_if_fail (VS_IS_RUN (self), NULL);

  if (self->start_task != NULL)
    return NULL;
  return self->servers;
}

const char *
vs_run_get_engine (VsRun *self)
{
  g_return_val_if_fail (VS_IS_RUN (self), NULL);

  if (self->start_task != NULL)
    return NULL;
  return self->engine ? vs_engine_get_name (self->engine) : NULL;
}

const GError *
vs_run_get_error (VsRun *self)
{
  g_return_val_if_fail (VS_IS_RUN (self), NULL);

  return self->error;
}

double
vs_run_get_elapsed (VsRun *self)
{
  g_return_val_if_fail (VS_IS_RUN (self), 0);

  if (self->start_task != NULL || self->start_us == 0)
    return 0;

  return ((self->running ? g_get_monotonic_time () : self->end_us) - self->start_us) / 1e6;
}

double
vs_run_get_planned (VsRun *self)
{
  const VsLoad *load;
  guint phases;

  g_return_val_if_fail (VS_IS_RUN (self), 0);

  load = &self->plan->load;
  if (load->duration_us == 0)
    return 0;

  phases = self->plan->mode == VS_MODE_SEQUENTIAL ? vs_plan_get_n_targets (self->plan) : 1;
  if (self->plan->mode == VS_MODE_ROUNDS)
    phases = vs_plan_get_n_targets (self->plan) * self->plan->rounds;
  return phases * (load->warmup_us + load->duration_us) / 1e6;
}

static void
vs_run_finalize (GObject *object)
{
  VsRun *self = VS_RUN (object);

  /* the controller thread holds a reference until "finished", so it is gone by now; a job it
   * retired may still be tearing down, on references of its own */
  g_assert (self->thread == NULL);
  g_assert (self->start_task == NULL);
  g_clear_pointer (&self->first_job, vs_job_free);
  g_clear_pointer (&self->trials, g_free);
  g_clear_object (&self->results);
  g_clear_pointer (&self->engine, vs_engine_free);
  g_clear_object (&self->servers);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->plan, vs_plan_unref);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (vs_run_parent_class)->finalize (object);
}

static void
vs_run_class_init (VsRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_run_finalize;

  /* A tick's snapshots are in the results. */
  signals[SIGNAL_TICK] =
    g_signal_new ("tick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The run is over (done, stopped, or failed: see vs_run_get_error()). */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vs_run_init (VsRun *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->cancellable = g_cancellable_new ();
}

void
vs_run_set_allow_commands (VsRun    *self,
                           gboolean  allow)
{
  g_return_if_fail (VS_IS_RUN (self));

  self->allow_commands = allow;
}

VsRun *
vs_run_new (VsPlan *plan)
{
  VsRun *self;

  g_return_val_if_fail (plan != NULL, NULL);

  self = g_object_new (VS_TYPE_RUN, NULL);
  self->plan = vs_plan_ref (plan);
  vs_slo_watch (self);
  return self;
}
