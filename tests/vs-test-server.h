/* vs-test-server.h: an HTTP server on 127.0.0.1 for the engine tests
 *
 * Runs in a thread of its own with its own GMainContext, so that the engines under test and
 * the run controller never share a loop with it. It counts, per path, only the requests it
 * answered completely (the whole body written), so that its counts can be compared exactly
 * with what a client reports.
 *
 *   /ok           200 with a short body
 *   /status/N     status N with a short body
 *   /delay/MS     200 after MS milliseconds (the connection stays open meanwhile)
 *   /stall        200 at once, except the n-th request which waits (vs_test_server_stall())
 *   /echo         200 for a POST with "X-Versus: yes", Content-Type text/plain and the body
 *                 "ping"; 400 for anything else
 *   raw port      any request: a 200 head announcing 1000 bytes, 7 of them, then a close
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  VS_TEST_PATH_OK,
  VS_TEST_PATH_STATUS,
  VS_TEST_PATH_DELAY,
  VS_TEST_PATH_STALL,
  VS_TEST_PATH_PARTIAL,
  VS_TEST_PATH_ECHO,
  VS_TEST_N_PATHS
} VsTestPath;

typedef struct _VsTestServer VsTestServer;

/* With a certificate the server also listens for HTTPS. */
VsTestServer *vs_test_server_new        (GTlsCertificate *certificate);
void          vs_test_server_free       (VsTestServer    *self);
/* "http://127.0.0.1:port/path" (https with the certificate; raw: the raw port's URL). */
char         *vs_test_server_url        (VsTestServer    *self,
                                         const char      *path);
char         *vs_test_server_https_url  (VsTestServer    *self,
                                         const char      *path);
char         *vs_test_server_raw_url    (VsTestServer    *self);
/* Requests answered completely on that path so far. */
guint         vs_test_server_count      (VsTestServer    *self,
                                         VsTestPath       path);
/* The answers in the order they were completed, as runs of the same path: what a client that
 * loads one path at a time sent, one run per turn. */
typedef struct
{
  VsTestPath path;
  guint      count;
} VsTestSegment;

GArray       *vs_test_server_segments   (VsTestServer    *self);  /* VsTestSegment, a copy */
/* Concurrency as the server sees it: from vs_test_server_trace_start() on, the server notes
 * every change of the requests in flight at it (read, not yet answered nor given up; every path
 * but the raw port's). vs_test_server_slices() then cuts that into n_slices slices of slice_ms
 * from epoch_us (monotonic, at or after the trace started, the slices over by now): per slice
 * the mean in flight (time-weighted, exact), the most at once, and the answers completed.
 * Holding each request a known delay (/delay/MS) makes in flight = throughput × delay. */
typedef struct
{
  double mean_in_flight;
  guint  max_in_flight;
  guint  answered;
} VsTestSlice;

void          vs_test_server_trace_start (VsTestServer *self);
GArray       *vs_test_server_slices     (VsTestServer    *self,  /* VsTestSlice */
                                         gint64           epoch_us,
                                         guint            slice_ms,
                                         guint            n_slices);
/* The nth (from 1) request to /stall waits ms before its answer. */
void          vs_test_server_stall      (VsTestServer    *self,
                                         guint            nth,
                                         guint            ms);

/* A self-signed certificate for 127.0.0.1 made with openssl in a temporary directory, or NULL
 * with the reason. */
GTlsCertificate *vs_test_make_certificate (GError **error);

/* A socket bound to a 127.0.0.1 port but not listening: connections to *port are refused,
 * and no one else can take the port while the caller holds the socket. */
GSocket      *vs_test_refused_socket    (guint           *port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsTestServer, vs_test_server_free)

G_END_DECLS
