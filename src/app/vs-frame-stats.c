/* vs-frame-stats.c: frame durations from the frame clock */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "vs-frame-stats.h"

#define MAX_FRAMES 100000  /* about half an hour at 60 Hz; later frames are not kept */

struct _VsFrameStats
{
  GArray        *durations;  /* gint64 µs */
  GdkFrameClock *clock;
  gulong         before_paint_id;
  gulong         after_paint_id;
  gulong         realize_id;
  GtkWidget     *widget;     /* unowned */
  gint64         frame_start;
};

VsFrameStats *
vs_frame_stats_new (void)
{
  VsFrameStats *self = g_new0 (VsFrameStats, 1);

  self->durations = g_array_new (FALSE, FALSE, sizeof (gint64));
  return self;
}

void
vs_frame_stats_free (VsFrameStats *self)
{
  vs_frame_stats_detach (self);
  g_array_unref (self->durations);
  g_free (self);
}

static void
before_paint_cb (GdkFrameClock *clock,
           VsFrameStats  *self)
{
  self->frame_start = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                VsFrameStats  *self)
{
  if (self->frame_start == 0)
    return;
  vs_frame_stats_add (self, g_get_monotonic_time () - self->frame_start);
  self->frame_start = 0;
}

static void
connect_clock (VsFrameStats *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (self->widget);

  if (clock == NULL || clock == self->clock)
    return;
  self->clock = g_object_ref (clock);
  self->before_paint_id = g_signal_connect (clock, "before-paint",
                                            G_CALLBACK (before_paint_cb), self);
  self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb),
                                           self);
}

static void
realize_cb (GtkWidget    *widget,
            VsFrameStats *self)
{
  connect_clock (self);
}

void
vs_frame_stats_attach (VsFrameStats *self,
                       GtkWidget    *widget)
{
  vs_frame_stats_detach (self);
  self->widget = widget;
  self->realize_id = g_signal_connect (widget, "realize", G_CALLBACK (realize_cb), self);
  if (gtk_widget_get_realized (widget))
    connect_clock (self);
}

void
vs_frame_stats_detach (VsFrameStats *self)
{
  if (self->clock != NULL)
    {
      /* by data: GDK may already have dropped the handlers of a destroyed surface's clock */
      g_signal_handlers_disconnect_by_data (self->clock, self);
      self->before_paint_id = self->after_paint_id = 0;
      g_clear_object (&self->clock);
    }
  if (self->widget != NULL)
    g_clear_signal_handler (&self->realize_id, self->widget);
  self->widget = NULL;
}

void
vs_frame_stats_reset (VsFrameStats *self)
{
  g_array_set_size (self->durations, 0);
}

void
vs_frame_stats_add (VsFrameStats *self,
                    gint64        duration_us)
{
  if (self->durations->len < MAX_FRAMES)
    g_array_append_val (self->durations, duration_us);
}

guint
vs_frame_stats_get_count (VsFrameStats *self)
{
  return self->durations->len;
}

static int
compare_int64 (const void *a,
               const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

gint64
vs_frame_stats_percentile (VsFrameStats *self,
                           double        percentile)
{
  g_autoptr(GArray) sorted = NULL;
  guint n = self->durations->len;
  guint rank;

  if (n == 0)
    return 0;
  sorted = g_array_copy (self->durations);
  qsort (sorted->data, n, sizeof (gint64), compare_int64);
  /* nearest rank, as the histogram does */
  rank = (guint) ceil (CLAMP (percentile, 0, 100) / 100.0 * n);
  return g_array_index (sorted, gint64, CLAMP (rank, 1, n) - 1);
}
