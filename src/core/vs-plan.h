/* vs-plan.h: the test plan — what to load, how hard, for how long
 *
 * A plan is plain data with public fields, shared by reference. The window edits the fields,
 * the command line fills them from flags, and JSON files load into them; all three then call
 * vs_plan_validate(), which checks every field and resolves what the engines need (parsed URL,
 * body bytes, the request, status rule). The plan check is the only validator: what an engine
 * cannot send (https:// to the native engine, streams over HTTP/1.1, …) is a plan problem too. Times are microseconds.
 */
#pragma once

#include <gio/gio.h>

#include "vs-request.h"
#include "vs-server.h"
#include "vs-stats.h"

G_BEGIN_DECLS

#define VS_PLAN_VERSION 1
/* The largest body_file (bytes): a body is held in memory, once however many targets and
 * workers send it. */
#define VS_PLAN_BODY_FILE_MAX (G_GUINT64_CONSTANT (1) << 30)

typedef enum
{
  VS_LOAD_CLOSED,   /* C connections each send the next request when the last completes */
  VS_LOAD_OPEN,     /* R requests/s on a fixed schedule, whatever the server does */
} VsLoadModel;

typedef enum
{
  VS_ARRIVAL_UNIFORM,  /* open model: evenly spaced sends */
  VS_ARRIVAL_POISSON,  /* open model: exponential gaps from a seeded generator */
} VsArrival;

typedef enum
{
  VS_MODE_PARALLEL,    /* all targets loaded at once */
  VS_MODE_SEQUENTIAL,  /* one target after the other, the same load each */
  VS_MODE_ROUNDS,      /* K rounds; in each, every target one trial alone, in shuffled order */
  VS_MODE_CAPACITY,    /* per target, open-model steps of rising rate until a threshold
                        * fails, then bisection (vs-capacity.h) */
} VsMode;

typedef enum
{
  VS_ENGINE_KIND_AUTO,    /* (named _KIND_ so as not to clash with the VS_ENGINE_SOUP() cast) */
  VS_ENGINE_KIND_SOUP,
  VS_ENGINE_KIND_NATIVE,
} VsEngineKind;

/* One SLO threshold of a plan or a target (vs-threshold.h has the syntax). */
typedef struct
{
  char     *expr;           /* "p99 < 50ms", as written */
  gboolean  abort_on_fail;  /* live: end the run as soon as it fails, after the grace */
  gint64    grace_us;       /* live: not judged before this much of the measured phase */
} VsPlanThreshold;

/* One step of load.stages: a linear ramp from the level before it, then a hold. */
typedef struct
{
  gint64  ramp_us;      /* 0: the level changes at once */
  gint64  duration_us;  /* held this long after the ramp */
  double  rate;         /* open model: requests/s per target; 0 in the closed model */
  guint   connections;  /* closed model: active connections per target; 0 in the open model */
} VsStage;

/* mode "capacity": the open-model rate starts at start_rate and is multiplied by factor each
 * step until a threshold fails (or max_rate is passed), then the last interval is bisected. */
typedef struct
{
  double  start_rate;   /* requests/s */
  double  factor;       /* > 1 */
  gint64  step_us;      /* measured length of each step (each has the plan's warm-up too) */
  guint   bisections;   /* steps spent halving the interval where it broke */
  double  max_rate;     /* stop raising here */
} VsCapacityPlan;

struct _VsStatusRule
{
  guint64 accept[10];  /* bit s set: status s (0…639) counts as success */
};

typedef struct
{
  char         *name;           /* label; unique within the plan */
  char         *url;            /* http:// or https:// */
  char         *method;         /* GET, POST, … */
  GStrv         headers;        /* "Name: value" */
  char         *body;           /* inline request body, or NULL */
  char         *body_file;      /* or a file to send (relative to the plan file), or NULL */
  char         *expect_status;  /* "2xx,3xx" (default), "200", "200-204,404" … */
  VsServerSpec *server;         /* a backend Versus starts and stops itself, or NULL; its cwd
                                 * and log are relative to the plan's base_dir */
  pid_t         attach;         /* or a running process (PID) sampled, never stopped; 0: none */
  GPtrArray    *thresholds;     /* VsPlanThreshold*: this target's, besides the plan's */

  /* resolved by vs_plan_validate() */
  GUri         *uri;
  GBytes       *body_bytes;     /* never NULL after validation (empty when no body) */
  VsRequest    *request;        /* what the engines send: built from the fields above */
  VsStatusRule  status_rule;
} VsTarget;

