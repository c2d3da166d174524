/* vs-cli-summary.h: the side-by-side table `versus run` prints when a run ends
 *
 * Targets are columns and metrics rows; with two targets or more, one column per other target
 * gives its ratio to the first (B/A, C/A …). Under the table: which engine ran, and a plain
 * warning when the generator itself fell behind its schedule.
 */
#pragma once

#include "vs-results.h"

G_BEGIN_DECLS

char      *vs_cli_summary_render      (VsResults *results);
/* One message per target that never got a response ("b could not be reached: …"); empty
 * when every target answered. */
GPtrArray *vs_cli_summary_unreachable (VsResults *results);

G_END_DECLS
