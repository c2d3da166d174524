/* vs-plan.c: the test plan — defaults, copies, JSON load/save, validation
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
 *         "expect_status": "2xx"             default "2xx,3xx"; "200", "200-204,404" …
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
 *       "pipeline": 1                        native engine: requests in flight per connection
 *     },
 *     "mode": "parallel" | "sequential",     default parallel
 *     "engine": "auto" | "soup" | "native",  default auto
 *     "tick": "1s",                          snapshot interval, 50ms … 60s
 *     "insecure": false                      accept any TLS certificate
 *   }
 *
 * Durations are strings ("250ms", "10s", "2m", "1h30m") or numbers of seconds. Every key is
 * optional except "version"; unknown keys are errors, so a typo never passes silently.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vs-error.h"
#include "vs-format.h"
#include "vs-plan.h"

#define MAX_CONNECTIONS 100000
#define MAX_THREADS     1024
#define MAX_PIPELINE    1024
#define MIN_TICK_US     (50 * 1000)
#define MAX_TICK_US     (60 * G_USEC_PER_SEC)

#define DEFAULT_METHOD        "GET"
#define DEFAULT_EXPECT_STATUS "2xx,3xx"

/* Enum names, in enum order. */
static const char * const load_model_names[] = { "closed", "open", NULL };
static const char * const arrival_names[] = { "uniform", "poisson", NULL };
static const char * const mode_names[] = { "parallel", "sequential", NULL };
static const char * const engine_names[] = { "auto", "soup", "native", NULL };

/* ---------------------------------------------------------------------------------------- */
/* Targets and plans                                                                        */

VsTarget *
vs_target_new (const char *name,
               const char *url)
{
  VsTarget *self = g_new0 (VsTarget, 1);

  self->name = g_strdup (name);
  self->url = g_strdup (url);
  self->method = g_strdup (DEFAULT_METHOD);
  self->headers = g_new0 (char *, 1);
  self->expect_status = g_strdup (DEFAULT_EXPECT_STATUS);

  return self;
}

VsTarget *
vs_target_copy (const VsTarget *self)
{
  VsTarget *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VsTarget, 1);
  copy->name = g_strdup (self->name);
  copy->url = g_strdup (self->url);
  copy->method = g_strdup (self->method);
  copy->headers = self->headers ? g_strdupv (self->headers) : g_new0 (char *, 1);
  copy->body = g_strdup (self->body);
  copy->body_file = g_strdup (self->body_file);
  copy->expect_status = g_strdup (self->expect_status);
  copy->uri = self->uri ? g_uri_ref (self->uri) : NULL;
  copy->body_bytes = self->body_bytes ? g_bytes_ref (self->body_bytes) : NULL;
  copy->status_rule = self->status_rule;

  return copy;
}

void
vs_target_free (VsTarget *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->url);
  g_free (self->method);
  g_strfreev (self->headers);
  g_free (self->body);
  g_free (self->body_file);
  g_free (self->expect_status);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_clear_pointer (&self->body_bytes, g_bytes_unref);
  g_free (self);
}

VsPlan *
vs_plan_new (void)
{
  VsPlan *self = g_new0 (VsPlan, 1);

  g_ref_count_init (&self->ref_count);
  self->version = VS_PLAN_VERSION;
  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_target_free);
  self->load.model = VS_LOAD_CLOSED;
  self->load.connections = 10;
  self->load.rate = 0;
  self->load.arrival = VS_ARRIVAL_UNIFORM;
  self->load.seed = 1;
  self->load.duration_us = 10 * G_USEC_PER_SEC;
  self->load.requests = 0;
  self->load.warmup_us = 0;
  self->load.timeout_us = 10 * G_USEC_PER_SEC;
  self->load.threads = 0;
  self->load.pipeline = 1;
  self->mode = VS_MODE_PARALLEL;
  self->engine = VS_ENGINE_KIND_AUTO;
  self->tick_us = G_USEC_PER_SEC;
  self->insecure = FALSE;

  return self;
}

