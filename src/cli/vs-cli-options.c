/* vs-cli-options.c: `versus run` flags → a validated VsPlan */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vs-cli-options.h"
#include "vs-error.h"
#include "vs-format.h"
#include "vs-segment.h"
#include "vs-threshold.h"

/* Every flag as typed; NULL when not given. Numbers are parsed by us, not by GOption, so that
 * a bad value gets the same kind of message as a bad plan field. */
typedef struct
{
  char     *connections;
  char     *duration;
  char     *requests;
  char     *rate;
  char     *threads;
  char     *method;
  char    **headers;
  char     *body;
  char     *body_file;
  char    **names;
  char     *expect;
  char     *engine;
  char     *timeout;
  char     *warmup;
  gboolean  insecure;
  char     *mode;
  char     *arrival;
  char     *seed;
  char     *tick;
  char     *pipeline;
  char     *streams;
  char     *plan;
  char     *segment;
  char     *start_at;
  char    **urls;
  char     *rounds;
  char     *rounds_seed;
  char    **thresholds;
  gboolean  capacity;
} Flags;

static void
flags_clear (Flags *flags)
{
  g_free (flags->connections);
  g_free (flags->duration);
  g_free (flags->requests);
  g_free (flags->rate);
  g_free (flags->threads);
  g_free (flags->method);
  g_strfreev (flags->headers);
  g_free (flags->body);
  g_free (flags->body_file);
  g_strfreev (flags->names);
  g_free (flags->expect);
  g_free (flags->engine);
  g_free (flags->timeout);
  g_free (flags->warmup);
  g_free (flags->mode);
  g_free (flags->arrival);
  g_free (flags->seed);
  g_free (flags->tick);
  g_free (flags->pipeline);
  g_free (flags->streams);
  g_free (flags->plan);
  g_free (flags->segment);
  g_free (flags->start_at);
  g_strfreev (flags->urls);
  g_free (flags->rounds);
  g_free (flags->rounds_seed);
  g_strfreev (flags->thresholds);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Flags, flags_clear)

void
vs_cli_options_clear (VsCliOptions *options)
{
  g_clear_pointer (&options->plan, vs_plan_unref);
  g_clear_pointer (&options->save_plan, g_free);
  g_clear_pointer (&options->csv_dir, g_free);
  g_clear_pointer (&options->json_file, g_free);
  g_clear_pointer (&options->hlog_file, g_free);
  g_clear_pointer (&options->hgrm_dir, g_free);
  options->quiet = FALSE;
  options->allow_commands = FALSE;
  options->version = FALSE;
  options->start_at_us = 0;
}

static gboolean
parse_whole (const char  *flag,
             const char  *text,
             guint64      max,
             guint64     *out,
             GError     **error)
{
  /* digits only, yet out of range: say that it is too large, not that it is not a number */
  if (*text != '\0' && strspn (text, "0123456789") == strlen (text) &&
      !g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL))
    return vs_error_set_field (error, flag,
                               _("%s is too large; at most %" PRIu64), text, max);
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL))
    return vs_error_set_field (error, flag,
                               _("expected a whole number from 0 to %" PRIu64
                                 ", got “%s”"), max, text);
  return TRUE;
}

static gboolean
parse_uint (const char  *flag,
            const char  *text,
            guint       *out,
            GError     **error)
{
  guint64 value;

  if (!parse_whole (flag, text, G_MAXUINT, &value, error))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static gboolean
parse_duration (const char  *flag,
                const char  *text,
                gint64      *out,
                GError     **error)
{
  if (!vs_parse_duration (text, out))
    return vs_error_set_field (error, flag,
                               _("expected a duration like 10s or 2m, got “%s”"), text);
  return TRUE;
}

static gboolean
parse_rate (const char  *flag,
            const char  *text,
            double      *out,
            GError     **error)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  /* a number here; its range (NaN, infinities and negatives included) is the plan check's */
  if (end == text || *end != '\0')
    return vs_error_set_field (error, flag,
                               _("expected requests per second like 500 or 1e3, got “%s”"),
                               text);
  *out = value;
  return TRUE;
}

