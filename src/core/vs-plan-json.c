/* vs-plan-json.c: plan files — JSON load and save
 *
 * The plan file (JSON, UTF-8):
 *
 *   {
 *     "version": 1,                          required; newer than this build: refused
 *     "targets": [
 *       {
 *         "name": "node",                    label, unique in the plan
 *         "url": "http://127.0.0.1:8081/api/users/1",
 *         "method": "GET",                   default GET
 *         "headers": {"Accept": "application/json"},   or ["Accept: application/json"]
 *         "body": "…",                       inline request body, or
 *         "body_file": "payload.json",       a file, relative to the plan file's folder
 *         "expect_status": "2xx",            default "2xx,3xx"; "200", "200-204,404" …
 *         "server": {                        a backend Versus starts, watches and stops itself
 *           "command": ["node", "server.js", "8081"],   argv; argv[0] is looked up in PATH
 *           "cwd": "../demo/node",           relative to the plan file's folder (the default)
 *           "env": {"NODE_ENV": "production"},          added to Versus's environment
 *           "ready": {"port": 8081, "host": "127.0.0.1", "timeout": "10s"}
 *                                            a TCP port accepting, or {"url": "http://…"}
 *                                            answering 2xx; default: the port of "url"
 *           "stop_grace": "5s",              SIGTERM to the process group, SIGKILL after this
 *           "cpus": "1",                     pinned there with all its children
 *           "log": "node.log"                its stdout and stderr (default: a temporary file)
 *         },
 *         "attach": 1234                     or a running process by PID: sampled, not stopped
 *       }
 *     ],
 *     "load": {
 *       "model": "closed" | "open",          default closed
 *       "connections": 50,                   per target, default 10
 *       "rate": 1000,                        open model: requests/s per target
 *       "arrival": "uniform" | "poisson",    open model, default uniform
 *       "seed": 1,                           Poisson arrivals
 *       "duration": "30s",                   measured phase; or
 *       "requests": 100000,                  requests per target (a file giving only this
 *                                            runs by count)
 *       "warmup": "5s",                      excluded from the statistics, default 0
 *       "timeout": "10s",                    per request, default 10s
 *       "threads": 0,                        worker threads; 0: one per core
 *       "pipeline": 1,                       native engine: requests in flight per connection
 *       "streams": 1,                        soup engine: HTTP/2 streams in flight per connection
 *       "generator_cpus": "0",               the worker threads are pinned to these CPUs
 *       "stages": [                          instead of duration/rate: the level over time
 *         { "ramp": "10s", "duration": "30s", "rate": 2000 }    (or "connections": 100)
 *       ]
 *     },
 *     "compare": {                           do the backends answer alike?
 *       "answers": true,                     before the load, the request once to each target,
 *                                            compared with the first target's answer
 *       "ignore": ["/served_by"]             JSON pointers left out of the comparison
 *     },
 *     "thresholds": ["p99 < 50ms",           every target's SLO (vs-threshold.h); a target's
 *       { "threshold": "error_rate < 1%",    own "thresholds" apply to it alone
 *         "abort_on_fail": true, "grace": "10s" }],
 *     "capacity": { "start": 100, "factor": 2, "step": "10s", "bisections": 3, "max": 1e6 },
 *     "mode": "parallel" | "sequential" | "rounds" | "capacity",   default parallel
 *     "rounds": 8,                           mode rounds: how many rounds (1 … 10000)
 *     "rounds_seed": 42,                     mode rounds: seed of the trials' order; default a
 *                                            fresh one per run, recorded in the results
 *     "engine": "auto" | "soup" | "native",  default auto
 *     "tick": "1s",                          snapshot interval, 50ms … 60s
 *     "insecure": false                      accept any TLS certificate
 *   }
 *
 * Durations are strings ("250ms", "10s", "2m", "1h30m") or numbers of seconds. Every key is
 * optional except "version"; unknown keys are errors, so a typo never passes silently.
 *
 * Before json-glib sees the text: at most MAX_PLAN_BYTES (1 MiB), a regular file when read from
 * one, no NUL byte, nesting within MAX_PLAN_DEPTH, no \u0000 in strings, integers within int64
 * (see preflight()). The ranges of the values are the plan check's (vs-plan-check.c).
 */
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vs-error.h"
#include "vs-file.h"
#include "vs-json-scan.h"
#include "vs-plan-private.h"
#include "vs-format.h"

/* ---------------------------------------------------------------------------------------- */
/* Loading                                                                                  */

static char *
child_path (const char *parent,
            const char *key)
{
  return *parent ? g_strconcat (parent, ".", key, NULL) : g_strdup (key);
}

/* The member key of object, or NULL; *path becomes its path for messages. */
static JsonNode *
lookup (JsonObject  *object,
        const char  *parent,
        const char  *key,
        char       **path)
{
  g_free (*path);
  *path = child_path (parent, key);
  return json_object_get_member (object, key);
}

/* Unknown keys are typos until proven otherwise. */
static gboolean
check_keys (JsonObject         *object,
            const char         *path,
            const char * const *known,
            GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;

      if (!g_strv_contains (known, key))
        {
          g_autofree char *key_path = child_path (path, key);
          g_autofree char *list = g_strjoinv (", ", (char **) known);

          return vs_error_set_field (error, key_path, _("unknown key; expected one of %s"), list);
        }
    }

  return TRUE;
}

