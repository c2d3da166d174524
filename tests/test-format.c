/* test-format.c: parsing durations and printing quantities */
#include <locale.h>
#include <math.h>

#include "vs-format.h"

static void
test_parse_duration_accept (void)
{
  static const struct
  {
    const char *text;
    gint64      us;
  } cases[] = {
    { "10s", 10 * G_USEC_PER_SEC },
    { "2m", 120 * G_USEC_PER_SEC },
    { "500ms", 500000 },
    { "250us", 250 },
    { "250\xc2\xb5s", 250 },
    { "250\xce\xbcs", 250 },
    { "1h", G_GINT64_CONSTANT (3600000000) },
    { "1h30m", G_GINT64_CONSTANT (5400000000) },
    { "2m30s", 150 * G_USEC_PER_SEC },
    { "1m500ms", 60500000 },
    { "1.5s", 1500000 },
    { "0.25m", 15 * G_USEC_PER_SEC },
    { ".5s", 500000 },
    { "1.5ms", 1500 },
    { "10", 10 * G_USEC_PER_SEC },
    { "2.5", 2500000 },
    { "0", 0 },
    { "0s", 0 },
    { "2562047788h", G_GINT64_CONSTANT (2562047788) * 3600 * G_USEC_PER_SEC },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 us = -1;

      g_test_message ("parsing “%s”", cases[i].text);
      g_assert_true (vs_parse_duration (cases[i].text, &us));
      g_assert_cmpint (us, ==, cases[i].us);
    }
}

