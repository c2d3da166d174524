/* vs-autosave.h: a run's JSON result kept on disk as it goes, and offered back after a crash
 *
 * While a run goes on, its JSON result (vs_export_json(), the same as File → Export) is written
 * every few seconds to g_get_user_data_dir()/versus/runs/unfinished-STARTED-PID.json through
 * vs_file_replace() (a temporary file, fsync, rename: a crash leaves the last whole copy), so a
 * crash or a killed process loses at most the last few seconds. When the run ends, the last
 * copy is written to runs/last-run.json and the unfinished one is removed: only runs that never
 * ended are offered on the next start. VsResults lives on the main thread: a copy of it is
 * taken there (vs_results_copy(), about a millisecond), and the JSON and the disk work run in
 * a thread, one copy at a time.
 */
#pragma once

#include <gio/gio.h>

#include "vs-results.h"

G_BEGIN_DECLS

/* The least time between two copies; more when taking the copy takes long, so that it never
 * takes more than a twentieth of the main thread. */
#define VS_AUTOSAVE_INTERVAL_US (3 * G_USEC_PER_SEC)

#define VS_TYPE_AUTOSAVE (vs_autosave_get_type ())
G_DECLARE_FINAL_TYPE (VsAutosave, vs_autosave, VS, AUTOSAVE, GObject)

/* g_get_user_data_dir()/versus/runs */
char        *vs_autosave_dir            (void);

/* Keeps results (a running run's) on disk from the first vs_autosave_tick(). "failed" (a
 * message) says once that a copy could not be written. */
VsAutosave  *vs_autosave_new            (VsResults    *results);
const char  *vs_autosave_get_path       (VsAutosave   *self);
/* A new tick of the run: writes a copy when the last is old enough and none is being written. */
void         vs_autosave_tick           (VsAutosave   *self);
/* The run ended: the last copy goes to last-run.json, the unfinished one is removed. */
void         vs_autosave_finish         (VsAutosave   *self);
/* The copies written so far. */
guint        vs_autosave_get_n_written  (VsAutosave   *self);

/* The newest unfinished run left by a process that is gone, read back as results (off the
 * main thread); NULL without an error when there is none. */
void         vs_autosave_find_async     (GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
VsResults   *vs_autosave_find_finish    (GAsyncResult        *result,
                                         char               **path,
                                         GError             **error);
/* Renames the unfinished copy at path to recovered-….json: it was opened, so it is not offered
 * again (and stays, as any result file, until removed). */
void         vs_autosave_set_recovered_async  (const char          *path,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     vs_autosave_set_recovered_finish (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
