/* vs-summary.h: the one table of whole-run figures, and the notes about a run
 *
 * Every whole-run figure is defined here once: its id (the summary.csv column and the JSON
 * summary key, a stable interface documented in the README), its label, its unit, which way
 * is better, and a getter that can say *not measured*. The CLI's table, the window's results
 * table and cards, summary.csv and the JSON result all render this table; none of them
 * computes a figure of its own. Not measured is "–" in a table, an empty CSV field and JSON
 * null, never zero.
 *
 * The notes are what a reader must know to read the figures right (the generator was
 * saturated, sends left late and why, requests never sent, a target never answered, its first
 * error, protocol differences, more workers than CPUs), in the same words everywhere.
 */
#pragma once

#include "vs-format.h"
#include "vs-results.h"

G_BEGIN_DECLS

typedef enum
{
  VS_METRIC_TEXT,       /* a word: a name, the protocol */
  VS_METRIC_COUNT,      /* a whole number */
  VS_METRIC_RATE,       /* requests per second */
  VS_METRIC_LATENCY,    /* µs; the files write ms */
  VS_METRIC_PERCENT,    /* 0…100 */
  VS_METRIC_SECONDS,
  VS_METRIC_BYTE_RATE,  /* bytes per second */
  VS_METRIC_BYTES,      /* the files write whole bytes */
  VS_METRIC_CPU_TIME,   /* µs of CPU; the files write µs */
  VS_METRIC_PER_CPU_S,  /* requests per CPU-second */
} VsMetricUnit;

typedef enum
{
  VS_METRIC_FILE      = 1 << 0,  /* a column of summary.csv, a key of the JSON summary */
  VS_METRIC_TABLE     = 1 << 1,  /* a row of the CLI's and the window's tables */
  VS_METRIC_OPEN_ONLY = 1 << 2,  /* table: only in the open model */
  VS_METRIC_IF_ANY    = 1 << 3,  /* table: only when some target has a figure other than 0 */
  VS_METRIC_SUB       = 1 << 4,  /* table: a part of the row above (indented) */
  VS_METRIC_IF_SERVER = 1 << 5,  /* table: only when some target has a managed or attached
                                  * server */
  VS_METRIC_IF_MEASURED = 1 << 6, /* table: only when some target has a figure */
} VsMetricFlags;

typedef struct
{
  gboolean    measured;  /* FALSE: not measured, whatever number says */
  double      number;
  const char *text;      /* VS_METRIC_TEXT: interned or static */
} VsMetricValue;

typedef struct _VsMetric VsMetric;

struct _VsMetric
{
  const char    *id;                /* "latency_p99_ms": CSV column, JSON key */
  const char    *label;             /* N_(): pass through _() to show */
  VsMetricUnit   unit;
  gboolean       higher_is_better;
  VsMetricFlags  flags;
  /* table: the total this figure is a share of ("5 (5.00 %)"), or NULL */
  double       (*share_of) (VsResults *results,
                            guint      target);
  VsMetricValue (*get)      (VsResults *results,
                             guint      target,
                             double     arg);
  double         arg;
};

/* All metrics, in summary.csv's column order. */
guint            vs_summary_get_n_metrics  (void);
const VsMetric  *vs_summary_get_metric     (guint           index);
const VsMetric  *vs_summary_find_metric    (const char     *id);

/* The rows of the CLI's and the window's tables for these results, in order (borrowed
 * metrics; the array is the caller's). */
GPtrArray       *vs_summary_table_rows     (VsResults      *results);

VsMetricValue    vs_summary_value          (VsResults      *results,
                                            guint           target,
                                            const VsMetric *metric);
/* A value as a person reads it: "12.3 ms", "4.56k req/s", "–" when not measured. */
char            *vs_metric_format          (const VsMetric *metric,
                                            VsMetricValue   value,
                                            VsFormatFlags   flags);
/* A table cell: the value, with its share when the metric has one ("5 (5.00 %)"). */
char            *vs_summary_format_cell    (VsResults      *results,
                                            guint           target,
                                            const VsMetric *metric,
                                            VsFormatFlags   flags);
/* target's figure against the first target's (vs_format_ratio()); "" for words, "–" when
 * either is not measured or the first is 0. */
char            *vs_summary_format_ratio   (VsResults      *results,
                                            guint           target,
                                            const VsMetric *metric,
                                            VsFormatFlags   flags);

/* What the live displays (the window's cards, the CLI's progress lines) count while a run
 * goes on: the measured phase's totals once it has begun — the summary's figures so far —
 * and the warm-up's own before. TRUE when measuring. */
gboolean         vs_summary_live_counters  (const VsTargetResult *result,
                                            VsCounters           *counters);

typedef enum
{
  VS_NOTE_GENERATOR,    /* engine, workers and CPUs */
  VS_NOTE_OPEN_MODEL,   /* how latency is counted in the open model */
  VS_NOTE_SATURATED,    /* the generator's busiest thread had no time left */
  VS_NOTE_PROTOCOL,     /* protocol differences between targets */
  VS_NOTE_UNREACHABLE,  /* a target never answered */
  VS_NOTE_FIRST_ERROR,  /* the first transport error of a target that did answer */
  VS_NOTE_UNSENT,       /* requests due that never left */
  VS_NOTE_LATE,         /* sends that left late, with their cause */
  VS_NOTE_SERVER,       /* a target's server failed (never ready, exited), or needed SIGKILL */
  VS_NOTE_ANSWERS,      /* the targets do not answer alike (or could not be compared) */
  VS_NOTE_THRESHOLDS,   /* each threshold of a target, passed or failed, with its figure */
  VS_NOTE_STOPPED,      /* a threshold with abort_on_fail ended the run early */
  VS_N_NOTE_KINDS       /* (the JSON names every kind: vs-export.c) */
} VsNoteKind;

typedef struct
{
  VsNoteKind  kind;
  int         target;   /* the target it is about, or -1 for the run */
  gboolean    warning;  /* the figures may not mean what they seem */
  char       *text;     /* translated sentences, no line breaks */
} VsNote;

void             vs_note_free              (VsNote         *note);

/* More late sends than this share means the generator, not the server, set the pace. */
#define VS_LATE_WARNING_SHARE 0.01

/* The notes about results, run-wide ones first (VsNote, owned by the array). */
GPtrArray       *vs_summary_notes          (VsResults      *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsNote, vs_note_free)

G_END_DECLS
