/* vs-engine-soup.h: the libsoup 3 engine — full HTTP: TLS, HTTP/2, proxies, per-phase timings */
#pragma once

#include "vs-engine.h"

G_BEGIN_DECLS

#define VS_TYPE_ENGINE_SOUP (vs_engine_soup_get_type ())
G_DECLARE_FINAL_TYPE (VsEngineSoup, vs_engine_soup, VS, ENGINE_SOUP, GObject)

VsEngine *vs_engine_soup_new (void);

G_END_DECLS
