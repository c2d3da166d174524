/* vs-server-set.c: the backends of one run — started, sampled, watched and stopped together */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "vs-answer-check.h"
#include "vs-error.h"
#include "vs-server-set.h"

typedef struct
{
  VsServer *server;      /* managed: made with the set; attached: at start */
  pid_t     attach;      /* the PID to attach to, or 0 */
  char     *cpus;        /* the canonical list, or NULL */
  gboolean  started;     /* ready (or attached) */
  gboolean  stopped;
  char     *failure;
  char     *stop_note;
  VsCheckAnswer *answer; /* fetched before the load (compare.answers) */
  gboolean  compared;
  char     *difference;
} Entry;

struct _VsServerSet
{
  GObject  parent_instance;

  GMutex   lock;         /* failure, stop_note, started, and the attached server */
  guint    n_entries;
  Entry   *entries;
};

G_DEFINE_FINAL_TYPE (VsServerSet, vs_server_set, G_TYPE_OBJECT)

static void
fail (VsServerSet *self,
      guint        target,
      const char  *message)
{
  g_mutex_lock (&self->lock);
  if (self->entries[target].failure == NULL)
    self->entries[target].failure = g_strdup (message);
  g_mutex_unlock (&self->lock);
}

/* Whatever way the process ends by exit() — the command line returning, the window's
 * application quitting mid-run — no server Versus started outlives it. */
static void
register_exit_stop (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      atexit (vs_server_emergency_stop_all);
      g_once_init_leave (&registered, 1);
    }
}

VsServerSet *
vs_server_set_new (VsPlan *plan)
{
  VsServerSet *self;

  g_return_val_if_fail (plan != NULL, NULL);

  self = g_object_new (VS_TYPE_SERVER_SET, NULL);
  self->n_entries = vs_plan_get_n_targets (plan);
  self->entries = g_new0 (Entry, self->n_entries);
  for (guint t = 0; t < self->n_entries; t++)
    {
      g_autoptr(VsServerSpec) spec = vs_plan_server_spec (plan, t);
      Entry *entry = &self->entries[t];

      entry->attach = vs_plan_get_target (plan, t)->attach;
      if (spec == NULL)
        continue;
      entry->server = vs_server_new (spec);
      register_exit_stop ();
      if (spec->cpus != NULL)
        {
          VsCpuList list;

          if (vs_cpu_list_parse (spec->cpus, NULL, &list, NULL))
            entry->cpus = vs_cpu_list_format (&list);
        }
    }
  return self;
}

guint
vs_server_set_get_n_targets (VsServerSet *self)
{
  g_return_val_if_fail (VS_IS_SERVER_SET (self), 0);
  return self->n_entries;
}

gboolean
vs_server_set_has_server (VsServerSet *self,
                          guint        target)
{
  g_return_val_if_fail (VS_IS_SERVER_SET (self), FALSE);
  g_return_val_if_fail (target < self->n_entries, FALSE);
  return self->entries[target].server != NULL || self->entries[target].attach != 0;
}

gboolean
vs_server_set_is_managed (VsServerSet *self,
                          guint        target)
{
  g_return_val_if_fail (VS_IS_SERVER_SET (self), FALSE);
  g_return_val_if_fail (target < self->n_entries, FALSE);
  return self->entries[target].attach == 0 && self->entries[target].server != NULL;
}

typedef struct
{
  VsServerSet *set;
  guint        target;
  guint       *pending;
} Starting;

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Starting *starting = data;
  VsServerSet *self = starting->set;
  g_autoptr(GError) error = NULL;

  if (vs_server_start_finish (VS_SERVER (source), result, &error))
    {
      g_mutex_lock (&self->lock);
      self->entries[starting->target].started = TRUE;
      g_mutex_unlock (&self->lock);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fail (self, starting->target, _("the run was stopped before the server was ready"));
  else
    fail (self, starting->target, error->message);
  (*starting->pending)--;
  g_free (starting);
}

