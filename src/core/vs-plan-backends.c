/* vs-plan-backends.c: the plan's managed and attached backends — their checks, the commands a
 * person must agree to, and the specs a run launches (paths resolved against the plan's folder)
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vs-equivalence.h"
#include "vs-error.h"
#include "vs-plan-private.h"

/* A server gets this long to become ready, and to stop after SIGTERM, at most. */
#define MAX_READY_TIMEOUT_MS (10 * 60 * 1000)
#define MAX_STOP_GRACE_MS    (5 * 60 * 1000)

static char *
resolve (VsPlan     *plan,
         const char *path)
{
  if (path == NULL)
    return plan->base_dir != NULL ? g_strdup (plan->base_dir) : NULL;
  if (g_path_is_absolute (path) || plan->base_dir == NULL)
    return g_strdup (path);
  return g_build_filename (plan->base_dir, path, NULL);
}

VsServerSpec *
vs_plan_server_spec (VsPlan *self,
                     guint   index)
{
  const VsTarget *target;
  VsServerSpec *spec;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->targets->len, NULL);

  target = g_ptr_array_index (self->targets, index);
  if (target->server == NULL)
    return NULL;

  spec = vs_server_spec_copy (target->server);
  g_free (spec->cwd);
  spec->cwd = resolve (self, target->server->cwd);
  if (target->server->log_path != NULL)
    {
      g_free (spec->log_path);
      spec->log_path = resolve (self, target->server->log_path);
    }

  /* no ready section: ready when the target's own host and port accept */
  if (spec->ready_kind == VS_SERVER_READY_TCP && spec->ready_port == 0 && target->url != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (target->url, G_URI_FLAGS_ENCODED, NULL);

      if (uri != NULL && g_uri_get_host (uri) != NULL)
        {
          int port = g_uri_get_port (uri);

          if (port < 0)
            port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
          spec->ready_port = port;
          if (spec->ready_host == NULL)
            spec->ready_host = g_strdup (g_uri_get_host (uri));
        }
    }

  return spec;
}

/* A "field: message" error as a problem of its own. */
static void
add_error (GPtrArray    *problems,
           const GError *error)
{
  const char *colon = strstr (error->message, ": ");

  if (colon != NULL)
    {
      g_autofree char *path = g_strndup (error->message, colon - error->message);

      g_ptr_array_add (problems, vs_plan_problem_new (path, colon + 2));
    }
  else
    g_ptr_array_add (problems, vs_plan_problem_new ("", error->message));
}

static void
add_problem (GPtrArray  *problems,
             const char *path,
             char       *message)  /* taken */
{
  g_ptr_array_add (problems, vs_plan_problem_new (path, message));
  g_free (message);
}

/* The servers of a parallel run all run at once, so no two may share a CPU; in sequential mode
 * one runs at a time (each is started before its target's load and stopped after it). The
 * generator runs all along: it shares a CPU with none. */
static void
check_cpus (VsPlan    *self,
            GPtrArray *problems)
{
  g_autofree VsCpuList *lists = g_new0 (VsCpuList, self->targets->len);
  g_autofree gboolean *pinned = g_new0 (gboolean, self->targets->len);
  VsCpuList generator;
  gboolean have_generator = FALSE;

  if (self->load.generator_cpus != NULL)
    {
      g_autoptr(GError) error = NULL;

      have_generator = vs_cpu_list_parse (self->load.generator_cpus, "load.generator_cpus",
                                          &generator, &error);
      if (!have_generator)
        add_error (problems, error);
    }

  for (guint i = 0; i < self->targets->len; i++)
    {
      const VsTarget *target = g_ptr_array_index (self->targets, i);
      g_autofree char *path = NULL;

      if (target->server == NULL || target->server->cpus == NULL)
        continue;
      path = g_strdup_printf ("targets[%u].server.cpus", i);
      /* a bad list is spec validation's problem */
      pinned[i] = vs_cpu_list_parse (target->server->cpus, path, &lists[i], NULL);
      if (!pinned[i])
        continue;

      if (have_generator)
        {
          VsCpuList common;

          if (vs_cpu_list_overlap (&lists[i], &generator, &common))
            {
              g_autofree char *shared = vs_cpu_list_format (&common);

              add_problem (problems, path,
                           g_strdup_printf (_("shares CPU %s with load.generator_cpus; a "
                                              "backend and the load generator never share a "
                                              "core"), shared));
            }
        }
      if (self->mode == VS_MODE_SEQUENTIAL)
        continue;
      for (guint j = 0; j < i; j++)
        {
          VsCpuList common;

          if (pinned[j] && vs_cpu_list_overlap (&lists[i], &lists[j], &common))
            {
              g_autofree char *shared = vs_cpu_list_format (&common);

              add_problem (problems, path,
                           g_strdup_printf (_("shares CPU %s with targets[%u].server.cpus; "
                                              "backends that run at once (parallel mode) "
                                              "never share a core"), shared, j));
              break;
            }
        }
    }
}

