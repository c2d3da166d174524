/* vs-palette.c: target colours from the GNOME palette, lighter shades on dark backgrounds */
#include "config.h"

#include "vs-palette.h"

static const char * const light_colors[] = {
  "#1c71d8", /* blue 4 */
  "#e66100", /* orange 4 */
  "#26a269", /* green 5 */
  "#9141ac", /* purple 3 */
  "#c01c28", /* red 4 */
  "#986a44", /* brown 3 */
  "#2190a4", /* teal */
  "#c64600", /* orange 5 */
};

static const char * const dark_colors[] = {
  "#62a0ea", /* blue 2 */
  "#ffa348", /* orange 2 */
  "#57e389", /* green 3 */
  "#dc8add", /* purple 1 */
  "#f66151", /* red 2 */
  "#cdab8f", /* brown 1 */
  "#5bc8dc", /* teal */
  "#f8e45c", /* yellow 2 */
};

G_STATIC_ASSERT (G_N_ELEMENTS (light_colors) == G_N_ELEMENTS (dark_colors));

void
vs_palette_target_color (guint    index,
                         gboolean dark,
                         GdkRGBA *color)
{
  const char * const *colors = dark ? dark_colors : light_colors;

  gdk_rgba_parse (color, colors[index % G_N_ELEMENTS (light_colors)]);
}

char *
vs_palette_target_css (guint    index,
                       gboolean dark)
{
  const char * const *colors = dark ? dark_colors : light_colors;

  return g_strdup (colors[index % G_N_ELEMENTS (light_colors)]);
}
