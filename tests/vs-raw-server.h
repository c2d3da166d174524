/* vs-raw-server.h: a raw-socket HTTP/1.1 server for the engine tests
 *
 * One thread with an epoll loop on 127.0.0.1 (or ::1) and an ephemeral port. It parses requests with
 * http-parser and answers from a fixed script keyed by path, including the edges a real server
 * produces and a library server smooths over:
 *
 *   /ok        200, Content-Length 2
 *   /chunked   chunked body with chunk extensions and trailers
 *   /eof       body delimited by closing the connection (no length, no Connection header)
 *   /close     200 with "Connection: close", then closes
 *   /big       1 MiB body
 *   /204       204 without a body
 *   /304       304 with a Content-Length and (as it must) no body
 *   /trickle   a small response written one byte at a time
 *   /reset     announces 100000 body bytes, sends 1000, then resets (SO_LINGER 0)
 *   /500       500, Content-Length 5
 *   /flaky     the first request on a connection is answered like /ok; the second is read
 *              and the connection reset (SO_LINGER 0) without an answer (counted in resets)
 *   /bad-chunk        chunked, with the invalid chunk size "zz"; then closes
 *   /two-lengths      two different Content-Length headers; then closes
 *   /negative-length  Content-Length: -5; then closes
 *   /hang      never answered (the connection stays open)
 *   /gate      200 like /ok, but held until the gate's number of connections are open at once
 *   /slow      200 like /ok, VS_RAW_SERVER_SLOW_MS after the request, one at a time per
 *              connection (a pipelined request waits for the one before it); do not mix it with
 *              other paths on one connection
 *   HEAD *     200 announcing 1 MiB, without a body
 *   anything   404
 *
 * Every request body is read and counted. The counts say what the server saw, for comparison
 * with what a client reports.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VS_RAW_SERVER_BIG_SIZE (1024 * 1024)
#define VS_RAW_SERVER_SLOW_MS  50
#define VS_RAW_SERVER_RECORD_SIZE (64 * 1024)

typedef struct _VsRawServer VsRawServer;

typedef struct
{
  guint64 requests;       /* complete requests parsed */
  guint64 body_bytes;     /* request body bytes received */
  guint64 connections;    /* connections accepted */
  guint64 bytes_out;      /* response bytes written */
  guint   open;           /* connections open now (a client's close is seen when read) */
  guint   max_open;       /* most connections open at the same time */
  guint   max_pipelined;  /* most requests parsed from one read */
  guint64 resets;         /* connections /flaky reset with a request unanswered */
} VsRawServerCounts;

VsRawServer *vs_raw_server_new        (void);
/* On [::1]; NULL when the system has no IPv6 loopback. */
VsRawServer *vs_raw_server_new_ipv6   (void);
guint16      vs_raw_server_get_port   (VsRawServer       *self);
/* "http://127.0.0.1:PORT/path" (or "http://[::1]:PORT/path") */
char        *vs_raw_server_url        (VsRawServer       *self,
                                       const char        *path);
void         vs_raw_server_get_counts (VsRawServer       *self,
                                       VsRawServerCounts *counts);
/* The bytes the server read, all connections together in the order read, up to the first
 * VS_RAW_SERVER_RECORD_SIZE: with one connection, exactly what the client sent. */
GBytes      *vs_raw_server_get_received (VsRawServer     *self);
/* /gate answers nothing until connections are open at the same time; call before loading. */
void         vs_raw_server_set_gate   (VsRawServer       *self,
                                       guint              connections);
void         vs_raw_server_free       (VsRawServer       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsRawServer, vs_raw_server_free)

G_END_DECLS
