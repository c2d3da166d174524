/* vs-chart-render.c: Cairo drawing shared by VsChart and the chart exports */
#include "config.h"

#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "vs-chart-render.h"
#include "vs-error.h"
#include "vs-file.h"
#include "vs-palette.h"

#define MARGIN_LEFT   68
#define MARGIN_RIGHT  18
#define MARGIN_TOP    60
#define TITLE_Y       10
#define LEGEND_Y      32
#define MARGIN_BOTTOM 30
#define FONT          "Sans 9"
#define TITLE_FONT    "Sans Bold 10"

typedef struct
{
  double r, g, b, a;
} Rgba;

typedef struct
{
  Rgba background;
  Rgba text;
  Rgba dim;
  Rgba grid;
  Rgba axis;
  Rgba shade;
  Rgba hover;
} Colors;

static void
get_colors (gboolean  dark,
            Colors   *c)
{
  if (dark)
    *c = (Colors) {
      .background = { 0.188, 0.188, 0.188, 1 },  /* libadwaita dark card */
      .text = { 1, 1, 1, 0.9 },
      .dim = { 1, 1, 1, 0.55 },
      .grid = { 1, 1, 1, 0.08 },
      .axis = { 1, 1, 1, 0.3 },
      .shade = { 1, 1, 1, 0.06 },
      .hover = { 0.14, 0.14, 0.14, 0.95 },
    };
  else
    *c = (Colors) {
      .background = { 1, 1, 1, 1 },
      .text = { 0, 0, 0, 0.8 },
      .dim = { 0, 0, 0, 0.55 },
      .grid = { 0, 0, 0, 0.08 },
      .axis = { 0, 0, 0, 0.3 },
      .shade = { 0, 0, 0, 0.05 },
      .hover = { 1, 1, 1, 0.95 },
    };
}

static void
set_rgba (cairo_t    *cr,
          const Rgba *c)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a);
}

static void
get_series_color (guint     index,
                  gboolean  dark,
                  GdkRGBA  *color)
{
  if (index == VS_CHART_COLOR_NEUTRAL)
    *color = dark ? (GdkRGBA) { 1, 1, 1, 0.7 } : (GdkRGBA) { 0, 0, 0, 0.6 };
  else
    vs_palette_target_color (index, dark, color);
}

static void
set_target_color (cairo_t  *cr,
                  guint     index,
                  gboolean  dark)
{
  GdkRGBA color;

  get_series_color (index, dark, &color);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha);
}

void
vs_chart_render_plot_rect (int          width,
                           int          height,
                           VsChartRect *rect)
{
  rect->x = MARGIN_LEFT;
  rect->y = MARGIN_TOP;
  rect->width = MAX (1, width - MARGIN_LEFT - MARGIN_RIGHT);
  rect->height = MAX (1, height - MARGIN_TOP - MARGIN_BOTTOM);
}

typedef struct
{
  VsChartRect rect;
  double      x_min, x_max, y_min, y_max;
} Mapping;

static void
get_mapping (VsChartModel *model,
             int           width,
             int           height,
             Mapping      *m)
{
  vs_chart_render_plot_rect (width, height, &m->rect);
  vs_chart_model_get_range (model, &m->x_min, &m->x_max, &m->y_min, &m->y_max);
}

static inline double
map_x (const Mapping *m,
       double         x)
{
  return m->rect.x + (x - m->x_min) / (m->x_max - m->x_min) * m->rect.width;
}

static inline double
map_y (const Mapping *m,
       double         y)
{
  return m->rect.y + m->rect.height - (y - m->y_min) / (m->y_max - m->y_min) * m->rect.height;
}

gboolean
vs_chart_render_x_at (VsChartModel *model,
                      int           width,
                      int           height,
                      double        px,
                      double       *x)
{
  Mapping m;

  get_mapping (model, width, height, &m);
  if (px < m.rect.x || px > m.rect.x + m.rect.width)
    return FALSE;
  *x = m.x_min + (px - m.rect.x) / m.rect.width * (m.x_max - m.x_min);
  return TRUE;
}