static gboolean
get_object (JsonNode    *node,
            const char  *path,
            JsonObject **out,
            GError     **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return vs_error_set_field (error, path, _("expected an object"));
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
get_string (JsonNode    *node,
            const char  *path,
            const char **out,
            GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return vs_error_set_field (error, path, _("expected a string"));
  *out = json_node_get_string (node);
  return TRUE;
}

/* A string, or null for “not set”. */
static gboolean
get_optional_string (JsonNode    *node,
                     const char  *path,
                     char       **out,
                     GError     **error)
{
  const char *value;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_clear_pointer (out, g_free);
      return TRUE;
    }
  if (!get_string (node, path, &value, error))
    return FALSE;
  g_free (*out);
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
get_boolean (JsonNode    *node,
             const char  *path,
             gboolean    *out,
             GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return vs_error_set_field (error, path, _("expected true or false"));
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_number (JsonNode    *node,
            const char  *path,
            double      *out,
            GError     **error)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return vs_error_set_field (error, path, _("expected a number"));
  return TRUE;
}

/* A whole number from 0 to max. With big, a decimal string is accepted too: that is how
 * 64-bit seeds and counts above G_MAXINT64 are saved. */
static gboolean
get_whole (JsonNode    *node,
           const char  *path,
           guint64      max,
           gboolean     big,
           guint64     *out,
           GError     **error)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  guint64 value;

  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);

      if (v < 0)
        return vs_error_set_field (error, path, _("expected a whole number, 0 or more"));
      value = v;
    }
  else if (type == G_TYPE_DOUBLE)
    {
      double v = json_node_get_double (node);

      if (!(v >= 0 && v <= 9007199254740992.0 && v == floor (v)))
        return vs_error_set_field (error, path, _("expected a whole number"));
      value = (guint64) v;
    }
  else if (big && type == G_TYPE_STRING)
    {
      if (!g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, G_MAXUINT64, &value,
                                       NULL))
        return vs_error_set_field (error, path, _("expected a whole number"));
    }
  else
    return vs_error_set_field (error, path, _("expected a whole number"));

  if (value > max)
    return vs_error_set_field (error, path, _("%" PRIu64 " is too large"), value);

  *out = value;
  return TRUE;
}

static gboolean
get_uint (JsonNode    *node,
          const char  *path,
          guint       *out,
          GError     **error)
{
  guint64 value;

  if (!get_whole (node, path, G_MAXUINT, FALSE, &value, error))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

/* "10s", "2m", "500ms" … or a number of seconds. */
static gboolean
get_duration (JsonNode    *node,
              const char  *path,
              gint64      *out,
              GError     **error)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      if (!vs_parse_duration (text, out))
        return vs_error_set_field (error, path,
                                   _("expected a duration like 10s or 2m, got “%s”"), text);
      return TRUE;
    }
  else if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      double seconds = type == G_TYPE_INT64 ? json_node_get_int (node)
                                            : json_node_get_double (node);

      if (!(seconds >= 0))
        return vs_error_set_field (error, path, _("expected a number of seconds, 0 or more"));
      /* beyond any limit: saturated here (no overflow), refused with the limit by the check */
      if (seconds > 1e12)
        *out = G_MAXINT64;
      else
        *out = (gint64) llround (seconds * G_USEC_PER_SEC);
      return TRUE;
    }

  return vs_error_set_field (error, path,
                             _("expected a duration like \"10s\" or a number of seconds"));
}

static gboolean
get_enum (JsonNode           *node,
          const char         *path,
          const char * const *names,
          int                *out,
          GError            **error)
{
  const char *text;

  if (!get_string (node, path, &text, error))
    return FALSE;

  if (!_vs_name_to_enum (names, text, out))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) names);

      return vs_error_set_field (error, path, _("“%s” is not one of %s"), text, list);
    }

  return TRUE;
}

static gboolean
load_headers (JsonNode    *node,
              const char  *path,
              VsTarget    *target,
              GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;
          g_autofree char *member_path = g_strdup_printf ("%s.%s", path, name);
          g_autofree char *header = NULL;
          const char *value;

          if (!get_string (json_object_get_member (object, name), member_path, &value, error))
            return FALSE;
          header = g_strdup_printf ("%s: %s", name, value);
          g_strv_builder_add (builder, header);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *element_path = g_strdup_printf ("%s[%u]", path, i);
          const char *value;

          if (!get_string (json_array_get_element (array, i), element_path, &value, error))
            return FALSE;
          g_strv_builder_add (builder, value);
        }
    }
  else
    return vs_error_set_field (error, path,
                               _("expected an object of names and values, or a list of "
                                 "“Name: value” strings"));

  g_strfreev (target->headers);
  target->headers = g_strv_builder_end (builder);
  return TRUE;
}

/* A CPU list: "1", "2-3", or a number. Its meaning is the plan check's. */
static gboolean
get_cpu_list (JsonNode    *node,
              const char  *path,
              char       **out,
              GError     **error)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type == G_TYPE_INT64 && json_node_get_int (node) >= 0)
    {
      g_free (*out);
      *out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      return TRUE;
    }
  if (type != G_TYPE_STRING && !JSON_NODE_HOLDS_NULL (node))
    return vs_error_set_field (error, path, _("expected a CPU list like \"1\" or \"2-3\""));
  return get_optional_string (node, path, out, error);
}

/* A list of strings (at least one when @nonempty). */
static gboolean
get_string_list (JsonNode    *node,
                 const char  *path,
                 gboolean     nonempty,
                 GStrv       *out,
                 GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return vs_error_set_field (error, path, _("expected a list of strings"));
  array = json_node_get_array (node);
  if (nonempty && json_array_get_length (array) == 0)
    return vs_error_set_field (error, path, _("expected at least one string"));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *element_path = g_strdup_printf ("%s[%u]", path, i);
      const char *value;

      if (!get_string (json_array_get_element (array, i), element_path, &value, error))
        return FALSE;
      g_strv_builder_add (builder, value);
    }
  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

/* A duration in whole milliseconds, saturated at G_MAXUINT (the plan check says the limit). */
static gboolean
get_duration_ms (JsonNode    *node,
                 const char  *path,
                 guint       *out,
                 GError     **error)
{
  gint64 us;

  if (!get_duration (node, path, &us, error))
    return FALSE;
  if (us <= 0)
    return vs_error_set_field (error, path, _("must be longer than 0"));
  *out = (guint) MIN ((us + 999) / 1000, (gint64) G_MAXUINT);
  return TRUE;
}

