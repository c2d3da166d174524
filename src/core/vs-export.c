/* vs-export.c: summary.csv, timeseries.csv and the JSON result
 *
 * A row is built once as a list of typed fields against a fixed column list; the CSV writer
 * prints the fields as text and the JSON writer as members, so both carry exactly the same
 * columns. CSV follows RFC 4180 except for the line ends, which are LF (not CRLF): every CSV
 * reader in use accepts them, and they diff cleanly in git. Numbers always use '.' decimals.
 */
#include "config.h"

#include "vs-export.h"
#include "vs-slo.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vs-error.h"
#include "vs-file.h"
#include "vs-result-data.h"
#include "vs-rounds.h"
#include "vs-summary.h"

typedef enum
{
  FIELD_EMPTY,    /* no value: an empty CSV field, JSON null */
  FIELD_STRING,
  FIELD_UINT,
  FIELD_DECIMAL,  /* printed with 3 decimals */
  FIELD_PRECISE,  /* printed with 4 significant digits: ratios and p-values */
} FieldKind;

typedef struct
{
  FieldKind   kind;
  const char *string;
  guint64     uint;
  double      decimal;
} Field;

static const char * const timeseries_columns[] = {
  "target", "phase", "start_s", "end_s", "requests", "unsent", "rps", "errors",
  "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "latency_max_ms",
  "generator_busy_pct", "server_cpu_pct", "server_memory_bytes", "round", "planned_rps",
  "planned_connections", "server_sample_s",
};

/* summary.csv's columns after the metrics': the trial's round (empty on the whole-run rows),
 * then per compared figure (vs-rounds.h) its ratio to the first target with the interval and p
 * (whole-run rows of mode rounds only) */
static const char * const summary_round_columns[] = { "round" };
static const char * const summary_verdict_suffixes[] = {
  "_ratio", "_ratio_ci_low", "_ratio_ci_high", "_p_value",
};

#define PRECISE_FORMAT "%.4g"

#define DECIMAL_FORMAT "%.3f"

/* @value as the CSV prints it with @format, so that both files carry the same figure (rounding
 * by hand would not: round (x * 1000) / 1000 goes up where printf goes down, on 27.2015). */
static double
as_printed (const char *format,
            double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, format, value), NULL);
}

static double
precise (double value)
{
  return as_printed (PRECISE_FORMAT, value);
}

static double
decimal (double value)
{
  return as_printed (DECIMAL_FORMAT, value);
}

/* percentiles listed in the JSON result */
static const double json_percentiles[] = { 50, 75, 90, 95, 99, 99.9, 99.99, 100 };

static void
add_string (GArray     *row,
            const char *value)
{
  Field field = { value != NULL ? FIELD_STRING : FIELD_EMPTY, value, 0, 0 };

  g_array_append_val (row, field);
}

static void
add_uint (GArray  *row,
          guint64  value)
{
  Field field = { FIELD_UINT, NULL, value, 0 };

  g_array_append_val (row, field);
}

static void
add_decimal (GArray *row,
             double  value)
{
  Field field = { FIELD_DECIMAL, NULL, 0, value };

  g_array_append_val (row, field);
}

static void
add_precise (GArray *row,
             double  value)
{
  Field field = { isfinite (value) ? FIELD_PRECISE : FIELD_EMPTY, NULL, 0, value };

  g_array_append_val (row, field);
}

static void
add_empty (GArray *row)
{
  Field field = { FIELD_EMPTY, NULL, 0, 0 };

  g_array_append_val (row, field);
}

static void
add_ms (GArray *row,
        gint64  us)
{
  add_decimal (row, us / 1000.0);
}

static const char *
phase_to_string (VsPhase phase)
{
  return phase == VS_PHASE_WARMUP ? "warmup" : "measure";
}

static GArray *
row_new (void)
{
  return g_array_new (FALSE, TRUE, sizeof (Field));
}

/* The columns of summary.csv: the metrics of the summary table that files carry. */
static const char **
summary_columns (guint *n_columns)
{
  static const char **columns;
  static guint n;

  if (g_once_init_enter (&columns))
    {
      guint n_verdict = vs_rounds_get_n_compared () * G_N_ELEMENTS (summary_verdict_suffixes);
      const char **ids = g_new0 (const char *, vs_summary_get_n_metrics () +
                                               G_N_ELEMENTS (summary_round_columns) +
                                               n_verdict + 1);
      guint k = 0;

      for (guint i = 0; i < vs_summary_get_n_metrics (); i++)
        if (vs_summary_get_metric (i)->flags & VS_METRIC_FILE)
          ids[k++] = vs_summary_get_metric (i)->id;
      for (guint i = 0; i < G_N_ELEMENTS (summary_round_columns); i++)
        ids[k++] = summary_round_columns[i];
      for (guint c = 0; c < vs_rounds_get_n_compared (); c++)
        for (guint i = 0; i < G_N_ELEMENTS (summary_verdict_suffixes); i++)
          {
            g_autofree char *id = g_strconcat (vs_rounds_get_compared (c)->id,
                                               summary_verdict_suffixes[i], NULL);

            ids[k++] = g_intern_string (id);
          }
      n = k;
      g_once_init_leave (&columns, ids);
    }
  *n_columns = n;
  return columns;
}

/* The verdict columns of @index's whole-run row: empty for the first target, outside mode
 * rounds, and where the figure could not be computed. */
