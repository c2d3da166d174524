/* vs-threshold.c: SLO thresholds parsed and evaluated (see vs-threshold.h) */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vs-error.h"
#include "vs-format.h"
#include "vs-threshold.h"

static const struct
{
  const char      *name;
  VsThresholdKind  kind;
  const char      *summary_id;
} metrics[VS_N_THRESHOLD_METRICS] = {
  [VS_THRESHOLD_P50] = { "p50", VS_THRESHOLD_LATENCY, "latency_p50_ms" },
  [VS_THRESHOLD_P90] = { "p90", VS_THRESHOLD_LATENCY, "latency_p90_ms" },
  [VS_THRESHOLD_P99] = { "p99", VS_THRESHOLD_LATENCY, "latency_p99_ms" },
  [VS_THRESHOLD_P999] = { "p99.9", VS_THRESHOLD_LATENCY, "latency_p999_ms" },
  [VS_THRESHOLD_MEAN] = { "mean", VS_THRESHOLD_LATENCY, "latency_mean_ms" },
  [VS_THRESHOLD_MAX] = { "max", VS_THRESHOLD_LATENCY, "latency_max_ms" },
  [VS_THRESHOLD_SERVER_CPU_PER_REQUEST] = { "server_cpu_per_request", VS_THRESHOLD_LATENCY,
                                            "server_cpu_us_per_request" },
  [VS_THRESHOLD_RPS] = { "rps", VS_THRESHOLD_RATE, "rps" },
  [VS_THRESHOLD_ERROR_RATE] = { "error_rate", VS_THRESHOLD_SHARE, NULL },
  [VS_THRESHOLD_UNSENT] = { "unsent", VS_THRESHOLD_SHARE, NULL },
};

const char *
vs_threshold_metric_name (VsThresholdMetric metric)
{
  g_return_val_if_fail (metric < VS_N_THRESHOLD_METRICS, NULL);
  return metrics[metric].name;
}

VsThresholdKind
vs_threshold_metric_kind (VsThresholdMetric metric)
{
  g_return_val_if_fail (metric < VS_N_THRESHOLD_METRICS, VS_THRESHOLD_LATENCY);
  return metrics[metric].kind;
}

const char *
vs_threshold_metric_summary_id (VsThresholdMetric metric)
{
  g_return_val_if_fail (metric < VS_N_THRESHOLD_METRICS, NULL);
  return metrics[metric].summary_id;
}

void
vs_threshold_free (VsThreshold *threshold)
{
  if (threshold == NULL)
    return;
  g_free (threshold->text);
  g_free (threshold);
}

static char *
known_metrics (void)
{
  GString *known = g_string_new (NULL);

  for (guint i = 0; i < VS_N_THRESHOLD_METRICS; i++)
    g_string_append_printf (known, "%s%s", i ? ", " : "", metrics[i].name);
  return g_string_free (known, FALSE);
}

static const char *
skip_spaces (const char *p)
{
  while (g_ascii_isspace (*p))
    p++;
  return p;
}

/* The example the messages give for @metric's kind. */
static char *
example (VsThresholdMetric metric)
{
  switch (metrics[metric].kind)
    {
    case VS_THRESHOLD_LATENCY:
      return g_strdup_printf ("“%s < 50ms”", metrics[metric].name);
    case VS_THRESHOLD_RATE:
      return g_strdup_printf ("“%s > 1000”", metrics[metric].name);
    case VS_THRESHOLD_SHARE:
    default:
      return g_strdup_printf ("“%s < 1%%”", metrics[metric].name);
    }
}

/* Reads the value after the operator: @p is at its first non-space character. */
static gboolean
parse_limit (VsThresholdMetric   metric,
             const char         *p,
             const char         *field,
             double             *limit,
             GError            **error)
{
  g_autofree char *value = g_strchomp (g_strdup (p));
  g_autofree char *sample = example (metric);
  const char *name = metrics[metric].name;
  const char *s = value;
  const char *unit;
  g_autofree char *number = NULL;

  for (; g_ascii_isdigit (*s); s++)
    ;
  if (*s == '.')
    for (s++; g_ascii_isdigit (*s); s++)
      ;
  if (s == value || (s == value + 1 && *value == '.'))
    return vs_error_set_field (error, field, _("expected a number after the comparison, e.g. %s"),
                               sample);
  number = g_strndup (value, s - value);
  unit = skip_spaces (s);

  switch (metrics[metric].kind)
    {
    case VS_THRESHOLD_LATENCY:
      {
        g_autofree char *compact = NULL;
        gint64 us;

        if (*unit == '\0')
          return vs_error_set_field (error, field,
                                     _("“%s” is a latency: give the limit a time unit (us, ms, "
                                       "s), e.g. %s"), name, sample);
        /* the one reader of durations, so that "500us", "1.5ms" and "2s" read as everywhere */
        compact = g_strconcat (number, unit, NULL);
        if (*unit == '%' || !vs_parse_duration (compact, &us))
          return vs_error_set_field (error, field,
                                     _("“%s” is a latency: “%s” is not a time (us, ms, s), "
                                       "e.g. %s"), name, value, sample);
        *limit = (double) us;
        return TRUE;
      }
    case VS_THRESHOLD_RATE:
      if (*unit != '\0')
        return vs_error_set_field (error, field,
                                   _("“%s” is a rate: give a plain number of requests per "
                                     "second, without “%s”, e.g. %s"), name, unit, sample);
      *limit = g_ascii_strtod (number, NULL);
      return TRUE;
    case VS_THRESHOLD_SHARE:
    default:
      if (strcmp (unit, "%") != 0)
        return vs_error_set_field (error, field,
                                   _("“%s” is a share: give the limit in %%, e.g. %s"), name,
                                   sample);
      *limit = g_ascii_strtod (number, NULL);
      if (*limit > 100)
        return vs_error_set_field (error, field, _("“%s” is a share: at most 100 %%"), name);
      return TRUE;
    }
}