static const char * const ready_keys[] = { "port", "host", "url", "timeout", NULL };

static gboolean
load_ready (JsonNode      *node,
            const char    *path,
            VsServerSpec  *spec,
            GError       **error)
{
  g_autofree char *member_path = NULL;
  JsonObject *object = NULL;
  JsonNode *member;

  if (!get_object (node, path, &object, error) ||
      !check_keys (object, path, ready_keys, error))
    return FALSE;

  if (json_object_has_member (object, "url") &&
      (json_object_has_member (object, "port") || json_object_has_member (object, "host")))
    {
      g_autofree char *url_path = child_path (path, "url");

      return vs_error_set_field (error, url_path,
                                 _("give either a TCP port (port, host) or an HTTP url, not "
                                   "both"));
    }
  if ((member = lookup (object, path, "url", &member_path)))
    {
      spec->ready_kind = VS_SERVER_READY_HTTP;
      if (!get_optional_string (member, member_path, &spec->ready_url, error))
        return FALSE;
    }
  if ((member = lookup (object, path, "port", &member_path)))
    {
      guint64 port;

      if (!get_whole (member, member_path, 65535, FALSE, &port, error))
        return FALSE;
      if (port == 0)
        return vs_error_set_field (error, member_path, _("use a port from 1 to 65535"));
      spec->ready_port = (guint16) port;
    }
  if ((member = lookup (object, path, "host", &member_path)) &&
      !get_optional_string (member, member_path, &spec->ready_host, error))
    return FALSE;
  if ((member = lookup (object, path, "timeout", &member_path)) &&
      !get_duration_ms (member, member_path, &spec->ready_timeout_ms, error))
    return FALSE;
  return TRUE;
}

/* ---- thresholds, stages, capacity search (vs-plan-slo.c) ---------------------------------- */

static const char * const threshold_keys[] = {
  "threshold", "abort_on_fail", "grace", NULL
};

/* "thresholds": ["p99 < 50ms", {"threshold": "error_rate < 1%", "abort_on_fail": true,
 * "grace": "10s"}]; the expressions are the plan check's to parse. */
static gboolean
load_thresholds (JsonNode    *node,
                 const char  *path,
                 GPtrArray   *thresholds,
                 GError     **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return vs_error_set_field (error, path,
                               _("expected a list of thresholds like [\"p99 < 50ms\"]"));
  array = json_node_get_array (node);
  g_ptr_array_set_size (thresholds, 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *element_path = g_strdup_printf ("%s[%u]", path, i);
      g_autofree char *member_path = NULL;
      g_autoptr(VsPlanThreshold) threshold = vs_plan_threshold_new (NULL);
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *member;
      const char *expr;

      if (JSON_NODE_HOLDS_OBJECT (element))
        {
          object = json_node_get_object (element);
          if (!check_keys (object, element_path, threshold_keys, error))
            return FALSE;
          if (!(member = lookup (object, element_path, "threshold", &member_path)))
            return vs_error_set_field (error, member_path,
                                       _("missing; give the threshold, e.g. “p99 < 50ms”"));
          if (!get_string (member, member_path, &expr, error))
            return FALSE;
          if ((member = lookup (object, element_path, "abort_on_fail", &member_path)) &&
              !get_boolean (member, member_path, &threshold->abort_on_fail, error))
            return FALSE;
          if ((member = lookup (object, element_path, "grace", &member_path)) &&
              !get_duration (member, member_path, &threshold->grace_us, error))
            return FALSE;
        }
      else if (!get_string (element, element_path, &expr, error))
        return FALSE;
      threshold->expr = g_strdup (expr);
      g_ptr_array_add (thresholds, g_steal_pointer (&threshold));
    }
  return TRUE;
}

static gboolean
load_slo_target (JsonObject  *object,
                 const char  *path,
                 VsTarget    *target,
                 GError     **error)
{
  g_autofree char *member_path = NULL;
  JsonNode *member;

  if ((member = lookup (object, path, "thresholds", &member_path)) &&
      !load_thresholds (member, member_path, target->thresholds, error))
    return FALSE;
  return TRUE;
}

static const char * const server_keys[] = {
  "command", "cwd", "env", "ready", "stop_grace", "cpus", "log", NULL
};

static gboolean
load_server (JsonNode    *node,
             const char  *path,
             VsTarget    *target,
             GError     **error)
{
  g_autoptr(VsServerSpec) spec = vs_server_spec_new ();
  g_autofree char *member_path = NULL;
  JsonObject *object = NULL;
  JsonNode *member;

  if (!get_object (node, path, &object, error) ||
      !check_keys (object, path, server_keys, error))
    return FALSE;

  if (!(member = lookup (object, path, "command", &member_path)))
    return vs_error_set_field (error, member_path,
                               _("missing; give the program and its arguments as a list"));
  if (!get_string_list (member, member_path, TRUE, &spec->argv, error))
    return FALSE;
  if ((member = lookup (object, path, "cwd", &member_path)) &&
      !get_optional_string (member, member_path, &spec->cwd, error))
    return FALSE;
  if ((member = lookup (object, path, "env", &member_path)))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_autoptr(GList) names = NULL;
      JsonObject *env = NULL;

      if (!get_object (member, member_path, &env, error))
        return FALSE;
      names = json_object_get_members (env);
      for (const GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *name_path = child_path (member_path, l->data);
          g_autofree char *entry = NULL;
          const char *value;

          if (!get_string (json_object_get_member (env, l->data), name_path, &value, error))
            return FALSE;
          if (*(const char *) l->data == '\0' || strchr (l->data, '=') != NULL)
            return vs_error_set_field (error, name_path,
                                       _("not a variable name (empty, or holds “=”)"));
          entry = g_strdup_printf ("%s=%s", (const char *) l->data, value);
          g_strv_builder_add (builder, entry);
        }
      spec->env = g_strv_builder_end (builder);
    }
  if ((member = lookup (object, path, "ready", &member_path)) &&
      !load_ready (member, member_path, spec, error))
    return FALSE;
  if ((member = lookup (object, path, "stop_grace", &member_path)) &&
      !get_duration_ms (member, member_path, &spec->stop_grace_ms, error))
    return FALSE;
  if ((member = lookup (object, path, "cpus", &member_path)) &&
      !get_cpu_list (member, member_path, &spec->cpus, error))
    return FALSE;
  if ((member = lookup (object, path, "log", &member_path)) &&
      !get_optional_string (member, member_path, &spec->log_path, error))
    return FALSE;

  g_clear_pointer (&target->server, vs_server_spec_free);
  target->server = g_steal_pointer (&spec);
  return TRUE;
}

