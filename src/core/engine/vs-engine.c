/* vs-engine.c: the engine interface and the choice of engine for a plan */
#include "config.h"

#include <glib/gi18n.h>

#include "vs-engine.h"
#include "vs-engine-soup.h"
#include "vs-error.h"

G_DEFINE_INTERFACE (VsEngine, vs_engine, G_TYPE_OBJECT)

static void
vs_engine_default_init (VsEngineInterface *iface)
{
}

VsEngine *
vs_engine_new_for_plan (VsPlan  *plan,
                        GError **error)
{
  switch (plan->engine)
    {
    case VS_ENGINE_KIND_NATIVE:
      g_set_error (error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                   _("engine: the native engine is not available in this build"));
      return NULL;

    case VS_ENGINE_KIND_AUTO:
    case VS_ENGINE_KIND_SOUP:
    default:
      return vs_engine_soup_new ();
    }
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
