/* vs-chart.c: the chart widget
 *
 * The points live in a VsChartModel. The widget keeps two rendered layers as texture nodes: the
 * frame (title, legend, grid, axes), redrawn only when the model's ranges or the size or style
 * change, and the data lines, which are extended in place when the series only grew (the usual
 * tick: one new point per series) and redrawn whole otherwise. A frame between ticks costs two
 * node appends, plus the hover read-out when the pointer is over the plot.
 */
#include "config.h"

#include <adwaita.h>

#include "vs-chart.h"
#include "vs-chart-render.h"

struct _VsChart
{
  GtkWidget        parent_instance;
  VsChartModel    *model;
  cairo_surface_t *frame_surface;
  cairo_surface_t *data_surface;
  GdkTexture      *frame_texture;  /* the surfaces as textures, made when a GPU renderer asks */
  GdkTexture      *data_texture;
  GArray          *drawn;        /* guint per series: points on data_surface */
  GArray          *drawn_last;   /* double x, y per series: the last point drawn */
  guint            frame_serial;
  guint            data_serial;
  int              node_width;
  int              node_height;
  int              node_scale;
  gboolean         node_dark;
  double           hover_px;      /* < 0: no pointer over the chart */
  guint            frame_draws;
  guint            data_draws;
  guint            data_extends;
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

static cairo_surface_t *
make_surface (int width,
              int height,
              int scale)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale,
                                                         height * scale);

  cairo_surface_set_device_scale (surface, scale, scale);
  return surface;
}

static GdkTexture *
texture_from_surface (cairo_surface_t *surface)
{
  g_autoptr(GBytes) bytes = NULL;
  int stride = cairo_image_surface_get_stride (surface);
  int height = cairo_image_surface_get_height (surface);

  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface), (gsize) stride * height);
  /* GDK_MEMORY_DEFAULT is laid out as Cairo's ARGB32 */
  return gdk_memory_texture_new (cairo_image_surface_get_width (surface), height,
                                 GDK_MEMORY_DEFAULT, bytes, stride);
}

static void
draw_frame (VsChart *self,
            int      width,
            int      height,
            int      scale,
            gboolean dark)
{
  cairo_surface_t *surface = make_surface (width, height, scale);
  cairo_t *cr = cairo_create (surface);

  vs_chart_render_frame (self->model, cr, width, height, dark, FALSE);
  cairo_destroy (cr);
  g_clear_object (&self->frame_texture);
  g_clear_pointer (&self->frame_surface, cairo_surface_destroy);
  self->frame_surface = surface;
  self->frame_draws++;
}

/* TRUE when every series still starts with what is on the surface: only appended to. */
static gboolean
only_appended (VsChart *self)
{
  guint n = vs_chart_model_get_n_series (self->model);

  if (n != self->drawn->len)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const VsChartSeries *s = vs_chart_model_get_series (self->model, i);
      guint drawn = g_array_index (self->drawn, guint, i);
      const double *last = &g_array_index (self->drawn_last, double, 2 * i);

      if (s->x->len < drawn)
        return FALSE;
      if (drawn > 0 &&
          (g_array_index (s->x, double, drawn - 1) != last[0] ||
           g_array_index (s->y, double, drawn - 1) != last[1]))
        return FALSE;
    }
  return TRUE;
}

static void
remember_drawn (VsChart *self)
{
  guint n = vs_chart_model_get_n_series (self->model);

  g_array_set_size (self->drawn, n);
  g_array_set_size (self->drawn_last, 2 * n);
  for (guint i = 0; i < n; i++)
    {
      const VsChartSeries *s = vs_chart_model_get_series (self->model, i);
      double *last = &g_array_index (self->drawn_last, double, 2 * i);

      g_array_index (self->drawn, guint, i) = s->x->len;
      if (s->x->len > 0)
        {
          last[0] = g_array_index (s->x, double, s->x->len - 1);
          last[1] = g_array_index (s->y, double, s->x->len - 1);
        }
    }
}

