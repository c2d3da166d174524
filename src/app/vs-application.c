/* vs-application.c: VsApplication
 *
 * `versus` opens a window; `versus --plan FILE [--start]` opens it with that plan and starts it;
 * `--allow-commands` is the person's consent to the plan's commands (its servers), which the
 * window asks for otherwise.
 * The color scheme follows the "color-scheme" setting.
 *
 * Signals: the first SIGINT (Ctrl+C in the terminal that started it), SIGTERM or SIGHUP quits
 * as app.quit does — each window stops its run, whose servers are stopped, then closes; a
 * second one stops whatever is still running of the servers (vs_server_emergency_stop_all())
 * and ends the process by that signal (vs-signals.h). The servers run in sessions of their own,
 * so the terminal's Ctrl+C does not reach them: without this they would outlive the window.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>

#include "vs-application.h"
#include "vs-signals.h"
#include "vs-window.h"

static const int quit_signals[] = { SIGINT, SIGTERM, SIGHUP };

struct _VsApplication
{
  AdwApplication  parent_instance;
  GSettings      *settings;
  VsSignalWatch  *signal_watch;
};

G_DEFINE_FINAL_TYPE (VsApplication, vs_application, ADW_TYPE_APPLICATION)

GSettings *
vs_application_dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("GSettings schema %s not found; preferences will not persist", APP_ID);
      return NULL;
    }
  return g_settings_new (APP_ID);
}

static void
apply_color_scheme (VsApplication *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autofree char *scheme = NULL;

  if (self->settings == NULL)
    return;
  scheme = g_settings_get_string (self->settings, "color-scheme");
  if (g_str_equal (scheme, "light"))
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_str_equal (scheme, "dark"))
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

static VsWindow *
get_window (VsApplication *self,
            gboolean       fresh)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* a busy window keeps its run; a new plan gets a window of its own */
  if (window == NULL || !VS_IS_WINDOW (window) ||
      (fresh && vs_window_is_running (VS_WINDOW (window))))
    window = GTK_WINDOW (vs_window_new (ADW_APPLICATION (self)));
  return VS_WINDOW (window);
}

static void
vs_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (VS_APPLICATION (app), FALSE)));
}