VsPlan *
vs_plan_ref (VsPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
vs_plan_unref (VsPlan *self)
{
  g_return_if_fail (self != NULL);

  if (!g_ref_count_dec (&self->ref_count))
    return;

  g_ptr_array_unref (self->targets);
  g_free (self->base_dir);
  g_free (self);
}

VsPlan *
vs_plan_copy (VsPlan *self)
{
  VsPlan *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = vs_plan_new ();
  copy->version = self->version;
  for (guint i = 0; i < self->targets->len; i++)
    vs_plan_add_target (copy, vs_target_copy (g_ptr_array_index (self->targets, i)));
  copy->load = self->load;
  copy->mode = self->mode;
  copy->engine = self->engine;
  copy->tick_us = self->tick_us;
  copy->insecure = self->insecure;
  copy->base_dir = g_strdup (self->base_dir);

  return copy;
}

void
vs_plan_add_target (VsPlan   *self,
                    VsTarget *target)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (target != NULL);

  g_ptr_array_add (self->targets, target);
}

guint
vs_plan_get_n_targets (VsPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->targets->len;
}

VsTarget *
vs_plan_get_target (VsPlan *self,
                    guint   index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->targets->len, NULL);

  return g_ptr_array_index (self->targets, index);
}

void
vs_plan_problem_free (VsPlanProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->path);
  g_free (problem->message);
  g_free (problem);
}

/* ---------------------------------------------------------------------------------------- */
/* Enums                                                                                    */

static gboolean
name_to_enum (const char * const *names,
              const char         *str,
              int                *out)
{
  if (str == NULL)
    return FALSE;

  for (int i = 0; names[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (names[i], str) == 0)
        {
          *out = i;
          return TRUE;
        }
    }

  return FALSE;
}

static const char *
enum_to_name (const char * const *names,
              guint               n_names,
              int                 value)
{
  /* n_names excludes the NULL terminator */
  if (value < 0 || (guint) value >= n_names)
    return NULL;
  return names[value];
}

#define ENUM_TO_STRING(names, value) enum_to_name (names, G_N_ELEMENTS (names) - 1, value)

const char *
vs_load_model_to_string (VsLoadModel model)
{
  return ENUM_TO_STRING (load_model_names, model);
}

const char *
vs_mode_to_string (VsMode mode)
{
  return ENUM_TO_STRING (mode_names, mode);
}

const char *
vs_engine_kind_to_string (VsEngineKind kind)
{
  return ENUM_TO_STRING (engine_names, kind);
}

const char *
vs_arrival_to_string (VsArrival arrival)
{
  return ENUM_TO_STRING (arrival_names, arrival);
}

gboolean
vs_load_model_from_string (const char  *str,
                           VsLoadModel *out)
{
  int value;

  if (!name_to_enum (load_model_names, str, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
vs_mode_from_string (const char *str,
                     VsMode     *out)
{
  int value;

  if (!name_to_enum (mode_names, str, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
vs_engine_kind_from_string (const char   *str,
                            VsEngineKind *out)
{
  int value;

  if (!name_to_enum (engine_names, str, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
vs_arrival_from_string (const char *str,
                        VsArrival  *out)
{
  int value;

  if (!name_to_enum (arrival_names, str, &value))
    return FALSE;
  *out = value;
  return TRUE;
}

/* ---------------------------------------------------------------------------------------- */
/* Status rules                                                                             */

static void
status_rule_add_range (VsStatusRule *rule,
                       guint         lo,
                       guint         hi)
{
  for (guint s = lo; s <= hi; s++)
    rule->accept[s / 64] |= G_GUINT64_CONSTANT (1) << (s % 64);
}

static gboolean
parse_status_code (const char *text,
                   gsize       len,
                   guint      *out)
{
  guint value = 0;

  if (len != 3)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (text[i] - '0');
    }

  *out = value;
  return TRUE;
}

static gboolean
status_rule_parse_item (VsStatusRule *rule,
                        const char   *item,
                        GError      **error)
{
  gsize len = strlen (item);
  const char *dash;
  guint lo, hi;

  if (len == 3 && item[0] >= '1' && item[0] <= '5' &&
      g_ascii_tolower (item[1]) == 'x' && g_ascii_tolower (item[2]) == 'x')
    {
      lo = (item[0] - '0') * 100;
      status_rule_add_range (rule, lo, lo + 99);
      return TRUE;
    }

  dash = strchr (item, '-');
  if (dash != NULL)
    {
      if (!parse_status_code (item, dash - item, &lo) ||
          !parse_status_code (dash + 1, strlen (dash + 1), &hi))
        goto bad;
    }
  else
    {
      if (!parse_status_code (item, len, &lo))
        goto bad;
      hi = lo;
    }

  if (lo < 100 || lo > 599 || hi < 100 || hi > 599)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
                   _("status “%s” is out of range; HTTP statuses run from 100 to 599"), item);
      return FALSE;
    }
  if (lo > hi)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
                   _("range “%s” runs backwards; write the lower status first"), item);
      return FALSE;
    }

  status_rule_add_range (rule, lo, hi);
  return TRUE;

bad:
  g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
               _("“%s” is not a status, class or range; use forms like 2xx, 200 or 200-204"),
               item);
  return FALSE;
}

gboolean
vs_status_rule_parse (VsStatusRule *rule,
                      const char   *text,
                      GError      **error)
{
  g_auto(GStrv) items = NULL;
  VsStatusRule parsed = { { 0 } };
  const char *p = text;

  g_return_val_if_fail (rule != NULL, FALSE);

  while (p != NULL && g_ascii_isspace (*p))
    p++;
  if (p == NULL || *p == '\0')
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_INVALID,
                           _("empty; give the statuses that count as success, like 2xx,3xx"));
      return FALSE;
    }

  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);

      if (*item == '\0')
        {
          g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
                       _("“%s” has an empty item; separate statuses with single commas"), text);
          return FALSE;
        }
      if (!status_rule_parse_item (&parsed, item, error))
        return FALSE;
    }

  *rule = parsed;
  return TRUE;
}

