/* vs-merge-private.h: one target's data rebuilt from its object in a JSON result (vs-merge.c),
 * for the readers of other result files (vs-capacity-json.c) */
#pragma once

#include <json-glib/json-glib.h>

#include "vs-results.h"

G_BEGIN_DECLS

/* Replays @object (a target as vs-export writes it: "intervals", "stats", "load_started_us",
 * …) into target @index of @results, which must have no snapshots of it yet; errors are
 * "PATH: FIELD.stats.counters.late: missing". */
gboolean _vs_merge_read_target (VsResults   *results,
                                guint        index,
                                JsonObject  *object,
                                const char  *path,
                                const char  *field,
                                GError     **error);

/* vs_merge_read_file() of a file parsed already (vs_result_data_load_file()). */
VsResults *_vs_merge_read_parsed (const char  *path,
                                  JsonParser  *parser,
                                  GError     **error);

G_END_DECLS
