/* vs-segment.c: one plan's load split over N load generators */
#include "config.h"

#include "vs-segment.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vs-error.h"

guint64
vs_share_of (guint64 total,
             guint   weight_before,
             guint   weight,
             guint   weight_total)
{
  guint64 upto = (guint64) ((long double) total * (weight_before + weight) / weight_total);
  guint64 before = (guint64) ((long double) total * weight_before / weight_total);

  return upto - before;
}

void
vs_segment_share (const VsPlan   *plan,
                  VsSegmentShare *share)
{
  guint count = MAX (plan->segment_count, 1);
  guint index = count > 1 ? plan->segment_index : 0;
  guint total = plan->load.connections;

  share->index = index;
  share->count = count;
  share->connections = total / count + (index < total % count);
  share->connections_before = index * (total / count) + MIN (index, total % count);
  if (plan->load.requests == 0)
    share->requests = 0;
  else if (plan->load.model == VS_LOAD_OPEN)
    share->requests = vs_share_of (plan->load.requests, index, 1, count);
  else
    share->requests = vs_share_of (plan->load.requests, share->connections_before,
                                   share->connections, total);
}

gboolean
vs_segment_apply (VsPlan      *plan,
                  const char  *text,
                  GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint64 index, count;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  parts = g_strsplit (text, "/", -1);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXUINT, &index, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, 1024, &count, NULL) || index >= count)
    return vs_error_set_field (error, "--segment",
                               _("expected I/N, segment I (from 0) of N, with 0 ≤ I < N ≤ 1024, "
                                 "like 0/4; got “%s”"), text);
  if (count > plan->load.connections)
    return vs_error_set_field (error, "--segment",
                               _("%" PRIu64 " segments need at least %" PRIu64 " connections "
                                 "per target, one each; the plan has %u"),
                               count, count, plan->load.connections);

  plan->segment_index = (guint) index;
  plan->segment_count = (guint) count;
  return TRUE;
}

gboolean
vs_segment_parse_start_at (const char  *text,
                           gint64      *out_us,
                           GError     **error)
{
  g_autoptr(GDateTime) time = NULL;
  char *end = NULL;
  double seconds;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_us != NULL, FALSE);

  /* seconds since the epoch: digits, maybe a fraction */
  if (*text != '\0' && strspn (text, "0123456789.") == strlen (text))
    {
      seconds = g_ascii_strtod (text, &end);
      if (end != text && *end == '\0' && seconds >= 0 && seconds < 253402300800.0)
        {
          *out_us = (gint64) (seconds * G_USEC_PER_SEC + 0.5);
          return TRUE;
        }
    }
  else
    {
      /* RFC 3339 needs an offset or Z: a time without one is refused rather than guessed */
      time = g_date_time_new_from_iso8601 (text, NULL);
      if (time != NULL && strpbrk (text, "tT") != NULL)
        {
          *out_us = g_date_time_to_unix (time) * G_USEC_PER_SEC +
                    g_date_time_get_microsecond (time);
          return TRUE;
        }
    }

  return vs_error_set_field (error, "--start-at",
                             _("expected an RFC 3339 time with its offset, like "
                               "2026-12-01T22:00:00Z, or seconds since the epoch; got “%s”"),
                             text);
}
