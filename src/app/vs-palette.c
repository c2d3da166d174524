/* vs-palette.c: target colours from the GNOME palette, lighter shades on dark backgrounds
 *
 * Each shade keeps a contrast of at least 3:1 (WCAG, for graphics) with the card it is drawn on,
 * and the shades of one set stay apart (CIE76 ΔE ≥ 20); test-chart checks both. */
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
  "#9c7c00", /* yellow, darkened for white: yellow 5 is 2:1 there (orange 5 was too near 4) */
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

gboolean
vs_palette_is_dark_for (GtkWidget *widget)
{
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS  /* gtk_widget_get_color() came in 4.10 */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
}

guint
vs_palette_get_n_colors (void)
{
  return G_N_ELEMENTS (light_colors);
}

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
