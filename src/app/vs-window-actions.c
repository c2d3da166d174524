/* vs-window-actions.c: the win.* actions — start, stop, open, save and the exports
 *
 * The export actions take a path ("s"): empty asks with a file chooser, anything else writes
 * there directly (the tests, and scripts through GApplication actions, use that).
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vs-capacity-json.h"
#include "vs-error.h"
#include "vs-export.h"
#include "vs-file.h"
#include "vs-hlog.h"
#include "vs-io-async.h"
#include "vs-merge.h"
#include "vs-window-private.h"

typedef void (*ChosenFunc) (VsWindow *self,
                            GFile    *file);

typedef enum
{
  CHOOSE_OPEN,
  CHOOSE_SAVE,
  CHOOSE_FOLDER,
} ChooseKind;

typedef struct
{
  VsWindow   *self;
  ChosenFunc  func;
} Chooser;

static GtkFileFilter *
json_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_pattern (filter, "*.json");
  return filter;
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
dialog_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Chooser *chooser = user_data;
  GtkFileDialog *dialog = GTK_FILE_DIALOG (source);
  g_autoptr(GFile) file = NULL;
  ChooseKind kind = GPOINTER_TO_INT (g_object_get_data (source, "vs-kind"));

  if (kind == CHOOSE_OPEN)
    file = gtk_file_dialog_open_finish (dialog, result, NULL);
  else if (kind == CHOOSE_SAVE)
    file = gtk_file_dialog_save_finish (dialog, result, NULL);
  else
    file = gtk_file_dialog_select_folder_finish (dialog, result, NULL);

  if (file != NULL)
    chooser->func (chooser->self, file);
  g_object_unref (chooser->self);
  g_free (chooser);
}

static void
choose (VsWindow   *self,
        ChooseKind  kind,
        const char *title,
        const char *initial_name,
        gboolean    json,
        ChosenFunc  func)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  Chooser *chooser = g_new0 (Chooser, 1);

  chooser->self = g_object_ref (self);
  chooser->func = func;
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_modal (dialog, TRUE);
  if (json)
    {
      g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
      g_autoptr(GtkFileFilter) filter = json_filter ();

      g_list_store_append (filters, filter);
      gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
    }
  if (initial_name != NULL)
    gtk_file_dialog_set_initial_name (dialog, initial_name);
  g_object_set_data (G_OBJECT (dialog), "vs-kind", GINT_TO_POINTER (kind));

  if (kind == CHOOSE_OPEN)
    gtk_file_dialog_open (dialog, GTK_WINDOW (self), NULL, dialog_done, chooser);
  else if (kind == CHOOSE_SAVE)
    gtk_file_dialog_save (dialog, GTK_WINDOW (self), NULL, dialog_done, chooser);
  else
    gtk_file_dialog_select_folder (dialog, GTK_WINDOW (self), NULL, dialog_done, chooser);
}
#else
static void
native_response (GtkNativeDialog *native,
                 int              response,
                 gpointer         user_data)
{
  Chooser *chooser = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        chooser->func (chooser->self, file);
    }
  g_object_unref (chooser->self);
  g_free (chooser);
  g_object_unref (native);
}

static void
choose (VsWindow   *self,
        ChooseKind  kind,
        const char *title,
        const char *initial_name,
        gboolean    json,
        ChosenFunc  func)
{
  static const GtkFileChooserAction actions[] = {
    [CHOOSE_OPEN] = GTK_FILE_CHOOSER_ACTION_OPEN,
    [CHOOSE_SAVE] = GTK_FILE_CHOOSER_ACTION_SAVE,
    [CHOOSE_FOLDER] = GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
  };
  GtkFileChooserNative *native;
  Chooser *chooser = g_new0 (Chooser, 1);

  chooser->self = g_object_ref (self);
  chooser->func = func;
  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self), actions[kind],
                                        kind == CHOOSE_OPEN ? _("_Open")
                                        : kind == CHOOSE_SAVE ? _("_Save") : _("_Select"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (json)
    {
      g_autoptr(GtkFileFilter) filter = json_filter ();

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  if (initial_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), initial_name);
  g_signal_connect (native, "response", G_CALLBACK (native_response), chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}
#endif

static void
report (VsWindow   *self,
        GError     *error,
        const char *done)
{
  if (error != NULL)
    _vs_window_toast (self, error->message);
  else
    _vs_window_toast (self, done);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  g_autoptr(GError) error = NULL;

  if (!vs_window_start (VS_WINDOW (widget), &error))
    _vs_window_toast (VS_WINDOW (widget), error->message);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  vs_window_stop (VS_WINDOW (widget));
}

static void
open_chosen (VsWindow *self,
             GFile    *file)
{
  _vs_window_load_plan_async (self, file, FALSE);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  choose (VS_WINDOW (widget), CHOOSE_OPEN, _("Open a Plan"), NULL, TRUE, open_chosen);
}

typedef struct
{
  GWeakRef  window;
  GFile    *file;
} Saving;

static void
plan_saved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  Saving *saving = data;
  g_autoptr(VsWindow) self = g_weak_ref_get (&saving->window);
  g_autoptr(GError) error = NULL;

  if (vs_plan_save_finish (result, &error) && self != NULL)
    _vs_window_set_plan_file (self, saving->file);
  if (self != NULL)
    report (self, error, _("Plan saved"));

  g_weak_ref_clear (&saving->window);
  g_object_unref (saving->file);
  g_free (saving);
}

static void
save_chosen (VsWindow *self,
             GFile    *file)
{
  g_autoptr(VsPlan) plan = vs_plan_editor_get_plan (self->editor);
  g_autofree char *path = g_file_get_path (file);
  Saving *saving;

  if (path == NULL)
    {
      _vs_window_toast (self, _("Plans can only be saved to local files"));
      return;
    }

  saving = g_new0 (Saving, 1);
  g_weak_ref_init (&saving->window, self);
  saving->file = g_object_ref (file);
  vs_plan_save_async (plan, path, NULL, plan_saved_cb, saving);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  VsWindow *self = VS_WINDOW (widget);

  if (self->plan_file != NULL)
    save_chosen (self, self->plan_file);
  else
    choose (self, CHOOSE_SAVE, _("Save the Plan"), "plan.json", TRUE, save_chosen);
}

/* What the dashboard shows: the current or last run's results, or results opened since. */
static VsResults *
current_results (VsWindow *self)
{
  if (self->dashboard != NULL && vs_dashboard_get_results (self->dashboard) != NULL)
    return vs_dashboard_get_results (self->dashboard);
  return self->run != NULL ? vs_run_get_results (self->run) : NULL;
}

