/* test-protocol.c: HTTP/1.1 edges against a raw-socket server, for both engines
 *
 * Each case runs a fixed number of requests through VsRun against vs-raw-server and compares
 * what the client reports with what the server saw: requests, connections, bytes. The same test
 * bodies run for "native" and "soup".
 */
#include <errno.h>
#include <glib-object.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vs-engine.h"
#include "vs-error.h"
#include "vs-run.h"
#include "vs-raw-server.h"

#define BIG_BODY_SIZE (4 * 1024 * 1024 + 3)

typedef struct
{
  const char    *engine;
  VsRawServer  *server;
  VsPlan        *plan;
  VsResults     *results;
  VsCounters     client;    /* the whole measured phase */
  VsRawServerCounts seen;  /* by the server */
} Fixture;

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->results);
  g_clear_pointer (&f->plan, vs_plan_unref);
  g_clear_pointer (&f->server, vs_raw_server_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

static gboolean
is_native (Fixture *f)
{
  return g_str_equal (f->engine, "native");
}

/* A plan for requests to path over connections, on engine (against f->server when set). */
static void
fixture_plan (Fixture    *f,
              const char *engine,
              const char *method,
              const char *path,
              guint       connections,
              guint64     requests)
{
  g_autofree char *url = NULL;
  VsTarget *target;
  gboolean known;

  f->engine = engine;
  if (f->server == NULL)
    f->server = vs_raw_server_new ();
  url = vs_raw_server_url (f->server, path);
  target = vs_target_new ("server", url);
  g_free (target->method);
  target->method = g_strdup (method);

  f->plan = vs_plan_new ();
  vs_plan_add_target (f->plan, target);
  f->plan->load.model = VS_LOAD_CLOSED;
  f->plan->load.connections = connections;
  f->plan->load.requests = requests;
  f->plan->load.duration_us = 0;
  f->plan->load.warmup_us = 0;
  f->plan->load.timeout_us = 20 * G_USEC_PER_SEC;
  f->plan->load.threads = 2;
  f->plan->load.pipeline = 1;
  known = vs_engine_kind_from_string (engine, &f->plan->engine);
  g_assert_true (known);
}

static void
on_finished (VsRun    *run,
             gpointer  user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Runs the plan to its end. */
static gboolean
fixture_run (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsRun) run = NULL;
  gboolean finished = FALSE;
  gboolean started;

  started = vs_plan_validate (f->plan, &error);
  g_assert_no_error (error);
  g_assert_true (started);

  run = vs_run_new (f->plan);
  g_signal_connect (run, "finished", G_CALLBACK (on_finished), &finished);
  started = vs_run_start (run, &error);
  g_assert_no_error (error);
  g_assert_true (started);
  g_assert_cmpstr (vs_run_get_engine (run), ==, f->engine);

  while (!finished)
    g_main_context_iteration (NULL, TRUE);

  g_assert_null (vs_run_get_error (run));
  f->results = g_object_ref (vs_run_get_results (run));
  f->client = vs_results_get_target (f->results, 0)->total->counters;
  vs_raw_server_get_counts (f->server, &f->seen);
  return TRUE;
}

static const VsStats *
fixture_stats (Fixture *f)
{
  return vs_results_get_target (f->results, 0)->total;
}

/* Every request answered, no error, and the client's count is the server's. */
static void
assert_all_answered (Fixture *f,
                     guint64  requests)
{
  g_assert_cmpuint (f->seen.requests, ==, requests);
  g_assert_cmpuint (f->client.requests, ==, requests);
  g_assert_cmpuint (f->client.responses, ==, requests);
  g_assert_cmpuint (vs_counters_errors (&f->client), ==, 0);
}

/* Connections: what the client opened is what the server accepted, and the native engine
 * kept them alive (libsoup decides that for itself: it drops a connection after a chunked
 * body with trailers, or after a 204). */
static void
assert_connections (Fixture *f,
                    guint    kept_alive)
{
  g_assert_cmpuint (f->client.connects, ==, f->seen.connections);
  if (is_native (f))
    g_assert_cmpuint (f->seen.connections, <=, kept_alive);
}

/* A request's text with its header lines sorted: libsoup writes the headers it knows by name
 * (Host, User-Agent, Content-*) in an order of its own, and adds "Connection: Keep-Alive"
 * (HTTP/1.1's default anyway), which is dropped here for the soup engine; nothing else may
 * differ between the engines. */
static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
sorted_head (const char *request,
             gboolean    soup)
{
  const char *end = strstr (request, "\r\n\r\n");
  g_autofree char *head = g_strndup (request, end != NULL ? end - request : (gssize) strlen (request));
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (lines[0]);

  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    if (!soup || strcmp (lines[i], "Connection: Keep-Alive") != 0)
      g_ptr_array_add (sorted, lines[i]);
  g_ptr_array_sort (sorted, compare_lines);
  for (guint i = 0; i < sorted->len; i++)
    g_string_append_printf (out, "\r\n%s", (char *) g_ptr_array_index (sorted, i));
  g_string_append (out, end != NULL ? end : "");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* What each engine puts on the wire for one request, as the server read it: the same request
 * line, header lines and body for both (the expected text is one for both engines), built
 * from the plan's one VsRequest. */
static void
assert_wire (const char         *engine,
             const char         *method,
             const char * const *headers,
             const char         *body,
             const char         *expected_text)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GBytes) received = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *seen = NULL;
  VsTarget *target;

  fixture_plan (&f, engine, method, "/ok?x=1&y=%20", 1, 1);
  f.plan->load.threads = 1;
  target = vs_plan_get_target (f.plan, 0);
  g_strfreev (target->headers);
  target->headers = g_strdupv ((char **) headers);
  g_free (target->body);
  target->body = g_strdup (body);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 1);
  received = vs_raw_server_get_received (f.server);
  seen = g_strndup (g_bytes_get_data (received, NULL), g_bytes_get_size (received));
  {
    g_autofree char *port = g_strdup_printf ("%u", vs_raw_server_get_port (f.server));
    g_auto(GStrv) parts = g_strsplit (expected_text, "PORT", -1);
    g_autofree char *with_port = g_strjoinv (port, parts);
    g_auto(GStrv) agent_parts = g_strsplit (with_port, "AGENT", -1);

    expected = g_strjoinv (vs_user_agent (), agent_parts);
  }
  {
    g_autofree char *seen_sorted = sorted_head (seen, !is_native (&f));
    g_autofree char *expected_sorted = sorted_head (expected, FALSE);

    g_assert_cmpstr (seen_sorted, ==, expected_sorted);
  }
  if (is_native (&f))
    g_assert_cmpstr (seen, ==, expected);  /* and in the plan's order */
}

