/* vs-job.h: one engine loading a set of targets with worker threads
 *
 * The run controller makes a job per phase of loading (all targets in parallel mode, one target
 * at a time in sequential mode). The job splits each target's connections, rate and request
 * count over the workers, starts one thread per worker, and collects what they recorded. Under
 * `--segment I/N` it splits only segment I's share (vs-segment.h): worker w of W then takes
 * sends I + N·w, stride N·W, of the target's one schedule.
 *
 * Recording is lock-free: each worker writes into one of two VsStats per target. To collect,
 * the controller bumps the job's epoch and wakes the workers; a worker that sees the new epoch
 * switches to the other buffer and acknowledges; the controller then merges and clears the
 * buffer the worker left. Workers call vs_worker_sync() from their loops to take part.
 *
 * Stopping has two steps. A worker first settles (vs_worker_settle()): it counts what it is to
 * count of what is still in flight and records nothing more, so the figures are final; that is
 * all vs_job_stop() waits for. Tearing down its connections (seconds of CPU for thousands of
 * libsoup ones) comes after, only once the job is freed: vs_job_free() waits for it, and
 * vs_job_retire() lets it happen off the caller's path, after the report.
 */
#pragma once

#include "vs-cpu-list.h"
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
  gboolean        open;         /* open model */
  VsSchedule      schedule;     /* open model */
  gboolean        schedule_done;/* open model: nothing more will be sent (worker-only) */
  gboolean        backlog_capped; /* open model: the sends now overdue waited for a free
                                   * connection (worker-only) */
  gint64          cap_since_us; /* open model: a due send found every connection busy at this
                                 * time, and none has left since; 0: not at the cap */
  gboolean        staged;       /* closed model with load.stages: vs_worker_target_active() */
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
  int             settled;      /* atomic: the worker records nothing more (vs_worker_settle()) */
  gint64          runnable_us;  /* vs_thread_runnable_us() when it last acknowledged an epoch */
  gint64          synced_us;    /* monotonic time of that acknowledgement (or of the end) */
  gint64          runnable_seen_us; /* controller-only: runnable_us at the previous collect */
  gint64          synced_seen_us;   /* controller-only: synced_us at the previous collect */
  GThread        *thread;
};

struct _VsJob
{
  VsEngine       *engine;         /* a reference of the job's own (it may outlive the run) */
  VsEngineJob    *engine_job;     /* the engine's state for this job, from prepare to release */
  VsPlan         *plan;
  guint           n_targets;
  guint          *plan_indices;
  guint           n_workers;
  guint           n_cpus;         /* the CPUs the process may run on, when the job was made, or
                                   * those of load.generator_cpus */
  gboolean        pinned;         /* load.generator_cpus: each worker thread pins itself to cpus */
  VsCpuList       cpus;
  VsWorker       *workers;
  gint64          start_us;       /* monotonic time the workers were started */
  gint64          warmup_end_us;  /* monotonic time the measured phase starts */
  gint64          measure_end_us; /* monotonic time the measured phase ends; 0: by request count */
  int             expired;        /* atomic: the drain after the end ran out of time, so what is
                                   * still in flight is counted as timeouts when stopping */
  int             epoch;          /* atomic, written by the controller */
  int             stop;           /* atomic */
  char          **first_errors;   /* per target, set once */
  gboolean        released;       /* the engine's release ran */
  GMutex          settle_lock;
  GCond           settle_cond;    /* a worker settled, or the teardown may begin */
  gboolean        teardown;       /* under settle_lock: settled workers may tear down */
};

/* The CPUs this process may run on (its affinity mask, which taskset and container cpusets
 * narrow), at least 1: the default number of workers. */
guint     vs_job_available_cpus (void);
/* n_targets plan indices; the plan must be validated. Waits for the teardown of every job
 * retired before (vs_job_wait_retired()), then checks the open-files limit (raising the soft
 * limit as far as allowed) against the connections asked for. */
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
 * last collect (time runnable over wall time, 0…1, both between the thread's own two
 * acknowledgements, so that a worker slow to acknowledge on a loaded machine moves neither
 * end): near 1, the generator and not the server set the pace. */
double    vs_job_collect      (VsJob       *self,
                               VsStats    **measured,
                               VsStats    **warmup);
/* TRUE when every worker has settled by itself (request budgets spent), or after a stop. */
gboolean  vs_job_is_done      (VsJob       *self);
/* Stops the workers and waits until each has settled: in-flight requests are abandoned
 * uncounted (or counted as timeouts, once the drain expired: vs_job_expire()), and what they
 * recorded is final, for the next vs_job_collect() to take. Their connections are still open. */
void      vs_job_stop         (VsJob       *self);
/* The drain after the measured phase ran out of time: stops the workers, who count what is
 * still in flight as timeouts. */