/* Opening result files: one is shown as it is — a run's result or a capacity search's —,
 * several are merged first (vs-merge.h): the segments of one --segment split, or runs of one
 * plan. Read and merged off the main thread. */
typedef struct
{
  VsResults  *results;
  VsCapacity *capacity;
} Opened;

static void
opened_free (Opened *opened)
{
  g_clear_object (&opened->results);
  g_clear_object (&opened->capacity);
  g_free (opened);
}

static void
merge_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  GStrv paths = data;
  GError *error = NULL;
  Opened *opened = g_new0 (Opened, 1);
  gboolean ok;

  if (g_strv_length (paths) == 1)
    ok = vs_capacity_json_open_file (paths[0], &opened->capacity, &opened->results, &error);
  else
    ok = (opened->results = vs_merge_files ((const char * const *) paths,
                                            g_strv_length (paths), &error)) != NULL;
  if (ok)
    g_task_return_pointer (task, opened, (GDestroyNotify) opened_free);
  else
    {
      opened_free (opened);
      g_task_return_error (task, error);
    }
}

static void
merged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  GWeakRef *window = data;
  g_autoptr(VsWindow) self = g_weak_ref_get (window);
  g_autoptr(GError) error = NULL;
  Opened *opened = g_task_propagate_pointer (G_TASK (result), &error);

  /* a run started meanwhile keeps the dashboard */
  if (self != NULL && self->dashboard != NULL && !vs_window_is_running (self))
    {
      if (opened != NULL && opened->capacity != NULL)
        {
          vs_dashboard_set_capacity (self->dashboard, opened->capacity);
          vs_dashboard_capacity_changed (self->dashboard);
          _vs_window_update_actions (self);
        }
      else if (opened != NULL)
        {
          vs_dashboard_set_results (self->dashboard, opened->results);
          vs_dashboard_show_summary (self->dashboard);
          _vs_window_update_actions (self);
        }
      report (self, error, _("Opened the results"));
    }
  g_clear_pointer (&opened, opened_free);
  g_weak_ref_clear (window);
  g_free (window);
}

static void
open_results (VsWindow           *self,
              const char * const *paths)
{
  g_autoptr(GTask) task = NULL;
  GWeakRef *window;

  if (paths == NULL || paths[0] == NULL)
    return;
  window = g_new0 (GWeakRef, 1);
  g_weak_ref_init (window, self);
  task = g_task_new (NULL, NULL, merged_cb, window);
  g_task_set_task_data (task, g_strdupv ((char **) paths), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, merge_thread);
}