/* ---------------------------------------------------------------------------------------- */
/* Checking                                                                                 */

static void
add_problem (GPtrArray  *problems,
             const char *path,
             const char *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (GPtrArray  *problems,
             const char *path,
             const char *format,
             ...)
{
  VsPlanProblem *problem = g_new0 (VsPlanProblem, 1);
  va_list args;

  va_start (args, format);
  problem->path = g_strdup (path);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (problems, problem);
}

/* RFC 9110 token characters: methods and header names. */
static gboolean
is_token (const char *str,
          gssize      len)
{
  if (len < 0)
    len = strlen (str);
  if (len == 0)
    return FALSE;

  for (gssize i = 0; i < len; i++)
    {
      guchar c = str[i];

      /* strchr() would find the terminator for '\0' */
      if (c == '\0' || (!g_ascii_isalnum (c) && strchr ("!#$%&'*+-.^_`|~", c) == NULL))
        return FALSE;
    }

  return TRUE;
}

static char *
resolve_body_file (VsPlan         *self,
                   const VsTarget *target)
{
  if (g_path_is_absolute (target->body_file) || self->base_dir == NULL)
    return g_strdup (target->body_file);
  return g_build_filename (self->base_dir, target->body_file, NULL);
}

static GUri *
check_url (GPtrArray  *problems,
           const char *path,
           const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL || *url == '\0')
    {
      add_problem (problems, path, _("missing; give an http:// or https:// URL"));
      return NULL;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  if (uri == NULL)
    {
      if (strstr (url, "://") == NULL)
        add_problem (problems, path, _("“%s” is not a URL; did you mean “http://%s”?"), url, url);
      else
        add_problem (problems, path, _("“%s” is not a valid URL"), url);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      if (strstr (url, "://") == NULL)
        add_problem (problems, path, _("“%s” is not a URL; did you mean “http://%s”?"), url, url);
      else
        add_problem (problems, path, _("unsupported scheme “%s”; use http or https"), scheme);
      return NULL;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      add_problem (problems, path, _("“%s” has no host"), url);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

static void
check_target (VsPlan         *self,
              guint           index,
              const VsTarget *target,
              GPtrArray      *problems)
{
  g_autofree char *prefix = g_strdup_printf ("targets[%u]", index);
  g_autofree char *name_path = g_strconcat (prefix, ".name", NULL);
  g_autofree char *url_path = g_strconcat (prefix, ".url", NULL);
  g_autofree char *method_path = g_strconcat (prefix, ".method", NULL);
  g_autofree char *body_file_path = g_strconcat (prefix, ".body_file", NULL);
  g_autofree char *expect_path = g_strconcat (prefix, ".expect_status", NULL);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) rule_error = NULL;
  VsStatusRule rule;

  if (target->name == NULL || *target->name == '\0')
    add_problem (problems, name_path, _("empty; every target needs a name"));
  else
    {
      for (guint j = 0; j < index; j++)
        {
          const VsTarget *other = g_ptr_array_index (self->targets, j);

          if (g_strcmp0 (other->name, target->name) == 0)
            {
              add_problem (problems, name_path, _("“%s” is also the name of targets[%u]"),
                           target->name, j);
              break;
            }
        }
    }

  uri = check_url (problems, url_path, target->url);

  if (target->method == NULL || !is_token (target->method, -1))
    add_problem (problems, method_path, _("“%s” is not an HTTP method"),
                 target->method ? target->method : "");

  for (guint h = 0; target->headers != NULL && target->headers[h] != NULL; h++)
    {
      const char *header = target->headers[h];
      const char *colon = strchr (header, ':');
      g_autofree char *path = g_strdup_printf ("%s.headers[%u]", prefix, h);

      if (strpbrk (header, "\r\n") != NULL)
        add_problem (problems, path, _("a header must not contain a line break"));
      else if (colon == NULL || !is_token (header, colon - header))
        add_problem (problems, path, _("“%s” is not a header; write “Name: value”"), header);
    }

  if (target->body != NULL && target->body_file != NULL)
    add_problem (problems, body_file_path,
                 _("both body and body_file are set; keep one of them"));
  else if (target->body_file != NULL)
    {
      g_autofree char *file = NULL;

      if (*target->body_file == '\0')
        add_problem (problems, body_file_path, _("empty; give a file name or remove it"));
      else
        {
          file = resolve_body_file (self, target);
          if (g_access (file, R_OK) != 0)
            add_problem (problems, body_file_path, _("cannot read “%s”: %s"), file,
                         g_strerror (errno));
          else if (!g_file_test (file, G_FILE_TEST_IS_REGULAR))
            add_problem (problems, body_file_path, _("“%s” is not a regular file"), file);
        }
    }

  if (target->expect_status != NULL &&
      !vs_status_rule_parse (&rule, target->expect_status, &rule_error))
    add_problem (problems, expect_path, "%s", rule_error->message);
}

GPtrArray *
vs_plan_check (VsPlan *self)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_plan_problem_free);
  const VsLoad *load;

  g_return_val_if_fail (self != NULL, problems);

  load = &self->load;

  if (self->version < 1 || self->version > VS_PLAN_VERSION)
    add_problem (problems, "version", _("version %d is not one this Versus understands (1…%d)"),
                 self->version, VS_PLAN_VERSION);

  if (self->targets->len == 0)
    add_problem (problems, "targets", _("no targets; give at least one URL"));
  for (guint i = 0; i < self->targets->len; i++)
    check_target (self, i, g_ptr_array_index (self->targets, i), problems);

  if (vs_load_model_to_string (load->model) == NULL)
    add_problem (problems, "load.model", _("unknown load model %d"), load->model);
  if (load->connections == 0 || load->connections > MAX_CONNECTIONS)
    add_problem (problems, "load.connections", _("%u is out of range; use 1 to %u"),
                 load->connections, MAX_CONNECTIONS);
  if (!isfinite (load->rate) || load->rate < 0)
    add_problem (problems, "load.rate", _("must be a number of requests/s, 0 or more"));
  else if (load->model == VS_LOAD_OPEN && load->rate <= 0)
    add_problem (problems, "load.rate",
                 _("the open model needs a rate above 0 requests/s per target"));
  if (vs_arrival_to_string (load->arrival) == NULL)
    add_problem (problems, "load.arrival", _("unknown arrival %d"), load->arrival);

  if (load->duration_us < 0)
    add_problem (problems, "load.duration", _("must not be negative"));
  else if (load->duration_us > 0 && load->requests > 0)
    add_problem (problems, "load.duration",
                 _("both a duration and a request count are set; keep one of them"));
  else if (load->duration_us == 0 && load->requests == 0)
    add_problem (problems, "load.duration", _("set either a duration or a request count"));

  if (load->warmup_us < 0)
    add_problem (problems, "load.warmup", _("must not be negative"));
  if (load->timeout_us <= 0)
    add_problem (problems, "load.timeout", _("must be longer than 0"));
  if (load->threads > MAX_THREADS)
    add_problem (problems, "load.threads", _("%u is too many; use at most %u (0: one per core)"),
                 load->threads, MAX_THREADS);
  if (load->pipeline == 0 || load->pipeline > MAX_PIPELINE)
    add_problem (problems, "load.pipeline", _("%u is out of range; use 1 to %u"),
                 load->pipeline, MAX_PIPELINE);
  else if (load->pipeline > 1 && self->engine == VS_ENGINE_KIND_SOUP)
    add_problem (problems, "load.pipeline",
                 _("the soup engine cannot pipeline; use the native engine or pipeline 1"));

  if (vs_mode_to_string (self->mode) == NULL)
    add_problem (problems, "mode", _("unknown mode %d"), self->mode);
  if (vs_engine_kind_to_string (self->engine) == NULL)
    add_problem (problems, "engine", _("unknown engine %d"), self->engine);
  if (self->tick_us < MIN_TICK_US || self->tick_us > MAX_TICK_US)
    add_problem (problems, "tick", _("must be between 50ms and 60s"));

  return problems;
}

