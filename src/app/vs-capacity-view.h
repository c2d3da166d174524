/* vs-capacity-view.h: a capacity search as the window shows it — what each target kept, the
 * chart of latency against the offered rate, and the steps as they come */
#pragma once

#include <gtk/gtk.h>

#include "vs-capacity.h"
#include "vs-chart-model.h"

G_BEGIN_DECLS

#define VS_TYPE_CAPACITY_VIEW (vs_capacity_view_get_type ())
G_DECLARE_FINAL_TYPE (VsCapacityView, vs_capacity_view, VS, CAPACITY_VIEW, GtkWidget)

/* @model: the VS_CHART_CAPACITY model it fills and draws. */
GtkWidget  *vs_capacity_view_new          (VsChartModel   *model);
/* The search shown (NULL: none); call update after each of its steps. */
void        vs_capacity_view_set_capacity (VsCapacityView *self,
                                           VsCapacity     *capacity);
void        vs_capacity_view_update       (VsCapacityView *self);
/* Whose step is running now (its sentence waits for the end of its search) and what it is
 * ("node: step 3 at 320 req/s"); G_MAXUINT and NULL when nothing runs. */
void        vs_capacity_view_set_running  (VsCapacityView *self,
                                           guint           target,
                                           const char     *text);
/* Each target's capacity sentence (vs_capacity_describe()), a line each; NULL before any. */
const char *vs_capacity_view_get_sentences (VsCapacityView *self);
/* The steps table: row 0 the headings, then a row per step in the order they ran. */
const char *vs_capacity_view_get_cell     (VsCapacityView *self,
                                           guint           row,
                                           guint           column);
GtkWidget  *vs_capacity_view_get_chart    (VsCapacityView *self);

/* The chart of a search: per target its p99 through each step (the marker says kept, failed
 * or limited by the generator) and its p50 lighter, the knee at its capacity, each latency
 * threshold a line. Exposed for the tests and exports. */
void        vs_capacity_view_fill_model   (VsCapacity     *capacity,
                                           VsChartModel   *model);

G_END_DECLS
