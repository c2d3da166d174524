/* vs-run.h: the run controller
 *
 * Starts the engine's workers, keeps the clock (warm-up, measured phase, ticks, the targets one
 * after another in sequential mode) on a controller thread of its own, merges the workers'
 * shards into snapshots and delivers them to the main context the run was started from, where
 * they go into VsResults and "tick" is emitted. "finished" follows the last tick.
 *
 * A started run keeps itself alive until "finished" has been emitted; to end it early call
 * vs_run_stop() and let the main context run until "finished" (the workers stop within
 * milliseconds). The workers' threads are joined before "finished".
 */
#pragma once

#include <glib-object.h>

#include "vs-plan.h"
#include "vs-results.h"

G_BEGIN_DECLS

#define VS_TYPE_RUN (vs_run_get_type ())
G_DECLARE_FINAL_TYPE (VsRun, vs_run, VS, RUN, GObject)

VsRun      *vs_run_new            (VsPlan   *plan);
/* Validates the plan, picks the engine, opens the workers; FALSE with the reason when it
 * cannot start. Signals are emitted on the caller's thread-default main context. */
gboolean    vs_run_start          (VsRun    *self,
                                   GError  **error);
/* Ends the run early; "finished" still follows, with what was measured so far. */
void        vs_run_stop           (VsRun    *self);
gboolean    vs_run_is_running     (VsRun    *self);
VsPlan     *vs_run_get_plan       (VsRun    *self);
VsResults  *vs_run_get_results    (VsRun    *self);   /* NULL before start */
const char *vs_run_get_engine     (VsRun    *self);   /* NULL before start */
/* What ended the run early (a later phase could not start), or NULL. */
const GError *vs_run_get_error    (VsRun    *self);
/* Seconds since the run started, for progress displays. */
double      vs_run_get_elapsed    (VsRun    *self);
/* The whole planned length in seconds (warm-up included, all targets in sequential mode);
 * 0 when the plan counts requests instead. */
double      vs_run_get_planned    (VsRun    *self);

G_END_DECLS