/* The target's "server" and "attach" (issue 11: managed backends). */
static gboolean
load_target_backend (JsonObject  *object,
                     const char  *path,
                     VsTarget    *target,
                     GError     **error)
{
  g_autofree char *member_path = NULL;
  JsonNode *member;

  if ((member = lookup (object, path, "server", &member_path)) &&
      !JSON_NODE_HOLDS_NULL (member) && !load_server (member, member_path, target, error))
    return FALSE;
  if ((member = lookup (object, path, "attach", &member_path)) && !JSON_NODE_HOLDS_NULL (member))
    {
      guint64 pid;

      if (!get_whole (member, member_path, G_MAXINT, FALSE, &pid, error))
        return FALSE;
      if (pid == 0)
        return vs_error_set_field (error, member_path, _("expected the PID of a process"));
      target->attach = (pid_t) pid;
    }
  return TRUE;
}

static gboolean
load_generator_cpus (JsonObject  *object,
                     VsLoad      *load,
                     GError     **error)
{
  g_autofree char *member_path = NULL;
  JsonNode *member;

  if ((member = lookup (object, "load", "generator_cpus", &member_path)) &&
      !JSON_NODE_HOLDS_NULL (member) &&
      !get_cpu_list (member, member_path, &load->generator_cpus, error))
    return FALSE;
  return TRUE;
}

static const char * const compare_keys[] = { "answers", "ignore", NULL };

static gboolean
load_compare (JsonObject  *plan_object,
              VsPlan      *plan,
              GError     **error)
{
  g_autofree char *member_path = NULL;
  JsonObject *object = NULL;
  JsonNode *member;

  if (!(member = lookup (plan_object, "", "compare", &member_path)))
    return TRUE;
  if (!get_object (member, "compare", &object, error) ||
      !check_keys (object, "compare", compare_keys, error))
    return FALSE;
  if ((member = lookup (object, "compare", "answers", &member_path)) &&
      !get_boolean (member, member_path, &plan->compare.answers, error))
    return FALSE;
  if ((member = lookup (object, "compare", "ignore", &member_path)) &&
      !get_string_list (member, member_path, FALSE, &plan->compare.ignore, error))
    return FALSE;
  return TRUE;
}

static const char * const stage_keys[] = {
  "duration", "ramp", "rate", "connections", NULL
};

/* "stages": [{"ramp": "10s", "duration": "30s", "rate": 2000}, …] */
static gboolean
load_slo_load (JsonObject  *object,
               VsLoad      *load,
               GArray      *stages,
               GError     **error)
{
  g_autofree char *path = NULL;
  JsonNode *node = lookup (object, "load", "stages", &path);
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return vs_error_set_field (error, path,
                               _("expected a list of steps like {\"duration\": \"30s\", "
                                 "\"rate\": 2000}"));
  array = json_node_get_array (node);
  g_array_set_size (stages, 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *element_path = g_strdup_printf ("%s[%u]", path, i);
      g_autofree char *member_path = NULL;
      JsonObject *step = NULL;
      JsonNode *member;
      VsStage stage = { 0 };

      if (!get_object (json_array_get_element (array, i), element_path, &step, error) ||
          !check_keys (step, element_path, stage_keys, error))
        return FALSE;
      if ((member = lookup (step, element_path, "duration", &member_path)) &&
          !get_duration (member, member_path, &stage.duration_us, error))
        return FALSE;
      if ((member = lookup (step, element_path, "ramp", &member_path)) &&
          !get_duration (member, member_path, &stage.ramp_us, error))
        return FALSE;
      if ((member = lookup (step, element_path, "rate", &member_path)) &&
          !get_number (member, member_path, &stage.rate, error))
        return FALSE;
      if ((member = lookup (step, element_path, "connections", &member_path)) &&
          !get_uint (member, member_path, &stage.connections, error))
        return FALSE;
      g_array_append_val (stages, stage);
    }

  /* the stages give the length and the model, unless the file says otherwise (which the
   * check then refuses with the field) */
  if (!json_object_has_member (object, "duration"))
    load->duration_us = 0;
  if (!json_object_has_member (object, "model") && stages->len > 0)
    load->model = g_array_index (stages, VsStage, 0).rate > 0 ? VS_LOAD_OPEN : VS_LOAD_CLOSED;
  return TRUE;
}

static const char * const capacity_keys[] = {
  "start", "factor", "step", "bisections", "max", NULL
};