/* The local paths of a list of GFiles; a file that is not local is left out. */
static void
open_result_files (VsWindow   *self,
                   GListModel *files)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) paths = NULL;

  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        g_strv_builder_add (builder, path);
    }
  paths = g_strv_builder_end (builder);
  open_results (self, (const char * const *) paths);
}

#if GTK_CHECK_VERSION (4, 10, 0)
static void
results_dialog_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  g_autoptr(GListModel) files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source),
                                                                      result, NULL);

  open_result_files (self, files);
}

static void
choose_results (VsWindow *self)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) filter = json_filter ();

  gtk_file_dialog_set_title (dialog, _("Open Results (several are merged)"));
  gtk_file_dialog_set_modal (dialog, TRUE);
  g_list_store_append (filters, filter);
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_open_multiple (dialog, GTK_WINDOW (self), NULL, results_dialog_done,
                                 g_object_ref (self));
}
#else
static void
results_native_response (GtkNativeDialog *native,
                         int              response,
                         gpointer         user_data)
{
  g_autoptr(VsWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));

      open_result_files (self, files);
    }
  g_object_unref (native);
}

static void
choose_results (VsWindow *self)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = json_filter ();

  native = gtk_file_chooser_native_new (_("Open Results (several are merged)"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_signal_connect (native, "response", G_CALLBACK (results_native_response),
                    g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}
#endif

/* An "as" parameter: the result files to open, or none to ask. */
static void
open_results_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  g_autofree const char **paths = param != NULL ? g_variant_get_strv (param, NULL) : NULL;

  if (paths != NULL && paths[0] != NULL)
    open_results (VS_WINDOW (widget), paths);
  else
    choose_results (VS_WINDOW (widget));
}

/* What an export writes; the result files off the main thread, the charts on it (they are
 * drawn from the dashboard's models). */
typedef enum
{
  EXPORT_CSV    = 1 << 0,
  EXPORT_JSON   = 1 << 1,
  EXPORT_CHARTS = 1 << 2,
} ExportParts;

typedef struct
{
  GWeakRef     window;
  char        *path;
  ExportParts  parts;
  const char  *done;
} Exporting;

static void
exporting_free (Exporting *exporting)
{
  g_weak_ref_clear (&exporting->window);
  g_free (exporting->path);
  g_free (exporting);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  Exporting *exporting = data;
  g_autoptr(VsWindow) self = g_weak_ref_get (&exporting->window);
  g_autoptr(GError) error = NULL;
  GError *charts_error = NULL;

  /* the charts too when a result file failed: every output is written, each failure said */
  vs_export_finish (result, &error);
  if (self != NULL && self->dashboard != NULL && (exporting->parts & EXPORT_CHARTS) != 0)
    vs_dashboard_export_charts (self->dashboard, exporting->path, &charts_error);
  vs_error_add (&error, charts_error);
  if (self != NULL && self->dashboard != NULL)
    report (self, error, exporting->done);
  exporting_free (exporting);
}

/* The capacity search the dashboard shows, or NULL. */
static VsCapacity *
shown_capacity (VsWindow *self)
{
  return self->dashboard != NULL ? vs_dashboard_get_capacity (self->dashboard) : NULL;
}

/* The JSON result's path: the one chosen, or result.json in the folder of everything. */
static char *
json_path (const char  *path,
           ExportParts  parts)
{
  return (parts & EXPORT_CSV) != 0 ? g_build_filename (path, "result.json", NULL)
                                   : g_strdup (path);
}

static void
capacity_export_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  Exporting *exporting = data;
  VsCapacity *capacity = g_object_get_data (G_OBJECT (task), "capacity");
  GError *error = NULL;
  GError *json_error = NULL;

  /* the search is over (export waits for its end): nothing changes it meanwhile; every output
   * is written, each failure said */
  if ((exporting->parts & EXPORT_CSV) != 0)
    vs_export_capacity_csv_dir (capacity, exporting->path, &error);
  if ((exporting->parts & EXPORT_JSON) != 0)
    {
      g_autofree char *json = json_path (exporting->path, exporting->parts);

      vs_export_capacity_json_file (capacity, json, &json_error);
      vs_error_add (&error, json_error);
    }
  if (error == NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
capacity_exported_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      data)
{
  Exporting *exporting = g_task_get_task_data (G_TASK (result));
  g_autoptr(VsWindow) self = g_weak_ref_get (&exporting->window);
  g_autoptr(GError) error = NULL;
  GError *charts_error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  if (self != NULL && self->dashboard != NULL && (exporting->parts & EXPORT_CHARTS) != 0)
    vs_dashboard_export_charts (self->dashboard, exporting->path, &charts_error);
  vs_error_add (&error, charts_error);
  if (self != NULL && self->dashboard != NULL)
    report (self, error, exporting->done);
}

/* A capacity search: its CSV files (summary.csv, steps.csv, timeseries.csv) and its JSON
 * (vs_export_capacity_json()), written off the main thread, and its charts. */
static void
run_capacity_export (VsWindow    *self,
                     VsCapacity  *capacity,
                     const char  *path,
                     ExportParts  parts,
                     const char  *done)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Exporting *exporting;

  if ((parts & (EXPORT_CSV | EXPORT_JSON)) == 0)
    {
      vs_dashboard_export_charts (self->dashboard, path, &error);
      report (self, error, done);
      return;
    }
  exporting = g_new0 (Exporting, 1);
  g_weak_ref_init (&exporting->window, self);
  exporting->path = g_strdup (path);
  exporting->parts = parts;
  exporting->done = done;
  task = g_task_new (NULL, NULL, capacity_exported_cb, NULL);
  g_task_set_task_data (task, exporting, (GDestroyNotify) exporting_free);
  g_object_set_data_full (G_OBJECT (task), "capacity", g_object_ref (capacity), g_object_unref);
  g_task_run_in_thread (task, capacity_export_thread);
}

