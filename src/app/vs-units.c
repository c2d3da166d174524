/* vs-units.c: numbers as the window shows them */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "vs-format.h"
#include "vs-units.h"

/* Decimals needed to tell ticks step apart once divided by scale. */
static int
decimals_for_step (double step,
                   double scale)
{
  double s = step / scale;
  int d = 0;

  while (d < 4 && fabs (s * pow (10, d) - round (s * pow (10, d))) > 1e-6)
    d++;
  return d;
}

static void
latency_scale (double       us,
               double      *scale,
               const char **suffix)
{
  us = fabs (us);
  if (us >= 1e6)
    *scale = 1e6, *suffix = "s";
  else if (us >= 1e3)
    *scale = 1e3, *suffix = "ms";
  else
    *scale = 1, *suffix = "µs";
}

static void
count_scale (double       value,
             double      *scale,
             const char **suffix)
{
  value = fabs (value);
  if (value >= 1e9)
    *scale = 1e9, *suffix = "G";
  else if (value >= 1e6)
    *scale = 1e6, *suffix = "M";
  else if (value >= 1e3)
    *scale = 1e3, *suffix = "k";
  else
    *scale = 1, *suffix = "";
}

double
vs_units_nines (double percentile)
{
  double rest = 1.0 - percentile / 100.0;

  return rest <= 0 ? 9 : -log10 (rest);
}

double
vs_units_percentile (double nines)
{
  return 100.0 * (1.0 - pow (10, -nines));
}

static char *
format_percentile (double percentile)
{
  /* 99.9 shows as such, 99.99 too: as many decimals as the nines need. */
  int d = 0;

  while (d < 6 && fabs (percentile * pow (10, d) - round (percentile * pow (10, d))) > 1e-6)
    d++;
  /* TRANSLATORS: a percentile; the space before % follows the locale's custom */
  return g_strdup_printf (_("%.*f %%"), d, percentile);
}

char *
vs_units_format_tick (double value,
                      double step,
                      VsUnit unit)
{
  double scale;
  const char *suffix;

  switch (unit)
    {
    case VS_UNIT_LATENCY:
      /* the step picks the unit, so that 0 on a millisecond axis reads "0 ms" */
      latency_scale (MAX (fabs (value), step), &scale, &suffix);
      return g_strdup_printf ("%.*f %s", decimals_for_step (step, scale), value / scale, suffix);

    case VS_UNIT_COUNT:
    case VS_UNIT_RATE:
    case VS_UNIT_ERROR_RATE:
      if (value == 0)
        return g_strdup ("0");
      count_scale (value, &scale, &suffix);
      return g_strdup_printf ("%.*f%s", decimals_for_step (step, scale), value / scale, suffix);

    case VS_UNIT_SECONDS:
      return g_strdup_printf ("%.*f s", decimals_for_step (step, 1), value);

    case VS_UNIT_PERCENT:
      return g_strdup_printf ("%.*f %%", decimals_for_step (step, 1), value);

    case VS_UNIT_MEBIBYTES:
      return g_strdup_printf ("%.*f MiB", decimals_for_step (step, 1), value);

    case VS_UNIT_NINES:
      return format_percentile (round (vs_units_percentile (value) * 1e4) / 1e4);

    default:
      g_return_val_if_reached (NULL);
    }
}

/* The figures themselves follow core's one significant-digit rule (vs-format.h), with the
 * locale's decimal separator; only the ticks above have their own, the step's. */
char *
vs_units_format (double value,
                 VsUnit unit)
{
  const VsFormatFlags flags = VS_FORMAT_LOCALE | VS_FORMAT_SPACE;
  g_autofree char *number = NULL;

  switch (unit)
    {
    case VS_UNIT_LATENCY:
      return vs_format_latency_full (value, flags);

    case VS_UNIT_COUNT:
      return vs_format_count_full (round (value), flags);

    case VS_UNIT_RATE:
      number = vs_format_count_full (value, flags);
      /* TRANSLATORS: requests per second, e.g. "12.3k req/s" */
      return g_strdup_printf (_("%s req/s"), number);

    case VS_UNIT_ERROR_RATE:
      number = vs_format_count_full (value, flags);
      /* TRANSLATORS: errors per second, e.g. "1.2k errors/s" */
      return g_strdup_printf (_("%s errors/s"), number);

    case VS_UNIT_SECONDS:
      number = vs_format_decimal (value, vs_format_decimals (value, 2), flags);
      return g_strdup_printf ("%s s", number);

    case VS_UNIT_PERCENT:
      return vs_format_percent (value, flags);

    case VS_UNIT_MEBIBYTES:
      return vs_format_bytes_full (value * 1048576.0, flags);

    case VS_UNIT_NINES:
      return format_percentile (round (vs_units_percentile (value) * 1e4) / 1e4);

    default:
      g_return_val_if_reached (NULL);
    }
}

double
vs_units_nice_step (double span,
                    guint  max_ticks,
                    VsUnit unit)
{
  static const double mantissas[] = { 1, 2, 2.5, 5, 10 };
  double raw, magnitude;

  if (unit == VS_UNIT_NINES)
    return 1;  /* one tick per nine: 90 %, 99 %, 99.9 % */

  if (!(span > 0) || max_ticks == 0)
    return 1;

  raw = span / max_ticks;
  magnitude = pow (10, floor (log10 (raw)));
  for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
    {
      double step = mantissas[i] * magnitude;

      /* 2.5 makes untidy labels for counts below ten */
      if (mantissas[i] == 2.5 && magnitude < 1)
        continue;
      if (step >= raw)
        return step;
    }
  return 10 * magnitude;
}

double
vs_units_nice_ceil (double value,
                    guint  max_ticks,
                    VsUnit unit)
{
  double step;

  if (!(value > 0))
    return 1;
  step = vs_units_nice_step (value, max_ticks, unit);
  return ceil (value / step - 1e-9) * step;
}
