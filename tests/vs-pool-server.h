/* vs-pool-server.h: an HTTP/1.1 server on 127.0.0.1 that saturates at a known rate
 *
 * Every request waits for one of n_workers permits, holds it for service_ms (sleeping: no CPU),
 * then gets a 200 with a 2-byte body; so it answers at most n_workers / service_ms requests
 * per millisecond, and below that rate every answer takes service_ms. With service_ms 0 it
 * answers at once (as fast as its threads can: one per connection, blocking I/O). It counts
 * the requests it answered: the witness to compare a client's figures with.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VsPoolServer VsPoolServer;

VsPoolServer *vs_pool_server_new   (guint         n_workers,
                                    guint         service_ms);
void          vs_pool_server_free  (VsPoolServer *self);
char         *vs_pool_server_url   (VsPoolServer *self);   /* "http://127.0.0.1:port/" */
guint         vs_pool_server_count (VsPoolServer *self);   /* requests answered so far */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsPoolServer, vs_pool_server_free)

G_END_DECLS
