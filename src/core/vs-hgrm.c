/* vs-hgrm.c: percentile distributions (.hgrm) as wrk2 prints them
 *
 * The percentile steps are HdrHistogram's percentile iterator: from 0 %, steps of
 * 100 / (ticks · 2^(⌊log2 (100 / (100 − p))⌋ + 1)) %, a line whenever the slots so far hold at
 * least that share (several lines at one slot when it holds several steps), except that once
 * every sample is counted only the 100 % line follows.
 */
#include "config.h"

#include "vs-hgrm.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vs-error.h"
#include "vs-file.h"
#include "vs-hdr.h"

#define TICKS_PER_HALF_DISTANCE 5
#define VALUE_SCALE             1000.0  /* µs → ms, as wrk2 */

typedef struct
{
  GString *out;
  guint64  total;
  guint64  cumulative;
  double   percentile_to;
  gint64   last_value;
} Walk;

static void
append_line (GString *out,
             gint64   value_us,
             double   percentile,
             guint64  cumulative)
{
  char value[32], fraction[32], inverted[32];

  /* hdr_percentiles_print's "%12.3f %12f %12d %12.2f", in the C locale */
  g_ascii_formatd (value, sizeof value, "%12.3f", value_us / VALUE_SCALE);
  g_ascii_formatd (fraction, sizeof fraction, "%12f", percentile / 100.0);
  g_ascii_formatd (inverted, sizeof inverted, "%12.2f", 1.0 / (1.0 - percentile / 100.0));
  g_string_append_printf (out, "%s %s %12" G_GUINT64_FORMAT " %s\n", value, fraction,
                          cumulative, inverted);
}

static void
walk_slot (gint64   value_us,
           guint64  count,
           gpointer user_data)
{
  Walk *walk = user_data;

  if (walk->cumulative >= walk->total)
    return;

  walk->cumulative += count;
  walk->last_value = value_us;
  while (count != 0 && 100.0 * walk->cumulative / walk->total >= walk->percentile_to)
    {
      gint64 half = (gint64) pow (2, (double) ((gint64) (log (100 / (100.0 - walk->percentile_to)) /
                                                         log (2)) + 1));

      append_line (walk->out, value_us, walk->percentile_to, walk->cumulative);
      walk->percentile_to += 100.0 / (TICKS_PER_HALF_DISTANCE * half);
      if (walk->cumulative >= walk->total)
        break;
    }
}

static void
append_footer_value (GString *out,
                     double   value_ms)
{
  char buf[32];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%12.3f", value_ms));
}

char *
vs_hgrm_render (const VsHistogram *latency)
{
  GString *out = g_string_new (NULL);
  Walk walk = { out, vs_histogram_count (latency), 0, 0.0, 0 };
  gint64 max_slot = 0;

  g_return_val_if_fail (latency != NULL, NULL);

  g_string_append_printf (out, "%12s %12s %12s %12s\n\n", "Value", "Percentile", "TotalCount",
                          "1/(1-Percentile)");
  if (walk.total > 0)
    {
      vs_hdr_foreach_slot (latency, walk_slot, &walk);
      append_line (out, walk.last_value, 100.0, walk.cumulative);
      max_slot = walk.last_value;
    }

  g_string_append (out, "#[Mean    = ");
  append_footer_value (out, vs_histogram_mean (latency) / VALUE_SCALE);
  g_string_append (out, ", StdDeviation   = ");
  append_footer_value (out, vs_histogram_stddev (latency) / VALUE_SCALE);
  g_string_append (out, "]\n#[Max     = ");
  append_footer_value (out, max_slot / VALUE_SCALE);
  g_string_append_printf (out, ", Total count    = %12" G_GUINT64_FORMAT "]\n", walk.total);
  g_string_append_printf (out, "#[Buckets = %12u, SubBuckets     = %12u]\n",
                          vs_hdr_bucket_count (), vs_hdr_sub_bucket_count ());

  return g_string_free (out, FALSE);
}

gboolean
vs_hgrm_write_dir (VsResults   *results,
                   const char  *dir,
                   GError     **error)
{
  guint n;
  g_autofree const char **names = NULL;
  g_auto(GStrv) files = NULL;
  g_autoptr(GError) first_error = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  n = vs_results_get_n_targets (results);
  names = g_new0 (const char *, n + 1);
  for (guint i = 0; i < n; i++)
    names[i] = vs_results_get_target (results, i)->target->name;
  /* a file name: no folder separators, and no leading dot that would hide it */
  files = vs_hdr_safe_names (names, n, "/\\");

  /* every target is tried; the first failure is the error */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = vs_hgrm_render (vs_results_get_target (results, i)->total->latency);
      g_autofree char *file = g_strdup_printf ("%s%s.hgrm", files[i][0] == '.' ? "_" : "",
                                               files[i]);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autoptr(GError) local_error = NULL;

      if (!vs_file_replace (path, text, strlen (text), &local_error) && first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}
