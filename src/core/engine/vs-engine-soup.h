/* vs-engine-soup.h: the libsoup 3 engine — full HTTP: TLS, HTTP/2, proxies, per-phase timings */
#pragma once

#include "vs-engine.h"

G_BEGIN_DECLS

VsEngine *vs_engine_soup_new (void);

G_END_DECLS
