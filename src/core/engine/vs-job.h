/* vs-job.h: one engine loading a set of targets with worker threads
 *
 * The run controller makes a job per phase of loading (all targets in parallel mode, one target
 * at a time in sequential mode). The job splits each target's connections, rate and request
 * count over the workers, starts one thread per worker, and collects what they recorded.
 *
 * Recording is lock-free: each worker writes into one of two VsStats per target. To collect,
 * the controller bumps the job's epoch and wakes the workers; a worker that sees the new epoch
 * switches to the other buffer and acknowledges; the controller then merges and clears the
 * buffer the worker left. Workers call vs_worker_sync() from their loops to take part.
 */
#pragma once

#include "vs-engine.h"
#include "vs-schedule.h"
#include "vs-stats.h"

G_BEGIN_DECLS

/* After a failed connect (or TLS handshake) a closed-model connection waits this long before
 * trying again, in both engines: a refused port then yields about a thousand errors per
 * connection-second instead of a hot loop that starves the worker's other targets and its sync
 * with the controller. Open-model sends follow the schedule and need no back-off. */
#define VS_CONNECT_BACKOFF_US 1000

typedef struct
{
  const VsTarget *target;
  guint           index;        /* in the job (the plan index is job->plan_indices[index]) */
  guint           connections;  /* this worker's share; 0: the worker leaves this target alone */
  guint64         budget;       /* this worker's share of the request count; G_MAXUINT64: no
                                 * limit (0 is a real share: nothing to send after warm-up) */
  guint64         issued;       /* sends after warm-up, counted against the budget */
  VsSchedule      schedule;     /* open model */
  VsStats        *stats[2];     /* requests meant to leave in the measured phase */
  VsStats        *warmup[2];    /* requests meant to leave during warm-up; NULL without one */
} VsWorkerTarget;

struct _VsWorker
{
  guint           index;
  guint           n_targets;
  VsWorkerTarget *targets;
  int             epoch;        /* which stats buffer this worker writes; worker-only */
  int             seen;         /* atomic: the last epoch this worker acknowledged */
  int             done;         /* atomic: run_worker returned */
  gint64          runnable_us;  /* vs_thread_runnable_us() when it last acknowledged an epoch */
  gint64          runnable_seen_us; /* controller-only: runnable_us at the previous collect */
  gpointer        engine_data;  /* the engine's, from prepare to release */
  GThread        *thread;
};

struct _VsJob
{
  VsEngine       *engine;
  VsPlan         *plan;
  guint           n_targets;
  guint          *plan_indices;
  guint           n_workers;
  guint           n_cpus;         /* the CPUs the process may run on, when the job was made */
  VsWorker       *workers;
  gint64          start_us;       /* monotonic time the workers were started */
  gint64          warmup_end_us;  /* monotonic time the measured phase starts */
  gint64          collected_us;   /* controller-only: monotonic time of the previous collect */
  int             epoch;          /* atomic, written by the controller */
  int             stop;           /* atomic */
  char          **first_errors;   /* per target, set once */
  gboolean        released;       /* the engine's release ran */
};

/* The CPUs this process may run on (its affinity mask, which taskset and container cpusets
 * narrow), at least 1: the default number of workers. */
guint     vs_job_available_cpus (void);
/* n_targets plan indices; the plan must be validated. Checks the open-files limit (raising the
 * soft limit as far as allowed) against the connections asked for. */
VsJob    *vs_job_new          (VsEngine    *engine,
                               VsPlan      *plan,
                               const guint *plan_indices,
                               guint        n_targets,
                               GError     **error);
/* engine prepare, then one thread per worker. */
gboolean  vs_job_start        (VsJob       *self,
                               GError     **error);
/* Merges what the workers recorded since the last collect into measured[i] and warmup[i] (fresh
 * VsStats per job target, owned by the caller): a request belongs to the phase its intended send
 * time falls in, whenever it completes. Returns how busy the busiest worker thread was since the
 * last collect (time runnable over wall time, 0…1): near 1, the generator and not the server
 * set the pace. */
double    vs_job_collect      (VsJob       *self,
                               VsStats    **measured,
                               VsStats    **warmup);
/* TRUE when every worker has returned by itself (request budgets spent). */
gboolean  vs_job_is_done      (VsJob       *self);
/* Stops the workers and waits for them; in-flight requests are abandoned uncounted. */
void      vs_job_stop         (VsJob       *self);
void      vs_job_free         (VsJob       *self);

/* From the workers: the first transport error message of a target is kept for the report. */
void      vs_job_note_error   (VsJob       *self,
                               guint        target,
                               const char  *message);

static inline gboolean
vs_job_should_stop (VsJob *job)
{
  return g_atomic_int_get (&job->stop);
}

/* The calling thread's time on a CPU or waiting in the run queue for one: a worker that is
 * never waiting for the network is saturated, whether it computes or is starved of CPU by
 * other processes. Falls back to CPU time where the kernel keeps no schedstat. */
gint64    vs_thread_runnable_us (void);

/* Worker side of the epoch handshake; cheap enough to call on every loop iteration. */
static inline void
vs_worker_sync (VsJob    *job,
                VsWorker *worker)
{
  int epoch = g_atomic_int_get (&job->epoch);

  if (G_UNLIKELY (epoch != worker->epoch))
    {
      worker->epoch = epoch;
      __atomic_store_n (&worker->runnable_us, vs_thread_runnable_us (), __ATOMIC_RELEASE);
      g_atomic_int_set (&worker->seen, epoch);
    }
}

/* Where to record a request meant to leave at intended_us (monotonic; for what belongs to no
 * request, such as a connect failure or a connect time, the time it happened): warm-up and
 * measured phase are told apart by send time, so no request straddles them. */
static inline VsStats *
vs_worker_stats (VsJob    *job,
                 VsWorker *worker,
                 guint     target,
                 gint64    intended_us)
{
  VsWorkerTarget *wt = &worker->targets[target];

  if (G_UNLIKELY (intended_us < job->warmup_end_us))
    return wt->warmup[worker->epoch & 1];
  return wt->stats[worker->epoch & 1];
}

/* May this worker send another request to the target at now_us? Warm-up sends are free. */
static inline gboolean
vs_worker_target_may_send (VsJob          *job,
                           VsWorkerTarget *wt,
                           gint64          now_us)
{
  return now_us < job->warmup_end_us || wt->issued < wt->budget;
}

static inline void
vs_worker_target_note_send (VsJob          *job,
                            VsWorkerTarget *wt,
                            gint64          now_us)
{
  if (now_us >= job->warmup_end_us)
    wt->issued++;
}

/* Is the budget spent (never for unlimited targets)? */
static inline gboolean
vs_worker_target_spent (VsJob          *job,
                        VsWorkerTarget *wt,
                        gint64          now_us)
{
  return now_us >= job->warmup_end_us && wt->issued >= wt->budget;
}

G_END_DECLS
