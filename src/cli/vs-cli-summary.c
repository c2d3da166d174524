/* vs-cli-summary.c: the side-by-side table `versus run` prints when a run ends */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "vs-cli-summary.h"
#include "vs-cli-table.h"
#include "vs-format.h"
#include "vs-protocols.h"

/* More late sends than this share means the generator, not the server, set the pace. */
#define LATE_WARNING_SHARE 0.01

typedef enum
{
  CELL_COUNT,
  CELL_RATE,
  CELL_LATENCY,
  CELL_BYTE_RATE,
} CellKind;

typedef struct
{
  VsResults  *results;
  guint       n;            /* targets */
  VsCliTable *table;
  double     *values;       /* scratch, one per target */
  char      **cells;        /* scratch, label + targets + ratios */
} Summary;

static char *
format_value (CellKind kind,
              double   value)
{
  switch (kind)
    {
    case CELL_COUNT:
      return g_strdup_printf ("%.0f", value);
    case CELL_RATE:
      return g_strdup_printf ("%.1f", value);
    case CELL_LATENCY:
      return vs_format_latency (value);
    case CELL_BYTE_RATE:
      {
        g_autofree char *bytes = vs_format_bytes (value);

        return g_strdup_printf ("%s/s", bytes);
      }
    default:
      g_assert_not_reached ();
    }
}

static char *
format_ratio (double value,
              double base)
{
  /* nothing to compare: a base of 0, or a figure missing (-1) on either side */
  if (base <= 0 || value < 0)
    return g_strdup ("–");
  return g_strdup_printf ("%.2f×", value / base);
}

/* One row from summary->values; total (when not NULL) adds each value's share of it. */
static void
add_row (Summary      *summary,
         const char   *label,
         CellKind      kind,
         const double *totals)
{
  guint n = summary->n;

  summary->cells[0] = g_strdup (label);
  for (guint i = 0; i < n; i++)
    {
      double value = summary->values[i];

      if (value < 0)
        summary->cells[1 + i] = g_strdup ("–");
      else if (totals != NULL)
        {
          g_autofree char *text = format_value (kind, value);

          summary->cells[1 + i] =
            g_strdup_printf ("%s (%.2f%%)", text, totals[i] > 0 ? 100 * value / totals[i] : 0);
        }
      else
        summary->cells[1 + i] = format_value (kind, value);
    }
  for (guint i = 1; i < n; i++)
    summary->cells[n + i] = format_ratio (summary->values[i], summary->values[0]);

  vs_cli_table_add_row (summary->table, (const char * const *) summary->cells);
  for (guint c = 0; c < 2 * n; c++)
    g_clear_pointer (&summary->cells[c], g_free);
}

static const VsTargetResult *
target (Summary *summary,
        guint    i)
{
  return vs_results_get_target (summary->results, i);
}

static gboolean
has_latency (const VsTargetResult *tr)
{
  return vs_histogram_count (tr->total->latency) > 0;
}

static void
add_latency_row (Summary    *summary,
                 const char *label,
                 double      percentile)
{
  for (guint i = 0; i < summary->n; i++)
    {
      const VsTargetResult *tr = target (summary, i);

      summary->values[i] = has_latency (tr) ? vs_target_result_latency (tr, percentile) : -1;
    }
  add_row (summary, label, CELL_LATENCY, NULL);
}

static void
add_histogram_row (Summary    *summary,
                   const char *label,
                   gsize       offset,  /* of the VsHistogram* in VsStats */
                   double      percentile)
{
  for (guint i = 0; i < summary->n; i++)
    {
      const VsHistogram *histogram =
        G_STRUCT_MEMBER (VsHistogram *, target (summary, i)->total, offset);

      summary->values[i] = vs_histogram_count (histogram) > 0
                           ? vs_histogram_percentile (histogram, percentile) : -1;
    }
  add_row (summary, label, CELL_LATENCY, NULL);
}

static void
add_timing_rows (Summary    *summary,
                 VsTiming    timing,
                 const char *p50_label,
                 const char *p99_label)
{
  gsize offset = G_STRUCT_OFFSET (VsStats, timings) + timing * sizeof (VsHistogram *);
  gboolean any = FALSE;

  for (guint i = 0; i < summary->n; i++)
    any |= vs_histogram_count (target (summary, i)->total->timings[timing]) > 0;
  if (!any)
    return;

  add_histogram_row (summary, p50_label, offset, 50);
  add_histogram_row (summary, p99_label, offset, 99);
}

