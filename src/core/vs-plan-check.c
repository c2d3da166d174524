/* vs-plan-check.c: every problem of a plan, each with its field path, and validation */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vs-error.h"
#include "vs-format.h"
#include "vs-plan-private.h"

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
  g_autofree char *message = NULL;
  g_autofree char *valid = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* messages quote what was given, and text from the command line need not be UTF-8 */
  valid = g_utf8_make_valid (message, -1);
  g_ptr_array_add (problems, vs_plan_problem_new (path, valid));
}

static void
add_too_long (GPtrArray  *problems,
              const char *path,
              gint64      us)
{
  g_autofree char *text = vs_format_duration (us);

  add_problem (problems, path, _("%s is longer than 30 days, the limit"), text);
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

/* Whether the header line's name is @name (case-insensitive). */
static gboolean
header_is (const char *header,
           const char *name)
{
  gsize len = strlen (name);

  return g_ascii_strncasecmp (header, name, len) == 0 && header[len] == ':';
}

char *
vs_header_check (const char *header)
{
  const char *colon;

  g_return_val_if_fail (header != NULL, NULL);

  colon = strchr (header, ':');
  if (strpbrk (header, "\r\n") != NULL)
    return g_strdup (_("a header must not contain a line break"));
  if (colon == NULL || !is_token (header, colon - header))
    {
      g_autofree char *shown = g_utf8_make_valid (header, -1);  /* -H need not be UTF-8 */

      return g_strdup_printf (_("“%s” is not a header; write “Name: value”"), shown);
    }
  if (header_is (header, "Content-Length"))
    return g_strdup (_("Versus sets Content-Length itself, from the body; remove this header"));
  if (header_is (header, "Transfer-Encoding"))
    return g_strdup (_("Versus frames the body itself, with Content-Length; remove this "
                       "header"));
  return NULL;
}

static char *
resolve_body_file (VsPlan         *self,
                   const VsTarget *target)
{
  if (g_path_is_absolute (target->body_file) || self->base_dir == NULL)
    return g_strdup (target->body_file);
  return g_build_filename (self->base_dir, target->body_file, NULL);
}

/* A body is held in memory, once for every target and worker that sends it. */
static void
check_body_size (GPtrArray  *problems,
                 const char *path,
                 const char *file)
{
  GStatBuf st;

  if (g_stat (file, &st) == 0 && (guint64) st.st_size > VS_PLAN_BODY_FILE_MAX)
    add_problem (problems, path,
                 _("“%s” is %" PRIu64 " bytes; a body may be at most %" PRIu64
                   " bytes (1 GiB), since Versus holds it in memory"),
                 file, (guint64) st.st_size, VS_PLAN_BODY_FILE_MAX);
}

/* The body of a body_file, read once however many targets name the same file (the same
 * device and inode). */
static GBytes *
read_body_file (GHashTable  *read,
                const char  *file,
                guint        index,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = NULL;
  char *contents = NULL;
  gsize length = 0;
  GStatBuf st;
  GBytes *body;

  if (g_stat (file, &st) == 0)
    {
      key = g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev, (uintmax_t) st.st_ino);
      body = g_hash_table_lookup (read, key);
      if (body != NULL)
        return g_bytes_ref (body);
    }

  if (!g_file_get_contents (file, &contents, &length, &local_error))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_IO, "targets[%u].body_file: %s", index,
                   local_error->message);
      return NULL;
    }
  /* the file grew past the limit since the check */
  if (length > VS_PLAN_BODY_FILE_MAX)
    {
      g_free (contents);
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
                   _("targets[%u].body_file: a body may be at most %" PRIu64
                     " bytes (1 GiB)"), index, VS_PLAN_BODY_FILE_MAX);
      return NULL;
    }

  body = g_bytes_new_take (contents, length);
  if (key != NULL)
    g_hash_table_insert (read, g_steal_pointer (&key), g_bytes_ref (body));
  return body;
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

  if (g_uri_get_port (uri) == 0)
    {
      add_problem (problems, path, _("port 0 is not a port a server listens on; use 1 to 65535"));
      return NULL;
    }

  return g_steal_pointer (&uri);
}

/* Whether the target's URL was accepted and is https:// (filled by check_target). */
typedef enum
{
  SCHEME_BAD,
  SCHEME_HTTP,
  SCHEME_HTTPS,
} Scheme;

