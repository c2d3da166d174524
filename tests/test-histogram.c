/* test-histogram.c: VsHistogram against exact statistics of the same samples */
#include <math.h>
#include <stdlib.h>

#include "vs-histogram-private.h"

#define N_SAMPLES 200000

typedef gint64 (*SampleFunc) (GRand *rand);

static gint64
uniform_sample (GRand *rand)
{
  return g_rand_int_range (rand, 1, 2000000);   /* 1 µs … 2 s */
}

/* two modes: a fast path near 800 µs and a slow one near 120 ms */
static gint64
bimodal_sample (GRand *rand)
{
  if (g_rand_double (rand) < 0.7)
    return 700 + g_rand_int_range (rand, 0, 200);
  return 100000 + g_rand_int_range (rand, 0, 40000);
}

/* Pareto with shape 1.2 and scale 500 µs: a heavy tail reaching far beyond a second */
static gint64
pareto_sample (GRand *rand)
{
  double u = 1.0 - g_rand_double (rand);   /* (0, 1] */
  double v = 500.0 / pow (u, 1.0 / 1.2);

  return (gint64) MIN (v, 3000.0 * G_USEC_PER_SEC);
}

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Nearest rank, in integer arithmetic: percentile given in hundredths of a percent. */
static gint64
exact_percentile (const gint64 *sorted,
                  gsize         n,
                  guint         hundredths)
{
  guint64 rank = ((guint64) hundredths * n + 9999) / 10000;

  if (rank == 0)
    rank = 1;
  return sorted[rank - 1];
}

static gint64 *
make_samples (SampleFunc func,
              guint32    seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gint64 *samples = g_new (gint64, N_SAMPLES);

  for (gsize i = 0; i < N_SAMPLES; i++)
    samples[i] = func (rand);

  return samples;
}

static void
check_percentiles (SampleFunc func,
                   guint32    seed)
{
  static const guint hundredths[] = { 5000, 9000, 9900, 9990, 9999 };
  g_autoptr(VsHistogram) histogram = vs_histogram_new ();
  g_autofree gint64 *samples = make_samples (func, seed);

  for (gsize i = 0; i < N_SAMPLES; i++)
    vs_histogram_record (histogram, samples[i]);
  qsort (samples, N_SAMPLES, sizeof (gint64), compare_gint64);

  g_assert_cmpuint (vs_histogram_count (histogram), ==, N_SAMPLES);
  for (guint i = 0; i < G_N_ELEMENTS (hundredths); i++)
    {
      gint64 exact = exact_percentile (samples, N_SAMPLES, hundredths[i]);
      gint64 got = vs_histogram_percentile (histogram, hundredths[i] / 100.0);
      double relative = fabs ((double) (got - exact)) / (double) exact;

      g_test_message ("p%.2f: exact %" G_GINT64_FORMAT " µs, histogram %" G_GINT64_FORMAT " µs",
                      hundredths[i] / 100.0, exact, got);
      g_assert_cmpfloat (relative, <=, 0.001);
      /* a bucket's highest value: never below the true sample */
      g_assert_cmpint (got, >=, exact);
    }

  g_assert_cmpint (vs_histogram_percentile (histogram, 0), ==, samples[0]);
  g_assert_cmpint (vs_histogram_percentile (histogram, 100), ==, samples[N_SAMPLES - 1]);
}

static void
test_percentile_uniform (void)
{
  check_percentiles (uniform_sample, 1);
}

static void
test_percentile_bimodal (void)
{
  check_percentiles (bimodal_sample, 2);
}

static void
test_percentile_pareto (void)
{
  check_percentiles (pareto_sample, 3);
}

