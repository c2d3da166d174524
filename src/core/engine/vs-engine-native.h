/* vs-engine-native.h: HTTP/1.1 over non-blocking sockets, one epoll loop per worker thread */
#pragma once

#include "vs-engine.h"

G_BEGIN_DECLS

VsEngine *vs_engine_native_new (void);

G_END_DECLS
