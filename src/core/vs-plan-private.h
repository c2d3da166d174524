/* vs-plan-private.h: limits and names shared by the plan's model, checks and JSON files */
#pragma once

#include "vs-plan.h"

G_BEGIN_DECLS

#define MAX_CONNECTIONS 100000
#define MAX_THREADS     1024
#define MAX_PIPELINE    1024
#define MAX_STREAMS     1024
#define MIN_TICK_US     (50 * 1000)
#define MAX_TICK_US     (60 * G_USEC_PER_SEC)
/* rounds mode: far more than any comparison needs (the verdict wants 5 to 30) */
#define MAX_ROUNDS      10000
/* duration, warm-up and timeout: far past any run, far below any overflow of the clock */
#define MAX_DURATION_US (G_GINT64_CONSTANT (30) * 24 * 3600 * G_USEC_PER_SEC)
/* open model, requests/s per target: the slowest keeps the schedule's gap (threads / rate)
 * within a few weeks, the fastest is far beyond any engine */
#define MIN_RATE        0.001
#define MAX_RATE        10000000.0
/* plan files: a plan is a few kilobytes; bodies of any size belong in body_file */
#define MAX_PLAN_BYTES  (1024 * 1024)
#define MAX_PLAN_DEPTH  32

#define DEFAULT_METHOD        "GET"
#define DEFAULT_EXPECT_STATUS "2xx,3xx"

/* Enum names, in enum order, NULL-terminated. */
extern const char * const _vs_load_model_names[];
extern const char * const _vs_arrival_names[];
extern const char * const _vs_mode_names[];
extern const char * const _vs_engine_names[];

/* Thresholds, stages and capacity search (vs-plan-slo.c). */
extern const VsCapacityPlan _vs_capacity_plan_default;
GPtrArray *_vs_plan_thresholds_new  (void);
GPtrArray *_vs_plan_thresholds_copy (GPtrArray *thresholds);
/* Adds the problems of thresholds, stages and the capacity search to problems. */
void       _vs_plan_check_slo       (VsPlan    *self,
                                     GPtrArray *problems);
/* After a successful check: load.model, load.duration and (closed) load.connections from
 * the stages. */
void       _vs_plan_resolve_stages  (VsPlan    *self);

/* Case-insensitive lookup of str in names; FALSE when absent. */
gboolean _vs_name_to_enum (const char * const *names,
                           const char         *str,
                           int                *out);

/* The servers, attached PIDs, CPU lists and compare section (vs-plan-backends.c). */
void     _vs_plan_check_backends (VsPlan    *self,
                                  GPtrArray *problems);

G_END_DECLS
