/* test-verdict.c: ratio of medians with its bootstrap interval, Mann–Whitney U, the verdict
 *
 * The figures are checked against tests/verdict-reference.txt, which tests/verdict-reference.py
 * computes without any code of Versus (the 'verdict-reference' test keeps the two in step).
 */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vs-verdict.h"

#define REFERENCE_SEED G_GUINT64_CONSTANT (20261201)

static const double identical[] = { 100, 102, 98, 101, 99, 103, 97, 100 };
static const double fast[] = { 1000, 1012, 995, 1003, 1008, 990, 1001, 1005 };
static const double slow[] = { 81, 83, 79, 80, 82, 84, 78, 85 };

static void
assert_close (double actual,
              double expected,
              double relative)
{
  if (isnan (expected))
    {
      g_assert_true (isnan (actual));
      return;
    }
  g_assert_cmpfloat_with_epsilon (actual, expected, relative * MAX (fabs (expected), 1e-300));
}

static double *
parse_values (const char *text,
              guint      *n)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  double *values;

  *n = g_strv_length (parts);
  values = g_new (double, *n);
  for (guint i = 0; i < *n; i++)
    values[i] = g_ascii_strtod (parts[i], NULL);
  return values;
}

static void
test_reference (void)
{
  const char *source = g_getenv ("VERSUS_SOURCE_DIR");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  guint cases = 0;

  if (source == NULL)
    {
      g_test_skip ("VERSUS_SOURCE_DIR is not set (run through meson test)");
      return;
    }
  path = g_build_filename (source, "tests", "verdict-reference.txt", NULL);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (text, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_auto (GStrv) f = NULL;
      g_autofree double *x = NULL;
      g_autofree double *y = NULL;
      guint nx, ny;
      VsVerdict v;
      gboolean exact;
      double u;

      if (lines[l][0] == '#' || lines[l][0] == '\0')
        continue;
      f = g_strsplit (lines[l], " ", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 9);
      g_test_message ("case %s", f[0]);
      x = parse_values (f[7], &nx);
      y = parse_values (f[8], &ny);

      assert_close (vs_mann_whitney_p (x, nx, y, ny, &exact, &u), g_ascii_strtod (f[1], NULL),
                    1e-9);
      g_assert_cmpint (exact, ==, atoi (f[2]));
      g_assert_cmpfloat (u, ==, g_ascii_strtod (f[3], NULL));

      vs_verdict_compute (x, nx, y, ny, TRUE, REFERENCE_SEED, 10000, &v);
      assert_close (v.p_value, g_ascii_strtod (f[1], NULL), 1e-9);
      g_assert_cmpint (v.p_exact, ==, atoi (f[2]));
      assert_close (v.ratio, g_ascii_strtod (f[4], NULL), 1e-12);
      assert_close (v.ci_low, g_ascii_strtod (f[5], NULL), 1e-12);
      assert_close (v.ci_high, g_ascii_strtod (f[6], NULL), 1e-12);
      cases++;
    }
  g_assert_cmpuint (cases, >=, 9);
}

/* Two identical samples: the interval holds 1 and the verdict says so. */
static void
test_identical (void)
{
  g_autofree char *line = NULL;
  VsVerdict v;

  vs_verdict_compute (identical, 8, identical, 8, TRUE, 1, 0, &v);
  g_assert_cmpint (v.kind, ==, VS_VERDICT_NO_DIFFERENCE);
  g_assert_cmpfloat (v.ratio, ==, 1.0);
  g_assert_cmpfloat (v.ci_low, <=, 1.0);
  g_assert_cmpfloat (v.ci_high, >=, 1.0);
  g_assert_cmpfloat (v.p_value, ==, 1.0);
  g_assert_cmpuint (v.resamples, ==, VS_VERDICT_RESAMPLES);
  g_assert_cmpuint (v.seed, ==, 1);

  line = vs_verdict_format (&v, "B", "A", "throughput", VS_FORMAT_C);
  g_assert_cmpstr (line, ==, "B: no clear difference from A throughput (p = 1, n = 8+8)");
}