/* One row per class of error that happened at all, under the total. */
static void
add_error_class_rows (Summary      *summary,
                      const double *requests)
{
  for (guint k = 0; k < VS_N_ERROR_CLASSES; k++)
    {
      g_autofree char *label = NULL;
      gboolean any = FALSE;

      for (guint i = 0; i < summary->n; i++)
        {
          summary->values[i] = target (summary, i)->total->counters.errors[k];
          any |= summary->values[i] > 0;
        }
      if (!any)
        continue;

      label = g_strdup_printf ("  %s", vs_error_class_describe (k));
      add_row (summary, label, CELL_COUNT, requests);
    }
}

/* The HTTP version each target answered in; no ratio for a word. */
static void
add_protocol_row (Summary *summary)
{
  guint n = summary->n;

  summary->cells[0] = g_strdup (_("protocol"));
  for (guint i = 0; i < n; i++)
    {
      char *protocol = vs_target_result_protocol (target (summary, i));

      summary->cells[1 + i] = protocol != NULL ? protocol : g_strdup ("–");
    }
  for (guint i = 1; i < n; i++)
    summary->cells[n + i] = g_strdup ("");

  vs_cli_table_add_row (summary->table, (const char * const *) summary->cells);
  for (guint c = 0; c < 2 * n; c++)
    g_clear_pointer (&summary->cells[c], g_free);
}

static void
add_rows (Summary *summary)
{
  VsPlan *plan = vs_results_get_plan (summary->results);
  gboolean open = plan->load.model == VS_LOAD_OPEN;
  g_autofree double *requests = g_new0 (double, summary->n);

  for (guint i = 0; i < summary->n; i++)
    summary->values[i] = requests[i] = target (summary, i)->total->counters.requests;
  add_row (summary, _("requests"), CELL_COUNT, NULL);

  for (guint i = 0; i < summary->n; i++)
    summary->values[i] = vs_target_result_rps (target (summary, i));
  add_row (summary, _("req/s"), CELL_RATE, NULL);

  for (guint i = 0; i < summary->n; i++)
    summary->values[i] = vs_counters_errors (&target (summary, i)->total->counters);
  add_row (summary, _("errors"), CELL_COUNT, requests);
  add_error_class_rows (summary, requests);

  for (guint i = 0; i < summary->n; i++)
    {
      const VsTargetResult *tr = target (summary, i);

      summary->values[i] = has_latency (tr) ? vs_histogram_min (tr->total->latency) : -1;
    }
  add_row (summary, _("latency min"), CELL_LATENCY, NULL);
  add_latency_row (summary, _("latency p50"), 50);
  add_latency_row (summary, _("latency p90"), 90);
  add_latency_row (summary, _("latency p99"), 99);
  add_latency_row (summary, _("latency p99.9"), 99.9);
  for (guint i = 0; i < summary->n; i++)
    {
      const VsTargetResult *tr = target (summary, i);

      summary->values[i] = has_latency (tr) ? vs_histogram_max (tr->total->latency) : -1;
    }
  add_row (summary, _("latency max"), CELL_LATENCY, NULL);

  if (open)
    {
      g_autofree double *due = g_new0 (double, summary->n);

      add_histogram_row (summary, _("p99 uncorrected"), G_STRUCT_OFFSET (VsStats, uncorrected),
                         99);
      for (guint i = 0; i < summary->n; i++)
        summary->values[i] = target (summary, i)->total->counters.late;
      add_row (summary, _("late sends"), CELL_COUNT, requests);

      /* a share of the requests due, which the unsent are part of */
      for (guint i = 0; i < summary->n; i++)
        {
          summary->values[i] = target (summary, i)->total->counters.unsent;
          due[i] = requests[i] + summary->values[i];
        }
      add_row (summary, _("unsent"), CELL_COUNT, due);
    }

  add_timing_rows (summary, VS_TIMING_CONNECT, _("connect p50"), _("connect p99"));
  add_timing_rows (summary, VS_TIMING_TLS, _("TLS p50"), _("TLS p99"));
  add_timing_rows (summary, VS_TIMING_FIRST_BYTE, _("first byte p50"), _("first byte p99"));

  for (guint i = 0; i < summary->n; i++)
    {
      const VsTargetResult *tr = target (summary, i);

      summary->values[i] = tr->measured_s > 0 ? tr->total->counters.bytes_in / tr->measured_s
                                              : -1;
    }
  add_row (summary, _("received/s"), CELL_BYTE_RATE, NULL);
}

static void
add_header (Summary *summary)
{
  guint n = summary->n;

  summary->cells[0] = g_strdup ("");
  for (guint i = 0; i < n; i++)
    {
      const VsTargetResult *tr = target (summary, i);

      if (n > 1)
        summary->cells[1 + i] = g_strdup_printf ("%s (%c)", tr->target->name, 'A' + i % 26);
      else
        summary->cells[1 + i] = g_strdup (tr->target->name);
    }
  for (guint i = 1; i < n; i++)
    summary->cells[n + i] = g_strdup_printf ("%c/A", 'A' + i % 26);

  vs_cli_table_add_row (summary->table, (const char * const *) summary->cells);
  for (guint c = 0; c < 2 * n; c++)
    g_clear_pointer (&summary->cells[c], g_free);
}

