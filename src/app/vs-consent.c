/* vs-consent.c: the person's consent to the commands a plan runs */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vs-consent.h"

/* AdwMessageDialog is deprecated in the Flatpak runtime's libadwaita; Debian 12's 1.2 has no
 * AdwAlertDialog (1.5) to replace it. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static void
append_field (GString    *key,
              const char *field)
{
  /* length-prefixed, so that no argument can pass for two */
  g_string_append_printf (key, "%zu:", field != NULL ? strlen (field) : (gsize) -1);
  if (field != NULL)
    g_string_append (key, field);
}

char *
vs_consent_key (GPtrArray *commands)
{
  GString *key;

  if (commands == NULL || commands->len == 0)
    return NULL;

  key = g_string_new (NULL);
  for (guint i = 0; i < commands->len; i++)
    {
      const VsPlanCommand *command = g_ptr_array_index (commands, i);

      g_string_append_printf (key, "[%u]", command->index);
      append_field (key, command->target);
      append_field (key, command->cwd);
      for (guint j = 0; command->argv[j] != NULL; j++)
        append_field (key, command->argv[j]);
      g_string_append_c (key, ';');
      for (guint j = 0; command->env[j] != NULL; j++)
        append_field (key, command->env[j]);
      g_string_append_c (key, ';');
    }
  return g_string_free (key, FALSE);
}

char *
vs_consent_describe (GPtrArray *commands)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < commands->len; i++)
    {
      g_autofree char *line = vs_plan_command_describe (g_ptr_array_index (commands, i));

      if (i > 0)
        g_string_append (text, "\n\n");
      g_string_append (text, line);
    }
  return g_string_free (text, FALSE);
}

AdwMessageDialog *
vs_consent_dialog_new (GtkWindow *parent,
                       GPtrArray *commands)
{
  g_autofree char *text = vs_consent_describe (commands);
  AdwMessageDialog *dialog;
  GtkWidget *scrolled;
  GtkWidget *label;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Run the Plan’s Commands?"),
                                                       NULL));
  adw_message_dialog_set_body (dialog,
                               ngettext ("The plan starts its backend itself: this command "
                                         "runs on this computer, as you.",
                                         "The plan starts its backends itself: these "
                                         "commands run on this computer, as you.",
                                         commands->len));

  label = gtk_label_new (text);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_name (label, "consent-commands");

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), label);
  adw_message_dialog_set_extra_child (dialog, scrolled);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "run", _("_Run Commands"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "run", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}

G_GNUC_END_IGNORE_DEPRECATIONS
