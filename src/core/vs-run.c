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
#include "vs-run.h"
#include "vs-slo.h"

/* How often a request-count job (or one draining after its end) is checked for having finished
 * between ticks. */
#define DONE_POLL_US (5 * 1000)

/* After the end of a run by duration, what is in flight gets the plan's timeout to finish (the
 * engines count a request not answered by then as a timeout) plus this much for them to notice;
 * without a timeout, this long in all. Then the job is expired: what is left counts as timeouts. */
#define DRAIN_GRACE_US (1 * G_USEC_PER_SEC)
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
  gint64        start_us;
  gint64        end_us;
  gboolean      running;

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
      busy = vs_job_collect (job, measured, warmup);

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
          if (last)
            snapshot->first_error = g_strdup (job->first_errors[t]);
          g_ptr_array_add (snapshots, snapshot);
        }

      deliver (self, g_steal_pointer (&snapshots), FALSE, NULL);
      interval_start = now;
    }

  return !stopped;
}

/* Validates the plan (reading body_file), picks the engine and starts the first job, whose
 * prepare resolves the targets' names: on the controller thread when started asynchronously,
 * so that none of it blocks the caller's main loop. */
static gboolean
prepare (VsRun   *self,
         GError **error)
{
  guint n_targets;
  g_autofree guint *first = NULL;

  if (!vs_plan_validate (self->plan, error))
    return FALSE;

  self->engine = vs_engine_new_for_plan (self->plan);

  n_targets = vs_plan_get_n_targets (self->plan);
  first = g_new (guint, n_targets);
  for (guint t = 0; t < n_targets; t++)
    first[t] = t;

  self->first_job = vs_job_new (self->engine, self->plan, first,
                                self->plan->mode == VS_MODE_SEQUENTIAL ? 1 : n_targets, error);
  if (self->first_job == NULL)
    return FALSE;

  if (!vs_job_start (self->first_job, error))
    {
      g_clear_pointer (&self->first_job, vs_job_free);
      return FALSE;
    }

  self->results = vs_results_new (self->plan, vs_engine_get_name (self->engine));
  /* every job of the run (one per target in sequential mode) has the same workers */
  vs_results_set_generator (self->results, self->first_job->n_workers, self->first_job->n_cpus);
  self->start_us = self->first_job->start_us;
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
  guint n_targets = vs_plan_get_n_targets (self->plan);
  g_autofree guint *all = g_new (guint, n_targets);
  GError *error = NULL;
  VsJob *job;
  guint next_target = 1;

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

  for (guint t = 0; t < n_targets; t++)
    all[t] = t;

  while (job != NULL)
    {
      gboolean go_on = drive_job (self, job);

      g_clear_pointer (&job, vs_job_free);

      if (go_on && self->plan->mode == VS_MODE_SEQUENTIAL && next_target < n_targets &&
          !stop_requested (self))
        {
          job = vs_job_new (self->engine, self->plan, &all[next_target++], 1, &error);
          if (job != NULL && !vs_job_start (job, &error))
            g_clear_pointer (&job, vs_job_free);
        }
    }

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
  return phases * (load->warmup_us + load->duration_us) / 1e6;
}

static void
vs_run_finalize (GObject *object)
{
  VsRun *self = VS_RUN (object);

  /* the controller thread holds a reference until "finished", so it is gone by now */
  g_assert (self->thread == NULL);
  g_assert (self->start_task == NULL);
  g_clear_pointer (&self->first_job, vs_job_free);
  g_clear_object (&self->results);
  g_clear_pointer (&self->engine, vs_engine_free);
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
