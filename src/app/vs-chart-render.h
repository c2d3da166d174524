/* vs-chart-render.h: the Cairo drawing of a chart — one code path for the widget and the
 * PNG/SVG exports
 *
 * A chart is drawn in three layers: the frame (title, legend, grid, axes, warm-up band), which
 * changes only when the model's ranges do; the data lines; and the hover read-out.
 */
#pragma once

#include <cairo.h>

#include "vs-chart-model.h"

G_BEGIN_DECLS

typedef struct
{
  double x, y, width, height;
} VsChartRect;

void     vs_chart_render_plot_rect (int           width,
                                    int           height,
                                    VsChartRect  *rect);
/* The data x under a pointer at px; FALSE outside the plot. */
gboolean vs_chart_render_x_at      (VsChartModel *model,
                                    int           width,
                                    int           height,
                                    double        px,
                                    double       *x);

void     vs_chart_render_frame     (VsChartModel *model,
                                    cairo_t      *cr,
                                    int           width,
                                    int           height,
                                    gboolean      dark,
                                    gboolean      background);
void     vs_chart_render_data      (VsChartModel *model,
                                    cairo_t      *cr,
                                    int           width,
                                    int           height,
                                    gboolean      dark);
/* Draws only what was appended since: from[i] is the number of points of series i already
 * drawn (the line resumes at the last of them). */
void     vs_chart_render_data_from (VsChartModel *model,
                                    cairo_t      *cr,
                                    int           width,
                                    int           height,
                                    gboolean      dark,
                                    const guint  *from);
void     vs_chart_render_hover     (VsChartModel *model,
                                    cairo_t      *cr,
                                    int           width,
                                    int           height,
                                    gboolean      dark,
                                    double        x);

gboolean vs_chart_render_to_png    (VsChartModel *model,
                                    const char   *path,
                                    int           width,
                                    int           height,
                                    gboolean      dark,
                                    GError      **error);
gboolean vs_chart_render_to_svg    (VsChartModel *model,
                                    const char   *path,
                                    int           width,
                                    int           height,
                                    gboolean      dark,
                                    GError      **error);

G_END_DECLS
