/* test-schedule.c: the open model's schedule is one sequence per seed, however it is split */
#include <math.h>

#include <glib.h>

#include "vs-schedule.h"

#define N_SENDS 20000

/* The first n send times of the whole target's schedule as one worker sees it. */
static gint64 *
single_worker (VsArrival arrival,
               double    rate,
               guint64   seed,
               guint     n)
{
  gint64 *times = g_new (gint64, n);
  VsSchedule schedule;

  vs_schedule_init (&schedule, arrival, rate, 0, 1, seed);
  for (guint i = 0; i < n; i++)
    {
      times[i] = vs_schedule_peek (&schedule);
      vs_schedule_advance (&schedule);
    }

  return times;
}

static void
check_split (VsArrival arrival,
             double    rate,
             guint64   seed)
{
  g_autofree gint64 *whole = single_worker (arrival, rate, seed, N_SENDS);

  /* strictly in order (no two sends at one instant at these rates): the sequence is a sequence */
  for (guint i = 1; i < N_SENDS; i++)
    g_assert_cmpint (whole[i], >=, whole[i - 1]);

  for (guint n_ranks = 2; n_ranks <= 7; n_ranks++)
    {
      g_autofree VsSchedule *ranks = g_new0 (VsSchedule, n_ranks);

      for (guint r = 0; r < n_ranks; r++)
        vs_schedule_init (&ranks[r], arrival, rate, r, n_ranks, seed);

      /* worker r's i-th send is send r + i·n of the one sequence, to the microsecond; together
       * the workers send exactly the single worker's times, none twice, none missing */
      for (guint k = 0; k < N_SENDS; k++)
        {
          VsSchedule *mine = &ranks[k % n_ranks];

          g_assert_cmpint (vs_schedule_peek (mine), ==, whole[k]);
          vs_schedule_advance (mine);
        }
    }
}

static void
test_schedule_split_poisson (void)
{
  check_split (VS_ARRIVAL_POISSON, 5000, 7);
  check_split (VS_ARRIVAL_POISSON, 123.5, 1);
  check_split (VS_ARRIVAL_POISSON, 1e6, G_MAXUINT64);
}

static void
test_schedule_split_uniform (void)
{
  check_split (VS_ARRIVAL_UNIFORM, 5000, 7);
  check_split (VS_ARRIVAL_UNIFORM, 3, 7);
  check_split (VS_ARRIVAL_UNIFORM, 977.3, 7);
}

/* The seed picks the sequence: another seed, other times; the same seed, the same times. */
static void
test_schedule_seed (void)
{
  g_autofree gint64 *a = single_worker (VS_ARRIVAL_POISSON, 1000, 7, 100);
  g_autofree gint64 *b = single_worker (VS_ARRIVAL_POISSON, 1000, 7, 100);
  g_autofree gint64 *c = single_worker (VS_ARRIVAL_POISSON, 1000, 8, 100);
  guint same = 0;
  double mean;

  g_assert_cmpmem (a, 100 * sizeof (gint64), b, 100 * sizeof (gint64));
  for (guint i = 0; i < 100; i++)
    same += a[i] == c[i];
  g_assert_cmpuint (same, <, 5);

  /* and the gaps have the rate's mean: 1 ms ± 5 σ over 20,000 gaps (σ of the mean 7 µs) */
  {
    g_autofree gint64 *d = single_worker (VS_ARRIVAL_POISSON, 1000, 7, N_SENDS);

    mean = (double) d[N_SENDS - 1] / N_SENDS;
    g_assert_cmpfloat (mean, >, 1000 - 5 * 1000 / sqrt (N_SENDS));
    g_assert_cmpfloat (mean, <, 1000 + 5 * 1000 / sqrt (N_SENDS));
  }
}

/* Rates at the ends of a double's range saturate instead of overflowing (issue 13: -r 1e-14
 * crashed): the next send is then never due, and start time + peek still fits a gint64. */