/* Clearly apart: the interval excludes 1, p is the exact 2 / C(16, 8), and which way is
 * better follows the metric. */
static void
test_separated (void)
{
  g_autofree char *line = NULL;
  VsVerdict v;

  vs_verdict_compute (fast, 8, slow, 8, TRUE, REFERENCE_SEED, 0, &v);
  g_assert_cmpint (v.kind, ==, VS_VERDICT_WORSE);
  g_assert_true (v.p_exact);
  assert_close (v.p_value, 2.0 / 12870.0, 1e-12);
  g_assert_cmpfloat (v.ci_high, <, 1.0);
  g_assert_cmpfloat (v.ci_low, <=, v.ratio);
  g_assert_cmpfloat (v.ratio, <=, v.ci_high);
  line = vs_verdict_format (&v, "Flask", "Node.js", "throughput", VS_FORMAT_C);
  g_assert_cmpstr (line, ==,
                   "Flask: 0.0813× Node.js throughput (95 % CI 0.079–0.0837×, p < 0.001, "
                   "n = 8+8)");

  /* the same figures as a latency: lower is better */
  vs_verdict_compute (fast, 8, slow, 8, FALSE, REFERENCE_SEED, 0, &v);
  g_assert_cmpint (v.kind, ==, VS_VERDICT_BETTER);
  vs_verdict_compute (slow, 8, fast, 8, TRUE, REFERENCE_SEED, 0, &v);
  g_assert_cmpint (v.kind, ==, VS_VERDICT_BETTER);
  g_assert_cmpfloat (v.ci_low, >, 1.0);
}

/* The smallest groups that can show a difference: 4+4 apart gives p = 2/70 < 0.05; 3+3 apart
 * cannot (2/20), which is why VS_VERDICT_MIN_TRIALS is 4. */
static void
test_minimum (void)
{
  static const double a[] = { 1, 2, 3, 4 };
  static const double b[] = { 5, 6, 7, 8 };
  static const double many[] = { 5, 6, 7, 8, 9, 10, 11, 12 };
  static const double with_nan[] = { 1, NAN, 2, NAN, 3 };
  g_autofree char *line = NULL;
  g_autofree char *line_nan = NULL;
  gboolean exact;
  VsVerdict v;

  g_assert_cmpint (VS_VERDICT_MIN_TRIALS, ==, 4);
  assert_close (vs_mann_whitney_p (a, 4, b, 4, &exact, NULL), 2.0 / 70.0, 1e-12);
  g_assert_true (exact);
  g_assert_cmpfloat (vs_mann_whitney_p (a, 3, b, 3, NULL, NULL), >, VS_VERDICT_ALPHA);
  vs_verdict_compute (a, 4, b, 4, TRUE, 7, 0, &v);
  g_assert_cmpint (v.kind, ==, VS_VERDICT_BETTER);

  vs_verdict_compute (a, 3, many, 8, TRUE, 7, 0, &v);
  g_assert_cmpint (v.kind, ==, VS_VERDICT_NOT_COMPUTED);
  g_assert_true (isnan (v.p_value));
  g_assert_true (isnan (v.ci_low));
  g_assert_cmpuint (v.resamples, ==, 0);
  line = vs_verdict_format (&v, "B", "A", "throughput", VS_FORMAT_C);
  g_assert_cmpstr (line, ==, "B: need ≥ 4 rounds for a confidence interval (n = 3+8)");

  /* NaN trials are skipped and counted: five trials, two not measured, are three */
  vs_verdict_compute (with_nan, 5, many, 8, TRUE, 7, 0, &v);
  g_assert_cmpint (v.kind, ==, VS_VERDICT_NOT_COMPUTED);
  g_assert_cmpuint (v.n_baseline, ==, 3);
  g_assert_cmpuint (v.skipped_baseline, ==, 2);
  g_assert_cmpfloat (v.median_baseline, ==, 2.0);
  line_nan = vs_verdict_format (&v, "B", "A", "throughput", VS_FORMAT_C);
  g_assert_cmpstr (line_nan, ==,
                   "B: need ≥ 4 rounds for a confidence interval (n = 3+8, 2+0 not measured)");
}

