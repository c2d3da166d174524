/* vs-autosave.c: a run's JSON result kept on disk as it goes, and offered back after a crash */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "vs-autosave.h"
#include "vs-error.h"
#include "vs-export.h"
#include "vs-io-async.h"
#include "vs-merge.h"

#define UNFINISHED_PREFIX "unfinished-"
#define RECOVERED_PREFIX  "recovered-"
#define FINISHED_NAME     "last-run.json"

struct _VsAutosave
{
  GObject       parent_instance;
  VsResults    *results;
  char         *path;           /* the unfinished copy */
  char         *finished_path;  /* where the last copy goes when the run ends */
  gint64        last_write;     /* monotonic, when the last copy was made */
  gint64        interval;
  gboolean      writing;
  GApplication *held;           /* the last copy is being written: kept running for it */
  VsResults    *copy;           /* the copy the thread writes; brought up to date between writes */
  gboolean      pending;        /* the last copy is due once the one under way is written */
  gboolean      finished;
  gboolean      failure_said;
  guint         n_written;
};

G_DEFINE_FINAL_TYPE (VsAutosave, vs_autosave, G_TYPE_OBJECT)

enum { FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

char *
vs_autosave_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "versus", "runs", NULL);
}

static void
vs_autosave_finalize (GObject *object)
{
  VsAutosave *self = VS_AUTOSAVE (object);

  g_clear_object (&self->results);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->finished_path, g_free);
  g_clear_object (&self->copy);
  G_OBJECT_CLASS (vs_autosave_parent_class)->finalize (object);
}

static void
vs_autosave_class_init (VsAutosaveClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_autosave_finalize;
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vs_autosave_init (VsAutosave *self)
{
  self->interval = VS_AUTOSAVE_INTERVAL_US;
}

VsAutosave *
vs_autosave_new (VsResults *results)
{
  static gint counter;
  VsAutosave *self;
  g_autofree char *dir = vs_autosave_dir ();
  g_autofree char *started = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), NULL);

  self = g_object_new (VS_TYPE_AUTOSAVE, NULL);
  self->results = g_object_ref (results);
  started = g_date_time_format (vs_results_get_started (results), "%Y%m%dT%H%M%SZ");
  /* the process id says whose it is: a running one's is not offered */
  name = g_strdup_printf (UNFINISHED_PREFIX "%s-%d-%d.json", started,
                          g_atomic_int_add (&counter, 1), (int) getpid ());
  self->path = g_build_filename (dir, name, NULL);
  self->finished_path = g_build_filename (dir, FINISHED_NAME, NULL);
  return self;
}

/* The results as they are now, for the thread to write; the time the copy took sets the next
 * interval. */
static VsResults *
make_copy (VsAutosave *self)
{
  gint64 start = g_get_monotonic_time ();
  VsResults *copy = vs_results_copy (self->results, self->copy);

  g_set_object (&self->copy, copy);
  self->interval = MAX (VS_AUTOSAVE_INTERVAL_US, 20 * (g_get_monotonic_time () - start));
  return copy;
}

/* The JSON export, made in the thread: for a long run it takes long (copy: the thread's alone) */
static GBytes *
render_json (gpointer   copy,
             GError   **error)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();

  if (!vs_export_json (copy, stream, error) || !g_output_stream_close (stream, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
}

static void start_write (VsAutosave *self, VsResults *copy, gboolean last);

static void
say_failure (VsAutosave   *self,
             const GError *error)
{
  if (self->failure_said)
    return;
  self->failure_said = TRUE;
  g_signal_emit (self, signals[FAILED], 0, error->message);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VsAutosave) self = user_data;
  g_autoptr(GError) error = NULL;

  /* the application may quit now (the window that ran it is gone) */
  if (self->held != NULL)
    {
      g_application_release (self->held);
      g_clear_object (&self->held);
    }
  self->writing = FALSE;
  if (vs_file_write_finish (result, &error))
    self->n_written++;
  else
    say_failure (self, error);

  if (self->pending)
    {
      g_autoptr(VsResults) copy = make_copy (self);

      self->pending = FALSE;
      start_write (self, copy, TRUE);
    }
}

static void
start_write (VsAutosave *self,
             VsResults  *copy,
             gboolean    last)
{
  /* the window closed during the run: the application would quit before the last copy is
   * written, and the run be offered as unfinished */
  if (last && g_application_get_default () != NULL)
    {
      self->held = g_object_ref (g_application_get_default ());
      g_application_hold (self->held);
    }
  self->writing = TRUE;
  vs_file_write_async (&(VsFileWrite) {
                         .path = last ? self->finished_path : self->path,
                         .make = render_json,
                         .make_data = g_object_ref (copy),
                         .make_data_free = g_object_unref,
                         .make_folder = TRUE,
                         .remove = last ? self->path : NULL,
                       },
                       NULL, written_cb, g_object_ref (self));
}

