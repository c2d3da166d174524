/* vs-export.h: result files — summary.csv, timeseries.csv and the JSON result
 *
 * The CSV columns are documented in the README and stable: RFC 4180 quoting, dot decimals,
 * units in the header names. The JSON carries everything, with a schema version.
 */
#pragma once

#include <gio/gio.h>

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

/* Appends one RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
void      vs_csv_append_field      (GString       *line,
                                    const char    *value);

G_END_DECLS
