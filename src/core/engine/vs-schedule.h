/* vs-schedule.h: the open model's send times, shared by both engines
 *
 * Each worker walks its own share of a target's schedule. Uniform: the target's sends are
 * evenly spaced at 1/rate and worker r of n takes every n-th of them. Poisson: each worker draws
 * exponential gaps at rate/n from a generator seeded from the plan's seed and its rank, so the
 * same plan gives every target the same send times. No allocation, no lock.
 */
#pragma once

#include "vs-plan.h"

G_BEGIN_DECLS

typedef struct
{
  VsArrival arrival;
  double    gap_us;     /* uniform: gap between this worker's sends; Poisson: mean gap */
  double    next_us;    /* intended time of the next send, µs after the job started */
  guint64   rng;        /* splitmix64 state (Poisson) */
} VsSchedule;

/* rate: the whole target's requests/s; rank/n_ranks: this worker's share. */
void   vs_schedule_init    (VsSchedule *self,
                            VsArrival   arrival,
                            double      rate,
                            guint       rank,
                            guint       n_ranks,
                            guint64     seed);
/* Intended time of the next send, µs after the job started. */
static inline gint64
vs_schedule_peek (const VsSchedule *self)
{
  return (gint64) self->next_us;
}
void   vs_schedule_advance (VsSchedule *self);

G_END_DECLS
