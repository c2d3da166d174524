/* test-job.c: the job's shares and its lock-free collect handshake, with a fake engine that
 * "answers" instantly, so that exact counts can be checked without a network. */
#define _GNU_SOURCE  /* RUSAGE_THREAD */
#include <glib-object.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vs-engine.h"
#include "vs-job.h"
#include "vs-error.h"

/* What worker 0 itself saw around one of its epoch acknowledgements (the window the job's busy
 * share is taken over): the witness of test_job_generator_busy. */
typedef struct
{
  gint64 before_us;  /* monotonic, just before vs_worker_sync() */
  gint64 after_us;   /* and just after */
  gint64 cpu_us;     /* the thread's CPU time (CLOCK_THREAD_CPUTIME_ID) just before */
  gint64 slept_us;   /* the sleeps asked for so far, each a time the thread was blocked */
  long   switches;   /* its voluntary context switches so far (getrusage RUSAGE_THREAD) */
} FakeAck;

typedef struct
{
  VsEngine parent;
  guint64 recorded;  /* atomic: responses recorded by all workers */
  guint   pause_us;  /* between rounds: 0 keeps the worker's CPU busy */
  guint64 connection_bytes;  /* what it says a connection costs; 0: the default */
  FakeAck acks[2];   /* worker 0's previous and last acknowledgement; read after the join */
} FakeEngine;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static long
thread_voluntary_switches (void)
{
  struct rusage usage;

  getrusage (RUSAGE_THREAD, &usage);
  return usage.ru_nvcsw;
}

static void
fake_run_worker (VsEngine *engine,
                 VsJob    *job,
                 VsWorker *worker)
{
  FakeEngine *self = (FakeEngine *) engine;
  VsStatusRule ok = { { 0 } };
  gint64 slept_us = 0;

  ok.accept[200 / 64] |= G_GUINT64_CONSTANT (1) << (200 % 64);

  while (!vs_job_should_stop (job))
    {
      gboolean all_spent = TRUE;
      FakeAck ack = { g_get_monotonic_time (), 0, thread_cpu_us (), slept_us,
                      thread_voluntary_switches () };
      int epoch = worker->epoch;
      gint64 now;

      vs_worker_sync (job, worker);
      now = g_get_monotonic_time ();
      if (worker->index == 0 && worker->epoch != epoch)
        {
          ack.after_us = now;
          self->acks[0] = self->acks[1];
          self->acks[1] = ack;
        }

      for (guint t = 0; t < worker->n_targets; t++)
        {
          VsWorkerTarget *wt = &worker->targets[t];
          VsStats *stats = vs_worker_stats (job, worker, t, now);

          if (!vs_worker_target_may_send (job, wt, now))
            continue;
          all_spent = FALSE;
          vs_worker_target_note_send (job, wt, now);
          vs_stats_record_send (stats, now, now, 100);
          vs_stats_record_response (stats, &ok, 200, now, now, now + 10, 50);
          g_atomic_pointer_add (&self->recorded, 1);
        }

      if (all_spent)
        return;
      /* a real engine waits for the network here */
      if (self->pause_us > 0)
        {
          g_usleep (self->pause_us);
          slept_us += self->pause_us;
        }
    }
}

static void
fake_wake_worker (VsEngine *engine,
                  VsJob    *job,
                  VsWorker *worker)
{
}

static guint64
fake_connection_bytes (VsEngine     *engine,
                       const VsPlan *plan)
{
  guint64 bytes = ((FakeEngine *) engine)->connection_bytes;

  return bytes > 0 ? bytes : 16 * 1024;
}

static const VsEngineOps fake_ops = {
  .name = "fake",
  .connection_bytes = fake_connection_bytes,
  .run_worker = fake_run_worker,
  .wake_worker = fake_wake_worker,
};

static FakeEngine *
fake_engine_new (void)
{
  FakeEngine *self = (FakeEngine *) vs_engine_new (&fake_ops, sizeof (FakeEngine));

  self->pause_us = 20;
  return self;
}