typedef gboolean (*FromString) (const char *str, gpointer out);

static gboolean
parse_choice (const char  *flag,
              const char  *text,
              FromString   from_string,
              const char  *choices,
              gpointer     out,
              GError     **error)
{
  if (!from_string (text, out))
    return vs_error_set_field (error, flag, _("expected %s, got “%s”"), choices, text);
  return TRUE;
}

/* host:port of a URL (the default port when none is written), or the URL itself. */
static char *
host_port (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL) : NULL;
  const char *host;
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return g_strdup (url ? url : "");

  host = g_uri_get_host (uri);
  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;

  return vs_format_authority (host, port);
}

static char *
host_port_path (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL) : NULL;
  g_autofree char *base = host_port (url);

  if (uri == NULL)
    return g_steal_pointer (&base);
  if (g_uri_get_query (uri) != NULL)
    return g_strdup_printf ("%s%s?%s", base, g_uri_get_path (uri), g_uri_get_query (uri));
  return g_strdup_printf ("%s%s", base, g_uri_get_path (uri));
}

static gboolean
name_taken (char      **names,
            guint       n,
            guint       self,
            const char *name)
{
  for (guint i = 0; i < n; i++)
    if (i != self && g_strcmp0 (names[i], name) == 0)
      return TRUE;
  return FALSE;
}

void
vs_cli_name_targets (VsPlan *plan)
{
  guint n = vs_plan_get_n_targets (plan);
  g_autofree char **names = g_new0 (char *, n + 1);  /* borrowed or owned by `owned` */
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  gboolean *automatic = g_newa (gboolean, n + 1);

  for (guint i = 0; i < n; i++)
    {
      VsTarget *target = vs_plan_get_target (plan, i);

      automatic[i] = target->name == NULL || *target->name == '\0';
      if (automatic[i])
        g_ptr_array_add (owned, names[i] = host_port (target->url));
      else
        names[i] = target->name;
    }

  /* Two passes: first add the path where host:port is not enough, then the position. */
  for (guint pass = 0; pass < 2; pass++)
    {
      gboolean *clash = g_newa (gboolean, n + 1);

      for (guint i = 0; i < n; i++)
        clash[i] = automatic[i] && name_taken (names, n, i, names[i]);
      for (guint i = 0; i < n; i++)
        {
          const char *url = vs_plan_get_target (plan, i)->url;

          if (!clash[i])
            continue;
          if (pass == 0)
            g_ptr_array_add (owned, names[i] = host_port_path (url));
          else
            g_ptr_array_add (owned, names[i] = g_strdup_printf ("%s #%u", names[i], i + 1));
        }
    }

  for (guint i = 0; i < n; i++)
    {
      VsTarget *target = vs_plan_get_target (plan, i);

      if (automatic[i])
        {
          g_free (target->name);
          target->name = g_strdup (names[i]);
        }
    }
}

/* -H "Name: value" on a target: replaces headers of that name, else adds. */
static void
set_header (VsTarget   *target,
            const char *header)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gsize name_len = strcspn (header, ":");

  for (guint i = 0; target->headers != NULL && target->headers[i] != NULL; i++)
    {
      const char *old = target->headers[i];

      if (strcspn (old, ":") == name_len && g_ascii_strncasecmp (old, header, name_len) == 0)
        continue;
      g_strv_builder_add (builder, old);
    }
  g_strv_builder_add (builder, header);

  g_strfreev (target->headers);
  target->headers = g_strv_builder_end (builder);
}