static PangoLayout *
make_layout (cairo_t    *cr,
             const char *font,
             const char *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (desc);
  return layout;
}

/* Draws text with its anchor point at (x, y): ax/ay 0 = left/top, 0.5 = centre, 1 = right/bottom.
 * Returns the width drawn. */
static double
draw_text (cairo_t    *cr,
           const char *font,
           const char *text,
           double      x,
           double      y,
           double      ax,
           double      ay)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, font, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - ax * w), round (y - ay * h));
  pango_cairo_show_layout (cr, layout);
  return w;
}

static double
text_width (cairo_t    *cr,
            const char *font,
            const char *text)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, font, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

static void
set_line_style (cairo_t  *cr,
                gboolean  dashed)
{
  static const double dash[] = { 5, 3 };

  cairo_set_line_width (cr, dashed ? 1.5 : 2);
  cairo_set_dash (cr, dash, dashed ? G_N_ELEMENTS (dash) : 0, 0);
}

/* A row of its own under the title, so that it never fights the title for room. */
static void
draw_legend (VsChartModel *model,
             cairo_t      *cr,
             int           width,
             gboolean      dark,
             const Colors *c)
{
  double x = 14;
  double y = LEGEND_Y;
  double right = width - MARGIN_RIGHT;

  for (guint i = 0; i < vs_chart_model_get_n_series (model); i++)
    {
      const VsChartSeries *s = vs_chart_model_get_series (model, i);
      double w;

      if (!s->legend)
        continue;

      w = text_width (cr, FONT, s->label);
      if (x + 16 + 6 + w > right)
        {
          /* no room: the hover read-out still names every series */
          set_rgba (cr, &c->dim);
          draw_text (cr, FONT, "…", x, y, 0, 0);
          break;
        }
      set_target_color (cr, s->color, dark);
      set_line_style (cr, s->dashed);
      cairo_move_to (cr, x, y + 8.5);
      cairo_line_to (cr, x + 16, y + 8.5);
      cairo_stroke (cr);
      x += 16 + 6;
      set_rgba (cr, &c->text);
      draw_text (cr, FONT, s->label, x, y, 0, 0);
      x += w + 18;
    }
  cairo_set_dash (cr, NULL, 0, 0);
}

static void
draw_x_ticks (VsChartModel  *model,
              cairo_t       *cr,
              const Mapping *m,
              const Colors  *c)
{
  VsUnit unit = vs_chart_model_get_x_unit (model);
  double step = vs_chart_model_get_x_step (model);
  double bottom = m->rect.y + m->rect.height;
  double free_from = -G_MAXDOUBLE;  /* labels never overlap: one that would is left out */
  g_autoptr(GArray) ticks = g_array_new (FALSE, FALSE, sizeof (double));

  for (double v = m->x_min; v <= m->x_max + step * 1e-6; v += step)
    g_array_append_val (ticks, v);
  if (unit == VS_UNIT_NINES)
    {
      double median = vs_units_nines (50);

      g_array_insert_val (ticks, 1, median);
    }

  for (guint i = 0; i < ticks->len; i++)
    {
      double anchor, label_w;
      double v = g_array_index (ticks, double, i);
      double px = round (map_x (m, v)) + 0.5;
      g_autofree char *label = vs_units_format_tick (v, step, unit);

      set_rgba (cr, &c->grid);
      cairo_move_to (cr, px, m->rect.y);
      cairo_line_to (cr, px, bottom);
      cairo_stroke (cr);
      set_rgba (cr, &c->axis);
      cairo_move_to (cr, px, bottom);
      cairo_line_to (cr, px, bottom + 4);
      cairo_stroke (cr);
      /* on the spectrum axis 0 % sits right next to 50 %: its line is enough */
      if (unit == VS_UNIT_NINES && v == 0)
        continue;
      set_rgba (cr, &c->dim);
      label_w = text_width (cr, FONT, label);
      anchor = i == 0 ? 0 : 0.5;
      if (px + label_w / 2 > m->rect.x + m->rect.width + MARGIN_RIGHT)
        anchor = 1;
      if (px - anchor * label_w < free_from)
        continue;
      draw_text (cr, FONT, label, px, bottom + 6, anchor, 0);
      free_from = px + (1 - anchor) * label_w + 4;
    }
}