static void
fake_engine_free (FakeEngine *self)
{
  vs_engine_free (&self->parent);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeEngine, fake_engine_free)

static VsPlan *
make_plan (guint n_targets)
{
  VsPlan *plan = vs_plan_new ();

  for (guint i = 0; i < n_targets; i++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", i);
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:9/%u", i);

      vs_plan_add_target (plan, vs_target_new (name, url));
    }
  return plan;
}

/* Collects once and adds each target's responses to seen[target] (measured phase) and, when
 * given, warmup_seen[target]. */
static void
drain_phases (VsJob   *job,
              guint64 *seen,
              guint64 *warmup_seen)
{
  g_autofree VsStats **measured = g_new0 (VsStats *, job->n_targets);
  g_autofree VsStats **warmup = g_new0 (VsStats *, job->n_targets);

  vs_job_collect (job, measured, warmup);
  for (guint t = 0; t < job->n_targets; t++)
    {
      seen[t] += measured[t]->counters.responses;
      if (warmup_seen != NULL)
        warmup_seen[t] += warmup[t]->counters.responses;
      else
        g_assert_cmpuint (warmup[t]->counters.responses, ==, 0);
      vs_stats_free (measured[t]);
      vs_stats_free (warmup[t]);
    }
}

static void
drain (VsJob   *job,
       guint64 *seen)
{
  drain_phases (job, seen, NULL);
}