static gboolean
load_slo_plan (JsonObject  *object,
               VsPlan      *plan,
               GError     **error)
{
  g_autofree char *member_path = NULL;
  JsonObject *capacity = NULL;
  JsonNode *member;

  if ((member = lookup (object, "", "thresholds", &member_path)) &&
      !load_thresholds (member, member_path, plan->thresholds, error))
    return FALSE;
  if (!(member = lookup (object, "", "capacity", &member_path)))
    return TRUE;
  if (!get_object (member, "capacity", &capacity, error) ||
      !check_keys (capacity, "capacity", capacity_keys, error))
    return FALSE;
  if ((member = lookup (capacity, "capacity", "start", &member_path)) &&
      !get_number (member, member_path, &plan->capacity.start_rate, error))
    return FALSE;
  if ((member = lookup (capacity, "capacity", "factor", &member_path)) &&
      !get_number (member, member_path, &plan->capacity.factor, error))
    return FALSE;
  if ((member = lookup (capacity, "capacity", "step", &member_path)) &&
      !get_duration (member, member_path, &plan->capacity.step_us, error))
    return FALSE;
  if ((member = lookup (capacity, "capacity", "bisections", &member_path)) &&
      !get_uint (member, member_path, &plan->capacity.bisections, error))
    return FALSE;
  if ((member = lookup (capacity, "capacity", "max", &member_path)) &&
      !get_number (member, member_path, &plan->capacity.max_rate, error))
    return FALSE;
  return TRUE;
}

static const char * const target_keys[] = {
  "name", "url", "method", "headers", "body", "body_file", "expect_status", "server", "attach",
  "thresholds", NULL
};

static VsTarget *
load_target (JsonNode    *node,
             const char  *path,
             GError     **error)
{
  g_autoptr(VsTarget) target = vs_target_new (NULL, NULL);
  JsonObject *object = NULL;
  JsonNode *member;

  if (!get_object (node, path, &object, error) ||
      !check_keys (object, path, target_keys, error))
    return NULL;

  {
    g_autofree char *member_path = NULL;

    if ((member = lookup (object, path, "name", &member_path)) &&
        !get_optional_string (member, member_path, &target->name, error))
      return NULL;
    if ((member = lookup (object, path, "url", &member_path)) &&
        !get_optional_string (member, member_path, &target->url, error))
      return NULL;
    if ((member = lookup (object, path, "method", &member_path)))
      {
        const char *method;

        if (!get_string (member, member_path, &method, error))
          return NULL;
        g_free (target->method);
        target->method = g_strdup (method);
      }
    if ((member = lookup (object, path, "headers", &member_path)) &&
        !load_headers (member, member_path, target, error))
      return NULL;
    if ((member = lookup (object, path, "body", &member_path)) &&
        !get_optional_string (member, member_path, &target->body, error))
      return NULL;
    if ((member = lookup (object, path, "body_file", &member_path)) &&
        !get_optional_string (member, member_path, &target->body_file, error))
      return NULL;
    if ((member = lookup (object, path, "expect_status", &member_path)))
      {
        const char *expect;

        if (!get_string (member, member_path, &expect, error))
          return NULL;
        g_free (target->expect_status);
        target->expect_status = g_strdup (expect);
      }
    if (!load_slo_target (object, path, target, error))
      return NULL;
  }
  if (!load_target_backend (object, path, target, error))
    return NULL;

  return g_steal_pointer (&target);
}

static const char * const load_keys[] = {
  "model", "connections", "rate", "arrival", "seed", "duration", "requests", "warmup",
  "timeout", "threads", "pipeline", "streams", "generator_cpus", "stages", NULL
};

static gboolean
load_load (JsonNode    *node,
           VsLoad      *load,
           GArray      *stages,
           GError     **error)
{
  g_autofree char *member_path = NULL;
  JsonObject *object = NULL;
  JsonNode *member;
  int value;

  if (!get_object (node, "load", &object, error) ||
      !check_keys (object, "load", load_keys, error))
    return FALSE;


  if ((member = lookup (object, "load", "model", &member_path)))
    {
      if (!get_enum (member, member_path, _vs_load_model_names, &value, error))
        return FALSE;
      load->model = value;
    }
  if ((member = lookup (object, "load", "connections", &member_path)) &&
      !get_uint (member, member_path, &load->connections, error))
    return FALSE;
  if ((member = lookup (object, "load", "rate", &member_path)))
    {
      /* the range is the plan check's */
      if (!get_number (member, member_path, &load->rate, error))
        return FALSE;
    }
  if ((member = lookup (object, "load", "arrival", &member_path)))
    {
      if (!get_enum (member, member_path, _vs_arrival_names, &value, error))
        return FALSE;
      load->arrival = value;
    }
  if ((member = lookup (object, "load", "seed", &member_path)) &&
      !get_whole (member, member_path, G_MAXUINT64, TRUE, &load->seed, error))
    return FALSE;
  /* A file that only gives a request count runs by count, not by the default duration. */
  if (json_object_has_member (object, "requests") && !json_object_has_member (object, "duration"))
    load->duration_us = 0;
  if ((member = lookup (object, "load", "duration", &member_path)) &&
      !get_duration (member, member_path, &load->duration_us, error))
    return FALSE;
  if ((member = lookup (object, "load", "requests", &member_path)) &&
      !get_whole (member, member_path, G_MAXUINT64, TRUE, &load->requests, error))
    return FALSE;
  if ((member = lookup (object, "load", "warmup", &member_path)) &&
      !get_duration (member, member_path, &load->warmup_us, error))
    return FALSE;
  if ((member = lookup (object, "load", "timeout", &member_path)) &&
      !get_duration (member, member_path, &load->timeout_us, error))
    return FALSE;
  if ((member = lookup (object, "load", "threads", &member_path)) &&
      !get_uint (member, member_path, &load->threads, error))
    return FALSE;
  if ((member = lookup (object, "load", "pipeline", &member_path)) &&
      !get_uint (member, member_path, &load->pipeline, error))
    return FALSE;
  if ((member = lookup (object, "load", "streams", &member_path)) &&
      !get_uint (member, member_path, &load->streams, error))
    return FALSE;
  if (!load_generator_cpus (object, load, error))
    return FALSE;
  if (!load_slo_load (object, load, stages, error))
    return FALSE;

  return TRUE;
}