void
vs_autosave_tick (VsAutosave *self)
{
  g_autoptr(VsResults) copy = NULL;
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (VS_IS_AUTOSAVE (self));

  if (self->finished || self->writing ||
      (self->last_write != 0 && now - self->last_write < self->interval))
    return;
  self->last_write = now;
  copy = make_copy (self);
  start_write (self, copy, FALSE);
}

void
vs_autosave_finish (VsAutosave *self)
{
  g_autoptr(VsResults) copy = NULL;

  g_return_if_fail (VS_IS_AUTOSAVE (self));

  if (self->finished)
    return;
  self->finished = TRUE;
  if (self->writing)
    {
      /* the thread has the copy: brought up to date and written after the one under way */
      self->pending = TRUE;
      return;
    }
  copy = make_copy (self);
  start_write (self, copy, TRUE);
}

/* ---- recovery --------------------------------------------------------------------------- */

/* The process id at the end of "unfinished-STARTED-N-PID.json"; 0 when there is none. */
static int
pid_of (const char *name)
{
  const char *dash = strrchr (name, '-');
  g_autofree char *digits = NULL;
  gint64 pid = 0;

  if (dash == NULL)
    return 0;
  digits = g_strndup (dash + 1, strcspn (dash + 1, "."));
  if (!g_ascii_string_to_signed (digits, 10, 1, G_MAXINT, &pid, NULL))
    return 0;
  return (int) pid;
}

/* Still being written by this process or by another Versus that runs. */
static gboolean
owner_runs (int pid)
{
  g_autofree char *comm_path = NULL;
  g_autofree char *comm = NULL;

  if (pid == (int) getpid ())
    return TRUE;
  comm_path = g_strdup_printf ("/proc/%d/comm", pid);
  if (!g_file_get_contents (comm_path, &comm, NULL, NULL))
    return FALSE;
  return g_str_equal (g_strstrip (comm), "versus");
}

typedef struct
{
  char   *path;
  gint64  mtime;
} Candidate;

static void
candidate_clear (gpointer data)
{
  g_free (((Candidate *) data)->path);
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  gint64 ta = ((const Candidate *) a)->mtime;
  gint64 tb = ((const Candidate *) b)->mtime;

  return ta < tb ? 1 : ta > tb ? -1 : 0;
}

typedef struct
{
  VsResults *results;
  char      *path;
} Found;

static void
found_free (Found *found)
{
  g_clear_object (&found->results);
  g_free (found->path);
  g_free (found);
}

static void
find_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autofree char *dir_path = vs_autosave_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  Found *found = g_new0 (Found, 1);
  const char *name;

  g_array_set_clear_func (candidates, candidate_clear);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      Candidate candidate;
      GStatBuf st;

      if (!g_str_has_prefix (name, UNFINISHED_PREFIX) || !g_str_has_suffix (name, ".json") ||
          owner_runs (pid_of (name)))
        continue;
      candidate.path = g_build_filename (dir_path, name, NULL);
      if (g_stat (candidate.path, &st) != 0 || !S_ISREG (st.st_mode))
        {
          g_free (candidate.path);
          continue;
        }
      candidate.mtime = st.st_mtime;
      g_array_append_val (candidates, candidate);
    }
  g_array_sort (candidates, newest_first);

  /* the newest that reads; a copy is always whole (vs_file_replace()), but not every file a
   * person leaves there is one */
  for (guint i = 0; i < candidates->len && found->results == NULL; i++)
    {
      const Candidate *candidate = &g_array_index (candidates, Candidate, i);
      g_autoptr(GError) error = NULL;

      found->results = vs_merge_read_file (candidate->path, &error);
      if (found->results != NULL)
        found->path = g_strdup (candidate->path);
      else
        g_debug ("not offered: %s", error->message);
    }
  g_task_return_pointer (task, found, (GDestroyNotify) found_free);
}

void
vs_autosave_find_async (GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, vs_autosave_find_async);
  g_task_run_in_thread (task, find_thread);
}

VsResults *
vs_autosave_find_finish (GAsyncResult  *result,
                         char         **path,
                         GError       **error)
{
  Found *found = g_task_propagate_pointer (G_TASK (result), error);
  VsResults *results;

  if (found == NULL)
    return NULL;
  results = g_steal_pointer (&found->results);
  if (path != NULL)
    *path = g_steal_pointer (&found->path);
  found_free (found);
  return results;
}

static gboolean
set_recovered (const char  *path,
               GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *target = NULL;

  g_return_val_if_fail (g_str_has_prefix (name, UNFINISHED_PREFIX), FALSE);

  target = g_strconcat (dir, G_DIR_SEPARATOR_S, RECOVERED_PREFIX,
                        name + strlen (UNFINISHED_PREFIX), NULL);
  if (g_rename (path, target) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not rename “%s”: %s"), path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static void
recovered_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;

  if (set_recovered (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vs_autosave_set_recovered_async (const char          *path,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, vs_autosave_set_recovered_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, recovered_thread);
}

gboolean
vs_autosave_set_recovered_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