/* A request count is split over the workers without rounding loss: exactly n per target. */
static void
test_job_budget_exact (void)
{
  g_autoptr(VsPlan) plan = make_plan (2);
  g_autoptr(FakeEngine) engine = fake_engine_new ();
  g_autoptr(GError) error = NULL;
  guint indices[] = { 0, 1 };
  VsJob *job;
  guint64 seen[2] = { 0, 0 };

  plan->load.connections = 7;
  plan->load.threads = 3;
  plan->load.duration_us = 0;
  plan->load.requests = 1001;

  job = vs_job_new (&engine->parent, plan, indices, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (job->n_workers, ==, 3);
  g_assert_true (vs_job_start (job, &error));
  g_assert_no_error (error);

  while (!vs_job_is_done (job))
    drain (job, seen);
  vs_job_stop (job);
  drain (job, seen);

  g_assert_cmpuint (seen[0], ==, 1001);
  g_assert_cmpuint (seen[1], ==, 1001);
  vs_job_free (job);
}

/* With a warm-up, what was sent before it ended is kept apart from what was sent after, however
 * late it is collected; and the request count is spent on the measured phase alone. */
static void
test_job_warmup_by_send_time (void)
{
  g_autoptr(VsPlan) plan = make_plan (1);
  g_autoptr(FakeEngine) engine = fake_engine_new ();
  g_autoptr(GError) error = NULL;
  guint index = 0;
  guint64 seen = 0, warmup_seen = 0;
  VsJob *job;

  plan->load.connections = 3;
  plan->load.threads = 3;
  plan->load.duration_us = 0;
  plan->load.requests = 777;
  plan->load.warmup_us = 100 * 1000;

  job = vs_job_new (&engine->parent, plan, &index, 1, &error);
  g_assert_no_error (error);
  g_assert_true (vs_job_start (job, &error));
  /* collect only now and then, so that collects straddle the end of warm-up */
  while (!vs_job_is_done (job))
    {
      g_usleep (30 * 1000);
      drain_phases (job, &seen, &warmup_seen);
    }
  vs_job_stop (job);
  drain_phases (job, &seen, &warmup_seen);

  g_assert_cmpuint (seen, ==, 777);
  g_assert_cmpuint (warmup_seen, >, 0);
  g_assert_cmpuint (seen + warmup_seen, ==, g_atomic_pointer_get (&engine->recorded));
  vs_job_free (job);
}

/* Collecting while the workers record loses and doubles nothing. */
static void
test_job_collect_while_running (void)
{
  g_autoptr(VsPlan) plan = make_plan (1);
  g_autoptr(FakeEngine) engine = fake_engine_new ();
  g_autoptr(GError) error = NULL;
  guint index = 0;
  guint64 seen = 0;
  guint collects = 0;
  VsJob *job;
  gint64 until;

  plan->load.connections = 4;
  plan->load.threads = 4;

  job = vs_job_new (&engine->parent, plan, &index, 1, &error);
  g_assert_no_error (error);
  g_assert_true (vs_job_start (job, &error));

  /* at least 300 ms and at least 11 collects while the workers run: a collect waits for every
   * worker to switch buffers, which takes longer on a loaded machine or under ThreadSanitizer */
  until = g_get_monotonic_time () + 300 * 1000;
  while (g_get_monotonic_time () < until || collects <= 10)
    {
      drain (job, &seen);
      collects++;
    }
  vs_job_stop (job);
  drain (job, &seen);

  g_assert_cmpuint (seen, >, 0);
  g_assert_cmpuint (seen, ==, g_atomic_pointer_get (&engine->recorded));
  vs_job_free (job);
}

/* More threads than connections: every worker still gets a connection to each target. */
static void
test_job_shares (void)
{
  g_autoptr(VsPlan) plan = make_plan (1);
  g_autoptr(FakeEngine) engine = fake_engine_new ();
  g_autoptr(GError) error = NULL;
  guint index = 0;
  guint total = 0;
  VsJob *job;

  plan->load.connections = 3;
  plan->load.threads = 8;
  job = vs_job_new (&engine->parent, plan, &index, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (job->n_workers, ==, 3);
  for (guint w = 0; w < job->n_workers; w++)
    {
      g_assert_cmpuint (job->workers[w].targets[0].connections, >=, 1);
      g_assert_cmpuint (job->workers[w].targets[0].budget, ==, G_MAXUINT64);
      total += job->workers[w].targets[0].connections;
    }
  g_assert_cmpuint (total, ==, 3);
  vs_job_free (job);
}

/* Open model: every worker sends at the same share of the rate, so the request count is split
 * evenly too; split by connections, the workers with fewer would stop early and the rate sag. */
static void
test_job_open_budgets_follow_rate (void)
{
  g_autoptr(VsPlan) plan = make_plan (1);
  g_autoptr(FakeEngine) engine = fake_engine_new ();
  g_autoptr(GError) error = NULL;
  guint index = 0;
  guint64 total = 0;
  VsJob *job;

  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = 200;
  plan->load.connections = 10;
  plan->load.threads = 4;
  plan->load.duration_us = 0;
  plan->load.requests = 601;
  job = vs_job_new (&engine->parent, plan, &index, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (job->n_workers, ==, 4);
  for (guint w = 0; w < job->n_workers; w++)
    {
      g_assert_cmpuint (job->workers[w].targets[0].budget, >=, 150);
      g_assert_cmpuint (job->workers[w].targets[0].budget, <=, 151);
      total += job->workers[w].targets[0].budget;
    }
  g_assert_cmpuint (total, ==, 601);
  vs_job_free (job);
}

/* Open model: a run that ends with every connection busy counts its last stretch at the cap
 * (at_cap_pct), as a stretch that a free connection ends does. Driven by hand, without worker
 * threads: uniform 100/s for 1 s, one connection, busy from the first send to the end, so a send
 * is due at the full cap from 10 ms on, and the other 99 never leave. */
static void
test_job_cap_until_end (void)
{
  g_autoptr(VsPlan) plan = make_plan (1);
  g_autoptr(FakeEngine) engine = fake_engine_new ();
  g_autoptr(GError) error = NULL;
  guint index = 0;
  VsStats *measured, *warmup;
  VsWorker *worker;
  VsJob *job;
  gint64 start, due;

  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = 100;
  plan->load.connections = 1;
  plan->load.threads = 1;
  plan->load.duration_us = G_USEC_PER_SEC;
  job = vs_job_new (&engine->parent, plan, &index, 1, &error);
  g_assert_no_error (error);
  worker = &job->workers[0];
  /* what vs_job_start() sets, at a time of the test's choosing */
  start = job->start_us = job->warmup_end_us = 1000 * G_USEC_PER_SEC;
  job->measure_end_us = start + G_USEC_PER_SEC;

  due = vs_worker_target_next_due (job, worker, 0, start);
  g_assert_cmpint (due, ==, start);
  vs_worker_target_take_due (job, worker, 0, due, start);
  due = vs_worker_target_next_due (job, worker, 0, start + 10 * 1000);
  g_assert_cmpint (due, ==, start + 10 * 1000);
  vs_worker_target_at_cap (&worker->targets[0], due);
  /* the worker next looks after the end */
  g_assert_cmpint (vs_worker_target_next_due (job, worker, 0, start + 1200 * 1000), ==,
                   G_MAXINT64);

  g_atomic_int_set (&worker->settled, TRUE);
  vs_job_collect (job, &measured, &warmup);
  g_assert_cmpuint (measured->counters.unsent, ==, 99);
  g_assert_cmpint (measured->counters.at_cap_us, ==, 990 * 1000);
  vs_stats_free (measured);
  vs_stats_free (warmup);
  vs_job_free (job);
}

/* Asking for more connections than the open-files limit can ever allow is refused up front. */
static void
test_job_fd_limit (void)
{
  g_autoptr(VsPlan) plan = make_plan (2);
  g_autoptr(FakeEngine) engine = fake_engine_new ();
  g_autoptr(GError) error = NULL;
  guint indices[] = { 0, 1 };
  struct rlimit limit;
  VsJob *job;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_max == RLIM_INFINITY)
    {
      g_test_skip ("no hard open-files limit here");
      return;
    }

  plan->load.connections = G_MAXINT32;
  job = vs_job_new (&engine->parent, plan, indices, 2, &error);
  g_assert_null (job);
  g_assert_error (error, VS_ERROR, VS_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "load.connections"));
}

/* Issue 13: a run that would not fit in the memory available is refused before anything is
 * allocated, with the figures of the estimate (here an engine whose connections cost 1 TiB
 * each, which no machine has twice over). */
static void
test_job_memory_limit (void)
{
  g_autoptr(VsPlan) plan = make_plan (2);
  g_autoptr(FakeEngine) engine = fake_engine_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *meminfo = NULL;
  guint indices[] = { 0, 1 };
  VsJob *job;

  if (!g_file_get_contents ("/proc/meminfo", &meminfo, NULL, NULL) ||
      strstr (meminfo, "MemAvailable:") == NULL)
    {
      g_test_skip ("no MemAvailable in /proc/meminfo here");
      return;
    }

  plan->load.connections = 2;
  plan->load.threads = 2;
  engine->connection_bytes = G_GUINT64_CONSTANT (1) << 40;
  job = vs_job_new (&engine->parent, plan, indices, 2, &error);
  g_assert_null (job);
  g_assert_error (error, VS_ERROR, VS_ERROR_LIMIT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "load: the run would need about 4"));
  g_assert_nonnull (strstr (error->message, "(2 threads × 2 targets × 4.0 KiB, 2 targets × "
                                            "256.0 KiB, 4 connections × 1.0 TiB)"));
  g_assert_nonnull (strstr (error->message, "available (MemAvailable in /proc/meminfo)"));
  g_clear_error (&error);

  /* a segment (--segment 1/2) needs the memory of its own share of the connections: 2 of the
   * plan's 4 per target, so 4 in all, not 8 */
  plan->load.connections = 4;
  plan->segment_index = 1;
  plan->segment_count = 2;
  job = vs_job_new (&engine->parent, plan, indices, 2, &error);
  g_assert_null (job);
  g_assert_error (error, VS_ERROR, VS_ERROR_LIMIT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, ", 4 connections × 1.0 TiB)"));
  g_clear_error (&error);
  plan->load.connections = 2;
  plan->segment_count = 0;

  /* what fits runs */
  engine->connection_bytes = 0;
  job = vs_job_new (&engine->parent, plan, indices, 2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  vs_job_free (job);
}

