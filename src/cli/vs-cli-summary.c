/* vs-cli-summary.c: the side-by-side table `versus run` prints when a run ends */
#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n.h>

#include "vs-cli-summary.h"
#include "vs-cli-table.h"
#include "vs-format.h"
#include "vs-rounds.h"
#include "vs-slo.h"
#include "vs-summary.h"

typedef struct
{
  VsResults  *results;
  guint       n;            /* targets */
  VsCliTable *table;
  char      **cells;        /* scratch, label + targets + ratios (+ intervals) */
  guint       n_columns;
  gboolean    rounds;       /* mode rounds with two targets or more: a 95 % CI column each */
} Summary;

static void
flush_row (Summary *summary)
{
  vs_cli_table_add_row (summary->table, (const char * const *) summary->cells);
  for (guint c = 0; c < summary->n_columns; c++)
    g_clear_pointer (&summary->cells[c], g_free);
}

/* The compared figure read from @metric's trials, or NULL. */
static const VsCompared *
compared_of (const VsMetric *metric)
{
  for (guint c = 0; c < vs_rounds_get_n_compared (); c++)
    if (g_strcmp0 (vs_rounds_get_compared (c)->metric, metric->id) == 0)
      return vs_rounds_get_compared (c);
  return NULL;
}

/* Mode rounds, a compared row: the 95 % interval of the ratio of the trials' medians (the
 * ratio itself is in the verdict lines; the B/A column stays the whole-run ratio, as in the
 * window's table); "–" where there is none. */
static void
add_verdict_cells (Summary        *summary,
                   const VsMetric *metric)
{
  const VsCompared *compared = compared_of (metric);
  guint n = summary->n;

  for (guint i = 1; i < n; i++)
    {
      VsVerdict verdict;

      if (compared == NULL)
        summary->cells[2 * n - 1 + i] = g_strdup ("");
      else if (vs_rounds_verdict (summary->results, i, compared, &verdict) &&
               isfinite (verdict.ci_low))
        summary->cells[2 * n - 1 + i] = vs_verdict_format_interval (verdict.ci_low,
                                                                    verdict.ci_high,
                                                                    VS_FORMAT_C);
      else
        summary->cells[2 * n - 1 + i] = g_strdup ("–");
    }
}

/* One row of the summary table: every cell as vs-summary renders it, '.' decimals. */
static void
add_metric_row (Summary        *summary,
                const VsMetric *metric)
{
  guint n = summary->n;

  if (metric->flags & VS_METRIC_SUB)
    summary->cells[0] = g_strdup_printf ("  %s", _(metric->label));
  else
    summary->cells[0] = g_strdup (_(metric->label));
  for (guint i = 0; i < n; i++)
    summary->cells[1 + i] = vs_summary_format_cell (summary->results, i, metric, VS_FORMAT_C);
  for (guint i = 1; i < n; i++)
    summary->cells[n + i] = vs_summary_format_ratio (summary->results, i, metric, VS_FORMAT_C);
  if (summary->rounds)
    add_verdict_cells (summary, metric);
  flush_row (summary);
}

