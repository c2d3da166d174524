/* vs-schedule.c: open-model send times */
#include "vs-schedule.h"

#include <math.h>

/* splitmix64: tiny, fast, and good enough for arrival gaps; no allocation, no lock */
static guint64
next_random (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static double
exponential_gap (VsSchedule *self)
{
  /* 53 random bits → u in (0, 1]; −ln(u) is exponential with mean 1 */
  double u = ((next_random (&self->rng) >> 11) + 1) * (1.0 / 9007199254740992.0);

  return -log (u) * self->gap_us;
}

void
vs_schedule_init (VsSchedule *self,
                  VsArrival   arrival,
                  double      rate,
                  guint       rank,
                  guint       n_ranks,
                  guint64     seed)
{
  g_return_if_fail (rate > 0);
  g_return_if_fail (n_ranks > 0 && rank < n_ranks);

  self->arrival = arrival;
  self->gap_us = G_USEC_PER_SEC * (double) n_ranks / rate;
  self->rng = seed ^ (G_GUINT64_CONSTANT (0xD1B54A32D192ED03) * (rank + 1));

  if (arrival == VS_ARRIVAL_POISSON)
    self->next_us = exponential_gap (self);
  else
    /* worker r of n takes sends r, r + n, r + 2n … of the target's evenly spaced schedule */
    self->next_us = G_USEC_PER_SEC * (double) rank / rate;
}

void
vs_schedule_advance (VsSchedule *self)
{
  if (self->arrival == VS_ARRIVAL_POISSON)
    self->next_us += exponential_gap (self);
  else
    self->next_us += self->gap_us;
}
