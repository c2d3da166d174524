/* vs-capacity-json.h: a capacity search read back from its JSON (vs_export_capacity_json())
 *
 * What comes back is a VsCapacity that is over (never started): its plan, every step with its
 * own run's results rebuilt exactly from the whole counters and histograms the file carries
 * (the step's plan made again from the search's, as the search made it), and each target's
 * result, so that everything that shows or writes a live search — vs_capacity_get_steps(),
 * vs_capacity_get_result(), vs_capacity_describe(), the capacity CSV — shows the file as it
 * was. A run's result (`versus run --json` without --capacity) is refused with that said, and
 * a damaged file with the field: "FILE: steps[3].offered_rps: missing, or not a number".
 */
#pragma once

#include "vs-capacity.h"

G_BEGIN_DECLS

VsCapacity *vs_capacity_json_read_file (const char  *path,
                                        GError     **error);

G_END_DECLS