static void
add_header (Summary *summary)
{
  guint n = summary->n;

  summary->cells[0] = g_strdup ("");
  for (guint i = 0; i < n; i++)
    {
      const VsTargetResult *tr = vs_results_get_target (summary->results, i);

      if (n > 1)
        summary->cells[1 + i] = g_strdup_printf ("%s (%c)", tr->target->name, 'A' + i % 26);
      else
        summary->cells[1 + i] = g_strdup (tr->target->name);
    }
  for (guint i = 1; i < n; i++)
    summary->cells[n + i] = g_strdup_printf ("%c/A", 'A' + i % 26);
  for (guint i = 1; summary->rounds && i < n; i++)
    summary->cells[2 * n - 1 + i] = g_strdup_printf (_("%c/A 95 %% CI"), 'A' + i % 26);
  flush_row (summary);
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

/* The summary's notes, as they are; but for the unreachable targets, which `versus run` says
 * on stderr (vs_cli_summary_unreachable()), where they set the exit status: not twice. */
static void
append_notes (Summary *summary,
              GString *out)
{
  g_autoptr(GPtrArray) notes = vs_summary_notes (summary->results);

  g_string_append_c (out, '\n');
  for (guint i = 0; i < notes->len; i++)
    {
      const VsNote *note = g_ptr_array_index (notes, i);

      if (note->kind != VS_NOTE_UNREACHABLE && note->kind != VS_NOTE_THRESHOLDS)
        append_wrapped (out, note->text, 90);
    }
}

/* Mode rounds: a verdict line per target after the first and compared figure the run has. */
static void
append_verdicts (Summary *summary,
                 GString *out)
{
  g_autoptr(GPtrArray) lines = NULL;

  if (!summary->rounds)
    return;

  g_string_append_c (out, '\n');
  append_wrapped (out, _("Over the rounds' trials: the ratio of the medians, its 95 % bootstrap "
                         "confidence interval (the CI column; B/A is the whole run's ratio) and "
                         "the Mann–Whitney U test."), 90);
  lines = vs_rounds_verdict_lines (summary->results, VS_FORMAT_C);
  for (guint i = 0; i < lines->len; i++)
    append_wrapped (out, g_ptr_array_index (lines, i), 90);
}

/* One line per threshold and target, unwrapped, so that a script can grep them:
 * "node: p99 < 50ms: passed (p99 = 1.2ms)". */
static void
append_thresholds (Summary *summary,
                   GString *out)
{
  gboolean any = FALSE;

  for (guint t = 0; t < summary->n; t++)
    {
      g_autoptr(GPtrArray) judged = vs_slo_evaluate (summary->results, t);
      const char *name = vs_results_get_target (summary->results, t)->target->name;

      for (guint i = 0; i < judged->len; i++)
        {
          const VsSloResult *result = g_ptr_array_index (judged, i);

          if (!any)
            g_string_append_c (out, '\n');
          any = TRUE;
          g_string_append_printf (out, "%s: %s\n", name, result->explanation);
        }
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
  if (plan->mode == VS_MODE_ROUNDS)
    {
      g_autofree char *seed =
        g_strdup_printf ("%" G_GUINT64_FORMAT, vs_results_get_rounds_seed (summary->results));

      /* TRANSLATORS: "8 rounds, each target alone in an order shuffled per round (seed 42)" */
      g_string_append_printf (out, _(", %u rounds, each target alone in an order shuffled per "
                                     "round (seed %s)"), vs_results_get_n_rounds (summary->results),
                              seed);
    }
  else if (summary->n > 1)
    g_string_append_printf (out, ", %s", plan->mode == VS_MODE_SEQUENTIAL
                                         ? _("one target after the other")
                                         : _("all targets at once"));
  g_string_append (out, "\n\n");
}

char *
vs_cli_summary_render (VsResults *results)
{
  g_autofree char *table_text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  Summary summary = { 0 };
  GString *out;

  g_return_val_if_fail (VS_IS_RESULTS (results), NULL);

  summary.results = results;
  summary.n = vs_results_get_n_targets (results);
  if (summary.n == 0)
    return g_strdup ("");

  summary.rounds = vs_results_get_n_rounds (results) > 0 && summary.n > 1;
  summary.n_columns = 2 * summary.n + (summary.rounds ? summary.n - 1 : 0);
  summary.table = vs_cli_table_new (summary.n_columns);
  summary.cells = g_new0 (char *, summary.n_columns + 1);

  add_header (&summary);
  rows = vs_summary_table_rows (results);
  for (guint i = 0; i < rows->len; i++)
    add_metric_row (&summary, g_ptr_array_index (rows, i));
  table_text = vs_cli_table_render (summary.table);

  out = g_string_new (NULL);
  append_load (&summary, out);
  g_string_append (out, table_text);
  append_verdicts (&summary, out);
  append_thresholds (&summary, out);
  append_notes (&summary, out);

  vs_cli_table_free (summary.table);
  g_free (summary.cells);

  return g_string_free (out, FALSE);
}

GPtrArray *
vs_cli_summary_unreachable (VsResults *results)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) notes = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), messages);

  notes = vs_summary_notes (results);
  for (guint i = 0; i < notes->len; i++)
    {
      const VsNote *note = g_ptr_array_index (notes, i);

      if (note->kind == VS_NOTE_UNREACHABLE)
        g_ptr_array_add (messages, g_strdup (note->text));
    }

  return messages;
}