static void
add_verdict_fields (GArray    *row,
                    VsResults *results,
                    guint      index)
{
  for (guint c = 0; c < vs_rounds_get_n_compared (); c++)
    {
      VsVerdict verdict;

      if (!vs_rounds_verdict (results, index, vs_rounds_get_compared (c), &verdict))
        verdict = (VsVerdict) { .ratio = NAN, .ci_low = NAN, .ci_high = NAN, .p_value = NAN };
      add_precise (row, verdict.ratio);
      add_precise (row, verdict.ci_low);
      add_precise (row, verdict.ci_high);
      add_precise (row, verdict.p_value);
    }
}

/* One field per file metric, as the summary table says: its getter decides what is measured,
 * and nothing not measured becomes a zero. @round 0: the whole run (with its verdicts);
 * 1 … K: that round's trial alone. */
static GArray *
summary_row (VsResults *whole,
             guint      index,
             guint      round)
{
  GArray *row = row_new ();
  VsResults *results = round > 0 ? vs_results_get_round (whole, round) : whole;

  for (guint i = 0; i < vs_summary_get_n_metrics (); i++)
    {
      const VsMetric *metric = vs_summary_get_metric (i);
      VsMetricValue value;

      if (!(metric->flags & VS_METRIC_FILE))
        continue;
      value = vs_summary_value (results, index, metric);
      if (!value.measured)
        add_empty (row);
      else if (metric->unit == VS_METRIC_TEXT)
        add_string (row, value.text);
      else if (metric->unit == VS_METRIC_COUNT || metric->unit == VS_METRIC_BYTES)
        add_uint (row, (guint64) value.number);
      else if (metric->unit == VS_METRIC_LATENCY)
        add_decimal (row, value.number / 1000.0);  /* the files write ms */
      else
        add_decimal (row, value.number);
    }

  if (round > 0)
    add_uint (row, round);
  else
    add_empty (row);
  if (round == 0)
    add_verdict_fields (row, whole, index);
  else
    for (guint c = 0; c < vs_rounds_get_n_compared (); c++)
      for (guint i = 0; i < G_N_ELEMENTS (summary_verdict_suffixes); i++)
        add_empty (row);

  return row;
}

static GArray *
timeseries_row (VsPlan               *plan,
                const VsTargetResult *target,
                const VsInterval     *interval)
{
  gboolean open;
  double planned = vs_plan_planned_load (plan, interval->start_s, interval->end_s, &open);

  GArray *row = row_new ();

  add_string (row, target->target->name);
  add_string (row, phase_to_string (interval->phase));
  add_decimal (row, interval->start_s);
  add_decimal (row, interval->end_s);
  add_uint (row, interval->counters.requests);
  add_uint (row, interval->counters.unsent);
  add_decimal (row, interval->rps);
  add_uint (row, vs_counters_errors (&interval->counters));
  /* every response records a latency, so no responses means no latency figures */
  if (interval->counters.responses == 0)
    {
      for (guint i = 0; i < 4; i++)
        add_empty (row);
    }
  else
    {
      add_ms (row, interval->p50_us);
      add_ms (row, interval->p90_us);
      add_ms (row, interval->p99_us);
      add_ms (row, interval->max_us);
    }
  add_decimal (row, 100.0 * interval->generator_busy);
  if (interval->server_sampled)
    {
      add_decimal (row, interval->server_cpu_percent);
      add_uint (row, interval->server_memory_bytes);
    }
  else
    {
      add_empty (row);
      add_empty (row);
    }
  if (interval->round > 0)
    add_uint (row, interval->round);
  else
    add_empty (row);
  if (open)
    add_decimal (row, planned), add_empty (row);
  else
    add_empty (row), add_decimal (row, planned);
  if (interval->server_sampled)
    add_decimal (row, interval->server_sample_s);
  else
    add_empty (row);

  g_assert (row->len == G_N_ELEMENTS (timeseries_columns));
  return row;
}

