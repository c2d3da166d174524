/* vs-merge.h: `versus merge` — results of one plan, run apart, as one result
 *
 * Inputs are JSON results (vs-export.h) of the same plan and engine: the segments of one
 * `--segment I/N` split, or whole runs. Counts add; histograms (the JSON's whole ones, not its
 * percentiles) add slot by slot, which is exact because every result has Versus's one layout;
 * each target's intervals are aligned on the wall clock (each input shifted by the whole ticks
 * between its load's start and the earliest one's) and the rows of one tick and phase added; every
 * figure is then computed afresh from the merged counts and histograms by the code that computes
 * a run's own, so nothing is averaged. The merged measured phase is the longest input's (the
 * segments ran at the same time), and the generator is the sum of the inputs' threads.
 *
 * Refused, with a message naming the file and the reason: a file that is not a regular file within
 * VS_RESULT_MAX_BYTES, text nested deeper than VS_RESULT_MAX_DEPTH, a file that is not a JSON result or
 * lacks the whole histograms, a capacity search's JSON (vs-capacity-json.h reads that) (written before they were added), results of different plans (the
 * first field that differs is named) or engines, a segment given twice, segments of different
 * splits, or a mix of segments and whole runs.
 */
#pragma once

#include "vs-results.h"

G_BEGIN_DECLS

/* The largest JSON result read, and how deeply it may nest (it needs about 8 levels; json-glib
 * 1.6 parses recursively, so deeper text is refused before it parses). */
#define VS_RESULT_MAX_BYTES (256 * 1024 * 1024)
#define VS_RESULT_MAX_DEPTH 32

VsResults *vs_merge_files (const char * const *paths,
                           guint               n_paths,
                           GError            **error);
/* One result file read back as it was written (a merge of one): what the window opens, and
 * what it recovers after a crash. */
VsResults *vs_merge_read_file (const char  *path,
                               GError     **error);

G_END_DECLS
