/* vs-random.h: the seeded generator of the core's statistics (bootstrap, rounds' order)
 *
 * splitmix64 (Steele, Lea, Flood 2014): small, fast, and the same on every machine, which
 * GRand does not promise across GLib versions; a recorded seed repeats what it drew.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

static inline guint64
vs_random_next (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* An index below @n from the high 32 bits (multiply-shift; the bias is n / 2^32). */
static inline guint
vs_random_below (guint64 *state,
                 guint    n)
{
  return (guint) (((vs_random_next (state) >> 32) * (guint64) n) >> 32);
}

G_END_DECLS