static void
test_schedule_extreme_rates (void)
{
  const double rates[] = { 1e-14, 1e-300, 4.9e-324, 1e-9, 1e12, 1e300 };
  const VsArrival arrivals[] = { VS_ARRIVAL_UNIFORM, VS_ARRIVAL_POISSON };

  for (guint a = 0; a < G_N_ELEMENTS (arrivals); a++)
    for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
      for (guint n_ranks = 1; n_ranks <= 3; n_ranks++)
        {
          VsSchedule schedule;
          gint64 previous = 0;

          vs_schedule_init (&schedule, arrivals[a], rates[i], n_ranks - 1, n_ranks, 7);
          for (guint k = 0; k < 1000; k++)
            {
              gint64 at = vs_schedule_peek (&schedule);

              g_assert_cmpint (at, >=, previous);
              g_assert_cmpint (at, <=, VS_SCHEDULE_NEVER_US);
              /* what the engines compute with it */
              g_assert_cmpint (G_MAXINT64 / 2 + at, >, 0);
              previous = at;
              vs_schedule_advance (&schedule);
            }

          if (rates[i] < 1e-9)
            g_assert_cmpint (vs_schedule_peek (&schedule), ==, VS_SCHEDULE_NEVER_US);
          else if (rates[i] >= 1e12)
            /* 1000 · n sends at a terarate: within a few µs */
            g_assert_cmpint (vs_schedule_peek (&schedule), <, 1000);
        }

  /* 1e-9/s: one send per ~31.7 years, the first at 0 (uniform) and the second beyond any run */
  {
    VsSchedule schedule;

    vs_schedule_init (&schedule, VS_ARRIVAL_UNIFORM, 1e-9, 0, 1, 7);
    g_assert_cmpint (vs_schedule_peek (&schedule), ==, 0);
    vs_schedule_advance (&schedule);
    g_assert_cmpint (vs_schedule_peek (&schedule), ==, (gint64) 1e15);
  }
}

/* ---- stages ----------------------------------------------------------------------------- */

/* 0 → 100/s over 10 s, 100/s for 5 s, down to 20/s over 5 s */
static const VsStage stages[] = {
  { .ramp_us = 10 * G_USEC_PER_SEC, .duration_us = 0, .rate = 100 },
  { .ramp_us = 0, .duration_us = 5 * G_USEC_PER_SEC, .rate = 100 },
  { .ramp_us = 5 * G_USEC_PER_SEC, .duration_us = 0, .rate = 20 },
};
#define STAGES_US (20 * G_USEC_PER_SEC)

/* Uniform sends follow the ramp exactly: send k of the ramp from 0 is where R t² / 2L = k, so
 * at sqrt (2 k L / R) (computed here, not by the schedule); each second holds the planned
 * rate's integral over it, to the one send; nothing is due after the stages. */
static void
test_schedule_stages_uniform (void)
{
  VsSchedule schedule;
  guint bins[20] = { 0 };
  guint n = 0;

  vs_schedule_init_stages (&schedule, VS_ARRIVAL_UNIFORM, stages, G_N_ELEMENTS (stages), 0, 1,
                           1);
  for (;;)
    {
      gint64 t = vs_schedule_peek (&schedule);

      if (t >= VS_SCHEDULE_NEVER_US)
        break;
      g_assert_cmpint (t, <, STAGES_US);
      if (n < 500)
        g_assert_cmpfloat (fabs (t - sqrt (2.0 * n * 10 / 100) * 1e6), <=, 1);
      bins[t / G_USEC_PER_SEC]++;
      n++;
      vs_schedule_advance (&schedule);
    }

  for (guint s = 0; s < 20; s++)
    {
      double planned = vs_schedule_stages_units (stages, G_N_ELEMENTS (stages), (s + 1) * 1e6) -
                       vs_schedule_stages_units (stages, G_N_ELEMENTS (stages), s * 1e6);

      g_test_message ("second %u: %u sends, %.1f planned", s, bins[s], planned);
      g_assert_cmpfloat (fabs (bins[s] - planned), <=, 1.0);
    }
  /* 500 in the ramp up, 500 held, 300 in the ramp down */
  g_assert_cmpfloat (vs_schedule_stages_units (stages, G_N_ELEMENTS (stages), STAGES_US), ==,
                     1300);
  g_assert_cmpuint (n, ==, 1300);
  g_assert_cmpuint (bins[0], ==, 5);   /* 100/s · 1² s² / (2 · 10 s): sends 0 to 4 */
  g_assert_cmpuint (bins[12], ==, 100);
}

