/* vs-histogram-private.h: the histogram's layout, for its implementation and its tests
 *
 * The layout is HdrHistogram's with a unit of 1 µs and 2048 sub-buckets: values below 2048 have
 * a slot each; above that, bucket b (b ≥ 1) holds [1024·2^b, 2048·2^b) in 1024 slots of width
 * 2^b, so no slot is wider than 1/1024 of the values it holds (3 significant digits).
 */
#pragma once

#include "vs-histogram.h"

G_BEGIN_DECLS

#define VS_HISTOGRAM_SUB_COUNT     2048
#define VS_HISTOGRAM_SUB_HALF      1024
#define VS_HISTOGRAM_SUB_HALF_MAG  10     /* log2 (VS_HISTOGRAM_SUB_HALF) */
#define VS_HISTOGRAM_SUB_MASK      ((guint64) VS_HISTOGRAM_SUB_COUNT - 1)
/* Buckets needed until 2048·2^(n−1) exceeds VS_HISTOGRAM_HIGHEST_US: 2048·2^21 > 3.6e9. */
#define VS_HISTOGRAM_BUCKET_COUNT  22
#define VS_HISTOGRAM_COUNTS_LEN    ((VS_HISTOGRAM_BUCKET_COUNT + 1) * VS_HISTOGRAM_SUB_HALF)

G_STATIC_ASSERT (((guint64) VS_HISTOGRAM_SUB_COUNT << (VS_HISTOGRAM_BUCKET_COUNT - 1)) >
                 VS_HISTOGRAM_HIGHEST_US);
G_STATIC_ASSERT (((guint64) VS_HISTOGRAM_SUB_COUNT << (VS_HISTOGRAM_BUCKET_COUNT - 2)) <=
                 VS_HISTOGRAM_HIGHEST_US);

struct _VsHistogram
{
  guint64     total;
  gint64      min;       /* exact; G_MAXINT64 while empty */
  gint64      max;       /* exact; 0 while empty */
  /* Exact values, not bucket values, so mean and stddev carry no bucketing error. long double
   * keeps sum of squares precise enough for the variance subtraction. */
  long double sum;
  long double sum_sq;
  guint64     counts[VS_HISTOGRAM_COUNTS_LEN];
};

/* The slot of a value in [0, VS_HISTOGRAM_HIGHEST_US]. */
static inline guint
_vs_histogram_counts_index (gint64 value)
{
  guint64 v = (guint64) value;
  /* bit length of v, at least 11 so that values below 2048 land in bucket 0 */
  int pow2ceiling = 64 - __builtin_clzll (v | VS_HISTOGRAM_SUB_MASK);
  int bucket = pow2ceiling - (VS_HISTOGRAM_SUB_HALF_MAG + 1);
  guint64 sub_bucket = v >> bucket;

  return ((guint) (bucket + 1) << VS_HISTOGRAM_SUB_HALF_MAG) + (guint) sub_bucket -
         VS_HISTOGRAM_SUB_HALF;
}

/* The highest value slot @index holds. */
static inline gint64
_vs_histogram_highest_equivalent (guint index)
{
  int bucket = (int) (index >> VS_HISTOGRAM_SUB_HALF_MAG) - 1;
  guint64 sub_bucket = (index & (VS_HISTOGRAM_SUB_HALF - 1)) + VS_HISTOGRAM_SUB_HALF;

  if (bucket < 0)
    {
      sub_bucket -= VS_HISTOGRAM_SUB_HALF;
      bucket = 0;
    }

  return (gint64) (((sub_bucket + 1) << bucket) - 1);
}

G_END_DECLS
