/* vs-test-image.h: looking at rendered pictures in tests */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Variance of a PNG's pixel luminance: 0 for a blank image. */
double vs_test_png_variance (const char *path);

G_END_DECLS
