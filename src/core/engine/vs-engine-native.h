/* vs-engine-native.h: HTTP/1.1 over non-blocking sockets, one epoll loop per worker thread */
#pragma once

#include "vs-engine.h"

G_BEGIN_DECLS

#define VS_TYPE_ENGINE_NATIVE (vs_engine_native_get_type ())
G_DECLARE_FINAL_TYPE (VsEngineNative, vs_engine_native, VS, ENGINE_NATIVE, GObject)

VsEngine *vs_engine_native_new (void);

G_END_DECLS