/* However the stages' sequence is split over workers, together they send its times. */
static void
check_stages_split (VsArrival arrival)
{
  g_autofree gint64 *whole = g_new (gint64, 1300);
  VsSchedule single;

  vs_schedule_init_stages (&single, arrival, stages, G_N_ELEMENTS (stages), 0, 1, 7);
  for (guint k = 0; k < 1300; k++)
    {
      whole[k] = vs_schedule_peek (&single);
      vs_schedule_advance (&single);
    }
  for (guint n_ranks = 2; n_ranks <= 5; n_ranks++)
    {
      g_autofree VsSchedule *ranks = g_new0 (VsSchedule, n_ranks);

      for (guint r = 0; r < n_ranks; r++)
        vs_schedule_init_stages (&ranks[r], arrival, stages, G_N_ELEMENTS (stages), r, n_ranks,
                                 7);
      for (guint k = 0; k < 1300; k++)
        {
          g_assert_cmpint (vs_schedule_peek (&ranks[k % n_ranks]), ==, whole[k]);
          vs_schedule_advance (&ranks[k % n_ranks]);
        }
    }
}

static void
test_schedule_stages_split (void)
{
  check_stages_split (VS_ARRIVAL_UNIFORM);
  check_stages_split (VS_ARRIVAL_POISSON);
}

/* Poisson arrivals under stages: the count in each part is Poisson with the planned mean, so
 * over a long hold and a long ramp the counts are within 5 standard deviations of it. */
static void
test_schedule_stages_poisson (void)
{
  static const VsStage long_stages[] = {
    { .ramp_us = 100 * G_USEC_PER_SEC, .duration_us = 100 * G_USEC_PER_SEC, .rate = 1000 },
  };
  VsSchedule schedule;
  guint ramp = 0, hold = 0, first_half = 0;
  gint64 t;

  vs_schedule_init_stages (&schedule, VS_ARRIVAL_POISSON, long_stages, 1, 0, 1, 3);
  while ((t = vs_schedule_peek (&schedule)) < VS_SCHEDULE_NEVER_US)
    {
      if (t < 100 * G_USEC_PER_SEC)
        ramp++;
      else
        hold++;
      if (t < 50 * G_USEC_PER_SEC)
        first_half++;
      vs_schedule_advance (&schedule);
    }
  g_test_message ("ramp %u (50000 planned, 12500 in its first half: %u), hold %u (100000)", ramp,
                  first_half, hold);
  g_assert_cmpfloat (fabs (ramp - 50000.0), <, 5 * sqrt (50000));
  g_assert_cmpfloat (fabs (first_half - 12500.0), <, 5 * sqrt (12500));
  g_assert_cmpfloat (fabs (hold - 100000.0), <, 5 * sqrt (100000));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/schedule/split-poisson", test_schedule_split_poisson);
  g_test_add_func ("/core/schedule/split-uniform", test_schedule_split_uniform);
  g_test_add_func ("/core/schedule/seed", test_schedule_seed);
  g_test_add_func ("/core/schedule/extreme-rates", test_schedule_extreme_rates);
  g_test_add_func ("/core/schedule/stages-uniform", test_schedule_stages_uniform);
  g_test_add_func ("/core/schedule/stages-split", test_schedule_stages_split);
  g_test_add_func ("/core/schedule/stages-poisson", test_schedule_stages_poisson);

  return g_test_run ();
}
