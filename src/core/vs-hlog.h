/* vs-hlog.h: the HdrHistogram interval log (.hlog) of a run
 *
 * Log format 1.3 as the Java and C HdrHistogram libraries write it: a "Logged with" comment,
 * "#[Histogram log format version 1.3]", "#[StartTime: …]", "#[BaseTime: …]", the column line,
 * then one line per measured interval and target,
 * "Tag=<target>,<start s>,<length s>,<max ms>,<base64 V2 compressed histogram>".
 *
 * Units: the histograms hold latency in microseconds (from the intended send time in the open
 * model), start and length are seconds after BaseTime (the run's start, seconds since the
 * epoch), and the max column is milliseconds — the exact max of the interval, i.e. the
 * histogram's values over a max value unit ratio of 1000. Only measured intervals are logged
 * (warm-up never enters a figure), so the intervals of a tag add up to the run's totals.
 * Tags are the target names with every comma, whitespace and control character made '_'
 * (vs_hdr_safe_names()).
 */
#pragma once

#include "vs-results.h"

G_BEGIN_DECLS

char     *vs_hlog_render     (VsResults   *results);
/* Replaces path atomically (vs_file_replace()). */
gboolean  vs_hlog_write_file (VsResults   *results,
                              const char  *path,
                              GError     **error);
/* The tags of the targets, in plan order. */
GStrv     vs_hlog_tags       (VsResults   *results);

G_END_DECLS
