/* vs-io-async.h: the window's file work, off its main thread
 *
 * Loading a plan, saving one and writing result files block on the disk (and a plan on a slow
 * or network file system can take long); the window calls these instead, GIO-style: the work
 * runs in GIO's thread pool and the callback comes on the caller's thread-default main
 * context. Each does what its synchronous counterpart does, with the same checks and errors.
 * vs_file_write_async() is the one piece that writes a file so: the plan's save, the window's
 * HdrHistogram log and the autosave's copies all go through it.
 */
#pragma once

#include <gio/gio.h>

#include "vs-plan.h"
#include "vs-results.h"

G_BEGIN_DECLS

/* The contents of a file, made in the thread (a long run's JSON takes long to make); NULL with
 * the error when they cannot be made. */
typedef GBytes *(*VsFileContentsFunc) (gpointer   data,
                                       GError   **error);

/* What vs_file_write_async() writes, and how; the pieces are taken (referenced or copied) at
 * the call. */
typedef struct
{
  const char         *path;            /* replaced through vs_file_replace() */
  GBytes             *contents;        /* what is written; or NULL, and make makes it */
  VsFileContentsFunc  make;
  gpointer            make_data;       /* make's; make_data_free frees it with the task, on
                                        * either thread, once the write is over */
  GDestroyNotify      make_data_free;
  gboolean            make_folder;     /* the folder of path is made (0700) when missing */
  const char         *remove;          /* removed (when there) once path is written, or NULL */
} VsFileWrite;

/* Writing a file: makes the folder (make_folder), makes the contents (make), replaces path with
 * them (vs_file_replace()) and removes remove, in that order; the first failure ends it and is
 * the error. */
void      vs_file_write_async  (const VsFileWrite    *write,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
gboolean  vs_file_write_finish (GAsyncResult         *result,
                                GError              **error);

/* vs_plan_load_from_file() */
void      vs_plan_load_async   (const char           *path,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
VsPlan   *vs_plan_load_finish  (GAsyncResult         *result,
                                GError              **error);

/* vs_plan_save_to_file(): the JSON is made at the call, from the plan as it is then. */
void      vs_plan_save_async   (VsPlan               *plan,
                                const char           *path,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
gboolean  vs_plan_save_finish  (GAsyncResult         *result,
                                GError              **error);

/* vs_export_csv_dir() into csv_dir and vs_export_json_file() to json_path, each when not NULL,
 * in that order; both are written whatever becomes of the other, and the error names every
 * failure. The results must not change until the callback (a finished run's). */
void      vs_export_async      (VsResults            *results,
                                const char           *csv_dir,
                                const char           *json_path,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
gboolean  vs_export_finish     (GAsyncResult         *result,
                                GError              **error);

G_END_DECLS