static double
busy_over (FakeEngine *engine,
           gint64      length_us)
{
  g_autoptr(VsPlan) plan = make_plan (1);
  g_autoptr(GError) error = NULL;
  guint index = 0;
  double busy = 0;
  VsJob *job;
  gint64 until;

  plan->load.connections = 1;
  job = vs_job_new (&engine->parent, plan, &index, 1, &error);
  g_assert_no_error (error);
  g_assert_true (vs_job_start (job, &error));

  until = g_get_monotonic_time () + length_us;
  while (g_get_monotonic_time () < until)
    {
      VsStats *measured, *warmup;

      g_usleep (length_us / 4);
      busy = vs_job_collect (job, &measured, &warmup);
      vs_stats_free (measured);
      vs_stats_free (warmup);
    }
  vs_job_free (job);
  return busy;
}

/* The busy share of the last collect against what worker 0 saw of the same window (between
 * its last two acknowledgements, each known to within its vs_worker_sync() call): the thread
 * was runnable at least for its CPU time there and at most for the window less the sleeps it
 * asked for, each spent blocked. Runnable time includes waiting for a CPU, so on a loaded
 * machine the share rises above the CPU time, but never above that. Returns the window's
 * voluntary context switches. */
static long
assert_busy_witnessed (FakeEngine *engine,
                       double      busy)
{
  const FakeAck *prev = &engine->acks[0], *last = &engine->acks[1];
  gint64 longest = last->after_us - prev->before_us;
  gint64 shortest = last->before_us - prev->after_us;
  gint64 cpu = last->cpu_us - (prev->cpu_us + (prev->after_us - prev->before_us));
  gint64 slept = last->slept_us - prev->slept_us;

  g_test_message ("pause %u µs: busy %.3f over %.1f–%.1f ms: CPU ≥ %.1f ms, slept ≥ %.1f ms, "
                  "%ld voluntary switches", engine->pause_us, busy, shortest / 1e3,
                  longest / 1e3, cpu / 1e3, slept / 1e3, last->switches - prev->switches);
  g_assert_cmpint (prev->after_us, >, 0);
  g_assert_cmpint (shortest, >, 0);
  g_assert_cmpfloat (busy, >=, (double) cpu / longest);
  g_assert_cmpfloat (busy, <=, (double) (longest - slept) / shortest);
  return last->switches - prev->switches;
}

