/* vs-capacity-json.h: a capacity search read back from its JSON (vs_export_capacity_json())
 *
 * What comes back is a VsCapacity that is over (never started): its plan, every step with its
 * own run's results rebuilt exactly from the whole counters and histograms the file carries
 * (the step's plan made again from the search's, as the search made it), and each target's
 * result, so that everything that shows or writes a live search — vs_capacity_get_steps(),
 * vs_capacity_get_result(), vs_capacity_describe(), the capacity CSV — shows the file as it
 * was. A run's result (`versus run --json` without --capacity) is refused with that said, and
 * a damaged file with the field: "FILE: steps[3].offered_rps: missing, or not a number".
 *
 * It reads and parses the whole file on the caller's thread: the window calls it from a worker
 * (GTask), as it does vs_merge_files(); the search it returns is plain data until used, never
 * started, and can then be handed to the main thread. vs_merge_files() refuses the same file
 * with "FILE: the result of a capacity search, not of one run: …"; vs_capacity_json_open_file()
 * opens either kind, reading the file once.
 */
#pragma once

#include "vs-capacity.h"

G_BEGIN_DECLS

VsCapacity *vs_capacity_json_read_file (const char  *path,
                                        GError     **error);
/* The result file at @path, whichever kind: a capacity search's (*capacity set) or a run's
 * (*results set, as vs_merge_read_file() reads it); FALSE with the reason when neither. */
gboolean    vs_capacity_json_open_file (const char  *path,
                                        VsCapacity **capacity,
                                        VsResults  **results,
                                        GError     **error);

G_END_DECLS