static const char * const plan_keys[] = {
  "version", "targets", "load", "mode", "engine", "tick", "insecure", "compare", "rounds",
  "rounds_seed", "thresholds", "capacity", NULL
};

/* "rounds" and "rounds_seed" (their ranges and their mode are the plan check's). */
static gboolean
load_rounds (JsonObject  *object,
             VsPlan      *plan,
             GError     **error)
{
  g_autofree char *member_path = NULL;
  JsonNode *member;

  if ((member = lookup (object, "", "rounds", &member_path)) &&
      !get_uint (member, member_path, &plan->rounds, error))
    return FALSE;
  if ((member = lookup (object, "", "rounds_seed", &member_path)))
    {
      if (!get_whole (member, member_path, G_MAXUINT64, TRUE, &plan->rounds_seed, error))
        return FALSE;
      plan->rounds_seed_set = TRUE;
    }
  return TRUE;
}

static VsPlan *
load_plan (JsonNode    *root,
           const char  *base_dir,
           GError     **error)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autofree char *member_path = NULL;
  JsonObject *object = NULL;
  JsonNode *member;
  guint64 version;
  int value;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_INVALID,
                           _("not a Versus plan: expected a JSON object with “version” and "
                             "“targets”"));
      return NULL;
    }
  object = json_node_get_object (root);

  /* The version first: a newer file's other keys may legitimately be unknown to us. */
  member = json_object_get_member (object, "version");
  if (member == NULL)
    {
      vs_error_set_field (error, "version",
                          _("missing; a Versus plan starts with \"version\": %d"),
                          VS_PLAN_VERSION);
      return NULL;
    }
  if (!get_whole (member, "version", G_MAXINT, FALSE, &version, error))
    return NULL;
  if (version > VS_PLAN_VERSION)
    {
      vs_error_set_field (error, "version",
                          _("this plan has version %" PRIu64 ", newer than this "
                            "Versus reads (%d); update Versus"), version, VS_PLAN_VERSION);
      return NULL;
    }
  if (version < 1)
    {
      vs_error_set_field (error, "version",
                          _("%" PRIu64 " is not a plan version"), version);
      return NULL;
    }
  plan->version = (int) version;

  if (!check_keys (object, "", plan_keys, error))
    return NULL;


  if ((member = lookup (object, "", "targets", &member_path)))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          vs_error_set_field (error, "targets", _("expected a list of targets"));
          return NULL;
        }
      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *path = g_strdup_printf ("targets[%u]", i);
          VsTarget *target = load_target (json_array_get_element (array, i), path, error);

          if (target == NULL)
            return NULL;
          vs_plan_add_target (plan, target);
        }
    }
  if ((member = lookup (object, "", "load", &member_path)) &&
      !load_load (member, &plan->load, plan->stages, error))
    return NULL;
  if ((member = lookup (object, "", "mode", &member_path)))
    {
      if (!get_enum (member, member_path, _vs_mode_names, &value, error))
        return NULL;
      plan->mode = value;
    }
  if ((member = lookup (object, "", "engine", &member_path)))
    {
      if (!get_enum (member, member_path, _vs_engine_names, &value, error))
        return NULL;
      plan->engine = value;
    }
  if ((member = lookup (object, "", "tick", &member_path)) &&
      !get_duration (member, member_path, &plan->tick_us, error))
    return NULL;
  if ((member = lookup (object, "", "insecure", &member_path)) &&
      !get_boolean (member, member_path, &plan->insecure, error))
    return NULL;
  if (!load_compare (object, plan, error))
    return NULL;
  if (!load_rounds (object, plan, error))
    return NULL;
  if (!load_slo_plan (object, plan, error))
    return NULL;


  plan->base_dir = g_strdup (base_dir);
  return g_steal_pointer (&plan);
}

/* ---------------------------------------------------------------------------------------- */
/* Pre-flight                                                                               */

/* json-glib 1.6 parses recursively (100,000 nested “[” overflow the stack), keeps integers it
 * cannot hold as some other number, and cuts strings at an escaped NUL. A light scan of the
 * text finds all three first, with the path of the value for the message; anything else that
 * is wrong is left to the parser, which says where. */

/* What json-glib could not hold faithfully, named with its place in the plan. */
static gboolean
preflight (const char  *json,
           gsize        length,
           GError     **error)
{
  g_autofree char *where = NULL;
  g_autofree char *literal = NULL;
  const char *path;

  switch (vs_json_scan (json, length, MAX_PLAN_DEPTH, &where, &literal))
    {
    case VS_JSON_SCAN_OK:
      return TRUE;
    case VS_JSON_SCAN_TOO_DEEP:
      path = where != NULL ? where : _("the plan");
      return vs_error_set_field (error, path, _("nested more than %d levels deep; a plan needs 5"),
                                 MAX_PLAN_DEPTH);
    case VS_JSON_SCAN_NUL:
      path = where != NULL ? where : _("the plan");
      return vs_error_set_field (error, path,
                                 _("holds a NUL character (\\u0000), which cannot be sent"));
    case VS_JSON_SCAN_HUGE_INTEGER:
    default:
      path = where != NULL ? where : _("the plan");
      return vs_error_set_field (error, path, _("%s is too large"), literal);
    }
}

VsPlan *
vs_plan_load_from_data (const char  *json,
                        gssize       length,
                        const char  *base_dir,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  if (length < 0)
    length = strlen (json);

  if ((gsize) length > MAX_PLAN_BYTES)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
                   _("not a Versus plan: larger than %d KiB, the limit for a plan"),
                   MAX_PLAN_BYTES / 1024);
      return NULL;
    }
  if (memchr (json, '\0', length) != NULL)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
                   _("not a Versus plan: the text holds a NUL byte at offset %td"),
                   (const char *) memchr (json, '\0', length) - json);
      return NULL;
    }

  /* json-glib expects valid UTF-8; say so plainly instead of letting it guess */
  if (!g_utf8_validate_len (json, length, NULL))
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_INVALID,
                           _("not a Versus plan: the file is not UTF-8 text"));
      return NULL;
    }

  if (!preflight (json, length, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID, _("not valid JSON: %s"),
                   local_error->message);
      return NULL;
    }

  return load_plan (json_parser_get_root (parser), base_dir, error);
}

