/* vs-slow-resolver.h: a GResolver for tests that answers late, and only on loopback
 *
 * Installed with g_resolver_set_default(), it stands for a slow name server without any query
 * leaving the process: the one name it knows resolves to 127.0.0.1 after the delay; any other
 * name fails at once (never the machine's resolver). It records when it was asked and when it
 * answered. IP literals never reach a resolver (GIO parses them itself).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VS_TYPE_SLOW_RESOLVER (vs_slow_resolver_get_type ())
G_DECLARE_FINAL_TYPE (VsSlowResolver, vs_slow_resolver, VS, SLOW_RESOLVER, GResolver)

VsSlowResolver *vs_slow_resolver_new         (const char     *name,
                                              gint64          delay_us);
guint           vs_slow_resolver_get_lookups (VsSlowResolver *self);
/* monotonic times of the last lookup's start and answer; 0 before */
void            vs_slow_resolver_get_times   (VsSlowResolver *self,
                                              gint64         *asked_us,
                                              gint64         *answered_us);

G_END_DECLS
