/* vs-segment.h: one plan's load split over N load generators (`versus run --segment I/N`)
 *
 * Segment I (from 0) of N takes the share of the plan's load that a job gives its worker I of N:
 * connections C/N, the first C mod N segments one more; a request count in proportion to the
 * connections (closed model) or an equal share (open model), without rounding loss, so that the
 * shares add up to the plan's; and in the open model every N-th send of the target's one schedule
 * from send I (its workers then split that again: worker w of W takes sends I + N·w + N·W·k).
 * The N segments together send exactly the plan's schedule, whatever each one's thread count.
 */
#pragma once

#include "vs-plan.h"

G_BEGIN_DECLS

typedef struct
{
  guint   index;               /* I; 0 for the whole load */
  guint   count;               /* N; 1 for the whole load */
  guint   connections;         /* the segment's connections per target */
  guint   connections_before;  /* those of the segments before it */
  guint64 requests;            /* the segment's request count per target; 0: by duration */
} VsSegmentShare;

/* Splits total over parts in proportion to weight/weight_total with no rounding loss: the
 * parts of consecutive weights add up to total. */
guint64  vs_share_of                (guint64          total,
                                     guint            weight_before,
                                     guint            weight,
                                     guint            weight_total);

void     vs_segment_share           (const VsPlan    *plan,
                                     VsSegmentShare  *share);

/* "I/N" with 0 ≤ I < N into the plan; FALSE with a VS_ERROR_INVALID naming --segment, also when
 * the plan has fewer connections than N (every segment needs one). */
gboolean vs_segment_apply           (VsPlan          *plan,
                                     const char      *text,
                                     GError         **error);

/* --start-at: RFC 3339 ("2026-12-01T22:00:00Z", with an offset or Z) or seconds since the epoch
 * ("1796163600" or "1796163600.5"), into µs since the epoch. */
gboolean vs_segment_parse_start_at  (const char      *text,
                                     gint64          *out_us,
                                     GError         **error);

G_END_DECLS
