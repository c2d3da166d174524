/* vs-snapshot.h: one target's statistics for one tick, immutable once made
 *
 * The run controller makes one per target per tick on its own thread (the merge of every
 * worker's shard) and hands it to the main context, where VsResults takes it in.
 */
#pragma once

#include "vs-proc-sample.h"
#include "vs-stats.h"

G_BEGIN_DECLS

typedef enum
{
  VS_PHASE_WARMUP,
  VS_PHASE_MEASURE,
} VsPhase;

typedef struct
{
  guint       target;        /* index in the plan */
  VsPhase     phase;
  double      start_s;       /* interval, in seconds since this target's load started */
  double      end_s;
  VsStats    *stats;         /* every request that ended in the interval */
  VsStats    *measured;      /* of those, the ones meant to leave in the measured phase (the
                              * run's totals, and the measured rows); NULL: all of stats in a
                              * measured interval, none in a warm-up one */
  gboolean    draining;      /* after the end of a run by duration: nothing was sent, what was
                              * in flight finished (its time is not part of the measured phase) */
  double      generator_busy; /* the busiest worker thread's runnable time over wall time, 0…1 */
  gboolean    last;          /* the target's load has ended; no snapshot follows */
  char       *first_error;   /* last only: the first transport error's message, or NULL */
  gboolean    server_sampled; /* the target's managed or attached server was sampled */
  VsProcSample server;       /* its whole process tree over this tick: CPU, memory */
  guint       round;         /* mode rounds: the trial's round, 1 … K; 0 in the other modes */
  gboolean    stopped;       /* last only: the load was ended early by vs_run_stop() */
} VsSnapshot;

VsSnapshot *vs_snapshot_new  (guint       target,
                              VsPhase     phase,
                              double      start_s,
                              double      end_s,
                              VsStats    *stats);  /* takes ownership */
void        vs_snapshot_free (VsSnapshot *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsSnapshot, vs_snapshot_free)

G_END_DECLS