void
vs_csv_append_field (GString    *line,
                     const char *value)
{
  g_return_if_fail (line != NULL);

  if (value == NULL)
    return;

  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (line, value);
      return;
    }

  g_string_append_c (line, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static void
append_csv_line (GString            *csv,
                 const char * const *columns,
                 guint               n_columns,
                 GArray             *row)
{
  for (guint i = 0; i < n_columns; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (i > 0)
        g_string_append_c (csv, ',');

      if (row == NULL)
        {
          vs_csv_append_field (csv, columns[i]);
          continue;
        }

      switch (g_array_index (row, Field, i).kind)
        {
        case FIELD_EMPTY:
          break;
        case FIELD_STRING:
          vs_csv_append_field (csv, g_array_index (row, Field, i).string);
          break;
        case FIELD_UINT:
          g_string_append_printf (csv, "%" G_GUINT64_FORMAT, g_array_index (row, Field, i).uint);
          break;
        case FIELD_DECIMAL:
          g_string_append (csv, g_ascii_formatd (buf, sizeof buf, DECIMAL_FORMAT,
                                                 g_array_index (row, Field, i).decimal));
          break;
        case FIELD_PRECISE:
          g_string_append (csv, g_ascii_formatd (buf, sizeof buf, PRECISE_FORMAT,
                                                 g_array_index (row, Field, i).decimal));
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_string_append_c (csv, '\n');
}

static GString *
summary_csv (VsResults *results)
{
  GString *csv = g_string_new (NULL);
  guint n_targets = vs_results_get_n_targets (results);
  guint n_columns;
  const char **columns = summary_columns (&n_columns);

  append_csv_line (csv, columns, n_columns, NULL);
  for (guint i = 0; i < n_targets; i++)
    {
      g_autoptr(GArray) row = summary_row (results, i, 0);

      append_csv_line (csv, columns, n_columns, row);
    }
  /* mode rounds: then each trial, round by round, the targets in plan order */
  for (guint r = 1; r <= vs_results_get_n_rounds (results); r++)
    for (guint i = 0; i < n_targets; i++)
      {
        g_autoptr(GArray) row = NULL;

        if (!vs_results_get_target (vs_results_get_round (results, r), i)->started)
          continue;  /* a stopped run never got to it */
        row = summary_row (results, i, r);
        append_csv_line (csv, columns, n_columns, row);
      }

  return csv;
}

static GString *
timeseries_csv (VsResults *results)
{
  GString *csv = g_string_new (NULL);
  guint n_targets = vs_results_get_n_targets (results);

  append_csv_line (csv, timeseries_columns, G_N_ELEMENTS (timeseries_columns), NULL);
  for (guint i = 0; i < n_targets; i++)
    {
      const VsTargetResult *target = vs_results_get_target (results, i);

      for (guint j = 0; j < target->intervals->len; j++)
        {
          const VsInterval *interval = &g_array_index (target->intervals, VsInterval, j);
          g_autoptr(GArray) row = timeseries_row (vs_results_get_plan (results), target,
                                                  interval);

          append_csv_line (csv, timeseries_columns, G_N_ELEMENTS (timeseries_columns), row);
        }
    }

  return csv;
}

/* Members for @row, starting at column @first. Decimals are rounded to the 3 places the CSV
 * shows, so that both files carry the same figures. */
static void
add_json_members (JsonBuilder        *builder,
                  const char * const *columns,
                  guint               first,
                  GArray             *row)
{
  for (guint i = first; i < row->len; i++)
    {
      const Field *field = &g_array_index (row, Field, i);

      json_builder_set_member_name (builder, columns[i]);
      switch (field->kind)
        {
        case FIELD_EMPTY:
          json_builder_add_null_value (builder);
          break;
        case FIELD_STRING:
          json_builder_add_string_value (builder, field->string);
          break;
        case FIELD_UINT:
          json_builder_add_int_value (builder, (gint64) MIN (field->uint, (guint64) G_MAXINT64));
          break;
        case FIELD_DECIMAL:
          json_builder_add_double_value (builder, decimal (field->decimal));
          break;
        case FIELD_PRECISE:
          json_builder_add_double_value (builder, precise (field->decimal));
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

static void
add_histogram_bucket (gint64   value_us,
                      guint64  count,
                      gpointer user_data)
{
  JsonBuilder *builder = user_data;

  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, value_us);
  json_builder_add_int_value (builder, (gint64) MIN (count, (guint64) G_MAXINT64));
  json_builder_end_array (builder);
}

/* What `versus merge` needs beside the figures (vs-result-data.h): an interval's exact counters,
 * latency histogram and figures the histogram does not carry. */
static void
add_json_interval_data (JsonBuilder          *builder,
                        const VsTargetResult *target,
                        guint                 index)
{
  const VsInterval *interval = &g_array_index (target->intervals, VsInterval, index);
  GBytes *latency = g_ptr_array_index (target->interval_latency, index);
  g_autofree char *hdr = g_base64_encode (g_bytes_get_data (latency, NULL),
                                          g_bytes_get_size (latency));

  json_builder_set_member_name (builder, "draining");
  json_builder_add_boolean_value (builder, interval->draining);
  json_builder_set_member_name (builder, "generator_busy");
  json_builder_add_double_value (builder, interval->generator_busy);
  json_builder_set_member_name (builder, "latency_min_us");
  json_builder_add_int_value (builder, interval->min_us);
  json_builder_set_member_name (builder, "latency_mean_us");
  json_builder_add_double_value (builder, interval->mean_us);
  json_builder_set_member_name (builder, "latency_max_us");
  json_builder_add_int_value (builder, interval->max_us);
  json_builder_set_member_name (builder, "latency_hdr");
  json_builder_add_string_value (builder, hdr);
  json_builder_set_member_name (builder, "counters");
  vs_result_data_add_counters (builder, &interval->counters);
}

/* The whole measured phase as data: every counter and every histogram, whole. */
static void
add_json_target_data (JsonBuilder          *builder,
                      const VsTargetResult *target)
{
  json_builder_set_member_name (builder, "load_started_us");
  json_builder_add_int_value (builder, target->started_wall_us);
  json_builder_set_member_name (builder, "measured_s");
  json_builder_add_double_value (builder, target->measured_s);
  json_builder_set_member_name (builder, "generator_busy_max");
  json_builder_add_double_value (builder, target->generator_busy_max);
  json_builder_set_member_name (builder, "stats");
  vs_result_data_add_stats (builder, target->total);
}

static void
add_json_text (JsonBuilder *builder,
               const char  *key,
               const char  *value)
{
  json_builder_set_member_name (builder, key);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* "server": the target's managed or attached server (null without one): how it ran, and why
 * it failed, with its log's last lines. */
static void
add_json_server (JsonBuilder *builder,
                 VsResults   *results,
                 guint        index)
{
  VsServerSet *servers = vs_results_get_servers (results);
  g_autofree char *failure = NULL;
  g_autofree char *stop_note = NULL;

  json_builder_set_member_name (builder, "server");
  if (servers == NULL || !vs_server_set_has_server (servers, index))
    {
      json_builder_add_null_value (builder);
      return;
    }
  failure = vs_server_set_dup_failure (servers, index);
  stop_note = vs_server_set_dup_stop_note (servers, index);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "managed");
  json_builder_add_boolean_value (builder, vs_server_set_is_managed (servers, index));
  json_builder_set_member_name (builder, "pid");
  json_builder_add_int_value (builder, vs_server_set_get_pid (servers, index));
  add_json_text (builder, "cpus", vs_server_set_get_cpus (servers, index));
  add_json_text (builder, "failure", failure);
  add_json_text (builder, "stop_note", stop_note);
  json_builder_end_object (builder);
}

static const char *
target_name (VsResults *results,
             guint      index)
{
  const char *name = vs_results_get_target (results, index)->target->name;

  return name != NULL ? name : "";
}

/* @value with 4 significant digits (ratios, p) or, @decimals, 3 decimals (figures), as the
 * CSV writes them; null when not finite. */
static void
add_json_number (JsonBuilder *builder,
                 const char  *name,
                 double       value,
                 gboolean     decimals)
{
  json_builder_set_member_name (builder, name);
  if (!isfinite (value))
    json_builder_add_null_value (builder);
  else if (decimals)
    json_builder_add_double_value (builder, decimal (value));
  else
    json_builder_add_double_value (builder, precise (value));
}

/* Mode rounds, each target after the first: per compared figure the verdict against the first
 * target, its numbers and its sentence. */
static void
add_json_verdicts (JsonBuilder *builder,
                   VsResults   *results,
                   guint        index)
{
  static const char * const kinds[] = {
    [VS_VERDICT_NOT_COMPUTED] = "not_computed", [VS_VERDICT_NO_DIFFERENCE] = "no_difference",
    [VS_VERDICT_BETTER] = "better", [VS_VERDICT_WORSE] = "worse",
  };

  if (vs_results_get_n_rounds (results) == 0 || index == 0)
    return;

  json_builder_set_member_name (builder, "verdicts");
  json_builder_begin_object (builder);
  for (guint c = 0; c < vs_rounds_get_n_compared (); c++)
    {
      const VsCompared *compared = vs_rounds_get_compared (c);
      g_autofree char *text = NULL;
      VsVerdict v;
      double scale;

      if (!vs_rounds_has_figure (compared) || !vs_rounds_verdict (results, index, compared, &v))
        continue;
      text = vs_rounds_verdict_text (results, index, compared, &v, VS_FORMAT_C);
      scale = vs_rounds_is_latency (compared) ? 1e-3 : 1.0;  /* the files write ms */

      json_builder_set_member_name (builder, compared->id);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "against");
      json_builder_add_string_value (builder, target_name (results, 0));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kinds[v.kind]);
      add_json_number (builder, "median", v.median_other * scale, TRUE);
      add_json_number (builder, "median_against", v.median_baseline * scale, TRUE);
      add_json_number (builder, "ratio", v.ratio, FALSE);
      add_json_number (builder, "ratio_ci_low", v.ci_low, FALSE);
      add_json_number (builder, "ratio_ci_high", v.ci_high, FALSE);
      add_json_number (builder, "p_value", v.p_value, FALSE);
      json_builder_set_member_name (builder, "p_exact");
      json_builder_add_boolean_value (builder, v.p_exact);
      json_builder_set_member_name (builder, "n");
      json_builder_add_int_value (builder, v.n_other);
      json_builder_set_member_name (builder, "n_against");
      json_builder_add_int_value (builder, v.n_baseline);
      json_builder_set_member_name (builder, "not_measured");
      json_builder_add_int_value (builder, v.skipped_other);
      json_builder_set_member_name (builder, "not_measured_against");
      json_builder_add_int_value (builder, v.skipped_baseline);
      json_builder_set_member_name (builder, "resamples");
      json_builder_add_int_value (builder, v.resamples);
      json_builder_set_member_name (builder, "bootstrap_seed");
      if (v.seed <= G_MAXINT64)
        json_builder_add_int_value (builder, (gint64) v.seed);
      else
        {
          g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, v.seed);

          json_builder_add_string_value (builder, seed);
        }
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, text);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

/* "thresholds": [{"threshold": "p99 < 50ms", "outcome": "pass", "value": 42.1, "unit": "ms",
 * "explanation": "p99 < 50ms: passed (p99 = 42.1ms)"}, …]; value null when not measured. */
static void
add_json_thresholds (JsonBuilder *builder,
                     VsResults   *results,
                     guint        index)
{
  g_autoptr(GPtrArray) judged = vs_slo_evaluate (results, index);
  static const char * const outcomes[] = { "pass", "fail", "not_measured" };
  static const char * const units[] = { "ms", "rps", "percent" };

  json_builder_set_member_name (builder, "thresholds");
  json_builder_begin_array (builder);
  for (guint i = 0; i < judged->len; i++)
    {
      const VsSloResult *result = g_ptr_array_index (judged, i);
      g_autoptr(VsThreshold) parsed = vs_threshold_parse (result->threshold->expr, "thresholds",
                                                          NULL);
      VsThresholdKind kind = parsed != NULL ? vs_threshold_metric_kind (parsed->metric)
                                            : VS_THRESHOLD_LATENCY;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "threshold");
      json_builder_add_string_value (builder, result->threshold->expr);
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, outcomes[result->outcome]);
      json_builder_set_member_name (builder, "value");
      if (isnan (result->value))
        json_builder_add_null_value (builder);
      else
        json_builder_add_double_value (builder, kind == VS_THRESHOLD_LATENCY
                                                  ? result->value / 1000.0 : result->value);
      json_builder_set_member_name (builder, "unit");
      json_builder_add_string_value (builder, units[kind]);
      json_builder_set_member_name (builder, "abort_on_fail");
      json_builder_add_boolean_value (builder, result->threshold->abort_on_fail);
      json_builder_set_member_name (builder, "explanation");
      json_builder_add_string_value (builder, result->explanation);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* A target's members: its name, its summary (summary.csv's row), thresholds, histograms,
 * intervals and whole data. A run's JSON has one object of them per target, a capacity
 * search's one per step (its one target). */
static void
add_json_target_members (JsonBuilder *builder,
                         VsResults   *results,
                         guint        index)
{
  const VsTargetResult *target = vs_results_get_target (results, index);
  const VsHistogram *latency = target->total->latency;
  g_autoptr(GArray) summary = summary_row (results, index, 0);
  guint n_columns;

  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, target->target->name ? target->target->name : "");
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, target->target->url ? target->target->url : "");

  json_builder_set_member_name (builder, "summary");
  json_builder_begin_object (builder);
  add_json_members (builder, summary_columns (&n_columns), 0, summary);
  json_builder_end_object (builder);
  add_json_thresholds (builder, results, index);

  json_builder_set_member_name (builder, "latency_percentiles");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (json_percentiles) && vs_histogram_count (latency); i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "percentile");
      json_builder_add_double_value (builder, json_percentiles[i]);
      json_builder_set_member_name (builder, "ms");
      json_builder_add_double_value (builder,
                                     vs_histogram_percentile (latency, json_percentiles[i]) /
                                     1000.0);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "histogram");
  json_builder_begin_array (builder);
  vs_histogram_foreach (latency, add_histogram_bucket, builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "intervals");
  json_builder_begin_array (builder);
  for (guint j = 0; j < target->intervals->len; j++)
    {
      const VsInterval *interval = &g_array_index (target->intervals, VsInterval, j);
      g_autoptr(GArray) row = timeseries_row (vs_results_get_plan (results), target, interval);

      json_builder_begin_object (builder);
      /* column 0 is the target's name, which the enclosing object already carries */
      add_json_members (builder, timeseries_columns, 1, row);
      add_json_interval_data (builder, target, j);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_json_target_data (builder, target);
  add_json_verdicts (builder, results, index);

  json_builder_set_member_name (builder, "first_error");
  if (target->first_error != NULL)
    json_builder_add_string_value (builder, target->first_error);
  else
    json_builder_add_null_value (builder);

  add_json_server (builder, results, index);
}

