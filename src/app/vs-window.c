/* vs-window.c: the main window
 *
 * Owns the run: starts it from the edited plan, feeds each tick to the dashboard and, when the
 * window is closed during a run, stops it and closes only once "finished" has arrived, so no
 * worker or connection outlives the window.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "vs-application.h"
#include "vs-consent.h"
#include "vs-error.h"
#include "vs-file.h"
#include "vs-io-async.h"
#include "vs-window-private.h"

#define CLOSE_GRACE_MS 5000

G_DEFINE_FINAL_TYPE (VsWindow, vs_window, ADW_TYPE_APPLICATION_WINDOW)

void
_vs_window_toast (VsWindow   *self,
                  const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

void
_vs_window_set_plan_file (VsWindow *self,
                          GFile    *file)
{
  g_set_object (&self->plan_file, file);
  if (file != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *path = g_file_get_path (file);

      adw_window_title_set_subtitle (self->window_title, name);
      if (self->settings != NULL && path != NULL)
        g_settings_set_string (self->settings, "last-plan", path);
    }
  else
    adw_window_title_set_subtitle (self->window_title, _("Unsaved plan"));
}

static void
editor_valid_cb (VsWindow *self)
{
  _vs_window_update_actions (self);
}

static void
print_frame_stats (VsWindow *self)
{
  VsResults *results;

  if (g_getenv ("VERSUS_DEBUG_FRAMES") == NULL)
    return;
  g_printerr ("versus: %u frames during the run: p50 %.2f ms, p95 %.2f ms, max %.2f ms\n",
              vs_frame_stats_get_count (self->frame_stats),
              vs_frame_stats_percentile (self->frame_stats, 50) / 1000.0,
              vs_frame_stats_percentile (self->frame_stats, 95) / 1000.0,
              vs_frame_stats_percentile (self->frame_stats, 100) / 1000.0);
  /* beside it what the engine achieved, to compare with `versus run` */
  results = self->run != NULL ? vs_run_get_results (self->run) : NULL;
  for (guint t = 0; results != NULL && t < vs_results_get_n_targets (results); t++)
    {
      const VsTargetResult *r = vs_results_get_target (results, t);

      g_printerr ("versus: %s: %.0f req/s\n", r->target->name, vs_target_result_rps (r));
    }
}

static void
run_tick_cb (VsWindow *self,
             VsRun    *run)
{
  double planned = vs_run_get_planned (run);

  vs_dashboard_update (self->dashboard);
  if (self->autosave != NULL)
    vs_autosave_tick (self->autosave);
  if (planned > 0)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress),
                                   CLAMP (vs_run_get_elapsed (run) / planned, 0, 1));
  else
    gtk_progress_bar_pulse (GTK_PROGRESS_BAR (self->progress));
}