static void
test_wire_bytes (gconstpointer data)
{
  const char * const headers[] = { "X-A:1", "Content-Type:  text/plain ", NULL };
  const char * const own[] = { "Host: backend.test", "User-Agent: curl/8", NULL };

  assert_wire (data, "POST", headers, "ping",
               "POST /ok?x=1&y=%20 HTTP/1.1\r\n"
               "X-A: 1\r\n"
               "Content-Type: text/plain\r\n"
               "Host: 127.0.0.1:PORT\r\n"
               "User-Agent: AGENT\r\n"
               "Content-Length: 4\r\n"
               "\r\n"
               "ping");
  /* the plan's Host and User-Agent replace the engine's, in their place */
  assert_wire (data, "GET", own, NULL,
               "GET /ok?x=1&y=%20 HTTP/1.1\r\n"
               "Host: backend.test\r\n"
               "User-Agent: curl/8\r\n"
               "\r\n");
}

static void
test_keep_alive (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  fixture_plan (&f, data, "GET", "/ok", 10, 2000);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 2000);
  g_assert_cmpuint (f.client.status[2], ==, 2000);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
  /* keep-alive: no connection per request */
  assert_connections (&f, 10);
}

static void
test_chunked (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  fixture_plan (&f, data, "GET", "/chunked", 4, 500);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 500);
  /* extensions and trailers consumed exactly: the connections stayed in step */
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
  assert_connections (&f, 4);
}