static void
test_moments (void)
{
  g_autoptr(VsHistogram) histogram = vs_histogram_new ();
  g_autofree gint64 *samples = make_samples (pareto_sample, 4);
  gint64 min = G_MAXINT64, max = G_MININT64;
  double sum = 0, mean, sq = 0, stddev;

  for (gsize i = 0; i < N_SAMPLES; i++)
    {
      vs_histogram_record (histogram, samples[i]);
      min = MIN (min, samples[i]);
      max = MAX (max, samples[i]);
      sum += samples[i];
    }
  mean = sum / N_SAMPLES;
  for (gsize i = 0; i < N_SAMPLES; i++)
    sq += (samples[i] - mean) * (samples[i] - mean);
  stddev = sqrt (sq / N_SAMPLES);

  g_assert_cmpint (vs_histogram_min (histogram), ==, min);
  g_assert_cmpint (vs_histogram_max (histogram), ==, max);
  g_assert_cmpfloat_with_epsilon (vs_histogram_mean (histogram), mean, mean * 1e-9);
  g_assert_cmpfloat_with_epsilon (vs_histogram_stddev (histogram), stddev, stddev * 1e-6);

  /* constant data: no spread, and no negative variance from rounding */
  vs_histogram_reset (histogram);
  vs_histogram_record_n (histogram, 1234567, 1000);
  g_assert_cmpfloat (vs_histogram_mean (histogram), ==, 1234567.0);
  g_assert_cmpfloat (vs_histogram_stddev (histogram), ==, 0.0);
}

static void
assert_histograms_equal (const VsHistogram *a,
                         const VsHistogram *b)
{
  static const double percentiles[] = { 0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100 };

  g_assert_cmpuint (vs_histogram_count (a), ==, vs_histogram_count (b));
  g_assert_cmpint (vs_histogram_min (a), ==, vs_histogram_min (b));
  g_assert_cmpint (vs_histogram_max (a), ==, vs_histogram_max (b));
  g_assert_cmpfloat_with_epsilon (vs_histogram_mean (a), vs_histogram_mean (b),
                                  vs_histogram_mean (b) * 1e-12);
  g_assert_cmpfloat_with_epsilon (vs_histogram_stddev (a), vs_histogram_stddev (b),
                                  vs_histogram_stddev (b) * 1e-9);
  for (guint i = 0; i < G_N_ELEMENTS (percentiles); i++)
    g_assert_cmpint (vs_histogram_percentile (a, percentiles[i]), ==,
                     vs_histogram_percentile (b, percentiles[i]));
}

typedef struct
{
  GArray *values;
  GArray *counts;
} Buckets;

static void
collect_bucket (gint64   value_us,
                guint64  count,
                gpointer user_data)
{
  Buckets *buckets = user_data;

  g_array_append_val (buckets->values, value_us);
  g_array_append_val (buckets->counts, count);
}

static Buckets
buckets_of (const VsHistogram *histogram)
{
  Buckets buckets = {
    g_array_new (FALSE, FALSE, sizeof (gint64)),
    g_array_new (FALSE, FALSE, sizeof (guint64)),
  };

  vs_histogram_foreach (histogram, collect_bucket, &buckets);
  return buckets;
}

static void
test_merge (void)
{
  g_autoptr(VsHistogram) all = vs_histogram_new ();
  g_autoptr(VsHistogram) first = vs_histogram_new ();
  g_autoptr(VsHistogram) second = vs_histogram_new ();
  g_autofree gint64 *samples = make_samples (bimodal_sample, 5);
  Buckets a, b;

  for (gsize i = 0; i < N_SAMPLES; i++)
    {
      vs_histogram_record (all, samples[i]);
      vs_histogram_record (i % 3 == 0 ? first : second, samples[i]);
    }
  vs_histogram_merge (first, second);

  assert_histograms_equal (first, all);

  /* same buckets with the same counts */
  a = buckets_of (first);
  b = buckets_of (all);
  g_assert_cmpuint (a.values->len, ==, b.values->len);
  g_assert_cmpmem (a.values->data, a.values->len * sizeof (gint64),
                   b.values->data, b.values->len * sizeof (gint64));
  g_assert_cmpmem (a.counts->data, a.counts->len * sizeof (guint64),
                   b.counts->data, b.counts->len * sizeof (guint64));
  g_array_unref (a.values);
  g_array_unref (a.counts);
  g_array_unref (b.values);
  g_array_unref (b.counts);

  /* merging an empty histogram changes nothing, merging into one copies */
  {
    g_autoptr(VsHistogram) empty = vs_histogram_new ();
    g_autoptr(VsHistogram) into_empty = vs_histogram_new ();

    vs_histogram_merge (first, empty);
    assert_histograms_equal (first, all);
    vs_histogram_merge (into_empty, all);
    assert_histograms_equal (into_empty, all);
  }
}