static gboolean
screenshot_timeout (gpointer data)
{
  VsWindow *self = data;
  g_autoptr(GError) error = NULL;
  const char *path = g_getenv ("VERSUS_SCREENSHOT");

  if (!vs_window_save_screenshot (self, path, &error))
    g_printerr ("versus: %s\n", error->message);
  gtk_window_destroy (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

/* A run or a search is over (its summary shown): the window closes when that was asked,
 * else says how it ended. */
static void
ended (VsWindow     *self,
       const GError *error,
       const char   *done)
{
  vs_dashboard_show_summary (self->dashboard);
  vs_dashboard_set_error (self->dashboard, error != NULL ? error->message : NULL);
  print_frame_stats (self);
  _vs_window_update_actions (self);

  if (self->close_pending)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  /* build-aux/screenshot.sh: picture the finished run, then leave */
  if (g_getenv ("VERSUS_SCREENSHOT") != NULL)
    g_timeout_add_full (G_PRIORITY_DEFAULT, 800, screenshot_timeout, g_object_ref (self),
                        g_object_unref);
  else if (error != NULL)
    _vs_window_toast (self, vs_dashboard_get_notice (self->dashboard, "error"));
  else
    _vs_window_toast (self, done);
}

static void
run_finished_cb (VsWindow *self,
                 VsRun    *run)
{
  gtk_widget_set_visible (self->progress, FALSE);
  /* the run ended: its copy is not an unfinished run any more */
  if (self->autosave != NULL)
    vs_autosave_finish (self->autosave);
  g_clear_object (&self->autosave);
  ended (self, vs_run_get_error (run), _("Run finished"));
}

static void
autosave_failed_cb (VsWindow   *self,
                    const char *message)
{
  g_autofree char *text = NULL;

  /* TRANSLATORS: the run goes on, but a crash would lose it */
  text = g_strdup_printf (_("The run is not being kept on disk: %s"), message);
  _vs_window_toast (self, text);
}

/* The run's start is over: its preparation (body files, name resolution) ran on the run's
 * controller thread while the window went on drawing. */
static void
run_started_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  VsRun *run = VS_RUN (object);
  g_autoptr(GError) error = NULL;

  if (!vs_run_start_finish (run, result, &error))
    {
      if (self->run == run)
        {
          gtk_widget_set_visible (self->progress, FALSE);
          _vs_window_update_actions (self);
          _vs_window_toast (self, error->message);
          if (self->close_pending)
            gtk_window_destroy (GTK_WINDOW (self));
        }
      return;
    }

  if (self->run != run)
    return;

  vs_frame_stats_reset (self->frame_stats);
  vs_dashboard_set_results (self->dashboard, vs_run_get_results (run));
  g_clear_object (&self->autosave);
  self->autosave = vs_autosave_new (vs_run_get_results (run));
  g_signal_connect_object (self->autosave, "failed", G_CALLBACK (autosave_failed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0);
  _vs_window_update_actions (self);
}

/* ---- a capacity search: a series of runs, each step's drawn live as it runs ---- */

static void
capacity_tick_cb (VsWindow *self,
                  VsRun    *run)
{
  vs_dashboard_update (self->dashboard);
  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (self->progress));
}

static void
capacity_step_started_cb (VsWindow   *self,
                          guint       target,
                          double      rate,
                          VsCapacity *capacity)
{
  VsRun *run = vs_capacity_get_run (capacity);

  if (run != NULL)
    g_signal_connect_object (run, "tick", G_CALLBACK (capacity_tick_cb), self,
                             G_CONNECT_SWAPPED);
  vs_dashboard_capacity_step_started (self->dashboard, target, rate);
}

static void
capacity_step_cb (VsWindow   *self,
                  gpointer    step,
                  VsCapacity *capacity)
{
  vs_dashboard_capacity_changed (self->dashboard);
}

static void
capacity_finished_cb (VsWindow   *self,
                      VsCapacity *capacity)
{
  gtk_widget_set_visible (self->progress, FALSE);
  ended (self, vs_capacity_get_error (capacity), _("Capacity search finished"));
}

/* Drops the last run or search, so that what starts now is the only one the window follows. */
static void
forget_runs (VsWindow *self)
{
  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_object (&self->run);
  if (self->capacity != NULL)
    g_signal_handlers_disconnect_by_data (self->capacity, self);
  g_clear_object (&self->capacity);
}

/* Starts the search of a checked copy of a plan of mode capacity: its first step starts now,
 * so that what keeps it from starting is said at once. */
static void
start_capacity (VsWindow *self,
                VsPlan   *plan)
{
  g_autoptr(VsCapacity) capacity = vs_capacity_new (plan);
  g_autoptr(GError) error = NULL;

  forget_runs (self);
  g_signal_connect_object (capacity, "step-started", G_CALLBACK (capacity_step_started_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (capacity, "step", G_CALLBACK (capacity_step_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (capacity, "finished", G_CALLBACK (capacity_finished_cb), self,
                           G_CONNECT_SWAPPED);
  self->capacity = g_object_ref (capacity);
  vs_frame_stats_reset (self->frame_stats);
  vs_dashboard_set_capacity (self->dashboard, capacity);

  if (!vs_capacity_start (capacity, &error))
    {
      forget_runs (self);
      vs_dashboard_set_results (self->dashboard, NULL);
      _vs_window_toast (self, error->message);
      _vs_window_update_actions (self);
      return;
    }

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0);
  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (self->progress));
  gtk_widget_set_visible (self->progress, TRUE);
  _vs_window_update_actions (self);
}

/* Starts a checked copy of the plan. */
static void
start_plan (VsWindow *self,
            VsPlan   *plan)
{
  g_autoptr(VsRun) run = NULL;

  if (plan->mode == VS_MODE_CAPACITY)
    {
      start_capacity (self, plan);
      return;
    }

  run = vs_run_new (plan);

  /* only reached with the person's consent to the plan's commands, when it has any */
  vs_run_set_allow_commands (run, vs_plan_has_commands (plan));
  g_signal_connect_object (run, "tick", G_CALLBACK (run_tick_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (run, "finished", G_CALLBACK (run_finished_cb), self,
                           G_CONNECT_SWAPPED);

  forget_runs (self);
  self->run = g_object_ref (run);

  vs_run_start_async (run, NULL, run_started_cb, g_object_ref (self));

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0);
  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (self->progress));
  gtk_widget_set_visible (self->progress, TRUE);
  _vs_window_update_actions (self);
}

static void
consent_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  VsWindow *self = VS_WINDOW (user_data);
  VsPlan *plan = g_object_get_data (G_OBJECT (dialog), "plan");
  const char *key = g_object_get_data (G_OBJECT (dialog), "key");

  if (self->consent_dialog == dialog)
    self->consent_dialog = NULL;
  _vs_window_update_actions (self);
  if (!g_str_equal (response, "run") || self->close_pending || vs_window_is_running (self))
    return;

  g_free (self->consented);
  self->consented = g_strdup (key);
  start_plan (self, plan);
}

gboolean
vs_window_start (VsWindow  *self,
                 GError   **error)
{
  g_autoptr(VsPlan) edited = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (VS_IS_WINDOW (self), FALSE);

  if (vs_window_is_running (self) || self->consent_dialog != NULL)
    return TRUE;

  edited = vs_plan_editor_get_plan (self->editor);
  plan = vs_plan_copy (edited);
  if (self->settings != NULL)
    plan->tick_us = (gint64) g_settings_get_uint (self->settings, "tick-interval") * 1000;

  /* what the editor already marks is said at once; the rest (a body file that cannot be
   * read, a name that does not resolve) comes from the start, as a toast */
  problems = vs_plan_check (plan);
  if (problems->len > 0)
    {
      const VsPlanProblem *first = g_ptr_array_index (problems, 0);

      g_set_error (error, VS_ERROR, VS_ERROR_INVALID, "%s: %s", first->path, first->message);
      return FALSE;
    }

  /* nothing runs on this computer before the person has seen exactly what */
  commands = vs_plan_list_commands (plan);
  key = vs_consent_key (commands);
  if (key != NULL && g_strcmp0 (key, self->consented) != 0)
    {
      AdwMessageDialog *dialog = vs_consent_dialog_new (GTK_WINDOW (self), commands);

      g_object_set_data_full (G_OBJECT (dialog), "plan", g_steal_pointer (&plan),
                              (GDestroyNotify) vs_plan_unref);
      g_object_set_data_full (G_OBJECT (dialog), "key", g_steal_pointer (&key), g_free);
      g_signal_connect_object (dialog, "response", G_CALLBACK (consent_response_cb), self, 0);
      self->consent_dialog = dialog;
      _vs_window_update_actions (self);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  start_plan (self, plan);
  return TRUE;
}

void
vs_window_allow_commands (VsWindow *self)
{
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(GPtrArray) commands = NULL;

  g_return_if_fail (VS_IS_WINDOW (self));

  plan = vs_plan_editor_get_plan (self->editor);
  commands = vs_plan_list_commands (plan);
  g_free (self->consented);
  self->consented = vs_consent_key (commands);
}

void
vs_window_stop (VsWindow *self)
{
  g_return_if_fail (VS_IS_WINDOW (self));

  if (self->capacity != NULL && vs_capacity_is_running (self->capacity))
    vs_capacity_stop (self->capacity);
  else if (vs_window_is_running (self))
    vs_run_stop (self->run);
}

gboolean
vs_window_is_running (VsWindow *self)
{
  return (self->run != NULL && vs_run_is_running (self->run)) ||
         (self->capacity != NULL && vs_capacity_is_running (self->capacity));
}

static gboolean
close_timeout_cb (gpointer data)
{
  VsWindow *self = data;

  /* "finished" should have come long ago; do not keep a window the user closed */
  self->close_timeout = 0;
  g_warning ("The run did not finish within %d ms of being stopped", CLOSE_GRACE_MS);
  gtk_window_destroy (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

static gboolean
vs_window_close_request (GtkWindow *window)
{
  VsWindow *self = VS_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
    }

  if (vs_window_is_running (self))
    {
      if (!self->close_pending)
        {
          self->close_pending = TRUE;
          gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
          vs_window_stop (self);
          self->close_timeout = g_timeout_add (CLOSE_GRACE_MS, close_timeout_cb, self);
        }
      return TRUE;
    }

  return GTK_WINDOW_CLASS (vs_window_parent_class)->close_request (window);
}

static void
vs_window_dispose (GObject *object)
{
  VsWindow *self = VS_WINDOW (object);

  g_clear_handle_id (&self->close_timeout, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->autosave);
  g_clear_object (&self->recovered);
  g_clear_pointer (&self->recovered_path, g_free);
  g_clear_pointer (&self->last_toast, g_free);
  g_clear_pointer (&self->consented, g_free);
  if (self->consent_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->consent_dialog)));
  if (self->run != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->run, self);
      if (vs_run_is_running (self->run))
        vs_run_stop (self->run);
    }
  g_clear_object (&self->run);
  /* a search goes on only to end the step it is in: stopped, it finishes on its own */
  if (self->capacity != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->capacity, self);
      if (vs_capacity_is_running (self->capacity))
        vs_capacity_stop (self->capacity);
    }
  g_clear_object (&self->capacity);
  g_clear_pointer (&self->frame_stats, vs_frame_stats_free);
  g_clear_object (&self->plan_file);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_WINDOW);
  G_OBJECT_CLASS (vs_window_parent_class)->dispose (object);
}