/* A worker that never waits is reported busy; one that mostly waits is not. */
static void
test_job_generator_busy (void)
{
  g_autoptr(FakeEngine) spinning = fake_engine_new ();
  g_autoptr(FakeEngine) waiting = fake_engine_new ();
  double spinning_busy, waiting_busy;

  spinning->pause_us = 0;
  waiting->pause_us = 5000;
  spinning_busy = busy_over (spinning, 400 * 1000);
  waiting_busy = busy_over (waiting, 400 * 1000);

  /* a thread that never blocked (no voluntary switch) was runnable all the window, however
   * little of it the machine's load left it on a CPU */
  if (assert_busy_witnessed (spinning, spinning_busy) == 0 &&
      g_file_test ("/proc/thread-self/schedstat", G_FILE_TEST_EXISTS))
    g_assert_cmpfloat (spinning_busy, >, 0.98);
  assert_busy_witnessed (waiting, waiting_busy);
  g_assert_cmpfloat (waiting_busy, <, spinning_busy);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/job/budget-exact", test_job_budget_exact);
  g_test_add_func ("/core/job/collect-while-running", test_job_collect_while_running);
  g_test_add_func ("/core/job/warmup-by-send-time", test_job_warmup_by_send_time);
  g_test_add_func ("/core/job/shares", test_job_shares);
  g_test_add_func ("/core/job/open-budgets-follow-rate", test_job_open_budgets_follow_rate);
  g_test_add_func ("/core/job/fd-limit", test_job_fd_limit);
  g_test_add_func ("/core/job/memory-limit", test_job_memory_limit);
  g_test_add_func ("/core/job/generator-busy", test_job_generator_busy);
  g_test_add_func ("/core/job/cap-until-end", test_job_cap_until_end);

  return g_test_run ();
}
