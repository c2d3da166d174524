/* vs-hlog.c: the HdrHistogram interval log (.hlog) of a run */
#include "config.h"

#include "vs-hlog.h"

#include <string.h>

#include "vs-file.h"
#include "vs-hdr.h"

/* Java's Date.toString() (what its writer puts after the StartTime), in UTC and in English
 * whatever the locale: "Tue Dec 01 22:30:51 UTC 2026". */
static char *
java_date (GDateTime *time)
{
  static const char * const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char * const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_strdup_printf ("%s %s %02d %02d:%02d:%02d UTC %d",
                          days[g_date_time_get_day_of_week (utc) - 1],
                          months[g_date_time_get_month (utc) - 1],
                          g_date_time_get_day_of_month (utc), g_date_time_get_hour (utc),
                          g_date_time_get_minute (utc), g_date_time_get_second (utc),
                          g_date_time_get_year (utc));
}

static void
append_seconds (GString *out,
                double   seconds)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.3f", seconds));
}

GStrv
vs_hlog_tags (VsResults *results)
{
  guint n = vs_results_get_n_targets (results);
  g_autofree const char **names = g_new0 (const char *, n + 1);

  for (guint i = 0; i < n; i++)
    names[i] = vs_results_get_target (results, i)->target->name;
  return vs_hdr_safe_names (names, n, NULL);
}

char *
vs_hlog_render (VsResults *results)
{
  GString *out = g_string_new (NULL);
  g_auto(GStrv) tags = NULL;
  g_autofree char *date = NULL;
  GDateTime *started;
  gint64 base_us;

  g_return_val_if_fail (VS_IS_RESULTS (results), NULL);

  started = vs_results_get_started (results);
  base_us = g_date_time_to_unix (started) * G_USEC_PER_SEC +
            g_date_time_get_microsecond (started);
  date = java_date (started);
  tags = vs_hlog_tags (results);

  g_string_append_printf (out, "#[Logged with Versus %s: latency in microseconds%s; max in "
                          "milliseconds; measured intervals only]\n", PACKAGE_VERSION,
                          vs_results_get_plan (results)->load.model == VS_LOAD_OPEN
                            ? ", from the intended send time" : "");
  g_string_append (out, "#[Histogram log format version 1.3]\n");
  g_string_append (out, "#[StartTime: ");
  append_seconds (out, base_us / 1e6);
  g_string_append_printf (out, " (seconds since epoch), %s]\n", date);
  g_string_append (out, "#[BaseTime: ");
  append_seconds (out, base_us / 1e6);
  g_string_append (out, " (seconds since epoch)]\n");
  g_string_append (out, "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
                        "\"Interval_Compressed_Histogram\"\n");

  for (guint i = 0; i < vs_results_get_n_targets (results); i++)
    {
      const VsTargetResult *target = vs_results_get_target (results, i);
      /* the target's intervals count from its own start, which sequential mode staggers */
      double offset_s = target->started_wall_us != 0
                          ? MAX (target->started_wall_us - base_us, 0) / 1e6 : 0.0;

      for (guint j = 0; j < target->intervals->len; j++)
        {
          const VsInterval *interval = &g_array_index (target->intervals, VsInterval, j);
          GBytes *latency = g_ptr_array_index (target->interval_latency, j);
          g_autofree char *base64 = NULL;
          gsize size;
          const guint8 *data;

          if (interval->phase != VS_PHASE_MEASURE)
            continue;

          data = g_bytes_get_data (latency, &size);
          base64 = g_base64_encode (data, size);
          g_string_append_printf (out, "Tag=%s,", tags[i]);
          append_seconds (out, offset_s + interval->start_s);
          g_string_append_c (out, ',');
          append_seconds (out, interval->end_s - interval->start_s);
          g_string_append_c (out, ',');
          append_seconds (out, interval->max_us / 1000.0);
          g_string_append_printf (out, ",%s\n", base64);
        }
    }

  return g_string_free (out, FALSE);
}

gboolean
vs_hlog_write_file (VsResults   *results,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (VS_IS_RESULTS (results), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  text = vs_hlog_render (results);
  return vs_file_replace (path, text, strlen (text), error);
}