static void
test_copy_reset (void)
{
  g_autoptr(VsHistogram) histogram = vs_histogram_new ();
  g_autoptr(VsHistogram) copy = NULL;
  guint n_buckets = 0;

  for (gint64 v = 1; v <= 5000; v++)
    vs_histogram_record (histogram, v * 7);
  copy = vs_histogram_copy (histogram);
  assert_histograms_equal (copy, histogram);

  vs_histogram_reset (histogram);
  g_assert_cmpuint (vs_histogram_count (histogram), ==, 0);
  g_assert_cmpint (vs_histogram_min (histogram), ==, 0);
  g_assert_cmpint (vs_histogram_max (histogram), ==, 0);
  g_assert_cmpfloat (vs_histogram_mean (histogram), ==, 0.0);
  g_assert_cmpfloat (vs_histogram_stddev (histogram), ==, 0.0);
  g_assert_cmpint (vs_histogram_percentile (histogram, 50), ==, 0);
  {
    Buckets b = buckets_of (histogram);

    n_buckets = b.values->len;
    g_array_unref (b.values);
    g_array_unref (b.counts);
  }
  g_assert_cmpuint (n_buckets, ==, 0);

  /* the copy is independent of the original */
  g_assert_cmpuint (vs_histogram_count (copy), ==, 5000);

  /* after a reset, min tracks new values again instead of a stale 0 */
  vs_histogram_record (histogram, 900);
  g_assert_cmpint (vs_histogram_min (histogram), ==, 900);
  g_assert_cmpint (vs_histogram_max (histogram), ==, 900);
}

static void
test_exact_low_values (void)
{
  g_autoptr(VsHistogram) histogram = vs_histogram_new ();

  /* below 2048 µs every value has a bucket of its own */
  for (gint64 v = 0; v < 2048; v++)
    vs_histogram_record (histogram, v);
  for (gint64 v = 1; v < 2048; v++)
    g_assert_cmpint (vs_histogram_percentile (histogram, 100.0 * (v + 1) / 2048.0), ==, v);

  /* values at or below zero count as zero */
  vs_histogram_reset (histogram);
  vs_histogram_record (histogram, -5);
  vs_histogram_record (histogram, 0);
  g_assert_cmpuint (vs_histogram_count (histogram), ==, 2);
  g_assert_cmpint (vs_histogram_min (histogram), ==, 0);
  g_assert_cmpint (vs_histogram_max (histogram), ==, 0);
  g_assert_cmpint (vs_histogram_percentile (histogram, 99), ==, 0);
}

static void
test_clamp (void)
{
  g_autoptr(VsHistogram) histogram = vs_histogram_new ();
  gint64 two_hours = VS_HISTOGRAM_HIGHEST_US * 2;
  gint64 p50;

  vs_histogram_record (histogram, 1000);
  vs_histogram_record (histogram, two_hours);
  vs_histogram_record (histogram, G_MAXINT64);

  /* counted, with exact min and max */
  g_assert_cmpuint (vs_histogram_count (histogram), ==, 3);
  g_assert_cmpint (vs_histogram_min (histogram), ==, 1000);
  g_assert_cmpint (vs_histogram_max (histogram), ==, G_MAXINT64);
  g_assert_cmpint (vs_histogram_percentile (histogram, 100), ==, G_MAXINT64);
  g_assert_cmpint (vs_histogram_percentile (histogram, 10), ==, 1000);

  /* the clamped samples sit in the top bucket: at least one hour, within bucket precision */
  p50 = vs_histogram_percentile (histogram, 50);
  g_assert_cmpint (p50, >=, VS_HISTOGRAM_HIGHEST_US);
  g_assert_cmpint (p50, <=, VS_HISTOGRAM_HIGHEST_US + VS_HISTOGRAM_HIGHEST_US / 1024);

  /* one hour itself is kept to 3 significant digits */
  vs_histogram_reset (histogram);
  vs_histogram_record (histogram, 1);
  vs_histogram_record (histogram, VS_HISTOGRAM_HIGHEST_US - 1000000);
  vs_histogram_record (histogram, VS_HISTOGRAM_HIGHEST_US);
  p50 = vs_histogram_percentile (histogram, 50);
  g_assert_cmpint (p50, >=, VS_HISTOGRAM_HIGHEST_US - 1000000);
  g_assert_cmpint (p50, <=, (VS_HISTOGRAM_HIGHEST_US - 1000000) * 1025 / 1024);
}

