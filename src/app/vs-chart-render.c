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

#define TITLE_Y       10
#define MARGIN_RIGHT  18

void
vs_chart_style_init_export (VsChartStyle *style)
{
  *style = (VsChartStyle) {
    .background = { 1, 1, 1, 1 },
    .text = { 0, 0, 0, 0.8 },
    .dim = { 0, 0, 0, 0.55 },
    .grid = { 0, 0, 0, 0.08 },
    .axis = { 0, 0, 0, 0.3 },
    .shade = { 0, 0, 0, 0.05 },
    .accent = { 0, 0, 0, 0.3 },
    .hover_bg = { 1, 1, 1, 0.95 },
    .hover_fg = { 0, 0, 0, 0.8 },
    .dark = FALSE,
    .line_width = 2,
    .font = pango_font_description_from_string ("Sans 9"),
    .title_font = pango_font_description_from_string ("Sans Bold 10"),
    .resolution = 96,
  };
}

void
vs_chart_style_clear (VsChartStyle *style)
{
  g_clear_pointer (&style->font, pango_font_description_free);
  g_clear_pointer (&style->title_font, pango_font_description_free);
}

static gboolean
fonts_equal (const PangoFontDescription *a,
             const PangoFontDescription *b)
{
  return a == b || (a != NULL && b != NULL && pango_font_description_equal (a, b));
}

gboolean
vs_chart_style_equal (const VsChartStyle *a,
                      const VsChartStyle *b)
{
  const GdkRGBA *ca[] = { &a->background, &a->text, &a->dim, &a->grid, &a->axis, &a->shade,
                          &a->accent, &a->hover_bg, &a->hover_fg };
  const GdkRGBA *cb[] = { &b->background, &b->text, &b->dim, &b->grid, &b->axis, &b->shade,
                          &b->accent, &b->hover_bg, &b->hover_fg };

  for (guint i = 0; i < G_N_ELEMENTS (ca); i++)
    if (!gdk_rgba_equal (ca[i], cb[i]))
      return FALSE;
  return a->dark == b->dark && a->line_width == b->line_width &&
         a->resolution == b->resolution && fonts_equal (a->font, b->font) &&
         fonts_equal (a->title_font, b->title_font);
}

/* A font's size in pixels at the style's resolution. */
static double
font_px (const VsChartStyle         *style,
         const PangoFontDescription *font)
{
  double size = (double) pango_font_description_get_size (font) / PANGO_SCALE;

  if (size <= 0)
    size = 10;
  return pango_font_description_get_size_is_absolute (font) ? size
                                                             : size * style->resolution / 72;
}

/* Where things go, from the font sizes: at "Sans 9"/96 dpi the margins are the ones the charts
 * were designed with (68 left, 60 top, 30 bottom); twice the text, twice the room. */
typedef struct
{
  double line;         /* height of a line of label text */
  double legend_y;
  double top, bottom, left;
} Metrics;

static void
get_metrics (const VsChartStyle *style,
             Metrics            *metrics)
{
  double em = font_px (style, style->font);
  double title_em = font_px (style, style->title_font);

  metrics->line = ceil (em * 1.4);
  metrics->legend_y = TITLE_Y + ceil (title_em * 1.4) + 4;
  metrics->top = metrics->legend_y + metrics->line + 10;
  metrics->bottom = metrics->line + 13;
  metrics->left = round (em * 5.65);
}

static void
set_rgba (cairo_t       *cr,
          const GdkRGBA *c)
{
  gdk_cairo_set_source_rgba (cr, c);
}

static void
get_series_color (const VsChartStyle *style,
                  guint               index,
                  GdkRGBA            *color)
{
  if (index == VS_CHART_COLOR_NEUTRAL)
    {
      *color = style->text;
      color->alpha *= 0.75;
    }
  else
    vs_palette_target_color (index, style->dark, color);
}

static void
set_target_color (cairo_t            *cr,
                  const VsChartStyle *style,
                  guint               index)
{
  GdkRGBA color;

  get_series_color (style, index, &color);
  set_rgba (cr, &color);
}

/* The series' colour, lighter when it stands beside the one that matters */
static void
set_series_color (cairo_t             *cr,
                  const VsChartStyle  *style,
                  const VsChartSeries *s)
{
  GdkRGBA color;

  get_series_color (style, s->color, &color);
  if (s->faint)
    color.alpha *= 0.5;
  set_rgba (cr, &color);
}

