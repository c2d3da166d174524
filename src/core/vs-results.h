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
#include "vs-server-set.h"
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
  double     latency_mean_us; /* of the interval's responses; 0 without any */
  double     generator_busy; /* the busiest worker thread's runnable share, 0…1 */
  gboolean   server_sampled; /* the target's server was sampled over the interval */
  double     server_cpu_percent;  /* its process tree's CPU, % of one core */
  guint64    server_memory_bytes; /* its tree's memory (PSS, or RSS) at the interval's end */
  double     server_sample_s;     /* the time its CPU figure covers: the sampler's own
                                   * interval, which is not quite the tick's */
  guint      round;          /* mode rounds: the trial's round (1 … K); 0 otherwise */
} VsInterval;

/* The target's server over the measured phase (the drain included: the requests that finish
 * then are in the totals), from the tick samples of its whole process tree. */
typedef struct
{
  guint      samples;        /* measured intervals with a sample; 0: no server figures */
  double     sampled_s;      /* their length */
  double     cpu_s;          /* CPU seconds the tree used in them */
  double     cpu_peak_percent;
  double     memory_byte_s;  /* memory × seconds, for the time-weighted mean */
  guint64    memory_peak_bytes;
  gboolean   memory_is_pss;  /* every sample was PSS */
} VsServerTotals;

/* A worker thread runnable for more than this share of an interval had no time to wait for the
 * servers: the generator was saturated, and the figures may show its limit, not the server's. */
#define VS_GENERATOR_BUSY_WARNING 0.9

typedef struct
{
  const VsTarget *target;       /* owned by the results' plan */
  GArray         *intervals;    /* VsInterval, in time order */
  GPtrArray      *interval_latency; /* GBytes per interval, beside intervals: the latency
                                     * histogram of its row, HdrHistogram V2 compressed (vs-hdr.h),
                                     * for the .hlog and the JSON result */
  gint64          started_wall_us;  /* wall clock (µs since the epoch) the target's load started,
                                     * placed by its first snapshot; 0 before one */
  VsStats        *total;        /* measured phase, cumulative */
  double          measured_s;   /* length of the measured phase so far */
  double          generator_busy_max; /* measured phase: the highest interval generator_busy */
  gboolean        started;      /* a snapshot arrived */
  gboolean        finished;     /* the last snapshot arrived */
  char           *first_error;
  VsServerTotals  server;
  gboolean        stopped;      /* the last snapshot came from a stop, not from the end */
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
/* The run's servers (managed or attached), for their failures, CPUs and logs; NULL for
 * results without a run. The results keep a reference. */
void                  vs_results_set_servers    (VsResults      *self,
                                                 VsServerSet    *servers);
VsServerSet          *vs_results_get_servers    (VsResults      *self);
/* Mode rounds: @n_rounds rounds in @order (n_rounds × n_targets plan indices, copied), shuffled
 * from @seed. From then on each snapshot also goes into its round's own results, so that every
 * trial has the whole summary of its own; the whole-run figures stay those of all trials
 * together, and a target's intervals follow each other on one time line (a trial's start_s
 * goes on from where the target's previous trial ended). */
void                  vs_results_set_rounds     (VsResults      *self,
                                                 guint64         seed,
                                                 guint           n_rounds,
                                                 const guint    *order);
guint                 vs_results_get_n_rounds   (VsResults      *self);  /* 0: not rounds */
guint64               vs_results_get_rounds_seed (VsResults     *self);
/* The plan indices of the targets in the order of their trials in @round (1 … n). */
const guint          *vs_results_get_round_order (VsResults     *self,
                                                 guint           round);
/* The results of the trials of @round (1 … n) alone, or NULL. */
VsResults            *vs_results_get_round      (VsResults      *self,
                                                 guint           round);
/* The run is over (the controller says so when it ends, stopped or failed too): every target
 * that started counts as finished, even one whose later trials of mode rounds never ran. */
void                  vs_results_end            (VsResults      *self);
/* A copy as the results are now, which later snapshots do not change: for work on another
 * thread (the window's copy on disk). Shares the plan. previous: an earlier copy of these
 * results that nothing else uses now, brought up to date in place (only the intervals since
 * are copied, so the cost does not grow with the run), or NULL. */
VsResults            *vs_results_copy           (VsResults      *self,
                                                 VsResults      *previous);
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
