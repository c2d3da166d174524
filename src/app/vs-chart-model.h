/* vs-chart-model.h: what one chart shows, kept off the widget
 *
 * Plain arrays of points per series. The dashboard fills them from VsResults on every tick and
 * calls vs_chart_model_changed() once; the widget and the PNG/SVG exporters only read them.
 * The axis ranges are rounded here, so the widget can keep its cached axes while the data
 * stays inside them.
 */
#pragma once

#include <glib-object.h>

#include "vs-units.h"

G_BEGIN_DECLS

typedef enum
{
  VS_CHART_THROUGHPUT,
  VS_CHART_LATENCY,
  VS_CHART_SPECTRUM,
  VS_CHART_ERRORS,
  VS_CHART_SERVER_CPU,     /* the targets' servers (issue 11): shown when one has a server */
  VS_CHART_SERVER_MEMORY,
  VS_CHART_CONNECTIONS,    /* closed-model stages: requests in flight against the plan's level */
  VS_CHART_CAPACITY,       /* a capacity search: latency against the offered rate (issue 12) */
  VS_N_CHARTS
} VsChartKind;

/* A series colour for legend entries that explain a line style rather than name a target */
#define VS_CHART_COLOR_NEUTRAL G_MAXUINT

/* How a point is marked (series with points): a step of a capacity search kept every threshold,
 * failed one, or was limited by the generator. */
typedef enum
{
  VS_CHART_POINT_NONE,     /* no marker: a plain line */
  VS_CHART_POINT_KEPT,     /* a filled dot */
  VS_CHART_POINT_FAILED,   /* a ring */
  VS_CHART_POINT_LIMITED,  /* a cross */
} VsChartPoint;

typedef struct
{
  char         *label;
  guint         color;     /* index into the target palette, or VS_CHART_COLOR_NEUTRAL */
  gboolean      dashed;
  gboolean      legend;    /* listed in the legend */
  GArray       *x;         /* double, ascending */
  GArray       *y;         /* double */
  GArray       *points;    /* guint8 VsChartPoint per point, or NULL: no markers */
  gboolean      faint;     /* drawn lighter (the p50 beside a p99) */
  VsChartPoint  marker;    /* in the legend: this marker instead of a line */
} VsChartSeries;

/* A mark across the plot: vertical at x (the knee of a capacity curve, drawn from the axis up
 * to y, in the series colour, labelled), or horizontal at y (a threshold's limit, x NaN). */
typedef struct
{
  double  x;
  double  y;
  guint   color;   /* index into the target palette, or VS_CHART_COLOR_NEUTRAL */
  char   *label;
} VsChartMark;

#define VS_TYPE_CHART_MODEL (vs_chart_model_get_type ())
G_DECLARE_FINAL_TYPE (VsChartModel, vs_chart_model, VS, CHART_MODEL, GObject)

VsChartModel        *vs_chart_model_new          (VsChartKind          kind);
VsChartKind          vs_chart_model_get_kind     (VsChartModel        *self);
const char          *vs_chart_model_get_title    (VsChartModel        *self);
const char          *vs_chart_model_get_name     (VsChartModel        *self);  /* file stem */
VsUnit               vs_chart_model_get_x_unit   (VsChartModel        *self);
VsUnit               vs_chart_model_get_y_unit   (VsChartModel        *self);

void                 vs_chart_model_clear        (VsChartModel        *self);
guint                vs_chart_model_add_series   (VsChartModel        *self,
                                                  const char          *label,
                                                  guint                color,
                                                  gboolean             dashed,
                                                  gboolean             legend);
void                 vs_chart_model_append       (VsChartModel        *self,
                                                  guint                series,
                                                  double               x,
                                                  double               y);
guint                vs_chart_model_get_n_series (VsChartModel        *self);
const VsChartSeries *vs_chart_model_get_series   (VsChartModel        *self,
                                                  guint                series);
guint                vs_chart_model_get_n_points (VsChartModel        *self);  /* all series */
/* A point with a marker (the series gets markers from then on). */
void                 vs_chart_model_append_point (VsChartModel        *self,
                                                  guint                series,
                                                  double               x,
                                                  double               y,
                                                  VsChartPoint         point);
/* A legend entry that explains a marker or a line style. */
void                 vs_chart_model_set_series_style (VsChartModel    *self,
                                                      guint            series,
                                                      gboolean         faint,
                                                      VsChartPoint     marker);
/* Marks are cleared with the series; x NaN: a horizontal rule at y. */
void                 vs_chart_model_add_mark     (VsChartModel        *self,
                                                  double               x,
                                                  double               y,
                                                  guint                color,
                                                  const char          *label);
guint                vs_chart_model_get_n_marks  (VsChartModel        *self);
const VsChartMark   *vs_chart_model_get_mark     (VsChartModel        *self,
                                                  guint                index);
/* The x axis is logarithmic: a rate axis whose points span more than a factor of 10. */
gboolean             vs_chart_model_get_x_log    (VsChartModel        *self);
/* The ticks of a logarithmic axis (1, 2, 5 × 10ⁿ within the range), double. */
GArray              *vs_chart_model_get_log_ticks (VsChartModel       *self);

/* The band drawn set apart (warm-up), in x units; x1 <= x0 for none. */
void                 vs_chart_model_set_shade    (VsChartModel        *self,
                                                  double               x0,
                                                  double               x1);
gboolean             vs_chart_model_get_shade    (VsChartModel        *self,
                                                  double              *x0,
                                                  double              *x1);
/* At least this much x range, so charts sharing the time axis line up. */
void                 vs_chart_model_set_x_extent (VsChartModel        *self,
                                                  double               x_max);

/* Recomputes the ranges and emits "changed". Call once after a batch of edits. */
void                 vs_chart_model_changed      (VsChartModel        *self);
void                 vs_chart_model_get_range    (VsChartModel        *self,
                                                  double              *x_min,
                                                  double              *x_max,
                                                  double              *y_min,
                                                  double              *y_max);
double               vs_chart_model_get_x_step   (VsChartModel        *self);
double               vs_chart_model_get_y_step   (VsChartModel        *self);
/* Bumped when anything but the points changes (ranges, series, shade): the axes cache key. */
guint                vs_chart_model_get_frame_serial (VsChartModel    *self);
guint                vs_chart_model_get_data_serial  (VsChartModel    *self);

/* Index of the point of series nearest to x, or -1 when it has none. */
int                  vs_chart_series_nearest     (const VsChartSeries *series,
                                                  double               x);

G_END_DECLS