/* A point's marker in the current colour: kept a dot, failed a ring, limited a cross. */
static void
draw_marker (cairo_t            *cr,
             const VsChartStyle *style,
             double              x,
             double              y,
             VsChartPoint        point)
{
  double r = style->line_width * 2.25;

  cairo_save (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_width (cr, style->line_width * 0.9);
  cairo_new_path (cr);
  switch (point)
    {
    case VS_CHART_POINT_KEPT:
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case VS_CHART_POINT_FAILED:
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_stroke (cr);
      break;
    case VS_CHART_POINT_LIMITED:
      cairo_move_to (cr, x - r, y - r);
      cairo_line_to (cr, x + r, y + r);
      cairo_move_to (cr, x - r, y + r);
      cairo_line_to (cr, x + r, y - r);
      cairo_stroke (cr);
      break;
    case VS_CHART_POINT_NONE:
    default:
      break;
    }
  cairo_restore (cr);
}

void
vs_chart_render_plot_rect (const VsChartStyle *style,
                           int                 width,
                           int                 height,
                           VsChartRect        *rect)
{
  Metrics metrics;

  get_metrics (style, &metrics);
  rect->x = metrics.left;
  rect->y = metrics.top;
  rect->width = MAX (1, width - metrics.left - MARGIN_RIGHT);
  rect->height = MAX (1, height - metrics.top - metrics.bottom);
}

typedef struct
{
  VsChartRect rect;
  double      x_min, x_max, y_min, y_max;
  gboolean    x_log;   /* x maps through its logarithm (x_min, x_max > 0) */
} Mapping;

static void
get_mapping (VsChartModel       *model,
             const VsChartStyle *style,
             int                 width,
             int                 height,
             Mapping            *m)
{
  vs_chart_render_plot_rect (style, width, height, &m->rect);
  vs_chart_model_get_range (model, &m->x_min, &m->x_max, &m->y_min, &m->y_max);
  m->x_log = vs_chart_model_get_x_log (model);
}

static inline double
map_x (const Mapping *m,
       double         x)
{
  if (m->x_log)
    return m->rect.x + log (MAX (x, m->x_min * 1e-3) / m->x_min) / log (m->x_max / m->x_min) *
                       m->rect.width;
  return m->rect.x + (x - m->x_min) / (m->x_max - m->x_min) * m->rect.width;
}

/* The data x at pixel px (the inverse of map_x()). */
static double
unmap_x (const Mapping *m,
         double         px)
{
  double f = (px - m->rect.x) / m->rect.width;

  if (m->x_log)
    return m->x_min * pow (m->x_max / m->x_min, f);
  return m->x_min + f * (m->x_max - m->x_min);
}

static inline double
map_y (const Mapping *m,
       double         y)
{
  return m->rect.y + m->rect.height - (y - m->y_min) / (m->y_max - m->y_min) * m->rect.height;
}

gboolean
vs_chart_render_x_at (VsChartModel       *model,
                      const VsChartStyle *style,
                      int                 width,
                      int                 height,
                      double              px,
                      double             *x)
{
  Mapping m;

  get_mapping (model, style, width, height, &m);
  if (px < m.rect.x || px > m.rect.x + m.rect.width)
    return FALSE;
  *x = unmap_x (&m, px);
  return TRUE;
}

/* The text at the style's resolution: the widget's Pango context's, which carries the desktop's
 * text scaling, or the exports' 96 dpi. */
static PangoLayout *
make_layout (cairo_t                    *cr,
             const VsChartStyle         *style,
             const PangoFontDescription *font,
             const char                 *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);

  pango_cairo_context_set_resolution (pango_layout_get_context (layout), style->resolution);
  pango_layout_context_changed (layout);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Draws text with its anchor point at (x, y): ax/ay 0 = left/top, 0.5 = centre, 1 = right/bottom.
 * Returns the width drawn. */
static double
draw_text (cairo_t                    *cr,
           const VsChartStyle         *style,
           const PangoFontDescription *font,
           const char                 *text,
           double                      x,
           double                      y,
           double                      ax,
           double                      ay)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, style, font, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - ax * w), round (y - ay * h));
  pango_cairo_show_layout (cr, layout);
  return w;
}

static double
text_width (cairo_t                    *cr,
            const VsChartStyle         *style,
            const PangoFontDescription *font,
            const char                 *text)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, style, font, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

static void
set_line_style (cairo_t            *cr,
                const VsChartStyle *style,
                gboolean            dashed)
{
  static const double dash[] = { 5, 3 };

  cairo_set_line_width (cr, dashed ? style->line_width * 0.75 : style->line_width);
  cairo_set_dash (cr, dash, dashed ? G_N_ELEMENTS (dash) : 0, 0);
}

