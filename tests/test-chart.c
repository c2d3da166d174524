/* test-chart.c: chart units and ticks, the Cairo renderer, the widget's caches and its frame
 * time with 4 targets × 10,000 points per series */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "vs-app-testing.h"
#include "vs-chart.h"
#include "vs-chart-render.h"
#include "vs-dashboard.h"
#include "vs-error.h"
#include "vs-frame-stats.h"
#include "vs-palette.h"
#include "vs-units.h"
#include "vs-test-image.h"
#include "vs-test-quarks.h"

static gboolean have_display;

#if defined(__SANITIZE_ADDRESS__)
# define SLOWDOWN 4
#else
# define SLOWDOWN 1
#endif

static void
test_units_steps (void)
{
  /* round steps only: 1, 2, 2.5, 5 × 10ⁿ */
  g_assert_cmpfloat (vs_units_nice_step (10, 5, VS_UNIT_SECONDS), ==, 2);
  g_assert_cmpfloat (vs_units_nice_step (37, 8, VS_UNIT_SECONDS), ==, 5);
  g_assert_cmpfloat (vs_units_nice_step (12000, 5, VS_UNIT_RATE), ==, 2500);
  g_assert_cmpfloat (vs_units_nice_ceil (8700, 5, VS_UNIT_RATE), ==, 10000);
  g_assert_cmpfloat (vs_units_nice_ceil (3.2, 5, VS_UNIT_COUNT), ==, 4);
  g_assert_cmpfloat_with_epsilon (vs_units_nines (99), 2, 1e-9);
  g_assert_cmpfloat_with_epsilon (vs_units_percentile (3), 99.9, 1e-9);
}