/* The whole file, when it is a regular file within the size limit. A device, a FIFO or a file
 * growing as it is read never makes Versus read more than MAX_PLAN_BYTES + 1. */

VsPlan *
vs_plan_load_from_file (const char  *path,
                        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *base_dir = NULL;
  gsize length = 0;
  VsPlan *plan;

  g_return_val_if_fail (path != NULL, NULL);

  contents = vs_file_read (path, MAX_PLAN_BYTES, _("a plan"), &length, error);
  if (contents == NULL)
    return NULL;

  absolute = g_canonicalize_filename (path, NULL);
  base_dir = g_path_get_dirname (absolute);

  plan = vs_plan_load_from_data (contents, length, base_dir, &local_error);
  if (plan == NULL)
    {
      g_set_error (error, VS_ERROR, local_error->code, "%s: %s", path, local_error->message);
      return NULL;
    }

  return plan;
}

/* ---------------------------------------------------------------------------------------- */
/* Saving                                                                                   */

/* A string when vs_format_duration() round-trips exactly, seconds otherwise. */
static void
add_duration (JsonBuilder *builder,
              const char  *key,
              gint64       us)
{
  g_autofree char *text = vs_format_duration (us);
  gint64 parsed;

  json_builder_set_member_name (builder, key);
  if (text != NULL && vs_parse_duration (text, &parsed) && parsed == us)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_double_value (builder, us / (double) G_USEC_PER_SEC);
}

/* Headers save as an object when that loses nothing (canonical "Name: value", names unique),
 * otherwise as the list they are. */
static gboolean
headers_fit_object (char **headers)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; headers[i] != NULL; i++)
    {
      const char *colon = strchr (headers[i], ':');
      char *name;

      if (colon == NULL || colon[1] != ' ')
        return FALSE;
      name = g_strndup (headers[i], colon - headers[i]);
      if (!g_hash_table_add (names, name))
        return FALSE;
    }

  return TRUE;
}

static void
add_headers (JsonBuilder *builder,
             char       **headers)
{
  json_builder_set_member_name (builder, "headers");

  if (headers_fit_object (headers))
    {
      json_builder_begin_object (builder);
      for (guint i = 0; headers[i] != NULL; i++)
        {
          const char *colon = strchr (headers[i], ':');
          g_autofree char *name = g_strndup (headers[i], colon - headers[i]);

          json_builder_set_member_name (builder, name);
          json_builder_add_string_value (builder, colon + 2);
        }
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_begin_array (builder);
      for (guint i = 0; headers[i] != NULL; i++)
        json_builder_add_string_value (builder, headers[i]);
      json_builder_end_array (builder);
    }
}

static void
add_string (JsonBuilder *builder,
            const char  *key,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, key);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *key,
         gint64       value)
{
  json_builder_set_member_name (builder, key);
  json_builder_add_int_value (builder, value);
}

static void
add_strv (JsonBuilder        *builder,
          const char         *key,
          const char * const *values)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* Thresholds save as plain strings unless they carry options. */
