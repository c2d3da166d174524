/* vs-format.c: parsing and printing durations, latencies, counts and sizes
 *
 * Everything printed here uses '.' as the decimal separator whatever the locale, so that a
 * duration printed by vs_format_duration() always parses back, and the command line's output is
 * the same on every machine.
 */
#include "vs-format.h"

#include <math.h>
#include <string.h>

#define US_PER_MS  G_GUINT64_CONSTANT (1000)
#define US_PER_S   G_GUINT64_CONSTANT (1000000)
#define US_PER_MIN (60 * US_PER_S)
#define US_PER_H   (60 * US_PER_MIN)

static const struct
{
  const char *suffix;
  guint64     us;
} duration_units[] = {
  /* longer suffixes first, so that "ms" is not read as "m" */
  { "ms", US_PER_MS },
  { "us", 1 },
  { "\xc2\xb5s", 1 },   /* µ MICRO SIGN */
  { "\xce\xbcs", 1 },   /* μ GREEK SMALL LETTER MU, which some keyboards type instead */
  { "h", US_PER_H },
  { "m", US_PER_MIN },
  { "s", US_PER_S },
};

/* Reads one "<number><unit>" (or, when @bare is TRUE, a bare number of seconds) at *p and adds
 * it to *total. */
static gboolean
parse_component (const char **p,
                 gboolean     bare,
                 guint64     *total)
{
  const char *s = *p;
  guint64 whole = 0;
  double frac = 0.0;
  double scale = 0.1;
  guint n_int = 0;
  guint n_frac = 0;
  guint64 unit = 0;
  guint64 value;

  for (; g_ascii_isdigit (*s); s++, n_int++)
    {
      if (!g_uint64_checked_mul (&whole, whole, 10) ||
          !g_uint64_checked_add (&whole, whole, (guint64) (*s - '0')))
        return FALSE;
    }

  if (*s == '.')
    {
      for (s++; g_ascii_isdigit (*s); s++, n_frac++)
        {
          frac += (*s - '0') * scale;
          scale /= 10.0;
        }
      if (n_frac == 0)
        return FALSE;
    }

  if (n_int + n_frac == 0)
    return FALSE;

  if (*s == '\0' && bare)
    {
      unit = US_PER_S;
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (duration_units); i++)
        {
          gsize len = strlen (duration_units[i].suffix);

          if (strncmp (s, duration_units[i].suffix, len) == 0)
            {
              unit = duration_units[i].us;
              s += len;
              break;
            }
        }
      if (unit == 0)
        return FALSE;
    }

  if (!g_uint64_checked_mul (&value, whole, unit) ||
      !g_uint64_checked_add (&value, value, (guint64) llround (frac * (double) unit)) ||
      !g_uint64_checked_add (total, *total, value))
    return FALSE;

  *p = s;
  return TRUE;
}

gboolean
vs_parse_duration (const char *text,
                   gint64     *out_us)
{
  const char *p = text;
  guint64 total = 0;

  if (text == NULL || *text == '\0')
    return FALSE;

  while (*p != '\0')
    {
      if (!parse_component (&p, p == text, &total))
        return FALSE;
    }

  if (total > (guint64) G_MAXINT64)
    return FALSE;

  if (out_us != NULL)
    *out_us = (gint64) total;
  return TRUE;
}

/* Appends value / divisor (a power of ten) exactly, without trailing zeros. */
static void
append_decimal (GString *str,
                guint64  value,
                guint64  divisor)
{
  guint64 rem = value % divisor;

  g_string_append_printf (str, "%" G_GUINT64_FORMAT, value / divisor);
  if (rem != 0)
    {
      int width = 0;

      for (guint64 d = divisor; d > 1; d /= 10)
        width++;
      while (rem % 10 == 0)
        {
          rem /= 10;
          width--;
        }
      g_string_append_printf (str, ".%0*" G_GUINT64_FORMAT, width, rem);
    }
}