/* Says when the generator itself was the bottleneck, naming the targets it loaded then. */
static void
append_busy_note (Summary *summary,
                  GString *out)
{
  g_autoptr(GString) names = g_string_new (NULL);
  double busiest = 0;

  for (guint i = 0; i < summary->n; i++)
    {
      const VsTargetResult *tr = target (summary, i);

      if (tr->generator_busy_max <= VS_GENERATOR_BUSY_WARNING)
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, tr->target->name);
      busiest = MAX (busiest, tr->generator_busy_max);
    }

  if (names->len == 0)
    return;

  g_string_append_printf (out,
                          _("The load generator was saturated while loading %s: its busiest "
                            "thread had\nno time left to wait (%.0f%% busy), so these figures "
                            "may show Versus's limit,\nnot the server's. Try more --threads, "
                            "or keep the servers off the generator's cores.\n"),
                          names->str, 100.0 * busiest);
}

/* " 2 worker threads on 1 CPU.": the default is one per CPU the process may run on; more
 * workers than CPUs compete for them, which shows in the tail latency */
static void
append_generator (Summary *summary,
                  GString *out)
{
  guint n_workers = vs_results_get_n_workers (summary->results);
  guint n_cpus = vs_results_get_n_cpus (summary->results);

  if (n_workers == 0 || n_cpus == 0)
    return;

  g_string_append_c (out, ' ');
  /* TRANSLATORS: the first half of "3 worker threads on 2 CPUs." */
  g_string_append_printf (out, ngettext ("%u worker thread", "%u worker threads", n_workers),
                          n_workers);
  g_string_append_c (out, ' ');
  /* TRANSLATORS: the second half of "3 worker threads on 2 CPUs." */
  g_string_append_printf (out, ngettext ("on %u CPU.", "on %u CPUs.", n_cpus), n_cpus);
  if (n_workers > n_cpus)
    g_string_append_printf (out, " %s",
                            _("More workers than CPUs: they compete for them, which adds to the "
                              "latency."));
}

/* Late sends have two causes, and the note names the one that applied: every connection busy
 * (the in-flight cap, -c, was full: the server was slow to answer), or the generator's own CPU. */
static void
append_late_note (Summary              *summary,
                  const VsTargetResult *tr,
                  GString              *out)
{
  const VsCounters *counters = &tr->total->counters;
  g_autofree char *lag = vs_format_latency (counters->lag_max_us);
  VsPlan *plan = vs_results_get_plan (summary->results);
  double share = 100.0 * counters->late / counters->requests;

  g_string_append_printf (out,
                          _("The load generator fell behind on %s: %.1f%% of its sends left "
                            "late (up to %s),\nso that lag is in the latency above.\n"),
                          tr->target->name, share, lag);

  if (2 * counters->late_at_cap >= counters->late)
    g_string_append_printf (out,
                            _("Most of them (%" G_GUINT64_FORMAT ") waited for a free "
                              "connection: all %u were busy %.0f%% of the time,\nso the "
                              "server did not answer fast enough for the rate. Allow more in "
                              "flight\n(--connections) or ask for a lower --rate.\n"),
                            counters->late_at_cap, plan->load.connections,
                            100.0 * vs_target_result_at_cap_share (
                              tr, vs_results_get_n_workers (summary->results)));
  else if (tr->generator_busy_max > VS_GENERATOR_BUSY_WARNING)
    g_string_append_printf (out,
                            _("A connection was free, but the generator's busiest thread was "
                              "%.0f%% busy:\ntry more --threads or a lower --rate.\n"),
                            100.0 * tr->generator_busy_max);
  else
    g_string_append_printf (out,
                            _("A connection was free and the generator's busiest thread was "
                              "only %.0f%% busy:\nits threads were kept off the CPU (other "
                              "processes, or more workers than CPUs).\n"),
                            100.0 * tr->generator_busy_max);
}

/* A sentence as lines of at most width characters, broken at spaces (a longer word stays
 * whole). */
static void
append_wrapped (GString    *out,
                const char *text,
                guint       width)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  glong line = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      glong length = g_utf8_strlen (words[i], -1);

      if (line > 0 && line + 1 + length > width)
        {
          g_string_append_c (out, '\n');
          line = 0;
        }
      else if (line > 0)
        {
          g_string_append_c (out, ' ');
          line++;
        }
      g_string_append (out, words[i]);
      line += length;
    }
  g_string_append_c (out, '\n');
}

static void
append_protocol_notes (Summary *summary,
                       GString *out)
{
  g_autoptr(GPtrArray) notes = vs_protocol_notes (summary->results);

  for (guint i = 0; i < notes->len; i++)
    append_wrapped (out, g_ptr_array_index (notes, i), 90);
}

