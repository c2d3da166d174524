/* vs-io-async.c: the window's file work, off its main thread */
#include "config.h"

#include <string.h>

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
  char *path;
  char *json;
} Save;

static void
save_free (gpointer data)
{
  Save *save = data;

  g_free (save->path);
  g_free (save->json);
  g_free (save);
}

static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Save *save = task_data;
  GError *error = NULL;

  if (vs_file_replace (save->path, save->json, strlen (save->json), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vs_plan_save_async (VsPlan              *plan,
                    const char          *path,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Save *save = g_new0 (Save, 1);

  g_return_if_fail (plan != NULL && path != NULL);

  save->path = g_strdup (path);
  save->json = vs_plan_to_json (plan);
  g_task_set_source_tag (task, vs_plan_save_async);
  g_task_set_task_data (task, save, save_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
vs_plan_save_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