static void
add_json_target (JsonBuilder *builder,
                 VsResults   *results,
                 guint        index)
{
  json_builder_begin_object (builder);
  add_json_target_members (builder, results, index);
  json_builder_end_object (builder);
}

/* What a reader must know to read the figures right: the summary's notes, in the words the
 * CLI and the window use. "notes" keeps its strings; "run_notes" says what each is about. */
static void
add_json_notes (JsonBuilder *builder,
                VsResults   *results)
{
  g_autoptr(GPtrArray) notes = vs_summary_notes (results);
  static const char * const kinds[] = {
    [VS_NOTE_GENERATOR] = "generator", [VS_NOTE_OPEN_MODEL] = "open_model",
    [VS_NOTE_SATURATED] = "saturated", [VS_NOTE_PROTOCOL] = "protocol",
    [VS_NOTE_UNREACHABLE] = "unreachable", [VS_NOTE_FIRST_ERROR] = "first_error",
    [VS_NOTE_UNSENT] = "unsent", [VS_NOTE_LATE] = "late", [VS_NOTE_SERVER] = "server",
    [VS_NOTE_ANSWERS] = "answers", [VS_NOTE_THRESHOLDS] = "thresholds",
    [VS_NOTE_STOPPED] = "stopped",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == VS_N_NOTE_KINDS);

  json_builder_set_member_name (builder, "notes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < notes->len; i++)
    {
      const VsNote *note = g_ptr_array_index (notes, i);

      if (note->kind == VS_NOTE_PROTOCOL)
        json_builder_add_string_value (builder, note->text);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "run_notes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < notes->len; i++)
    {
      const VsNote *note = g_ptr_array_index (notes, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kinds[note->kind]);
      json_builder_set_member_name (builder, "target");
      if (note->target >= 0)
        json_builder_add_string_value (builder,
                                       vs_results_get_target (results,
                                                              note->target)->target->name);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "warning");
      json_builder_add_boolean_value (builder, note->warning);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, note->text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* Mode rounds: the seed, the order of the trials, and each trial's summary (the keys of
 * summary.csv, as on its trial rows). Nothing in the other modes. */
static void
add_json_rounds (JsonBuilder *builder,
                 VsResults   *results)
{
  guint n_rounds = vs_results_get_n_rounds (results);
  guint n_targets = vs_results_get_n_targets (results);
  guint n_columns;
  const char **columns = summary_columns (&n_columns);

  if (n_rounds == 0)
    return;

  json_builder_set_member_name (builder, "rounds");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, n_rounds);
  json_builder_set_member_name (builder, "seed");
  if (vs_results_get_rounds_seed (results) <= G_MAXINT64)
    json_builder_add_int_value (builder, (gint64) vs_results_get_rounds_seed (results));
  else
    {
      g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                               vs_results_get_rounds_seed (results));

      json_builder_add_string_value (builder, seed);
    }

  json_builder_set_member_name (builder, "order");
  json_builder_begin_array (builder);
  for (guint r = 1; r <= n_rounds; r++)
    {
      const guint *order = vs_results_get_round_order (results, r);

      json_builder_begin_array (builder);
      for (guint k = 0; k < n_targets; k++)
        json_builder_add_string_value (builder, target_name (results, order[k]));
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "trials");
  json_builder_begin_array (builder);
  for (guint r = 1; r <= n_rounds; r++)
    {
      VsResults *trials = vs_results_get_round (results, r);
      const guint *order = vs_results_get_round_order (results, r);

      for (guint k = 0; k < n_targets; k++)
        {
          const VsTargetResult *trial = vs_results_get_target (trials, order[k]);
          g_autoptr(GArray) row = NULL;

          if (!trial->started)
            continue;  /* a stopped run never got to it */
          row = summary_row (results, order[k], r);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "round");
          json_builder_add_int_value (builder, r);
          json_builder_set_member_name (builder, "position");
          json_builder_add_int_value (builder, k + 1);
          json_builder_set_member_name (builder, "target");
          json_builder_add_string_value (builder, target_name (results, order[k]));
          json_builder_set_member_name (builder, "complete");
          json_builder_add_boolean_value (builder, trial->finished && !trial->stopped);
          json_builder_set_member_name (builder, "summary");
          json_builder_begin_object (builder);
          add_json_members (builder, columns, 0, row);
          json_builder_end_object (builder);
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* "plan": the plan as its file has it; FALSE (with why) when it cannot be written. */
static gboolean
add_json_plan (JsonBuilder  *builder,
               VsPlan       *plan,
               GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *plan_json = vs_plan_to_json (plan);

  if (plan_json == NULL || !json_parser_load_from_data (parser, plan_json, -1, &local_error))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_FAILED,
                   _("The plan could not be written into the result: %s"),
                   local_error != NULL ? local_error->message : _("no plan data"));
      return FALSE;
    }
  json_builder_set_member_name (builder, "plan");
  json_builder_add_value (builder, json_parser_steal_root (parser));
  return TRUE;
}

