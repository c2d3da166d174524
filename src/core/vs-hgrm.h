/* vs-hgrm.h: percentile distributions (.hgrm) as wrk2 prints them
 *
 * The text of HdrHistogram_c's hdr_percentiles_print (histogram, out, 5, 1000.0, CLASSIC), which
 * is what `wrk2 -L` prints and what HdrHistogram's percentile-distribution plotter reads: the
 * "Value Percentile TotalCount 1/(1-Percentile)" header, one line per percentile step (5 ticks per
 * half distance to 100 %), and the "#[Mean …]", "#[Max …]", "#[Buckets …]" footer. Values are
 * milliseconds. As in every HdrHistogram reader, a value is the highest of its slot (3
 * significant digits) and so is Max; Mean and StdDeviation are Versus's exact figures (the
 * libraries estimate them from the slots' middles, within 1/2048 of them).
 */
#pragma once

#include "vs-results.h"

G_BEGIN_DECLS

char     *vs_hgrm_render    (const VsHistogram *latency);
/* Writes DIR/<target>.hgrm for every target (the name made safe for a file name with
 * vs_hdr_safe_names()), creating DIR; each file replaced atomically. */
gboolean  vs_hgrm_write_dir (VsResults         *results,
                             const char        *dir,
                             GError           **error);

G_END_DECLS