/* A skipped trial changes nothing but the count. */
static void
test_nan_skipped (void)
{
  double other[10];
  VsVerdict plain, skipped;
  g_autofree char *line = NULL;

  for (guint i = 0; i < 8; i++)
    other[i] = slow[i];
  other[8] = NAN;
  other[9] = NAN;
  vs_verdict_compute (fast, 8, slow, 8, TRUE, 3, 0, &plain);
  vs_verdict_compute (fast, 8, other, 10, TRUE, 3, 0, &skipped);
  g_assert_cmpuint (skipped.n_other, ==, 8);
  g_assert_cmpuint (skipped.skipped_other, ==, 2);
  g_assert_cmpfloat (skipped.p_value, ==, plain.p_value);
  g_assert_cmpfloat (skipped.ci_low, ==, plain.ci_low);
  g_assert_cmpfloat (skipped.ci_high, ==, plain.ci_high);
  line = vs_verdict_format (&skipped, "B", "A", "throughput", VS_FORMAT_C);
  g_assert_nonnull (strstr (line, "n = 8+8, 0+2 not measured)"));
}

/* Ties: the normal approximation; p just under α while the interval reaches 1 is no clear
 * difference (both must agree). */
static void
test_ties (void)
{
  static const double a[] = { 5, 5, 6, 7, 7, 7, 8, 9 };
  static const double b[] = { 6, 7, 8, 8, 9, 9, 10, 10 };
  VsVerdict v;

  vs_verdict_compute (a, 8, b, 8, TRUE, REFERENCE_SEED, 0, &v);
  g_assert_false (v.p_exact);
  g_assert_cmpfloat (v.p_value, <, VS_VERDICT_ALPHA);
  g_assert_cmpfloat (v.ci_low, <=, 1.0);
  g_assert_cmpint (v.kind, ==, VS_VERDICT_NO_DIFFERENCE);
}

/* The same seed gives the same interval; another seed another one. */
static void
test_reproducible (void)
{
  double a[25], b[25];
  VsVerdict first, again;
  gboolean differs = FALSE;

  for (guint i = 0; i < 25; i++)
    {
      a[i] = 100 + (i * 37 % 25);
      b[i] = 103.25 + (i * 11 % 25);
    }
  vs_verdict_compute (a, 25, b, 25, TRUE, 42, 0, &first);
  vs_verdict_compute (a, 25, b, 25, TRUE, 42, 0, &again);
  g_assert_cmpfloat (first.ci_low, ==, again.ci_low);
  g_assert_cmpfloat (first.ci_high, ==, again.ci_high);
  g_assert_cmpuint (first.seed, ==, 42);
  g_assert_cmpuint (first.resamples, ==, 10000);

  for (guint64 seed = 43; seed < 47; seed++)
    {
      VsVerdict other;

      vs_verdict_compute (a, 25, b, 25, TRUE, seed, 0, &other);
      differs |= other.ci_low != first.ci_low || other.ci_high != first.ci_high;
    }
  g_assert_true (differs);
}