void      vs_job_expire       (VsJob       *self);
/* Stops the job, lets the workers tear down, waits for them, and frees it. */
void      vs_job_free         (VsJob       *self);
/* For a stopped job whose figures were collected: frees it without the caller waiting for the
 * teardown, which cannot change what was collected. By default on a thread of its own (a
 * reaper); in a process that said it exits after its runs (vs_job_set_retire_at_exit()) it is
 * not torn down at all until the next job is made: its workers wait, connections open, and
 * exit() closes them (the job stays reachable, so a leak checker does not count it as lost).
 * The job holds references to its engine and plan: the caller may drop its own at once. */
void      vs_job_retire       (VsJob       *self);
/* TRUE: this process exits when its runs are over (the command line). */
void      vs_job_set_retire_at_exit (gboolean retire_at_exit);
/* Waits until every retired job is freed (tearing down those that were kept for exit itself).
 * vs_job_new() calls it, so that no load is measured beside an earlier job's teardown; a
 * process that retired jobs to reapers calls it before it exits (the first reaper also
 * registers it with atexit()), so that nothing is torn down behind exit(). */
void      vs_job_wait_retired (void);
/* Retired jobs not freed yet: kept for exit, or with a reaper still tearing them down. */
guint     vs_job_get_n_retired (void);

/* Worker side: the worker records nothing more into the job's figures or its first errors;
 * returns once the job is being freed, and then the worker tears its connections down. Engines
 * call it when they stop counting, before closing anything; for an engine that does not, the
 * job settles the worker when run_worker returns. Called once. */
void      vs_worker_settle    (VsJob       *job,
                               VsWorker    *worker);
/* Test hook, called on each worker thread as it settles (after its last figure, before it
 * waits for the teardown), or NULL; set it only while no job runs. */
typedef void (*VsJobSettleHook) (VsJob    *job,
                                 VsWorker *worker);
void      vs_job_set_settle_hook (VsJobSettleHook hook);

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
      __atomic_store_n (&worker->synced_us, g_get_monotonic_time (), __ATOMIC_RELEASE);
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

/* Has the measured phase of a run by duration ended at now_us? No new request leaves then;
 * what is in flight is drained. */
static inline gboolean
vs_job_is_over (VsJob  *job,
                gint64  now_us)
{
  return job->measure_end_us != 0 && now_us >= job->measure_end_us;
}

/* May this worker send another request to the target at now_us? Warm-up sends are free. */
static inline gboolean
vs_worker_target_may_send (VsJob          *job,
                           VsWorkerTarget *wt,
                           gint64          now_us)
{
  if (vs_job_is_over (job, now_us))
    return FALSE;
  return now_us < job->warmup_end_us || wt->issued < wt->budget;
}

/* Closed model with stages: how many of this worker's connections to the target the stages
 * want busy at now_us (its share of the planned level, split as the connections are); the
 * engine sends only on its first that many and leaves the others idle (or unopened). A
 * connection keeps all it carries busy: load.pipeline requests on the native engine,
 * load.streams HTTP/2 streams on soup. Both engines look again at least every
 * VS_STAGE_FOLLOW_US, so that a rising level starts its idle connections within that. */
#define VS_STAGE_FOLLOW_US 5000
guint     vs_worker_target_active    (VsJob    *job,
                                      VsWorker *worker,
                                      guint     target,
                                      gint64    now_us);

/* Open model, in both engines alike: the intended (monotonic) time of the target's next send,
 * or G_MAXINT64 when nothing more will be sent — the budget is spent, the schedule's next entry
 * is at or after the end, or the end has come, and then every entry due before it that never
 * left is counted as unsent (once). */
gint64    vs_worker_target_next_due  (VsJob    *job,
                                      VsWorker *worker,
                                      guint     target,
                                      gint64    now_us);
/* Open model: the entry vs_worker_target_next_due() returned (due_us ≤ now_us) leaves now;
 * counts it against the budget, advances the schedule and the time at the cap. */
void      vs_worker_target_take_due  (VsJob    *job,
                                      VsWorker *worker,
                                      guint     target,
                                      gint64    due_us,
                                      gint64    now_us);
/* Open model: a send is due and every connection of the target is busy (the in-flight cap). */
static inline void
vs_worker_target_at_cap (VsWorkerTarget *wt,
                         gint64          now_us)
{
  if (wt->cap_since_us == 0)
    wt->cap_since_us = now_us;
  wt->backlog_capped = TRUE;
}

static inline void
vs_worker_target_note_send (VsJob          *job,
                            VsWorkerTarget *wt,
                            gint64          now_us)
{
  if (now_us >= job->warmup_end_us)
    wt->issued++;
}

/* Will nothing more be sent: the budget spent, the measured phase over (open model: the
 * schedule closed by vs_worker_target_next_due(), which counted the unsent)? */
static inline gboolean
vs_worker_target_spent (VsJob          *job,
                        VsWorkerTarget *wt,
                        gint64          now_us)
{
  if (wt->open)
    return wt->schedule_done;
  if (vs_job_is_over (job, now_us))
    return TRUE;
  return now_us >= job->warmup_end_us && wt->issued >= wt->budget;
}

G_END_DECLS
