/* vs-format.h: parsing and printing the quantities people type and read
 *
 * Durations ("10s", "2m", "500ms", "1h30m", a bare number is seconds), latencies in the unit
 * that fits (µs/ms/s) and counts with k/M. The parse functions are the only place such text is
 * read, so the command line and plan files accept exactly the same forms.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VS_FORMAT_C      = 0,       /* '.' decimals whatever the locale: the CLI, files */
  VS_FORMAT_LOCALE = 1 << 0,  /* the locale's decimal separator: the window */
  VS_FORMAT_SPACE  = 1 << 1,  /* a space before a unit: "12.3 ms" rather than "12.3ms" */
} VsFormatFlags;

/* FALSE for anything but a non-negative duration; no GError: callers name the field. */
gboolean  vs_parse_duration    (const char *text,
                                gint64     *out_us);
char     *vs_format_duration   (gint64      us);         /* "10s", "2m30s", "250ms" */
char     *vs_format_latency    (double      us);         /* "842µs", "12.3ms", "1.25s" */
char     *vs_format_count      (double      value);      /* "950", "12.3k", "4.56M" */
char     *vs_format_bytes      (double      bytes);      /* "512 B", "1.5 KiB", "3.2 MiB" */

/* The one rule for significant digits, which every number a person reads follows: decimals
 * so that three significant digits show, at most max_decimals ("842", "12.3", "1.25"). */
int       vs_format_decimals   (double      value,
                                int         max_decimals);
char     *vs_format_decimal    (double      value,
                                int         decimals,
                                VsFormatFlags flags);
char     *vs_format_latency_full (double    us,
                                  VsFormatFlags flags);
char     *vs_format_count_full (double      value,
                                VsFormatFlags flags);
char     *vs_format_bytes_full (double      bytes,
                                VsFormatFlags flags);
/* Drops a decimal number's trailing zeros, and its separator when nothing follows it, in
 * place: "12.0" → "12", "1.50" → "1.5", "0,4100" → "0,41"; a number without one is kept. */
void      vs_format_trim_zeros (char       *number);
/* value 0…100: "25.0 %", "100 %", "0.00400 %"; a small share keeps three digits */
char     *vs_format_percent    (double      percent,
                                VsFormatFlags flags);
/* How a figure compares with the first target's, everywhere a ratio is written: three
 * significant digits without trailing zeros ("2×", "0.0812×", "1.5×"), "82.6k×" for large
 * and "1/82.6k×" for small ratios, "–" when there is nothing to compare. */
char     *vs_format_ratio      (double      ratio,
                                VsFormatFlags flags);

G_END_DECLS