static void
test_close_delimited (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  fixture_plan (&f, data, "GET", "/eof", 4, 200);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 200);
  /* every body ended with its connection */
  g_assert_cmpuint (f.seen.connections, ==, 200);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
  g_assert_cmpuint (f.client.connects, ==, 200);
}

static void
test_connection_close (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  fixture_plan (&f, data, "GET", "/close", 4, 300);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 300);
  g_assert_cmpuint (f.seen.connections, ==, 300);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
  g_assert_cmpuint (f.client.connects, ==, 300);
}

static void
test_big_body (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  fixture_plan (&f, data, "GET", "/big", 2, 20);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 20);
  g_assert_cmpuint (f.client.bytes_in, >, 20 * (guint64) VS_RAW_SERVER_BIG_SIZE);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
}

static void
test_head (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  /* the server announces 1 MiB and sends none of it: a client that waits for it times out */
  fixture_plan (&f, data, "HEAD", "/big", 4, 500);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 500);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
  g_assert_cmpuint (f.client.bytes_in, <, 500 * 100);
  assert_connections (&f, 4);
}

static void
test_no_body_204 (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  fixture_plan (&f, data, "GET", "/204", 4, 500);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 500);
  g_assert_cmpuint (f.client.status[2], ==, 500);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
  assert_connections (&f, 4);
}

static void
test_no_body_304 (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  /* with a Content-Length that must be ignored */
  fixture_plan (&f, data, "GET", "/304", 4, 500);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 500);
  g_assert_cmpuint (f.client.status[3], ==, 500);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
  assert_connections (&f, 4);
}

static void
test_trickle (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };
  const VsStats *stats;

  fixture_plan (&f, data, "GET", "/trickle", 2, 6);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 6);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
  stats = fixture_stats (&f);
  if (is_native (&f))
    {
      /* the first byte comes well before the last */
      g_assert_cmpuint (vs_histogram_count (stats->timings[VS_TIMING_FIRST_BYTE]), ==, 6);
      g_assert_cmpint (vs_histogram_max (stats->timings[VS_TIMING_FIRST_BYTE]), <,
                       vs_histogram_min (stats->latency));
    }
}

static void
test_reset_mid_body (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  fixture_plan (&f, data, "GET", "/reset", 2, 10);
  if (!fixture_run (&f))
    return;

  g_assert_cmpuint (f.seen.requests, ==, 10);
  g_assert_cmpuint (f.client.requests, ==, 10);
  g_assert_cmpuint (f.client.responses, ==, 0);
  g_assert_cmpuint (f.client.errors[VS_ERROR_CLASS_IO], ==, 10);
  g_assert_cmpuint (vs_counters_errors (&f.client), ==, 10);
}

/* Issue 13: a server that resets every connection at its second request. libsoup would re-send
 * such a request on a new connection without telling (it was idempotent and the connection had
 * been used before); both engines count what the server saw instead: every attempt a request,
 * every reset an I/O error, and no request twice. */
static void
test_reset_reused (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  fixture_plan (&f, data, "GET", "/flaky", 2, 40);
  if (!fixture_run (&f))
    return;

  g_assert_cmpuint (f.seen.requests, ==, 40);
  g_assert_cmpuint (f.seen.resets, ==, 20);
  g_assert_cmpuint (f.client.requests, ==, f.seen.requests);
  g_assert_cmpuint (f.client.responses, ==, f.seen.requests - f.seen.resets);
  g_assert_cmpuint (f.client.errors[VS_ERROR_CLASS_IO], ==, f.seen.resets);
  g_assert_cmpuint (vs_counters_errors (&f.client), ==, f.seen.resets);
}

/* Issue 13: a response whose framing is broken is an I/O error in both engines (libsoup alone
 * reads an invalid chunk size as the last chunk, takes one of two different Content-Lengths,
 * and warns about a negative one), with no GLib warning (fatal in a test). */