gboolean
vs_plan_validate (VsPlan  *self,
                  GError **error)
{
  g_autoptr(GPtrArray) problems = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  problems = vs_plan_check (self);
  if (problems->len > 0)
    {
      const VsPlanProblem *first = g_ptr_array_index (problems, 0);

      g_set_error (error, VS_ERROR, VS_ERROR_INVALID, "%s: %s", first->path, first->message);
      return FALSE;
    }

  for (guint i = 0; i < self->targets->len; i++)
    {
      VsTarget *target = g_ptr_array_index (self->targets, i);
      g_autoptr(GBytes) body = NULL;
      VsStatusRule rule;

      if (target->body_file != NULL)
        {
          g_autofree char *file = resolve_body_file (self, target);
          g_autoptr(GError) local_error = NULL;
          char *contents = NULL;
          gsize length = 0;

          if (!g_file_get_contents (file, &contents, &length, &local_error))
            {
              g_set_error (error, VS_ERROR, VS_ERROR_IO, "targets[%u].body_file: %s", i,
                           local_error->message);
              return FALSE;
            }
          body = g_bytes_new_take (contents, length);
        }
      else if (target->body != NULL)
        body = g_bytes_new (target->body, strlen (target->body));
      else
        body = g_bytes_new (NULL, 0);

      /* check() accepted both, so neither can fail here */
      vs_status_rule_parse (&rule, target->expect_status ? target->expect_status
                                                         : DEFAULT_EXPECT_STATUS, NULL);

      g_clear_pointer (&target->uri, g_uri_unref);
      target->uri = g_uri_parse (target->url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE,
                                 NULL);
      g_clear_pointer (&target->body_bytes, g_bytes_unref);
      target->body_bytes = g_steal_pointer (&body);
      target->status_rule = rule;
    }

  return TRUE;
}