char *
vs_format_duration (gint64 us)
{
  GString *str = g_string_new (NULL);
  guint64 v;

  if (us < 0)
    {
      g_string_append_c (str, '-');
      v = (guint64) -(us + 1) + 1;   /* no overflow for G_MININT64 */
    }
  else
    v = (guint64) us;

  if (v == 0)
    g_string_append (str, "0s");
  else if (v < US_PER_MS)
    g_string_append_printf (str, "%" G_GUINT64_FORMAT "\xc2\xb5s", v);
  else if (v < US_PER_S)
    {
      append_decimal (str, v, US_PER_MS);
      g_string_append (str, "ms");
    }
  else
    {
      guint64 hours = v / US_PER_H;
      guint64 minutes = v % US_PER_H / US_PER_MIN;
      guint64 rest = v % US_PER_MIN;

      if (hours != 0)
        g_string_append_printf (str, "%" G_GUINT64_FORMAT "h", hours);
      if (minutes != 0)
        g_string_append_printf (str, "%" G_GUINT64_FORMAT "m", minutes);
      if (rest != 0)
        {
          append_decimal (str, rest, US_PER_S);
          g_string_append_c (str, 's');
        }
    }

  return g_string_free (str, FALSE);
}

/* Prints @value in the largest of @units (each @step times the last) that keeps it below
 * @step, rounded to 3 significant digits: "842", "12.3", "1.25". */
static char *
format_significant (double              value,
                    const char * const *units,
                    guint               n_units,
                    double              step)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *sign = "";
  double rounded = 0.0;
  guint unit = 0;
  int decimals;

  if (!isfinite (value))
    return g_strdup ("-");

  if (value < 0)
    {
      sign = "-";
      value = -value;
    }
  /* far below anything printed with 2 decimals; also keeps log10 away from denormals */
  if (value < 1e-9)
    value = 0;

  for (;;)
    {
      if (value > 0)
        {
          double magnitude = pow (10.0, floor (log10 (value)) - 2);

          rounded = round (value / magnitude) * magnitude;
        }
      if (rounded < step || unit + 1 == n_units)
        break;
      value /= step;
      unit++;
    }

  decimals = rounded >= 100 ? 0 : rounded >= 10 ? 1 : 2;
  if (rounded == 0)
    decimals = 0;
  g_ascii_formatd (buf, sizeof buf, decimals == 0 ? "%.0f" : decimals == 1 ? "%.1f" : "%.2f",
                   rounded);

  return g_strconcat (sign, buf, units[unit], NULL);
}

char *
vs_format_latency (double us)
{
  static const char * const units[] = { "\xc2\xb5s", "ms", "s" };

  return format_significant (us, units, G_N_ELEMENTS (units), 1000.0);
}

char *
vs_format_count (double value)
{
  static const char * const units[] = { "", "k", "M", "G" };

  /* whole numbers below a thousand are printed as they are: "950", not "950." or "950.00" */
  if (fabs (value) < 1000.0 && value == floor (value))
    return g_strdup_printf ("%.0f", value);

  return format_significant (value, units, G_N_ELEMENTS (units), 1000.0);
}

char *
vs_format_bytes (double bytes)
{
  static const char * const units[] = { "KiB", "MiB", "GiB", "TiB" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double value = bytes;
  guint unit = 0;

  if (!isfinite (bytes))
    return g_strdup ("-");

  if (fabs (bytes) < 1024.0)
    return g_strdup_printf ("%.0f B", bytes);

  value /= 1024.0;
  /* move up while the value would print as 1024.0 or more */
  while (round (fabs (value) * 10.0) >= 10240.0 && unit + 1 < G_N_ELEMENTS (units))
    {
      value /= 1024.0;
      unit++;
    }

  g_ascii_formatd (buf, sizeof buf, "%.1f", value);
  return g_strconcat (buf, " ", units[unit], NULL);
}
