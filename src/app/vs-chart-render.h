/* vs-chart-render.h: the Cairo drawing of a chart — one code path for the widget and the
 * PNG/SVG exports
 *
 * A chart is drawn in three layers: the frame (title, legend, grid, axes, warm-up band), which
 * changes only when the model's ranges do; the data lines; and the hover read-out. Every colour
 * and font comes from a VsChartStyle: the widget's (its CSS, the accent colour, high contrast,
 * its Pango context's font and resolution, see vs_chart_style_init_from_widget()), or the fixed
 * one of the exports. The margins follow the font size, so large text still fits.
 */
#pragma once

#include <cairo.h>
#include <gdk/gdk.h>
#include <pango/pango.h>

#include "vs-chart-model.h"

G_BEGIN_DECLS

typedef struct
{
  GdkRGBA               background;  /* painted by the exports only */
  GdkRGBA               text;        /* title, legend, read-out */
  GdkRGBA               dim;         /* tick labels, "warm-up", "No errors" */
  GdkRGBA               grid;
  GdkRGBA               axis;
  GdkRGBA               shade;       /* the warm-up band */
  GdkRGBA               accent;      /* the hover cursor */
  GdkRGBA               hover_bg;    /* the read-out's box */
  GdkRGBA               hover_fg;
  gboolean              dark;        /* target colours: the palette's shades for dark grounds */
  double                line_width;  /* of the data lines */
  PangoFontDescription *font;        /* labels; owned */
  PangoFontDescription *title_font;  /* owned */
  double                resolution;  /* dots per inch the fonts are drawn at (text scaling) */
} VsChartStyle;

/* The exports' style, the same on every desktop: light, "Sans 9" at 96 dpi. */
void     vs_chart_style_init_export (VsChartStyle       *style);
void     vs_chart_style_clear       (VsChartStyle       *style);
gboolean vs_chart_style_equal       (const VsChartStyle *a,
                                     const VsChartStyle *b);

typedef struct
{
  double x, y, width, height;
} VsChartRect;

void     vs_chart_render_plot_rect (const VsChartStyle *style,
                                    int                 width,
                                    int                 height,
                                    VsChartRect        *rect);
/* The data x under a pointer at px; FALSE outside the plot. */
gboolean vs_chart_render_x_at      (VsChartModel       *model,
                                    const VsChartStyle *style,
                                    int                 width,
                                    int                 height,
                                    double              px,
                                    double             *x);

void     vs_chart_render_frame     (VsChartModel       *model,
                                    cairo_t            *cr,
                                    int                 width,
                                    int                 height,
                                    const VsChartStyle *style,
                                    gboolean            background);
void     vs_chart_render_data      (VsChartModel       *model,
                                    cairo_t            *cr,
                                    int                 width,
                                    int                 height,
                                    const VsChartStyle *style);
/* Draws only what was appended since: from[i] is the number of points of series i already
 * drawn (the line resumes at the last of them). */
void     vs_chart_render_data_from (VsChartModel       *model,
                                    cairo_t            *cr,
                                    int                 width,
                                    int                 height,
                                    const VsChartStyle *style,
                                    const guint        *from);
void     vs_chart_render_hover     (VsChartModel       *model,
                                    cairo_t            *cr,
                                    int                 width,
                                    int                 height,
                                    const VsChartStyle *style,
                                    double              x);

/* Both draw with the exports' fixed style. */
gboolean vs_chart_render_to_png    (VsChartModel       *model,
                                    const char         *path,
                                    int                 width,
                                    int                 height,
                                    GError            **error);
gboolean vs_chart_render_to_svg    (VsChartModel       *model,
                                    const char         *path,
                                    int                 width,
                                    int                 height,
                                    GError            **error);

G_END_DECLS