guint
vs_server_set_start (VsServerSet  *self,
                     const guint  *targets,
                     guint         n_targets,
                     GCancellable *cancellable)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  guint pending = 0;
  guint failed = 0;

  g_return_val_if_fail (VS_IS_SERVER_SET (self), 0);

  /* the servers start in parallel, each in a worker thread of its own; their callbacks come
   * to this private context, so that the caller's (the controller thread's) is left alone */
  g_main_context_push_thread_default (context);
  for (guint i = 0; i < n_targets; i++)
    {
      Entry *entry = &self->entries[targets[i]];

      if (entry->started || entry->failure != NULL)
        continue;
      if (entry->attach != 0)
        {
          g_autoptr(GError) error = NULL;
          VsServer *server = vs_server_attach (entry->attach, &error);

          if (server == NULL)
            {
              fail (self, targets[i], error->message);
              continue;
            }
          g_mutex_lock (&self->lock);
          entry->server = server;
          entry->started = TRUE;
          g_mutex_unlock (&self->lock);
        }
      else if (entry->server != NULL)
        {
          Starting *starting = g_new0 (Starting, 1);

          starting->set = self;
          starting->target = targets[i];
          starting->pending = &pending;
          pending++;
          vs_server_start_async (entry->server, cancellable, on_started, starting);
        }
    }
  while (pending > 0)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  for (guint i = 0; i < n_targets; i++)
    if (!vs_server_set_is_ready (self, targets[i]))
      failed++;
  return failed;
}

gboolean
vs_server_set_is_ready (VsServerSet *self,
                        guint        target)
{
  gboolean ready;

  g_return_val_if_fail (VS_IS_SERVER_SET (self), FALSE);
  g_return_val_if_fail (target < self->n_entries, FALSE);

  g_mutex_lock (&self->lock);
  ready = self->entries[target].failure == NULL;
  g_mutex_unlock (&self->lock);
  return ready;
}

void
vs_server_set_sample (VsServerSet  *self,
                      const guint  *targets,
                      guint         n_targets,
                      VsProcSample *samples,
                      gboolean     *sampled)
{
  g_autofree VsServer **servers = g_new0 (VsServer *, n_targets);
  g_autofree VsProcSample *taken = g_new0 (VsProcSample, n_targets);
  g_autofree guint *which = g_new0 (guint, n_targets);
  guint n = 0;

  g_return_if_fail (VS_IS_SERVER_SET (self));

  for (guint i = 0; i < n_targets; i++)
    {
      Entry *entry = &self->entries[targets[i]];

      memset (&samples[i], 0, sizeof samples[i]);
      sampled[i] = FALSE;
      if (entry->server == NULL || !entry->started || entry->stopped ||
          !vs_server_set_is_ready (self, targets[i]))
        continue;
      servers[n] = entry->server;
      which[n++] = i;
    }
  if (n == 0)
    return;

  vs_server_sample_many (servers, n, taken);
  for (guint k = 0; k < n; k++)
    {
      g_autoptr(GError) error = NULL;
      guint i = which[k];

      samples[i] = taken[k];
      sampled[i] = TRUE;
      if (!vs_server_check_running (servers[k], &error))
        fail (self, targets[i], error->message);
    }
}

void
vs_server_set_stop (VsServerSet *self,
                    const guint *targets,
                    guint        n_targets)
{
  g_return_if_fail (VS_IS_SERVER_SET (self));

  for (guint i = 0; i < n_targets; i++)
    {
      Entry *entry = &self->entries[targets[i]];
      g_autoptr(GError) error = NULL;
      g_autofree char *note = NULL;

      if (entry->server == NULL || entry->stopped || entry->attach != 0)
        continue;
      if (!vs_server_stop_sync (entry->server, &note, &error))
        note = g_strdup (error->message);
      g_mutex_lock (&self->lock);
      entry->stopped = TRUE;
      entry->stop_note = g_steal_pointer (&note);
      g_mutex_unlock (&self->lock);
    }
}

void
vs_server_set_stop_all (VsServerSet *self)
{
  g_autofree guint *all = NULL;

  g_return_if_fail (VS_IS_SERVER_SET (self));

  all = g_new (guint, self->n_entries);
  for (guint t = 0; t < self->n_entries; t++)
    all[t] = t;
  vs_server_set_stop (self, all, self->n_entries);
}

char *
vs_server_set_dup_failure (VsServerSet *self,
                           guint        target)
{
  char *failure;

  g_return_val_if_fail (VS_IS_SERVER_SET (self), NULL);
  g_return_val_if_fail (target < self->n_entries, NULL);

  g_mutex_lock (&self->lock);
  failure = g_strdup (self->entries[target].failure);
  g_mutex_unlock (&self->lock);
  return failure;
}