static void
test_broken_framing (gconstpointer data)
{
  static const char * const paths[] = { "/bad-chunk", "/two-lengths", "/negative-length" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto(Fixture) f = { 0 };

      fixture_plan (&f, data, "GET", paths[i], 2, 10);
      if (!fixture_run (&f))
        return;

      g_test_message ("%s: %" G_GUINT64_FORMAT " responses, %" G_GUINT64_FORMAT " I/O errors",
                      paths[i], f.client.responses, f.client.errors[VS_ERROR_CLASS_IO]);
      g_assert_cmpuint (f.seen.requests, ==, 10);
      g_assert_cmpuint (f.client.requests, ==, 10);
      g_assert_cmpuint (f.client.responses, ==, 0);
      g_assert_cmpuint (f.client.errors[VS_ERROR_CLASS_IO], ==, 10);
      g_assert_cmpuint (vs_counters_errors (&f.client), ==, 10);
    }
}

static void
test_large_request_body (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };
  VsTarget *target;
  char *body;

  fixture_plan (&f, data, "POST", "/ok", 2, 6);
  target = vs_plan_get_target (f.plan, 0);
  body = g_malloc (BIG_BODY_SIZE + 1);
  memset (body, 'b', BIG_BODY_SIZE);
  body[BIG_BODY_SIZE] = '\0';
  g_free (target->body);
  target->body = body;
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 6);
  /* far more than one socket buffer each, and every byte arrived */
  g_assert_cmpuint (f.seen.body_bytes, ==, 6 * (guint64) BIG_BODY_SIZE);
  g_assert_cmpuint (f.client.bytes_out, >=, 6 * (guint64) BIG_BODY_SIZE);
}

static void
test_status_500 (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  fixture_plan (&f, data, "GET", "/500", 4, 300);
  if (!fixture_run (&f))
    return;

  g_assert_cmpuint (f.seen.requests, ==, 300);
  g_assert_cmpuint (f.client.requests, ==, 300);
  g_assert_cmpuint (f.client.responses, ==, 300);
  g_assert_cmpuint (f.client.status[5], ==, 300);
  g_assert_cmpuint (f.client.errors[VS_ERROR_CLASS_HTTP_5XX], ==, 300);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
}

static void
test_timeout (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  /* natively four requests in flight on each of two connections, all timing out together */
  fixture_plan (&f, data, "GET", "/hang", 2, 8);
  if (is_native (&f))
    f.plan->load.pipeline = 4;
  f.plan->load.timeout_us = 200 * 1000;
  if (!fixture_run (&f))
    return;

  g_assert_cmpuint (f.seen.requests, ==, 8);
  g_assert_cmpuint (f.client.requests, ==, 8);
  g_assert_cmpuint (f.client.responses, ==, 0);
  g_assert_cmpuint (f.client.errors[VS_ERROR_CLASS_TIMEOUT], ==, 8);
  g_assert_cmpuint (vs_counters_errors (&f.client), ==, 8);
}

static void
test_thousand_connections (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  /* the server answers nothing until all thousand are open at once */
  fixture_plan (&f, data, "GET", "/gate", 1000, 5000);
  vs_raw_server_set_gate (f.server, 1000);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 5000);
  g_assert_cmpuint (f.seen.max_open, ==, 1000);
  assert_connections (&f, 1000);
}

