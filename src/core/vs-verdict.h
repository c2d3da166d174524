/* vs-verdict.h: is one target's figure really different from the first target's?
 *
 * Given the per-trial values of one metric for the baseline (the first target) and another
 * target, this computes
 *   - the ratio of medians (other / baseline) with a 95 % percentile-bootstrap confidence
 *     interval: each resample draws each group's trials with replacement, independently, from
 *     a seeded PRNG (splitmix64), so the same seed and resample count give the same interval;
 *   - the two-sided Mann–Whitney U p-value: the exact distribution when both groups have at
 *     most VS_VERDICT_EXACT_MAX trials and no value is tied, else the normal approximation
 *     with tie and continuity correction;
 *   - a verdict in the style of benchstat and criterion:
 *     "Flask: 0.081× Node.js throughput (95 % CI 0.077–0.085×, p < 0.001, n = 8+8)" or
 *     "Flask: no clear difference from Node.js throughput (p = 0.41, n = 8+8)".
 *
 * A difference is called clear only when both agree: p < VS_VERDICT_ALPHA and the interval
 * excludes 1. NaN values are trials where the figure was not measured: they are skipped and
 * counted. The ratio needs a baseline median above zero; when it is zero (no errors at all, say)
 * there is no ratio and no interval, and the verdict rests on p alone.
 */
#pragma once

#include <glib.h>

#include "vs-format.h"

G_BEGIN_DECLS

#define VS_VERDICT_ALPHA           0.05
#define VS_VERDICT_RESAMPLES       10000
#define VS_VERDICT_EXACT_MAX       20
/* The fewest measured trials per group for which a verdict is given.
 *
 * With n trials in each group, the most extreme outcome of the exact two-sided U test (every
 * value of one group above every value of the other) has p = 2 / C(2n, n):
 *   n = 2: 2/6 = 0.33,   n = 3: 2/20 = 0.10,   n = 4: 2/70 = 0.029,   n = 5: 2/252 = 0.0079.
 * Below 4 per group no outcome whatever can reach α = 0.05, so a "no clear difference" would
 * be a statement about the sample size, not the targets; the interval of a median bootstrapped
 * from three values is no better. 4 is the least that can ever show a difference (only when the
 * groups do not overlap at all); each extra trial per group makes a smaller shift visible. */
#define VS_VERDICT_MIN_TRIALS      4

typedef enum
{
  VS_VERDICT_NOT_COMPUTED,   /* fewer than VS_VERDICT_MIN_TRIALS measured trials in a group */
  VS_VERDICT_NO_DIFFERENCE,  /* p ≥ α, or the interval contains 1 */
  VS_VERDICT_BETTER,         /* a clear difference, in the metric's good direction */
  VS_VERDICT_WORSE,          /* a clear difference, in the bad direction */
} VsVerdictKind;

typedef struct
{
  VsVerdictKind kind;
  guint    n_baseline;        /* measured trials used */
  guint    n_other;
  guint    skipped_baseline;  /* NaN trials skipped */
  guint    skipped_other;
  double   median_baseline;   /* NAN without trials */
  double   median_other;
  double   ratio;             /* median_other / median_baseline; NAN when not defined */
  double   ci_low;            /* 95 % interval of the ratio; NAN when not computable */
  double   ci_high;
  double   p_value;           /* two-sided; NAN when not computed */
  gboolean p_exact;           /* TRUE: from the exact distribution of U */
  double   u;                 /* U of the other group: pairs other > baseline, ties ½ */
  guint64  seed;              /* of the bootstrap */
  guint    resamples;         /* 0 when no bootstrap ran */
} VsVerdict;

/* Fills @out. @resamples 0 means VS_VERDICT_RESAMPLES. Never fails: what cannot be computed
 * is NAN, and @out->kind says whether there is a verdict. */
void      vs_verdict_compute        (const double *baseline,
                                     guint         n_baseline,
                                     const double *other,
                                     guint         n_other,
                                     gboolean      higher_is_better,
                                     guint64       seed,
                                     guint         resamples,
                                     VsVerdict    *out);

/* The two-sided Mann–Whitney U p-value of two samples without NaN (n ≥ 1 each); @exact (may
 * be NULL) says which way it was computed. @u_out (may be NULL): U of @y (pairs y > x, ties ½).
 */
double    vs_mann_whitney_p         (const double *x,
                                     guint         nx,
                                     const double *y,
                                     guint         ny,
                                     gboolean     *exact,
                                     double       *u_out);

/* The median of @n values (n ≥ 1, no NaN); @values is sorted in place. */
double    vs_verdict_median         (double       *values,
                                     guint         n);

/* "p < 0.001", "p = 0.041", "p = 0.41", "p = 1". */
char     *vs_verdict_format_p       (double        p,
                                     VsFormatFlags flags);

/* "0.077–0.085×": an interval of ratios, the × once. */
char     *vs_verdict_format_interval (double        low,
                                      double        high,
                                      VsFormatFlags flags);

/* The verdict line: "<name>: <ratio> <baseline> <metric> (95 % CI …, p …, n = a+b)", or
 * "<name>: no clear difference from <baseline> <metric> (p = …, n = a+b)", or, with too few
 * trials, "<name>: need ≥ 4 rounds for a confidence interval (n = a+b)". Skipped trials are
 * named ("2 trials not measured"). */
char     *vs_verdict_format         (const VsVerdict *verdict,
                                     const char      *name,
                                     const char      *baseline_name,
                                     const char      *metric_label,
                                     VsFormatFlags    flags);

G_END_DECLS
