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

/* Appends one RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
void      vs_csv_append_field      (GString       *line,
                                    const char    *value);

G_END_DECLS