static void
run_export (VsWindow    *self,
            GFile       *file,
            ExportParts  parts,
            const char  *done)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  Exporting *exporting;

  if (current_results (self) == NULL && shown_capacity (self) == NULL)
    return;
  if (path == NULL)
    {
      g_set_error (&error, VS_ERROR, VS_ERROR_IO,
                   _("Results can only be exported to local files"));
      report (self, error, done);
      return;
    }
  if (shown_capacity (self) != NULL)
    {
      run_capacity_export (self, shown_capacity (self), path, parts,
                           (parts & EXPORT_CSV) != 0 && (parts & EXPORT_CHARTS) == 0
                           ? _("Exported summary.csv, steps.csv and timeseries.csv") : done);
      return;
    }

  if (parts == EXPORT_CHARTS)
    {
      vs_dashboard_export_charts (self->dashboard, path, &error);
      report (self, error, done);
      return;
    }

  /* a folder for everything: the JSON result goes into it */
  if ((parts & EXPORT_JSON) != 0)
    json = json_path (path, parts);

  exporting = g_new0 (Exporting, 1);
  g_weak_ref_init (&exporting->window, self);
  exporting->path = g_strdup (path);
  exporting->parts = parts;
  exporting->done = done;
  vs_export_async (current_results (self), (parts & EXPORT_CSV) != 0 ? path : NULL, json, NULL,
                   exported_cb, exporting);
}

static void
csv_chosen (VsWindow *self,
            GFile    *file)
{
  run_export (self, file, EXPORT_CSV, _("Exported summary.csv and timeseries.csv"));
}

static void
json_chosen (VsWindow *self,
             GFile    *file)
{
  run_export (self, file, EXPORT_JSON, _("Exported the JSON result"));
}

static void
charts_chosen (VsWindow *self,
               GFile    *file)
{
  run_export (self, file, EXPORT_CHARTS, _("Exported the charts as PNG and SVG"));
}

static void
everything_chosen (VsWindow *self,
                   GFile    *file)
{
  run_export (self, file, EXPORT_CSV | EXPORT_JSON | EXPORT_CHARTS,
              _("Exported the results and charts"));
}

void
_vs_window_export_everything (VsWindow *self,
                              GFile    *folder)
{
  everything_chosen (self, folder);
}

/* The HdrHistogram interval log: made from the results here (they live on the main thread),
 * written off it. */
static void
hlog_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  GWeakRef *window = data;
  g_autoptr(VsWindow) self = g_weak_ref_get (window);
  g_autoptr(GError) error = NULL;

  vs_file_write_finish (result, &error);
  if (self != NULL && self->dashboard != NULL)
    report (self, error, _("Exported the HdrHistogram log"));
  g_weak_ref_clear (window);
  g_free (window);
}

