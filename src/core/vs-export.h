/* vs-export.h: result files — summary.csv, timeseries.csv and the JSON result
 *
 * The CSV columns are documented in the README and stable: RFC 4180 quoting, dot decimals,
 * units in the header names. The JSON carries everything, with a schema version.
 */
#pragma once

#include <gio/gio.h>

#include "vs-capacity.h"
#include "vs-results.h"

G_BEGIN_DECLS

#define VS_RESULT_SCHEMA_VERSION 1
/* A capacity search's JSON (vs_export_capacity_json()): its own document, with its own
 * version key, so that a reader of runs' results never takes it for one. */
#define VS_CAPACITY_SCHEMA_VERSION 1

gboolean  vs_export_summary_csv    (VsResults     *results,
                                    GOutputStream *stream,
                                    GError       **error);
gboolean  vs_export_timeseries_csv (VsResults     *results,
                                    GOutputStream *stream,
                                    GError       **error);
gboolean  vs_export_json           (VsResults     *results,
                                    GOutputStream *stream,
                                    GError       **error);
/* Writes dir/summary.csv and dir/timeseries.csv, creating dir. */
gboolean  vs_export_csv_dir        (VsResults     *results,
                                    const char    *dir,
                                    GError       **error);
gboolean  vs_export_json_file      (VsResults     *results,
                                    const char    *path,
                                    GError       **error);

/* A capacity search: dir/summary.csv (per target, the figures of its step at capacity, or of
 * its first step when none; capacity_rps), dir/steps.csv (one row per step: step, phase,
 * offered_rps, kept, limited_by_generator, why, then the summary columns) and
 * dir/timeseries.csv (with a step column first). */
gboolean  vs_export_capacity_csv_dir (VsCapacity  *capacity,
                                      const char  *dir,
                                      GError     **error);

/* A capacity search as one JSON document (README "Result files"): "capacity_schema_version",
 * "versus_version", "started" and "engine" (the first step's), "plan", "targets" (per target
 * capacity_rps or null, limited, at_max, failed_rps, limited_rps and the sentence "text"),
 * "steps" (per step target, step, phase, offered_rps, kept, limited, why, started, then the
 * members of a run's target: summary, thresholds, intervals, stats, …, and the step's notes)
 * and "error" (why a step could not start, or null). vs-capacity-json.h reads it back. */
gboolean  vs_export_capacity_json      (VsCapacity     *capacity,
                                        GOutputStream  *stream,
                                        GError        **error);
gboolean  vs_export_capacity_json_file (VsCapacity     *capacity,
                                        const char     *path,
                                        GError        **error);

/* Appends one RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
void      vs_csv_append_field      (GString       *line,
                                    const char    *value);

G_END_DECLS
