/* vs-verdict.c: ratio of medians with a bootstrap interval, Mann–Whitney U (see vs-verdict.h) */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vs-random.h"
#include "vs-verdict.h"

/* ---------------------------------------------------------------------------------------- */
/* Order statistics                                                                         */

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

double
vs_verdict_median (double *values,
                   guint   n)
{
  g_return_val_if_fail (n > 0, NAN);

  qsort (values, n, sizeof (double), compare_doubles);
  if (n % 2 == 1)
    return values[n / 2];
  return (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

/* The @q quantile of @n sorted values, linearly interpolated between order statistics (R's
 * type 7, numpy's default). */
static double
quantile_sorted (const double *sorted,
                 guint         n,
                 double        q)
{
  double h = (n - 1) * q;
  guint lo = (guint) floor (h);

  if (lo + 1 >= n)
    return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/* ---------------------------------------------------------------------------------------- */
/* Mann–Whitney U                                                                           */

/* P(U ≤ u) of the exact null distribution for groups of @nx and @ny without ties. The number
 * of arrangements with U = k is the coefficient of q^k of the Gaussian binomial
 * [nx+ny choose nx]_q = ∏_{i=1..nx} (1 − q^(ny+i)) / (1 − q^i); building it factor by factor
 * keeps every intermediate a Gaussian binomial itself, so the integers stay ≤ C(40, 20). */
static void
exact_tails (guint   nx,
             guint   ny,
             double  u,
             double *p_le,
             double *p_ge)
{
  guint degree = nx * ny;
  g_autofree gint64 *c = g_new0 (gint64, degree + 1);
  double total = 0, le = 0, ge = 0;

  c[0] = 1;
  for (guint i = 1; i <= nx; i++)
    {
      guint up = ny + i;

      /* × (1 − q^up): from the top down, so each term reads the old coefficients */
      for (guint k = degree; k >= up; k--)
        c[k] -= c[k - up];
      /* ÷ (1 − q^i): the inverse of the above, from the bottom up */
      for (guint k = i; k <= degree; k++)
        c[k] += c[k - i];
    }

  for (guint k = 0; k <= degree; k++)
    {
      total += (double) c[k];
      if (k <= u)
        le += (double) c[k];
      if (k >= u)
        ge += (double) c[k];
    }
  *p_le = le / total;
  *p_ge = ge / total;
}

double
vs_mann_whitney_p (const double *x,
                   guint         nx,
                   const double *y,
                   guint         ny,
                   gboolean     *exact,
                   double       *u_out)
{
  guint n = nx + ny;
  g_autofree double *all = NULL;
  double u = 0, mean, tie_sum = 0, variance, z, p;
  gboolean ties = FALSE;

  g_return_val_if_fail (nx > 0 && ny > 0, NAN);

  for (guint i = 0; i < nx; i++)
    for (guint j = 0; j < ny; j++)
      u += y[j] > x[i] ? 1.0 : y[j] == x[i] ? 0.5 : 0.0;
  if (u_out)
    *u_out = u;

  all = g_new (double, n);
  memcpy (all, x, nx * sizeof (double));
  memcpy (all + nx, y, ny * sizeof (double));
  qsort (all, n, sizeof (double), compare_doubles);
  for (guint i = 0; i < n;)
    {
      guint j = i;

      while (j < n && all[j] == all[i])
        j++;
      if (j - i > 1)
        {
          double t = j - i;

          ties = TRUE;
          tie_sum += t * t * t - t;
        }
      i = j;
    }

  if (!ties && nx <= VS_VERDICT_EXACT_MAX && ny <= VS_VERDICT_EXACT_MAX)
    {
      double le, ge;

      exact_tails (nx, ny, u, &le, &ge);
      if (exact)
        *exact = TRUE;
      return MIN (1.0, 2.0 * MIN (le, ge));
    }

  if (exact)
    *exact = FALSE;
  mean = nx * (double) ny / 2.0;
  variance = nx * (double) ny / 12.0 * ((n + 1) - tie_sum / ((double) n * (n - 1)));
  if (variance <= 0)
    return 1.0;  /* every value the same */
  z = MAX (0.0, fabs (u - mean) - 0.5) / sqrt (variance);
  p = erfc (z / G_SQRT2);
  return MIN (1.0, p);
}

/* ---------------------------------------------------------------------------------------- */
/* Bootstrap                                                                                */

static double
resample_median (guint64      *state,
                 const double *values,
                 guint         n,
                 double       *scratch)
{
  for (guint i = 0; i < n; i++)
    scratch[i] = values[vs_random_below (state, n)];
  return vs_verdict_median (scratch, n);
}

/* The 95 % percentile interval of median(other*) / median(baseline*); FALSE when some
 * resample's baseline median is 0 (the ratio is not defined there). */
static gboolean
bootstrap_ratio (const double *baseline,
                 guint         nb,
                 const double *other,
                 guint         no,
                 guint64       seed,
                 guint         resamples,
                 double       *low,
                 double       *high)
{
  g_autofree double *ratios = g_new (double, resamples);
  g_autofree double *scratch = g_new (double, MAX (nb, no));
  guint64 state = seed;

  for (guint b = 0; b < resamples; b++)
    {
      double mb = resample_median (&state, baseline, nb, scratch);
      double mo = resample_median (&state, other, no, scratch);

      if (!(mb > 0))
        return FALSE;
      ratios[b] = mo / mb;
    }
  qsort (ratios, resamples, sizeof (double), compare_doubles);
  *low = quantile_sorted (ratios, resamples, 0.025);
  *high = quantile_sorted (ratios, resamples, 0.975);
  return TRUE;
}

/* ---------------------------------------------------------------------------------------- */

/* The measured values of @values (NaN skipped) into a new array. */
static double *
measured (const double *values,
          guint         n,
          guint        *n_measured,
          guint        *n_skipped)
{
  double *out = g_new (double, MAX (n, 1));

  *n_measured = 0;
  *n_skipped = 0;
  for (guint i = 0; i < n; i++)
    {
      if (isnan (values[i]))
        (*n_skipped)++;
      else
        out[(*n_measured)++] = values[i];
    }
  return out;
}

void
vs_verdict_compute (const double *baseline,
                    guint         n_baseline,
                    const double *other,
                    guint         n_other,
                    gboolean      higher_is_better,
                    guint64       seed,
                    guint         resamples,
                    VsVerdict    *out)
{
  g_autofree double *b = NULL;
  g_autofree double *o = NULL;
  g_autofree double *sorted = NULL;
  gboolean clear, other_higher;

  g_return_if_fail (out != NULL);

  *out = (VsVerdict) {
    .kind = VS_VERDICT_NOT_COMPUTED,
    .median_baseline = NAN, .median_other = NAN, .ratio = NAN,
    .ci_low = NAN, .ci_high = NAN, .p_value = NAN, .u = NAN,
    .seed = seed,
  };
  if (resamples == 0)
    resamples = VS_VERDICT_RESAMPLES;

  b = measured (baseline, n_baseline, &out->n_baseline, &out->skipped_baseline);
  o = measured (other, n_other, &out->n_other, &out->skipped_other);

  sorted = g_new (double, MAX (1, MAX (out->n_baseline, out->n_other)));
  if (out->n_baseline > 0)
    {
      memcpy (sorted, b, out->n_baseline * sizeof (double));
      out->median_baseline = vs_verdict_median (sorted, out->n_baseline);
    }
  if (out->n_other > 0)
    {
      memcpy (sorted, o, out->n_other * sizeof (double));
      out->median_other = vs_verdict_median (sorted, out->n_other);
    }
  if (out->median_baseline > 0)
    out->ratio = out->median_other / out->median_baseline;

  if (out->n_baseline < VS_VERDICT_MIN_TRIALS || out->n_other < VS_VERDICT_MIN_TRIALS)
    return;

  out->p_value = vs_mann_whitney_p (b, out->n_baseline, o, out->n_other, &out->p_exact,
                                    &out->u);
  if (isfinite (out->ratio))
    {
      out->resamples = resamples;
      if (!bootstrap_ratio (b, out->n_baseline, o, out->n_other, seed, resamples,
                            &out->ci_low, &out->ci_high))
        out->ci_low = out->ci_high = NAN;
    }

  /* Clear only when U and the interval agree; without an interval, U alone decides. */
  clear = out->p_value < VS_VERDICT_ALPHA &&
          (!isfinite (out->ci_low) || out->ci_low > 1.0 || out->ci_high < 1.0);
  other_higher = out->u > out->n_baseline * (double) out->n_other / 2.0;
  if (!clear)
    out->kind = VS_VERDICT_NO_DIFFERENCE;
  else
    out->kind = other_higher == !!higher_is_better ? VS_VERDICT_BETTER : VS_VERDICT_WORSE;
}

/* ---------------------------------------------------------------------------------------- */
/* Words                                                                                    */

char *
vs_verdict_format_p (double        p,
                     VsFormatFlags flags)
{
  g_autofree char *number = NULL;
  int decimals;

  if (!isfinite (p))
    return g_strdup ("p = –");
  if (p < 0.001)
    {
      number = vs_format_decimal (0.001, 3, flags);
      return g_strconcat ("p < ", number, NULL);
    }
  /* two significant digits: 0.41, 0.041, 0.0012 */
  decimals = MAX (2, 1 - (int) floor (log10 (p)));
  number = vs_format_decimal (MIN (p, 1.0), decimals, flags);
  vs_format_trim_zeros (number);
  return g_strconcat ("p = ", number, NULL);
}

char *
vs_verdict_format_interval (double        low,
                            double        high,
                            VsFormatFlags flags)
{
  g_autofree char *lo = vs_format_ratio (low, flags);
  g_autofree char *hi = vs_format_ratio (high, flags);

  /* one notation in one interval: not "1/125–0.0253×" but "0.008–0.0253×" */
  if (g_str_has_prefix (lo, "1/") && !g_str_has_prefix (hi, "1/") && low > 0)
    {
      g_free (lo);
      lo = vs_format_decimal (low, vs_format_decimals (low, 6), flags);
      /* as vs_format_ratio() writes its numbers: "0.008", not "0.00800" */
      vs_format_trim_zeros (lo);
    }
  if (g_str_has_suffix (lo, "×"))
    lo[strlen (lo) - strlen ("×")] = '\0';
  return g_strconcat (lo, "–", hi, NULL);
}

char *
vs_verdict_format (const VsVerdict *v,
                   const char      *name,
                   const char      *baseline_name,
                   const char      *metric_label,
                   VsFormatFlags    flags)
{
  g_autofree char *p = NULL;
  g_autofree char *n = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (v != NULL, NULL);

  if (v->skipped_baseline + v->skipped_other > 0)
    /* TRANSLATORS: trials per group used, then those without a figure: "n = 7+8, 1+0 not
     * measured" */
    n = g_strdup_printf (_("n = %u+%u, %u+%u not measured"), v->n_baseline, v->n_other,
                         v->skipped_baseline, v->skipped_other);
  else
    n = g_strdup_printf (_("n = %u+%u"), v->n_baseline, v->n_other);

  if (v->kind == VS_VERDICT_NOT_COMPUTED)
    return g_strdup_printf (_("%s: need ≥ %u rounds for a confidence interval (%s)"), name,
                            VS_VERDICT_MIN_TRIALS, n);

  p = vs_verdict_format_p (v->p_value, flags);
  if (v->kind == VS_VERDICT_NO_DIFFERENCE)
    body = g_strdup_printf (_("no clear difference from %s %s (%s, %s)"), baseline_name,
                            metric_label, p, n);
  else if (isfinite (v->ci_low))
    {
      g_autofree char *ratio = vs_format_ratio (v->ratio, flags);
      g_autofree char *interval = vs_verdict_format_interval (v->ci_low, v->ci_high, flags);

      /* TRANSLATORS: "0.0812× Node.js throughput (95 % CI 0.077–0.085×, p < 0.001, n = 8+8)" */
      body = g_strdup_printf (_("%s %s %s (95 %% CI %s, %s, %s)"), ratio, baseline_name,
                              metric_label, interval, p, n);
    }
  else
    {
      gboolean higher = v->u > v->n_baseline * (double) v->n_other / 2.0;

      if (!(v->median_baseline > 0))
        body = g_strdup_printf (higher
                                ? _("higher %s than %s (%s, %s; no ratio: the median of %s is 0)")
                                : _("lower %s than %s (%s, %s; no ratio: the median of %s is 0)"),
                                metric_label, baseline_name, p, n, baseline_name);
      else
        body = g_strdup_printf (higher
                                ? _("higher %s than %s (%s, %s; no interval: the median of %s "
                                    "is 0 in some resamples)")
                                : _("lower %s than %s (%s, %s; no interval: the median of %s "
                                    "is 0 in some resamples)"),
                                metric_label, baseline_name, p, n, baseline_name);
    }
  return g_strdup_printf ("%s: %s", name, body);
}
