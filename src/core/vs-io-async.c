/* vs-io-async.c: the window's file work, off its main thread */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vs-error.h"
#include "vs-export.h"
#include "vs-file.h"
#include "vs-io-async.h"

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  VsPlan *plan = vs_plan_load_from_file (task_data, &error);

  if (plan != NULL)
    g_task_return_pointer (task, plan, (GDestroyNotify) vs_plan_unref);
  else
    g_task_return_error (task, error);
}

void
vs_plan_load_async (const char          *path,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (path != NULL);

  g_task_set_source_tag (task, vs_plan_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_thread);
}

VsPlan *
vs_plan_load_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char               *path;
  GBytes             *contents;
  VsFileContentsFunc  make;
  gpointer            make_data;
  GDestroyNotify      make_data_free;
  gboolean            make_folder;
  char               *remove;
} Write;

static void
write_free (gpointer data)
{
  Write *write = data;

  g_free (write->path);
  g_clear_pointer (&write->contents, g_bytes_unref);
  if (write->make_data_free != NULL)
    write->make_data_free (write->make_data);
  g_free (write->remove);
  g_free (write);
}

static gboolean
write_file (Write   *write,
            GError **error)
{
  g_autoptr(GBytes) made = NULL;
  GBytes *contents = write->contents;

  if (write->make_folder)
    {
      g_autofree char *dir = g_path_get_dirname (write->path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not create the folder “%s”: %s"),
                       dir, g_strerror (saved_errno));
          return FALSE;
        }
    }
  if (contents == NULL)
    {
      contents = made = write->make (write->make_data, error);
      if (contents == NULL)
        return FALSE;
    }
  if (!vs_file_replace (write->path, g_bytes_get_data (contents, NULL),
                        g_bytes_get_size (contents), error))
    return FALSE;
  if (write->remove != NULL && g_unlink (write->remove) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not remove “%s”: %s"), write->remove,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (write_file (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vs_file_write_async (const VsFileWrite   *write,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Write *copy;

  g_return_if_fail (write != NULL && write->path != NULL);
  g_return_if_fail ((write->contents != NULL) != (write->make != NULL));

  copy = g_new0 (Write, 1);
  copy->path = g_strdup (write->path);
  copy->contents = write->contents != NULL ? g_bytes_ref (write->contents) : NULL;
  copy->make = write->make;
  copy->make_data = write->make_data;
  copy->make_data_free = write->make_data_free;
  copy->make_folder = write->make_folder;
  copy->remove = g_strdup (write->remove);
  g_task_set_source_tag (task, vs_file_write_async);
  g_task_set_task_data (task, copy, write_free);
  g_task_run_in_thread (task, write_thread);
}

/* The end of a task that returns a boolean: each _finish() of this file but the plan's load. */
static gboolean
boolean_finish (GAsyncResult  *result,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
vs_file_write_finish (GAsyncResult  *result,
                      GError       **error)
{
  return boolean_finish (result, error);
}

void
vs_plan_save_async (VsPlan              *plan,
                    const char          *path,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  char *json;
  g_autoptr(GBytes) contents = NULL;

  g_return_if_fail (plan != NULL && path != NULL);

  json = vs_plan_to_json (plan);
  contents = g_bytes_new_take (json, strlen (json));
  vs_file_write_async (&(VsFileWrite) { .path = path, .contents = contents }, cancellable,
                       callback, user_data);
}

gboolean
vs_plan_save_finish (GAsyncResult  *result,
                     GError       **error)
{
  return boolean_finish (result, error);
}

typedef struct
{
  VsResults *results;
  char      *csv_dir;
  char      *json_path;
} Export;

static void
export_free (gpointer data)
{
  Export *export = data;

  g_object_unref (export->results);
  g_free (export->csv_dir);
  g_free (export->json_path);
  g_free (export);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Export *export = task_data;
  GError *error = NULL;

  /* every output asked for is written, whatever becomes of the others; each failure is said */
  if (export->csv_dir != NULL)
    {
      GError *csv_error = NULL;

      vs_export_csv_dir (export->results, export->csv_dir, &csv_error);
      vs_error_add (&error, csv_error);
    }
  if (export->json_path != NULL)
    {
      GError *json_error = NULL;

      vs_export_json_file (export->results, export->json_path, &json_error);
      vs_error_add (&error, json_error);
    }
  if (error == NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vs_export_async (VsResults           *results,
                 const char          *csv_dir,
                 const char          *json_path,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Export *export = g_new0 (Export, 1);

  g_return_if_fail (VS_IS_RESULTS (results));

  export->results = g_object_ref (results);
  export->csv_dir = g_strdup (csv_dir);
  export->json_path = g_strdup (json_path);
  g_task_set_source_tag (task, vs_export_async);
  g_task_set_task_data (task, export, export_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
vs_export_finish (GAsyncResult  *result,
                  GError       **error)
{
  return boolean_finish (result, error);
}