/* The document @builder holds, as pretty text. */
static char *
builder_to_text (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
add_json_started (JsonBuilder *builder,
                  VsResults   *results)
{
  g_autofree char *started = g_date_time_format_iso8601 (vs_results_get_started (results));

  json_builder_set_member_name (builder, "started");
  json_builder_add_string_value (builder, started);
}

static char *
result_json (VsResults  *results,
             GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n_targets = vs_results_get_n_targets (results);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, VS_RESULT_SCHEMA_VERSION);
  json_builder_set_member_name (builder, "versus_version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  add_json_started (builder, results);
  json_builder_set_member_name (builder, "engine");
  json_builder_add_string_value (builder, vs_results_get_engine (results));
  if (!add_json_plan (builder, vs_results_get_plan (results), error))
    return NULL;
  if (vs_results_get_plan (results)->segment_count > 1)
    {
      /* --segment: the plan above is the whole one; this result is its share (vs-segment.h) */
      json_builder_set_member_name (builder, "segment");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "index");
      json_builder_add_int_value (builder, vs_results_get_plan (results)->segment_index);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, vs_results_get_plan (results)->segment_count);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_targets; i++)
    add_json_target (builder, results, i);
  json_builder_end_array (builder);

  add_json_rounds (builder, results);
  add_json_notes (builder, results);
  json_builder_end_object (builder);

  return builder_to_text (builder);
}