/* A row of its own under the title, so that it never fights the title for room. */
static void
draw_legend (VsChartModel       *model,
             cairo_t            *cr,
             int                 width,
             const VsChartStyle *c,
             const Metrics      *metrics)
{
  double x = 14;
  double y = metrics->legend_y;
  double right = width - MARGIN_RIGHT;

  for (guint i = 0; i < vs_chart_model_get_n_series (model); i++)
    {
      const VsChartSeries *s = vs_chart_model_get_series (model, i);
      double w;

      if (!s->legend)
        continue;

      w = text_width (cr, c, c->font, s->label);
      if (x + 16 + 6 + w > right)
        {
          /* no room: the hover read-out still names every series */
          set_rgba (cr, &c->dim);
          draw_text (cr, c, c->font, "…", x, y, 0, 0);
          break;
        }
      set_series_color (cr, c, s);
      set_line_style (cr, c, s->dashed);
      if (s->marker != VS_CHART_POINT_NONE)
        draw_marker (cr, c, x + 8, y + round (metrics->line / 2) + 0.5, s->marker);
      else
        {
          cairo_move_to (cr, x, y + round (metrics->line / 2) + 0.5);
          cairo_line_to (cr, x + 16, y + round (metrics->line / 2) + 0.5);
          cairo_stroke (cr);
        }
      x += 16 + 6;
      set_rgba (cr, &c->text);
      draw_text (cr, c, c->font, s->label, x, y, 0, 0);
      x += w + 18;
    }
  cairo_set_dash (cr, NULL, 0, 0);
}

static void
draw_x_ticks (VsChartModel       *model,
              cairo_t            *cr,
              const Mapping      *m,
              const VsChartStyle *c)
{
  VsUnit unit = vs_chart_model_get_x_unit (model);
  double step = vs_chart_model_get_x_step (model);
  double bottom = m->rect.y + m->rect.height;
  double free_from = -G_MAXDOUBLE;  /* labels never overlap: one that would is left out */
  g_autoptr(GArray) ticks = NULL;

  if (unit == VS_UNIT_RATE)
    unit = VS_UNIT_COUNT;  /* the title says what is offered; ticks stay short */
  if (m->x_log)
    ticks = vs_chart_model_get_log_ticks (model);
  else
    {
      ticks = g_array_new (FALSE, FALSE, sizeof (double));
      for (double v = m->x_min; v <= m->x_max + step * 1e-6; v += step)
        g_array_append_val (ticks, v);
    }
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
      g_autofree char *label = vs_units_format_tick (v, m->x_log ? v : step, unit);

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
      label_w = text_width (cr, c, c->font, label);
      anchor = i == 0 ? 0 : 0.5;
      if (px + label_w / 2 > m->rect.x + m->rect.width + MARGIN_RIGHT)
        anchor = 1;
      if (px - anchor * label_w < free_from)
        continue;
      draw_text (cr, c, c->font, label, px, bottom + 6, anchor, 0);
      free_from = px + (1 - anchor) * label_w + 4;
    }
}

static void
draw_y_ticks (VsChartModel       *model,
              cairo_t            *cr,
              const Mapping      *m,
              const VsChartStyle *c)
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
      draw_text (cr, c, c->font, label, m->rect.x - 8, py, 1, 0.5);
    }
}

/* The knees (vertical, in their target's colour, labelled at the top one under the other) and
 * the limits (horizontal, labelled at the right end). */
static void
draw_marks (VsChartModel       *model,
            cairo_t            *cr,
            const Mapping      *m,
            const VsChartStyle *c,
            const Metrics      *metrics)
{
  static const double dash[] = { 4, 3 };
  guint vertical = 0;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  for (guint i = 0; i < vs_chart_model_get_n_marks (model); i++)
    {
      const VsChartMark *mark = vs_chart_model_get_mark (model, i);

      if (isnan (mark->x))
        {
          double py = round (map_y (m, mark->y)) + 0.5;

          set_rgba (cr, &c->dim);
          cairo_move_to (cr, m->rect.x, py);
          cairo_line_to (cr, m->rect.x + m->rect.width, py);
          cairo_stroke (cr);
          if (mark->label != NULL)
            draw_text (cr, c, c->font, mark->label, m->rect.x + m->rect.width - 4, py - 2, 1, 1);
        }
      else if (mark->x >= m->x_min && mark->x <= m->x_max)
        {
          double px = round (map_x (m, mark->x)) + 0.5;
          double ly = m->rect.y + 2 + metrics->line * vertical++;
          double w;

          set_target_color (cr, c, mark->color);
          cairo_move_to (cr, px, m->rect.y + m->rect.height);
          cairo_line_to (cr, px, m->rect.y);
          cairo_stroke (cr);
          if (mark->label == NULL)
            continue;
          /* right of the line, or left of it when it would run out of the plot */
          w = text_width (cr, c, c->font, mark->label);
          draw_text (cr, c, c->font, mark->label,
                     px + 4 + w > m->rect.x + m->rect.width ? px - 4 : px + 4, ly,
                     px + 4 + w > m->rect.x + m->rect.width ? 1 : 0, 0);
        }
    }
  cairo_restore (cr);
}