static Scheme
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
  int host_index = -1;

  /* the URL first: the command line names a target after its URL, so a missing URL would
   * otherwise be reported as a missing name */
  uri = check_url (problems, url_path, target->url);

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

  if (target->method == NULL || !is_token (target->method, -1))
    add_problem (problems, method_path, _("“%s” is not an HTTP method"),
                 target->method ? target->method : "");

  for (guint h = 0; target->headers != NULL && target->headers[h] != NULL; h++)
    {
      const char *header = target->headers[h];
      g_autofree char *path = g_strdup_printf ("%s.headers[%u]", prefix, h);
      g_autofree char *problem = vs_header_check (header);

      if (problem != NULL)
        add_problem (problems, path, "%s", problem);
      else if (header_is (header, "Host"))
        {
          if (host_index >= 0)
            add_problem (problems, path, _("Host is also given in headers[%d]; keep one"),
                         host_index);
          else
            host_index = h;
        }
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
          else
            check_body_size (problems, body_file_path, file);
        }
    }

  if (target->expect_status != NULL &&
      !vs_status_rule_parse (&rule, target->expect_status, &rule_error))
    add_problem (problems, expect_path, "%s", rule_error->message);

  if (uri == NULL)
    return SCHEME_BAD;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? SCHEME_HTTPS : SCHEME_HTTP;
}

/* What the engine the plan asks for (or auto's choice) cannot send. Auto picks native when
 * every target is plain http:// and soup otherwise: one engine for all, measured alike. */
static void
check_engine (VsPlan    *self,
              int        first_https,
              GPtrArray *problems)
{
  const VsLoad *load = &self->load;

  if (self->engine == VS_ENGINE_KIND_NATIVE && first_https >= 0)
    {
      g_autofree char *path = g_strdup_printf ("targets[%d].url", first_https);

      add_problem (problems, path,
                   _("the native engine speaks plain http:// only; use the soup engine for "
                     "https://"));
    }
  else if (self->engine == VS_ENGINE_KIND_AUTO && first_https < 0 && load->streams > 1 &&
           load->pipeline <= 1 && load->streams <= MAX_STREAMS)
    add_problem (problems, "load.streams",
                 _("every target is plain http://, which the native engine runs over HTTP/1.1 "
                   "without streams (libsoup speaks HTTP/2 over TLS only); use https:// "
                   "targets or streams 1"));
  else if (self->engine == VS_ENGINE_KIND_AUTO && first_https >= 0 && load->pipeline > 1 &&
           load->pipeline <= MAX_PIPELINE && load->streams <= 1)
    add_problem (problems, "load.pipeline",
                 _("targets[%d] is not plain http://, so the soup engine would run it, and it "
                   "cannot pipeline; use pipeline 1"), first_https);
}

/* Rounds: a count from 1 in rounds mode, none in the others (a count that would be ignored
 * is a mistake, not a default). */
static void
check_rounds (VsPlan    *self,
              GPtrArray *problems)
{
  if (self->mode == VS_MODE_ROUNDS && (self->rounds == 0 || self->rounds > MAX_ROUNDS))
    {
      if (self->rounds == 0)
        add_problem (problems, "rounds",
                     _("mode rounds needs a number of rounds; give 1 to %u (5 or more for a "
                       "verdict)"), MAX_ROUNDS);
      else
        add_problem (problems, "rounds", _("%u is out of range; use 1 to %u"), self->rounds,
                     MAX_ROUNDS);
    }
  else if (self->mode != VS_MODE_ROUNDS && self->rounds != 0)
    add_problem (problems, "rounds",
                 _("only mode rounds has rounds; set \"mode\": \"rounds\" or leave rounds "
                   "out"));
  if (self->mode != VS_MODE_ROUNDS && self->rounds_seed_set)
    add_problem (problems, "rounds_seed",
                 _("only mode rounds shuffles its trials; set \"mode\": \"rounds\" or "
                   "leave rounds_seed out"));
}