static void
draw_data (VsChart  *self,
           int       width,
           int       height,
           int       scale,
           gboolean  dark,
           gboolean  whole)
{
  cairo_t *cr;

  if (whole || self->data_surface == NULL || !only_appended (self))
    {
      g_clear_pointer (&self->data_surface, cairo_surface_destroy);
      self->data_surface = make_surface (width, height, scale);
      cr = cairo_create (self->data_surface);
      vs_chart_render_data (self->model, cr, width, height, dark);
      self->data_draws++;
    }
  else
    {
      cr = cairo_create (self->data_surface);
      vs_chart_render_data_from (self->model, cr, width, height, dark,
                                 (const guint *) (gpointer) self->drawn->data);
      self->data_extends++;
    }
  cairo_destroy (cr);
  remember_drawn (self);
  g_clear_object (&self->data_texture);
}

/* Cairo's renderer paints a surface fastest as it is; a GPU renderer wants a texture, which it
 * then keeps on the GPU until the layer changes. */
static void
append_layer (GtkSnapshot            *snapshot,
              gboolean                use_cairo,
              cairo_surface_t        *surface,
              GdkTexture            **texture,
              const graphene_rect_t  *bounds)
{
  if (use_cairo)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, bounds);

      cairo_set_source_surface (cr, surface, 0, 0);
      cairo_paint (cr);
      cairo_destroy (cr);
      return;
    }
  if (*texture == NULL)
    *texture = texture_from_surface (surface);
  gtk_snapshot_append_texture (snapshot, *texture, bounds);
}

static void
vs_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  VsChart *self = VS_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  gboolean dark = is_dark ();
  gboolean whole, use_cairo;
  graphene_rect_t bounds;
  GskRenderer *renderer;
  GtkNative *native;

  if (self->model == NULL || width <= 0 || height <= 0)
    return;

  whole = width != self->node_width || height != self->node_height ||
          scale != self->node_scale || dark != self->node_dark;

  if (self->frame_surface == NULL || whole ||
      self->frame_serial != vs_chart_model_get_frame_serial (self->model))
    {
      draw_frame (self, width, height, scale, dark);
      self->frame_serial = vs_chart_model_get_frame_serial (self->model);
      /* the data is mapped through the frame's ranges */
      whole = TRUE;
    }

  if (self->data_surface == NULL || whole ||
      self->data_serial != vs_chart_model_get_data_serial (self->model))
    {
      draw_data (self, width, height, scale, dark, whole);
      self->data_serial = vs_chart_model_get_data_serial (self->model);
    }

  self->node_width = width;
  self->node_height = height;
  self->node_scale = scale;
  self->node_dark = dark;

  bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  native = gtk_widget_get_native (widget);
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  use_cairo = renderer == NULL || GSK_IS_CAIRO_RENDERER (renderer);
  append_layer (snapshot, use_cairo, self->frame_surface, &self->frame_texture, &bounds);
  append_layer (snapshot, use_cairo, self->data_surface, &self->data_texture, &bounds);

  if (self->hover_px >= 0)
    {
      double x;

      if (vs_chart_render_x_at (self->model, width, height, self->hover_px, &x))
        {
          cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &bounds);

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
  g_clear_object (&self->frame_texture);
  g_clear_object (&self->data_texture);
  g_clear_pointer (&self->frame_surface, cairo_surface_destroy);
  g_clear_pointer (&self->data_surface, cairo_surface_destroy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
vs_chart_dispose (GObject *object)
{
  VsChart *self = VS_CHART (object);

  g_clear_object (&self->model);
  g_clear_object (&self->frame_texture);
  g_clear_object (&self->data_texture);
  g_clear_pointer (&self->frame_surface, cairo_surface_destroy);
  g_clear_pointer (&self->data_surface, cairo_surface_destroy);
  g_clear_pointer (&self->drawn, g_array_unref);
  g_clear_pointer (&self->drawn_last, g_array_unref);
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
  self->drawn = g_array_new (FALSE, TRUE, sizeof (guint));
  self->drawn_last = g_array_new (FALSE, TRUE, sizeof (double));
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

guint
vs_chart_get_data_extends (VsChart *self)
{
  return self->data_extends;
}