static void
test_units_format (void)
{
  struct { double value; VsUnit unit; const char *text; } cases[] = {
    { 842, VS_UNIT_LATENCY, "842 µs" },
    { 12300, VS_UNIT_LATENCY, "12.3 ms" },
    { 1250000, VS_UNIT_LATENCY, "1.25 s" },
    { 950, VS_UNIT_COUNT, "950" },
    { 12345, VS_UNIT_COUNT, "12.3k" },
    { 4560000, VS_UNIT_COUNT, "4.56M" },
    { 12345, VS_UNIT_RATE, "12.3k req/s" },
    { 12.5, VS_UNIT_ERROR_RATE, "12.5 errors/s" },
    { 2, VS_UNIT_NINES, "99 %" },
    { 3, VS_UNIT_NINES, "99.9 %" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = vs_units_format (cases[i].value, cases[i].unit);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  /* the errors chart reads out errors per second, not requests */
  {
    g_autoptr(VsChartModel) errors = vs_chart_model_new (VS_CHART_ERRORS);

    g_assert_cmpint (vs_chart_model_get_y_unit (errors), ==, VS_UNIT_ERROR_RATE);
  }

  /* ticks carry as many decimals as their step needs, and the same unit along an axis */
  {
    g_autofree char *a = vs_units_format_tick (2500, 500, VS_UNIT_LATENCY);
    g_autofree char *b = vs_units_format_tick (3000, 500, VS_UNIT_LATENCY);
    g_autofree char *c = vs_units_format_tick (0, 2, VS_UNIT_SECONDS);

    g_assert_cmpstr (a, ==, "2.5 ms");
    g_assert_cmpstr (b, ==, "3.0 ms");
    g_assert_cmpstr (c, ==, "0 s");
  }
}

/* The window prints with the locale's decimal separator (the files stay dot-decimal). */
static void
test_units_locale (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  g_autofree char *latency = NULL;
  g_autofree char *rate = NULL;

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL &&
      setlocale (LC_NUMERIC, "de_DE.utf8") == NULL)
    {
      g_test_skip ("no German locale to test with");
      return;
    }
  latency = vs_units_format (12300, VS_UNIT_LATENCY);
  rate = vs_units_format (12345, VS_UNIT_RATE);
  setlocale (LC_NUMERIC, saved);
  g_assert_cmpstr (latency, ==, "12,3 ms");
  g_assert_cmpstr (rate, ==, "12,3k req/s");
}

/* Time in quarter seconds; on the spectrum, nines from 0 to 5 (99.999 %). */
static double
x_of (VsChartKind kind,
      guint       i,
      guint       n_points)
{
  return kind == VS_CHART_SPECTRUM ? 5.0 * i / n_points : i * 0.25;
}

static VsChartModel *
make_model (VsChartKind kind,
            guint       n_series,
            guint       n_points)
{
  VsChartModel *model = vs_chart_model_new (kind);

  for (guint s = 0; s < n_series; s++)
    {
      g_autofree char *label = g_strdup_printf ("target-%u", s);
      guint id = vs_chart_model_add_series (model, label, s, FALSE, TRUE);

      for (guint i = 0; i < n_points; i++)
        vs_chart_model_append (model, id, x_of (kind, i, n_points),
                               1000 * (s + 1) + 300 * sin (i / 40.0 + s) + (i % 7) * 20);
    }
  vs_chart_model_set_shade (model, 0, 5);
  vs_chart_model_changed (model);
  return model;
}

static void
test_model_ranges (void)
{
  g_autoptr(VsChartModel) model = make_model (VS_CHART_THROUGHPUT, 2, 100);
  double x0, x1, y0, y1;
  guint frame_serial;

  vs_chart_model_get_range (model, &x0, &x1, &y0, &y1);
  g_assert_cmpfloat (x0, ==, 0);
  g_assert_cmpfloat (x1, >=, 99 * 0.25);
  g_assert_cmpfloat (y1, >=, 2000 + 300 + 120);
  /* round: a whole number of steps */
  g_assert_cmpfloat (fmod (y1, vs_chart_model_get_y_step (model)), ==, 0);

  /* new data inside the same ranges keeps the frame (axes) as it was */
  frame_serial = vs_chart_model_get_frame_serial (model);
  vs_chart_model_append (model, 0, 25, 1500);
  vs_chart_model_changed (model);
  g_assert_cmpuint (vs_chart_model_get_frame_serial (model), ==, frame_serial);
  /* data beyond them changes it */
  vs_chart_model_append (model, 0, 26, 1e6);
  vs_chart_model_changed (model);
  g_assert_cmpuint (vs_chart_model_get_frame_serial (model), !=, frame_serial);
}

static void
test_render_png_svg (void)
{
  g_autofree char *dir = g_dir_make_tmp ("versus-chart-XXXXXX", NULL);

  for (guint kind = 0; kind < VS_N_CHARTS; kind++)
    {
      g_autoptr(VsChartModel) model = make_model (kind, 3, 400);
      g_autoptr(VsChartModel) empty = vs_chart_model_new (kind);
      g_autofree char *png = g_build_filename (dir, "chart.png", NULL);
      g_autofree char *empty_png = g_build_filename (dir, "empty.png", NULL);
      g_autofree char *svg = g_build_filename (dir, "chart.svg", NULL);
      g_autofree char *svg_text = NULL;
      g_autoptr(GError) error = NULL;
      double with_data, without;

      g_assert_true (vs_chart_render_to_png (model, png, 800, 400, &error));
      g_assert_no_error (error);
      g_assert_true (vs_chart_render_to_png (empty, empty_png, 800, 400, &error));
      with_data = vs_test_png_variance (png);
      without = vs_test_png_variance (empty_png);
      /* not blank, and the lines add to what the bare axes show */
      g_assert_cmpfloat (without, >, 1);
      g_assert_cmpfloat (with_data, >, without);

      g_assert_true (vs_chart_render_to_svg (model, svg, 800, 400, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
      g_assert_true (g_str_has_prefix (svg_text, "<?xml"));
      g_assert_nonnull (strstr (svg_text, "<path"));
      g_unlink (png);
      g_unlink (empty_png);
      g_unlink (svg);
    }

  /* an unwritable path is an error that names it */
  {
    g_autoptr(VsChartModel) model = make_model (VS_CHART_LATENCY, 1, 10);
    g_autoptr(GError) error = NULL;

    g_assert_false (vs_chart_render_to_png (model, "/nonexistent/dir/x.png", 100, 100,
                                            &error));
    g_assert_error (error, VS_ERROR, VS_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "/nonexistent/dir/x.png"));
  }
  g_rmdir (dir);
}

static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 counter = gdk_frame_clock_get_frame_counter (clock);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* a frame is drawn only when asked for one */
  while (gdk_frame_clock_get_frame_counter (clock) < counter + n &&
         g_get_monotonic_time () < deadline)
    {
      gtk_widget_queue_draw (widget);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (500);
    }
}

/* ---- styles (issue 10, point 5) --------------------------------------------------------- */

typedef struct
{
  guint8 r, g, b;
} Pixel;

static Pixel
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 argb = *(const guint32 *) (gconstpointer) (data + y * cairo_image_surface_get_stride (
    surface) + 4 * x);

  return (Pixel) { (argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff };
}

static void
assert_pixel (Pixel          p,
              const GdkRGBA *c)
{
  g_assert_cmpint (abs (p.r - (int) round (c->red * 255)), <=, 1);
  g_assert_cmpint (abs (p.g - (int) round (c->green * 255)), <=, 1);
  g_assert_cmpint (abs (p.b - (int) round (c->blue * 255)), <=, 1);
}

/* Frame and data of a chart drawn with style on an opaque 800 × 400 image. */
static cairo_surface_t *
render_with (VsChartModel       *model,
             const VsChartStyle *style)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 800, 400);
  cairo_t *cr = cairo_create (surface);

  vs_chart_render_frame (model, cr, 800, 400, style, TRUE);
  vs_chart_render_data (model, cr, 800, 400, style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Columns of the 800 × 400 image at and right of x that hover drew over: how many of its pixels
 * differ from the chart without it. */
static guint
changed_right_of (cairo_surface_t *a,
                  cairo_surface_t *b,
                  int              from_x,
                  int              to_x)
{
  int stride = cairo_image_surface_get_stride (a);
  const guchar *pa = cairo_image_surface_get_data (a);
  const guchar *pb = cairo_image_surface_get_data (b);
  guint n = 0;

  for (int y = 0; y < 400; y++)
    for (int x = MAX (from_x, 0); x < MIN (to_x, 800); x++)
      n += memcmp (pa + y * stride + 4 * x, pb + y * stride + 4 * x, 4) != 0;
  return n;
}

/* The hover marker and its box: the box of values sits right of the marker line, or left of it
 * when it would leave the plot on the right. */
static void
test_render_hover (void)
{
  g_autoptr(VsChartModel) model = make_model (VS_CHART_THROUGHPUT, 2, 100);
  VsChartStyle style;
  VsChartRect rect;
  cairo_surface_t *plain;

  vs_chart_style_init_export (&style);
  vs_chart_render_plot_rect (&style, 800, 400, &rect);
  plain = render_with (model, &style);

  for (guint k = 0; k < 2; k++)
    {
      /* the middle of the time axis, then its last point */
      double x = k == 0 ? 12 : 24.75;
      double px;
      cairo_surface_t *hover = render_with (model, &style);
      cairo_t *cr = cairo_create (hover);
      guint right, left;

      vs_chart_render_hover (model, cr, 800, 400, &style, x);
      cairo_destroy (cr);
      cairo_surface_flush (hover);
      /* the marker: the column changed over the plot's whole height */
      px = -1;
      for (int c = 0; c < 800 && px < 0; c++)
        if (changed_right_of (plain, hover, c, c + 1) >= rect.height - 1)
          px = c;
      g_assert_cmpfloat (px, >=, rect.x);
      right = changed_right_of (plain, hover, (int) px + 2, (int) px + 60);
      left = changed_right_of (plain, hover, (int) px - 60, (int) px - 1);
      {
        gsize size = 400 * cairo_image_surface_get_stride (hover);
        g_autofree char *sum =
          g_compute_checksum_for_data (G_CHECKSUM_SHA256, cairo_image_surface_get_data (hover),
                                       size);

        g_test_message ("hover at %.2f (px %.0f): %u pixels changed right, %u left; image %s", x,
                        px, right, left, sum);
      }
      if (k == 0)
        {
          g_assert_cmpuint (right, >, 300);
          g_assert_cmpuint (left, ==, 0);
        }
      else
        {
          g_assert_cmpuint (left, >, 300);
          g_assert_cmpuint (right, ==, 0);
        }
      cairo_surface_destroy (hover);
    }
  cairo_surface_destroy (plain);
  vs_chart_style_clear (&style);
}

/* The renderer draws with the style it is given: its background, its axis colour, where its
 * font size puts the axis, and the target shades its dark flag picks. */
static void
test_render_style (void)
{
  g_autoptr(VsChartModel) model = vs_chart_model_new (VS_CHART_THROUGHPUT);
  VsChartStyle a, b;
  VsChartRect ra, rb;
  cairo_surface_t *sa, *sb;
  GdkRGBA light_0, dark_0;
  guint id = vs_chart_model_add_series (model, "flat", 0, FALSE, TRUE);

  /* a flat line at half the y range: 0…100 */
  for (guint i = 0; i <= 10; i++)
    vs_chart_model_append (model, id, i, 50);
  vs_chart_model_append (model, id, 10, 100);
  vs_chart_model_changed (model);

  vs_chart_style_init_export (&a);
  vs_chart_style_init_export (&b);
  b.background = (GdkRGBA) { 0.1, 0.2, 0.3, 1 };
  b.axis = (GdkRGBA) { 0, 1, 0, 1 };
  b.dark = TRUE;
  b.resolution = 192;  /* text scaled twice */
  g_assert_false (vs_chart_style_equal (&a, &b));

  vs_chart_render_plot_rect (&a, 800, 400, &ra);
  vs_chart_render_plot_rect (&b, 800, 400, &rb);
  /* the margins the charts were designed with, at Sans 9 and 96 dpi */
  g_assert_cmpfloat (ra.x, ==, 68);
  g_assert_cmpfloat (ra.y, ==, 60);
  /* twice the text, about twice the room for the labels */
  g_assert_cmpfloat (rb.x, >=, 1.9 * ra.x);
  g_assert_cmpfloat (rb.y, >=, 1.5 * ra.y);

  sa = render_with (model, &a);
  sb = render_with (model, &b);
  assert_pixel (pixel_at (sa, 2, 2), &a.background);
  assert_pixel (pixel_at (sb, 2, 2), &b.background);
  /* the y axis, between two grid lines (0…125 in five steps): each in its own place, in its
   * own colour */
  assert_pixel (pixel_at (sb, rb.x, rb.y + rb.height * 0.3), &b.axis);
  {
    Pixel p = pixel_at (sa, ra.x, ra.y + ra.height * 0.3);

    /* 30 % black over the first grid line's 8 % over white: 255 × 0.92 × 0.7 */
    g_assert_cmpint (abs (p.r - 164), <=, 2);
    g_assert_cmpint (p.r, ==, p.g);
  }
  /* the line at y = 50, in the middle of its plot: light and dark shades of target 0 */
  vs_palette_target_color (0, FALSE, &light_0);
  vs_palette_target_color (0, TRUE, &dark_0);
  {
    double ya, yb;
    VsChartRect *rects[] = { &ra, &rb };
    double *ys[] = { &ya, &yb };
    double x0, x1, y0, y1;

    vs_chart_model_get_range (model, &x0, &x1, &y0, &y1);
    for (guint i = 0; i < 2; i++)
      *ys[i] = rects[i]->y + rects[i]->height * (1 - (50 - y0) / (y1 - y0));
    assert_pixel (pixel_at (sa, ra.x + ra.width * 0.3, floor (ya)), &light_0);
    assert_pixel (pixel_at (sb, rb.x + rb.width * 0.3, floor (yb)), &dark_0);
  }

  cairo_surface_destroy (sa);
  cairo_surface_destroy (sb);
  vs_chart_style_clear (&a);
  vs_chart_style_clear (&b);
}

/* WCAG relative luminance and contrast ratio; CIE76 distance in L*a*b* (D65). */
static double
lin (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
rel_luminance (const GdkRGBA *c)
{
  return 0.2126 * lin (c->red) + 0.7152 * lin (c->green) + 0.0722 * lin (c->blue);
}

static double
contrast (const GdkRGBA *a,
          const GdkRGBA *b)
{
  double la = rel_luminance (a), lb = rel_luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

static void
to_lab (const GdkRGBA *c,
        double         lab[3])
{
  double r = lin (c->red), g = lin (c->green), b = lin (c->blue);
  double xyz[3] = { (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
                    0.2126 * r + 0.7152 * g + 0.0722 * b,
                    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883 };
  double f[3];

  for (guint i = 0; i < 3; i++)
    f[i] = xyz[i] > 0.008856 ? cbrt (xyz[i]) : 7.787 * xyz[i] + 16.0 / 116;
  lab[0] = 116 * f[1] - 16;
  lab[1] = 500 * (f[0] - f[1]);
  lab[2] = 200 * (f[1] - f[2]);
}

/* Target colours stay readable on the card they are drawn on (3:1, WCAG's figure for
 * graphics), light and dark, and distinct from each other (ΔE ≥ 20). */
static void
test_palette (void)
{
  /* libadwaita 1.2's cards: white; rgba(255,255,255,0.08) over #242424 */
  const GdkRGBA grounds[2] = { { 1, 1, 1, 1 }, { 0.216, 0.216, 0.216, 1 } };
  guint n = vs_palette_get_n_colors ();

  g_assert_cmpuint (n, >=, 8);
  for (guint dark = 0; dark < 2; dark++)
    for (guint i = 0; i < n; i++)
      {
        GdkRGBA ci;
        double li[3];

        vs_palette_target_color (i, dark, &ci);
        g_assert_cmpfloat (contrast (&ci, &grounds[dark]), >=, 3);
        to_lab (&ci, li);
        for (guint j = i + 1; j < n; j++)
          {
            GdkRGBA cj;
            double lj[3];

            vs_palette_target_color (j, dark, &cj);
            to_lab (&cj, lj);
            g_assert_cmpfloat (sqrt ((li[0] - lj[0]) * (li[0] - lj[0]) +
                                     (li[1] - lj[1]) * (li[1] - lj[1]) +
                                     (li[2] - lj[2]) * (li[2] - lj[2])), >=, 20);
          }
      }
}

/* The widget's style comes from its CSS and its Pango context, and a change of either redraws
 * the cached axes. */
static void
test_widget_style (void)
{
  g_autoptr(VsChartModel) model = make_model (VS_CHART_THROUGHPUT, 2, 100);
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  GtkSettings *settings = gtk_settings_get_default ();
  VsChartStyle style;
  GtkWidget *window, *chart;
  GdkRGBA green = { 0, 1, 0, 1 };
  const char *css = "@define-color chart_axis_color #00ff00; chart { color: white; }";
  int dpi = 0;
  guint frames;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = gtk_window_new ();
  chart = vs_chart_new (model);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 300);
  gtk_window_present (GTK_WINDOW (window));
  wait_frames (window, 3);

  /* the named colours (without the application, their fallbacks) on a light ground */
  vs_chart_style_init_from_widget (&style, chart);
  g_assert_false (style.dark);
  g_assert_cmpfloat (style.grid.alpha, <, 0.5);
  vs_chart_style_clear (&style);

  frames = vs_chart_get_frame_draws (VS_CHART (chart));
#if GTK_CHECK_VERSION (4, 12, 0)
  gtk_css_provider_load_from_string (provider, css);
#else
  gtk_css_provider_load_from_data (provider, css, -1);
#endif
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_USER);
  wait_frames (window, 2);
  vs_chart_style_init_from_widget (&style, chart);
  g_assert_true (gdk_rgba_equal (&style.axis, &green));
  g_assert_true (style.dark);  /* white text: a dark ground */
  vs_chart_style_clear (&style);
  g_assert_cmpuint (vs_chart_get_frame_draws (VS_CHART (chart)), >, frames);

  /* text scaling (GNOME sets gtk-xft-dpi from text-scaling-factor) */
  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  frames = vs_chart_get_frame_draws (VS_CHART (chart));
  g_object_set (settings, "gtk-xft-dpi", 2 * 96 * 1024, NULL);
  wait_frames (window, 2);
  vs_chart_style_init_from_widget (&style, chart);
  g_assert_cmpfloat (style.resolution, ==, 192);
  vs_chart_style_clear (&style);
  g_assert_cmpuint (vs_chart_get_frame_draws (VS_CHART (chart)), >, frames);

  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (provider));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_widget_caches (void)
{
  GtkWidget *window;
  GtkWidget *chart;
  g_autoptr(VsChartModel) model = make_model (VS_CHART_THROUGHPUT, 2, 100);
  guint frames, data, extends;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = gtk_window_new ();
  chart = vs_chart_new (model);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 300);
  gtk_window_present (GTK_WINDOW (window));
  wait_frames (window, 3);

  frames = vs_chart_get_frame_draws (VS_CHART (chart));
  data = vs_chart_get_data_draws (VS_CHART (chart));
  g_assert_cmpuint (frames, >=, 1);

  /* new points inside the ranges: the lines are extended, nothing is redrawn whole */
  extends = vs_chart_get_data_extends (VS_CHART (chart));
  vs_chart_model_append (model, 0, 25, 1500);
  vs_chart_model_changed (model);
  wait_frames (window, 2);
  g_assert_cmpuint (vs_chart_get_data_extends (VS_CHART (chart)), ==, extends + 1);
  g_assert_cmpuint (vs_chart_get_data_draws (VS_CHART (chart)), ==, data);
  g_assert_cmpuint (vs_chart_get_frame_draws (VS_CHART (chart)), ==, frames);

  /* no new data, nothing drawn at all */
  gtk_widget_queue_draw (chart);
  wait_frames (window, 2);
  g_assert_cmpuint (vs_chart_get_data_extends (VS_CHART (chart)), ==, extends + 1);
  g_assert_cmpuint (vs_chart_get_data_draws (VS_CHART (chart)), ==, data);

  /* a series replaced, not extended: drawn whole; a range change redraws the axes */
  vs_chart_model_clear (model);
  vs_chart_model_add_series (model, "other", 1, FALSE, TRUE);
  vs_chart_model_append (model, 0, 1, 1e6);
  vs_chart_model_changed (model);
  wait_frames (window, 2);
  g_assert_cmpuint (vs_chart_get_data_draws (VS_CHART (chart)), ==, data + 1);
  g_assert_cmpuint (vs_chart_get_frame_draws (VS_CHART (chart)), ==, frames + 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The main thread's CPU time of each frame, from inside the interval VsFrameStats times: its
 * before-paint handler is connected after VsFrameStats's, its after-paint one before. */
typedef struct
{
  VsFrameStats *cpu;
  gint64        start;  /* CLOCK_THREAD_CPUTIME_ID, µs; 0: no frame begun */
} FrameCpu;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
frame_cpu_begin (GdkFrameClock *clock,
                 FrameCpu      *frame)
{
  frame->start = thread_cpu_us ();
}

static void
frame_cpu_end (GdkFrameClock *clock,
               FrameCpu      *frame)
{
  if (frame->start == 0)
    return;
  vs_frame_stats_add (frame->cpu, thread_cpu_us () - frame->start);
  frame->start = 0;
}

/* The goal of the issue: p95 frame time under 16 ms with 4 targets and 10,000 points per
 * series, every chart receiving new data every frame (harsher than a run's 4 ticks/s). */
static void
test_frame_time (void)
{
  GtkWidget *window, *grid;
  VsChartModel *models[VS_N_CHARTS];
  g_autoptr(VsFrameStats) stats = vs_frame_stats_new ();
  g_autoptr(VsFrameStats) cpu = vs_frame_stats_new ();
  FrameCpu frame = { cpu, 0 };
  GdkFrameClock *clock = NULL;
  const guint n_targets = 4, n_points = 10000, n_frames = 60;
  const char *strict = g_getenv ("VERSUS_STRICT_FRAMES");
  gint64 p50, p95, cpu_p50, cpu_p95;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = gtk_window_new ();
  grid = gtk_grid_new ();
  for (guint k = 0; k < VS_N_CHARTS; k++)
    {
      GtkWidget *chart;

      /* the latency chart carries two series (p50, p99) per target */
      models[k] = make_model (k, k == VS_CHART_LATENCY ? 2 * n_targets : n_targets, n_points);
      chart = vs_chart_new (models[k]);

      gtk_widget_set_hexpand (chart, TRUE);
      gtk_widget_set_vexpand (chart, TRUE);
      gtk_grid_attach (GTK_GRID (grid), chart, k % 2, k / 2, 1, 1);
    }
  gtk_window_set_child (GTK_WINDOW (window), grid);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  wait_frames (window, 3);

  /* the first append widens the time axis and redraws everything once: leave it out */
  for (guint f = 0; f <= n_frames; f++)
    {
      for (guint k = 0; k < VS_N_CHARTS; k++)
        {
          for (guint s = 0; s < vs_chart_model_get_n_series (models[k]); s++)
            vs_chart_model_append (models[k], s, x_of (k, n_points + f, n_points),
                                   1000 + 10 * f);
          vs_chart_model_changed (models[k]);
        }
      wait_frames (window, 1);
      if (f == 0)
        {
          clock = gtk_widget_get_frame_clock (window);
          g_signal_connect (clock, "after-paint", G_CALLBACK (frame_cpu_end), &frame);
          vs_frame_stats_attach (stats, window);
          g_signal_connect (clock, "before-paint", G_CALLBACK (frame_cpu_begin), &frame);
        }
    }
  g_signal_handlers_disconnect_by_data (clock, &frame);
  vs_frame_stats_detach (stats);

  p50 = vs_frame_stats_percentile (stats, 50);
  p95 = vs_frame_stats_percentile (stats, 95);
  cpu_p50 = vs_frame_stats_percentile (cpu, 50);
  cpu_p95 = vs_frame_stats_percentile (cpu, 95);
  g_test_message ("frame time with %u targets × %u points: p50 %.2f ms, p95 %.2f ms (%u frames); "
                  "CPU p50 %.2f ms, p95 %.2f ms", n_targets, n_points, p50 / 1000.0,
                  p95 / 1000.0, vs_frame_stats_get_count (stats), cpu_p50 / 1000.0,
                  cpu_p95 / 1000.0);
  if (g_getenv ("VERSUS_PRINT_FRAMES"))
    g_printerr ("frame time p50 %.2f ms, p95 %.2f ms\n", p50 / 1000.0, p95 / 1000.0);
  g_assert_cmpuint (vs_frame_stats_get_count (stats), >=, n_frames / 2);
  /* the same frames, each timed from outside its CPU time: no percentile below it */
  g_assert_cmpuint (vs_frame_stats_get_count (cpu), ==, vs_frame_stats_get_count (stats));
  g_assert_cmpint (p50, >=, cpu_p50);
  g_assert_cmpint (p95, >=, cpu_p95);
  /* the machine is shared and Xvfb renders in software: the 16 ms goal (p95) is enforced on
   * request; a gross regression always, on the median of the frames' CPU time, which other
   * processes' load leaves alone (the wall-clock median reached 131 ms under two busy loops,
   * and p95 390 ms on a loaded machine, with nothing wrong) */
  if (strict != NULL)
    g_assert_cmpint (p95, <, 16 * SLOWDOWN * 1000);
  g_assert_cmpint (cpu_p50, <, 100 * SLOWDOWN * 1000);

  gtk_window_destroy (GTK_WINDOW (window));
  for (guint k = 0; k < VS_N_CHARTS; k++)
    g_object_unref (models[k]);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

  vs_test_add_func ("/ui/units/steps", test_units_steps);
  vs_test_add_func ("/ui/units/format", test_units_format);
  vs_test_add_func ("/ui/units/locale", test_units_locale);
  vs_test_add_func ("/ui/chart/model-ranges", test_model_ranges);
  vs_test_add_func ("/ui/chart/render-png-svg", test_render_png_svg);
  vs_test_add_func ("/ui/chart/render-style", test_render_style);
  vs_test_add_func ("/ui/chart/render-hover", test_render_hover);
  vs_test_add_func ("/ui/chart/palette", test_palette);
  vs_test_add_func ("/ui/chart/widget-style", test_widget_style);
  vs_test_add_func ("/ui/chart/widget-caches", test_widget_caches);
  vs_test_add_func ("/ui/chart/frame-time", test_frame_time);
  return g_test_run ();
}
