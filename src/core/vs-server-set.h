/* vs-server-set.h: the backends of one run — started, sampled, watched and stopped together
 *
 * A run owns one VsServerSet made from its plan: per target, the server Versus launches (the
 * target's `server` section), the process it attaches to (`attach`), or nothing. The run
 * starts the servers of a phase's targets before that phase's load (all of them before a
 * parallel run, each before its own load in sequential mode), samples them on every tick and
 * stops them after the phase; what is still running when the run ends is stopped then
 * (finished, stopped, or failed). A later "rounds" mode can keep them running between trials:
 * start and stop take any set of targets, and starting a running server does nothing.
 *
 * A server that exits before it is ready, is not ready in time, or exits during the load fails
 * its target (vs_server_set_dup_failure(): the message, then the log's last lines); the other
 * targets go on.
 *
 * Threads: start, sample and stop block, and belong on the run's controller thread; the
 * getters may be called from any thread (the window polls them on its ticks).
 */
#pragma once

#include <gio/gio.h>

#include "vs-plan.h"
#include "vs-server.h"

G_BEGIN_DECLS

#define VS_TYPE_SERVER_SET (vs_server_set_get_type ())
G_DECLARE_FINAL_TYPE (VsServerSet, vs_server_set, VS, SERVER_SET, GObject)

/* The plan must be validated; nothing is started yet. */
VsServerSet *vs_server_set_new          (VsPlan          *plan);
guint        vs_server_set_get_n_targets (VsServerSet    *self);
/* TRUE when the target has a server or an attached process. */
gboolean     vs_server_set_has_server   (VsServerSet     *self,
                                         guint            target);
gboolean     vs_server_set_is_managed   (VsServerSet     *self,
                                         guint            target);
/* Starts (or attaches to) the servers of these targets, all at once, and waits until each is
 * ready or has failed. Returns how many failed. Cancelling fails those not ready yet. */
guint        vs_server_set_start        (VsServerSet     *self,
                                         const guint     *targets,
                                         guint            n_targets,
                                         GCancellable    *cancellable);
/* FALSE once the target's server has failed (never ready, exited); TRUE without a server. */
gboolean     vs_server_set_is_ready     (VsServerSet     *self,
                                         guint            target);
/* One scan of /proc for the servers of these targets: samples[i] and sampled[i] (FALSE for a
 * target without a running server). A server found exited is failed here. */
void         vs_server_set_sample       (VsServerSet     *self,
                                         const guint     *targets,
                                         guint            n_targets,
                                         VsProcSample    *samples,
                                         gboolean        *sampled);
/* Stops the servers of these targets (attached processes are left alone), blocking until
 * nothing of their process groups is left. */
void         vs_server_set_stop         (VsServerSet     *self,
                                         const guint     *targets,
                                         guint            n_targets);
void         vs_server_set_stop_all     (VsServerSet     *self);

/* Why the target's server failed ("server was not ready within 10.0 s (…)", then "The last
 * lines of its log:" and those lines), or NULL. */
char        *vs_server_set_dup_failure  (VsServerSet     *self,
                                         guint            target);
/* What stopping it needed, when more than SIGTERM ("server did not stop within …; killed"). */
char        *vs_server_set_dup_stop_note (VsServerSet    *self,
                                         guint            target);
/* The CPUs the server was pinned to ("1"), or NULL when not pinned (or no server). */
const char  *vs_server_set_get_cpus     (VsServerSet     *self,
                                         guint            target);
/* The server's process (and group) id once started or attached, else 0. */
pid_t        vs_server_set_get_pid      (VsServerSet     *self,
                                         guint            target);
/* Its log (stdout and stderr) and the log's last lines: the window's log view. NULL when the
 * target has no managed server. */
const char  *vs_server_set_get_log_path (VsServerSet     *self,
                                         guint            target);
char        *vs_server_set_get_log_tail (VsServerSet     *self,
                                         guint            target,
                                         guint            n_lines);
VsServer    *vs_server_set_get_server   (VsServerSet     *self,
                                         guint            target);  /* NULL until attached */

/* Do the backends answer alike? Sends each of these targets its request once (those not asked
 * yet) and compares every answer with the first target's, once both are in, leaving out the
 * plan's compare.ignore pointers. Blocking; for the run before a phase's load. */
void         vs_server_set_check_answers (VsServerSet    *self,
                                          VsPlan         *plan,
                                          const guint    *targets,
                                          guint           n_targets,
                                          GCancellable   *cancellable);
/* How the target's answer differed from the first target's ("status: 200 ≠ 404; /name: …"),
 * or that there was none to compare; NULL when alike or not checked. */
char        *vs_server_set_dup_answer_difference (VsServerSet *self,
                                                  guint        target);

G_END_DECLS