/* ---------------------------------------------------------------------------------------- */
/* Loading                                                                                  */

static gboolean G_GNUC_PRINTF (3, 4)
fail (GError    **error,
      const char *path,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, VS_ERROR, VS_ERROR_INVALID, "%s: %s", path, message);
  return FALSE;
}

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

          return fail (error, key_path, _("unknown key; expected one of %s"), list);
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
    return fail (error, path, _("expected an object"));
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
    return fail (error, path, _("expected a string"));
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
    return fail (error, path, _("expected true or false"));
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
    return fail (error, path, _("expected a number"));
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
        return fail (error, path, _("expected a whole number, 0 or more"));
      value = v;
    }
  else if (type == G_TYPE_DOUBLE)
    {
      double v = json_node_get_double (node);

      if (!(v >= 0 && v <= 9007199254740992.0 && v == floor (v)))
        return fail (error, path, _("expected a whole number"));
      value = (guint64) v;
    }
  else if (big && type == G_TYPE_STRING)
    {
      if (!g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, G_MAXUINT64, &value,
                                       NULL))
        return fail (error, path, _("expected a whole number"));
    }
  else
    return fail (error, path, _("expected a whole number"));

  if (value > max)
    return fail (error, path, _("%" G_GUINT64_FORMAT " is too large"), value);

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
        return fail (error, path, _("expected a duration like 10s or 2m, got “%s”"), text);
      return TRUE;
    }
  else if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      double seconds = type == G_TYPE_INT64 ? json_node_get_int (node)
                                            : json_node_get_double (node);

      /* up to about 100 days: far past any run, far below overflow */
      if (!(seconds >= 0 && seconds <= 1e7))
        return fail (error, path, _("expected a number of seconds from 0 to 10000000"));
      *out = (gint64) llround (seconds * G_USEC_PER_SEC);
      return TRUE;
    }

  return fail (error, path, _("expected a duration like \"10s\" or a number of seconds"));
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

  if (!name_to_enum (names, text, out))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) names);

      return fail (error, path, _("“%s” is not one of %s"), text, list);
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
    return fail (error, path, _("expected an object of names and values, or a list of "
                                "“Name: value” strings"));

  g_strfreev (target->headers);
  target->headers = g_strv_builder_end (builder);
  return TRUE;
}