/* Zero medians: no ratio, no interval; p alone decides; all zero is no difference. */
static void
test_zero (void)
{
  static const double none[] = { 0, 0, 0, 0, 0 };
  static const double some[] = { 0, 0.5, 1, 2, 0.25 };
  g_autofree char *line = NULL;
  g_autofree char *line_none = NULL;
  g_autofree char *line_some = NULL;
  VsVerdict v;

  vs_verdict_compute (none, 5, some, 5, FALSE, 1, 0, &v);
  g_assert_true (isnan (v.ratio));
  g_assert_true (isnan (v.ci_low));
  g_assert_cmpfloat (v.p_value, <, VS_VERDICT_ALPHA);
  g_assert_cmpint (v.kind, ==, VS_VERDICT_WORSE);
  line = vs_verdict_format (&v, "B", "A", "error rate", VS_FORMAT_C);
  g_assert_cmpstr (line, ==,
                   "B: higher error rate than A (p = 0.025, n = 5+5; no ratio: the median of A "
                   "is 0)");

  vs_verdict_compute (none, 5, none, 5, FALSE, 1, 0, &v);
  g_assert_cmpint (v.kind, ==, VS_VERDICT_NO_DIFFERENCE);
  g_assert_cmpfloat (v.p_value, ==, 1.0);
  line_none = vs_verdict_format (&v, "B", "A", "error rate", VS_FORMAT_C);
  g_assert_cmpstr (line_none, ==, "B: no clear difference from A error rate (p = 1, n = 5+5)");

  /* the baseline's median is 0.25, but a resample drawing three of its five trials from the
   * one 0 has median 0: a ratio (0×) without an interval, and p alone decides */
  vs_verdict_compute (some, 5, none, 5, FALSE, 1, 0, &v);
  g_assert_cmpfloat (v.ratio, ==, 0.0);
  g_assert_true (isnan (v.ci_low));
  g_assert_true (isnan (v.ci_high));
  g_assert_cmpint (v.kind, ==, VS_VERDICT_BETTER);
  line_some = vs_verdict_format (&v, "A", "B", "error rate", VS_FORMAT_C);
  g_assert_cmpstr (line_some, ==,
                   "A: lower error rate than B (p = 0.025, n = 5+5; no interval: the median of "
                   "B is 0 in some resamples)");
}

static void
test_format_p (void)
{
  static const struct { double p; const char *text; } cases[] = {
    { 0.41, "p = 0.41" }, { 0.041, "p = 0.041" }, { 0.0012, "p = 0.0012" },
    { 0.00099, "p < 0.001" }, { 1.0, "p = 1" }, { 0.5, "p = 0.5" }, { NAN, "p = –" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = vs_verdict_format_p (cases[i].p, VS_FORMAT_C);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_median (void)
{
  double odd[] = { 3, 1, 2 };
  double even[] = { 4, 1, 3, 2 };

  g_assert_cmpfloat (vs_verdict_median (odd, 3), ==, 2.0);
  g_assert_cmpfloat (vs_verdict_median (even, 4), ==, 2.5);
}

/* An interval is written in one notation: decimals when only its low end is below 1/100. */
static void
test_format_interval (void)
{
  static const struct { double low, high; const char *text; } cases[] = {
    { 0.077, 0.085, "0.077–0.085×" },
    { 0.008, 0.0253, "0.008–0.0253×" },
    { 0.00125, 0.005, "1/800–1/200×" },
    { 0.95, 1.25, "0.95–1.25×" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = vs_verdict_format_interval (cases[i].low, cases[i].high,
                                                          VS_FORMAT_C);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/verdict/reference", test_reference);
  g_test_add_func ("/verdict/identical", test_identical);
  g_test_add_func ("/verdict/separated", test_separated);
  g_test_add_func ("/verdict/minimum", test_minimum);
  g_test_add_func ("/verdict/nan-skipped", test_nan_skipped);
  g_test_add_func ("/verdict/ties", test_ties);
  g_test_add_func ("/verdict/reproducible", test_reproducible);
  g_test_add_func ("/verdict/zero", test_zero);
  g_test_add_func ("/verdict/format-p", test_format_p);
  g_test_add_func ("/verdict/median", test_median);
  g_test_add_func ("/verdict/format-interval", test_format_interval);

  return g_test_run ();
}
