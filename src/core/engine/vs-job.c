/* vs-job.c: worker threads, shares and the lock-free collect handshake */
/* sched_getaffinity() and the CPU_*_S macros */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>

#include <glib/gi18n.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "vs-error.h"
#include "vs-format.h"
#include "vs-job.h"
#include "vs-segment.h"

/* File descriptors beyond the connections: the process's own files, eventfds, epoll fds. */
#define FD_SLACK 64

/* Raises the soft open-files limit as far as the hard limit allows and checks that the
 * connections fit; a load generator that runs out of descriptors mid-run reports the
 * generator, not the server. */
static gboolean
ensure_fd_limit (guint64   needed,
                 GError  **error)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return TRUE;

  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
    {
      struct rlimit raised = limit;

      raised.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        limit = raised;
    }

  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_LIMIT,
                   _("load.connections: the run needs %" PRIu64 " open files but the "
                     "system allows %" PRIu64 " (raise it with “ulimit -n” or ask for "
                     "fewer connections)"),
                   needed, (guint64) limit.rlim_cur);
      return FALSE;
    }

  return TRUE;
}

gint64
vs_thread_runnable_us (void)
{
  char text[96];
  struct timespec ts;
  int fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);

  if (fd >= 0)
    {
      ssize_t len = read (fd, text, sizeof text - 1);
      guint64 on_cpu_ns, waiting_ns;

      close (fd);
      if (len > 0)
        {
          text[len] = '\0';
          if (sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &on_cpu_ns,
                      &waiting_ns) == 2)
            return (gint64) ((on_cpu_ns + waiting_ns) / 1000);
        }
    }

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

guint
vs_job_available_cpus (void)
{
  /* g_get_num_processors() of GLib 2.74 counts the machine's cores, not the ones this process
   * may run on (taskset, cgroup cpusets): ask the kernel for the affinity mask, growing the set
   * until it holds every CPU the kernel knows */
  for (int n_cpus = 1024; n_cpus <= 1 << 20; n_cpus *= 2)
    {
      cpu_set_t *set = CPU_ALLOC (n_cpus);
      gsize size = CPU_ALLOC_SIZE (n_cpus);
      int count = 0;

      if (set == NULL)
        break;
      CPU_ZERO_S (size, set);
      if (sched_getaffinity (0, size, set) == 0)
        count = CPU_COUNT_S (size, set);
      CPU_FREE (set);
      if (count > 0)
        return count;
      if (errno != EINVAL)
        break;
    }

  return g_get_num_processors ();
}

/* What a run costs in memory besides its connections, measured on the native engine against
 * nginx (resident set at the end of a 1 s run; the figures here are about 1.5 times those, so
 * that the check refuses only what would not fit): a target ~150–200 KB (its results, the
 * cumulative and per-tick histograms that recorded into), a worker ~100 KB (stack, read
 * buffer), an idle worker × target ~1.5 KB (histograms are mapped and only the pages recorded
 * into become resident); twice as many histograms with a warm-up. */
#define MEMORY_PER_TARGET        (256 * 1024)
#define MEMORY_PER_WORKER        (256 * 1024)
#define MEMORY_PER_WORKER_TARGET (4 * 1024)

/* MemAvailable from /proc/meminfo, in bytes; 0 when unknown. */
static guint64
memory_available (void)
{
  g_autofree char *text = NULL;
  const char *line;
  guint64 kib;

  if (!g_file_get_contents ("/proc/meminfo", &text, NULL, NULL))
    return 0;
  line = strstr (text, "MemAvailable:");
  if (line == NULL || sscanf (line, "MemAvailable: %" SCNu64 " kB", &kib) != 1)
    return 0;
  return kib * 1024;
}

/* Refuses, before anything is allocated, a run that would not fit in the memory the machine
 * has available, with the figures the estimate was made of. */
