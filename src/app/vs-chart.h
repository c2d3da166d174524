/* vs-chart.h: a chart widget drawing a VsChartModel (Sysprof style: snapshot, cached axes) */
#pragma once

#include <gtk/gtk.h>

#include "vs-chart-model.h"
#include "vs-chart-render.h"

G_BEGIN_DECLS

#define VS_TYPE_CHART (vs_chart_get_type ())
G_DECLARE_FINAL_TYPE (VsChart, vs_chart, VS, CHART, GtkWidget)

GtkWidget    *vs_chart_new              (VsChartModel *model);
/* The style a widget draws charts with: its CSS colour, the named colours chart_dim_color,
 * chart_grid_color, chart_axis_color, chart_shade_color, chart_hover_bg_color,
 * chart_hover_fg_color and accent_color, and its Pango context's font and resolution. Clear
 * it with vs_chart_style_clear(). */
void          vs_chart_style_init_from_widget (VsChartStyle *style,
                                               GtkWidget    *widget);

G_END_DECLS