static void
add_thresholds (JsonBuilder *builder,
                GPtrArray   *thresholds)
{
  if (thresholds == NULL || thresholds->len == 0)
    return;
  json_builder_set_member_name (builder, "thresholds");
  json_builder_begin_array (builder);
  for (guint i = 0; i < thresholds->len; i++)
    {
      const VsPlanThreshold *threshold = g_ptr_array_index (thresholds, i);

      if (!threshold->abort_on_fail && threshold->grace_us == 0)
        {
          json_builder_add_string_value (builder, threshold->expr);
          continue;
        }
      json_builder_begin_object (builder);
      add_string (builder, "threshold", threshold->expr);
      json_builder_set_member_name (builder, "abort_on_fail");
      json_builder_add_boolean_value (builder, threshold->abort_on_fail);
      add_duration (builder, "grace", threshold->grace_us);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_server (JsonBuilder        *builder,
            const VsServerSpec *spec)
{
  json_builder_set_member_name (builder, "server");
  json_builder_begin_object (builder);
  add_strv (builder, "command", (const char * const *) spec->argv);
  add_string (builder, "cwd", spec->cwd);
  if (spec->env != NULL && spec->env[0] != NULL)
    {
      json_builder_set_member_name (builder, "env");
      json_builder_begin_object (builder);
      for (guint i = 0; spec->env[i] != NULL; i++)
        {
          const char *equals = strchr (spec->env[i], '=');
          g_autofree char *name = equals ? g_strndup (spec->env[i], equals - spec->env[i])
                                         : g_strdup (spec->env[i]);

          json_builder_set_member_name (builder, name);
          json_builder_add_string_value (builder, equals ? equals + 1 : "");
        }
      json_builder_end_object (builder);
    }
  if (spec->ready_kind == VS_SERVER_READY_HTTP || spec->ready_port != 0 ||
      spec->ready_host != NULL || spec->ready_timeout_ms != 0)
    {
      json_builder_set_member_name (builder, "ready");
      json_builder_begin_object (builder);
      if (spec->ready_kind == VS_SERVER_READY_HTTP)
        add_string (builder, "url", spec->ready_url ? spec->ready_url : "");
      else
        {
          if (spec->ready_port != 0)
            add_int (builder, "port", spec->ready_port);
          add_string (builder, "host", spec->ready_host);
        }
      if (spec->ready_timeout_ms != 0)
        add_duration (builder, "timeout", spec->ready_timeout_ms * (gint64) 1000);
      json_builder_end_object (builder);
    }
  if (spec->stop_grace_ms != 0)
    add_duration (builder, "stop_grace", spec->stop_grace_ms * (gint64) 1000);
  add_string (builder, "cpus", spec->cpus);
  add_string (builder, "log", spec->log_path);
  json_builder_end_object (builder);
}

static void
add_rounds (JsonBuilder  *builder,
            const VsPlan *self)
{
  if (self->rounds != 0)
    add_int (builder, "rounds", self->rounds);
  if (!self->rounds_seed_set)
    return;
  if (self->rounds_seed <= G_MAXINT64)
    add_int (builder, "rounds_seed", (gint64) self->rounds_seed);
  else
    {
      g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, self->rounds_seed);

      add_string (builder, "rounds_seed", seed);
    }
}

static void
add_stages (JsonBuilder *builder,
            GArray      *stages)
{
  if (stages->len == 0)
    return;
  json_builder_set_member_name (builder, "stages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < stages->len; i++)
    {
      const VsStage *stage = &g_array_index (stages, VsStage, i);

      json_builder_begin_object (builder);
      if (stage->ramp_us > 0)
        add_duration (builder, "ramp", stage->ramp_us);
      add_duration (builder, "duration", stage->duration_us);
      if (stage->rate > 0)
        {
          json_builder_set_member_name (builder, "rate");
          json_builder_add_double_value (builder, stage->rate);
        }
      else
        add_int (builder, "connections", stage->connections);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_capacity (JsonBuilder *builder,
              VsPlan      *plan)
{
  const VsCapacityPlan *capacity = &plan->capacity;

  if (plan->mode != VS_MODE_CAPACITY)
    return;
  json_builder_set_member_name (builder, "capacity");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_double_value (builder, capacity->start_rate);
  json_builder_set_member_name (builder, "factor");
  json_builder_add_double_value (builder, capacity->factor);
  add_duration (builder, "step", capacity->step_us);
  add_int (builder, "bisections", capacity->bisections);
  json_builder_set_member_name (builder, "max");
  json_builder_add_double_value (builder, capacity->max_rate);
  json_builder_end_object (builder);
}

char *
vs_plan_to_json (VsPlan *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const VsLoad *load;
  GString *text;

  g_return_val_if_fail (self != NULL, NULL);

  load = &self->load;

  json_builder_begin_object (builder);
  add_int (builder, "version", self->version);

  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->targets->len; i++)
    {
      const VsTarget *target = g_ptr_array_index (self->targets, i);

      json_builder_begin_object (builder);
      add_string (builder, "name", target->name);
      add_string (builder, "url", target->url);
      add_string (builder, "method", target->method);
      if (target->headers != NULL && target->headers[0] != NULL)
        add_headers (builder, target->headers);
      add_string (builder, "body", target->body);
      add_string (builder, "body_file", target->body_file);
      add_string (builder, "expect_status", target->expect_status);
      if (target->server != NULL)
        add_server (builder, target->server);
      if (target->attach != 0)
        add_int (builder, "attach", target->attach);
      add_thresholds (builder, target->thresholds);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "load");
  json_builder_begin_object (builder);
  add_string (builder, "model", vs_load_model_to_string (load->model));
  add_int (builder, "connections", load->connections);
  if (load->model == VS_LOAD_OPEN || load->rate != 0)
    {
      json_builder_set_member_name (builder, "rate");
      json_builder_add_double_value (builder, load->rate);
    }
  add_string (builder, "arrival", vs_arrival_to_string (load->arrival));
  if (load->seed <= G_MAXINT64)
    add_int (builder, "seed", (gint64) load->seed);
  else
    {
      g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, load->seed);

      add_string (builder, "seed", seed);
    }
  /* The loader zeroes the duration of a file that gives only a request count, so one of the
   * two is enough unless both (or neither) are set. */
  if (load->duration_us != 0 || load->requests == 0)
    add_duration (builder, "duration", load->duration_us);
  if (load->requests != 0 || load->duration_us == 0)
    {
      if (load->requests <= G_MAXINT64)
        add_int (builder, "requests", (gint64) load->requests);
      else
        {
          g_autofree char *requests = g_strdup_printf ("%" G_GUINT64_FORMAT, load->requests);

          add_string (builder, "requests", requests);
        }
    }
  add_duration (builder, "warmup", load->warmup_us);
  add_duration (builder, "timeout", load->timeout_us);
  add_int (builder, "threads", load->threads);
  add_int (builder, "pipeline", load->pipeline);
  add_int (builder, "streams", load->streams);
  add_string (builder, "generator_cpus", load->generator_cpus);
  add_stages (builder, self->stages);
  json_builder_end_object (builder);
  if (self->compare.answers || self->compare.ignore != NULL)
    {
      json_builder_set_member_name (builder, "compare");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "answers");
      json_builder_add_boolean_value (builder, self->compare.answers);
      if (self->compare.ignore != NULL)
        add_strv (builder, "ignore", (const char * const *) self->compare.ignore);
      json_builder_end_object (builder);
    }

  add_string (builder, "mode", vs_mode_to_string (self->mode));
  add_string (builder, "engine", vs_engine_kind_to_string (self->engine));
  add_duration (builder, "tick", self->tick_us);
  json_builder_set_member_name (builder, "insecure");
  json_builder_add_boolean_value (builder, self->insecure);
  add_rounds (builder, self);
  add_thresholds (builder, self->thresholds);
  add_capacity (builder, self);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);

  text = g_string_new (NULL);
  json_generator_to_gstring (generator, text);
  g_string_append_c (text, '\n');
  return g_string_free (text, FALSE);
}

gboolean
vs_plan_save_to_file (VsPlan      *self,
                      const char  *path,
                      GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  json = vs_plan_to_json (self);
  return vs_file_replace (path, json, strlen (json), error);
}