static gboolean
check_memory (VsEngine  *engine,
              VsPlan    *plan,
              guint      per_target, /* connections per target: a segment's share of them */
              guint      n_workers,
              guint      n_targets,
              GError   **error)
{
  guint64 available = memory_available ();
  guint64 connections = (guint64) per_target * n_targets;
  guint64 per_connection = vs_engine_get_connection_bytes (engine, plan);
  guint64 per_worker_target = MEMORY_PER_WORKER_TARGET * (plan->load.warmup_us > 0 ? 2 : 1);
  guint n_plan_targets = vs_plan_get_n_targets (plan);
  long double needed;

  needed = (long double) n_workers * MEMORY_PER_WORKER +
           (long double) n_workers * n_targets * per_worker_target +
           (long double) n_plan_targets * MEMORY_PER_TARGET +
           (long double) connections * per_connection;
  if (available == 0 || needed <= available)
    return TRUE;

  {
    g_autofree char *needed_text = vs_format_bytes ((double) needed);
    g_autofree char *available_text = vs_format_bytes ((double) available);
    g_autofree char *worker_target_text = vs_format_bytes ((double) per_worker_target);
    g_autofree char *target_text = vs_format_bytes (MEMORY_PER_TARGET);
    g_autofree char *connection_text = vs_format_bytes ((double) per_connection);

    g_set_error (error, VS_ERROR, VS_ERROR_LIMIT,
                 _("load: the run would need about %s of memory (%u threads × %u targets × %s, "
                   "%u targets × %s, %" PRIu64 " connections × %s) but the machine has %s "
                   "available (MemAvailable in /proc/meminfo); ask for fewer threads, targets "
                   "or connections"),
                 needed_text, n_workers, n_targets, worker_target_text, n_plan_targets,
                 target_text, connections, connection_text, available_text);
  }
  return FALSE;
}

static guint
worker_count (VsPlan *plan,
              guint   n_cpus,
              guint   connections)
{
  guint threads = plan->load.threads ? plan->load.threads : n_cpus;

  /* every worker needs at least one connection to each target */
  return CLAMP (MIN (threads, connections), 1, 1024);
}

VsJob *
vs_job_new (VsEngine    *engine,
            VsPlan      *plan,
            const guint *plan_indices,
            guint        n_targets,
            GError     **error)
{
  g_autofree VsJob *self = NULL;
  VsSegmentShare segment;
  guint connections;
  guint timings;
  VsCpuList cpus = { 0 };
  /* the plan check parsed the list already */
  gboolean pinned = plan->load.generator_cpus != NULL &&
                    vs_cpu_list_parse (plan->load.generator_cpus, NULL, &cpus, NULL);
  guint n_cpus = pinned ? vs_cpu_list_count (&cpus) : vs_job_available_cpus ();

  g_return_val_if_fail (engine != NULL, NULL);
  g_return_val_if_fail (n_targets > 0, NULL);

  /* an earlier job's teardown would take CPU from this one's load, and its figures; and what
   * it still holds (descriptors, memory) is not this one's to count */
  vs_job_wait_retired ();

  /* this process's share of the plan (all of it unless --segment split it) */
  vs_segment_share (plan, &segment);
  connections = segment.connections;

  if (!ensure_fd_limit ((guint64) connections * n_targets + FD_SLACK, error) ||
      !check_memory (engine, plan, connections, worker_count (plan, n_cpus, connections),
                     n_targets, error))
    return NULL;

  /* the workers keep histograms only for the timings their engine records */
  timings = vs_engine_get_timings (engine);
  self = g_new0 (VsJob, 1);
  self->engine = vs_engine_ref (engine);
  self->plan = vs_plan_ref (plan);
  g_mutex_init (&self->settle_lock);
  g_cond_init (&self->settle_cond);
  self->n_targets = n_targets;
  self->plan_indices = g_memdup2 (plan_indices, sizeof (guint) * n_targets);
  self->first_errors = g_new0 (char *, n_targets);
  self->pinned = pinned;
  self->cpus = cpus;
  self->n_cpus = n_cpus;
  self->n_workers = worker_count (plan, n_cpus, connections);
  self->workers = g_new0 (VsWorker, self->n_workers);

  for (guint w = 0, before = 0; w < self->n_workers; w++)
    {
      VsWorker *worker = &self->workers[w];
      guint share = connections / self->n_workers + (w < connections % self->n_workers);

      worker->index = w;
      worker->n_targets = n_targets;
      worker->targets = g_new0 (VsWorkerTarget, n_targets);

      for (guint t = 0; t < n_targets; t++)
        {
          VsWorkerTarget *wt = &worker->targets[t];

          wt->target = vs_plan_get_target (plan, plan_indices[t]);
          wt->index = t;
          wt->connections = share;
          /* closed model: requests follow the connections; open model: they follow the
           * schedule, which gives every worker the same share of the rate */
          if (plan->load.requests == 0)
            wt->budget = G_MAXUINT64;
          else if (plan->load.model == VS_LOAD_OPEN)
            wt->budget = vs_share_of (segment.requests, w, 1, self->n_workers);
          else
            wt->budget = vs_share_of (segment.requests, before, share, connections);
          wt->open = plan->load.model == VS_LOAD_OPEN;
          wt->staged = !wt->open && plan->stages->len > 0;
          if (plan->load.model == VS_LOAD_OPEN && plan->stages->len > 0)
            vs_schedule_init_stages (&wt->schedule, plan->load.arrival,
                                     (const VsStage *) plan->stages->data, plan->stages->len,
                                     w, self->n_workers, plan->load.seed);
          else if (plan->load.model == VS_LOAD_OPEN)
            vs_schedule_init (&wt->schedule, plan->load.arrival, plan->load.rate,
                              segment.index + segment.count * w,
                              segment.count * self->n_workers, plan->load.seed);
          for (guint b = 0; b < 2; b++)
            {
              wt->stats[b] = vs_stats_new_for (timings);
              /* no warm-up, nothing is ever sent before it ends: spare the memory */
              wt->warmup[b] = plan->load.warmup_us > 0 ? vs_stats_new_for (timings) : NULL;
            }
        }

      before += share;
    }

  return g_steal_pointer (&self);
}

