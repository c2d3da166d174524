/* vs-app-testing.h: what the UI tests read out of the widgets — the figures and cells as
 * shown, the editable widget of a field, how often a chart drew. Production code does not
 * include this header; the widgets that define these functions do. */
#pragma once

#include "vs-chart.h"
#include "vs-plan-editor.h"
#include "vs-results-table.h"
#include "vs-target-card.h"
#include "vs-target-row.h"

G_BEGIN_DECLS

/* How often the frame (axes, grid) was drawn rather than reused, how often the data layer was
 * drawn whole, and how often it was only extended with appended points. */
guint        vs_chart_get_frame_draws      (VsChart        *self);
guint        vs_chart_get_data_draws       (VsChart        *self);
guint        vs_chart_get_data_extends     (VsChart        *self);

/* The text of a cell (row 0 and column 0 are headings); NULL outside the table. */
const char  *vs_results_table_get_cell     (VsResultsTable *self,
                                            guint           row,
                                            guint           column);

/* The figures as shown: "rps", "requests", "p50", "p99", "errors"; the captions
 * "rps-caption", "p50-caption", "requests-caption" and "errors-caption"; "note", the notes
 * about the target ("" when none); "protocol", the HTTP version answered in ("" before any
 * response); "title-markup", the title with its coloured dot; "thresholds", the pass/fail
 * mark of its thresholds ("" without); "state" (waiting, measuring, done, server failed);
 * "server-cpu", "server-memory" and their "-caption"s, "server-cores", "generator-cores";
 * "log", what the Log button's popover shows ("" without the button). */
const char  *vs_target_card_get_figure     (VsTargetCard   *self,
                                            const char     *key);

/* The editable widget of a field ("url", "headers", or "headers[1]" for the headers field),
 * or NULL. */
GtkWidget   *vs_target_row_get_field       (VsTargetRow    *self,
                                            const char     *path);

guint        vs_plan_editor_get_n_targets  (VsPlanEditor   *self);
VsTargetRow *vs_plan_editor_get_target_row (VsPlanEditor   *self,
                                            guint           index);
/* The load or mode field where a problem at path ("load.duration", "mode", …) is shown, or
 * NULL. */
GtkWidget   *vs_plan_editor_get_field      (VsPlanEditor   *self,
                                            const char     *path);

G_END_DECLS