static void
test_open_reconnect (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };
  guint64 connections = 4;
  double busy;

  /* open model against a server that closes after every response: each due send needs a
   * connection made for it, and the rate still holds wherever a connection could be had. Every
   * due request is accounted for exactly (sent or unsent). On a loaded machine the reconnecting
   * itself (both ends in this process) may take longer than the rate allows: the engine then
   * has every connection busy (the in-flight cap), counts that time, and sends as each frees,
   * so the rate is owed outside it — where an engine that left a closed connection closed
   * while sends were due would miss it by far more than the 10 % a generator woken late at the
   * end leaves unsent. (Against a fixed 90 % of the 800: 84 sent at load average 20, with every
   * connection busy for 1.8 s of the 2.) */
  fixture_plan (&f, data, "GET", "/close", connections, 0);
  f.plan->load.model = VS_LOAD_OPEN;
  f.plan->load.rate = 400;
  f.plan->load.duration_us = 2 * G_USEC_PER_SEC;
  f.plan->load.threads = 1;
  if (!fixture_run (&f))
    return;

  busy = vs_results_get_target (f.results, 0)->generator_busy_max;
  g_test_message ("%" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " unsent, %" G_GUINT64_FORMAT
                  " late (%" G_GUINT64_FORMAT " at the cap, %.0f ms there), lag max %.0f ms; "
                  "generator busy max %.0f %%", f.client.requests, f.client.unsent,
                  f.client.late, f.client.late_at_cap, f.client.at_cap_us / 1e3,
                  f.client.lag_max_us / 1e3, 100 * busy);
  g_assert_cmpuint (vs_counters_errors (&f.client), ==, 0);
  g_assert_cmpuint (f.client.responses, ==, f.client.requests);
  g_assert_cmpuint (f.client.requests + f.client.unsent, ==, 800);
  g_assert_cmpfloat (f.client.requests, >=,
                     0.9 * f.plan->load.rate *
                     MAX (f.plan->load.duration_us - f.client.at_cap_us, 0) / G_USEC_PER_SEC);
  /* what was in flight at the end was drained: the server saw exactly what was counted */
  g_assert_cmpuint (f.seen.requests, ==, f.client.requests);
  g_assert_cmpuint (f.seen.connections, >=, f.client.connects);
  g_assert_cmpuint (f.seen.connections, <=, f.client.connects + connections);
}

static void
test_ipv6 (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  f.server = vs_raw_server_new_ipv6 ();
  if (f.server == NULL)
    {
      g_test_skip ("no IPv6 loopback here");
      return;
    }
  fixture_plan (&f, data, "GET", "/ok", 4, 400);
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 400);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
  assert_connections (&f, 4);
}

static void
test_pipeline (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };

  if (!g_str_equal (data, "native"))
    {
      g_test_skip ("only the native engine pipelines");
      return;
    }

  fixture_plan (&f, data, "GET", "/chunked", 4, 4000);
  f.plan->load.pipeline = 16;
  if (!fixture_run (&f))
    return;

  assert_all_answered (&f, 4000);
  g_assert_cmpuint (f.client.bytes_in, ==, f.seen.bytes_out);
  /* several requests arrived in one read: they really were in flight together */
  g_assert_cmpuint (f.seen.max_pipelined, >, 1);
  assert_connections (&f, 4);
}

static void
test_open_pipeline_spread (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };
  const VsStats *stats;
  gint64 p50;

  if (!g_str_equal (data, "native"))
    {
      g_test_skip ("only the native engine pipelines");
      return;
    }

  /* open model, 100/s over ten connections that may pipeline four deep, against a server that
   * takes 50 ms per request, one at a time per connection: about five requests are in flight
   * at once, so each belongs on a connection of its own. Stacked behind one another on one
   * connection they would wait for each other, a queue of the generator's making. */
  fixture_plan (&f, data, "GET", "/slow", 10, 0);
  f.plan->load.model = VS_LOAD_OPEN;
  f.plan->load.rate = 100;
  f.plan->load.duration_us = G_USEC_PER_SEC;
  f.plan->load.pipeline = 4;
  f.plan->load.threads = 1;
  if (!fixture_run (&f))
    return;

  stats = fixture_stats (&f);
  p50 = vs_histogram_percentile (stats->latency, 50);
  g_test_message ("p50 %.1f ms, p99 %.1f ms over %" G_GUINT64_FORMAT " responses",
                  p50 / 1000.0, vs_histogram_percentile (stats->latency, 99) / 1000.0,
                  f.client.responses);
  g_assert_cmpuint (vs_counters_errors (&f.client), ==, 0);
  g_assert_cmpuint (f.client.responses, >=, 80);
  g_assert_cmpint (p50, >=, VS_RAW_SERVER_SLOW_MS * 1000);
  g_assert_cmpint (p50, <, 2 * VS_RAW_SERVER_SLOW_MS * 1000);
}

#define N_FILLERS 4

/* A listener on 127.0.0.1 that never accepts, with its accept queue filled by connections of
 * our own: Linux drops the SYN of every further connect, which then hangs. FALSE (and the
 * fds closed) when the queue does not fill here. */