typedef struct
{
  VsJob    *job;
  VsWorker *worker;
} WorkerStart;

static VsJobSettleHook settle_hook;

void
vs_job_set_settle_hook (VsJobSettleHook hook)
{
  g_atomic_pointer_set (&settle_hook, hook);
}

/* The worker's figures are final: the next collect takes both its buffers. */
static void
settle (VsJob    *job,
        VsWorker *worker)
{
  VsJobSettleHook hook = g_atomic_pointer_get (&settle_hook);

  /* how busy it was, up to its last figure (the end of its window, as its acknowledgements) */
  __atomic_store_n (&worker->synced_us, g_get_monotonic_time (), __ATOMIC_RELEASE);
  __atomic_store_n (&worker->runnable_us, vs_thread_runnable_us (), __ATOMIC_RELEASE);
  g_mutex_lock (&job->settle_lock);
  g_atomic_int_set (&worker->settled, TRUE);
  g_cond_broadcast (&job->settle_cond);
  g_mutex_unlock (&job->settle_lock);
  if (hook != NULL)
    hook (job, worker);
}

void
vs_worker_settle (VsJob    *job,
                  VsWorker *worker)
{
  g_return_if_fail (!g_atomic_int_get (&worker->settled));

  settle (job, worker);
  g_mutex_lock (&job->settle_lock);
  while (!job->teardown)
    g_cond_wait (&job->settle_cond, &job->settle_lock);
  g_mutex_unlock (&job->settle_lock);
}

static gpointer
worker_thread (gpointer data)
{
  WorkerStart *start = data;

  /* load.generator_cpus: the generator keeps off the backends' cores (a thread's own affinity;
   * the list was checked against the process's, so this cannot fail but by a race with
   * taskset, which then leaves the thread where it was) */
  if (start->job->pinned && vs_cpu_list_apply (&start->job->cpus, 0) != 0)
    g_warning ("could not pin worker thread %u: %s", start->worker->index, g_strerror (errno));

  vs_engine_run_worker (start->job->engine, start->job, start->worker);
  if (!g_atomic_int_get (&start->worker->settled))
    settle (start->job, start->worker);
  g_free (start);
  return NULL;
}

gboolean
vs_job_start (VsJob   *self,
              GError **error)
{
  if (!vs_engine_prepare (self->engine, self, error))
    return FALSE;

  self->start_us = g_get_monotonic_time ();
  self->warmup_end_us = self->start_us + self->plan->load.warmup_us;
  self->measure_end_us = self->plan->load.duration_us > 0
                           ? self->warmup_end_us + self->plan->load.duration_us : 0;
  for (guint w = 0; w < self->n_workers; w++)
    self->workers[w].synced_seen_us = self->start_us;

  for (guint w = 0; w < self->n_workers; w++)
    {
      VsWorker *worker = &self->workers[w];
      g_autofree char *name = g_strdup_printf ("vs-worker-%u", w);
      WorkerStart *start = g_new (WorkerStart, 1);

      start->job = self;
      start->worker = worker;
      worker->thread = g_thread_try_new (name, worker_thread, start, error);
      if (worker->thread == NULL)
        {
          g_free (start);
          g_prefix_error (error, _("load.threads: could not start worker thread %u: "), w);
          vs_job_stop (self);
          return FALSE;
        }
    }

  return TRUE;
}