static void
draw_y_ticks (VsChartModel  *model,
              cairo_t       *cr,
              const Mapping *m,
              const Colors  *c)
{
  VsUnit unit = vs_chart_model_get_y_unit (model);
  double step = vs_chart_model_get_y_step (model);

  if (unit == VS_UNIT_RATE || unit == VS_UNIT_ERROR_RATE)
    unit = VS_UNIT_COUNT;  /* the title says per second; ticks stay short */

  for (double v = m->y_min; v <= m->y_max + step * 1e-6; v += step)
    {
      double py = round (map_y (m, v)) + 0.5;
      g_autofree char *label = vs_units_format_tick (v, step, unit);

      set_rgba (cr, &c->grid);
      cairo_move_to (cr, m->rect.x, py);
      cairo_line_to (cr, m->rect.x + m->rect.width, py);
      cairo_stroke (cr);
      set_rgba (cr, &c->dim);
      draw_text (cr, FONT, label, m->rect.x - 8, py, 1, 0.5);
    }
}

void
vs_chart_render_frame (VsChartModel *model,
                       cairo_t      *cr,
                       int           width,
                       int           height,
                       gboolean      dark,
                       gboolean      background)
{
  Colors c;
  Mapping m;
  double x0, x1;

  get_colors (dark, &c);
  get_mapping (model, width, height, &m);

  cairo_save (cr);
  if (background)
    {
      set_rgba (cr, &c.background);
      cairo_paint (cr);
    }

  set_rgba (cr, &c.text);
  draw_text (cr, TITLE_FONT, vs_chart_model_get_title (model), 14, TITLE_Y, 0, 0);
  draw_legend (model, cr, width, dark, &c);

  if (vs_chart_model_get_shade (model, &x0, &x1))
    {
      double px0 = map_x (&m, MAX (x0, m.x_min));
      double px1 = map_x (&m, MIN (x1, m.x_max));

      set_rgba (cr, &c.shade);
      cairo_rectangle (cr, px0, m.rect.y, px1 - px0, m.rect.height);
      cairo_fill (cr);
      if (px1 - px0 > 40)
        {
          set_rgba (cr, &c.dim);
          draw_text (cr, FONT, _("warm-up"), (px0 + px1) / 2, m.rect.y + 4, 0.5, 0);
        }
    }

  cairo_set_line_width (cr, 1);
  draw_y_ticks (model, cr, &m, &c);
  draw_x_ticks (model, cr, &m, &c);

  set_rgba (cr, &c.axis);
  cairo_move_to (cr, m.rect.x + 0.5, m.rect.y);
  cairo_line_to (cr, m.rect.x + 0.5, m.rect.y + m.rect.height + 0.5);
  cairo_line_to (cr, m.rect.x + m.rect.width, m.rect.y + m.rect.height + 0.5);
  cairo_stroke (cr);

  cairo_restore (cr);
}

/* More points than pixel columns: one vertex per column, the mean of its points — or, for
 * latency, the highest, so that spikes in the tail stay visible. Stroking thousands of
 * sub-pixel zigzags costs Cairo far more and shows nothing more. */
static gboolean
draw_dense (cairo_t             *cr,
            const Mapping       *m,
            const VsChartSeries *s,
            gboolean             keep_max)
{
  const double *xs = (const double *) (gpointer) s->x->data;
  const double *ys = (const double *) (gpointer) s->y->data;
  int column = G_MININT;
  double sum = 0, top = 0, px_column = 0;
  guint n = 0;
  gboolean started = FALSE;

  if (s->x->len < 2 * (guint) ceil (m->rect.width))
    return FALSE;

  for (guint i = 0; i <= s->x->len; i++)
    {
      double px = i < s->x->len ? map_x (m, xs[i]) : G_MAXDOUBLE;
      int c = i < s->x->len ? (int) floor (px) : G_MAXINT;

      if (c != column && n > 0)
        {
          double y = keep_max ? top : sum / n;

          if (!started)
            cairo_move_to (cr, px_column, y);
          else
            cairo_line_to (cr, px_column, y);
          started = TRUE;
          n = 0;
        }
      if (i == s->x->len)
        break;
      if (n == 0)
        {
          column = c;
          px_column = c + 0.5;
          sum = 0;
          top = G_MAXDOUBLE;
        }
      sum += map_y (m, ys[i]);
      top = MIN (top, map_y (m, ys[i]));  /* screen y grows downwards */
      n++;
    }
  cairo_stroke (cr);
  return TRUE;
}

