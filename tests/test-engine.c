/* test-engine.c: the engine test suite, the same test bodies for every engine
 *
 * Each test is registered once per engine name and drives a whole VsRun against an in-process
 * server on 127.0.0.1 (vs-test-server.c, in a thread of its own). An engine that is not in
 * the build, or that cannot serve the plan (the native engine and https), makes the test
 * skip with the reason, so the suite runs unchanged as engines arrive.
 */
#include <glib-object.h>
#include <stdlib.h>
#include <string.h>

#include "vs-error.h"
#include "vs-plan.h"
#include "vs-results.h"
#include "vs-run.h"
#include "vs-test-server.h"

static const char *engines[] = { "soup", "native" };

static VsPlan *
plan_new (const char *engine,
          const char *url)
{
  VsPlan *plan = vs_plan_new ();
  gboolean known = vs_engine_kind_from_string (engine, &plan->engine);

  g_assert_true (known);
  plan->load.threads = 1;
  plan->load.duration_us = 0;
  plan->load.requests = 0;
  plan->load.warmup_us = 0;
  plan->tick_us = 100 * 1000;
  vs_plan_add_target (plan, vs_target_new ("a", url));
  return plan;
}

static void
finished_cb (VsRun    *run,
             gboolean *finished)
{
  *finished = TRUE;
}

/* Runs the plan to its end on a main context of the test's own (pushed as thread-default, so
 * the run delivers there). NULL when the engine cannot serve it: the test is then marked
 * skipped. */
static VsResults *
run_plan (VsPlan *plan)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(VsRun) run = vs_run_new (plan);
  g_autoptr(GError) error = NULL;
  g_autoptr(VsResults) results = NULL;
  gboolean finished = FALSE;

  g_main_context_push_thread_default (context);

  if (vs_run_start (run, &error))
    {
      g_signal_connect (run, "finished", G_CALLBACK (finished_cb), &finished);
      while (!finished)
        g_main_context_iteration (context, TRUE);

      g_assert_no_error (vs_run_get_error (run));
      results = g_object_ref (vs_run_get_results (run));
    }

  g_main_context_pop_thread_default (context);

  if (results == NULL)
    {
      g_autofree char *reason = NULL;

      /* the one refusal these tests meet, a plan problem: https:// on the native engine */
      g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "the native engine speaks plain http:// only"));
      reason = g_strdup_printf ("engine %s: %s", vs_engine_kind_to_string (plan->engine),
                                error->message);
      g_test_skip (reason);
      return NULL;
    }

  g_assert_cmpstr (vs_results_get_engine (results), ==, vs_engine_kind_to_string (plan->engine));
  return g_steal_pointer (&results);
}

static const VsCounters *
total_of (VsResults *results)
{
  const VsTargetResult *target = vs_results_get_target (results, 0);

  g_assert_true (target->finished);
  return &target->total->counters;
}

static void
assert_no_errors (const VsCounters *counters)
{
  for (guint i = 0; i < VS_N_ERROR_CLASSES; i++)
    if (counters->errors[i] != 0)
      g_error ("%" G_GUINT64_FORMAT " %s errors", counters->errors[i],
               vs_error_class_to_string (i));
}

/* Closed model, request count: every request the client counts, the server answered. */
static void
test_closed_count (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/ok");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsCounters *total;

  plan->load.connections = 4;
  plan->load.threads = 2;
  plan->load.requests = 500;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = total_of (results);
  assert_no_errors (total);
  g_assert_cmpuint (total->requests, ==, 500);
  g_assert_cmpuint (total->responses, ==, 500);
  g_assert_cmpuint (total->status[2], ==, 500);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_OK), ==, 500);
  g_assert_cmpuint (vs_histogram_count (vs_results_get_target (results, 0)->total->latency), ==,
                    500);
  /* keep-alive: each connection opened once */
  g_assert_cmpuint (total->connects, >=, 1);
  g_assert_cmpuint (total->connects, <=, plan->load.connections);
  if (g_str_equal (data, "soup"))
    {
      const VsStats *stats = vs_results_get_target (results, 0)->total;

      /* first byte comes before the whole response, on the same clock (catches a unit slip) */
      g_assert_cmpuint (vs_histogram_count (stats->timings[VS_TIMING_FIRST_BYTE]), ==, 500);
      g_assert_cmpint (vs_histogram_max (stats->timings[VS_TIMING_FIRST_BYTE]), <=,
                       vs_histogram_max (stats->uncorrected));
      g_assert_cmpuint (vs_histogram_count (stats->timings[VS_TIMING_CONNECT]), ==,
                        total->connects);
    }
  g_assert_cmpuint (total->bytes_in, >, 500 * 6);
  g_assert_cmpuint (total->bytes_out, >, 500 * strlen ("GET /ok HTTP/1.1\r\n\r\n"));
}