char *
vs_server_set_dup_stop_note (VsServerSet *self,
                             guint        target)
{
  char *note;

  g_return_val_if_fail (VS_IS_SERVER_SET (self), NULL);
  g_return_val_if_fail (target < self->n_entries, NULL);

  g_mutex_lock (&self->lock);
  note = g_strdup (self->entries[target].stop_note);
  g_mutex_unlock (&self->lock);
  return note;
}

const char *
vs_server_set_get_cpus (VsServerSet *self,
                        guint        target)
{
  g_return_val_if_fail (VS_IS_SERVER_SET (self), NULL);
  g_return_val_if_fail (target < self->n_entries, NULL);
  return self->entries[target].cpus;
}

VsServer *
vs_server_set_get_server (VsServerSet *self,
                          guint        target)
{
  VsServer *server;

  g_return_val_if_fail (VS_IS_SERVER_SET (self), NULL);
  g_return_val_if_fail (target < self->n_entries, NULL);

  g_mutex_lock (&self->lock);
  server = self->entries[target].server;
  g_mutex_unlock (&self->lock);
  return server;
}

pid_t
vs_server_set_get_pid (VsServerSet *self,
                       guint        target)
{
  VsServer *server = vs_server_set_get_server (self, target);

  return server != NULL ? vs_server_get_pid (server) : 0;
}

const char *
vs_server_set_get_log_path (VsServerSet *self,
                            guint        target)
{
  g_return_val_if_fail (VS_IS_SERVER_SET (self), NULL);
  g_return_val_if_fail (target < self->n_entries, NULL);

  if (!vs_server_set_is_managed (self, target))
    return NULL;
  return vs_server_get_log_path (self->entries[target].server);
}

char *
vs_server_set_get_log_tail (VsServerSet *self,
                            guint        target,
                            guint        n_lines)
{
  g_return_val_if_fail (VS_IS_SERVER_SET (self), NULL);
  g_return_val_if_fail (target < self->n_entries, NULL);

  if (!vs_server_set_is_managed (self, target))
    return NULL;
  return vs_server_get_log_tail (self->entries[target].server, n_lines);
}

void
vs_server_set_check_answers (VsServerSet  *self,
                             VsPlan       *plan,
                             const guint  *targets,
                             guint         n_targets,
                             GCancellable *cancellable)
{
  const VsCheckAnswer *reference;

  g_return_if_fail (VS_IS_SERVER_SET (self));

  /* the answers are only read on this (the controller's) thread; differences under the lock */
  for (guint i = 0; i < n_targets; i++)
    {
      Entry *entry = &self->entries[targets[i]];

      if (entry->answer == NULL)
        entry->answer = vs_check_answer_fetch (plan, targets[i], cancellable);
    }

  reference = self->entries[0].answer;
  if (reference == NULL)
    return;
  for (guint t = 1; t < self->n_entries; t++)
    {
      Entry *entry = &self->entries[t];
      char *difference;

      if (entry->answer == NULL || entry->compared)
        continue;
      difference = vs_check_answer_compare (reference, entry->answer,
                                            (const char * const *) plan->compare.ignore);
      g_mutex_lock (&self->lock);
      entry->compared = TRUE;
      entry->difference = difference;
      g_mutex_unlock (&self->lock);
    }
}

char *
vs_server_set_dup_answer_difference (VsServerSet *self,
                                     guint        target)
{
  char *difference;

  g_return_val_if_fail (VS_IS_SERVER_SET (self), NULL);
  g_return_val_if_fail (target < self->n_entries, NULL);

  g_mutex_lock (&self->lock);
  difference = g_strdup (self->entries[target].difference);
  g_mutex_unlock (&self->lock);
  return difference;
}

static void
vs_server_set_finalize (GObject *object)
{
  VsServerSet *self = VS_SERVER_SET (object);

  for (guint t = 0; t < self->n_entries; t++)
    {
      Entry *entry = &self->entries[t];

      /* a managed server still running is stopped by its own finalize, blocking */
      g_clear_object (&entry->server);
      g_free (entry->cpus);
      g_free (entry->failure);
      g_free (entry->stop_note);
      g_clear_pointer (&entry->answer, vs_check_answer_free);
      g_free (entry->difference);
    }
  g_free (self->entries);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (vs_server_set_parent_class)->finalize (object);
}

static void
vs_server_set_class_init (VsServerSetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_server_set_finalize;
}

static void
vs_server_set_init (VsServerSet *self)
{
  g_mutex_init (&self->lock);
}
