/* vs-engine.c: the engine interface and the choice of engine for a plan */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "vs-engine.h"
#include "vs-engine-native.h"
#include "vs-engine-soup.h"

VsEngine *
vs_engine_new (const VsEngineOps *ops,
               gsize              size)
{
  VsEngine *self;

  g_return_val_if_fail (ops != NULL && ops->run_worker != NULL, NULL);
  g_return_val_if_fail (size >= sizeof (VsEngine), NULL);

  self = g_malloc0 (size);
  self->ops = ops;
  self->ref_count = 1;
  return self;
}

VsEngine *
vs_engine_ref (VsEngine *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
vs_engine_free (VsEngine *self)
{
  if (self != NULL && g_atomic_int_dec_and_test (&self->ref_count))
    g_free (self);
}

/* Whether every target is plain http://, which the native engine serves. */
static gboolean
all_plain_http (VsPlan *plan)
{
  for (guint i = 0; i < vs_plan_get_n_targets (plan); i++)
    if (!g_str_equal (vs_plan_get_target (plan, i)->request->scheme, "http"))
      return FALSE;

  return TRUE;
}

VsEngine *
vs_engine_new_for_plan (VsPlan *plan)
{
  /* what an engine cannot serve, vs_plan_check() reported with its field */
  switch (plan->engine)
    {
    case VS_ENGINE_KIND_NATIVE:
      return vs_engine_native_new ();

    case VS_ENGINE_KIND_AUTO:
      /* one engine for every target, so that they are measured alike */
      return all_plain_http (plan) ? vs_engine_native_new () : vs_engine_soup_new ();

    case VS_ENGINE_KIND_SOUP:
    default:
      return vs_engine_soup_new ();
    }
}

gint64
vs_engine_connect_time (int    fd,
                        gint64 seen_us)
{
  struct tcp_info info;
  socklen_t length = sizeof info;

  memset (&info, 0, sizeof info);
  if (fd < 0 || getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0 ||
      info.tcpi_total_retrans > 0 || info.tcpi_rtt == 0)
    return seen_us;

  return MIN ((gint64) info.tcpi_rtt, seen_us);
}

const char *
vs_engine_get_name (VsEngine *self)
{
  return self->ops->name;
}

guint
vs_engine_get_timings (VsEngine *self)
{
  return self->ops->timings != 0 ? self->ops->timings : VS_TIMINGS_ALL;
}

/* Without a figure of its own: a socket's kernel buffers on loopback and a small state. */
#define DEFAULT_CONNECTION_BYTES (16 * 1024)

guint64
vs_engine_get_connection_bytes (VsEngine     *self,
                                const VsPlan *plan)
{
  return self->ops->connection_bytes != NULL ? self->ops->connection_bytes (self, plan)
                                             : DEFAULT_CONNECTION_BYTES;
}

gboolean
vs_engine_prepare (VsEngine *self,
                   VsJob    *job,
                   GError  **error)
{
  return self->ops->prepare == NULL || self->ops->prepare (self, job, error);
}

void
vs_engine_run_worker (VsEngine *self,
                      VsJob    *job,
                      VsWorker *worker)
{
  self->ops->run_worker (self, job, worker);
}

void
vs_engine_wake_worker (VsEngine *self,
                       VsJob    *job,
                       VsWorker *worker)
{
  if (self->ops->wake_worker != NULL)
    self->ops->wake_worker (self, job, worker);
}

void
vs_engine_release (VsEngine *self,
                   VsJob    *job)
{
  if (self->ops->release != NULL)
    self->ops->release (self, job);
}
