/* vs-snapshot.c: one target's statistics for one tick */
#include "vs-snapshot.h"

VsSnapshot *
vs_snapshot_new (guint    target,
                 VsPhase  phase,
                 double   start_s,
                 double   end_s,
                 VsStats *stats)
{
  VsSnapshot *self;

  g_return_val_if_fail (stats != NULL, NULL);

  self = g_new0 (VsSnapshot, 1);
  self->target = target;
  self->phase = phase;
  self->start_s = start_s;
  self->end_s = end_s;
  self->stats = stats;

  return self;
}

void
vs_snapshot_free (VsSnapshot *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->stats, vs_stats_free);
  g_clear_pointer (&self->measured, vs_stats_free);
  g_clear_pointer (&self->first_error, g_free);
  g_free (self);
}
