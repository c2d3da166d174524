/* vs-results-table.h: the whole run side by side — a metric per row, a column per target and
 * a ratio column per target against the first */
#pragma once

#include <gtk/gtk.h>

#include "vs-capacity.h"
#include "vs-results.h"

G_BEGIN_DECLS

#define VS_TYPE_RESULTS_TABLE (vs_results_table_get_type ())
G_DECLARE_FINAL_TYPE (VsResultsTable, vs_results_table, VS, RESULTS_TABLE, GtkWidget)

GtkWidget  *vs_results_table_new      (void);
void        vs_results_table_set_results (VsResultsTable *self,
                                          VsResults      *results);
/* A capacity search: per target its capacity, the rate of the step whose figures follow (the
 * one at its capacity, else its first) and those figures; no ratios, as the rates differ. */
void        vs_results_table_set_capacity (VsResultsTable *self,
                                           VsCapacity     *capacity);

G_END_DECLS