static void
recovery_found_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VsWindow) self = user_data;
  g_autoptr(VsResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *path = NULL;
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  results = vs_autosave_find_finish (result, &path, &error);
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  self->recovery_searched = TRUE;
  if (results == NULL)
    return;

  g_set_object (&self->recovered, results);
  g_free (self->recovered_path);
  self->recovered_path = g_steal_pointer (&path);
  _vs_window_update_actions (self);

  local = g_date_time_to_local (vs_results_get_started (results));
  when = g_date_time_format (local, "%x %X");
  /* TRANSLATORS: offered at start after a crash; %s is when the run began */
  title = g_strdup_printf (_("The run of %s did not end; its figures were kept"), when);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Open"));
  adw_toast_set_action_name (toast, "win.open-recovered");
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
recovered_renamed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!vs_autosave_set_recovered_finish (result, &error))
    g_message ("%s", error->message);
}

/* The unfinished run, shown as a finished one's results: its plan in the editor, its cards,
 * charts and table as they were at its last copy. */
static void
open_recovered_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  VsWindow *self = VS_WINDOW (widget);
  g_autoptr(VsResults) results = NULL;
  g_autofree char *path = NULL;

  if (self->recovered == NULL || vs_window_is_running (self))
    return;
  results = g_steal_pointer (&self->recovered);
  path = g_steal_pointer (&self->recovered_path);
  forget_runs (self);
  vs_plan_editor_set_plan (self->editor, vs_results_get_plan (results));
  _vs_window_set_plan_file (self, NULL);
  vs_dashboard_set_results (self->dashboard, results);
  vs_dashboard_update (self->dashboard);
  vs_dashboard_show_summary (self->dashboard);
  vs_dashboard_set_error (self->dashboard,
                          _("This run did not end: these are its figures at its last copy."));
  _vs_window_update_actions (self);
  /* opened: not offered again */
  vs_autosave_set_recovered_async (path, recovered_renamed_cb, NULL);
}