/* Writes all of @data; the caller prefixes the error with what was being written. */
static gboolean
write_stream (GOutputStream  *stream,
              const char     *data,
              gsize           length,
              GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_output_stream_write_all (stream, data, length, NULL, NULL, &local_error))
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_IO, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Replaces @path atomically (see vs-file.h): the old file or the whole new one, never a part,
 * and never anything but a regular file. */
static gboolean
write_file (const char  *path,
            const char  *data,
            gsize        length,
            GError     **error)
{
  return vs_file_replace (path, data, length, error);
}

/* Builds one CSV with make and writes it; what names the file in the error. */
static gboolean
export_csv (VsResults      *results,
            GString      *(*make) (VsResults *results),
            const char     *what,
            GOutputStream  *stream,
            GError        **error)
{
  g_autoptr(GString) csv = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  csv = make (results);
  if (!write_stream (stream, csv->str, csv->len, error))
    {
      g_prefix_error (error, "%s", what);
      return FALSE;
    }

  return TRUE;
}

gboolean
vs_export_summary_csv (VsResults      *results,
                       GOutputStream  *stream,
                       GError        **error)
{
  return export_csv (results, summary_csv, _("Could not write the summary: "), stream, error);
}

gboolean
vs_export_timeseries_csv (VsResults      *results,
                          GOutputStream  *stream,
                          GError        **error)
{
  return export_csv (results, timeseries_csv, _("Could not write the time series: "), stream,
                     error);
}

/* A result's JSON text onto a stream, a failure said as the result's. */
static gboolean
write_json_stream (GOutputStream  *stream,
                   const char     *json,
                   GError        **error)
{
  if (write_stream (stream, json, strlen (json), error))
    return TRUE;
  g_prefix_error (error, _("Could not write the result: "));
  return FALSE;
}

