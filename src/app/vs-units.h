/* vs-units.h: numbers as the window shows them — locale decimals, units, round axis steps
 *
 * The window prints with the locale's decimal point (printf after setlocale follows
 * LC_NUMERIC); files written by core stay dot-decimal. The figures follow core's one
 * significant-digit rule (vs-format.h, VS_FORMAT_LOCALE); only axis ticks and steps are
 * decided here.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VS_UNIT_COUNT,       /* 950, 12.3k, 4.56M */
  VS_UNIT_RATE,        /* req/s */
  VS_UNIT_ERROR_RATE,  /* errors/s */
  VS_UNIT_LATENCY,     /* value in µs, printed µs/ms/s */
  VS_UNIT_SECONDS,     /* the time axis */
  VS_UNIT_PERCENT,     /* value 0…100 */
  VS_UNIT_NINES,       /* spectrum axis: log10 (1 / (1 − p)) printed as a percentile */
  VS_UNIT_MEBIBYTES,   /* memory in MiB (2²⁰ bytes), so that axis steps are round in MiB */
} VsUnit;

char   *vs_units_format      (double  value,
                              VsUnit  unit);
/* Like vs_units_format(), but with as many decimals as the step between axis ticks needs. */
char   *vs_units_format_tick (double  value,
                              double  step,
                              VsUnit  unit);
/* A round step (1, 2, 2.5 or 5 × 10ⁿ; for latency also round in µs/ms/s) giving about
 * max_ticks ticks over [0, span]. */
double  vs_units_nice_step   (double  span,
                              guint   max_ticks,
                              VsUnit  unit);
/* The smallest multiple of the nice step that covers value. */
double  vs_units_nice_ceil   (double  value,
                              guint   max_ticks,
                              VsUnit  unit);
double  vs_units_nines       (double  percentile);  /* 99 → 2 */
double  vs_units_percentile  (double  nines);       /* 2 → 99 */

G_END_DECLS