static gboolean
listen_unanswered (int     *listen_fd,
                   int      fillers[N_FILLERS],
                   guint16 *port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  struct pollfd probe = { .events = POLLOUT };
  gboolean hangs;

  *listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (*listen_fd, >=, 0);
  g_assert_cmpint (bind (*listen_fd, (struct sockaddr *) &addr, len), ==, 0);
  g_assert_cmpint (listen (*listen_fd, 0), ==, 0);
  g_assert_cmpint (getsockname (*listen_fd, (struct sockaddr *) &addr, &len), ==, 0);
  *port = ntohs (addr.sin_port);

  for (guint i = 0; i < N_FILLERS; i++)
    {
      fillers[i] = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      g_assert_cmpint (fillers[i], >=, 0);
      if (connect (fillers[i], (struct sockaddr *) &addr, len) != 0)
        g_assert_cmpint (errno, ==, EINPROGRESS);
    }

  /* the last one is the probe: it must not get through */
  probe.fd = fillers[N_FILLERS - 1];
  hangs = poll (&probe, 1, 100) == 0;
  if (!hangs)
    {
      for (guint i = 0; i < N_FILLERS; i++)
        close (fillers[i]);
      close (*listen_fd);
    }
  return hangs;
}

static void
test_connect_timeout (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };
  int listen_fd, fillers[N_FILLERS];
  guint16 port;
  VsTarget *target;

  if (!listen_unanswered (&listen_fd, fillers, &port))
    {
      g_test_skip ("a full accept queue does not make connect hang here");
      return;
    }

  /* no connection is ever made: every request times out waiting for one, and that is a
   * timeout (no response within the timeout), not a connect error (refused, unreachable) */
  fixture_plan (&f, data, "GET", "/ok", 2, 0);
  target = vs_plan_get_target (f.plan, 0);
  g_free (target->url);
  target->url = g_strdup_printf ("http://127.0.0.1:%u/ok", port);
  f.plan->load.duration_us = G_USEC_PER_SEC;
  f.plan->load.timeout_us = 300 * 1000;
  f.plan->load.threads = 1;
  if (fixture_run (&f))
    {
      g_test_message ("%" G_GUINT64_FORMAT " timeouts, %" G_GUINT64_FORMAT " connect errors",
                      f.client.errors[VS_ERROR_CLASS_TIMEOUT],
                      f.client.errors[VS_ERROR_CLASS_CONNECT]);
      g_assert_cmpuint (f.client.responses, ==, 0);
      g_assert_cmpuint (f.client.connects, ==, 0);
      g_assert_cmpuint (f.client.errors[VS_ERROR_CLASS_CONNECT], ==, 0);
      g_assert_cmpuint (f.client.errors[VS_ERROR_CLASS_TIMEOUT], >=, 2);
      g_assert_cmpuint (vs_counters_errors (&f.client), ==,
                        f.client.errors[VS_ERROR_CLASS_TIMEOUT]);
    }

  for (guint i = 0; i < N_FILLERS; i++)
    close (fillers[i]);
  close (listen_fd);
}

/* Sums the time series' rows by phase: requests of the measure rows and of the warm-up rows,
 * and the unsent of all rows. */
static void
sum_rows (Fixture *f,
          guint64 *measure,
          guint64 *warmup,
          guint64 *unsent)
{
  const VsTargetResult *target = vs_results_get_target (f->results, 0);

  *measure = *warmup = *unsent = 0;
  for (guint i = 0; i < target->intervals->len; i++)
    {
      const VsInterval *interval = &g_array_index (target->intervals, VsInterval, i);

      if (interval->phase == VS_PHASE_MEASURE)
        *measure += interval->counters.requests;
      else
        *warmup += interval->counters.requests;
      *unsent += interval->counters.unsent;
    }
}

/* Issue 9, points 4 and 5: an overloaded open-model run (the rate far above what the in-flight
 * cap lets a slow server serve) accounts for every due request: due = requests + unsent, every
 * request sent reached the server (the ones in flight at the end were drained, not dropped), the
 * rows sum to the totals, and the late sends are put down to the full cap. Uniform at 400/s for
 * 1 s: sends k/400 s for k = 0 … 399 are due, exactly 400; /slow answers in 50 ms, one at a time
 * per connection, so 2 connections serve about 40. */
