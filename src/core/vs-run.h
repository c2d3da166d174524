/* vs-run.h: the run controller
 *
 * Starts the engine's workers, keeps the clock (warm-up, measured phase, ticks, the targets one
 * after another in sequential mode) on a controller thread of its own, merges the workers'
 * shards into snapshots and delivers them to the main context the run was started from, where
 * they go into VsResults and "tick" is emitted. "finished" follows the last tick.
 *
 * A started run keeps itself alive until "finished" has been emitted; to end it early call
 * vs_run_stop() and let the main context run until "finished". The figures are final when the
 * workers have settled (counted what was in flight, recorded nothing since); "finished" does
 * not wait for their connections to close, which goes on after it (see vs-job.h): the next run
 * starts its load only once that is over, and vs_run_wait_teardowns() waits for it.
 */
#pragma once

#include <glib-object.h>

#include "vs-plan.h"
#include "vs-results.h"
#include "vs-server-set.h"

G_BEGIN_DECLS

#define VS_TYPE_RUN (vs_run_get_type ())
G_DECLARE_FINAL_TYPE (VsRun, vs_run, VS, RUN, GObject)

VsRun      *vs_run_new            (VsPlan   *plan);
/* A plan with commands (targets' server sections) starts nothing unless the person has seen
 * them (vs_plan_list_commands()) and agreed: then call this before starting. Without it such a
 * run fails to start with a VS_ERROR_INVALID that says so. */
void        vs_run_set_allow_commands (VsRun *self,
                                       gboolean allow);
/* Validates the plan (reading body_file), picks the engine, resolves the targets' names and
 * opens the workers, all on the controller thread, then calls back on the caller's
 * thread-default main context, where the signals are emitted too. The run counts as running
 * (vs_run_stop() works) from the call on; "tick" and "finished" come only after a successful
 * start. The run's plan must not change until "finished" (give it a copy). */
void        vs_run_start_async    (VsRun               *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
/* FALSE with the reason when it could not start. */
gboolean    vs_run_start_finish   (VsRun         *self,
                                   GAsyncResult  *result,
                                   GError       **error);
/* The same, synchronously in the caller's thread (the command line): FALSE with the reason
 * when it cannot start. */
gboolean    vs_run_start          (VsRun    *self,
                                   GError  **error);
/* Ends the run early; "finished" still follows, with what was measured so far. */
void        vs_run_stop           (VsRun    *self);
/* The last job of a run tears its connections down after "finished" on a thread of its own;
 * this waits until every run of the process has. Call it before the process exits, so that
 * nothing is torn down behind exit(). */
void        vs_run_wait_teardowns (void);
/* TRUE: the process exits once its runs are over (the command line): a run's last job is not
 * torn down after "finished" at all, exit() closes its connections (or the next run's start
 * tears it down first). Set it before the first run. */
void        vs_run_set_exit_after (gboolean exit_after);
gboolean    vs_run_is_running     (VsRun    *self);
VsPlan     *vs_run_get_plan       (VsRun    *self);
VsResults  *vs_run_get_results    (VsRun    *self);   /* NULL until started */
const char *vs_run_get_engine     (VsRun    *self);   /* NULL until started */
/* The targets' managed and attached servers (failures, CPUs, logs); NULL until started. The
 * run starts each server before its target's load and stops it after (on vs_run_stop() too);
 * a target whose server failed gets no load, and the others go on. */
VsServerSet *vs_run_get_servers   (VsRun    *self);
/* What ended the run early (a later phase could not start), or NULL. */
const GError *vs_run_get_error    (VsRun    *self);
/* Seconds since the run started, for progress displays. */
double      vs_run_get_elapsed    (VsRun    *self);
/* The whole planned length in seconds (warm-up included, all targets in sequential mode);
 * 0 when the plan counts requests instead. */
double      vs_run_get_planned    (VsRun    *self);

G_END_DECLS