static void
vs_window_class_init (VsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = vs_window_dispose;
  window_class->close_request = vs_window_close_request;

  g_type_ensure (VS_TYPE_PLAN_EDITOR);
  g_type_ensure (VS_TYPE_DASHBOARD);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/versus/Versus/vs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VsWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, progress);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, editor);
  gtk_widget_class_bind_template_child (widget_class, VsWindow, dashboard);

  _vs_window_class_actions_init (klass);
  gtk_widget_class_install_action (widget_class, "win.open-recovered", NULL,
                                   open_recovered_action);
}

static VsPlan *
default_plan (void)
{
  VsPlan *plan = vs_plan_new ();

  vs_plan_add_target (plan, vs_target_new ("backend-a", "http://127.0.0.1:8081/"));
  vs_plan_add_target (plan, vs_target_new ("backend-b", "http://127.0.0.1:8082/"));
  plan->load.warmup_us = 2 * G_USEC_PER_SEC;
  return plan;
}

static void
vs_window_init (VsWindow *self)
{
  g_autoptr(VsPlan) plan = default_plan ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->frame_stats = vs_frame_stats_new ();
  vs_frame_stats_attach (self->frame_stats, GTK_WIDGET (self));

  self->settings = vs_application_dup_settings ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  else
    gtk_window_set_default_size (GTK_WINDOW (self), 1280, 860);

  vs_plan_editor_set_plan (self->editor, plan);
  g_signal_connect_object (self->editor, "notify::valid", G_CALLBACK (editor_valid_cb), self,
                           G_CONNECT_SWAPPED);
  _vs_window_set_plan_file (self, NULL);

  /* the last plan, when it still loads: read off the main thread, so that a plan on a slow
   * disk or a gone network share does not hold up the window's first frame */
  if (self->settings != NULL)
    {
      g_autofree char *last = g_settings_get_string (self->settings, "last-plan");

      if (*last != '\0')
        {
          g_autoptr(GFile) file = g_file_new_for_path (last);

          _vs_window_load_plan_async (self, file, TRUE);
        }
    }

  /* a run that never ended (a crash, a kill) is offered back */
  self->cancellable = g_cancellable_new ();
  vs_autosave_find_async (self->cancellable, recovery_found_cb, g_object_ref (self));

  _vs_window_update_actions (self);
}

