/* vs-slow-resolver.c: a GResolver for tests that answers late, and only on loopback */
#include "vs-slow-resolver.h"

struct _VsSlowResolver
{
  GResolver  parent_instance;

  char      *name;
  gint64     delay_us;
  GMutex     lock;
  guint      lookups;
  gint64     asked_us;
  gint64     answered_us;
};

G_DEFINE_FINAL_TYPE (VsSlowResolver, vs_slow_resolver, G_TYPE_RESOLVER)

static GList *
lookup (VsSlowResolver  *self,
        const char      *hostname,
        GCancellable    *cancellable,
        GError         **error)
{
  gint64 asked = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  self->lookups++;
  self->asked_us = asked;
  g_mutex_unlock (&self->lock);

  if (g_ascii_strcasecmp (hostname, self->name) != 0)
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                   "the test resolver knows only “%s”, not “%s”", self->name, hostname);
      return NULL;
    }

  /* a name server that answers late */
  while (g_get_monotonic_time () < asked + self->delay_us)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g_usleep (10 * 1000);
    }

  g_mutex_lock (&self->lock);
  self->answered_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);

  return g_list_prepend (NULL, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));
}

static GList *
vs_slow_resolver_lookup_by_name (GResolver     *resolver,
                                 const char    *hostname,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  return lookup (VS_SLOW_RESOLVER (resolver), hostname, cancellable, error);
}

static void
lookup_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  GList *addresses = lookup (source, task_data, cancellable, &error);

  if (addresses != NULL)
    g_task_return_pointer (task, addresses, (GDestroyNotify) g_resolver_free_addresses);
  else
    g_task_return_error (task, error);
}

static void
vs_slow_resolver_lookup_by_name_async (GResolver           *resolver,
                                       const char          *hostname,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_set_task_data (task, g_strdup (hostname), g_free);
  g_task_run_in_thread (task, lookup_thread);
}

static GList *
vs_slow_resolver_lookup_by_name_finish (GResolver     *resolver,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
vs_slow_resolver_finalize (GObject *object)
{
  VsSlowResolver *self = VS_SLOW_RESOLVER (object);

  g_free (self->name);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (vs_slow_resolver_parent_class)->finalize (object);
}

static void
vs_slow_resolver_class_init (VsSlowResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  object_class->finalize = vs_slow_resolver_finalize;
  resolver_class->lookup_by_name = vs_slow_resolver_lookup_by_name;
  resolver_class->lookup_by_name_async = vs_slow_resolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = vs_slow_resolver_lookup_by_name_finish;
}

static void
vs_slow_resolver_init (VsSlowResolver *self)
{
  g_mutex_init (&self->lock);
}

VsSlowResolver *
vs_slow_resolver_new (const char *name,
                      gint64      delay_us)
{
  VsSlowResolver *self = g_object_new (VS_TYPE_SLOW_RESOLVER, NULL);

  self->name = g_strdup (name);
  self->delay_us = delay_us;
  return self;
}

guint
vs_slow_resolver_get_lookups (VsSlowResolver *self)
{
  guint lookups;

  g_mutex_lock (&self->lock);
  lookups = self->lookups;
  g_mutex_unlock (&self->lock);
  return lookups;
}

void
vs_slow_resolver_get_times (VsSlowResolver *self,
                            gint64         *asked_us,
                            gint64         *answered_us)
{
  g_mutex_lock (&self->lock);
  *asked_us = self->asked_us;
  *answered_us = self->answered_us;
  g_mutex_unlock (&self->lock);
}
