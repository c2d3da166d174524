/* vs-signals.h: the first quit signal stops Versus gently, the second ends it at once
 *
 * The window and `versus run` stop as a person asked on the first SIGINT (Ctrl+C), SIGTERM (and,
 * for the window, SIGHUP): the run stops, its servers are stopped, what was measured is kept.
 * A second one must not wait for any of that: it stops whatever is still running of the
 * servers (vs_server_emergency_stop_all(), async-signal-safe) and ends the process by that
 * signal.
 *
 * vs_signal_watch_new() watches the signals on the default main context (g_unix_signal_add()).
 * The first that comes removes every watch, calls first with it and
 * arms the second: once that dispatch has returned (GLib restores a signal's default action
 * when its last source is finalized, which for the source being dispatched is after it
 * returns), every one of the signals ends the process as above.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VsSignalWatch VsSignalWatch;

typedef void (*VsSignalFunc) (int      signo,
                              gpointer user_data);

VsSignalWatch *vs_signal_watch_new  (const int     *signals,
                                     guint          n_signals,
                                     VsSignalFunc   first,
                                     gpointer       user_data);
/* Removes the watches that are left; a second signal armed already stays armed. */
void           vs_signal_watch_free (VsSignalWatch *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsSignalWatch, vs_signal_watch_free)

G_END_DECLS