void
vs_chart_render_frame (VsChartModel       *model,
                       cairo_t            *cr,
                       int                 width,
                       int                 height,
                       const VsChartStyle *style,
                       gboolean            background)
{
  const VsChartStyle *c = style;
  Metrics metrics;
  Mapping m;
  double x0, x1;

  get_metrics (style, &metrics);
  get_mapping (model, style, width, height, &m);

  cairo_save (cr);
  if (background)
    {
      set_rgba (cr, &c->background);
      cairo_paint (cr);
    }

  set_rgba (cr, &c->text);
  draw_text (cr, c, c->title_font, vs_chart_model_get_title (model), 14, TITLE_Y, 0, 0);
  draw_legend (model, cr, width, c, &metrics);

  if (vs_chart_model_get_shade (model, &x0, &x1))
    {
      double px0 = map_x (&m, MAX (x0, m.x_min));
      double px1 = map_x (&m, MIN (x1, m.x_max));

      set_rgba (cr, &c->shade);
      cairo_rectangle (cr, px0, m.rect.y, px1 - px0, m.rect.height);
      cairo_fill (cr);
      if (px1 - px0 > 40)
        {
          set_rgba (cr, &c->dim);
          draw_text (cr, c, c->font, _("warm-up"), (px0 + px1) / 2, m.rect.y + 4, 0.5, 0);
        }
    }

  cairo_set_line_width (cr, 1);
  draw_y_ticks (model, cr, &m, c);
  draw_x_ticks (model, cr, &m, c);

  draw_marks (model, cr, &m, c, &metrics);

  set_rgba (cr, &c->axis);
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
             const VsChartStyle  *style,
             const Mapping       *m,
             const VsChartSeries *s,
             guint                from,
             gboolean             keep_max)
{
  const double *xs = (const double *) (gpointer) s->x->data;
  const double *ys = (const double *) (gpointer) s->y->data;
  guint first = from;

  set_series_color (cr, style, s);
  if (s->x->len == 1 && s->points == NULL)
    {
      cairo_arc (cr, map_x (m, xs[0]), map_y (m, ys[0]), style->line_width * 1.25, 0, 2 * G_PI);
      cairo_fill (cr);
      return;
    }
  if (from == 0 && s->points == NULL && draw_dense (cr, m, s, keep_max))
    return;
  if (s->x->len > 1)
    {
      from = from > 0 ? from - 1 : 0;
      cairo_move_to (cr, map_x (m, xs[from]), map_y (m, ys[from]));
      for (guint i = from + 1; i < s->x->len; i++)
        cairo_line_to (cr, map_x (m, xs[i]), map_y (m, ys[i]));
      cairo_stroke (cr);
    }
  for (guint i = first; s->points != NULL && i < s->x->len; i++)
    draw_marker (cr, style, map_x (m, xs[i]), map_y (m, ys[i]),
                 g_array_index (s->points, guint8, i));
}

void
vs_chart_render_data_from (VsChartModel       *model,
                           cairo_t            *cr,
                           int                 width,
                           int                 height,
                           const VsChartStyle *style,
                           const guint        *from)
{
  gboolean keep_max = vs_chart_model_get_y_unit (model) == VS_UNIT_LATENCY;
  gboolean any = FALSE;
  Mapping m;

  get_mapping (model, style, width, height, &m);

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
      set_line_style (cr, style, s->dashed);
      draw_series (cr, style, &m, s, start, keep_max);
      for (guint j = 0; j < s->y->len && !any; j++)
        any = g_array_index (s->y, double, j) != 0;
    }
  cairo_restore (cr);

  /* a flat line at zero reads as "no data"; say what it means */
  if (from == NULL && !any && vs_chart_model_get_n_points (model) > 0 &&
      vs_chart_model_get_kind (model) == VS_CHART_ERRORS)
    {
      set_rgba (cr, &style->dim);
      draw_text (cr, style, style->title_font, _("No errors"), m.rect.x + m.rect.width / 2,
                 m.rect.y + m.rect.height / 2, 0.5, 0.5);
    }
}