GPtrArray *
vs_plan_check (VsPlan *self)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) vs_plan_problem_free);
  const VsLoad *load;
  int first_https = -1;

  g_return_val_if_fail (self != NULL, problems);

  load = &self->load;

  if (self->version < 1 || self->version > VS_PLAN_VERSION)
    add_problem (problems, "version", _("version %d is not one this Versus understands (1…%d)"),
                 self->version, VS_PLAN_VERSION);

  if (self->targets->len == 0)
    add_problem (problems, "targets", _("no targets; give at least one URL"));
  for (guint i = 0; i < self->targets->len; i++)
    {
      Scheme scheme = check_target (self, i, g_ptr_array_index (self->targets, i), problems);

      if (scheme == SCHEME_HTTPS && first_https < 0)
        first_https = i;
    }

  if (vs_load_model_to_string (load->model) == NULL)
    add_problem (problems, "load.model", _("unknown load model %d"), load->model);
  if (load->connections == 0 || load->connections > MAX_CONNECTIONS)
    add_problem (problems, "load.connections", _("%u is out of range; use 1 to %u"),
                 load->connections, MAX_CONNECTIONS);
  if (!isfinite (load->rate) || load->rate < 0 ||
      (load->rate > 0 && (load->rate < MIN_RATE || load->rate > MAX_RATE)))
    {
      char rate[G_ASCII_DTOSTR_BUF_SIZE];

      add_problem (problems, "load.rate",
                   _("%s is out of range; use 0.001 to 10000000 requests/s per target"),
                   g_ascii_formatd (rate, sizeof rate, "%g", load->rate));
    }
  else if (load->model == VS_LOAD_OPEN && load->rate <= 0 && self->stages->len == 0)
    add_problem (problems, "load.rate",
                 _("the open model needs a rate above 0 requests/s per target"));
  if (vs_arrival_to_string (load->arrival) == NULL)
    add_problem (problems, "load.arrival", _("unknown arrival %d"), load->arrival);

  if (load->duration_us < 0)
    add_problem (problems, "load.duration", _("must not be negative"));
  else if (load->duration_us > MAX_DURATION_US)
    add_too_long (problems, "load.duration", load->duration_us);
  else if (load->duration_us > 0 && load->requests > 0)
    add_problem (problems, "load.duration",
                 _("both a duration and a request count are set; keep one of them"));
  else if (load->duration_us == 0 && load->requests == 0 && self->stages->len == 0)
    add_problem (problems, "load.duration", _("set either a duration or a request count"));

  if (load->warmup_us < 0)
    add_problem (problems, "load.warmup", _("must not be negative"));
  else if (load->warmup_us > MAX_DURATION_US)
    add_too_long (problems, "load.warmup", load->warmup_us);
  if (load->timeout_us <= 0)
    add_problem (problems, "load.timeout", _("must be longer than 0"));
  else if (load->timeout_us > MAX_DURATION_US)
    add_too_long (problems, "load.timeout", load->timeout_us);
  if (load->threads > MAX_THREADS)
    add_problem (problems, "load.threads", _("%u is too many; use at most %u (0: one per core)"),
                 load->threads, MAX_THREADS);
  if (load->pipeline == 0 || load->pipeline > MAX_PIPELINE)
    add_problem (problems, "load.pipeline", _("%u is out of range; use 1 to %u"),
                 load->pipeline, MAX_PIPELINE);
  else if (load->pipeline > 1 && self->engine == VS_ENGINE_KIND_SOUP)
    add_problem (problems, "load.pipeline",
                 _("the soup engine cannot pipeline; use the native engine or pipeline 1"));
  if (load->streams == 0 || load->streams > MAX_STREAMS)
    add_problem (problems, "load.streams", _("%u is out of range; use 1 to %u"),
                 load->streams, MAX_STREAMS);
  else if (load->streams > 1 && self->engine == VS_ENGINE_KIND_NATIVE)
    add_problem (problems, "load.streams",
                 _("the native engine speaks HTTP/1.1, which has no streams; use the soup "
                   "engine with https:// targets, or streams 1"));
  else if (load->streams > 1 && load->pipeline > 1)
    add_problem (problems, "load.streams",
                 _("streams (HTTP/2, soup engine) and pipeline (HTTP/1.1, native engine) "
                   "exclude each other; keep one of them at 1"));

  if (vs_mode_to_string (self->mode) == NULL)
    add_problem (problems, "mode", _("unknown mode %d"), self->mode);
  check_rounds (self, problems);
  if (vs_engine_kind_to_string (self->engine) == NULL)
    add_problem (problems, "engine", _("unknown engine %d"), self->engine);
  if (self->tick_us < MIN_TICK_US || self->tick_us > MAX_TICK_US)
    add_problem (problems, "tick", _("must be between 50ms and 60s"));
  check_engine (self, first_https, problems);
  _vs_plan_check_backends (self, problems);
  _vs_plan_check_slo (self, problems);

  return problems;
}

gboolean
vs_plan_validate (VsPlan  *self,
                  GError **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GHashTable) read = NULL;  /* body files read, by device and inode */

  g_return_val_if_fail (self != NULL, FALSE);

  problems = vs_plan_check (self);
  if (problems->len > 0)
    {
      const VsPlanProblem *first = g_ptr_array_index (problems, 0);

      g_set_error (error, VS_ERROR, VS_ERROR_INVALID, "%s: %s", first->path, first->message);
      return FALSE;
    }
  _vs_plan_resolve_stages (self);

  /* what an earlier validation resolved goes first, so that a body file is never in memory
   * twice while it is read again */
  for (guint i = 0; i < self->targets->len; i++)
    {
      VsTarget *target = g_ptr_array_index (self->targets, i);

      g_clear_pointer (&target->request, vs_request_unref);
      g_clear_pointer (&target->body_bytes, g_bytes_unref);
    }
  read = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < self->targets->len; i++)
    {
      VsTarget *target = g_ptr_array_index (self->targets, i);
      g_autoptr(GBytes) body = NULL;
      VsStatusRule rule;

      if (target->body_file != NULL)
        {
          g_autofree char *file = resolve_body_file (self, target);

          body = read_body_file (read, file, i, error);
          if (body == NULL)
            return FALSE;
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
      g_clear_pointer (&target->request, vs_request_unref);
      target->request = vs_request_new (target->url, target->method,
                                        (const char * const *) target->headers, body);
      g_clear_pointer (&target->body_bytes, g_bytes_unref);
      target->body_bytes = g_steal_pointer (&body);
      target->status_rule = rule;
    }

  return TRUE;
}