void
_vs_plan_check_backends (VsPlan    *self,
                         GPtrArray *problems)
{
  for (guint i = 0; i < self->targets->len; i++)
    {
      const VsTarget *target = g_ptr_array_index (self->targets, i);
      g_autofree char *prefix = g_strdup_printf ("targets[%u].server", i);
      g_autoptr(VsServerSpec) spec = NULL;
      g_autoptr(GError) error = NULL;

      if (target->attach < 0)
        {
          g_autofree char *path = g_strdup_printf ("targets[%u].attach", i);

          add_problem (problems, path, g_strdup (_("expected the PID of a process")));
        }
      if (target->server != NULL && target->attach != 0)
        {
          g_autofree char *path = g_strdup_printf ("targets[%u].attach", i);

          add_problem (problems, path,
                       g_strdup (_("both server and attach are set; Versus either starts the "
                                   "backend or attaches to a running one")));
        }
      if (target->server == NULL)
        continue;

      spec = vs_plan_server_spec (self, i);
      if (!vs_server_spec_validate (spec, prefix, &error))
        add_error (problems, error);
      if (spec->ready_timeout_ms > MAX_READY_TIMEOUT_MS)
        {
          g_autofree char *path = g_strconcat (prefix, ".ready.timeout", NULL);

          add_problem (problems, path, g_strdup (_("longer than 10 minutes, the limit")));
        }
      if (spec->stop_grace_ms > MAX_STOP_GRACE_MS)
        {
          g_autofree char *path = g_strconcat (prefix, ".stop_grace", NULL);

          add_problem (problems, path, g_strdup (_("longer than 5 minutes, the limit")));
        }
    }

  check_cpus (self, problems);

  for (guint i = 0; self->compare.ignore != NULL && self->compare.ignore[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("compare.ignore[%u]", i);
      g_autoptr(GError) error = NULL;

      if (!vs_json_pointer_validate (self->compare.ignore[i], path, &error))
        add_error (problems, error);
    }
}

/* ---- consent ------------------------------------------------------------------------------ */

void
vs_plan_command_free (VsPlanCommand *command)
{
  if (command == NULL)
    return;
  g_free (command->target);
  g_strfreev (command->argv);
  g_free (command->cwd);
  g_strfreev (command->env);
  g_free (command);
}

GPtrArray *
vs_plan_list_commands (VsPlan *self)
{
  GPtrArray *commands = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_plan_command_free);

  g_return_val_if_fail (self != NULL, commands);

  for (guint i = 0; i < self->targets->len; i++)
    {
      const VsTarget *target = g_ptr_array_index (self->targets, i);
      g_autoptr(VsServerSpec) spec = vs_plan_server_spec (self, i);
      VsPlanCommand *command;

      if (spec == NULL)
        continue;
      command = g_new0 (VsPlanCommand, 1);
      command->index = i;
      command->target = g_strdup (target->name);
      command->argv = g_steal_pointer (&spec->argv);
      command->cwd = g_steal_pointer (&spec->cwd);
      command->env = spec->env != NULL ? g_steal_pointer (&spec->env) : g_new0 (char *, 1);
      g_ptr_array_add (commands, command);
    }
  return commands;
}

gboolean
vs_plan_has_commands (VsPlan *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->targets->len; i++)
    if (((const VsTarget *) g_ptr_array_index (self->targets, i))->server != NULL)
      return TRUE;
  return FALSE;
}

char *
vs_plan_command_describe (const VsPlanCommand *command)
{
  GString *text = g_string_new (NULL);
  g_autofree char *line = NULL;
  g_autoptr(GStrvBuilder) quoted = g_strv_builder_new ();
  g_auto(GStrv) words = NULL;

  for (guint i = 0; command->argv[i] != NULL; i++)
    {
      const char *arg = command->argv[i];
      /* quoted only where a shell would need it, so that the line reads as typed */
      gboolean plain = *arg != '\0' && strspn (arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
                                                     "opqrstuvwxyz0123456789_@%+=:,./-")
                                        == strlen (arg);
      g_autofree char *word = plain ? g_strdup (arg) : g_shell_quote (arg);

      g_strv_builder_add (quoted, word);
    }
  words = g_strv_builder_end (quoted);
  line = g_strjoinv (" ", words);

  /* TRANSLATORS: "node: node server.js 8081" — a target's name and the command it runs */
  g_string_append_printf (text, _("%s: %s"), command->target ? command->target : "", line);
  if (command->cwd != NULL)
    {
      g_string_append (text, "\n  ");
      g_string_append_printf (text, _("in %s"), command->cwd);
    }
  for (guint i = 0; command->env[i] != NULL; i++)
    {
      g_autofree char *entry = g_utf8_make_valid (command->env[i], -1);

      g_string_append (text, "\n  ");
      g_string_append_printf (text, _("with %s"), entry);
    }
  return g_string_free (text, FALSE);
}