VsWindow *
vs_window_new (AdwApplication *application)
{
  return g_object_new (VS_TYPE_WINDOW, "application", application, NULL);
}

/* The path of a plan file, or NULL with the reason when it is not a local file. */
static char *
plan_path (GFile   *file,
           GError **error)
{
  char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, VS_ERROR, VS_ERROR_IO,
                   _("“%s” is not a local file; copy the plan to this computer first"), uri);
    }
  return path;
}

static void
show_plan (VsWindow *self,
           VsPlan   *plan,
           GFile    *file)
{
  vs_plan_editor_set_plan (self->editor, plan);
  _vs_window_set_plan_file (self, file);
}

gboolean
vs_window_load_plan (VsWindow  *self,
                     GFile     *file,
                     GError   **error)
{
  g_autofree char *path = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (VS_IS_WINDOW (self), FALSE);

  path = plan_path (file, &local_error);
  if (path != NULL)
    plan = vs_plan_load_from_file (path, &local_error);

  if (plan == NULL)
    {
      _vs_window_toast (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  show_plan (self, plan, file);
  return TRUE;
}

typedef struct
{
  GWeakRef  window;
  GFile    *file;
  gboolean  remembered;  /* the last plan, at start-up: shown only if nothing else is yet */
} Loading;

static void
plan_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  Loading *loading = data;
  g_autoptr(VsWindow) self = g_weak_ref_get (&loading->window);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = vs_plan_load_finish (result, &error);

  if (self != NULL && self->editor != NULL)
    {
      if (plan == NULL && !loading->remembered)
        _vs_window_toast (self, error->message);
      else if (plan != NULL && !(loading->remembered && self->plan_file != NULL) &&
               !vs_window_is_running (self))
        show_plan (self, plan, loading->file);
    }

  g_weak_ref_clear (&loading->window);
  g_object_unref (loading->file);
  g_free (loading);
}

void
_vs_window_load_plan_async (VsWindow *self,
                            GFile    *file,
                            gboolean  remembered)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = plan_path (file, &error);
  Loading *loading;

  if (path == NULL)
    {
      if (!remembered)
        _vs_window_toast (self, error->message);
      return;
    }

  loading = g_new0 (Loading, 1);
  g_weak_ref_init (&loading->window, self);
  loading->file = g_object_ref (file);
  loading->remembered = remembered;
  vs_plan_load_async (path, NULL, plan_loaded_cb, loading);
}

VsRun *
vs_window_get_run (VsWindow *self)
{
  return self->run;
}

VsPlanEditor *
vs_window_get_editor (VsWindow *self)
{
  return self->editor;
}

VsDashboard *
vs_window_get_dashboard (VsWindow *self)
{
  return self->dashboard;
}

VsCapacity *
vs_window_get_capacity (VsWindow *self)
{
  return self->capacity;
}

VsFrameStats *
vs_window_get_frame_stats (VsWindow *self)
{
  return self->frame_stats;
}

gboolean
vs_window_save_screenshot (VsWindow    *self,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (self));
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL || renderer == NULL)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_FAILED,
                   _("The window is not on screen yet, so it cannot be pictured"));
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  png = gdk_texture_save_to_png_bytes (texture);
  return vs_file_replace (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), error);
}
