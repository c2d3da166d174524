/* vs-engine.h: the engine interface
 *
 * An engine knows how to drive HTTP load from one worker thread. Everything else — threads,
 * shares of connections/rate/requests, the shards the workers record into, stopping — is in
 * VsJob and the same for every engine. An engine is a plain table of operations (VsEngineOps)
 * behind a VsEngine, one per run; what it makes for one job (the shared request templates, each
 * worker's wake handle, its event loop) is a VsEngineJob of its own, which the engine extends
 * (its first member is the VsEngineJob) and the job owns from prepare to release:
 *
 *  - prepare: on the controller thread before any worker starts; make the job's state (set
 *    job->engine_job), or fail with a message naming the target.
 *  - run_worker: in the worker's own thread; load the worker's targets until vs_job_should_stop()
 *    or until every target's request budget is spent and nothing is in flight. Call
 *    vs_worker_sync() at least every few milliseconds and after every wake.
 *  - wake_worker: from any thread; make run_worker look at the job promptly.
 *  - release: after all workers returned; free job->engine_job.
 */
#pragma once

#include <glib.h>

#include "vs-plan.h"

G_BEGIN_DECLS

typedef struct _VsJob       VsJob;
typedef struct _VsWorker    VsWorker;
typedef struct _VsEngine    VsEngine;
typedef struct _VsEngineJob VsEngineJob;

typedef struct
{
  const char *name;
  /* the timings (bits 1 << VsTiming) it records; the workers keep histograms for these only */
  guint       timings;
  /* about how much memory one connection of the plan costs, process and kernel together; NULL:
   * a socket's buffers on loopback and a small state */
  guint64   (*connection_bytes) (VsEngine     *self,
                                 const VsPlan *plan);
  gboolean  (*prepare)          (VsEngine     *self,
                                 VsJob        *job,
                                 GError      **error);
  void      (*run_worker)       (VsEngine     *self,
                                 VsJob        *job,
                                 VsWorker     *worker);
  void      (*wake_worker)      (VsEngine     *self,
                                 VsJob        *job,
                                 VsWorker     *worker);
  void      (*release)          (VsEngine     *self,
                                 VsJob        *job);
} VsEngineOps;

/* The engine of a run. An engine (or a test's) that keeps state of its own for the run extends
 * it: vs_engine_new (ops, sizeof (MyEngine)), with the VsEngine first. Reference-counted: each
 * job holds one until it is freed, which may be after the run is gone (vs_job_free_later()). */
struct _VsEngine
{
  const VsEngineOps *ops;
  int                ref_count;  /* atomic */
};

/* What an engine made for one job; engines extend it (it comes first in theirs). */
struct _VsEngineJob
{
  const VsEngineOps *ops;
};

VsEngine   *vs_engine_new          (const VsEngineOps *ops,
                                    gsize              size);
VsEngine   *vs_engine_ref          (VsEngine          *self);
/* Drops a reference. */
void        vs_engine_free         (VsEngine          *self);

/* Picks the engine for a validated plan: auto means native for plain http:// targets and soup
 * otherwise; one engine for all targets. What the engine cannot serve, vs_plan_check() has
 * already refused with the field to change. */
VsEngine   *vs_engine_new_for_plan (VsPlan    *plan);
const char *vs_engine_get_name     (VsEngine  *self);
guint       vs_engine_get_timings  (VsEngine  *self);
guint64     vs_engine_get_connection_bytes (VsEngine     *self,
                                            const VsPlan *plan);
gboolean    vs_engine_prepare      (VsEngine  *self,
                                    VsJob     *job,
                                    GError   **error);
void        vs_engine_run_worker   (VsEngine  *self,
                                    VsJob     *job,
                                    VsWorker  *worker);
void        vs_engine_wake_worker  (VsEngine  *self,
                                    VsJob     *job,
                                    VsWorker  *worker);
void        vs_engine_release      (VsEngine  *self,
                                    VsJob     *job);

/* The TCP connect time of a connection fd that has just connected, which the engine saw take
 * seen_us: the kernel's RTT sample of the handshake (SYN to SYN-ACK, TCP_INFO) when it has one,
 * so that a worker busy elsewhere when the connect completed does not add its delay; seen_us
 * when a SYN was retransmitted (no sample is taken from those) or the fd is not TCP. */
gint64      vs_engine_connect_time (int        fd,
                                    gint64     seen_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsEngine, vs_engine_free)

G_END_DECLS