/* Closed model, duration: the run stops with up to one request per connection in flight;
 * those are abandoned uncounted, and the server may or may not have answered them. So the
 * server's count is the client's plus at most the number of connections, never less. */
static void
test_closed_duration (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/ok");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsCounters *total;
  guint served;

  plan->load.connections = 4;
  plan->load.duration_us = G_USEC_PER_SEC;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = total_of (results);
  served = vs_test_server_count (server, VS_TEST_PATH_OK);
  assert_no_errors (total);
  g_assert_cmpuint (total->requests, >, 100);
  g_assert_cmpuint (total->responses, ==, total->requests);
  g_assert_cmpuint (served, >=, total->requests);
  g_assert_cmpuint (served, <=, total->requests + plan->load.connections);
}

/* Two targets at once on one server: each gets its own count, and neither throttles the
 * other. 2 × 6 connections to one host are more than libsoup's default limits (10 in all,
 * 2 per host) allow. */
static void
test_closed_two_targets (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/ok");
  g_autofree char *other = vs_test_server_url (server, "/status/201");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  guint64 connects = 0;

  vs_plan_add_target (plan, vs_target_new ("b", other));
  plan->load.connections = 6;
  plan->load.requests = 300;

  if ((results = run_plan (plan)) == NULL)
    return;

  for (guint t = 0; t < 2; t++)
    {
      const VsTargetResult *target = vs_results_get_target (results, t);

      g_assert_true (target->finished);
      assert_no_errors (&target->total->counters);
      g_assert_cmpuint (target->total->counters.requests, ==, 300);
      g_assert_cmpuint (target->total->counters.status[2], ==, 300);
      connects += target->total->counters.connects;
    }
  /* every connection asked for was opened: none waited for another target's */
  g_assert_cmpuint (connects, ==, 2 * plan->load.connections);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_OK), ==, 300);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_STATUS), ==, 300);
}

/* Method, headers and body reach the server as the plan says (it answers 400 otherwise). */
static void
test_request_body (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/echo");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  VsTarget *target = vs_plan_get_target (plan, 0);
  const char *headers[] = { "X-Versus: yes", "Content-Type: text/plain", NULL };
  const VsCounters *total;

  g_free (target->method);
  target->method = g_strdup ("POST");
  g_free (target->body);
  target->body = g_strdup ("ping");
  g_strfreev (target->headers);
  target->headers = g_strdupv ((char **) headers);
  plan->load.connections = 2;
  plan->load.requests = 100;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = total_of (results);
  assert_no_errors (total);
  g_assert_cmpuint (total->status[2], ==, 100);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_ECHO), ==, 100);
  /* the head and the body, each time */
  g_assert_cmpuint (total->bytes_out, >=, 100 * (strlen ("POST /echo HTTP/1.1\r\n") +
                                                 strlen (headers[0]) + strlen (headers[1]) + 4));
}

/* Open model: the achieved rate is the asked one. */
static void
test_open_rate (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/ok");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsTargetResult *target;
  double rps;

  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = 200;
  plan->load.connections = 8;
  plan->load.duration_us = 3 * G_USEC_PER_SEC;

  if ((results = run_plan (plan)) == NULL)
    return;

  target = vs_results_get_target (results, 0);
  assert_no_errors (&target->total->counters);
  rps = target->total->counters.requests / 3.0;
  g_test_message ("%" G_GUINT64_FORMAT " requests in the measured phase, %.1f/s by the results; "
                  "%" G_GUINT64_FORMAT " unsent, %" G_GUINT64_FORMAT " late (%" G_GUINT64_FORMAT
                  " at the cap, %.0f ms there); generator busy max %.0f %%",
                  target->total->counters.requests, vs_target_result_rps (target),
                  target->total->counters.unsent, target->total->counters.late,
                  target->total->counters.late_at_cap, target->total->counters.at_cap_us / 1e3,
                  100 * target->generator_busy_max);
  /* every due request is accounted for exactly; the rate gets 5 % slack, since a generator
   * starved by other processes on a shared machine leaves some sends unsent (2 % failed there),
   * and is owed only outside the time every connection was busy (at_cap_us, which the engine
   * counts): on a loaded machine the soup engine's worker answers its connections too late for
   * 200/s over 8 (529 of 600 sent at load average 21, the generator 100 % busy) */
  g_assert_cmpuint (target->total->counters.requests + target->total->counters.unsent, ==, 600);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_OK), ==,
                    target->total->counters.requests);
  g_assert_cmpfloat (rps, <=, 200);
  g_assert_cmpfloat (rps, >=, 200 * 0.95 *
                     MAX (3 * G_USEC_PER_SEC - target->total->counters.at_cap_us, 0) /
                     (3 * G_USEC_PER_SEC));
  /* the results' rate is over the measured phase, the 3 s asked (not the drain after it) */
  g_assert_cmpfloat_with_epsilon (vs_target_result_rps (target), rps, rps * 0.05);
}

