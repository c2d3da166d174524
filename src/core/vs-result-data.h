/* vs-result-data.h: the JSON result's full data — counters and whole histograms
 *
 * What `versus merge` needs to add runs up exactly, and what percentiles alone cannot give:
 * every counter of a VsCounters, and each histogram as its HdrHistogram V2 compressed encoding
 * (vs-hdr.h) with the exact min, max, sum and sum of squares beside it:
 *
 *   counters:  { "requests": …, "responses": …, "errors": { "connect": …, … }, "status": [other,
 *                1xx … 5xx], "bytes_in", "bytes_out", "connects", "late", "late_at_cap",
 *                "at_cap_us", "lag_max_us", "unsent", "protocols": { "HTTP/1.1": …, … } }
 *   histogram: { "hdr": "HISTF…", "min_us": …, "max_us": …, "sum_us": …, "sum_sq_us2": … }
 *
 * vs-export writes them, vs-merge reads them; a reader's errors name the member ("counters.late:
 * missing").
 */
#pragma once

#include <json-glib/json-glib.h>

#include "vs-stats.h"

G_BEGIN_DECLS

void          vs_result_data_add_counters   (JsonBuilder       *builder,
                                             const VsCounters  *counters);
void          vs_result_data_add_histogram  (JsonBuilder       *builder,
                                             const VsHistogram *histogram);
/* The whole VsStats: { "counters": …, "latency": …, "uncorrected": …, "timings": { "connect":
 * histogram or null, … } }. */
void          vs_result_data_add_stats      (JsonBuilder       *builder,
                                             const VsStats     *stats);

/* path names the node in errors ("targets[1].stats"). */
gboolean      vs_result_data_read_counters  (JsonNode          *node,
                                             const char        *path,
                                             VsCounters        *counters,
                                             GError           **error);
/* with the exact moments restored */
VsHistogram  *vs_result_data_read_histogram (JsonNode          *node,
                                             const char        *path,
                                             GError           **error);
VsStats      *vs_result_data_read_stats     (JsonNode          *node,
                                             const char        *path,
                                             GError           **error);

/* A result file (a run's or a capacity search's) parsed, its root an object: a regular file
 * within VS_RESULT_MAX_BYTES, nested at most VS_RESULT_MAX_DEPTH (vs-merge.h); otherwise NULL
 * with "FILE: not a JSON result: …". */
JsonParser   *vs_result_data_load_file      (const char        *path,
                                             GError           **error);

G_END_DECLS
