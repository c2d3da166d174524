/* vs-histogram.h: HDR-style log-linear latency histogram
 *
 * Values are microseconds, from 1 µs to one hour, kept to 3 significant digits (every value is
 * stored in a bucket no wider than 1/1024 of it). Recording is O(1) and never allocates, so the
 * engines' hot paths record straight into it. Values above the range are clamped to the top and
 * still counted; min and max are exact.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VS_HISTOGRAM_HIGHEST_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

typedef struct _VsHistogram VsHistogram;

VsHistogram *vs_histogram_new        (void);
VsHistogram *vs_histogram_copy       (const VsHistogram *self);
void         vs_histogram_free       (VsHistogram       *self);
void         vs_histogram_reset      (VsHistogram       *self);
void         vs_histogram_record     (VsHistogram       *self,
                                      gint64             value_us);
void         vs_histogram_record_n   (VsHistogram       *self,
                                      gint64             value_us,
                                      guint64            count);
void         vs_histogram_merge      (VsHistogram       *self,
                                      const VsHistogram *other);
guint64      vs_histogram_count      (const VsHistogram *self);
gint64       vs_histogram_min        (const VsHistogram *self);
gint64       vs_histogram_max        (const VsHistogram *self);
double       vs_histogram_mean       (const VsHistogram *self);
double       vs_histogram_stddev     (const VsHistogram *self);
/* percentile in [0, 100]; nearest rank: the smallest recorded value (to histogram precision)
 * that at least percentile % of the samples are less than or equal to. 0 when empty. */
gint64       vs_histogram_percentile (const VsHistogram *self,
                                      double             percentile);

/* Walks the non-empty buckets in increasing order: value_us is the highest value the bucket
 * holds (clamped to max), count its samples. */
typedef void (*VsHistogramFunc) (gint64   value_us,
                                 guint64  count,
                                 gpointer user_data);
void         vs_histogram_foreach    (const VsHistogram *self,
                                      VsHistogramFunc    func,
                                      gpointer           user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsHistogram, vs_histogram_free)

G_END_DECLS
