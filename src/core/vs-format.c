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

/* The one significant-digit rule: decimals so that three significant digits show ("842",
 * "12.3", "1.25", "0.0812"), at most max_decimals. */
int
vs_format_decimals (double value,
                    int    max_decimals)
{
  int decimals = 0;

  value = fabs (value);
  if (value == 0 || !isfinite (value))
    return 0;
  for (double limit = 100; value < limit && decimals < max_decimals; limit /= 10)
    decimals++;
  return decimals;
}

char *
vs_format_decimal (double        value,
                   int           decimals,
                   VsFormatFlags flags)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];

  if (!isfinite (value))
    return g_strdup ("–");
  if (flags & VS_FORMAT_LOCALE)
    return g_strdup_printf ("%.*f", decimals, value);  /* printf follows LC_NUMERIC */
  g_snprintf (format, sizeof format, "%%.%df", CLAMP (decimals, 0, 9));
  return g_strdup (g_ascii_formatd (buf, sizeof buf, format, value));
}

/* @value rounded to 3 significant digits, the way the decimals show it. */
static double
round_significant (double value)
{
  double magnitude;

  if (value == 0 || !isfinite (value))
    return value;
  magnitude = pow (10.0, floor (log10 (fabs (value))) - 2);
  return round (value / magnitude) * magnitude;
}

/* Prints @value in the largest of @units (each @step times the last) that keeps it below
 * @step, rounded to 3 significant digits: "842", "12.3", "1.25". */
static char *
format_significant (double              value,
                    const char * const *units,
                    guint               n_units,
                    double              step,
                    VsFormatFlags       flags)
{
  g_autofree char *number = NULL;
  const char *sign = "";
  double rounded = 0.0;
  guint unit = 0;

  if (!isfinite (value))
    return g_strdup ("–");

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
      rounded = round_significant (value);
      if (rounded < step || unit + 1 == n_units)
        break;
      value /= step;
      unit++;
    }

  number = vs_format_decimal (rounded, vs_format_decimals (rounded, 2), flags);
  return g_strconcat (sign, number, (flags & VS_FORMAT_SPACE) && *units[unit] ? " " : "",
                      units[unit], NULL);
}

char *
vs_format_latency_full (double        us,
                        VsFormatFlags flags)
{
  static const char * const units[] = { "\xc2\xb5s", "ms", "s" };

  return format_significant (us, units, G_N_ELEMENTS (units), 1000.0, flags);
}

char *
vs_format_latency (double us)
{
  return vs_format_latency_full (us, 0);
}

char *
vs_format_count_full (double        value,
                      VsFormatFlags flags)
{
  static const char * const units[] = { "", "k", "M", "G" };

  /* whole numbers below a thousand are printed as they are: "950", not "950." or "950.00" */
  if (fabs (value) < 1000.0 && value == floor (value))
    return g_strdup_printf ("%.0f", value);

  return format_significant (value, units, G_N_ELEMENTS (units), 1000.0,
                            flags & ~VS_FORMAT_SPACE);
}

char *
vs_format_count (double value)
{
  return vs_format_count_full (value, 0);
}

char *
vs_format_percent (double        percent,
                   VsFormatFlags flags)
{
  g_autofree char *number = NULL;

  if (!isfinite (percent))
    return g_strdup ("–");
  /* a small share keeps its digits: 0.004 % is not 0 %, and one too small for them is not
   * either */
  if (percent > 0 && percent < 0.000001)
    return g_strdup ("< 0.000001 %");
  number = vs_format_decimal (percent, vs_format_decimals (round_significant (percent), 6),
                              flags);
  return g_strconcat (number, " %", NULL);
}

void
vs_format_trim_zeros (char *number)
{
  char *end = number + strlen (number);

  if (strpbrk (number, ".,") == NULL)
    return;
  while (end > number && end[-1] == '0')
    *--end = '\0';
  if (end > number && (end[-1] == '.' || end[-1] == ','))
    *--end = '\0';
}

char *
vs_format_ratio (double        ratio,
                 VsFormatFlags flags)
{
  g_autofree char *number = NULL;

  if (!isfinite (ratio) || ratio < 0)
    return g_strdup ("–");
  if (ratio == 0)
    return g_strdup ("0×");
  ratio = round_significant (ratio);
  if (ratio >= 1000)
    {
      /* "82.6k×" */
      number = vs_format_count_full (round_significant (ratio), flags);
      return g_strconcat (number, "×", NULL);
    }
  if (ratio < 0.01)
    {
      /* "1/82.6k×": a fraction a person reads at once, where 1.21e-05 needs counting */
      number = vs_format_count_full (round_significant (1.0 / ratio), flags);
      return g_strconcat ("1/", number, "×", NULL);
    }
  number = vs_format_decimal (ratio, vs_format_decimals (ratio, 4), flags);
  vs_format_trim_zeros (number);
  return g_strconcat (number, "×", NULL);
}

char *
vs_format_bytes_full (double        bytes,
                      VsFormatFlags flags)
{
  static const char * const units[] = { "KiB", "MiB", "GiB", "TiB" };
  g_autofree char *number = NULL;
  double value = bytes;
  guint unit = 0;

  if (!isfinite (bytes))
    return g_strdup ("–");

  if (fabs (bytes) < 1024.0)
    return g_strdup_printf ("%.0f B", bytes);

  value /= 1024.0;
  /* move up while the value would print as 1024.0 or more */
  while (round (fabs (value) * 10.0) >= 10240.0 && unit + 1 < G_N_ELEMENTS (units))
    {
      value /= 1024.0;
      unit++;
    }

  number = vs_format_decimal (value, 1, flags);
  return g_strconcat (number, " ", units[unit], NULL);
}

char *
vs_format_bytes (double bytes)
{
  return vs_format_bytes_full (bytes, VS_FORMAT_C);
}
