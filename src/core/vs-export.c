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
#include "vs-summary.h"

typedef enum
{
  FIELD_EMPTY,    /* no value: an empty CSV field, JSON null */
  FIELD_STRING,
  FIELD_UINT,
  FIELD_DECIMAL,  /* printed with 3 decimals */
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
  "generator_busy_pct", "planned_rps", "planned_connections",
};

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
      const char **ids = g_new0 (const char *, vs_summary_get_n_metrics () + 1);
      guint k = 0;

      for (guint i = 0; i < vs_summary_get_n_metrics (); i++)
        if (vs_summary_get_metric (i)->flags & VS_METRIC_FILE)
          ids[k++] = vs_summary_get_metric (i)->id;
      n = k;
      g_once_init_leave (&columns, ids);
    }
  *n_columns = n;
  return columns;
}

/* One field per file metric, as the summary table says: its getter decides what is measured,
 * and nothing not measured becomes a zero. */
static GArray *
summary_row (VsResults *results,
             guint      index)
{
  GArray *row = row_new ();

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
      else if (metric->unit == VS_METRIC_COUNT)
        add_uint (row, (guint64) value.number);
      else if (metric->unit == VS_METRIC_LATENCY)
        add_decimal (row, value.number / 1000.0);  /* the files write ms */
      else
        add_decimal (row, value.number);
    }

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
  if (open)
    add_decimal (row, planned), add_empty (row);
  else
    add_empty (row), add_decimal (row, planned);

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
          g_string_append (csv, g_ascii_formatd (buf, sizeof buf, "%.3f",
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
      g_autoptr(GArray) row = summary_row (results, i);

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
          json_builder_add_double_value (builder, round (field->decimal * 1000.0) / 1000.0);
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

static void
add_json_target (JsonBuilder *builder,
                 VsResults   *results,
                 guint        index)
{
  const VsTargetResult *target = vs_results_get_target (results, index);
  const VsHistogram *latency = target->total->latency;
  g_autoptr(GArray) summary = summary_row (results, index);
  guint n_columns;

  json_builder_begin_object (builder);
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
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "first_error");
  if (target->first_error != NULL)
    json_builder_add_string_value (builder, target->first_error);
  else
    json_builder_add_null_value (builder);

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
    [VS_NOTE_UNSENT] = "unsent", [VS_NOTE_LATE] = "late", [VS_NOTE_THRESHOLDS] = "thresholds",
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

static char *
result_json (VsResults  *results,
             GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *plan_json = NULL;
  g_autofree char *started = NULL;
  guint n_targets = vs_results_get_n_targets (results);

  plan_json = vs_plan_to_json (vs_results_get_plan (results));
  if (plan_json == NULL || !json_parser_load_from_data (parser, plan_json, -1, &local_error))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_FAILED,
                   _("The plan could not be written into the result: %s"),
                   local_error != NULL ? local_error->message : _("no plan data"));
      return NULL;
    }

  started = g_date_time_format_iso8601 (vs_results_get_started (results));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, VS_RESULT_SCHEMA_VERSION);
  json_builder_set_member_name (builder, "versus_version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "started");
  json_builder_add_string_value (builder, started);
  json_builder_set_member_name (builder, "engine");
  json_builder_add_string_value (builder, vs_results_get_engine (results));
  json_builder_set_member_name (builder, "plan");
  json_builder_add_value (builder, json_parser_steal_root (parser));

  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_targets; i++)
    add_json_target (builder, results, i);
  json_builder_end_array (builder);

  add_json_notes (builder, results);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
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

gboolean
vs_export_json (VsResults      *results,
                GOutputStream  *stream,
                GError        **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  json = result_json (results, error);
  if (json == NULL)
    return FALSE;

  if (!write_stream (stream, json, strlen (json), error))
    {
      g_prefix_error (error, _("Could not write the result: "));
      return FALSE;
    }

  return TRUE;
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

static GString *
capacity_summary_csv (VsCapacity *capacity)
{
  GString *csv = g_string_new (NULL);
  guint n_columns;
  const char **columns = summary_columns (&n_columns);

  append_csv_line (csv, columns, n_columns, NULL);
  for (guint t = 0; t < vs_plan_get_n_targets (vs_capacity_get_plan (capacity)); t++)
    {
      const VsCapacityStep *step = vs_capacity_get_summary_step (capacity, t);
      g_autoptr(GArray) row = NULL;

      if (step == NULL)
        continue;
      row = summary_row (step->results, 0);
      append_csv_line (csv, columns, n_columns, row);
    }
  return csv;
}

static GString *
capacity_steps_csv (VsCapacity *capacity)
{
  GString *csv = g_string_new (NULL);
  GPtrArray *steps = vs_capacity_get_steps (capacity);
  guint n_summary;
  const char **summary = summary_columns (&n_summary);
  g_autofree const char **columns = prefixed_columns (step_columns, G_N_ELEMENTS (step_columns),
                                                      summary, n_summary);
  guint n_columns = G_N_ELEMENTS (step_columns) + n_summary;

  append_csv_line (csv, columns, n_columns, NULL);
  for (guint i = 0; i < steps->len; i++)
    {
      const VsCapacityStep *step = g_ptr_array_index (steps, i);
      g_autoptr(GArray) row = row_new ();
      g_autoptr(GArray) figures = summary_row (step->results, 0);

      add_uint (row, step->step);
      add_string (row, step->phase == VS_CAPACITY_RAISE ? "raise" : "bisect");
      add_decimal (row, step->rate);
      add_string (row, step->kept ? "yes" : "no");
      add_string (row, step->limited ? "yes" : "no");
      add_string (row, step->why);
      append_row (row, figures);
      append_csv_line (csv, columns, n_columns, row);
    }
  return csv;
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
