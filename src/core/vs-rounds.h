/* vs-rounds.h: mode rounds — the trials' order, and the verdicts drawn from the trials
 *
 * In mode rounds each of K rounds gives every target one trial of the plan's load, alone and
 * with its own warm-up, in an order shuffled per round (randomised multiple interleaved trials,
 * Abedi & Brecht, ICPE 2017): slow drifts of the machine then fall on every target alike
 * instead of on whichever ran last. The order comes from a seed the results record, so the
 * same seed repeats it.
 *
 * The verdicts compare each target's trials with the first target's, metric by metric
 * (vs-verdict.h): throughput, latency p50 and p99, error rate, and server CPU per request
 * where the summary has that metric.
 */
#pragma once

#include "vs-results.h"
#include "vs-verdict.h"

G_BEGIN_DECLS

/* The order of the trials: @n_rounds rows of @n_targets plan indices, each row a permutation
 * of 0 … n_targets − 1 shuffled (Fisher–Yates) from vs-random.h's generator seeded with @seed.
 * Free with g_free(). */
guint      *vs_rounds_order         (guint64      seed,
                                     guint        n_rounds,
                                     guint        n_targets);
/* A seed for a run that was given none. */
guint64     vs_rounds_fresh_seed    (void);

/* One figure the verdicts compare. */
typedef struct
{
  const char *id;                /* "rps": summary.csv's rps_ratio, …; JSON's key */
  const char *label;             /* N_(): the verdict line's "throughput" */
  const char *metric;            /* the summary metric read from each trial, or NULL */
  gboolean    higher_is_better;
  double    (*get) (const VsTargetResult *trial);  /* when metric is NULL; NAN: none */
} VsCompared;

/* All compared figures, in the files' column order. */
guint              vs_rounds_get_n_compared (void);
const VsCompared  *vs_rounds_get_compared   (guint index);

/* Whether runs have this figure at all (the summary has its metric). */
gboolean    vs_rounds_has_figure    (const VsCompared *compared);
/* The files' unit of the figure: TRUE when it is a latency, which the files write in ms while
 * the trials' values are µs. */
gboolean    vs_rounds_is_latency    (const VsCompared *compared);

/* The figure of @target's trial in @round (1 … n) for @compared; NAN when the trial did not
 * run to its end (the run was stopped), was not measured, or the summary has no such metric. */
double      vs_rounds_trial_value   (VsResults        *results,
                                     guint             round,
                                     guint             target,
                                     const VsCompared *compared);
/* @target (≥ 1) against the first target over all rounds; the bootstrap's seed is the rounds'
 * seed. FALSE (and @out not computed) outside mode rounds, or for the first target. */
gboolean    vs_rounds_verdict       (VsResults        *results,
                                     guint             target,
                                     const VsCompared *compared,
                                     VsVerdict        *out);
/* The verdict line (vs_verdict_format()) with the targets' names and the figure's label. */
char       *vs_rounds_verdict_text  (VsResults        *results,
                                     guint             target,
                                     const VsCompared *compared,
                                     const VsVerdict  *verdict,
                                     VsFormatFlags     flags);

/* Every verdict line of the run: per target after the first, per compared figure the run has,
 * in order; "need ≥ 4 rounds" once per target rather than once per figure. Empty outside mode
 * rounds or with one target. (char*, owned by the array) */
GPtrArray  *vs_rounds_verdict_lines (VsResults        *results,
                                     VsFormatFlags     flags);

G_END_DECLS
