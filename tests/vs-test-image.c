/* vs-test-image.c: looking at rendered pictures in tests */
#include <cairo.h>
#include <glib.h>

#include "vs-test-image.h"

double
vs_test_png_variance (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);
  int w, h, stride;
  const guint8 *data;
  double sum = 0, sum2 = 0, n;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  w = cairo_image_surface_get_width (surface);
  h = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  n = (double) w * h;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = *(const guint32 *) (gconstpointer) (data + y * stride + x * 4);
        double l = 0.3 * ((p >> 16) & 0xff) + 0.59 * ((p >> 8) & 0xff) + 0.11 * (p & 0xff);

        sum += l;
        sum2 += l * l;
      }
  cairo_surface_destroy (surface);
  return sum2 / n - (sum / n) * (sum / n);
}