static void
count_slow (gint64   value_us,
            guint64  count,
            gpointer user_data)
{
  if (value_us >= 100 * 1000)
    *(guint64 *) user_data += count;
}

static guint64
samples_over_100ms (const VsHistogram *histogram)
{
  guint64 n = 0;

  vs_histogram_foreach (histogram, count_slow, &n);
  return n;
}

/* Coordinated omission: one 300 ms stall on the only connection holds back the sends due
 * meanwhile. Measured from their intended times (corrected) they show the stall; measured
 * from when they actually left (uncorrected) only the stalled request does. */
static void
test_open_coordinated_omission (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/stall");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsStats *total;
  guint64 corrected, uncorrected;

  vs_test_server_stall (server, 100, 300);
  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = 200;
  plan->load.connections = 1;
  plan->load.duration_us = 3 * G_USEC_PER_SEC;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = vs_results_get_target (results, 0)->total;
  assert_no_errors (&total->counters);
  corrected = samples_over_100ms (total->latency);
  uncorrected = samples_over_100ms (total->uncorrected);
  g_test_message ("samples ≥ 100 ms: corrected %" G_GUINT64_FORMAT ", uncorrected %"
                  G_GUINT64_FORMAT, corrected, uncorrected);

  g_assert_cmpint (vs_histogram_max (total->latency), >=, 300 * 1000);
  g_assert_cmpint (vs_histogram_max (total->uncorrected), >=, 300 * 1000);
  g_assert_cmpuint (corrected, >=, 20);
  g_assert_cmpuint (corrected, >=, 5 * uncorrected);
  g_assert_cmpuint (total->counters.late, >=, 20);
}

/* A refused port: every attempt is a connect error, and the first message is kept. */
static void
test_error_connect (gconstpointer data)
{
  guint port;
  g_autoptr(GSocket) socket = vs_test_refused_socket (&port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsCounters *total;

  plan->load.connections = 2;
  plan->load.requests = 20;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = total_of (results);
  g_assert_cmpuint (total->requests, ==, 20);
  g_assert_cmpuint (total->responses, ==, 0);
  g_assert_cmpuint (total->errors[VS_ERROR_CLASS_CONNECT], ==, 20);
  g_assert_cmpuint (vs_counters_errors (total), ==, 20);
  g_assert_nonnull (vs_results_get_target (results, 0)->first_error);
}

/* A refused port for a while: the engine backs off instead of spinning, waiting about 1 ms
 * per connection between attempts, so at most 1000 attempts per connection-second. */
static void
test_error_connect_backoff (gconstpointer data)
{
  guint port;
  g_autoptr(GSocket) socket = vs_test_refused_socket (&port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsCounters *total;

  plan->load.connections = 2;
  plan->load.duration_us = G_USEC_PER_SEC / 2;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = total_of (results);
  g_test_message ("%" G_GUINT64_FORMAT " connect errors in 0.5 s on 2 connections",
                  total->errors[VS_ERROR_CLASS_CONNECT]);
  g_assert_cmpuint (total->errors[VS_ERROR_CLASS_CONNECT], >, 0);
  g_assert_cmpuint (total->errors[VS_ERROR_CLASS_CONNECT], ==, total->requests);
  g_assert_cmpuint (total->errors[VS_ERROR_CLASS_CONNECT], <=, 2 * 500);
}

/* The server closes the connection in the middle of a body. */
static void
test_error_io (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_raw_url (server);
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsCounters *total;

  plan->load.connections = 1;
  plan->load.requests = 10;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = total_of (results);
  g_assert_cmpuint (total->requests, ==, 10);
  g_assert_cmpuint (total->errors[VS_ERROR_CLASS_IO], ==, 10);
  g_assert_cmpuint (vs_counters_errors (total), ==, 10);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_PARTIAL), ==, 10);
}

