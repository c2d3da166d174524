/* vs-histogram.c: HDR-style log-linear latency histogram
 *
 * The slot of a value follows from its bit length (see vs-histogram-private.h for the layout),
 * which makes recording O(1) without a loop.
 */
#include "vs-histogram-private.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>

/* The slots a non-empty histogram can have counts in: those of min to max. Reset and merge
 * touch only these, so the pages of slots never recorded into stay untouched (and, as they
 * came from calloc, never become resident): a histogram takes the memory of the latencies it
 * saw, not its whole range. */
static inline void
used_range (const VsHistogram *self,
            guint             *first,
            guint             *last)
{
  *first = _vs_histogram_counts_index (MIN (self->min, VS_HISTOGRAM_HIGHEST_US));
  *last = _vs_histogram_counts_index (MIN (self->max, VS_HISTOGRAM_HIGHEST_US));
}

/* Mapped on its own rather than from malloc: a mapping's pages are zero and not resident until
 * written, whereas malloc hands back reused memory that calloc must clear, all 190 KB of it. So
 * a histogram's resident memory is its header and the slots of the latencies it saw. */
VsHistogram *
vs_histogram_new (void)
{
  VsHistogram *self = mmap (NULL, sizeof *self, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  if (self == MAP_FAILED)
    g_error ("cannot map %" G_GSIZE_FORMAT " bytes for a histogram: %s", sizeof *self,
             g_strerror (errno));
  self->min = G_MAXINT64;
  return self;
}

VsHistogram *
vs_histogram_copy (const VsHistogram *self)
{
  VsHistogram *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = vs_histogram_new ();
  vs_histogram_merge (copy, self);
  return copy;
}

void
vs_histogram_free (VsHistogram *self)
{
  if (self != NULL)
    munmap (self, sizeof *self);
}

void
vs_histogram_reset (VsHistogram *self)
{
  guint first, last;

  g_return_if_fail (self != NULL);

  if (self->total > 0)
    {
      used_range (self, &first, &last);
      memset (&self->counts[first], 0, (last - first + 1) * sizeof self->counts[0]);
    }
  self->total = 0;
  self->max = 0;
  self->sum = 0;
  self->sum_sq = 0;
  self->min = G_MAXINT64;
}

/* Shared by record and record_n; inlined so that record's count of 1 folds away. */
static inline void
record (VsHistogram *self,
        gint64       value_us,
        guint64      count)
{
  long double v;

  /* a negative latency can only come from clock trouble; it counts as zero */
  if (G_UNLIKELY (value_us < 0))
    value_us = 0;

  self->counts[_vs_histogram_counts_index (MIN (value_us, VS_HISTOGRAM_HIGHEST_US))] += count;
  self->total += count;

  if (value_us < self->min)
    self->min = value_us;
  if (value_us > self->max)
    self->max = value_us;

  v = (long double) value_us;
  if (count == 1)
    {
      self->sum += v;
      self->sum_sq += v * v;
    }
  else
    {
      self->sum += v * count;
      self->sum_sq += v * v * count;
    }
}

void
vs_histogram_record (VsHistogram *self,
                     gint64       value_us)
{
  record (self, value_us, 1);
}

void
vs_histogram_record_n (VsHistogram *self,
                       gint64       value_us,
                       guint64      count)
{
  if (count != 0)
    record (self, value_us, count);
}

void
vs_histogram_merge (VsHistogram       *self,
                    const VsHistogram *other)
{
  guint first, last;

  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  if (other->total == 0)
    return;

  used_range (other, &first, &last);
  for (guint i = first; i <= last; i++)
    self->counts[i] += other->counts[i];

  self->total += other->total;
  self->min = MIN (self->min, other->min);
  self->max = MAX (self->max, other->max);
  self->sum += other->sum;
  self->sum_sq += other->sum_sq;
}

guint64
vs_histogram_count (const VsHistogram *self)
{
  return self->total;
}

gint64
vs_histogram_min (const VsHistogram *self)
{
  return self->total ? self->min : 0;
}

gint64
vs_histogram_max (const VsHistogram *self)
{
  return self->max;
}

double
vs_histogram_mean (const VsHistogram *self)
{
  if (self->total == 0)
    return 0.0;

  return (double) (self->sum / self->total);
}

double
vs_histogram_stddev (const VsHistogram *self)
{
  long double mean, variance;

  if (self->total == 0)
    return 0.0;

  mean = self->sum / self->total;
  variance = self->sum_sq / self->total - mean * mean;

  /* rounding can leave a tiny negative variance for constant data */
  return variance > 0 ? sqrt ((double) variance) : 0.0;
}

gint64
vs_histogram_percentile (const VsHistogram *self,
                         double             percentile)
{
  double rank;
  guint64 count_at;
  guint64 running = 0;
  guint first, last;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (!isnan (percentile), 0);

  if (self->total == 0)
    return 0;

  percentile = CLAMP (percentile, 0.0, 100.0);
  if (percentile <= 0.0)
    return self->min;
  if (percentile >= 100.0)
    return self->max;

  /* Nearest rank. The tiny relative shave keeps 99.9 % of 100000 at rank 99900 rather than
   * 99901, which the inexact binary fraction would otherwise give. */
  rank = percentile / 100.0 * (double) self->total;
  count_at = (guint64) ceil (rank - rank * 1e-12);
  count_at = CLAMP (count_at, 1, self->total);

  used_range (self, &first, &last);
  for (guint i = first; i <= last; i++)
    {
      running += self->counts[i];
      if (running >= count_at)
        return CLAMP (_vs_histogram_highest_equivalent (i), self->min, self->max);
    }

  g_assert_not_reached ();
  return self->max;
}

void
vs_histogram_foreach (const VsHistogram *self,
                      VsHistogramFunc    func,
                      gpointer           user_data)
{
  guint first, last;

  g_return_if_fail (self != NULL);
  g_return_if_fail (func != NULL);

  if (self->total == 0)
    return;

  used_range (self, &first, &last);
  for (guint i = first; i <= last; i++)
    {
      if (self->counts[i] != 0)
        func (MIN (_vs_histogram_highest_equivalent (i), self->max), self->counts[i], user_data);
    }
}
