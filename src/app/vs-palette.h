/* vs-palette.h: the colour of each target, the same in cards, charts, legend and exports */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void vs_palette_target_color (guint    index,
                              gboolean dark,
                              GdkRGBA *color);
/* "#3584e4": for CSS and markup */
char *vs_palette_target_css  (guint    index,
                              gboolean dark);
/* Whether the widget's style puts light text on a dark ground (dark style, or a dark
 * high-contrast one): then the lighter shades. From its CSS, not the style manager. */
gboolean vs_palette_is_dark_for (GtkWidget *widget);
guint    vs_palette_get_n_colors (void);  /* the colours repeat after this many targets */

G_END_DECLS
