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

  return -log (u) * self->mean_gap_us;
}

/* Moves next_us to entry self->index of the one sequence. Poisson: draws the gaps up to it one
 * by one, as a single worker would. Uniform: computed from the index, not accumulated, so no
 * rounding builds up and every split gives the same times. */
static void
walk_to_index (VsSchedule *self,
               guint       steps)
{
  if (self->arrival == VS_ARRIVAL_POISSON)
    {
      for (guint i = 0; i < steps; i++)
        self->next_us += exponential_gap (self);
    }
  else
    {
      self->next_us = (double) self->index * G_USEC_PER_SEC / self->rate;
    }
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
  self->rate = rate;
  self->mean_gap_us = G_USEC_PER_SEC / rate;
  self->stride = n_ranks;
  self->index = rank;
  self->next_us = 0;
  /* one stream per seed, whatever the rank */
  self->rng = seed ^ G_GUINT64_CONSTANT (0xD1B54A32D192ED03);

  /* Poisson entry k is due after k + 1 gaps */
  walk_to_index (self, rank + 1);
}

void
vs_schedule_advance (VsSchedule *self)
{
  /* once past any run, stay there: the entries beyond are never due */
  if (vs_schedule_peek (self) >= VS_SCHEDULE_NEVER_US)
    return;

  self->index += self->stride;
  walk_to_index (self, self->stride);
}