gboolean
vs_export_json (VsResults      *results,
                GOutputStream  *stream,
                GError        **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  json = result_json (results, error);
  return json != NULL && write_json_stream (stream, json, error);
}

gboolean
vs_export_csv_dir (VsResults   *results,
                   const char  *dir,
                   GError     **error)
{
  g_autoptr(GString) summary = NULL;
  g_autoptr(GString) timeseries = NULL;
  g_autofree char *summary_path = NULL;
  g_autofree char *timeseries_path = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  summary = summary_csv (results);
  timeseries = timeseries_csv (results);
  summary_path = g_build_filename (dir, "summary.csv", NULL);
  timeseries_path = g_build_filename (dir, "timeseries.csv", NULL);

  /* both are tried, whatever becomes of the first; each failure is in the message */
  {
    g_autoptr(GError) summary_error = NULL;
    g_autoptr(GError) timeseries_error = NULL;

    write_file (summary_path, summary->str, summary->len, &summary_error);
    write_file (timeseries_path, timeseries->str, timeseries->len, &timeseries_error);
    if (summary_error != NULL && timeseries_error != NULL)
      {
        g_set_error (error, VS_ERROR, VS_ERROR_IO, "%s; %s", summary_error->message,
                     timeseries_error->message);
        return FALSE;
      }
    if (summary_error != NULL || timeseries_error != NULL)
      {
        g_propagate_error (error, summary_error != NULL ? g_steal_pointer (&summary_error)
                                                        : g_steal_pointer (&timeseries_error));
        return FALSE;
      }
  }

  return TRUE;
}

gboolean
vs_export_json_file (VsResults   *results,
                     const char  *path,
                     GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  json = result_json (results, error);
  if (json == NULL)
    return FALSE;

  return write_file (path, json, strlen (json), error);
}

/* ---- capacity search -------------------------------------------------------------------- */

static const char * const step_columns[] = {
  "step", "phase", "offered_rps", "kept", "limited_by_generator", "why",
};

/* @prefix's columns, then @columns: one header for rows that start with a step's fields. */
static const char **
prefixed_columns (const char * const *prefix,
                  guint               n_prefix,
                  const char * const *columns,
                  guint               n_columns)
{
  const char **all = g_new0 (const char *, n_prefix + n_columns + 1);

  memcpy (all, prefix, n_prefix * sizeof *all);
  memcpy (all + n_prefix, columns, n_columns * sizeof *all);
  return all;
}

static void
append_row (GArray *row,
            GArray *more)
{
  g_array_append_vals (row, more->data, more->len);
}

static const char *
capacity_phase_to_string (VsCapacityPhase phase)
{
  return phase == VS_CAPACITY_RAISE ? "raise" : "bisect";
}

/* summary.csv (@every_step FALSE: per target the step that stands for it) or steps.csv (every
 * step, its own fields first): each row the step's figures, as summary.csv renders a run's. */
static GString *
capacity_rows_csv (VsCapacity *capacity,
                   gboolean    every_step)
{
  GString *csv = g_string_new (NULL);
  GPtrArray *steps = vs_capacity_get_steps (capacity);
  guint n_summary;
  const char **summary = summary_columns (&n_summary);
  guint n_prefix = every_step ? G_N_ELEMENTS (step_columns) : 0;
  g_autofree const char **columns = prefixed_columns (step_columns, n_prefix, summary,
                                                      n_summary);
  guint n_targets = vs_plan_get_n_targets (vs_capacity_get_plan (capacity));

  append_csv_line (csv, columns, n_prefix + n_summary, NULL);
  for (guint i = 0; i < (every_step ? steps->len : n_targets); i++)
    {
      const VsCapacityStep *step = every_step ? g_ptr_array_index (steps, i)
                                              : vs_capacity_get_summary_step (capacity, i);
      g_autoptr(GArray) row = row_new ();
      g_autoptr(GArray) figures = NULL;

      if (step == NULL)
        continue;  /* a target the search never got to */
      if (every_step)
        {
          add_uint (row, step->step);
          add_string (row, capacity_phase_to_string (step->phase));
          add_decimal (row, step->rate);
          add_string (row, step->kept ? "yes" : "no");
          add_string (row, step->limited ? "yes" : "no");
          add_string (row, step->why);
        }
      figures = summary_row (step->results, 0, 0);
      append_row (row, figures);
      append_csv_line (csv, columns, n_prefix + n_summary, row);
    }
  return csv;
}

static GString *
capacity_summary_csv (VsCapacity *capacity)
{
  return capacity_rows_csv (capacity, FALSE);
}

static GString *
capacity_steps_csv (VsCapacity *capacity)
{
  return capacity_rows_csv (capacity, TRUE);
}

static GString *
capacity_timeseries_csv (VsCapacity *capacity)
{
  GString *csv = g_string_new (NULL);
  GPtrArray *steps = vs_capacity_get_steps (capacity);
  static const char * const step_column[] = { "step" };
  g_autofree const char **columns = prefixed_columns (step_column, 1, timeseries_columns,
                                                      G_N_ELEMENTS (timeseries_columns));
  guint n_columns = 1 + G_N_ELEMENTS (timeseries_columns);

  append_csv_line (csv, columns, n_columns, NULL);
  for (guint i = 0; i < steps->len; i++)
    {
      const VsCapacityStep *step = g_ptr_array_index (steps, i);
      const VsTargetResult *target = vs_results_get_target (step->results, 0);

      for (guint j = 0; j < target->intervals->len; j++)
        {
          const VsInterval *interval = &g_array_index (target->intervals, VsInterval, j);
          g_autoptr(GArray) row = row_new ();
          g_autoptr(GArray) figures = timeseries_row (vs_results_get_plan (step->results),
                                                      target, interval);

          add_uint (row, step->step);
          append_row (row, figures);
          append_csv_line (csv, columns, n_columns, row);
        }
    }
  return csv;
}

