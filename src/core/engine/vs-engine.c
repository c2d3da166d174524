/* vs-engine.c: the engine interface and the choice of engine for a plan */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n.h>

#include "vs-engine.h"
#include "vs-engine-native.h"
#include "vs-engine-soup.h"
#include "vs-error.h"

G_DEFINE_INTERFACE (VsEngine, vs_engine, G_TYPE_OBJECT)

static void
vs_engine_default_init (VsEngineInterface *iface)
{
}

/* The index of the first target the native engine cannot serve (not plain http://), or -1. */
static int
first_non_http_target (VsPlan *plan)
{
  for (guint i = 0; i < vs_plan_get_n_targets (plan); i++)
    {
      VsTarget *target = vs_plan_get_target (plan, i);
      const char *scheme = target->uri ? g_uri_get_scheme (target->uri) : NULL;

      if (scheme == NULL || g_ascii_strcasecmp (scheme, "http") != 0)
        return i;
    }

  return -1;
}

VsEngine *
vs_engine_new_for_plan (VsPlan  *plan,
                        GError **error)
{
  int other;

  switch (plan->engine)
    {
    case VS_ENGINE_KIND_NATIVE:
      other = first_non_http_target (plan);
      if (other >= 0)
        {
          g_set_error (error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                       _("targets[%d].url: the native engine speaks plain http:// only; use "
                         "--engine soup for https://"), other);
          return NULL;
        }
      return vs_engine_native_new ();

    case VS_ENGINE_KIND_AUTO:
      /* one engine for every target, so that they are measured alike */
      if (first_non_http_target (plan) < 0)
        {
          if (plan->load.streams > 1)
            {
              g_set_error (error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                           _("load.streams: every target is plain http://, which the native "
                             "engine runs over HTTP/1.1 without streams (libsoup speaks HTTP/2 "
                             "over TLS only); use https:// targets or streams 1"));
              return NULL;
            }
          return vs_engine_native_new ();
        }
      /* plan checks catch pipelining with soup asked for by name; auto must not drop it */
      if (plan->load.pipeline > 1)
        {
          g_set_error (error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                       _("load.pipeline: targets[%d] is not plain http://, so the soup engine "
                         "would run it, and it cannot pipeline; use pipeline 1"),
                       first_non_http_target (plan));
          return NULL;
        }
      return vs_engine_soup_new ();

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
  return VS_ENGINE_GET_IFACE (self)->get_name (self);
}

gboolean
vs_engine_prepare (VsEngine *self,
                   VsJob    *job,
                   GError  **error)
{
  VsEngineInterface *iface = VS_ENGINE_GET_IFACE (self);

  return iface->prepare == NULL || iface->prepare (self, job, error);
}

void
vs_engine_run_worker (VsEngine *self,
                      VsJob    *job,
                      VsWorker *worker)
{
  VS_ENGINE_GET_IFACE (self)->run_worker (self, job, worker);
}

void
vs_engine_wake_worker (VsEngine *self,
                       VsJob    *job,
                       VsWorker *worker)
{
  VS_ENGINE_GET_IFACE (self)->wake_worker (self, job, worker);
}

void
vs_engine_release (VsEngine *self,
                   VsJob    *job)
{
  VsEngineInterface *iface = VS_ENGINE_GET_IFACE (self);

  if (iface->release != NULL)
    iface->release (self, job);
}