static void
hlog_chosen (VsWindow *self,
             GFile    *file)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GError) error = NULL;
  GWeakRef *window;
  char *text;

  if (current_results (self) == NULL)
    return;
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (&error, VS_ERROR, VS_ERROR_IO,
                   _("Results can only be exported to local files"));
      report (self, error, NULL);
      return;
    }
  text = vs_hlog_render (current_results (self));
  contents = g_bytes_new_take (text, strlen (text));

  window = g_new0 (GWeakRef, 1);
  g_weak_ref_init (window, self);
  vs_file_write_async (&(VsFileWrite) { .path = path, .contents = contents }, NULL,
                       hlog_written_cb, window);
}

/* An "s" parameter: a path to write to directly, or empty to ask. */
static void
export_with_param (VsWindow   *self,
                   GVariant   *param,
                   ChooseKind  kind,
                   const char *title,
                   const char *initial_name,
                   ChosenFunc  func)
{
  const char *path = param != NULL ? g_variant_get_string (param, NULL) : "";

  if (*path != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);

      func (self, file);
      return;
    }
  choose (self, kind, title, initial_name, kind == CHOOSE_SAVE, func);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  export_with_param (VS_WINDOW (widget), NULL, CHOOSE_FOLDER,
                     _("Export Results and Charts to a Folder"), NULL, everything_chosen);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  export_with_param (VS_WINDOW (widget), param, CHOOSE_FOLDER,
                     _("Export the CSV Files to a Folder"), NULL, csv_chosen);
}

static void
export_json_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  export_with_param (VS_WINDOW (widget), param, CHOOSE_SAVE, _("Export the JSON Result"),
                     "result.json", json_chosen);
}

static void
export_hlog_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  export_with_param (VS_WINDOW (widget), param, CHOOSE_SAVE, _("Export the HdrHistogram Log"),
                     "result.hlog", hlog_chosen);
}

static void
export_charts_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  export_with_param (VS_WINDOW (widget), param, CHOOSE_FOLDER,
                     _("Export the Charts to a Folder"), NULL, charts_chosen);
}

void
_vs_window_class_actions_init (VsWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.open-results", "as", open_results_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-csv", "s", export_csv_action);
  gtk_widget_class_install_action (widget_class, "win.export-json", "s", export_json_action);
  gtk_widget_class_install_action (widget_class, "win.export-hlog", "s", export_hlog_action);
  gtk_widget_class_install_action (widget_class, "win.export-charts", "s",
                                   export_charts_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "win.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "win.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "win.export", NULL);
}

void
_vs_window_update_actions (VsWindow *self)
{
  gboolean running = vs_window_is_running (self);
  gboolean valid = vs_plan_editor_get_valid (self->editor);
  VsCapacity *capacity = shown_capacity (self);
  gboolean has_results = (capacity != NULL ? vs_capacity_get_steps (capacity)->len > 0
                                           : current_results (self) != NULL) && !running;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "win.start", !running && valid && !self->close_pending
                                 && self->consent_dialog == NULL);
  gtk_widget_action_set_enabled (widget, "win.stop", running);
  gtk_widget_action_set_enabled (widget, "win.open", !running);
  gtk_widget_action_set_enabled (widget, "win.open-results", !running);
  gtk_widget_action_set_enabled (widget, "win.export", has_results);
  gtk_widget_action_set_enabled (widget, "win.export-csv", has_results);
  /* a search has CSV files and charts, not one result of one run */
  gtk_widget_action_set_enabled (widget, "win.export-json", has_results);
  gtk_widget_action_set_enabled (widget, "win.export-hlog", has_results && capacity == NULL);
  gtk_widget_action_set_enabled (widget, "win.export-charts", has_results);
  gtk_widget_action_set_enabled (widget, "win.open-recovered",
                                 self->recovered != NULL && !running);

  gtk_widget_set_visible (self->start_button, !running);
  gtk_widget_set_visible (self->stop_button, running);
  gtk_widget_set_sensitive (self->export_button, has_results);
  gtk_widget_set_sensitive (GTK_WIDGET (self->editor), !running);

  if (!valid)
    {
      g_auto(GStrv) problems = vs_plan_editor_dup_problems (self->editor);
      g_autofree char *tip = NULL;

      /* TRANSLATORS: the start button's tooltip while the plan has problems */
      tip = g_strdup_printf (_("Fix the plan first: %s"),
                             problems[0] != NULL ? problems[0] : "");
      gtk_widget_set_tooltip_text (self->start_button, tip);
    }
  else
    gtk_widget_set_tooltip_text (self->start_button, _("Start the Run (Ctrl+Return)"));
}
