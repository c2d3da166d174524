/* vs-stats.h: what one target accumulates over an interval or a whole run
 *
 * A VsStats is plain data with no lock: a worker thread records into its own, and the run
 * controller merges them. Engines record through the two vs_stats_record_* calls only, so
 * both engines count the same way.
 */
#pragma once

#include <glib.h>

#include "vs-histogram.h"

G_BEGIN_DECLS

typedef enum
{
  VS_ERROR_CLASS_CONNECT,   /* could not open a connection (refused, unreachable, DNS) */
  VS_ERROR_CLASS_TLS,       /* the TLS handshake failed (certificate, protocol) */
  VS_ERROR_CLASS_TIMEOUT,   /* no complete response within the plan's timeout */
  VS_ERROR_CLASS_IO,        /* the connection broke while sending or receiving */
  VS_ERROR_CLASS_STATUS,    /* a response whose status the target's rule rejects, not 4xx/5xx */
  VS_ERROR_CLASS_HTTP_4XX,  /* a rejected 4xx response */
  VS_ERROR_CLASS_HTTP_5XX,  /* a rejected 5xx response */
  VS_N_ERROR_CLASSES
} VsErrorClass;

typedef enum
{
  VS_TIMING_CONNECT,     /* TCP connect of a new connection */
  VS_TIMING_TLS,         /* TLS handshake of a new connection */
  VS_TIMING_FIRST_BYTE,  /* request sent to the first byte of the response */
  VS_N_TIMINGS
} VsTiming;

/* A set of timings: bit (1 << VsTiming). */
#define VS_TIMINGS_ALL ((1u << VS_N_TIMINGS) - 1)

/* The HTTP version a response came in. */
typedef enum
{
  VS_PROTOCOL_HTTP_1_0,
  VS_PROTOCOL_HTTP_1_1,
  VS_PROTOCOL_HTTP_2,
  VS_N_PROTOCOLS
} VsProtocol;

/* A send more than this late against its intended time counts as late (open model). */
#define VS_LATE_SLACK_US 2000

typedef struct
{
  guint64 requests;                     /* finished attempts: responses + transport errors */
  guint64 responses;                    /* HTTP responses received, any status */
  guint64 errors[VS_N_ERROR_CLASSES];
  guint64 status[6];                    /* responses by class: [1] 1xx … [5] 5xx, [0] other */
  guint64 bytes_in;                     /* response bytes, head and body */
  guint64 bytes_out;                    /* request bytes, head and body */
  guint64 connects;                     /* connections opened */
  guint64 late;                         /* open model: sends later than VS_LATE_SLACK_US */
  guint64 late_at_cap;                  /* open model: of those, the ones that waited for a
                                         * free connection (the in-flight cap was full) */
  gint64  at_cap_us;                    /* open model: time a send was due and every
                                         * connection busy, summed over the workers */
  gint64  lag_max_us;                   /* open model: largest send lag */
  guint64 unsent;                       /* open model: due before the end, never sent */
  guint64 protocols[VS_N_PROTOCOLS];    /* responses by the HTTP version they came in */
} VsCounters;

typedef struct
{
  VsCounters   counters;
  VsHistogram *latency;                 /* open model: from the intended send time */
  VsHistogram *uncorrected;             /* from the actual send time */
  VsHistogram *timings[VS_N_TIMINGS];   /* NULL for a timing the stats do not keep (an
                                         * engine's buffers keep only what it measures) */
} VsStats;

typedef struct _VsStatusRule VsStatusRule;

const char *vs_error_class_to_string (VsErrorClass klass);  /* "connect", "http_5xx", … */
const char *vs_error_class_describe  (VsErrorClass klass);  /* "connect errors", … (translatable) */
const char *vs_timing_to_string      (VsTiming     timing); /* "connect", "tls", "first_byte" */
const char *vs_protocol_to_string    (VsProtocol   protocol); /* "HTTP/1.1", "HTTP/2", … */

guint64     vs_counters_errors       (const VsCounters *self);
void        vs_counters_add          (VsCounters       *self,
                                      const VsCounters *other);
/* The protocols the responses came in, oldest version first: "HTTP/2", or "HTTP/1.1, HTTP/2"
 * when a target answered in both; NULL without responses. Free with g_free(). */
char       *vs_counters_protocol     (const VsCounters *self);

VsStats    *vs_stats_new             (void);  /* every timing */
/* Only the timings in the set (VS_TIMINGS_ALL, or bits 1 << VsTiming): recording another is a
 * programming error. Merging into them makes the histogram of a timing the other has. */
VsStats    *vs_stats_new_for         (guint          timings);
VsStats    *vs_stats_copy            (const VsStats *self);
void        vs_stats_free            (VsStats       *self);
void        vs_stats_reset           (VsStats       *self);
void        vs_stats_merge           (VsStats       *self,
                                      const VsStats *other);

/* A send leaving at sent_us that was meant to leave at intended_us (both monotonic µs). */
void        vs_stats_record_send     (VsStats       *self,
                                      gint64         intended_us,
                                      gint64         sent_us,
                                      guint64        bytes_out);
/* A complete response. Latency is done − intended into latency, done − sent into
 * uncorrected; a status the rule rejects is also counted as an error of its class. */
void        vs_stats_record_response (VsStats            *self,
                                      const VsStatusRule *rule,
                                      guint               status,
                                      gint64              intended_us,
                                      gint64              sent_us,
                                      gint64              done_us,
                                      guint64             bytes_in);
/* An attempt that ended without a response. */
void        vs_stats_record_failure  (VsStats       *self,
                                      VsErrorClass   klass,
                                      guint64        bytes_in);
/* Open model: n sends were due and never left (the run ended first). */
void        vs_stats_record_unsent   (VsStats       *self,
                                      guint64        n);
void        vs_stats_record_timing   (VsStats       *self,
                                      VsTiming       timing,
                                      gint64         value_us);
/* The HTTP version of a response that vs_stats_record_response() counted. */
static inline void
vs_stats_record_protocol (VsStats    *self,
                          VsProtocol  protocol)
{
  self->counters.protocols[protocol]++;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsStats, vs_stats_free)

G_END_DECLS