static const char * const target_keys[] = {
  "name", "url", "method", "headers", "body", "body_file", "expect_status", NULL
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
  }

  return g_steal_pointer (&target);
}

static const char * const load_keys[] = {
  "model", "connections", "rate", "arrival", "seed", "duration", "requests", "warmup",
  "timeout", "threads", "pipeline", NULL
};

static gboolean
load_load (JsonNode    *node,
           VsLoad      *load,
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
      if (!get_enum (member, member_path, load_model_names, &value, error))
        return FALSE;
      load->model = value;
    }
  if ((member = lookup (object, "load", "connections", &member_path)) &&
      !get_uint (member, member_path, &load->connections, error))
    return FALSE;
  if ((member = lookup (object, "load", "rate", &member_path)))
    {
      if (!get_number (member, member_path, &load->rate, error))
        return FALSE;
      if (load->rate < 0)
        return fail (error, member_path, _("expected requests/s, 0 or more"));
    }
  if ((member = lookup (object, "load", "arrival", &member_path)))
    {
      if (!get_enum (member, member_path, arrival_names, &value, error))
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

  return TRUE;
}

static const char * const plan_keys[] = {
  "version", "targets", "load", "mode", "engine", "tick", "insecure", NULL
};

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
      fail (error, "version", _("missing; a Versus plan starts with \"version\": %d"),
            VS_PLAN_VERSION);
      return NULL;
    }
  if (!get_whole (member, "version", G_MAXINT, FALSE, &version, error))
    return NULL;
  if (version > VS_PLAN_VERSION)
    {
      fail (error, "version", _("this plan has version %" G_GUINT64_FORMAT ", newer than this "
                                "Versus reads (%d); update Versus"), version, VS_PLAN_VERSION);
      return NULL;
    }
  if (version < 1)
    {
      fail (error, "version", _("%" G_GUINT64_FORMAT " is not a plan version"), version);
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
          fail (error, "targets", _("expected a list of targets"));
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
      !load_load (member, &plan->load, error))
    return NULL;
  if ((member = lookup (object, "", "mode", &member_path)))
    {
      if (!get_enum (member, member_path, mode_names, &value, error))
        return NULL;
      plan->mode = value;
    }
  if ((member = lookup (object, "", "engine", &member_path)))
    {
      if (!get_enum (member, member_path, engine_names, &value, error))
        return NULL;
      plan->engine = value;
    }
  if ((member = lookup (object, "", "tick", &member_path)) &&
      !get_duration (member, member_path, &plan->tick_us, error))
    return NULL;
  if ((member = lookup (object, "", "insecure", &member_path)) &&
      !get_boolean (member, member_path, &plan->insecure, error))
    return NULL;


  plan->base_dir = g_strdup (base_dir);
  return g_steal_pointer (&plan);
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

  /* json-glib expects valid UTF-8; say so plainly instead of letting it guess */
  if (!g_utf8_validate_len (json, length, NULL))
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_INVALID,
                           _("not a Versus plan: the file is not UTF-8 text"));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID, _("not valid JSON: %s"),
                   local_error->message);
      return NULL;
    }

  return load_plan (json_parser_get_root (parser), base_dir, error);
}

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

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_IO, "%s", local_error->message);
      return NULL;
    }

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
  json_builder_end_object (builder);

  add_string (builder, "mode", vs_mode_to_string (self->mode));
  add_string (builder, "engine", vs_engine_kind_to_string (self->engine));
  add_duration (builder, "tick", self->tick_us);
  json_builder_set_member_name (builder, "insecure");
  json_builder_add_boolean_value (builder, self->insecure);
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
  g_autoptr(GError) local_error = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  json = vs_plan_to_json (self);
  if (!g_file_set_contents (path, json, -1, &local_error))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_IO, "%s", local_error->message);
      return FALSE;
    }

  return TRUE;
}