/* The server answers after the plan's timeout: every attempt is a timeout, none of them a
 * response, and the run does not wait for the server. */
static void
test_error_timeout (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/delay/2000");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsCounters *total;
  gint64 start = g_get_monotonic_time ();

  plan->load.connections = 2;
  plan->load.requests = 4;
  plan->load.timeout_us = 200 * 1000;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = total_of (results);
  g_assert_cmpuint (total->requests, ==, 4);
  g_assert_cmpuint (total->responses, ==, 0);
  g_assert_cmpuint (total->errors[VS_ERROR_CLASS_TIMEOUT], ==, 4);
  g_assert_cmpuint (vs_counters_errors (total), ==, 4);
  /* two rounds of 200 ms, far from the server's 2 s */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1500 * 1000);
}

static void
test_error_5xx (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/status/500");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsCounters *total;

  plan->load.connections = 2;
  plan->load.requests = 50;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = total_of (results);
  g_assert_cmpuint (total->requests, ==, 50);
  g_assert_cmpuint (total->responses, ==, 50);
  g_assert_cmpuint (total->status[5], ==, 50);
  g_assert_cmpuint (total->errors[VS_ERROR_CLASS_HTTP_5XX], ==, 50);
  g_assert_cmpuint (vs_counters_errors (total), ==, 50);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_STATUS), ==, 50);
}

/* A 404 the target's rule accepts is a success. */
static void
test_status_accepted (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/status/404");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsCounters *total;

  g_free (vs_plan_get_target (plan, 0)->expect_status);
  vs_plan_get_target (plan, 0)->expect_status = g_strdup ("2xx,404");
  plan->load.connections = 2;
  plan->load.requests = 50;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = total_of (results);
  assert_no_errors (total);
  g_assert_cmpuint (total->responses, ==, 50);
  g_assert_cmpuint (total->status[4], ==, 50);
}

static GTlsCertificate *certificate;

static GTlsCertificate *
test_certificate (void)
{
  if (certificate == NULL)
    {
      g_autoptr(GError) error = NULL;

      certificate = vs_test_make_certificate (&error);
      g_assert_no_error (error);
    }

  return certificate;
}

/* A self-signed certificate: rejected by default (TLS errors), accepted with insecure. */
static void
test_tls (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (test_certificate ());
  g_autofree char *url = vs_test_server_https_url (server, "/ok");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsPlan) insecure = NULL;
  g_autoptr(VsResults) results = NULL;
  const VsStats *total;

  plan->load.connections = 2;
  plan->load.requests = 10;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = vs_results_get_target (results, 0)->total;
  g_assert_cmpuint (total->counters.requests, ==, 10);
  g_assert_cmpuint (total->counters.errors[VS_ERROR_CLASS_TLS], ==, 10);
  g_assert_cmpuint (vs_counters_errors (&total->counters), ==, 10);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_OK), ==, 0);
  g_clear_object (&results);

  insecure = plan_new (data, url);
  insecure->insecure = TRUE;
  insecure->load.connections = 2;
  insecure->load.requests = 10;

  results = run_plan (insecure);
  g_assert_nonnull (results);
  total = vs_results_get_target (results, 0)->total;
  assert_no_errors (&total->counters);
  g_assert_cmpuint (total->counters.responses, ==, 10);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_OK), ==, 10);
  /* every new connection's handshake is timed */
  g_assert_cmpuint (total->counters.connects, >=, 1);
  g_assert_cmpuint (vs_histogram_count (total->timings[VS_TIMING_TLS]), ==,
                    total->counters.connects);
  g_test_message ("TLS handshake max %" G_GINT64_FORMAT " µs, connect max %" G_GINT64_FORMAT
                  " µs", vs_histogram_max (total->timings[VS_TIMING_TLS]),
                  vs_histogram_max (total->timings[VS_TIMING_CONNECT]));
  /* a loopback handshake takes milliseconds: a unit slip (ns, ms) would show here */
  g_assert_cmpint (vs_histogram_max (total->timings[VS_TIMING_TLS]), >, 50);
  g_assert_cmpint (vs_histogram_max (total->timings[VS_TIMING_TLS]), <, 2 * G_USEC_PER_SEC);
}

static gboolean
accept_any_certificate (GTlsConnection       *connection,
                        GTlsCertificate      *peer,
                        GTlsCertificateFlags  errors,
                        gpointer              data)
{
  return TRUE;
}

