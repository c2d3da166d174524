/* vs-chart.h: a chart widget drawing a VsChartModel (Sysprof style: snapshot, cached axes) */
#pragma once

#include <gtk/gtk.h>

#include "vs-chart-model.h"

G_BEGIN_DECLS

#define VS_TYPE_CHART (vs_chart_get_type ())
G_DECLARE_FINAL_TYPE (VsChart, vs_chart, VS, CHART, GtkWidget)

GtkWidget    *vs_chart_new              (VsChartModel *model);
VsChartModel *vs_chart_get_model        (VsChart      *self);
/* For tests: how often the frame (axes, grid) was drawn rather than reused, how often the data
 * layer was drawn whole, and how often it was only extended with appended points. */
guint         vs_chart_get_frame_draws  (VsChart      *self);
guint         vs_chart_get_data_draws   (VsChart      *self);
guint         vs_chart_get_data_extends (VsChart      *self);

G_END_DECLS
