/* vs-frame-stats.h: how long the window's frames take, measured on the frame clock
 *
 * Each frame is timed from the clock's "before-paint" phase to "after-paint", which covers
 * update, layout, snapshot and rendering. VERSUS_DEBUG_FRAMES=1 prints the figures after a run.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _VsFrameStats VsFrameStats;

VsFrameStats *vs_frame_stats_new        (void);
void          vs_frame_stats_free       (VsFrameStats *self);
/* Starts timing the frames of widget's surface once it is realized. */
void          vs_frame_stats_attach     (VsFrameStats *self,
                                         GtkWidget    *widget);
void          vs_frame_stats_detach     (VsFrameStats *self);
void          vs_frame_stats_reset      (VsFrameStats *self);
void          vs_frame_stats_add        (VsFrameStats *self,
                                         gint64        duration_us);
guint         vs_frame_stats_get_count  (VsFrameStats *self);
/* percentile in [0, 100] of the recorded frame durations, in µs; 0 when none */
gint64        vs_frame_stats_percentile (VsFrameStats *self,
                                         double        percentile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsFrameStats, vs_frame_stats_free)

G_END_DECLS