typedef struct
{
  VsLoadModel model;
  guint       connections;   /* per target */
  double      rate;          /* open model: requests/s per target */
  VsArrival   arrival;
  guint64     seed;          /* Poisson arrivals: same seed, same schedule, for every target */
  gint64      duration_us;   /* length of the measured phase; 0 when requests is set */
  guint64     requests;      /* per target; 0 when duration_us is set */
  gint64      warmup_us;     /* before the measured phase, excluded from statistics */
  gint64      timeout_us;    /* per request */
  guint       threads;       /* worker threads; 0: one per core */
  guint       pipeline;      /* native engine: requests in flight per connection (1: none) */
  guint       streams;       /* soup engine: HTTP/2 streams in flight per connection (1: one) */
  char       *generator_cpus;/* CPU list the worker threads are pinned to ("0"), or NULL */
} VsLoad;

typedef struct
{
  gboolean    answers;       /* before the load, send each target the request once and compare
                              * the answers with the first target's */
  GStrv       ignore;        /* JSON pointers (RFC 6901) left out of the comparison, or NULL */
} VsCompare;

typedef struct
{
  gatomicrefcount ref_count;  /* atomic: a job freed on a reaper thread drops its own */
  int           version;
  GPtrArray    *targets;     /* VsTarget* */
  VsLoad        load;
  VsCompare     compare;
  VsMode        mode;
  VsEngineKind  engine;
  gint64        tick_us;     /* snapshot interval */
  gboolean      insecure;    /* accept any TLS certificate */
  char         *base_dir;    /* where body_file paths are resolved; NULL: working directory */
  /* `versus run --segment I/N` (vs-segment.h): this process runs share I (from 0) of N of the
   * load. Not part of the plan file: every segment's result carries the same, whole plan. */
  guint         segment_index;
  guint         segment_count;  /* 0 or 1: the whole load */
  /* rounds mode: how many rounds (0: not given), and the seed of the trials' order */
  guint         rounds;
  guint64       rounds_seed;
  gboolean      rounds_seed_set;  /* FALSE: each run draws a fresh seed (and records it) */
  GPtrArray    *thresholds;  /* VsPlanThreshold*: every target's */
  /* load.stages (VsStage); empty: none. vs_plan_validate() resolves load.model, the
   * duration (stages minus warm-up) and, closed model, the connections (the most of any
   * stage) from them. */
  GArray       *stages;
  VsCapacityPlan capacity;   /* mode "capacity" */
} VsPlan;

/* One problem found by validation; path is like "targets[1].url" or "load.rate". */
typedef struct
{
  char *path;
  char *message;
} VsPlanProblem;

VsPlan      *vs_plan_new               (void);  /* defaults: closed, 10 connections, 10 s, … */
VsPlan      *vs_plan_ref               (VsPlan      *self);
void         vs_plan_unref             (VsPlan      *self);
VsPlan      *vs_plan_copy              (VsPlan      *self);

VsTarget    *vs_target_new             (const char  *name,
                                        const char  *url);
VsTarget    *vs_target_copy            (const VsTarget *self);
void         vs_target_free            (VsTarget    *self);
void         vs_plan_add_target        (VsPlan      *self,
                                        VsTarget    *target);  /* takes ownership */
guint        vs_plan_get_n_targets     (VsPlan      *self);
VsTarget    *vs_plan_get_target        (VsPlan      *self,
                                        guint        index);

VsPlan      *vs_plan_load_from_file    (const char  *path,
                                        GError     **error);
VsPlan      *vs_plan_load_from_data    (const char  *json,
                                        gssize       length,
                                        const char  *base_dir,
                                        GError     **error);
char        *vs_plan_to_json           (VsPlan      *self);
gboolean     vs_plan_save_to_file      (VsPlan      *self,
                                        const char  *path,
                                        GError     **error);

/* Checks every field. Returns every problem found (empty when valid); never NULL. */
GPtrArray   *vs_plan_check             (VsPlan      *self);  /* VsPlanProblem* */
/* vs_plan_check(), then resolves uri/body_bytes/request/status_rule (reading body_file). On failure the first problem is
 * the error: "targets[1].url: unsupported scheme “ftp”". */
