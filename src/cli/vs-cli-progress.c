/* vs-cli-progress.c: the live lines `versus run` redraws on a terminal each tick */
#include "config.h"

#include <glib/gi18n.h>

#include "vs-cli-progress.h"
#include "vs-format.h"
#include "vs-summary.h"

struct _VsCliProgress
{
  VsRun *run;
  FILE  *stream;
  guint  drawn;  /* lines on screen */
};

VsCliProgress *
vs_cli_progress_new (VsRun *run,
                     FILE  *stream)
{
  VsCliProgress *self = g_new0 (VsCliProgress, 1);

  self->run = g_object_ref (run);
  self->stream = stream;
  return self;
}

void
vs_cli_progress_free (VsCliProgress *self)
{
  if (self == NULL)
    return;

  g_object_unref (self->run);
  g_free (self);
}

char *
vs_cli_progress_line (const VsTargetResult *result,
                      guint                 name_width,
                      double                fraction)
{
  const VsInterval *last = NULL;
  g_autofree char *rps = NULL;
  g_autofree char *p99 = NULL;
  g_autofree char *state = NULL;
  VsCounters counters;
  guint64 errors;
  glong pad;

  if (result->intervals->len > 0)
    last = &g_array_index (result->intervals, VsInterval, result->intervals->len - 1);
  /* as the window's cards count: the measured phase's errors once it has begun, the
   * warm-up's before */
  vs_summary_live_counters (result, &counters);
  errors = vs_counters_errors (&counters);

  /* before the first tick there is no rate yet: "–", never 0 */
  rps = last != NULL ? vs_format_count (last->rps) : g_strdup ("–");
  p99 = last && last->counters.responses > 0 ? vs_format_latency (last->p99_us) : g_strdup ("–");

  if (result->finished)
    state = g_strdup (_("done"));
  else if (!result->started)
    state = g_strdup (_("waiting"));
  else if (last != NULL && last->phase == VS_PHASE_WARMUP)
    state = g_strdup (_("warming up"));
  else
    state = g_strdup_printf ("%3.0f%%", 100 * CLAMP (fraction, 0, 1));

  pad = (glong) name_width - g_utf8_strlen (result->target->name, -1);
  return g_strdup_printf ("%s%*s  %8s req/s  p99 %8s  %" G_GUINT64_FORMAT " %s  %s",
                          result->target->name, (int) MAX (pad, 0), "", rps, p99, errors,
                          errors == 1 ? _("error") : _("errors"), state);
}

static double
target_fraction (VsCliProgress        *self,
                 const VsTargetResult *result)
{
  VsPlan *plan = vs_run_get_plan (self->run);
  double planned = vs_run_get_planned (self->run);

  if (planned > 0)
    return vs_run_get_elapsed (self->run) / planned;
  if (plan->load.requests > 0)
    return (double) result->total->counters.requests / plan->load.requests;
  return 0;
}

void
vs_cli_progress_update (VsCliProgress *self)
{
  VsResults *results = vs_run_get_results (self->run);
  guint name_width = 0;
  guint n;

  if (results == NULL)
    return;

  n = vs_results_get_n_targets (results);
  for (guint i = 0; i < n; i++)
    name_width = MAX (name_width,
                      (guint) g_utf8_strlen (vs_results_get_target (results, i)->target->name, -1));

  /* back to the first line, then overwrite each one */
  if (self->drawn > 0)
    fprintf (self->stream, "\033[%uA", self->drawn);
  for (guint i = 0; i < n; i++)
    {
      const VsTargetResult *result = vs_results_get_target (results, i);
      g_autofree char *line = vs_cli_progress_line (result, name_width,
                                                    target_fraction (self, result));

      fprintf (self->stream, "\r\033[2K%s\n", line);
    }
  self->drawn = n;
  fflush (self->stream);
}

void
vs_cli_progress_clear (VsCliProgress *self)
{
  if (self->drawn == 0)
    return;

  fprintf (self->stream, "\033[%uA\r\033[J", self->drawn);
  fflush (self->stream);
  self->drawn = 0;
}
