/* vs-chart.c: the chart widget
 *
 * The points live in a VsChartModel. The widget keeps two render nodes: the frame (title,
 * legend, grid, axes), rebuilt only when the model's ranges or the size or style change, and the
 * data lines, rebuilt when the model says new data arrived. Between ticks a frame costs two node
 * appends, plus the hover read-out when the pointer is over the plot.
 */
#include "config.h"

#include <adwaita.h>

#include "vs-chart.h"
#include "vs-chart-render.h"

struct _VsChart
{
  GtkWidget      parent_instance;
  VsChartModel  *model;
  GskRenderNode *frame_node;
  GskRenderNode *data_node;
  guint          frame_serial;
  guint          data_serial;
  int            node_width;
  int            node_height;
  gboolean       node_dark;
  double         hover_px;      /* < 0: no pointer over the chart */
  guint          frame_draws;
  guint          data_draws;
};

G_DEFINE_FINAL_TYPE (VsChart, vs_chart, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_MODEL, N_PROPS };
static GParamSpec *properties[N_PROPS];

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static void
model_changed_cb (VsChart      *self,
                  VsChartModel *model)
{
  /* Only new data redraws the chart. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
dark_changed_cb (VsChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static GskRenderNode *
cairo_node (int       width,
            int       height,
            gpointer  model,
            gboolean  dark,
            void    (*draw) (VsChartModel *, cairo_t *, int, int, gboolean))
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  draw (model, cr, width, height, dark);
  cairo_destroy (cr);
  return gtk_snapshot_free_to_node (snapshot);
}

static void
render_frame_no_background (VsChartModel *model,
                            cairo_t      *cr,
                            int           width,
                            int           height,
                            gboolean      dark)
{
  vs_chart_render_frame (model, cr, width, height, dark, FALSE);
}

static void
vs_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  VsChart *self = VS_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean dark = is_dark ();
  gboolean geometry_changed;

  if (self->model == NULL || width <= 0 || height <= 0)
    return;

  geometry_changed = width != self->node_width || height != self->node_height ||
                     dark != self->node_dark;

  if (self->frame_node == NULL || geometry_changed ||
      self->frame_serial != vs_chart_model_get_frame_serial (self->model))
    {
      g_clear_pointer (&self->frame_node, gsk_render_node_unref);
      self->frame_node = cairo_node (width, height, self->model, dark,
                                     render_frame_no_background);
      self->frame_serial = vs_chart_model_get_frame_serial (self->model);
      self->frame_draws++;
      /* the data is mapped through the frame's ranges */
      g_clear_pointer (&self->data_node, gsk_render_node_unref);
    }

  if (self->data_node == NULL || geometry_changed ||
      self->data_serial != vs_chart_model_get_data_serial (self->model))
    {
      g_clear_pointer (&self->data_node, gsk_render_node_unref);
      self->data_node = cairo_node (width, height, self->model, dark, vs_chart_render_data);
      self->data_serial = vs_chart_model_get_data_serial (self->model);
      self->data_draws++;
    }

  self->node_width = width;
  self->node_height = height;
  self->node_dark = dark;

  gtk_snapshot_append_node (snapshot, self->frame_node);
  gtk_snapshot_append_node (snapshot, self->data_node);

  if (self->hover_px >= 0)
    {
      double x;

      if (vs_chart_render_x_at (self->model, width, height, self->hover_px, &x))
        {
          cairo_t *cr = gtk_snapshot_append_cairo (snapshot,
                                                   &GRAPHENE_RECT_INIT (0, 0, width, height));

          vs_chart_render_hover (self->model, cr, width, height, dark, x);
          cairo_destroy (cr);
        }
    }
}

static void
motion_cb (VsChart                  *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  self->hover_px = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (VsChart                  *self,
          GtkEventControllerMotion *controller)
{
  self->hover_px = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
vs_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 280, *natural = 480;
  else
    *minimum = 200, *natural = 260;
}

static void
vs_chart_set_model (VsChart      *self,
                    VsChartModel *model)
{
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, model_changed_cb, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect_object (model, "changed", G_CALLBACK (model_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  g_clear_pointer (&self->data_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
vs_chart_dispose (GObject *object)
{
  VsChart *self = VS_CHART (object);

  g_clear_object (&self->model);
  g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  g_clear_pointer (&self->data_node, gsk_render_node_unref);
  G_OBJECT_CLASS (vs_chart_parent_class)->dispose (object);
}

static void
vs_chart_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  VsChart *self = VS_CHART (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_chart_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  VsChart *self = VS_CHART (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      vs_chart_set_model (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vs_chart_class_init (VsChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_chart_dispose;
  object_class->get_property = vs_chart_get_property;
  object_class->set_property = vs_chart_set_property;
  widget_class->snapshot = vs_chart_snapshot;
  widget_class->measure = vs_chart_measure;

  properties[PROP_MODEL] = g_param_spec_object ("model", NULL, NULL, VS_TYPE_CHART_MODEL,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "chart");
}

static void
vs_chart_init (VsChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->hover_px = -1;
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
}

GtkWidget *
vs_chart_new (VsChartModel *model)
{
  return g_object_new (VS_TYPE_CHART, "model", model, NULL);
}

VsChartModel *
vs_chart_get_model (VsChart *self)
{
  g_return_val_if_fail (VS_IS_CHART (self), NULL);
  return self->model;
}

guint
vs_chart_get_frame_draws (VsChart *self)
{
  return self->frame_draws;
}

guint
vs_chart_get_data_draws (VsChart *self)
{
  return self->data_draws;
}