gboolean     vs_plan_validate          (VsPlan      *self,
                                        GError     **error);

VsPlanProblem *vs_plan_problem_new     (const char    *path,
                                        const char    *message);
void         vs_plan_problem_free      (VsPlanProblem *problem);

VsPlanThreshold *vs_plan_threshold_new  (const char      *expr);
VsPlanThreshold *vs_plan_threshold_copy (const VsPlanThreshold *self);
void         vs_plan_threshold_free    (VsPlanThreshold *self);
/* The thresholds that apply to target @index: the plan's, then the target's own (a new array
 * of borrowed entries). */
GPtrArray   *vs_plan_thresholds_for    (VsPlan      *self,
                                        guint        index);
/* Stages: the whole length of the load (ramps and holds), and the planned level at @t_us after
 * the load started (requests/s or connections; linear within a ramp). */
gint64       vs_plan_stages_length     (VsPlan      *self);
double       vs_plan_stage_level       (VsPlan      *self,
                                        gint64       t_us);
/* The offered load the plan asks for between @start_s and @end_s after a target's load started
 * (warm-up included), averaged over it: open model requests/s, closed model connections; with
 * or without stages. @open says which. */
double       vs_plan_planned_load      (VsPlan      *self,
                                        double       start_s,
                                        double       end_s,
                                        gboolean    *open);

const char  *vs_load_model_to_string   (VsLoadModel  model);   /* "closed", "open" */
const char  *vs_mode_to_string         (VsMode       mode);    /* "parallel", "sequential",
                                                                 * "rounds" */
const char  *vs_engine_kind_to_string  (VsEngineKind kind);    /* "auto", "soup", "native" */
const char  *vs_arrival_to_string      (VsArrival    arrival); /* "uniform", "poisson" */
gboolean     vs_load_model_from_string (const char *str, VsLoadModel  *out);
gboolean     vs_mode_from_string       (const char *str, VsMode       *out);
gboolean     vs_engine_kind_from_string(const char *str, VsEngineKind *out);
gboolean     vs_arrival_from_string    (const char *str, VsArrival    *out);

/* A command the plan would run (a target's server), for a person to agree to first. */
typedef struct
{
  guint  index;    /* the target's */
  char  *target;   /* its name */
  char **argv;
  char  *cwd;      /* resolved: where it runs */
  char **env;      /* "NAME=value" added to Versus's environment; never NULL */
} VsPlanCommand;

/* Every command the plan would run, in target order (VsPlanCommand*; empty when none). The
 * window shows them in its consent dialog, the command line lists them without
 * --allow-commands. Nothing runs until a person has agreed. */
GPtrArray   *vs_plan_list_commands     (VsPlan      *self);
gboolean     vs_plan_has_commands      (VsPlan      *self);
/* "node: node server.js 8081", then "  in DIR" and "  with NAME=value" lines. */
char        *vs_plan_command_describe  (const VsPlanCommand *command);
void         vs_plan_command_free      (VsPlanCommand *command);
/* The target's server spec as a run launches it: cwd (default: the plan's folder) and log
 * resolved against the plan's folder, readiness defaulting to the target URL's host and port.
 * NULL when the target has no server. */
VsServerSpec *vs_plan_server_spec      (VsPlan      *self,
                                        guint        index);

/* NULL when @header is a request header line a plan may carry ("Name: value", a token name,
 * no line break, not a framing header Versus computes itself: Content-Length,
 * Transfer-Encoding); otherwise what is wrong with it, for a message. Host may be given once:
 * it replaces the one made from the URL, in both engines. */
char        *vs_header_check           (const char   *header);

/* "2xx,3xx", "200", "200-204,404". FALSE with a message for anything else. */
gboolean     vs_status_rule_parse      (VsStatusRule *rule,
                                        const char   *text,
                                        GError      **error);

static inline gboolean
vs_status_rule_accepts (const VsStatusRule *rule,
                        guint               status)
{
  return status < 640 && (rule->accept[status / 64] >> (status % 64)) & 1;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsPlan, vs_plan_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsTarget, vs_target_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsPlanProblem, vs_plan_problem_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsPlanCommand, vs_plan_command_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsPlanThreshold, vs_plan_threshold_free)

G_END_DECLS