/* from: the first point not drawn yet; the line resumes from the point before it. */
static void
draw_series (cairo_t             *cr,
             const Mapping       *m,
             const VsChartSeries *s,
             guint                from,
             gboolean             keep_max,
             gboolean             dark)
{
  const double *xs = (const double *) (gpointer) s->x->data;
  const double *ys = (const double *) (gpointer) s->y->data;
  GdkRGBA color;

  get_series_color (s->color, dark, &color);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha);
  if (s->x->len == 1)
    {
      cairo_arc (cr, map_x (m, xs[0]), map_y (m, ys[0]), 2.5, 0, 2 * G_PI);
      cairo_fill (cr);
      return;
    }
  if (from == 0 && draw_dense (cr, m, s, keep_max))
    return;
  from = from > 0 ? from - 1 : 0;
  cairo_move_to (cr, map_x (m, xs[from]), map_y (m, ys[from]));
  for (guint i = from + 1; i < s->x->len; i++)
    cairo_line_to (cr, map_x (m, xs[i]), map_y (m, ys[i]));
  cairo_stroke (cr);
}

void
vs_chart_render_data_from (VsChartModel *model,
                           cairo_t      *cr,
                           int           width,
                           int           height,
                           gboolean      dark,
                           const guint  *from)
{
  gboolean keep_max = vs_chart_model_get_y_unit (model) == VS_UNIT_LATENCY;
  gboolean any = FALSE;
  Mapping m;

  get_mapping (model, width, height, &m);

  cairo_save (cr);
  cairo_rectangle (cr, m.rect.x, m.rect.y - 2, m.rect.width + 2, m.rect.height + 2);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint i = 0; i < vs_chart_model_get_n_series (model); i++)
    {
      const VsChartSeries *s = vs_chart_model_get_series (model, i);
      guint start = from != NULL ? from[i] : 0;

      if (s->x->len == 0 || (start > 0 && start >= s->x->len))
        continue;
      set_line_style (cr, s->dashed);
      draw_series (cr, &m, s, start, keep_max, dark);
      for (guint j = 0; j < s->y->len && !any; j++)
        any = g_array_index (s->y, double, j) != 0;
    }
  cairo_restore (cr);

  /* a flat line at zero reads as "no data"; say what it means */
  if (from == NULL && !any && vs_chart_model_get_n_points (model) > 0 &&
      vs_chart_model_get_kind (model) == VS_CHART_ERRORS)
    {
      Colors c;

      get_colors (dark, &c);
      set_rgba (cr, &c.dim);
      draw_text (cr, TITLE_FONT, _("No errors"), m.rect.x + m.rect.width / 2,
                 m.rect.y + m.rect.height / 2, 0.5, 0.5);
    }
}

void
vs_chart_render_data (VsChartModel *model,
                      cairo_t      *cr,
                      int           width,
                      int           height,
                      gboolean      dark)
{
  vs_chart_render_data_from (model, cr, width, height, dark, NULL);
}

