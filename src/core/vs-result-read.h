/* vs-result-read.h: a JSON result (vs_export_json()) read back into VsResults
 *
 * What the file carries comes back as it was written: the plan, the engine, the start, per
 * target the measured-phase counters of the summary, the latency histogram, the intervals and
 * the first error, so that the summary table, the cards and the charts show the figures the
 * run had. What the file does not carry stays unmeasured ("–"), never a zero: the uncorrected
 * latency and the connect / TLS / first-byte histograms (only their p50 and p99 are written),
 * and the error class of each interval's errors (only their total is; they are counted under
 * the target's most frequent class).
 */
#pragma once

#include <glib.h>

#include "vs-results.h"

G_BEGIN_DECLS

/* The largest JSON result read back. */
#define VS_RESULT_MAX_BYTES (256 * 1024 * 1024)

/* NULL with a VS_ERROR_INVALID "not a Versus result: …" when data is not one. */
VsResults *vs_result_read_json (const char  *data,
                                gsize        length,
                                GError     **error);
/* The file at path, when it is a regular file within VS_RESULT_MAX_BYTES (VS_ERROR_IO
 * otherwise). */
VsResults *vs_result_read_file (const char  *path,
                                GError     **error);

G_END_DECLS