void
vs_chart_render_data (VsChartModel       *model,
                      cairo_t            *cr,
                      int                 width,
                      int                 height,
                      const VsChartStyle *style)
{
  vs_chart_render_data_from (model, cr, width, height, style, NULL);
}

/* The hover box's lines: per series, its label and value at the point nearest x; the x of
 * the first series' point is the box's heading. */
static double
hover_collect (VsChartModel *model,
               double        x,
               GPtrArray    *lines,
               GArray       *colors)
{
  VsUnit y_unit = vs_chart_model_get_y_unit (model);
  double shown_x = x;

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
  return shown_x;
}

/* The box beside the marker line at px: the heading, then a coloured dot and a line per
 * series; on the left of the line when it would not fit on the right. */
static void
hover_draw_box (cairo_t            *cr,
                const VsChartStyle *c,
                const Metrics      *metrics,
                const Mapping      *m,
                double              px,
                const char         *head,
                GPtrArray          *lines,
                GArray             *colors)
{
  double box_w, box_h, box_x, box_y;

  box_w = text_width (cr, c, c->title_font, head);
  for (guint i = 0; i < lines->len; i++)
    box_w = MAX (box_w, metrics->line + text_width (cr, c, c->font,
                                                    g_ptr_array_index (lines, i)));
  box_w += 16;
  box_h = 10 + metrics->line * (lines->len + 1);
  box_x = px + 10;
  if (box_x + box_w > m->rect.x + m->rect.width)
    box_x = px - 10 - box_w;
  box_x = MAX (box_x, 0);
  box_y = m->rect.y + 4;

  set_rgba (cr, &c->hover_bg);
  cairo_rectangle (cr, box_x, box_y, box_w, box_h);
  cairo_fill_preserve (cr);
  set_rgba (cr, &c->axis);
  cairo_stroke (cr);

  set_rgba (cr, &c->hover_fg);
  draw_text (cr, c, c->title_font, head, box_x + 8, box_y + 5, 0, 0);
  for (guint i = 0; i < lines->len; i++)
    {
      double ly = box_y + 5 + metrics->line * (i + 1);

      set_target_color (cr, c, g_array_index (colors, int, i));
      cairo_arc (cr, box_x + 12, ly + metrics->line / 2, 4, 0, 2 * G_PI);
      cairo_fill (cr);
      set_rgba (cr, &c->hover_fg);
      draw_text (cr, c, c->font, g_ptr_array_index (lines, i), box_x + 8 + metrics->line, ly,
                 0, 0);
    }
}

void
vs_chart_render_hover (VsChartModel       *model,
                       cairo_t            *cr,
                       int                 width,
                       int                 height,
                       const VsChartStyle *style,
                       double              x)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) colors = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *head = NULL;
  double px, shown_x;
  Metrics metrics;
  Mapping m;

  get_metrics (style, &metrics);
  get_mapping (model, style, width, height, &m);

  shown_x = hover_collect (model, x, lines, colors);
  if (lines->len == 0)
    return;

  head = vs_units_format (shown_x, vs_chart_model_get_x_unit (model));
  px = round (map_x (&m, shown_x)) + 0.5;

  cairo_save (cr);
  set_rgba (cr, &style->accent);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, px, m.rect.y);
  cairo_line_to (cr, px, m.rect.y + m.rect.height);
  cairo_stroke (cr);
  hover_draw_box (cr, style, &metrics, &m, px, head, lines, colors);
  cairo_restore (cr);
}

/* The exports: the fixed style, whatever the desktop's, so a file looks the same wherever it
 * was made. */
static void
render_all (VsChartModel *model,
            cairo_t      *cr,
            int           width,
            int           height)
{
  VsChartStyle style;

  vs_chart_style_init_export (&style);
  vs_chart_render_frame (model, cr, width, height, &style, TRUE);
  vs_chart_render_data (model, cr, width, height, &style);
  vs_chart_style_clear (&style);
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
                        GError       **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_status_t status;
  gboolean ok;

  render_all (model, cr, width, height);
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
                        GError       **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width,
                                                                  height);
  cairo_t *cr = cairo_create (surface);
  gboolean ok;

  render_all (model, cr, width, height);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  ok = check_surface (surface, path, error);
  cairo_surface_destroy (surface);
  return ok && vs_file_replace (path, bytes->data, bytes->len, error);
}
