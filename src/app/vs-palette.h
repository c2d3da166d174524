/* vs-palette.h: the colour of each target, the same in cards, charts, legend and exports */
#pragma once

#include <gdk/gdk.h>

G_BEGIN_DECLS

void vs_palette_target_color (guint    index,
                              gboolean dark,
                              GdkRGBA *color);
/* "#3584e4": for CSS and markup */
char *vs_palette_target_css  (guint    index,
                              gboolean dark);

G_END_DECLS
