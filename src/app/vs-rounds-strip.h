/* vs-rounds-strip.h: the trials of mode rounds as they come — one strip per round, each
 * target's throughput in that round's trial a dot, each target's median over its trials a line
 */
#pragma once

#include <gtk/gtk.h>

#include "vs-results.h"

G_BEGIN_DECLS

#define VS_TYPE_ROUNDS_STRIP (vs_rounds_strip_get_type ())
G_DECLARE_FINAL_TYPE (VsRoundsStrip, vs_rounds_strip, VS, ROUNDS_STRIP, GtkWidget)

GtkWidget *vs_rounds_strip_new        (void);
/* Results of mode rounds, or NULL (or results of another mode): nothing to show, and the strip
 * hides itself. */
void       vs_rounds_strip_set_results (VsRoundsStrip *self,
                                        VsResults     *results);
/* Reads the trials that have ended since: call on every tick. */
void       vs_rounds_strip_update     (VsRoundsStrip *self);

/* What is drawn, for tests: the dots (complete trials) and the median lines (NAN: none). */
guint      vs_rounds_strip_get_n_dots (VsRoundsStrip *self);
void       vs_rounds_strip_get_dot    (VsRoundsStrip *self,
                                       guint          index,
                                       guint         *round,
                                       guint         *target,
                                       double        *value);
double     vs_rounds_strip_get_median (VsRoundsStrip *self,
                                       guint          target);

G_END_DECLS
