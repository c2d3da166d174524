/* vs-format.h: parsing and printing the quantities people type and read
 *
 * Durations ("10s", "2m", "500ms", "1h30m", a bare number is seconds), latencies in the unit
 * that fits (µs/ms/s) and counts with k/M. The parse functions are the only place such text is
 * read, so the command line and plan files accept exactly the same forms.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* FALSE for anything but a non-negative duration; no GError: callers name the field. */
gboolean  vs_parse_duration    (const char *text,
                                gint64     *out_us);
char     *vs_format_duration   (gint64      us);         /* "10s", "2m30s", "250ms" */
char     *vs_format_latency    (double      us);         /* "842µs", "12.3ms", "1.25s" */
char     *vs_format_count      (double      value);      /* "950", "12.3k", "4.56M" */
char     *vs_format_bytes      (double      bytes);      /* "512 B", "1.5 KiB", "3.2 MiB" */

G_END_DECLS
