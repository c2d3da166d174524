/* vs-hdr.h: Versus's histograms in HdrHistogram's own encoding (V2, compressed)
 *
 * Versus's layout is HdrHistogram's for lowestDiscernibleValue 1, highestTrackableValue
 * 3 600 000 000 and 3 significant digits (2048 sub-buckets, 22 buckets, 23 552 counts), with
 * values in microseconds: slot i of Versus is count i of HdrHistogram, so the encoding is a
 * copy of the counts, with no re-bucketing and no loss.
 *
 * The encoding is the one the Java, C and JavaScript libraries write: cookie 0x1c849314, the
 * length of what follows, then the zlib-deflated V2 histogram (cookie 0x1c849313, payload length,
 * normalizing index offset 0, significant digits, lowest and highest trackable value, conversion
 * ratio 1.0, then the counts up to the max's as zig-zag LEB128 (at most 9 bytes each), runs of
 * zeros as one negative count).
 *
 * What the encoding does not carry — the exact min, max, sum and sum of squares, which Versus
 * keeps beside the counts — is read and restored by vs_hdr_get/set_moments() for the JSON result.
 */
#pragma once

#include <glib.h>

#include "vs-histogram.h"

G_BEGIN_DECLS

#define VS_HDR_LOWEST_DISCERNIBLE 1
#define VS_HDR_SIGNIFICANT_DIGITS 3

/* The compressed encoding (binary) and its base64 text, as in an .hlog line. */
GBytes      *vs_hdr_encode          (const VsHistogram *histogram);
char        *vs_hdr_encode_base64   (const VsHistogram *histogram);
/* NULL with a VS_ERROR_INVALID naming what is wrong: not V2, damaged, or another layout (lowest
 * value, significant digits, a value beyond one hour). Each slot's samples are recorded at the
 * slot's highest value. */
VsHistogram *vs_hdr_decode          (const guint8      *data,
                                     gsize              length,
                                     GError           **error);
VsHistogram *vs_hdr_decode_base64   (const char        *text,
                                     GError           **error);

/* The exact figures the counts do not carry. */
typedef struct
{
  gint64 min_us;
  gint64 max_us;
  double sum_us;
  double sum_sq_us2;
} VsHdrMoments;

void         vs_hdr_get_moments     (const VsHistogram *histogram,
                                     VsHdrMoments      *moments);
/* FALSE (the histogram left alone) when the moments cannot be the counts': a min or max outside
 * the slots of the lowest and highest count. */
gboolean     vs_hdr_set_moments     (VsHistogram        *histogram,
                                     const VsHdrMoments *moments);

/* The HdrHistogram figures of the layout, for the .hgrm footer. */
guint        vs_hdr_bucket_count    (void);
guint        vs_hdr_sub_bucket_count (void);

/* Walks every slot from the first up to the one of max, empty ones included, as HdrHistogram's
 * iterators do: value_us is the slot's highest value (not clamped to max). */
void         vs_hdr_foreach_slot    (const VsHistogram *histogram,
                                     VsHistogramFunc    func,
                                     gpointer           user_data);

/* Names made fit for the .hlog's Tag= field and for file names: every comma, whitespace,
 * control character and each character of extra becomes '_', an empty name becomes
 * "target_N", and a name that would then clash gets "_N" appended (N: its 1-based position).
 * Returns a NULL-terminated vector of n names. */
GStrv        vs_hdr_safe_names      (const char * const *names,
                                     guint               n,
                                     const char         *extra);

G_END_DECLS