static int
vs_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("versus %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static int
vs_application_command_line (GApplication            *app,
                             GApplicationCommandLine *command_line)
{
  VsApplication *self = VS_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree char *plan = NULL;
  gboolean start = FALSE;
  gboolean allow_commands = FALSE;
  VsWindow *window;

  g_variant_dict_lookup (options, "plan", "^ay", &plan);
  g_variant_dict_lookup (options, "start", "b", &start);
  g_variant_dict_lookup (options, "allow-commands", "b", &allow_commands);

  window = get_window (self, plan != NULL);
  gtk_window_present (GTK_WINDOW (window));

  if (plan != NULL)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, plan);
      g_autoptr(GError) error = NULL;

      if (!vs_window_load_plan (window, file, &error))
        {
          g_application_command_line_printerr (command_line, "versus: %s\n", error->message);
          return 1;
        }
      /* whoever typed the command line has seen the plan it names */
      if (allow_commands)
        vs_window_allow_commands (window);
    }

  if (start)
    {
      g_autoptr(GError) error = NULL;

      if (!vs_window_start (window, &error))
        {
          g_application_command_line_printerr (command_line, "versus: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* close each window, so that running runs stop cleanly first */
  for (GList *l = windows; l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Versus authors", NULL };
  GtkWindow *parent = gtk_application_get_active_window (app);

#if ADW_CHECK_VERSION (1, 5, 0)
  AdwDialog *about = adw_about_dialog_new ();

  adw_about_dialog_set_application_name (ADW_ABOUT_DIALOG (about), _("Versus"));
  adw_about_dialog_set_application_icon (ADW_ABOUT_DIALOG (about), APP_ID);
  adw_about_dialog_set_version (ADW_ABOUT_DIALOG (about), PACKAGE_VERSION);
  adw_about_dialog_set_developers (ADW_ABOUT_DIALOG (about), developers);
  adw_about_dialog_set_license_type (ADW_ABOUT_DIALOG (about), GTK_LICENSE_GPL_3_0);
  adw_about_dialog_set_comments (ADW_ABOUT_DIALOG (about),
                                 _("Load several HTTP backends at once and compare their "
                                   "throughput and latency side by side."));
  adw_dialog_present (about, parent != NULL ? GTK_WIDGET (parent) : NULL);
#else
  GtkWidget *about = adw_about_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("Versus"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 _("Load several HTTP backends at once and compare their "
                                   "throughput and latency side by side."));
  gtk_window_present (GTK_WINDOW (about));
#endif
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/versus/Versus/help-overlay.ui");
  GtkWindow *window = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  gtk_window_set_transient_for (window, gtk_application_get_active_window (app));
  gtk_window_present (window);
}

static const char * const scheme_ids[] = { "default", "light", "dark" };

static gboolean
scheme_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (scheme_ids); i++)
    if (g_str_equal (id, scheme_ids[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
scheme_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (scheme_ids[MIN (i, G_N_ELEMENTS (scheme_ids) - 1)]);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  VsApplication *self = user_data;
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/versus/Versus/vs-preferences.ui");
  GtkWidget *page = GTK_WIDGET (gtk_builder_get_object (builder, "page"));
  GObject *scheme_row = gtk_builder_get_object (builder, "scheme_row");
  GObject *tick_adjustment = gtk_builder_get_object (builder, "tick_adjustment");

  if (self->settings != NULL)
    {
      g_settings_bind_with_mapping (self->settings, "color-scheme", scheme_row, "selected",
                                    G_SETTINGS_BIND_DEFAULT, scheme_get_mapping,
                                    scheme_set_mapping, NULL, NULL);
      g_settings_bind (self->settings, "tick-interval", tick_adjustment, "value",
                       G_SETTINGS_BIND_DEFAULT);
    }
  else
    {
      gtk_widget_set_sensitive (page, FALSE);
    }

  {
    GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
#if ADW_CHECK_VERSION (1, 5, 0)
    AdwDialog *dialog = adw_preferences_dialog_new ();

    adw_preferences_dialog_add (ADW_PREFERENCES_DIALOG (dialog), ADW_PREFERENCES_PAGE (page));
    adw_dialog_present (dialog, parent != NULL ? GTK_WIDGET (parent) : NULL);
#else
    GtkWidget *window = adw_preferences_window_new ();

    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
    gtk_window_set_transient_for (GTK_WINDOW (window), parent);
    gtk_window_present (GTK_WINDOW (window));
#endif
  }
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (vs_window_new (ADW_APPLICATION (user_data))));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "shortcuts", shortcuts_action },
  { "new-window", new_window_action },
};

static void
on_quit_signal (int      signo,
                gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);
}

static void
vs_application_startup (GApplication *app)
{
  VsApplication *self = VS_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  static const char *new_window_accels[] = { "<Control>n", NULL };

  G_APPLICATION_CLASS (vs_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.shortcuts",
                                         shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.new-window",
                                         new_window_accels);

  self->settings = vs_application_dup_settings ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::color-scheme",
                             G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);

  self->signal_watch = vs_signal_watch_new (quit_signals, G_N_ELEMENTS (quit_signals),
                                            on_quit_signal, self);
}

static void
vs_application_dispose (GObject *object)
{
  VsApplication *self = VS_APPLICATION (object);

  g_clear_pointer (&self->signal_watch, vs_signal_watch_free);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (vs_application_parent_class)->dispose (object);
}

static void
vs_application_class_init (VsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = vs_application_dispose;
  app_class->activate = vs_application_activate;
  app_class->startup = vs_application_startup;
  app_class->command_line = vs_application_command_line;
  app_class->handle_local_options = vs_application_handle_local_options;
}

static void
vs_application_init (VsApplication *self)
{
  static const GOptionEntry entries[] = {
    { "plan", 'p', 0, G_OPTION_ARG_FILENAME, NULL, N_("Open the plan FILE"), N_("FILE") },
    { "start", 's', 0, G_OPTION_ARG_NONE, NULL, N_("Start the plan at once"), NULL },
    { "allow-commands", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Run the plan’s commands (its servers) without asking"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     _("— compare HTTP backends under load"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Without options the window opens. "
                                              "“versus run” runs a plan without a window."));
}

VsApplication *
vs_application_new (void)
{
  return g_object_new (VS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/versus/Versus",
                       NULL);
}