/* Moves what a worker recorded into out: the buffer it just left, or both once it settled. */
static void
take_buffers (VsStats  **buffers,
              int        epoch,
              gboolean   settled,
              VsStats   *out)
{
  for (int b = 0; b < 2; b++)
    {
      if (buffers[b] == NULL || (!settled && b != ((epoch - 1) & 1)))
        continue;
      vs_stats_merge (out, buffers[b]);
      vs_stats_reset (buffers[b]);
    }
}

double
vs_job_collect (VsJob    *self,
                VsStats **measured,
                VsStats **warmup)
{
  int epoch = g_atomic_int_get (&self->epoch) + 1;
  double busiest = 0;

  g_atomic_int_set (&self->epoch, epoch);

  for (guint t = 0; t < self->n_targets; t++)
    {
      measured[t] = vs_stats_new ();
      warmup[t] = vs_stats_new ();
    }

  for (guint w = 0; w < self->n_workers; w++)
    {
      VsWorker *worker = &self->workers[w];
      guint spins = 0;
      gint64 runnable_us, synced_us;
      gboolean settled;

      /* Wait for the worker to move to the other buffer. Its loop calls vs_worker_sync() at
       * least every few milliseconds and right after a wake, so this is short. */
      while (!(settled = g_atomic_int_get (&worker->settled)) &&
             g_atomic_int_get (&worker->seen) != epoch)
        {
          if (spins++ % 64 == 0 && worker->thread != NULL)
            vs_engine_wake_worker (self->engine, self, worker);
          g_usleep (50);
        }

      /* a settled worker writes nothing more: both buffers are ours */
      for (guint t = 0; t < self->n_targets; t++)
        {
          take_buffers (worker->targets[t].stats, epoch, settled, measured[t]);
          take_buffers (worker->targets[t].warmup, epoch, settled, warmup[t]);
        }

      /* over the worker's own window, from its previous acknowledgement to this one (or to its
       * end): the wall time of the collects would move each end by the time the worker took to
       * acknowledge, by tens of milliseconds on a loaded machine, and read a saturated worker
       * as 60 % busy or an idle one as busy */
      synced_us = __atomic_load_n (&worker->synced_us, __ATOMIC_ACQUIRE);
      runnable_us = __atomic_load_n (&worker->runnable_us, __ATOMIC_ACQUIRE);
      if (synced_us > worker->synced_seen_us)
        busiest = MAX (busiest, (double) (runnable_us - worker->runnable_seen_us) /
                                (synced_us - worker->synced_seen_us));
      worker->runnable_seen_us = runnable_us;
      worker->synced_seen_us = MAX (synced_us, worker->synced_seen_us);
    }

  return CLAMP (busiest, 0.0, 1.0);
}

gboolean
vs_job_is_done (VsJob *self)
{
  for (guint w = 0; w < self->n_workers; w++)
    if (!g_atomic_int_get (&self->workers[w].settled))
      return FALSE;

  return TRUE;
}

void
vs_job_stop (VsJob *self)
{
  g_atomic_int_set (&self->stop, TRUE);

  for (guint w = 0; w < self->n_workers; w++)
    if (self->workers[w].thread != NULL)
      vs_engine_wake_worker (self->engine, self, &self->workers[w]);

  /* Settling takes an engine one pass over what is in flight, once its loop sees the stop: a
   * soup worker sees it between two iterations of its main context. A wake is sent again now
   * and then in case the first came before the worker went to sleep. */
  g_mutex_lock (&self->settle_lock);
  for (guint w = 0; w < self->n_workers; w++)
    {
      VsWorker *worker = &self->workers[w];

      while (worker->thread != NULL && !g_atomic_int_get (&worker->settled))
        {
          gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_MILLISECOND;

          if (!g_cond_wait_until (&self->settle_cond, &self->settle_lock, deadline))
            vs_engine_wake_worker (self->engine, self, worker);
        }
    }
  g_mutex_unlock (&self->settle_lock);
}