static void
test_parse_duration_reject (void)
{
  static const char * const cases[] = {
    "", "-1s", "-5", "+5s", "s", "ms", "10x", "10 s", " 10s", "10s ", "1.s", "1..5s", "1.2.3s",
    "10sec", "1h30", "abc", "1e3s", "inf", "nan", "0x10s", "10S", "5d",
    "99999999999999999999s",      /* overflows the integer part */
    "2562047789h",                /* beyond G_MAXINT64 µs */
    "9223372036854775807s",       /* overflows once converted */
    "2562047788h2562047788h",     /* overflows the sum */
  };

  g_assert_false (vs_parse_duration (NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 us = 42;

      g_test_message ("rejecting “%s”", cases[i]);
      g_assert_false (vs_parse_duration (cases[i], &us));
      /* a rejected text leaves the output alone */
      g_assert_cmpint (us, ==, 42);
    }
}

static void
test_format_duration (void)
{
  static const struct
  {
    gint64      us;
    const char *text;
  } cases[] = {
    { 0, "0s" },
    { 250, "250\xc2\xb5s" },
    { 250000, "250ms" },
    { 1500, "1.5ms" },
    { 10 * G_USEC_PER_SEC, "10s" },
    { 150 * G_USEC_PER_SEC, "2m30s" },
    { 120 * G_USEC_PER_SEC, "2m" },
    { 1500000, "1.5s" },
    { G_GINT64_CONSTANT (5400000000), "1h30m" },
    { G_GINT64_CONSTANT (3605000000), "1h5s" },
    { 61000001, "1m1.000001s" },
    { -2000000, "-2s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = vs_format_duration (cases[i].us);
      gint64 back = -1;

      g_assert_cmpstr (text, ==, cases[i].text);
      /* what is printed parses back to the same value */
      if (cases[i].us >= 0)
        {
          g_assert_true (vs_parse_duration (text, &back));
          g_assert_cmpint (back, ==, cases[i].us);
        }
    }
}

typedef char *(*FormatFunc) (double value);

static void
check_format (FormatFunc  func,
              double      value,
              const char *expected)
{
  g_autofree char *text = func (value);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_format_latency (void)
{
  check_format (vs_format_latency, 0, "0\xc2\xb5s");
  check_format (vs_format_latency, 842, "842\xc2\xb5s");
  check_format (vs_format_latency, 84.24, "84.2\xc2\xb5s");
  check_format (vs_format_latency, 8.4, "8.40\xc2\xb5s");
  check_format (vs_format_latency, 12345, "12.3ms");
  check_format (vs_format_latency, 1250000, "1.25s");
  check_format (vs_format_latency, 1000, "1.00ms");
  /* rounding up to the next unit */
  check_format (vs_format_latency, 999.7, "1.00ms");
  check_format (vs_format_latency, 999600, "1.00s");
  check_format (vs_format_latency, 99960, "100ms");
  /* seconds are the largest unit */
  check_format (vs_format_latency, 3600e6, "3600s");
}

static void
test_format_count (void)
{
  check_format (vs_format_count, 0, "0");
  check_format (vs_format_count, 950, "950");
  check_format (vs_format_count, 12.5, "12.5");
  check_format (vs_format_count, 12345, "12.3k");
  check_format (vs_format_count, 4560000, "4.56M");
  check_format (vs_format_count, 7.89e9, "7.89G");
  check_format (vs_format_count, 999999, "1.00M");
  check_format (vs_format_count, -12345, "-12.3k");
}

static void
test_format_bytes (void)
{
  check_format (vs_format_bytes, 512, "512 B");
  check_format (vs_format_bytes, 1536, "1.5 KiB");
  check_format (vs_format_bytes, 3.2 * 1024 * 1024, "3.2 MiB");
  check_format (vs_format_bytes, 1024.0 * 1024 - 1, "1.0 MiB");
  check_format (vs_format_bytes, 5.0 * 1024 * 1024 * 1024, "5.0 GiB");
}

static char *
ratio_c (double value)
{
  return vs_format_ratio (value, VS_FORMAT_C);
}

static char *
percent_c (double value)
{
  return vs_format_percent (value, VS_FORMAT_C);
}

/* Issue 10: one way to write a ratio, read at a glance — three significant digits and no
 * trailing zeros, a fraction for the very small, k/M for the very large; never an exponent,
 * never "0.08×" for 0.0812 or "12.0×" for 12. */
static void
test_format_ratio (void)
{
  check_format (ratio_c, 2, "2×");
  check_format (ratio_c, 12, "12×");
  check_format (ratio_c, 12.04, "12×");
  check_format (ratio_c, 1.5, "1.5×");
  check_format (ratio_c, 0.0812, "0.0812×");
  check_format (ratio_c, 0.08724, "0.0872×");
  check_format (ratio_c, 0.5, "0.5×");
  check_format (ratio_c, 1.21e-05, "1/82.6k×");
  check_format (ratio_c, 0.004, "1/250×");
  check_format (ratio_c, 82600, "82.6k×");
  check_format (ratio_c, 999.6, "1.00k×");
  check_format (ratio_c, 0, "0×");
  check_format (ratio_c, NAN, "–");
  check_format (ratio_c, -1, "–");
}

static void
test_format_percent (void)
{
  check_format (percent_c, 0, "0 %");
  check_format (percent_c, 100, "100 %");
  check_format (percent_c, 25, "25.0 %");
  check_format (percent_c, 5, "5.00 %");
  /* a small share keeps its digits: 0.004 % is not 0 % */
  check_format (percent_c, 0.004, "0.00400 %");
  check_format (percent_c, 1e-9, "< 0.000001 %");
}

/* The zeros after a decimal separator go, and the separator with them when nothing is left;
 * the zeros of a whole number stay. */
static void
test_trim_zeros (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "12.0", "12" }, { "1.50", "1.5" }, { "0.4100", "0.41" }, { "0,4100", "0,41" },
    { "100", "100" }, { "0.008", "0.008" }, { "10.000", "10" }, { "0", "0" }, { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *number = g_strdup (cases[i].in);

      vs_format_trim_zeros (number);
      g_assert_cmpstr (number, ==, cases[i].out);
    }
}

/* The window's numbers use the locale's decimal separator, the CLI's and the files' never. */
static void
test_format_locale (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  g_autofree char *local = NULL;
  g_autofree char *c = NULL;
  g_autofree char *ratio = NULL;

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL &&
      setlocale (LC_NUMERIC, "de_DE.utf8") == NULL)
    {
      g_test_skip ("no German locale to test with");
      return;
    }
  local = vs_format_latency_full (12345, VS_FORMAT_LOCALE | VS_FORMAT_SPACE);
  c = vs_format_latency_full (12345, VS_FORMAT_C);
  ratio = vs_format_ratio (1.5, VS_FORMAT_LOCALE);
  setlocale (LC_NUMERIC, saved);
  g_assert_cmpstr (local, ==, "12,3 ms");
  g_assert_cmpstr (c, ==, "12.3ms");
  g_assert_cmpstr (ratio, ==, "1,5×");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/format/parse-duration/accept", test_parse_duration_accept);
  g_test_add_func ("/core/format/parse-duration/reject", test_parse_duration_reject);
  g_test_add_func ("/core/format/duration", test_format_duration);
  g_test_add_func ("/core/format/latency", test_format_latency);
  g_test_add_func ("/core/format/count", test_format_count);
  g_test_add_func ("/core/format/bytes", test_format_bytes);
  g_test_add_func ("/core/format/ratio", test_format_ratio);
  g_test_add_func ("/core/format/percent", test_format_percent);
  g_test_add_func ("/core/format/trim-zeros", test_trim_zeros);
  g_test_add_func ("/core/format/locale", test_format_locale);

  return g_test_run ();
}