void
vs_chart_render_hover (VsChartModel *model,
                       cairo_t      *cr,
                       int           width,
                       int           height,
                       gboolean      dark,
                       double        x)
{
  VsUnit x_unit = vs_chart_model_get_x_unit (model);
  VsUnit y_unit = vs_chart_model_get_y_unit (model);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) colors = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *head = NULL;
  double px, box_w = 0, box_h, box_x, box_y;
  double shown_x = x;
  Colors c;
  Mapping m;

  get_colors (dark, &c);
  get_mapping (model, width, height, &m);

  for (guint i = 0; i < vs_chart_model_get_n_series (model); i++)
    {
      const VsChartSeries *s = vs_chart_model_get_series (model, i);
      int j = vs_chart_series_nearest (s, x);
      g_autofree char *value = NULL;
      int color = s->color;

      if (j < 0)
        continue;
      if (i == 0)
        shown_x = g_array_index (s->x, double, j);
      value = vs_units_format (g_array_index (s->y, double, j), y_unit);
      g_ptr_array_add (lines, g_strdup_printf ("%s  %s", s->label, value));
      g_array_append_val (colors, color);
    }
  if (lines->len == 0)
    return;

  head = vs_units_format (shown_x, x_unit);
  px = round (map_x (&m, shown_x)) + 0.5;

  cairo_save (cr);
  set_rgba (cr, &c.axis);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, px, m.rect.y);
  cairo_line_to (cr, px, m.rect.y + m.rect.height);
  cairo_stroke (cr);

  box_w = text_width (cr, TITLE_FONT, head);
  for (guint i = 0; i < lines->len; i++)
    box_w = MAX (box_w, 16 + text_width (cr, FONT, g_ptr_array_index (lines, i)));
  box_w += 16;
  box_h = 10 + 16 * (lines->len + 1);
  box_x = px + 10;
  if (box_x + box_w > m.rect.x + m.rect.width)
    box_x = px - 10 - box_w;
  box_x = MAX (box_x, 0);
  box_y = m.rect.y + 4;

  set_rgba (cr, &c.hover);
  cairo_rectangle (cr, box_x, box_y, box_w, box_h);
  cairo_fill_preserve (cr);
  set_rgba (cr, &c.grid);
  cairo_stroke (cr);

  set_rgba (cr, &c.text);
  draw_text (cr, TITLE_FONT, head, box_x + 8, box_y + 5, 0, 0);
  for (guint i = 0; i < lines->len; i++)
    {
      double ly = box_y + 5 + 16 * (i + 1);

      set_target_color (cr, g_array_index (colors, int, i), dark);
      cairo_arc (cr, box_x + 12, ly + 8, 4, 0, 2 * G_PI);
      cairo_fill (cr);
      set_rgba (cr, &c.text);
      draw_text (cr, FONT, g_ptr_array_index (lines, i), box_x + 24, ly, 0, 0);
    }
  cairo_restore (cr);
}

static void
render_all (VsChartModel *model,
            cairo_t      *cr,
            int           width,
            int           height,
            gboolean      dark)
{
  vs_chart_render_frame (model, cr, width, height, dark, TRUE);
  vs_chart_render_data (model, cr, width, height, dark);
}

static gboolean
check_surface (cairo_surface_t  *surface,
               const char       *path,
               GError          **error)
{
  cairo_status_t status = cairo_surface_status (surface);

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not write the chart to “%s”: %s"),
               path, cairo_status_to_string (status));
  return FALSE;
}

/* cairo writes into memory; vs_file_replace() then replaces the file atomically */
static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
vs_chart_render_to_png (VsChartModel  *model,
                        const char    *path,
                        int            width,
                        int            height,
                        gboolean       dark,
                        GError       **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_status_t status;
  gboolean ok;

  render_all (model, cr, width, height, dark);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  ok = check_surface (surface, path, error);
  if (ok && status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not write the chart to “%s”: %s"),
                   path, cairo_status_to_string (status));
      ok = FALSE;
    }
  cairo_surface_destroy (surface);
  return ok && vs_file_replace (path, bytes->data, bytes->len, error);
}

gboolean
vs_chart_render_to_svg (VsChartModel  *model,
                        const char    *path,
                        int            width,
                        int            height,
                        gboolean       dark,
                        GError       **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width,
                                                                  height);
  cairo_t *cr = cairo_create (surface);
  gboolean ok;

  render_all (model, cr, width, height, dark);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  ok = check_surface (surface, path, error);
  cairo_surface_destroy (surface);
  return ok && vs_file_replace (path, bytes->data, bytes->len, error);
}