/* Lets the settled workers tear down and waits for them; then what prepare made is released,
 * once. */
static void
job_teardown (VsJob *self)
{
  g_mutex_lock (&self->settle_lock);
  self->teardown = TRUE;
  g_cond_broadcast (&self->settle_cond);
  g_mutex_unlock (&self->settle_lock);

  for (guint w = 0; w < self->n_workers; w++)
    if (self->workers[w].thread != NULL)
      g_thread_join (g_steal_pointer (&self->workers[w].thread));

  if (self->start_us != 0 && !self->released)
    {
      vs_engine_release (self->engine, self);
      self->released = TRUE;
    }
}

void
vs_job_expire (VsJob *self)
{
  g_atomic_int_set (&self->expired, TRUE);
  vs_job_stop (self);
}

gint64
vs_worker_target_next_due (VsJob    *job,
                           VsWorker *worker,
                           guint     target,
                           gint64    now_us)
{
  VsWorkerTarget *wt = &worker->targets[target];
  gint64 due;

  if (wt->schedule_done)
    return G_MAXINT64;

  due = job->start_us + vs_schedule_peek (&wt->schedule);

  /* the request count is spent (sends before the end of warm-up are free) */
  if (now_us >= job->warmup_end_us && wt->issued >= wt->budget)
    {
      wt->schedule_done = TRUE;
      return G_MAXINT64;
    }

  if (job->measure_end_us != 0 && due >= job->measure_end_us)
    {
      wt->schedule_done = TRUE;
      return G_MAXINT64;
    }

  if (vs_job_is_over (job, now_us))
    {
      guint64 issued = wt->issued;

      /* a run that ends at the cap: its last stretch there is counted too (else only a send
       * taken after it adds it, and none is) */
      if (wt->cap_since_us != 0)
        {
          vs_worker_stats (job, worker, target, due)->counters.at_cap_us +=
            MAX (job->measure_end_us - wt->cap_since_us, 0);
          wt->cap_since_us = 0;
        }

      /* every entry left before the end was due and did not leave: k6's dropped iterations */
      while (due < job->measure_end_us && (due < job->warmup_end_us || issued < wt->budget))
        {
          vs_stats_record_unsent (vs_worker_stats (job, worker, target, due), 1);
          if (due >= job->warmup_end_us)
            issued++;
          vs_schedule_advance (&wt->schedule);
          due = job->start_us + vs_schedule_peek (&wt->schedule);
        }
      wt->schedule_done = TRUE;
      return G_MAXINT64;
    }

  /* caught up: whatever goes late from now on did not wait for the cap so far */
  if (due > now_us)
    wt->backlog_capped = FALSE;

  return due;
}

void
vs_worker_target_take_due (VsJob    *job,
                           VsWorker *worker,
                           guint     target,
                           gint64    due_us,
                           gint64    now_us)
{
  VsWorkerTarget *wt = &worker->targets[target];
  VsStats *stats = vs_worker_stats (job, worker, target, due_us);

  if (wt->cap_since_us != 0)
    {
      stats->counters.at_cap_us += MAX (now_us - wt->cap_since_us, 0);
      wt->cap_since_us = 0;
    }
  if (wt->backlog_capped && now_us - due_us > VS_LATE_SLACK_US)
    stats->counters.late_at_cap++;

  vs_worker_target_note_send (job, wt, now_us);
  vs_schedule_advance (&wt->schedule);
}

guint
vs_worker_target_active (VsJob    *job,
                         VsWorker *worker,
                         guint     target,
                         gint64    now_us)
{
  VsWorkerTarget *wt = &worker->targets[target];
  double level;
  guint wanted;

  if (!wt->staged)
    return wt->connections;
  level = vs_plan_stage_level (job->plan, now_us - job->start_us);
  wanted = (guint) MIN (floor (level + 0.5), (double) job->plan->load.connections);
  /* the same split as the connections' in vs_job_new() */
  return MIN (wanted / job->n_workers + (worker->index < wanted % job->n_workers),
              wt->connections);
}

void
vs_job_note_error (VsJob      *self,
                   guint       target,
                   const char *message)
{
  char *copy;

  if (g_atomic_pointer_get (&self->first_errors[target]) != NULL)
    return;

  copy = g_strdup (message);
  if (!g_atomic_pointer_compare_and_exchange (&self->first_errors[target], NULL, copy))
    g_free (copy);
}