/* The witness of a handshake's time here and now: n connections to url's port, one at a time,
 * each made a GIO TLS client (the GnuTLS set-up: setup_us[i]) and then shaken hands with
 * (handshake_us[i]), as libsoup does for a connection of the soup engine, by this thread
 * against the same server, right after the engine's run. */
static void
witness_handshakes (const char *url,
                    guint       n,
                    gint64     *setup_us,
                    gint64     *handshake_us)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocketConnection) tcp = NULL;
      g_autoptr(GIOStream) tls = NULL;
      gint64 t0, t1;

      tcp = g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (uri), NULL,
                                             &error);
      g_assert_no_error (error);
      t0 = g_get_monotonic_time ();
      tls = g_tls_client_connection_new (G_IO_STREAM (tcp), NULL, &error);
      g_assert_no_error (error);
      t1 = g_get_monotonic_time ();
      g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);
      g_assert_true (g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error));
      g_assert_no_error (error);
      setup_us[i] = t1 - t0;
      handshake_us[i] = g_get_monotonic_time () - t1;
      g_io_stream_close (tls, NULL, NULL);
    }
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static gint64
median (gint64 *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_gint64);
  return values[(n - 1) / 2];
}

/* Per-phase timings mean what the README says, on http:// and https://: against a server that
 * waits a known 100 ms before answering, the first byte comes at least that late and no later
 * than the whole response, while the TCP connect (and the TLS handshake) of a loopback
 * connection take a small fraction of it. Only new connections are timed, once each. (The soup
 * engine once ended the TCP connect at libsoup's tls_start, after GnuTLS had loaded the system
 * trust store: 17–80 ms on HTTPS where curl's time_connect read 0.1 ms.) */
#define PHASE_DELAY_MS 100

static void
check_phases (const char *engine,
              const char *url,
              gboolean    tls,
              guint       connections)
{
  g_autoptr(VsPlan) plan = plan_new (engine, url);
  g_autoptr(VsResults) results = NULL;
  const VsStats *total;
  const VsCounters *counters;
  const VsHistogram *connect, *handshake, *first_byte;

  plan->insecure = TRUE;
  plan->load.connections = connections;
  plan->load.requests = 2 * connections;

  if ((results = run_plan (plan)) == NULL)
    return;

  total = vs_results_get_target (results, 0)->total;
  counters = &total->counters;
  connect = total->timings[VS_TIMING_CONNECT];
  handshake = total->timings[VS_TIMING_TLS];
  first_byte = total->timings[VS_TIMING_FIRST_BYTE];
  assert_no_errors (counters);
  g_assert_cmpuint (counters->responses, ==, 2 * connections);

  g_test_message ("%s %s: connect p50 %" G_GINT64_FORMAT " max %" G_GINT64_FORMAT " µs, TLS p50 %"
                  G_GINT64_FORMAT " µs, first byte min %" G_GINT64_FORMAT " µs, latency min %"
                  G_GINT64_FORMAT " µs", engine, url,
                  vs_histogram_percentile (connect, 50), vs_histogram_max (connect),
                  vs_histogram_percentile (handshake, 50), vs_histogram_min (first_byte),
                  vs_histogram_min (total->uncorrected));

  /* one connect (and handshake) sample per connection opened, none for reuse */
  g_assert_cmpuint (counters->connects, >=, 1);
  g_assert_cmpuint (counters->connects, <=, plan->load.connections);
  g_assert_cmpuint (vs_histogram_count (connect), ==, counters->connects);
  g_assert_cmpuint (vs_histogram_count (handshake), ==, tls ? counters->connects : 0);
  g_assert_cmpuint (vs_histogram_count (first_byte), ==, 2 * connections);

  /* ordered: connect, TLS ≪ server delay ≤ first byte ≤ whole response */
  g_assert_cmpint (vs_histogram_percentile (connect, 50), <, PHASE_DELAY_MS * 1000 / 20);
  g_assert_cmpint (vs_histogram_max (connect), <, PHASE_DELAY_MS * 1000 / 2);
  if (tls)
    {
      /* the handshake alone, not the client's TLS set-up before it (GnuTLS's trust store, 10–40
       * ms of CPU): against the same two measured by hand here and now, since on a loaded
       * machine a handshake (both ends in this process) takes longer than a fixed 20 ms (21–25
       * ms under two busy loops) */
      gint64 setup[10], shaken[10], setup_p50, shaken_p50;

      witness_handshakes (url, G_N_ELEMENTS (setup), setup, shaken);
      setup_p50 = median (setup, G_N_ELEMENTS (setup));
      shaken_p50 = median (shaken, G_N_ELEMENTS (shaken));
      g_test_message ("by hand: TLS set-up p50 %" G_GINT64_FORMAT " µs, handshake p50 %"
                      G_GINT64_FORMAT " µs", setup_p50, shaken_p50);
      g_assert_cmpint (vs_histogram_percentile (handshake, 50), <, shaken_p50 + setup_p50 / 2);
    }
  /* (less 1 ms: the histogram keeps 3 significant digits) */
  g_assert_cmpint (vs_histogram_min (first_byte), >=, PHASE_DELAY_MS * 1000 - 1000);
  g_assert_cmpint (vs_histogram_min (first_byte), <=, vs_histogram_min (total->uncorrected));
  g_assert_cmpint (vs_histogram_max (first_byte), <=, vs_histogram_max (total->uncorrected));
}

