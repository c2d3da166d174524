/* vs-chart.c: the chart widget
 *
 * The points live in a VsChartModel. The widget keeps two rendered layers as texture nodes: the
 * frame (title, legend, grid, axes), redrawn only when the model's ranges or the size or style
 * change, and the data lines, which are extended in place when the series only grew (the usual
 * tick: one new point per series) and redrawn whole otherwise. A frame between ticks costs two
 * node appends, plus the hover read-out when the pointer is over the plot.
 *
 * Colours and fonts are the widget's own (vs_chart_style_init_from_widget()): named colours
 * from ui/style.css and its dark and high-contrast variants, the accent colour, and the font
 * and resolution of the widget's Pango context. A change of either (theme, accent, text
 * scaling) redraws both layers; nothing asks the style manager whether the theme is dark.
 */
#include "config.h"

#include <adwaita.h>
#include <pango/pangocairo.h>

#include "vs-app-testing.h"
#include "vs-chart.h"
#include "vs-chart-render.h"
#include "vs-palette.h"

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
  VsChartStyle     node_style;     /* the style the layers were drawn with */
  double           hover_px;      /* < 0: no pointer over the chart */
  guint            frame_draws;
  guint            data_draws;
  guint            data_extends;
};

G_DEFINE_FINAL_TYPE (VsChart, vs_chart, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_MODEL, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
lookup_color (GtkStyleContext *context,
              const char      *name,
              const GdkRGBA   *fallback,
              double           fallback_alpha,
              GdkRGBA         *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS  /* gtk_widget_get_color() and no replacement came in 4.10 */
  if (gtk_style_context_lookup_color (context, name, color))
    return;
  G_GNUC_END_IGNORE_DEPRECATIONS
  *color = *fallback;
  color->alpha *= fallback_alpha;
}

static PangoFontDescription *
scaled_font (const PangoFontDescription *base,
             double                      factor,
             PangoWeight                 weight)
{
  PangoFontDescription *font = pango_font_description_copy (base);
  int size = pango_font_description_get_size (base);

  if (size <= 0)
    size = 11 * PANGO_SCALE;
  if (pango_font_description_get_size_is_absolute (base))
    pango_font_description_set_absolute_size (font, size * factor);
  else
    pango_font_description_set_size (font, (int) (size * factor));
  pango_font_description_set_weight (font, weight);
  return font;
}

void
vs_chart_style_init_from_widget (VsChartStyle *style,
                                 GtkWidget    *widget)
{
  PangoContext *pango = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *base = pango_context_get_font_description (pango);
  GtkStyleContext *context;
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (context, &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  *style = (VsChartStyle) { .background = { 1, 1, 1, 1 }, .line_width = 2 };
  style->text = fg;
  lookup_color (context, "chart_dim_color", &fg, 0.55, &style->dim);
  lookup_color (context, "chart_grid_color", &fg, 0.08, &style->grid);
  lookup_color (context, "chart_axis_color", &fg, 0.3, &style->axis);
  lookup_color (context, "chart_shade_color", &fg, 0.05, &style->shade);
  lookup_color (context, "accent_color", &style->axis, 1, &style->accent);
  lookup_color (context, "chart_hover_bg_color", &style->background, 0.95, &style->hover_bg);
  lookup_color (context, "chart_hover_fg_color", &fg, 1, &style->hover_fg);
  lookup_color (context, "card_bg_color", &style->background, 1, &style->background);
  style->dark = vs_palette_is_dark_for (widget);
  /* labels as .caption, the title a little larger and bold, as .heading's weight */
  style->font = scaled_font (base, 0.82, PANGO_WEIGHT_NORMAL);
  style->title_font = scaled_font (base, 0.91, PANGO_WEIGHT_BOLD);
  style->resolution = pango_cairo_context_get_resolution (pango);
  if (style->resolution <= 0)
    style->resolution = 96;
}

static void
model_changed_cb (VsChart      *self,
                  VsChartModel *model)
{
  /* Only new data redraws the chart. */
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
draw_frame (VsChart            *self,
            int                 width,
            int                 height,
            int                 scale,
            const VsChartStyle *style)
{
  cairo_surface_t *surface = make_surface (width, height, scale);
  cairo_t *cr = cairo_create (surface);

  vs_chart_render_frame (self->model, cr, width, height, style, FALSE);
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
draw_data (VsChart            *self,
           int                 width,
           int                 height,
           int                 scale,
           const VsChartStyle *style,
           gboolean            whole)
{
  cairo_t *cr;

  if (whole || self->data_surface == NULL || !only_appended (self))
    {
      g_clear_pointer (&self->data_surface, cairo_surface_destroy);
      self->data_surface = make_surface (width, height, scale);
      cr = cairo_create (self->data_surface);
      vs_chart_render_data (self->model, cr, width, height, style);
      self->data_draws++;
    }
  else
    {
      cr = cairo_create (self->data_surface);
      vs_chart_render_data_from (self->model, cr, width, height, style,
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
  VsChartStyle style;
  gboolean whole, use_cairo;
  graphene_rect_t bounds;
  GskRenderer *renderer;
  GtkNative *native;

  if (self->model == NULL || width <= 0 || height <= 0)
    return;

  vs_chart_style_init_from_widget (&style, widget);
  whole = width != self->node_width || height != self->node_height ||
          scale != self->node_scale || !vs_chart_style_equal (&style, &self->node_style);

  if (self->frame_surface == NULL || whole ||
      self->frame_serial != vs_chart_model_get_frame_serial (self->model))
    {
      draw_frame (self, width, height, scale, &style);
      self->frame_serial = vs_chart_model_get_frame_serial (self->model);
      /* the data is mapped through the frame's ranges */
      whole = TRUE;
    }

  if (self->data_surface == NULL || whole ||
      self->data_serial != vs_chart_model_get_data_serial (self->model))
    {
      draw_data (self, width, height, scale, &style, whole);
      self->data_serial = vs_chart_model_get_data_serial (self->model);
    }

  self->node_width = width;
  self->node_height = height;
  self->node_scale = scale;
  vs_chart_style_clear (&self->node_style);
  self->node_style = style;  /* takes the fonts */

  bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  native = gtk_widget_get_native (widget);
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  use_cairo = renderer == NULL || GSK_IS_CAIRO_RENDERER (renderer);
  append_layer (snapshot, use_cairo, self->frame_surface, &self->frame_texture, &bounds);
  append_layer (snapshot, use_cairo, self->data_surface, &self->data_texture, &bounds);

  if (self->hover_px >= 0)
    {
      double x;

      if (vs_chart_render_x_at (self->model, &self->node_style, width, height, self->hover_px,
                                &x))
        {
          cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &bounds);

          vs_chart_render_hover (self->model, cr, width, height, &self->node_style, x);
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
  vs_chart_style_clear (&self->node_style);
  G_OBJECT_CLASS (vs_chart_parent_class)->dispose (object);
}

/* The theme, the accent colour or the contrast changed: the next snapshot sees a new style. */
static void
vs_chart_css_changed (GtkWidget         *widget,
                      GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (vs_chart_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

/* Text scaling (the resolution) or the font */
static void
vs_chart_system_setting_changed (GtkWidget       *widget,
                                 GtkSystemSetting setting)
{
  GTK_WIDGET_CLASS (vs_chart_parent_class)->system_setting_changed (widget, setting);
  gtk_widget_queue_draw (widget);
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
  widget_class->css_changed = vs_chart_css_changed;
  widget_class->system_setting_changed = vs_chart_system_setting_changed;

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

  vs_chart_style_init_export (&self->node_style);
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
}

GtkWidget *
vs_chart_new (VsChartModel *model)
{
  return g_object_new (VS_TYPE_CHART, "model", model, NULL);
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