static void
test_foreach (void)
{
  g_autoptr(VsHistogram) histogram = vs_histogram_new ();
  Buckets b;
  guint64 total = 0;

  vs_histogram_record_n (histogram, 10, 3);
  vs_histogram_record (histogram, 1000000);
  vs_histogram_record (histogram, 1002000);
  vs_histogram_record (histogram, 5000);

  b = buckets_of (histogram);
  for (guint i = 0; i < b.values->len; i++)
    {
      total += g_array_index (b.counts, guint64, i);
      if (i > 0)
        g_assert_cmpint (g_array_index (b.values, gint64, i), >,
                         g_array_index (b.values, gint64, i - 1));
    }
  g_assert_cmpuint (total, ==, 6);
  g_assert_cmpuint (b.values->len, ==, 4);
  g_assert_cmpint (g_array_index (b.values, gint64, 0), ==, 10);
  g_assert_cmpuint (g_array_index (b.counts, guint64, 0), ==, 3);
  /* the top bucket reports the exact max, not the end of the bucket */
  g_assert_cmpint (g_array_index (b.values, gint64, 3), ==, 1002000);
  g_array_unref (b.values);
  g_array_unref (b.counts);
}

static void
test_memory (void)
{
  /* the struct, counts included, is the one allocation new() makes */
  g_test_message ("sizeof (VsHistogram) = %zu bytes", sizeof (VsHistogram));
  g_assert_cmpuint (sizeof (VsHistogram), <, 256 * 1024);
}

static void
count_buckets (gint64   value_us,
               guint64  count,
               gpointer data)
{
  ((guint64 *) data)[0]++;
  ((guint64 *) data)[1] += count;
}

/* Reset and merge touch only the slots between min and max: nothing recorded before a reset
 * survives it, wherever it was, and a merge carries every count. */
static void
test_reset_range (void)
{
  g_autoptr(VsHistogram) h = vs_histogram_new ();
  g_autoptr(VsHistogram) sum = vs_histogram_new ();
  guint64 seen[2] = { 0, 0 };

  vs_histogram_record_n (h, 10, 5);
  vs_histogram_record_n (h, G_USEC_PER_SEC, 5);
  vs_histogram_record (h, 10 * VS_HISTOGRAM_HIGHEST_US);  /* clamped to the top slot */
  vs_histogram_reset (h);
  g_assert_cmpuint (vs_histogram_count (h), ==, 0);
  vs_histogram_foreach (h, count_buckets, seen);
  g_assert_cmpuint (seen[0], ==, 0);

  vs_histogram_record_n (h, 500, 3);
  vs_histogram_foreach (h, count_buckets, seen);
  g_assert_cmpuint (seen[0], ==, 1);
  g_assert_cmpuint (seen[1], ==, 3);
  g_assert_cmpint (vs_histogram_percentile (h, 99), ==, 500);

  vs_histogram_record_n (sum, 7, 2);
  vs_histogram_merge (sum, h);
  g_assert_cmpuint (vs_histogram_count (sum), ==, 5);
  g_assert_cmpint (vs_histogram_percentile (sum, 50), ==, 500);
  g_assert_cmpint (vs_histogram_percentile (sum, 40), ==, 7);

  /* the clamped top and a reset after it */
  vs_histogram_record (h, 10 * VS_HISTOGRAM_HIGHEST_US);
  vs_histogram_reset (h);
  vs_histogram_record (h, 1);
  g_assert_cmpint (vs_histogram_percentile (h, 100), ==, 1);
  g_assert_cmpint (vs_histogram_percentile (h, 50), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/histogram/reset-range", test_reset_range);
  g_test_add_func ("/core/histogram/percentile/uniform", test_percentile_uniform);
  g_test_add_func ("/core/histogram/percentile/bimodal", test_percentile_bimodal);
  g_test_add_func ("/core/histogram/percentile/pareto", test_percentile_pareto);
  g_test_add_func ("/core/histogram/moments", test_moments);
  g_test_add_func ("/core/histogram/merge", test_merge);
  g_test_add_func ("/core/histogram/copy-reset", test_copy_reset);
  g_test_add_func ("/core/histogram/exact-low-values", test_exact_low_values);
  g_test_add_func ("/core/histogram/clamp", test_clamp);
  g_test_add_func ("/core/histogram/foreach", test_foreach);
  g_test_add_func ("/core/histogram/memory", test_memory);

  return g_test_run ();
}
