/* vs-schedule.h: the open model's send times, shared by both engines
 *
 * A target's schedule is one sequence of send times that depends only on the arrival, the rate
 * and the seed, never on how many workers share it: worker r of n takes sends r, r + n, r + 2n …
 * of that one sequence. Uniform: send k is due at k/rate. Poisson: send k is due at the sum of
 * the first k + 1 exponential gaps drawn, in order, from one generator seeded by the plan's
 * seed; every worker draws the whole sequence (and adds every gap in the same order, so the
 * times are bit for bit those of a single worker) and keeps its own entries. The same plan
 * therefore gives every target, every thread count and every machine the same send times.
 *
 * With stages (load.stages, open model) the rate changes over time, linearly within a ramp:
 * the sequence is the same one, drawn in units of "expected sends" instead of time (uniform:
 * entry k at k units; Poisson: unit-mean exponential gaps), and each entry is then placed at
 * the time where the integral of the planned rate reaches its units. That is exactly an
 * inhomogeneous Poisson process (or evenly spaced sends that follow the ramp), the same for
 * every split over workers. After the last stage nothing is due.
 *
 * Times saturate at VS_SCHEDULE_NEVER_US (a rate so low that the next send would be due after
 * it is never due), so no arithmetic on them overflows. No allocation, no lock.
 */
#pragma once

#include "vs-plan.h"

G_BEGIN_DECLS

/* Later than any run (about 73,000 years), and far enough below G_MAXINT64 that a monotonic
 * start time plus it does not overflow. */
#define VS_SCHEDULE_NEVER_US (G_MAXINT64 / 4)

typedef struct
{
  VsArrival arrival;
  double    rate;       /* the whole target's sends per second */
  double    mean_gap_us;/* Poisson: the mean gap of the whole target's sequence */
  guint     stride;     /* n_ranks: how far apart this worker's entries are */
  guint64   index;      /* the sequence number of this worker's next entry */
  double    next_us;    /* intended time of the next send, µs after the job started */
  guint64   rng;        /* splitmix64 state (Poisson) */

  /* stages: NULL without */
  const VsStage *stages;
  guint     n_stages;
  double    units;      /* the next entry's position in expected sends */
  guint     segment;    /* 2 × stage + (0: its ramp, 1: its hold) */
  double    segment_us; /* where that segment starts */
  double    segment_units; /* expected sends before it */
} VsSchedule;

/* rate: the whole target's requests/s; rank/n_ranks: this worker's share. */
void   vs_schedule_init    (VsSchedule *self,
                            VsArrival   arrival,
                            double      rate,
                            guint       rank,
                            guint       n_ranks,
                            guint64     seed);
/* The same with stages (n_stages ≥ 1, rates > 0; the array must outlive the schedule). */
void   vs_schedule_init_stages (VsSchedule    *self,
                                VsArrival      arrival,
                                const VsStage *stages,
                                guint          n_stages,
                                guint          rank,
                                guint          n_ranks,
                                guint64        seed);
/* Expected sends from the start to @t_us under the stages' planned rate (its integral). */
double vs_schedule_stages_units (const VsStage *stages,
                                 guint          n_stages,
                                 double         t_us);
/* Intended time of the next send, µs after the job started, at most VS_SCHEDULE_NEVER_US. */
static inline gint64
vs_schedule_peek (const VsSchedule *self)
{
  /* also catches NaN: a comparison with it is false */
  if (!(self->next_us < (double) VS_SCHEDULE_NEVER_US))
    return VS_SCHEDULE_NEVER_US;
  return (gint64) self->next_us;
}
void   vs_schedule_advance (VsSchedule *self);

G_END_DECLS