static void
test_phases (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (test_certificate ());
  g_autofree char *path = g_strdup_printf ("/delay/%d", PHASE_DELAY_MS);
  g_autofree char *http = vs_test_server_url (server, path);
  g_autofree char *https = vs_test_server_https_url (server, path);

  check_phases (data, http, FALSE, 2);
  if (g_test_failed () || strcmp (data, "native") == 0)
    return;  /* the native engine speaks plain http:// only */
  /* ten connections on one worker: each handshake timed alone, not behind the CPU the others'
   * TLS set-up took (which made TLS read 75 ms at -c 10) */
  check_phases (data, https, TRUE, 10);
}

/* Warm-up: requests happen during it, and none of them enter the totals. A request belongs to
 * the phase it was sent in: the intervals (by completion) may differ from the totals by the
 * requests in flight across the boundary, in either direction, but with a request count the
 * totals hold exactly the count, warm-up or not. */
static void
test_warmup_excluded (gconstpointer data)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/ok");
  g_autoptr(VsPlan) plan = plan_new (data, url);
  g_autoptr(VsResults) results = NULL;
  const VsTargetResult *target;
  guint64 warmup = 0, measured = 0;

  plan->load.connections = 2;
  plan->load.warmup_us = G_USEC_PER_SEC / 2;
  plan->load.duration_us = 0;
  plan->load.requests = 3000;

  if ((results = run_plan (plan)) == NULL)
    return;

  target = vs_results_get_target (results, 0);
  for (guint i = 0; i < target->intervals->len; i++)
    {
      const VsInterval *interval = &g_array_index (target->intervals, VsInterval, i);

      if (interval->phase == VS_PHASE_WARMUP)
        warmup += interval->counters.requests;
      else
        measured += interval->counters.requests;
    }

  g_test_message ("warm-up %" G_GUINT64_FORMAT ", measured %" G_GUINT64_FORMAT, warmup,
                  measured);
  assert_no_errors (&target->total->counters);
  g_assert_cmpuint (warmup, >, 0);
  g_assert_cmpuint (measured, >, 0);
  g_assert_cmpuint (target->total->counters.requests, ==, 3000);
  g_assert_cmpuint (vs_histogram_count (target->total->latency), ==, 3000);
  /* the warm-up's requests were real: the server answered them all, and the count on top */
  g_assert_cmpuint (warmup + measured, ==, vs_test_server_count (server, VS_TEST_PATH_OK));
  g_assert_cmpuint (warmup + measured, >, 3000);
}

static void
add_test (const char    *name,
          GTestDataFunc  func)
{
  for (guint i = 0; i < G_N_ELEMENTS (engines); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/%s/%s", engines[i], name);

      g_test_add_data_func (path, engines[i], func);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  add_test ("closed/count", test_closed_count);
  add_test ("closed/duration", test_closed_duration);
  add_test ("closed/two-targets", test_closed_two_targets);
  add_test ("request-body", test_request_body);
  add_test ("open/rate", test_open_rate);
  add_test ("open/coordinated-omission", test_open_coordinated_omission);
  add_test ("error/connect", test_error_connect);
  add_test ("error/connect-backoff", test_error_connect_backoff);
  add_test ("error/io", test_error_io);
  add_test ("error/timeout", test_error_timeout);
  add_test ("error/http-5xx", test_error_5xx);
  add_test ("status/accepted", test_status_accepted);
  add_test ("tls", test_tls);
  add_test ("phases", test_phases);
  add_test ("warmup-excluded", test_warmup_excluded);

  status = g_test_run ();
  g_clear_object (&certificate);
  return status;
}