VsThreshold *
vs_threshold_parse (const char  *text,
                    const char  *field,
                    GError     **error)
{
  g_autoptr (VsThreshold) threshold = NULL;
  g_autofree char *word = NULL;
  const char *p, *start;
  gboolean found = FALSE;

  g_return_val_if_fail (text != NULL && field != NULL, NULL);

  threshold = g_new0 (VsThreshold, 1);
  threshold->text = g_strstrip (g_strdup (text));
  p = skip_spaces (text);
  if (*p == '\0')
    {
      vs_error_set_field (error, field,
                          _("empty threshold; expected a metric, a comparison and a limit, "
                            "e.g. “p99 < 50ms”"));
      return NULL;
    }

  for (start = p; g_ascii_isalnum (*p) || *p == '_' || *p == '.'; p++)
    ;
  word = g_strndup (start, p - start);
  for (guint i = 0; i < VS_N_THRESHOLD_METRICS; i++)
    {
      if (strcmp (word, metrics[i].name) == 0)
        {
          threshold->metric = i;
          found = TRUE;
          break;
        }
    }
  if (!found)
    {
      g_autofree char *known = known_metrics ();

      if (*word == '\0')
        vs_error_set_field (error, field, _("expected a metric at “%s”; known: %s"), start, known);
      else
        vs_error_set_field (error, field, _("unknown metric “%s”; known: %s"), word, known);
      return NULL;
    }

  p = skip_spaces (p);
  if (p[0] == '<' && p[1] == '=')
    threshold->op = VS_THRESHOLD_LE, p += 2;
  else if (p[0] == '>' && p[1] == '=')
    threshold->op = VS_THRESHOLD_GE, p += 2;
  else if (p[0] == '<')
    threshold->op = VS_THRESHOLD_LT, p += 1;
  else if (p[0] == '>')
    threshold->op = VS_THRESHOLD_GT, p += 1;
  else
    {
      vs_error_set_field (error, field, _("expected <, <=, > or >= after “%s”"), word);
      return NULL;
    }

  if (!parse_limit (threshold->metric, skip_spaces (p), field, &threshold->limit, error))
    return NULL;
  return g_steal_pointer (&threshold);
}

gboolean
vs_threshold_holds (const VsThreshold *threshold,
                    double             value)
{
  g_return_val_if_fail (threshold != NULL, FALSE);

  if (isnan (value))
    return FALSE;
  switch (threshold->op)
    {
    case VS_THRESHOLD_LT: return value < threshold->limit;
    case VS_THRESHOLD_LE: return value <= threshold->limit;
    case VS_THRESHOLD_GT: return value > threshold->limit;
    case VS_THRESHOLD_GE: return value >= threshold->limit;
    default: return FALSE;
    }
}

static char *
format_value (VsThresholdMetric metric,
              double            value)
{
  switch (metrics[metric].kind)
    {
    case VS_THRESHOLD_LATENCY:
      return vs_format_latency (value);
    case VS_THRESHOLD_RATE:
      {
        g_autofree char *count = vs_format_count (value);

        /* TRANSLATORS: requests per second */
        return g_strdup_printf (_("%s/s"), count);
      }
    case VS_THRESHOLD_SHARE:
    default:
      return vs_format_percent (value, VS_FORMAT_C);
    }
}

VsThresholdOutcome
vs_threshold_evaluate (const VsThreshold  *threshold,
                       VsThresholdGetter   getter,
                       gpointer            user_data,
                       char              **explanation)
{
  const char *name, *why = NULL;
  double value = NAN;
  g_autofree char *figure = NULL;
  gboolean holds;

  g_return_val_if_fail (threshold != NULL && getter != NULL, VS_THRESHOLD_FAIL);

  name = metrics[threshold->metric].name;
  if (!getter (threshold->metric, &value, &why, user_data) || isnan (value))
    {
      if (explanation && why)
        /* TRANSLATORS: "p99 < 50ms: failed, p99 not measured (no response was received)" */
        *explanation = g_strdup_printf (_("%s: failed, %s not measured (%s)"), threshold->text,
                                        name, why);
      else if (explanation)
        *explanation = g_strdup_printf (_("%s: failed, %s not measured"), threshold->text, name);
      return VS_THRESHOLD_NOT_MEASURED;
    }

  holds = vs_threshold_holds (threshold, value);
  if (explanation)
    {
      figure = format_value (threshold->metric, value);
      *explanation = g_strdup_printf (holds ? _("%s: passed (%s = %s)") : _("%s: failed (%s = %s)"),
                                      threshold->text, name, figure);
    }
  return holds ? VS_THRESHOLD_PASS : VS_THRESHOLD_FAIL;
}