void
vs_job_free (VsJob *self)
{
  if (self == NULL)
    return;

  vs_job_stop (self);
  job_teardown (self);

  for (guint w = 0; w < self->n_workers; w++)
    {
      for (guint t = 0; t < self->n_targets; t++)
        for (guint b = 0; b < 2; b++)
          {
            vs_stats_free (self->workers[w].targets[t].stats[b]);
            g_clear_pointer (&self->workers[w].targets[t].warmup[b], vs_stats_free);
          }
      g_free (self->workers[w].targets);
    }
  g_free (self->workers);

  for (guint t = 0; t < self->n_targets; t++)
    g_free (self->first_errors[t]);
  g_free (self->first_errors);
  g_free (self->plan_indices);
  vs_plan_unref (self->plan);
  g_clear_pointer (&self->engine, vs_engine_free);
  g_mutex_clear (&self->settle_lock);
  g_cond_clear (&self->settle_cond);
  g_free (self);
}

/* The jobs vs_job_retire() took and that are not freed yet, for the whole process: those kept
 * for exit, and how many reapers are tearing one down (and the reapers nobody joined yet). */
static GMutex     retired_lock;
static GCond      retired_cond;
static gboolean   retire_at_exit;
static GPtrArray *kept;          /* VsJob*, with retire_at_exit */
static guint      n_reaping;
static GPtrArray *reapers;       /* GThread* */
static gboolean   exit_wait_registered;

void
vs_job_set_retire_at_exit (gboolean at_exit)
{
  g_mutex_lock (&retired_lock);
  retire_at_exit = at_exit;
  g_mutex_unlock (&retired_lock);
}

static gpointer
reaper_thread (gpointer data)
{
  vs_job_free (data);

  g_mutex_lock (&retired_lock);
  n_reaping--;
  g_cond_broadcast (&retired_cond);
  g_mutex_unlock (&retired_lock);
  return NULL;
}

/* Waits for the reapers (not for the jobs kept for exit: exit() is to end those). */
static void
wait_reapers (void)
{
  g_autoptr(GPtrArray) finished = NULL;

  g_mutex_lock (&retired_lock);
  while (n_reaping > 0)
    g_cond_wait (&retired_cond, &retired_lock);
  /* each has freed its job: joining only waits for its return */
  finished = g_steal_pointer (&reapers);
  g_mutex_unlock (&retired_lock);

  for (guint i = 0; finished != NULL && i < finished->len; i++)
    g_thread_join (g_ptr_array_index (finished, i));
}

void
vs_job_retire (VsJob *self)
{
  GThread *reaper = NULL;

  if (self == NULL)
    return;

  /* the figures were final when they were collected: make sure they were */
  vs_job_stop (self);

  g_mutex_lock (&retired_lock);
  if (retire_at_exit)
    {
      /* reachable from here until exit() or the next job is made */
      if (kept == NULL)
        kept = g_ptr_array_new ();
      g_ptr_array_add (kept, self);
      g_mutex_unlock (&retired_lock);
      return;
    }

  /* a process that exits without vs_job_wait_retired() (a test, a caller that forgot) would
   * cut a teardown short: a leak checker then sees what a half-freed job still held */
  if (!exit_wait_registered)
    exit_wait_registered = atexit (wait_reapers) == 0;
  n_reaping++;
  reaper = g_thread_try_new ("vs-reaper", reaper_thread, self, NULL);
  if (reaper != NULL)
    {
      if (reapers == NULL)
        reapers = g_ptr_array_new ();
      g_ptr_array_add (reapers, reaper);
    }
  g_mutex_unlock (&retired_lock);

  if (reaper == NULL)
    reaper_thread (self);
}

void
vs_job_wait_retired (void)
{
  g_autoptr(GPtrArray) jobs = NULL;

  g_mutex_lock (&retired_lock);
  jobs = g_steal_pointer (&kept);
  g_mutex_unlock (&retired_lock);

  for (guint i = 0; jobs != NULL && i < jobs->len; i++)
    vs_job_free (g_ptr_array_index (jobs, i));
  wait_reapers ();
}

guint
vs_job_get_n_retired (void)
{
  guint n;

  g_mutex_lock (&retired_lock);
  n = n_reaping + (kept != NULL ? kept->len : 0);
  g_mutex_unlock (&retired_lock);
  return n;
}