static void
test_open_overload_accounted (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };
  guint64 measure, warmup, unsent;
  const VsCounters *c = &f.client;

  fixture_plan (&f, data, "GET", "/slow", 2, 0);
  f.plan->load.model = VS_LOAD_OPEN;
  f.plan->load.rate = 400;
  f.plan->load.duration_us = G_USEC_PER_SEC;
  f.plan->load.threads = 1;
  if (!fixture_run (&f))
    return;

  g_test_message ("due 400: requests %" G_GUINT64_FORMAT ", unsent %" G_GUINT64_FORMAT
                  ", server %" G_GUINT64_FORMAT "; late %" G_GUINT64_FORMAT ", at the cap %"
                  G_GUINT64_FORMAT ", %.0f ms at the cap", c->requests, c->unsent,
                  f.seen.requests, c->late, c->late_at_cap, c->at_cap_us / 1000.0);
  g_assert_cmpuint (c->requests + c->unsent, ==, 400);
  g_assert_cmpuint (f.seen.requests, ==, c->requests);
  g_assert_cmpuint (c->responses, ==, c->requests);
  g_assert_cmpuint (vs_counters_errors (c), ==, 0);
  /* 2 × 20/s for 1 s, and the two drained at the end: far fewer than due */
  g_assert_cmpuint (c->requests, <, 100);
  g_assert_cmpuint (c->unsent, >, 300);

  sum_rows (&f, &measure, &warmup, &unsent);
  g_assert_cmpuint (measure, ==, c->requests);
  g_assert_cmpuint (warmup, ==, 0);
  g_assert_cmpuint (unsent, ==, c->unsent);

  /* the cap, not the generator, held the sends back: nearly the whole second at the cap */
  g_assert_cmpuint (c->late, >, 0);
  /* all but the first sends, which may leave late while the worker starts (libsoup sets up its
   * connections then) before the cap is ever reached */
  g_assert_cmpuint (c->late_at_cap + 2, >=, c->late);
  g_assert_cmpuint (c->late_at_cap, <=, c->late);
  g_assert_cmpint (c->at_cap_us, >, G_USEC_PER_SEC / 2);
}

/* Issue 9, point 4: a run ending during a stall. /hang never answers; with a 300 ms timeout
 * each of the 4 connections times out in turn, and the requests in flight at the end are drained
 * until they time out too: every request sent is a timeout, the server saw each of them, and
 * what never left is unsent. Uniform 100/s over 1 s: exactly 100 due. */
static void
test_open_end_in_stall (gconstpointer data)
{
  g_auto(Fixture) f = { 0 };
  guint64 measure, warmup, unsent;
  const VsCounters *c = &f.client;

  fixture_plan (&f, data, "GET", "/hang", 4, 0);
  f.plan->load.model = VS_LOAD_OPEN;
  f.plan->load.rate = 100;
  f.plan->load.duration_us = G_USEC_PER_SEC;
  f.plan->load.timeout_us = 300 * 1000;
  f.plan->load.threads = 1;
  if (!fixture_run (&f))
    return;

  g_test_message ("due 100: requests %" G_GUINT64_FORMAT " (timeouts %" G_GUINT64_FORMAT
                  "), unsent %" G_GUINT64_FORMAT ", server %" G_GUINT64_FORMAT, c->requests,
                  c->errors[VS_ERROR_CLASS_TIMEOUT], c->unsent, f.seen.requests);
  g_assert_cmpuint (c->requests + c->unsent, ==, 100);
  g_assert_cmpuint (c->errors[VS_ERROR_CLASS_TIMEOUT], ==, c->requests);
  g_assert_cmpuint (vs_counters_errors (c), ==, c->requests);
  g_assert_cmpuint (f.seen.requests, ==, c->requests);
  /* 4 at 0 s, 4 more at each 300 ms timeout: 4 × 4 = 16 (those in flight at 1 s drained) */
  g_assert_cmpuint (c->requests, >=, 8);
  g_assert_cmpuint (c->requests, <=, 20);
  sum_rows (&f, &measure, &warmup, &unsent);
  g_assert_cmpuint (measure, ==, c->requests);
  g_assert_cmpuint (unsent, ==, c->unsent);
}