static gboolean
apply_names (VsPlan  *plan,
             char   **flags,
             GError **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  /* repeatable, and each may be a comma list */
  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (flags[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        g_ptr_array_add (names, g_strdup (g_strstrip (parts[j])));
    }

  if (names->len > vs_plan_get_n_targets (plan))
    return vs_error_set_field (error, "--name",
                               _("%u names for %u targets; give one per URL, in URL order"),
                               names->len, vs_plan_get_n_targets (plan));

  for (guint i = 0; i < names->len; i++)
    {
      VsTarget *target = vs_plan_get_target (plan, i);
      const char *name = g_ptr_array_index (names, i);

      /* an empty entry (“--name ,b”) keeps the name the target has */
      if (*name == '\0')
        continue;
      g_free (target->name);
      target->name = g_strdup (name);
    }

  return TRUE;
}

/* Whether the plan problem is about a header line that came from --header. */
static gboolean
is_flag_header (VsPlan              *plan,
                Flags               *flags,
                const VsPlanProblem *problem)
{
  guint t, h;
  char end;

  if (flags->headers == NULL ||
      sscanf (problem->path, "targets[%u].headers[%u%c", &t, &h, &end) != 3 || end != ']' ||
      t >= vs_plan_get_n_targets (plan))
    return FALSE;

  return h < g_strv_length (vs_plan_get_target (plan, t)->headers) &&
         g_strv_contains ((const char * const *) flags->headers,
                          vs_plan_get_target (plan, t)->headers[h]);
}

/* vs_plan_validate(), the one validator; a problem with a header the command line gave is
 * said with the flag's name, which is what the person typed. */
static gboolean
validate (VsPlan  *plan,
          Flags   *flags,
          GError **error)
{
  g_autoptr(GPtrArray) problems = vs_plan_check (plan);

  if (problems->len > 0 && is_flag_header (plan, flags, g_ptr_array_index (problems, 0)))
    {
      const VsPlanProblem *first = g_ptr_array_index (problems, 0);

      return vs_error_set_field (error, "--header", "%s", first->message);
    }

  return vs_plan_validate (plan, error);
}

static gboolean
apply_targets (VsPlan  *plan,
               Flags   *flags,
               GError **error)
{
  g_autofree char *body_file = NULL;

  if (flags->body != NULL && flags->body_file != NULL)
    return vs_error_set_field (error, "--body-file",
                               _("--body and --body-file are both given; keep one"));

  /* (canonicalised, "" would name the current folder) */
  if (flags->body_file != NULL && *flags->body_file == '\0')
    return vs_error_set_field (error, "--body-file", _("empty; give a file name"));

  /* relative to where the command runs, not to a --plan file's folder */
  if (flags->body_file != NULL)
    body_file = g_canonicalize_filename (flags->body_file, NULL);

  if (flags->expect != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      VsStatusRule rule;

      if (!vs_status_rule_parse (&rule, flags->expect, &local_error))
        return vs_error_set_field (error, "--expect", "%s", local_error->message);
    }

  if (flags->method != NULL && *flags->method == '\0')
    return vs_error_set_field (error, "--method", _("empty; give an HTTP method like GET or POST"));

  for (guint i = 0; i < vs_plan_get_n_targets (plan); i++)
    {
      VsTarget *target = vs_plan_get_target (plan, i);

      if (flags->method != NULL)
        {
          g_free (target->method);
          target->method = g_ascii_strup (flags->method, -1);
        }
      for (guint h = 0; flags->headers != NULL && flags->headers[h] != NULL; h++)
        set_header (target, flags->headers[h]);
      if (flags->body != NULL || body_file != NULL)
        {
          g_free (target->body);
          g_free (target->body_file);
          target->body = g_strdup (flags->body);
          target->body_file = g_strdup (body_file);
        }
      if (flags->expect != NULL)
        {
          g_free (target->expect_status);
          target->expect_status = g_strdup (flags->expect);
        }
    }

  return apply_names (plan, flags->names, error);
}

static gboolean
apply_load (VsPlan  *plan,
            Flags   *flags,
            GError **error)
{
  VsLoad *load = &plan->load;

  if (flags->connections != NULL &&
      !parse_uint ("--connections", flags->connections, &load->connections, error))
    return FALSE;

  /* -d and -n each replace the other unless both are given (which validation refuses) */
  if (flags->duration != NULL)
    {
      if (!parse_duration ("--duration", flags->duration, &load->duration_us, error))
        return FALSE;
      if (flags->requests == NULL)
        load->requests = 0;
    }
  if (flags->requests != NULL)
    {
      if (!parse_whole ("--requests", flags->requests, G_MAXUINT64, &load->requests, error))
        return FALSE;
      if (flags->duration == NULL)
        load->duration_us = 0;
    }

  if (flags->rate != NULL)
    {
      if (!parse_rate ("--rate", flags->rate, &load->rate, error))
        return FALSE;
      load->model = VS_LOAD_OPEN;
    }
  if (flags->threads != NULL && !parse_uint ("--threads", flags->threads, &load->threads, error))
    return FALSE;
  if (flags->timeout != NULL &&
      !parse_duration ("--timeout", flags->timeout, &load->timeout_us, error))
    return FALSE;
  if (flags->warmup != NULL &&
      !parse_duration ("--warmup", flags->warmup, &load->warmup_us, error))
    return FALSE;
  if (flags->arrival != NULL &&
      !parse_choice ("--arrival", flags->arrival, (FromString) vs_arrival_from_string,
                     _("uniform or poisson"), &load->arrival, error))
    return FALSE;
  if (flags->seed != NULL &&
      !parse_whole ("--seed", flags->seed, G_MAXUINT64, &load->seed, error))
    return FALSE;
  if (flags->pipeline != NULL &&
      !parse_uint ("--pipeline", flags->pipeline, &load->pipeline, error))
    return FALSE;
  if (flags->streams != NULL &&
      !parse_uint ("--streams", flags->streams, &load->streams, error))
    return FALSE;

  if (flags->engine != NULL &&
      !parse_choice ("--engine", flags->engine, (FromString) vs_engine_kind_from_string,
                     _("auto, soup or native"), &plan->engine, error))
    return FALSE;
  if (flags->mode != NULL &&
      !parse_choice ("--mode", flags->mode, (FromString) vs_mode_from_string,
                     _("parallel, sequential, rounds or capacity"), &plan->mode, error))
    return FALSE;
  if (flags->tick != NULL && !parse_duration ("--tick", flags->tick, &plan->tick_us, error))
    return FALSE;
  if (flags->insecure)
    plan->insecure = TRUE;

  return TRUE;
}

/* --rounds K chooses mode rounds; another --mode drops a plan file's rounds, which only that
 * mode has. */
static gboolean
apply_rounds (VsPlan  *plan,
              Flags   *flags,
              GError **error)
{
  if (flags->rounds != NULL)
    {
      if (flags->mode != NULL && plan->mode != VS_MODE_ROUNDS)
        return vs_error_set_field (error, "--rounds",
                                   _("--rounds runs mode rounds, but --mode %s is given too; "
                                     "keep one of them"), flags->mode);
      if (!parse_uint ("--rounds", flags->rounds, &plan->rounds, error))
        return FALSE;
      plan->mode = VS_MODE_ROUNDS;
    }
  else if (flags->mode != NULL && plan->mode != VS_MODE_ROUNDS)
    {
      plan->rounds = 0;
      plan->rounds_seed_set = FALSE;
    }

  if (flags->rounds_seed != NULL)
    {
      if (!parse_whole ("--rounds-seed", flags->rounds_seed, G_MAXUINT64, &plan->rounds_seed,
                        error))
        return FALSE;
      if (plan->mode != VS_MODE_ROUNDS)
        return vs_error_set_field (error, "--rounds-seed",
                                   _("only mode rounds shuffles its trials; give --rounds K "
                                     "too"));
      plan->rounds_seed_set = TRUE;
    }
  return TRUE;
}

/* --threshold EXPR (repeatable): added to the plan's own, checked here so that a mistake is
 * said with the flag; --capacity: the capacity search. */
static gboolean
apply_slo (VsPlan  *plan,
           Flags   *flags,
           GError **error)
{
  for (guint i = 0; flags->thresholds != NULL && flags->thresholds[i] != NULL; i++)
    {
      g_autoptr(VsThreshold) parsed = vs_threshold_parse (flags->thresholds[i], "--threshold",
                                                          error);

      if (parsed == NULL)
        return FALSE;
      g_ptr_array_add (plan->thresholds, vs_plan_threshold_new (flags->thresholds[i]));
    }
  if (flags->capacity)
    plan->mode = VS_MODE_CAPACITY;
  return TRUE;
}

gboolean
vs_cli_options_parse (VsCliOptions  *options,
                      int            argc,
                      char         **argv,
                      GError       **error)
{
  g_auto(Flags) flags = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) args = NULL;
  g_autoptr(VsPlan) plan = NULL;
  const GOptionEntry entries[] = {
    { "connections", 'c', 0, G_OPTION_ARG_STRING, &flags.connections,
      N_("Connections per target (default 10)"), "N" },
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &flags.duration,
      N_("Length of the measured phase, like 10s or 2m (default 10s)"), "TIME" },
    { "requests", 'n', 0, G_OPTION_ARG_STRING, &flags.requests,
      N_("Requests per target, instead of a duration"), "N" },
    { "rate", 'r', 0, G_OPTION_ARG_STRING, &flags.rate,
      N_("Requests/s per target on a fixed schedule (the open model)"), "R" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &flags.threads,
      N_("Worker threads (default: one per CPU this process may use)"), "N" },
    { "method", 'm', 0, G_OPTION_ARG_STRING, &flags.method,
      N_("HTTP method (default GET)"), "METHOD" },
    { "header", 'H', 0, G_OPTION_ARG_STRING_ARRAY, &flags.headers,
      N_("Request header; repeatable"), "\"NAME: VALUE\"" },
    { "body", 0, 0, G_OPTION_ARG_STRING, &flags.body,
      N_("Request body"), "TEXT" },
    { "body-file", 0, 0, G_OPTION_ARG_FILENAME, &flags.body_file,
      N_("Send this file as the request body"), "FILE" },
    { "name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &flags.names,
      N_("Labels for the targets, in URL order; repeatable or comma-separated"), "NAME" },
    { "expect", 0, 0, G_OPTION_ARG_STRING, &flags.expect,
      N_("Statuses that count as success, like 2xx or 200-204,404 (default 2xx,3xx)"),
      "RULE" },
    { "engine", 0, 0, G_OPTION_ARG_STRING, &flags.engine,
      N_("auto, soup or native (default auto)"), "ENGINE" },
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &flags.timeout,
      N_("Per-request timeout (default 10s)"), "TIME" },
    { "warmup", 0, 0, G_OPTION_ARG_STRING, &flags.warmup,
      N_("Load before measuring, left out of the results"), "TIME" },
    { "insecure", 0, 0, G_OPTION_ARG_NONE, &flags.insecure,
      N_("Accept any TLS certificate"), NULL },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &flags.mode,
      N_("parallel (all targets at once, default), sequential, rounds or capacity"), "MODE" },
    { "rounds", 0, 0, G_OPTION_ARG_STRING, &flags.rounds,
      N_("Mode rounds: K rounds, each giving every target one trial, in shuffled order"), "K" },
    { "rounds-seed", 0, 0, G_OPTION_ARG_STRING, &flags.rounds_seed,
      N_("Seed of the rounds' order (default: a fresh one, printed and saved)"), "N" },
    { "arrival", 0, 0, G_OPTION_ARG_STRING, &flags.arrival,
      N_("Open model: uniform (default) or poisson"), "ARRIVAL" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &flags.seed,
      N_("Seed of the Poisson schedule (default 1)"), "N" },
    { "tick", 0, 0, G_OPTION_ARG_STRING, &flags.tick,
      N_("Interval of the live figures and the time series (default 1s)"), "TIME" },
    { "pipeline", 'p', 0, G_OPTION_ARG_STRING, &flags.pipeline,
      N_("Native engine: requests in flight per connection (default 1)"), "N" },
    { "streams", 0, 0, G_OPTION_ARG_STRING, &flags.streams,
      N_("Soup engine: HTTP/2 streams in flight per connection (default 1)"), "N" },
    { "plan", 0, 0, G_OPTION_ARG_FILENAME, &flags.plan,
      N_("Load a plan file; flags given too override its values"), "FILE" },
    { "save-plan", 0, 0, G_OPTION_ARG_FILENAME, &options->save_plan,
      N_("Write the plan to FILE and exit without running"), "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &options->csv_dir,
      N_("Write summary.csv and timeseries.csv into DIR"), "DIR" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &options->json_file,
      N_("Write the whole result as JSON"), "FILE" },
    { "hlog", 0, 0, G_OPTION_ARG_FILENAME, &options->hlog_file,
      N_("Write an HdrHistogram interval log (latency in µs, one line per interval and target)"),
      "FILE" },
    { "hgrm", 0, 0, G_OPTION_ARG_FILENAME, &options->hgrm_dir,
      N_("Write each target's percentile distribution (as wrk2 -L prints it) into DIR"), "DIR" },
    { "segment", 0, 0, G_OPTION_ARG_STRING, &flags.segment,
      N_("Run segment I (from 0) of N equal shares of the load (join them with “versus merge”)"), "I/N" },
    { "start-at", 0, 0, G_OPTION_ARG_STRING, &flags.start_at,
      N_("Wait until this wall-clock time (RFC 3339 or epoch seconds), then start"), "TIME" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &options->quiet,
      N_("No live progress"), NULL },
    { "allow-commands", 0, 0, G_OPTION_ARG_NONE, &options->allow_commands,
      N_("Let the plan start its servers (the commands of its server sections)"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version,
      N_("Show the version"), NULL },
    { "threshold", 0, 0, G_OPTION_ARG_STRING_ARRAY, &flags.thresholds,
      N_("SLO threshold every target must keep, like \"p99 < 50ms\" or \"error_rate < 1%\"; "
         "repeatable. A failed one makes the exit status 3"), "EXPR" },
    { "capacity", 0, 0, G_OPTION_ARG_NONE, &flags.capacity,
      N_("Capacity search: per target, raise the open-model rate until a threshold fails"),
      NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &flags.urls, NULL, N_("URL…") },
    { NULL }
  };

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (argc >= 1, FALSE);

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Loads every URL with the same HTTP load and compares them "
                                  "side by side."));
  g_option_context_set_description (context,
                                    _("Example:\n  versus run http://127.0.0.1:8081/ "
                                      "http://127.0.0.1:8082/ -c 50 -d 30s --csv results\n\n"
                                      "Exit status: 0 done, 1 the run failed (a target could "
                                      "not be reached, a file could not be written), 2 invalid "
                                      "input, 3 a threshold failed.\n"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  /* a copy: parsing rearranges and frees what it consumes */
  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &args, &local_error))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID, _("%s (see versus run --help)"),
                   local_error->message);
      return FALSE;
    }

  if (options->version)
    return TRUE;

  if (flags.plan != NULL)
    {
      plan = vs_plan_load_from_file (flags.plan, &local_error);
      if (plan == NULL && local_error->code == VS_ERROR_IO)
        return vs_error_set_field (error, "--plan", "%s", local_error->message);
      if (plan == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  else if (flags.urls == NULL || flags.urls[0] == NULL)
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_INVALID,
                           _("give at least one URL, or --plan FILE (see versus run --help)"));
      return FALSE;
    }
  else
    plan = vs_plan_new ();

  /* URLs given with --plan replace the plan's targets */
  if (flags.urls != NULL && flags.urls[0] != NULL)
    {
      g_ptr_array_set_size (plan->targets, 0);
      for (guint i = 0; flags.urls[i] != NULL; i++)
        vs_plan_add_target (plan, vs_target_new (NULL, flags.urls[i]));
    }

  if (!apply_targets (plan, &flags, error) || !apply_load (plan, &flags, error) ||
      !apply_slo (plan, &flags, error))
    return FALSE;
  if (!apply_rounds (plan, &flags, error))
    return FALSE;

  vs_cli_name_targets (plan);

  if (!validate (plan, &flags, error))
    return FALSE;

  if ((flags.segment != NULL && !vs_segment_apply (plan, flags.segment, error)) ||
      (flags.start_at != NULL &&
       !vs_segment_parse_start_at (flags.start_at, &options->start_at_us, error)))
    return FALSE;

  options->plan = g_steal_pointer (&plan);
  return TRUE;
}
