/* vs-capacity.h: the capacity search — the highest open-model rate that keeps every threshold
 *
 * Per target, one after the other: open-model steps at start_rate, start_rate × factor, …
 * (each a run of its own, the plan's warm-up then capacity.step measured, the target alone)
 * until a step fails a threshold or max_rate is reached; then `bisections` steps halve the
 * interval between the last kept rate and the first failed one. The capacity is the highest
 * rate whose step kept every threshold.
 *
 * A step where the generator could not keep the schedule — its busiest thread saturated
 * (VS_GENERATOR_BUSY_WARNING), or, in a step that failed a threshold, more than
 * VS_LATE_WARNING_SHARE (and more than 10) of the sends late while a connection was free, i.e.
 * not waiting for the server, more of them than sends late at the connection cap, and its
 * thresholds would have held on the latency from the actual send times (without the
 * generator's lag) — is *limited by the generator*: it is neither kept nor failed,
 * the search of that target ends there, and no capacity at or above it is claimed (the
 * capacity is the last kept rate below it, if any). Late sends in a step that kept every
 * threshold do not limit it: their lag is in its latency (measured from the intended send
 * time), so the server kept the thresholds in spite of it.
 *
 * Runs on the caller's thread-default main context, like VsRun: "step" after every step,
 * "finished" after the last.
 */
#pragma once

#include <glib-object.h>

#include "vs-plan.h"
#include "vs-results.h"
#include "vs-run.h"

G_BEGIN_DECLS

typedef enum
{
  VS_CAPACITY_RAISE,   /* rate × factor */
  VS_CAPACITY_BISECT,  /* halving the interval where it broke */
} VsCapacityPhase;

typedef struct
{
  guint            target;   /* plan index */
  guint            step;     /* 1, 2, … per target */
  VsCapacityPhase  phase;
  double           rate;     /* offered, requests/s */
  gboolean         kept;     /* every threshold held */
  gboolean         limited;  /* limited by the generator (neither kept nor failed) */
  char            *why;      /* failed thresholds, or the generator's limit; NULL when kept */
  VsResults       *results;  /* the step's own run: one target, index 0 */
} VsCapacityStep;

typedef struct
{
  double    capacity_rps;  /* NaN: none found */
  gboolean  limited;       /* the search ended at the generator's limit */
  gboolean  at_max;        /* every step up to capacity.max kept the thresholds */
  double    failed_rps;    /* the lowest failed rate (NaN: none) */
  double    limited_rps;   /* the step limited by the generator (NaN: none) */
} VsCapacityResult;

#define VS_TYPE_CAPACITY (vs_capacity_get_type ())
G_DECLARE_FINAL_TYPE (VsCapacity, vs_capacity, VS, CAPACITY, GObject)

/* @plan: mode capacity, validated or not (its own copy is taken). */
VsCapacity             *vs_capacity_new          (VsPlan      *plan);
/* Validates the plan and starts the first step; FALSE with the reason when it cannot. */
gboolean                vs_capacity_start        (VsCapacity  *self,
                                                  GError     **error);
/* Ends the search after the current step (which is stopped too); "finished" follows. */
void                    vs_capacity_stop         (VsCapacity  *self);
VsPlan                 *vs_capacity_get_plan     (VsCapacity  *self);
/* Every step so far (VsCapacityStep*), in order. */
GPtrArray              *vs_capacity_get_steps    (VsCapacity  *self);
const VsCapacityResult *vs_capacity_get_result   (VsCapacity  *self,
                                                  guint        target);
/* The step whose figures stand for the target: the one at its capacity, else its first; NULL
 * when it has none. */
const VsCapacityStep   *vs_capacity_get_summary_step (VsCapacity *self,
                                                      guint       target);
/* "node: 320 req/s keeping p99 < 100ms", "node: no rate kept the thresholds (320 req/s
 * failed: p99 < 100ms)", "node: 80 req/s keeping …; at 160 req/s limited by the generator: …, so no capacity at or above
 * it is claimed" */
char                   *vs_capacity_describe     (VsCapacity  *self,
                                                  guint        target);
/* The run of the step going on, or NULL: from "step-started" (target, rate), emitted as each
 * step's run has started, to that step's "step". */
VsRun                  *vs_capacity_get_run      (VsCapacity  *self);
/* From a successful vs_capacity_start() until "finished". */
gboolean                vs_capacity_is_running   (VsCapacity  *self);
/* What the error was when a step could not start, or NULL. */
const GError           *vs_capacity_get_error    (VsCapacity  *self);

G_END_DECLS