/* Issue 9, point 6: with a warm-up, the measure rows sum exactly to the totals and all rows to
 * what the server saw, in the closed model (warm-up requests finishing in the first measured
 * tick) and in the open model (the request due at the boundary); by duration, so the drain at
 * the end is part of it. Open: uniform 500/s, 200 ms warm-up, 1 s measured: sends k/500 s, of
 * which k = 100 … 599 (exactly 500) are the measured phase's and 100 the warm-up's. */
static void
test_rows_partition (gconstpointer data)
{
  for (guint open = 0; open <= 1; open++)
    {
      g_auto(Fixture) f = { 0 };
      guint64 measure, warmup, unsent;
      const VsCounters *c = &f.client;

      fixture_plan (&f, data, "GET", "/ok", 4, 0);
      f.plan->load.warmup_us = 200 * 1000;
      f.plan->load.duration_us = G_USEC_PER_SEC;
      f.plan->tick_us = 70 * 1000;  /* ticks that do not line up with the warm-up */
      if (open)
        {
          f.plan->load.model = VS_LOAD_OPEN;
          f.plan->load.rate = 500;
        }
      if (!fixture_run (&f))
        return;

      sum_rows (&f, &measure, &warmup, &unsent);
      g_test_message ("%s: rows measure %" G_GUINT64_FORMAT " warm-up %" G_GUINT64_FORMAT
                      ", totals %" G_GUINT64_FORMAT ", server %" G_GUINT64_FORMAT,
                      open ? "open" : "closed", measure, warmup, c->requests, f.seen.requests);
      g_assert_cmpuint (vs_counters_errors (c), ==, 0);
      g_assert_cmpuint (measure, ==, c->requests);
      g_assert_cmpuint (measure + warmup, ==, f.seen.requests);
      g_assert_cmpuint (warmup, >, 0);
      g_assert_cmpuint (unsent, ==, c->unsent);
      g_assert_cmpuint (vs_histogram_count (fixture_stats (&f)->latency), ==, c->responses);
      if (open)
        {
          /* exact whatever the machine's load: a generator starved of CPU at the end leaves
           * some unsent, and they are counted */
          g_assert_cmpuint (c->requests + c->unsent, ==, 500);
          g_assert_cmpuint (measure + warmup + unsent, ==, 600);
        }
      else
        {
          g_assert_cmpuint (unsent, ==, 0);
        }
      /* the drain is not the measured phase: duration_s is the second asked for */
      g_assert_cmpfloat (vs_results_get_target (f.results, 0)->measured_s, <, 1.1);
    }
}

static void
add_cases (const char *engine)
{
  static const struct
  {
    const char *name;
    GTestDataFunc func;
  } cases[] = {
    { "wire-bytes", test_wire_bytes },
    { "keep-alive", test_keep_alive },
    { "chunked", test_chunked },
    { "close-delimited", test_close_delimited },
    { "connection-close", test_connection_close },
    { "big-body", test_big_body },
    { "head", test_head },
    { "no-body-204", test_no_body_204 },
    { "no-body-304", test_no_body_304 },
    { "trickle", test_trickle },
    { "reset-mid-body", test_reset_mid_body },
    { "reset-reused", test_reset_reused },
    { "broken-framing", test_broken_framing },
    { "large-request-body", test_large_request_body },
    { "status-500", test_status_500 },
    { "timeout", test_timeout },
    { "thousand-connections", test_thousand_connections },
    { "open-reconnect", test_open_reconnect },
    { "ipv6", test_ipv6 },
    { "pipeline", test_pipeline },
    { "open-pipeline-spread", test_open_pipeline_spread },
    { "connect-timeout", test_connect_timeout },
    { "open-overload-accounted", test_open_overload_accounted },
    { "open-end-in-stall", test_open_end_in_stall },
    { "rows-partition", test_rows_partition },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/protocol/%s/%s", engine, cases[i].name);

      g_test_add_data_func (path, engine, cases[i].func);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  add_cases ("native");
  add_cases ("soup");

  return g_test_run ();
}