static void
append_notes (Summary *summary,
              GString *out)
{
  VsPlan *plan = vs_results_get_plan (summary->results);

  g_string_append_c (out, '\n');
  g_string_append_printf (out, _("Engine: %s."), vs_results_get_engine (summary->results));
  append_generator (summary, out);
  g_string_append_c (out, '\n');
  if (plan->load.model == VS_LOAD_OPEN)
    g_string_append_printf (out, "%s\n",
                            _("Open model: latency counts from when each request was due, so "
                              "a stall is not hidden;\n“p99 uncorrected” counts from when it "
                              "was actually sent."));

  append_busy_note (summary, out);
  append_protocol_notes (summary, out);

  for (guint i = 0; i < summary->n; i++)
    {
      const VsTargetResult *tr = target (summary, i);
      const VsCounters *counters = &tr->total->counters;

      if (counters->unsent > 0)
        g_string_append_printf (out,
                                _("%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " requests "
                                  "due were never sent (unsent): the run ended before they\n"
                                  "could leave, so the figures above leave them out.\n"),
                                tr->target->name, counters->unsent,
                                counters->requests + counters->unsent);

      if (counters->requests > 0 &&
          counters->late > LATE_WARNING_SHARE * counters->requests)
        append_late_note (summary, tr, out);
    }
}

/* "closed model, 50 connections per target, 30s (5s warm-up), parallel" */
static void
append_load (Summary *summary,
             GString *out)
{
  VsPlan *plan = vs_results_get_plan (summary->results);
  const VsLoad *load = &plan->load;

  if (load->model == VS_LOAD_OPEN)
    g_string_append_printf (out, _("open model, %g requests/s per target (%s arrivals, at most "
                                   "%u connections)"),
                            load->rate, vs_arrival_to_string (load->arrival), load->connections);
  else
    g_string_append_printf (out, _("closed model, %u connections per target"),
                            load->connections);
  if (load->streams > 1)
    g_string_append_printf (out, _(", %u streams per connection"), load->streams);

  if (load->requests > 0)
    g_string_append_printf (out, _(", %" PRIu64 " requests each"), load->requests);
  else
    {
      g_autofree char *duration = vs_format_duration (load->duration_us);

      g_string_append_printf (out, ", %s", duration);
    }
  if (load->warmup_us > 0)
    {
      g_autofree char *warmup = vs_format_duration (load->warmup_us);

      g_string_append_printf (out, _(" after a %s warm-up"), warmup);
    }
  if (summary->n > 1)
    g_string_append_printf (out, ", %s", plan->mode == VS_MODE_SEQUENTIAL
                                         ? _("one target after the other")
                                         : _("all targets at once"));
  g_string_append (out, "\n\n");
}

char *
vs_cli_summary_render (VsResults *results)
{
  g_autofree char *table_text = NULL;
  Summary summary = { 0 };
  GString *out;

  g_return_val_if_fail (VS_IS_RESULTS (results), NULL);

  summary.results = results;
  summary.n = vs_results_get_n_targets (results);
  if (summary.n == 0)
    return g_strdup ("");

  summary.table = vs_cli_table_new (2 * summary.n);
  summary.values = g_new0 (double, summary.n);
  summary.cells = g_new0 (char *, 2 * summary.n + 1);

  add_header (&summary);
  add_protocol_row (&summary);
  add_rows (&summary);
  table_text = vs_cli_table_render (summary.table);

  out = g_string_new (NULL);
  append_load (&summary, out);
  g_string_append (out, table_text);
  append_notes (&summary, out);

  vs_cli_table_free (summary.table);
  g_free (summary.values);
  g_free (summary.cells);

  return g_string_free (out, FALSE);
}

GPtrArray *
vs_cli_summary_unreachable (VsResults *results)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (VS_IS_RESULTS (results), messages);

  for (guint i = 0; i < vs_results_get_n_targets (results); i++)
    {
      const VsTargetResult *tr = vs_results_get_target (results, i);
      VsCounters all = { 0 };

      /* warm-up responses count too: a target that answered at all was reached */
      for (guint k = 0; k < tr->intervals->len; k++)
        vs_counters_add (&all, &g_array_index (tr->intervals, VsInterval, k).counters);
      vs_counters_add (&all, &tr->total->counters);

      if (all.responses > 0)
        continue;

      if (tr->first_error != NULL)
        g_ptr_array_add (messages, g_strdup_printf (_("%s could not be reached: %s"),
                                                    tr->target->name, tr->first_error));
      else
        g_ptr_array_add (messages, g_strdup_printf (_("%s could not be reached: no response "
                                                      "arrived"), tr->target->name));
    }

  return messages;
}