gboolean
vs_export_capacity_csv_dir (VsCapacity  *capacity,
                            const char  *dir,
                            GError     **error)
{
  GString *(*makers[]) (VsCapacity *) = {
    capacity_summary_csv, capacity_steps_csv, capacity_timeseries_csv,
  };
  static const char * const names[] = { "summary.csv", "steps.csv", "timeseries.csv" };
  GError *first = NULL;

  g_return_val_if_fail (VS_IS_CAPACITY (capacity), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  /* every file is tried, whatever becomes of the others; the first failure is said */
  for (guint i = 0; i < G_N_ELEMENTS (makers); i++)
    {
      g_autoptr(GString) csv = makers[i] (capacity);
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr(GError) local_error = NULL;

      if (!write_file (path, csv->str, csv->len, &local_error) && first == NULL)
        first = g_steal_pointer (&local_error);
    }
  if (first != NULL)
    {
      g_propagate_error (error, first);
      return FALSE;
    }
  return TRUE;
}

/* ---- the capacity search's JSON --------------------------------------------------------- */

/* A number written whole (a rate read back must give the same step plan), null when NaN. */
static void
add_json_rate (JsonBuilder *builder,
               const char  *name,
               double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_json_boolean (JsonBuilder *builder,
                  const char  *name,
                  gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_json_capacity_target (JsonBuilder *builder,
                          VsCapacity  *capacity,
                          guint        target)
{
  const VsCapacityResult *result = vs_capacity_get_result (capacity, target);
  const VsTarget *t = vs_plan_get_target (vs_capacity_get_plan (capacity), target);
  g_autofree char *text = vs_capacity_describe (capacity, target);

  json_builder_begin_object (builder);
  add_json_text (builder, "name", t->name != NULL ? t->name : "");
  add_json_text (builder, "url", t->url != NULL ? t->url : "");
  add_json_rate (builder, "capacity_rps", result->capacity_rps);
  add_json_boolean (builder, "limited", result->limited);
  add_json_boolean (builder, "at_max", result->at_max);
  add_json_rate (builder, "failed_rps", result->failed_rps);
  add_json_rate (builder, "limited_rps", result->limited_rps);
  add_json_text (builder, "text", text);
  json_builder_end_object (builder);
}

/* A step: what the search made of it, then its run's target as a run's JSON has it. */
static void
add_json_capacity_step (JsonBuilder          *builder,
                        const VsCapacityStep *step)
{
  json_builder_begin_object (builder);
  add_json_text (builder, "target", target_name (step->results, 0));
  json_builder_set_member_name (builder, "step");
  json_builder_add_int_value (builder, step->step);
  add_json_text (builder, "phase", capacity_phase_to_string (step->phase));
  add_json_rate (builder, "offered_rps", step->rate);
  add_json_boolean (builder, "kept", step->kept);
  add_json_boolean (builder, "limited", step->limited);
  add_json_text (builder, "why", step->why);
  add_json_started (builder, step->results);
  add_json_target_members (builder, step->results, 0);
  add_json_notes (builder, step->results);
  json_builder_end_object (builder);
}

static char *
capacity_json (VsCapacity  *capacity,
               GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  VsPlan *plan = vs_capacity_get_plan (capacity);
  GPtrArray *steps = vs_capacity_get_steps (capacity);
  const VsCapacityStep *first = steps->len > 0 ? g_ptr_array_index (steps, 0) : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "capacity_schema_version");
  json_builder_add_int_value (builder, VS_CAPACITY_SCHEMA_VERSION);
  json_builder_set_member_name (builder, "versus_version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  if (first != NULL)
    add_json_started (builder, first->results);
  else
    add_json_text (builder, "started", NULL);
  add_json_text (builder, "engine", first != NULL ? vs_results_get_engine (first->results)
                                                  : NULL);
  if (!add_json_plan (builder, plan, error))
    return NULL;

  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint t = 0; t < vs_plan_get_n_targets (plan); t++)
    add_json_capacity_target (builder, capacity, t);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < steps->len; i++)
    add_json_capacity_step (builder, g_ptr_array_index (steps, i));
  json_builder_end_array (builder);

  add_json_text (builder, "error", vs_capacity_get_error (capacity) != NULL
                                     ? vs_capacity_get_error (capacity)->message : NULL);
  json_builder_end_object (builder);

  return builder_to_text (builder);
}

gboolean
vs_export_capacity_json (VsCapacity     *capacity,
                         GOutputStream  *stream,
                         GError        **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (VS_IS_CAPACITY (capacity), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  json = capacity_json (capacity, error);
  return json != NULL && write_json_stream (stream, json, error);
}

gboolean
vs_export_capacity_json_file (VsCapacity  *capacity,
                              const char  *path,
                              GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (VS_IS_CAPACITY (capacity), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  json = capacity_json (capacity, error);
  if (json == NULL)
    return FALSE;
  return write_file (path, json, strlen (json), error);
}
