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

/* ---- stages ----------------------------------------------------------------------------- */

/* Segment s of the stages: its levels (requests/s) at both ends and its length. FALSE past the
 * last one. */
static gboolean
segment_of (const VsStage *stages,
            guint          n_stages,
            guint          s,
            double        *from,
            double        *to,
            double        *length_us)
{
  guint i = s / 2;

  if (i >= n_stages)
    return FALSE;
  *to = stages[i].rate;
  if (s % 2 == 0)
    {
      *from = i > 0 ? stages[i - 1].rate : 0;
      *length_us = stages[i].ramp_us;
    }
  else
    {
      *from = *to;
      *length_us = stages[i].duration_us;
    }
  return TRUE;
}

/* Expected sends in the first @s_us of a segment from @a to @b requests/s over @length_us. */
static double
segment_units (double a,
               double b,
               double length_us,
               double s_us)
{
  double slope = length_us > 0 ? (b - a) / length_us : 0;

  return (a * s_us + slope * s_us * s_us / 2) / G_USEC_PER_SEC;
}

double
vs_schedule_stages_units (const VsStage *stages,
                          guint          n_stages,
                          double         t_us)
{
  double units = 0, a, b, length;

  for (guint s = 0; t_us > 0 && segment_of (stages, n_stages, s, &a, &b, &length); s++)
    {
      units += segment_units (a, b, length, MIN (t_us, length));
      t_us -= length;
    }
  return units;
}

/* Places next_us where the planned rate's integral reaches self->units; the segments are
 * walked forward only, as the units only grow. */
static void
place_units (VsSchedule *self)
{
  double a, b, length;

  while (segment_of (self->stages, self->n_stages, self->segment, &a, &b, &length))
    {
      double total = segment_units (a, b, length, length);
      double need = self->units - self->segment_units;

      if (need < total)
        {
          /* a s + (b − a) s² / 2L = need·10⁶, solved without cancellation */
          double slope = length > 0 ? (b - a) / length : 0;
          double need_us = need * G_USEC_PER_SEC;
          double root = sqrt (MAX (a * a + 2 * slope * need_us, 0));
          double s = a + root > 0 ? 2 * need_us / (a + root) : 0;

          self->next_us = self->segment_us + MIN (s, length);
          return;
        }
      self->segment++;
      self->segment_us += length;
      self->segment_units += total;
    }
  self->next_us = (double) VS_SCHEDULE_NEVER_US;
}

static void
walk_stages (VsSchedule *self,
             guint       steps)
{
  if (self->arrival == VS_ARRIVAL_POISSON)
    {
      for (guint i = 0; i < steps; i++)
        self->units += exponential_gap (self);
    }
  else
    {
      self->units = (double) self->index;
    }
  place_units (self);
}

void
vs_schedule_init_stages (VsSchedule    *self,
                         VsArrival      arrival,
                         const VsStage *stages,
                         guint          n_stages,
                         guint          rank,
                         guint          n_ranks,
                         guint64        seed)
{
  g_return_if_fail (stages != NULL && n_stages > 0);

  /* a rate of 1 makes the gaps unit-mean: they are counted in expected sends */
  vs_schedule_init (self, arrival, 1.0, rank, n_ranks, seed);
  self->mean_gap_us = 1.0;
  self->stages = stages;
  self->n_stages = n_stages;
  self->units = 0;
  self->segment = 0;
  self->segment_us = 0;
  self->segment_units = 0;
  /* redo the walk to this rank's first entry, in units */
  self->rng = seed ^ G_GUINT64_CONSTANT (0xD1B54A32D192ED03);
  walk_stages (self, rank + 1);
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
  self->stages = NULL;
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
  if (self->stages != NULL)
    walk_stages (self, self->stride);
  else
    walk_to_index (self, self->stride);
}
