/* vs-results.h: everything a run produced, per target
 *
 * Lives on the main thread. Per target it keeps one VsInterval per tick (memory grows with the
 * number of ticks, never with the number of requests) and one cumulative VsStats of the
 * measured phase, from which whole-run percentiles are read. Warm-up intervals are kept for
 * drawing but never enter the totals.
 */
#pragma once

#include <glib-object.h>

#include "vs-plan.h"
#include "vs-snapshot.h"

G_BEGIN_DECLS

typedef struct
{
  double     start_s;        /* seconds since the target's load started */
  double     end_s;
  VsPhase    phase;
  gboolean   draining;       /* after the end: only in-flight requests finishing */
  VsCounters counters;       /* measured rows: the measured-phase requests that ended in the
                              * interval (the measured rows sum to the totals); warm-up rows:
                              * the warm-up requests */
  double     rps;            /* requests finished per second in the interval */
  gint64     min_us;         /* latency over the interval's responses; 0 when none */
  double     mean_us;
  gint64     p50_us;
  gint64     p90_us;
  gint64     p99_us;
  gint64     p999_us;
  gint64     max_us;
  double     generator_busy; /* the busiest worker thread's runnable share, 0…1 */
} VsInterval;

/* A worker thread runnable for more than this share of an interval had no time to wait for the
 * servers: the generator was saturated, and the figures may show its limit, not the server's. */
#define VS_GENERATOR_BUSY_WARNING 0.9

typedef struct
{
  const VsTarget *target;       /* owned by the results' plan */
  GArray         *intervals;    /* VsInterval, in time order */
  VsStats        *total;        /* measured phase, cumulative */
  double          measured_s;   /* length of the measured phase so far */
  double          generator_busy_max; /* measured phase: the highest interval generator_busy */
  gboolean        started;      /* a snapshot arrived */
  gboolean        finished;     /* the last snapshot arrived */
  char           *first_error;
} VsTargetResult;

#define VS_TYPE_RESULTS (vs_results_get_type ())
G_DECLARE_FINAL_TYPE (VsResults, vs_results, VS, RESULTS, GObject)

VsResults            *vs_results_new            (VsPlan         *plan,
                                                 const char     *engine);
VsPlan               *vs_results_get_plan       (VsResults      *self);
const char           *vs_results_get_engine     (VsResults      *self);  /* "soup", "native" */
GDateTime            *vs_results_get_started    (VsResults      *self);  /* wall clock, UTC */
/* How many worker threads loaded the targets, and on how many CPUs the process could run. */
void                  vs_results_set_generator  (VsResults      *self,
                                                 guint           n_workers,
                                                 guint           n_cpus);
guint                 vs_results_get_n_workers  (VsResults      *self);
guint                 vs_results_get_n_cpus     (VsResults      *self);
guint                 vs_results_get_n_targets  (VsResults      *self);
const VsTargetResult *vs_results_get_target     (VsResults      *self,
                                                 guint           index);
/* Does not take the snapshot: what it needs is copied or merged out of it. */
void                  vs_results_add_snapshot   (VsResults      *self,
                                                 VsSnapshot     *snapshot);

/* Why the run was ended before its plan said (the first reason given is kept): "p99 < 50ms
 * failed for node (p99 = 61.2 ms)". NULL when it was not. */
void                  vs_results_set_stopped_by (VsResults      *self,
                                                 const char     *why);
const char           *vs_results_get_stopped_by (VsResults      *self);

/* A capacity search's answer for the target whose figures these are (vs-capacity.h): the
 * highest rate that kept every threshold; NaN (the default) when none. */
void                  vs_results_set_capacity   (VsResults      *self,
                                                 guint           target,
                                                 double          rps);
double                vs_results_get_capacity   (VsResults      *self,
                                                 guint           target);

/* Whole measured phase of one target. */
double                vs_target_result_rps        (const VsTargetResult *self);
double                vs_target_result_error_rate (const VsTargetResult *self);  /* 0…1 */
gint64                vs_target_result_latency    (const VsTargetResult *self,
                                                   double                percentile);
/* Open model: the share of the measured phase (0…1) that a send was due with every connection
 * busy, averaged over the n_workers that shared the target. */
double                vs_target_result_at_cap_share (const VsTargetResult *self,
                                                     guint                 n_workers);

G_END_DECLS
