/* test-plan.c: the plan model — defaults, JSON round trip, validation paths, status rules */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-error.h"
#include "vs-plan.h"

static VsPlan *
valid_plan (void)
{
  VsPlan *plan = vs_plan_new ();

  vs_plan_add_target (plan, vs_target_new ("a", "http://127.0.0.1:8081/a"));
  vs_plan_add_target (plan, vs_target_new ("b", "http://127.0.0.1:8082/b"));
  return plan;
}

static void
test_defaults (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(VsTarget) target = vs_target_new ("x", "http://127.0.0.1/");

  g_assert_cmpint (plan->version, ==, VS_PLAN_VERSION);
  g_assert_cmpuint (vs_plan_get_n_targets (plan), ==, 0);
  g_assert_cmpint (plan->load.model, ==, VS_LOAD_CLOSED);
  g_assert_cmpuint (plan->load.connections, ==, 10);
  g_assert_cmpfloat (plan->load.rate, ==, 0);
  g_assert_cmpint (plan->load.arrival, ==, VS_ARRIVAL_UNIFORM);
  g_assert_cmpuint (plan->load.seed, ==, 1);
  g_assert_cmpint (plan->load.duration_us, ==, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (plan->load.requests, ==, 0);
  g_assert_cmpint (plan->load.warmup_us, ==, 0);
  g_assert_cmpint (plan->load.timeout_us, ==, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (plan->load.threads, ==, 0);
  g_assert_cmpuint (plan->load.pipeline, ==, 1);
  g_assert_cmpuint (plan->load.streams, ==, 1);
  g_assert_cmpint (plan->mode, ==, VS_MODE_PARALLEL);
  g_assert_cmpint (plan->engine, ==, VS_ENGINE_KIND_AUTO);
  g_assert_cmpint (plan->tick_us, ==, G_USEC_PER_SEC);
  g_assert_false (plan->insecure);
  g_assert_null (plan->base_dir);

  g_assert_cmpstr (target->name, ==, "x");
  g_assert_cmpstr (target->method, ==, "GET");
  g_assert_cmpstr (target->expect_status, ==, "2xx,3xx");
  g_assert_nonnull (target->headers);
  g_assert_null (target->headers[0]);
  g_assert_null (target->body);
  g_assert_null (target->body_file);
}

static void
assert_targets_equal (const VsTarget *a,
                      const VsTarget *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->url, ==, b->url);
  g_assert_cmpstr (a->method, ==, b->method);
  g_assert_true (g_strv_equal ((const char * const *) a->headers,
                               (const char * const *) b->headers));
  g_assert_cmpstr (a->body, ==, b->body);
  g_assert_cmpstr (a->body_file, ==, b->body_file);
  g_assert_cmpstr (a->expect_status, ==, b->expect_status);
}

static void
assert_plans_equal (VsPlan *a,
                    VsPlan *b)
{
  g_assert_cmpint (a->version, ==, b->version);
  g_assert_cmpuint (vs_plan_get_n_targets (a), ==, vs_plan_get_n_targets (b));
  for (guint i = 0; i < vs_plan_get_n_targets (a); i++)
    assert_targets_equal (vs_plan_get_target (a, i), vs_plan_get_target (b, i));
  g_assert_cmpint (a->load.model, ==, b->load.model);
  g_assert_cmpuint (a->load.connections, ==, b->load.connections);
  g_assert_cmpfloat (a->load.rate, ==, b->load.rate);
  g_assert_cmpint (a->load.arrival, ==, b->load.arrival);
  g_assert_cmpuint (a->load.seed, ==, b->load.seed);
  g_assert_cmpint (a->load.duration_us, ==, b->load.duration_us);
  g_assert_cmpuint (a->load.requests, ==, b->load.requests);
  g_assert_cmpint (a->load.warmup_us, ==, b->load.warmup_us);
  g_assert_cmpint (a->load.timeout_us, ==, b->load.timeout_us);
  g_assert_cmpuint (a->load.threads, ==, b->load.threads);
  g_assert_cmpuint (a->load.pipeline, ==, b->load.pipeline);
  g_assert_cmpuint (a->load.streams, ==, b->load.streams);
  g_assert_cmpint (a->mode, ==, b->mode);
  g_assert_cmpint (a->engine, ==, b->engine);
  g_assert_cmpint (a->tick_us, ==, b->tick_us);
  g_assert_cmpint (a->insecure, ==, b->insecure);
}

static VsPlan *
round_trip (VsPlan *plan)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = vs_plan_to_json (plan);
  VsPlan *loaded = vs_plan_load_from_data (json, -1, NULL, &error);

  if (loaded == NULL)
    g_test_message ("%s", json);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  assert_plans_equal (plan, loaded);
  return loaded;
}

/* Validation builds each target's request once: what both engines send. */
static void
test_request (void)
{
  g_autoptr(VsPlan) plan = valid_plan ();
  g_autoptr(GError) error = NULL;
  VsTarget *a = vs_plan_get_target (plan, 0);
  VsTarget *b = vs_plan_get_target (plan, 1);
  const char * const headers[] = { "X-A:1", "Accept:  text/plain ", "user-agent: k6", NULL };
  const VsRequest *req;
  g_autoptr(VsTarget) copy = NULL;

  g_free (a->url);
  a->url = g_strdup ("http://[::1]/p%20q?x=1&y");
  g_strfreev (a->headers);
  a->headers = g_strdupv ((char **) headers);
  g_free (b->url);
  b->url = g_strdup ("https://backend.test/");
  g_free (b->method);
  b->method = g_strdup ("PUT");
  g_assert_true (vs_plan_validate (plan, &error));
  g_assert_no_error (error);

  req = a->request;
  g_assert_cmpstr (req->method, ==, "GET");
  g_assert_cmpstr (req->scheme, ==, "http");
  g_assert_cmpstr (req->host, ==, "::1");
  g_assert_cmpuint (req->port, ==, 80);
  g_assert_cmpstr (req->path_query, ==, "/p%20q?x=1&y");
  g_assert_cmpstr (req->authority, ==, "[::1]:80");
  g_assert_cmpstr (req->host_header, ==, "[::1]");
  g_assert_cmpuint (req->n_headers, ==, 3);
  g_assert_cmpstr (req->names[1], ==, "Accept");
  g_assert_cmpstr (req->values[1], ==, "text/plain");
  g_assert_cmpstr (req->values[0], ==, "1");
  g_assert_true (req->has_agent);
  g_assert_false (req->has_host);
  g_assert_false (vs_request_has_length (req));
  g_assert_true (req->body == a->body_bytes);  /* the bytes once, shared */

  req = b->request;
  g_assert_cmpstr (req->authority, ==, "backend.test:443");
  g_assert_cmpstr (req->host_header, ==, "backend.test");
  g_assert_cmpstr (req->path_query, ==, "/");
  g_assert_false (req->has_agent);
  g_assert_true (vs_request_has_length (req));  /* PUT: Content-Length 0 */

  /* a copy of a target shares its request */
  copy = vs_target_copy (b);
  g_assert_true (copy->request == b->request);

  g_assert_true (g_str_has_prefix (vs_user_agent (), "Versus/"));
}

static void
test_round_trip (void)
{
  g_autoptr(VsPlan) plan = valid_plan ();
  g_autoptr(VsPlan) copy = NULL;
  VsTarget *a = vs_plan_get_target (plan, 0);
  VsTarget *b = vs_plan_get_target (plan, 1);
  const char * const object_headers[] = { "Accept: application/json", "X-Id: 7", NULL };
  /* not canonical "Name: value" and repeated names: must survive as a list */
  const char * const list_headers[] = { "Cookie:a=1", "Cookie: b=2", NULL };

  g_free (a->method);
  a->method = g_strdup ("POST");
  g_strfreev (a->headers);
  a->headers = g_strdupv ((char **) object_headers);
  a->body = g_strdup ("{\"name\": \"Ünïcode\\n\"}");
  a->expect_status = (g_free (a->expect_status), g_strdup ("200-204,404"));
  g_strfreev (b->headers);
  b->headers = g_strdupv ((char **) list_headers);
  b->body_file = g_strdup ("payload.json");

  plan->load.model = VS_LOAD_OPEN;
  plan->load.connections = 64;
  plan->load.rate = 1234.5;
  plan->load.arrival = VS_ARRIVAL_POISSON;
  plan->load.seed = G_MAXUINT64;  /* above what a JSON integer holds */
  plan->load.duration_us = 1234567;  /* not a round number of anything */
  plan->load.warmup_us = 5 * G_USEC_PER_SEC;
  plan->load.timeout_us = 250000;
  plan->load.threads = 3;
  plan->load.pipeline = 4;
  plan->load.streams = 5;  /* with pipelining invalid, but a save keeps what it is given */
  plan->mode = VS_MODE_SEQUENTIAL;
  plan->engine = VS_ENGINE_KIND_NATIVE;
  plan->tick_us = 250000;
  plan->insecure = TRUE;

  g_clear_pointer (&copy, vs_plan_unref);
  copy = round_trip (plan);

  /* a count instead of a duration */
  plan->load.duration_us = 0;
  plan->load.requests = 100000;
  g_clear_pointer (&copy, vs_plan_unref);
  copy = round_trip (plan);

  /* both and neither are invalid, but still survive a save */
  plan->load.duration_us = 2 * G_USEC_PER_SEC;
  g_clear_pointer (&copy, vs_plan_unref);
  copy = round_trip (plan);
  plan->load.duration_us = 0;
  plan->load.requests = 0;
  g_clear_pointer (&copy, vs_plan_unref);
  copy = round_trip (plan);

  /* the defaults, and vs_plan_copy() */
  {
    g_autoptr(VsPlan) defaults = valid_plan ();
    g_autoptr(VsPlan) loaded = round_trip (defaults);
    g_autoptr(VsPlan) copied = vs_plan_copy (plan);

    assert_plans_equal (plan, copied);
  }
}

/* A plan made valid, then broken by one edit. */
typedef struct
{
  const char *name;
  void      (*edit) (VsPlan *plan);
  const char *path;
  const char *fragment;   /* in the message */
} BadCase;

/* Replaces one string field of the second target. */
static void
set (VsPlan      *p,
     gsize        offset,
     const char  *value)
{
  char **field = &G_STRUCT_MEMBER (char *, vs_plan_get_target (p, 1), offset);

  g_free (*field);
  *field = g_strdup (value);
}

#define SET(p, field, value) set (p, G_STRUCT_OFFSET (VsTarget, field), value)

static void
set_headers (VsPlan     *p,
             const char *h0,
             const char *h1)
{
  const char * const headers[] = { h0, h1, NULL };
  VsTarget *t = vs_plan_get_target (p, 1);

  g_strfreev (t->headers);
  t->headers = g_strdupv ((char **) headers);
}

static void edit_no_targets (VsPlan *p) { g_ptr_array_set_size (p->targets, 0); }
static void edit_empty_name (VsPlan *p) { SET (p, name, NULL); }
static void edit_dup_name (VsPlan *p) { SET (p, name, "a"); }
static void edit_url_ftp (VsPlan *p) { SET (p, url, "ftp://127.0.0.1/x"); }
static void edit_url_garbage (VsPlan *p) { SET (p, url, "http://[::1/x"); }
static void edit_url_no_scheme (VsPlan *p) { SET (p, url, "127.0.0.1:8080/x"); }
static void edit_url_no_host (VsPlan *p) { SET (p, url, "http:///x"); }
static void edit_url_empty (VsPlan *p) { SET (p, url, ""); }
static void edit_method (VsPlan *p) { SET (p, method, "GE T"); }
static void edit_header_no_colon (VsPlan *p) { set_headers (p, "Accept: */*", "Broken"); }
static void edit_header_crlf (VsPlan *p) { set_headers (p, "Accept: */*", "X: a\r\nHost: evil"); }
static void edit_header_bad_name (VsPlan *p) { set_headers (p, "Accept: */*", "Bad Name: x"); }
static void edit_body_both (VsPlan *p) { SET (p, body, "x"); SET (p, body_file, "/etc/hostname"); }
static void edit_body_file_missing (VsPlan *p) { SET (p, body_file, "/nonexistent/versus-body"); }
static void edit_expect (VsPlan *p) { SET (p, expect_status, "2xx,700"); }
static void edit_connections_0 (VsPlan *p) { p->load.connections = 0; }
static void edit_connections_big (VsPlan *p) { p->load.connections = 100001; }
static void edit_open_no_rate (VsPlan *p) { p->load.model = VS_LOAD_OPEN; }
static void edit_both_limits (VsPlan *p) { p->load.requests = 100; }
static void edit_no_limit (VsPlan *p) { p->load.duration_us = 0; }
static void edit_warmup (VsPlan *p) { p->load.warmup_us = -1; }
static void edit_timeout (VsPlan *p) { p->load.timeout_us = 0; }
static void edit_threads (VsPlan *p) { p->load.threads = 1025; }
static void edit_pipeline_0 (VsPlan *p) { p->load.pipeline = 0; }
static void edit_pipeline_big (VsPlan *p) { p->load.pipeline = 1025; }
static void
edit_pipeline_soup (VsPlan *p)
{
  p->load.pipeline = 2;
  p->engine = VS_ENGINE_KIND_SOUP;
}
static void edit_rate_tiny (VsPlan *p) { p->load.model = VS_LOAD_OPEN; p->load.rate = 1e-14; }
static void edit_rate_huge (VsPlan *p) { p->load.model = VS_LOAD_OPEN; p->load.rate = 1e8; }
static void edit_rate_nan (VsPlan *p) { p->load.model = VS_LOAD_OPEN; p->load.rate = NAN; }
static void edit_rate_inf (VsPlan *p) { p->load.rate = INFINITY; }
static void edit_rate_negative (VsPlan *p) { p->load.rate = -5; }
static void edit_duration_long (VsPlan *p) { p->load.duration_us = 9223372036854 * G_USEC_PER_SEC; }
static void edit_warmup_long (VsPlan *p) { p->load.warmup_us = 31 * 24 * G_TIME_SPAN_HOUR; }
static void edit_timeout_long (VsPlan *p) { p->load.timeout_us = G_MAXINT64; }
static void edit_url_port_0 (VsPlan *p) { SET (p, url, "http://127.0.0.1:0/"); }
static void edit_content_length (VsPlan *p) { set_headers (p, "Accept: */*", "Content-Length: 5"); }
static void edit_transfer_encoding (VsPlan *p) { set_headers (p, "transfer-encoding: chunked", NULL); }
static void edit_host_twice (VsPlan *p) { set_headers (p, "Host: a.test", "host: b.test"); }
static void edit_streams_0 (VsPlan *p) { p->load.streams = 0; }
static void edit_streams_big (VsPlan *p) { p->load.streams = 1025; }
static void
edit_streams_native (VsPlan *p)
{
  p->load.streams = 2;
  p->engine = VS_ENGINE_KIND_NATIVE;
}
static void
edit_streams_pipeline (VsPlan *p)
{
  p->load.streams = 2;
  p->load.pipeline = 2;
}
static void
edit_https_native (VsPlan *p)
{
  SET (p, url, "https://127.0.0.1:8443/");
  p->engine = VS_ENGINE_KIND_NATIVE;
}
static void edit_streams_auto_http (VsPlan *p) { p->load.streams = 4; }
static void
edit_pipeline_auto_https (VsPlan *p)
{
  SET (p, url, "https://127.0.0.1:8443/");
  p->load.pipeline = 4;
}
static void edit_tick_small (VsPlan *p) { p->tick_us = 49999; }
static void edit_tick_big (VsPlan *p) { p->tick_us = 60 * G_USEC_PER_SEC + 1; }

static const BadCase bad_cases[] = {
  { "no-targets", edit_no_targets, "targets", "no targets" },
  { "empty-name", edit_empty_name, "targets[1].name", "empty" },
  { "duplicate-name", edit_dup_name, "targets[1].name", "targets[0]" },
  { "ftp", edit_url_ftp, "targets[1].url", "unsupported scheme “ftp”" },
  { "bad-url", edit_url_garbage, "targets[1].url", "not a valid URL" },
  { "no-scheme", edit_url_no_scheme, "targets[1].url", "http://127.0.0.1:8080/x" },
  { "no-host", edit_url_no_host, "targets[1].url", "no host" },
  { "empty-url", edit_url_empty, "targets[1].url", "missing" },
  { "method", edit_method, "targets[1].method", "“GE T”" },
  { "header-colon", edit_header_no_colon, "targets[1].headers[1]", "Name: value" },
  { "header-crlf", edit_header_crlf, "targets[1].headers[1]", "line break" },
  { "header-name", edit_header_bad_name, "targets[1].headers[1]", "Bad Name" },
  { "body-both", edit_body_both, "targets[1].body_file", "both" },
  { "body-file", edit_body_file_missing, "targets[1].body_file", "/nonexistent/versus-body" },
  { "expect", edit_expect, "targets[1].expect_status", "700" },
  { "connections-0", edit_connections_0, "load.connections", "1 to 100000" },
  { "connections-big", edit_connections_big, "load.connections", "100001" },
  { "open-no-rate", edit_open_no_rate, "load.rate", "open model" },
  { "both-limits", edit_both_limits, "load.duration", "both" },
  { "no-limit", edit_no_limit, "load.duration", "either" },
  { "warmup", edit_warmup, "load.warmup", "negative" },
  { "timeout", edit_timeout, "load.timeout", "0" },
  { "threads", edit_threads, "load.threads", "1024" },
  { "pipeline-0", edit_pipeline_0, "load.pipeline", "1 to 1024" },
  { "pipeline-big", edit_pipeline_big, "load.pipeline", "1025" },
  { "pipeline-soup", edit_pipeline_soup, "load.pipeline", "soup" },
  { "rate-tiny", edit_rate_tiny, "load.rate",
    "1e-14 is out of range; use 0.001 to 10000000 requests/s per target" },
  { "rate-huge", edit_rate_huge, "load.rate",
    "1e+08 is out of range; use 0.001 to 10000000 requests/s per target" },
  { "rate-nan", edit_rate_nan, "load.rate",
    "nan is out of range; use 0.001 to 10000000 requests/s per target" },
  { "rate-inf", edit_rate_inf, "load.rate",
    "inf is out of range; use 0.001 to 10000000 requests/s per target" },
  { "rate-negative", edit_rate_negative, "load.rate",
    "-5 is out of range; use 0.001 to 10000000 requests/s per target" },
  { "duration-long", edit_duration_long, "load.duration",
    "2562047788h54s is longer than 30 days, the limit" },
  { "warmup-long", edit_warmup_long, "load.warmup", "744h is longer than 30 days, the limit" },
  { "timeout-long", edit_timeout_long, "load.timeout", "is longer than 30 days, the limit" },
  { "port-0", edit_url_port_0, "targets[1].url",
    "port 0 is not a port a server listens on; use 1 to 65535" },
  { "content-length", edit_content_length, "targets[1].headers[1]",
    "Versus sets Content-Length itself, from the body; remove this header" },
  { "transfer-encoding", edit_transfer_encoding, "targets[1].headers[0]",
    "Versus frames the body itself, with Content-Length; remove this header" },
  { "host-twice", edit_host_twice, "targets[1].headers[1]",
    "Host is also given in headers[0]; keep one" },
  { "streams-0", edit_streams_0, "load.streams", "1 to 1024" },
  { "streams-big", edit_streams_big, "load.streams", "1025" },
  { "streams-native", edit_streams_native, "load.streams", "native" },
  { "streams-pipeline", edit_streams_pipeline, "load.streams", "pipeline" },
  /* what an engine cannot send is a plan problem too, with the field to change */
  { "https-native", edit_https_native, "targets[1].url",
    "the native engine speaks plain http:// only; use the soup engine for https://" },
  { "streams-auto-http", edit_streams_auto_http, "load.streams",
    "every target is plain http://, which the native engine runs over HTTP/1.1 without streams "
    "(libsoup speaks HTTP/2 over TLS only); use https:// targets or streams 1" },
  { "pipeline-auto-https", edit_pipeline_auto_https, "load.pipeline",
    "targets[1] is not plain http://, so the soup engine would run it, and it cannot pipeline; "
    "use pipeline 1" },
  { "tick-small", edit_tick_small, "tick", "50ms" },
  { "tick-big", edit_tick_big, "tick", "60s" },
};

static void
test_valid (void)
{
  g_autoptr(VsPlan) plan = valid_plan ();
  g_autoptr(GPtrArray) problems = vs_plan_check (plan);
  g_autoptr(GError) error = NULL;
  const VsTarget *a;

  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_true (vs_plan_validate (plan, &error));
  g_assert_no_error (error);

  a = vs_plan_get_target (plan, 0);
  g_assert_nonnull (a->uri);
  g_assert_cmpstr (g_uri_get_host (a->uri), ==, "127.0.0.1");
  g_assert_cmpint (g_uri_get_port (a->uri), ==, 8081);
  g_assert_nonnull (a->body_bytes);
  g_assert_cmpuint (g_bytes_get_size (a->body_bytes), ==, 0);
  g_assert_true (vs_status_rule_accepts (&a->status_rule, 200));
  g_assert_true (vs_status_rule_accepts (&a->status_rule, 302));
  g_assert_false (vs_status_rule_accepts (&a->status_rule, 404));

  /* a rate on the closed model is ignored, not an error */
  plan->load.rate = 50;
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = vs_plan_check (plan);
  g_assert_cmpuint (problems->len, ==, 0);

  /* an inline body becomes the bytes sent */
  g_clear_pointer (&vs_plan_get_target (plan, 1)->body, g_free);
  vs_plan_get_target (plan, 1)->body = g_strdup ("hello");
  g_assert_true (vs_plan_validate (plan, &error));
  g_assert_cmpmem (g_bytes_get_data (vs_plan_get_target (plan, 1)->body_bytes, NULL), 5,
                   "hello", 5);
}

static void
test_invalid (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(VsPlan) plan = valid_plan ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_prefix = NULL;

  bad->edit (plan);
  problems = vs_plan_check (plan);
  g_assert_cmpuint (problems->len, ==, 1);
  {
    const VsPlanProblem *problem = g_ptr_array_index (problems, 0);

    g_assert_cmpstr (problem->path, ==, bad->path);
    g_assert_nonnull (strstr (problem->message, bad->fragment));
  }

  g_assert_false (vs_plan_validate (plan, &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  expected_prefix = g_strconcat (bad->path, ": ", NULL);
  g_assert_true (g_str_has_prefix (error->message, expected_prefix));
  g_assert_nonnull (strstr (error->message, bad->fragment));
}

static void
test_every_problem (void)
{
  g_autoptr(VsPlan) plan = valid_plan ();
  g_autoptr(GPtrArray) problems = NULL;

  /* check() reports them all, not just the first */
  edit_url_ftp (plan);
  edit_connections_0 (plan);
  edit_tick_small (plan);
  problems = vs_plan_check (plan);
  g_assert_cmpuint (problems->len, ==, 3);
  g_assert_cmpstr (((VsPlanProblem *) g_ptr_array_index (problems, 0))->path, ==,
                   "targets[1].url");
  g_assert_cmpstr (((VsPlanProblem *) g_ptr_array_index (problems, 1))->path, ==,
                   "load.connections");
  g_assert_cmpstr (((VsPlanProblem *) g_ptr_array_index (problems, 2))->path, ==, "tick");
}

static void
assert_load_fails (const char *json,
                   const char *expected_prefix)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = vs_plan_load_from_data (json, -1, NULL, &error);

  if (plan != NULL)
    g_error ("%s was accepted", json);
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, expected_prefix))
    g_error ("“%s” does not start with “%s”", error->message, expected_prefix);
}

#define T "\"targets\":[{\"name\":\"a\",\"url\":\"http://127.0.0.1/\"}]"

static void
test_unknown_key (void)
{
  assert_load_fails ("{\"version\":1," T ",\"tik\":\"1s\"}", "tik: unknown key");
  assert_load_fails ("{\"version\":1," T ",\"load\":{\"conections\":5}}",
                     "load.conections: unknown key");
  assert_load_fails ("{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:1/\"},"
                     "{\"url\":\"http://127.0.0.1:2/\",\"header\":{}}]}",
                     "targets[1].header: unknown key");
}

static void
test_wrong_types (void)
{
  static const struct { const char *json; const char *prefix; } cases[] = {
    { "{\"version\":1," T ",\"load\":{\"connections\":\"50\"}}",
      "load.connections: expected a whole number" },
    { "{\"version\":1," T ",\"load\":{\"connections\":1.5}}",
      "load.connections: expected a whole number" },
    { "{\"version\":1," T ",\"load\":{\"connections\":-1}}",
      "load.connections: expected a whole number" },
    { "{\"version\":1," T ",\"load\":{\"connections\":99999999999}}",
      "load.connections: 99999999999 is too large" },
    { "{\"version\":1," T ",\"load\":{\"rate\":\"fast\"}}", "load.rate: expected a number" },
    { "{\"version\":1," T ",\"load\":{\"duration\":\"abc\"}}",
      "load.duration: expected a duration like 10s or 2m, got “abc”" },
    { "{\"version\":1," T ",\"load\":{\"duration\":-2}}", "load.duration: expected a number" },
    { "{\"version\":1," T ",\"load\":{\"warmup\":true}}", "load.warmup: expected a duration" },
    { "{\"version\":1," T ",\"load\":{\"model\":\"half-open\"}}",
      "load.model: “half-open” is not one of closed, open" },
    { "{\"version\":1," T ",\"load\":[]}", "load: expected an object" },
    { "{\"version\":1," T ",\"insecure\":\"yes\"}", "insecure: expected true or false" },
    { "{\"version\":1," T ",\"engine\":\"turbo\"}", "engine: “turbo” is not one of" },
    { "{\"version\":1," T ",\"mode\":3}", "mode: expected a string" },
    { "{\"version\":1,\"targets\":{}}", "targets: expected a list" },
    { "{\"version\":1,\"targets\":[\"http://127.0.0.1:1/\"]}", "targets[0]: expected an object" },
    { "{\"version\":1,\"targets\":[{\"url\":5}]}", "targets[0].url: expected a string" },
    { "{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:1/\",\"headers\":{\"A\":1}}]}",
      "targets[0].headers.A: expected a string" },
    { "{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:1/\",\"headers\":[\"A: b\",null]}]}",
      "targets[0].headers[1]: expected a string" },
    { "{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:1/\",\"headers\":\"A: b\"}]}",
      "targets[0].headers: expected an object" },
    { "[1,2]", "not a Versus plan" },
    { "{\"version\":1,", "not valid JSON" },
    { "", "not a Versus plan" },
    { "\"version\"", "not a Versus plan" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_load_fails (cases[i].json, cases[i].prefix);
}

static void
test_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = NULL;

  assert_load_fails ("{" T "}", "version: missing");
  assert_load_fails ("{\"version\":2," T "}", "version: this plan has version 2, newer");
  /* a newer plan's unknown keys do not hide the real reason */
  assert_load_fails ("{\"version\":9," T ",\"stages\":[]}", "version: this plan has version 9");
  assert_load_fails ("{\"version\":0," T "}", "version: 0 is not a plan version");
  assert_load_fails ("{\"version\":\"1\"," T "}", "version: expected a whole number");

  plan = vs_plan_load_from_data ("{\"version\":1," T "}", -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->version, ==, 1);
  g_assert_true (vs_plan_validate (plan, &error));
}

static void
test_load_forms (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = NULL;
  const VsTarget *t;

  plan = vs_plan_load_from_data (
    "{\"version\":1,\"targets\":[{\"name\":\"n\",\"url\":\"http://127.0.0.1:9/\","
    "\"headers\":{\"Accept\":\"application/json\",\"X-A\":\"1\"}},"
    "{\"name\":\"p\",\"url\":\"http://127.0.0.1:9/p\",\"headers\":[\"Cookie: a=1\"],"
    "\"body\":null}],"
    "\"load\":{\"model\":\"open\",\"rate\":1000,\"duration\":30,\"warmup\":\"500ms\","
    "\"timeout\":2.5,\"requests\":0},\"tick\":\"250ms\"}", -1, NULL, &error);
  g_assert_no_error (error);

  t = vs_plan_get_target (plan, 0);
  g_assert_cmpstr (t->headers[0], ==, "Accept: application/json");
  g_assert_cmpstr (t->headers[1], ==, "X-A: 1");
  g_assert_null (t->headers[2]);
  t = vs_plan_get_target (plan, 1);
  g_assert_cmpstr (t->headers[0], ==, "Cookie: a=1");
  g_assert_null (t->body);
  g_assert_cmpint (plan->load.model, ==, VS_LOAD_OPEN);
  g_assert_cmpfloat (plan->load.rate, ==, 1000);
  g_assert_cmpint (plan->load.duration_us, ==, 30 * G_USEC_PER_SEC);
  g_assert_cmpint (plan->load.warmup_us, ==, 500000);
  g_assert_cmpint (plan->load.timeout_us, ==, 2500000);
  g_assert_cmpint (plan->tick_us, ==, 250000);
  g_assert_true (vs_plan_validate (plan, &error));

  /* only a request count: runs by count, not by the default duration */
  g_clear_pointer (&plan, vs_plan_unref);
  plan = vs_plan_load_from_data ("{\"version\":1," T ",\"load\":{\"requests\":500}}", -1, NULL,
                                 &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->load.duration_us, ==, 0);
  g_assert_cmpuint (plan->load.requests, ==, 500);
  g_assert_true (vs_plan_validate (plan, &error));
}

/* Issue 13: a body file is read once, however many targets send it, and one over the limit is
 * refused with the field, its size and the limit (a sparse file: no disk is used). */
static void
test_body_file_shared (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-plan-XXXXXX", &error);
  g_autofree char *body = g_build_filename (dir, "body.bin", NULL);
  g_autofree char *huge = g_build_filename (dir, "huge.bin", NULL);
  g_autoptr(VsPlan) plan = vs_plan_new ();
  FILE *file;

  g_assert_no_error (error);
  g_file_set_contents (body, "0123456789", -1, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", i);
      VsTarget *target = vs_target_new (name, "http://127.0.0.1:9/");

      target->body_file = g_strdup (body);
      vs_plan_add_target (plan, target);
    }
  vs_plan_validate (plan, &error);
  g_assert_no_error (error);
  /* one GBytes for all three: the file's bytes are in memory once */
  g_assert_true (vs_plan_get_target (plan, 0)->body_bytes ==
                 vs_plan_get_target (plan, 1)->body_bytes);
  g_assert_true (vs_plan_get_target (plan, 0)->body_bytes ==
                 vs_plan_get_target (plan, 2)->body_bytes);
  g_assert_cmpuint (g_bytes_get_size (vs_plan_get_target (plan, 2)->body_bytes), ==, 10);

  file = g_fopen (huge, "w");
  g_assert_nonnull (file);
  g_assert_cmpint (ftruncate (fileno (file), (off_t) VS_PLAN_BODY_FILE_MAX + 1), ==, 0);
  fclose (file);
  g_free (vs_plan_get_target (plan, 1)->body_file);
  vs_plan_get_target (plan, 1)->body_file = g_strdup (huge);
  g_assert_false (vs_plan_validate (plan, &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "targets[1].body_file: "));
  g_assert_nonnull (strstr (error->message, "is 1073741825 bytes"));
  g_assert_nonnull (strstr (error->message, "at most 1073741824 bytes (1 GiB)"));

  g_unlink (huge);
  g_unlink (body);
  g_rmdir (dir);
}

static void
test_body_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-plan-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir, "plans", NULL);
  g_autofree char *payload = g_build_filename (sub, "payload.json", NULL);
  g_autofree char *plan_path = g_build_filename (sub, "p.json", NULL);
  g_autofree char *saved_path = g_build_filename (sub, "saved.json", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsPlan) saved = NULL;
  const VsTarget *t;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_file_set_contents (payload, "{\"x\":1}", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (plan_path,
                       "{\"version\":1,\"targets\":[{\"name\":\"a\","
                       "\"url\":\"http://127.0.0.1:9/\",\"method\":\"POST\","
                       "\"body_file\":\"payload.json\"}]}", -1, &error);
  g_assert_no_error (error);

  /* resolved against the plan's folder, not the working directory */
  g_assert_cmpint (g_chdir (dir), ==, 0);
  plan = vs_plan_load_from_file ("plans/p.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plan->base_dir, ==, sub);
  t = vs_plan_get_target (plan, 0);
  g_assert_cmpstr (t->body_file, ==, "payload.json");  /* kept as written */
  g_assert_true (vs_plan_validate (plan, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (t->body_bytes, NULL), g_bytes_get_size (t->body_bytes),
                   "{\"x\":1}", 7);

  /* saved and loaded again: still found */
  vs_plan_save_to_file (plan, saved_path, &error);
  g_assert_no_error (error);
  saved = vs_plan_load_from_file (saved_path, &error);
  g_assert_no_error (error);
  assert_plans_equal (plan, saved);
  g_assert_true (vs_plan_validate (saved, &error));

  /* gone: the error names the field and the resolved file */
  g_assert_cmpint (g_unlink (payload), ==, 0);
  g_assert_false (vs_plan_validate (plan, &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "targets[0].body_file: "));
  g_assert_nonnull (strstr (error->message, payload));
  g_clear_error (&error);

  /* a missing plan file is an I/O error; a broken one names the file */
  g_assert_null (vs_plan_load_from_file ("plans/nothing.json", &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_IO);
  g_clear_error (&error);
  g_file_set_contents (plan_path, "{\"version\":1,\"load\":{\"rate\":\"x\"}}", -1, &error);
  g_assert_no_error (error);
  g_assert_null (vs_plan_load_from_file ("plans/p.json", &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "plans/p.json: load.rate: expected a number");
  g_clear_error (&error);

  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_unlink (plan_path);
  g_unlink (saved_path);
  g_rmdir (sub);
  g_rmdir (dir);
}

static void
test_status_rules (void)
{
  static const struct { const char *text; guint yes[4]; guint no[4]; } good[] = {
    { "2xx,3xx", { 200, 299, 300, 399 }, { 199, 400, 404, 500 } },
    { "200", { 200, 200, 200, 200 }, { 201, 199, 300, 404 } },
    { "200-204, 404", { 200, 203, 204, 404 }, { 205, 403, 405, 500 } },
    { " 5XX ,  100 ", { 500, 599, 100, 550 }, { 101, 200, 499, 600 } },
    { "100-599", { 100, 599, 300, 404 }, { 99, 600, 639, 0 } },
  };
  static const char * const bad[] = {
    "", " ", "2xx,", ",200", "6xx", "0xx", "99", "600", "200-", "-200", "204-200", "2x",
    "abc", "2000", "200 204", "099-200", "500-600",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      VsStatusRule rule;

      g_assert_true (vs_status_rule_parse (&rule, good[i].text, &error));
      g_assert_no_error (error);
      for (guint j = 0; j < 4; j++)
        {
          g_assert_true (vs_status_rule_accepts (&rule, good[i].yes[j]));
          g_assert_false (vs_status_rule_accepts (&rule, good[i].no[j]));
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      VsStatusRule rule;

      if (vs_status_rule_parse (&rule, bad[i], &error))
        g_error ("“%s” was accepted", bad[i]);
      g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
    }
}

static void
test_enums (void)
{
  VsLoadModel model;
  VsMode mode;
  VsEngineKind kind;
  VsArrival arrival;

  g_assert_true (vs_load_model_from_string (vs_load_model_to_string (VS_LOAD_OPEN), &model));
  g_assert_cmpint (model, ==, VS_LOAD_OPEN);
  g_assert_cmpstr (vs_load_model_to_string (VS_LOAD_CLOSED), ==, "closed");
  g_assert_true (vs_mode_from_string ("sequential", &mode));
  g_assert_cmpint (mode, ==, VS_MODE_SEQUENTIAL);
  g_assert_cmpstr (vs_mode_to_string (VS_MODE_PARALLEL), ==, "parallel");
  g_assert_true (vs_engine_kind_from_string ("native", &kind));
  g_assert_cmpint (kind, ==, VS_ENGINE_KIND_NATIVE);
  g_assert_cmpstr (vs_engine_kind_to_string (VS_ENGINE_KIND_SOUP), ==, "soup");
  g_assert_cmpstr (vs_engine_kind_to_string (VS_ENGINE_KIND_AUTO), ==, "auto");
  g_assert_true (vs_arrival_from_string ("poisson", &arrival));
  g_assert_cmpint (arrival, ==, VS_ARRIVAL_POISSON);
  g_assert_cmpstr (vs_arrival_to_string (VS_ARRIVAL_UNIFORM), ==, "uniform");

  g_assert_false (vs_mode_from_string ("both", &mode));
  g_assert_false (vs_engine_kind_from_string (NULL, &kind));
  g_assert_false (vs_arrival_from_string ("", &arrival));
  g_assert_null (vs_mode_to_string (7));
}

/* The limits at the edge: 30 days and the rate's bounds pass, one step beyond does not. */
static void
test_limits (void)
{
  g_autoptr(VsPlan) plan = valid_plan ();
  g_autoptr(GError) error = NULL;

  plan->load.duration_us = 30 * 24 * G_TIME_SPAN_HOUR;
  plan->load.warmup_us = 30 * 24 * G_TIME_SPAN_HOUR;
  plan->load.timeout_us = 30 * 24 * G_TIME_SPAN_HOUR;
  plan->load.model = VS_LOAD_OPEN;
  plan->load.rate = 0.001;
  g_assert_true (vs_plan_validate (plan, &error));
  plan->load.rate = 10000000;
  g_assert_true (vs_plan_validate (plan, &error));
  g_assert_no_error (error);

  /* one Host replaces the one made from the URL (both engines send the plan's) */
  set_headers (plan, "Host: backend.test", "Accept: */*");
  g_assert_true (vs_plan_validate (plan, &error));
  g_assert_no_error (error);

  plan->load.duration_us++;
  g_assert_false (vs_plan_validate (plan, &error));
  g_assert_cmpstr (error->message, ==, "load.duration: 720h0.000001s is longer than 30 days, "
                                       "the limit");
}

/* Loads, then validates; the first error's whole message is @expected. */
static void
assert_plan_error (const char *json,
                   gssize      length,
                   const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = vs_plan_load_from_data (json, length, NULL, &error);

  if (plan != NULL)
    vs_plan_validate (plan, &error);
  g_assert_nonnull (error);
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected);
}

/* What json-glib 1.6 cannot take (deep nesting overflows its stack, \u0000 cuts strings,
 * integers beyond int64 wrap) is refused before it sees the text, with the value's path. */
static void
test_preflight (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"version\":1,\"targets\":");
  g_autofree char *big = NULL;
  g_autofree char *expected_deep = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  expected_deep = g_strdup_printf ("targets%s: nested more than 32 levels deep; a plan needs 5",
                                   "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
                                   "[0][0][0][0][0][0][0][0][0][0][0]");
  assert_plan_error (deep->str, deep->len, expected_deep);
  g_string_truncate (deep, 0);
  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, "{\"a\":");
  assert_plan_error (deep->str, deep->len, "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
                                           "a.a.a.a.a.a: nested more than 32 levels deep; a plan "
                                           "needs 5");

  assert_plan_error ("{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:1/\","
                     "\"headers\":{\"X-A\":\"a\\u0000b\"}}]}", -1,
                     "targets[0].headers.X-A: holds a NUL character (\\u0000), which cannot be "
                     "sent");
  assert_plan_error ("{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:1/\"},"
                     "{\"url\":\"http://127.0.0.1:2/\",\"name\":\"b\\u0000\"}]}", -1,
                     "targets[1].name: holds a NUL character (\\u0000), which cannot be sent");
  assert_plan_error ("{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:1/\","
                     "\"headers\":[\"A: b\",\"X\\u0000: c\"]}]}", -1,
                     "targets[0].headers[1]: holds a NUL character (\\u0000), which cannot be "
                     "sent");
  /* a raw NUL byte is refused too (json-glib would stop reading at it) */
  assert_plan_error ("{\"version\":1}\0garbage", 22,
                     "not a Versus plan: the text holds a NUL byte at offset 13");
  /* a backslash-escaped “u0000” is text, not a NUL */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VsPlan) plan = vs_plan_load_from_data ("{\"version\":1,\"targets\":[{\"url\":"
                                                     "\"http://127.0.0.1:1/\",\"body\":"
                                                     "\"\\\\u0000\"}]}", -1, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (vs_plan_get_target (plan, 0)->body, ==, "\\u0000");
  }

  assert_plan_error ("{\"version\":1," T ",\"load\":{\"connections\":18446744073709551616}}", -1,
                     "load.connections: 18446744073709551616 is too large");
  assert_plan_error ("{\"version\":1," T ",\"load\":{\"seed\":-99999999999999999999}}", -1,
                     "load.seed: -99999999999999999999 is too large");
  assert_plan_error ("{\"version\":1," T ",\"load\":{\"model\":\"open\",\"rate\":1e-14}}", -1,
                     "load.rate: 1e-14 is out of range; use 0.001 to 10000000 requests/s per "
                     "target");
  assert_plan_error ("{\"version\":1," T ",\"load\":{\"rate\":-3}}", -1,
                     "load.rate: -3 is out of range; use 0.001 to 10000000 requests/s per target");
  assert_plan_error ("{\"version\":1," T ",\"load\":{\"duration\":1e300}}", -1,
                     "load.duration: 2562047788h54.775807s is longer than 30 days, the limit");
  assert_plan_error ("{\"version\":1," T ",\"load\":{\"warmup\":\"9223372036854s\"}}", -1,
                     "load.warmup: 2562047788h54s is longer than 30 days, the limit");
  assert_plan_error ("{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:0/\"}]}", -1,
                     "targets[0].url: port 0 is not a port a server listens on; use 1 to 65535");
  assert_plan_error ("{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:1/\","
                     "\"name\":\"a\",\"headers\":{\"content-length\":\"5\"}}]}", -1,
                     "targets[0].headers[0]: Versus sets Content-Length itself, from the body; "
                     "remove this header");

  /* size: a plan of exactly 1 MiB (padded with spaces) loads, one byte more does not */
  big = g_malloc (1024 * 1024 + 2);
  memset (big, ' ', 1024 * 1024 + 1);
  big[1024 * 1024 + 1] = '\0';
  memcpy (big, "{\"version\":1," T "}", strlen ("{\"version\":1," T "}"));
  assert_plan_error (big, 1024 * 1024 + 1,
                     "not a Versus plan: larger than 1024 KiB, the limit for a plan");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VsPlan) plan = vs_plan_load_from_data (big, 1024 * 1024, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (vs_plan_get_n_targets (plan), ==, 1);
  }
}

/* Plan files must be regular files within the limit: a device or a FIFO is refused at once
 * (never read until memory runs out, never waited on). */
static void
test_plan_file_kinds (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-plan-XXXXXX", &error);
  g_autofree char *fifo = g_build_filename (dir, "fifo.json", NULL);
  g_autofree char *large = g_build_filename (dir, "large.json", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(VsPlan) plan = NULL;
  int fd;

  g_assert_no_error (error);

  plan = vs_plan_load_from_file ("/dev/zero", &error);
  g_assert_null (plan);
  g_assert_error (error, VS_ERROR, VS_ERROR_IO);
  g_assert_cmpstr (error->message, ==, "“/dev/zero” is not a regular file");
  g_clear_error (&error);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  plan = vs_plan_load_from_file (fifo, &error);
  g_assert_null (plan);
  expected = g_strdup_printf ("“%s” is not a regular file", fifo);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_clear_pointer (&expected, g_free);

  /* sparse: 200 MB on paper, nothing on disk */
  fd = g_open (large, O_CREAT | O_WRONLY, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 200 * 1000 * 1000), ==, 0);
  close (fd);
  plan = vs_plan_load_from_file (large, &error);
  g_assert_null (plan);
  expected = g_strdup_printf ("“%s” is larger than 1024 KiB, the limit for a plan", large);
  g_assert_cmpstr (error->message, ==, expected);

  g_unlink (fifo);
  g_unlink (large);
  g_rmdir (dir);
}

/* Truncated and garbled plans: an error or a plan, never a crash, never both or neither. */
static void
test_garbage (void)
{
  g_autoptr(VsPlan) plan = valid_plan ();
  g_autofree char *json = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize len;

  vs_plan_get_target (plan, 0)->body = g_strdup ("payload");
  vs_plan_get_target (plan, 1)->headers = (g_strfreev (vs_plan_get_target (plan, 1)->headers),
                                           g_strsplit ("A: b|C: d", "|", -1));
  json = vs_plan_to_json (plan);
  len = strlen (json);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VsPlan) loaded = vs_plan_load_from_data (json, cut, NULL, &error);

      g_assert_true ((loaded == NULL) != (error == NULL));
    }

  for (guint round = 0; round < 2000; round++)
    {
      g_autofree char *garbled = g_memdup2 (json, len + 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(VsPlan) loaded = NULL;
      guint flips = g_rand_int_range (rand, 1, 4);

      for (guint f = 0; f < flips; f++)
        {
          gsize at = g_rand_int_range (rand, 0, len);
          static const char noise[] = "{}[]\",:0-9.eE\\ \x01\xff\xc3tfn";

          garbled[at] = noise[g_rand_int_range (rand, 0, sizeof noise - 1)];
        }

      loaded = vs_plan_load_from_data (garbled, len, NULL, &error);
      g_assert_true ((loaded == NULL) != (error == NULL));
      if (loaded != NULL)
        {
          g_autoptr(GPtrArray) problems = vs_plan_check (loaded);
          g_autofree char *again = vs_plan_to_json (loaded);

          g_assert_nonnull (problems);
          g_assert_nonnull (again);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/plan/defaults", test_defaults);
  g_test_add_func ("/core/plan/round-trip", test_round_trip);
  g_test_add_func ("/core/plan/request", test_request);
  g_test_add_func ("/core/plan/valid", test_valid);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/plan/invalid/%s", bad_cases[i].name);

      g_test_add_data_func (path, &bad_cases[i], test_invalid);
    }
  g_test_add_func ("/core/plan/every-problem", test_every_problem);
  g_test_add_func ("/core/plan/unknown-key", test_unknown_key);
  g_test_add_func ("/core/plan/wrong-types", test_wrong_types);
  g_test_add_func ("/core/plan/version", test_version);
  g_test_add_func ("/core/plan/load-forms", test_load_forms);
  g_test_add_func ("/core/plan/body-file", test_body_file);
  g_test_add_func ("/core/plan/body-file-shared", test_body_file_shared);
  g_test_add_func ("/core/plan/status-rules", test_status_rules);
  g_test_add_func ("/core/plan/enums", test_enums);
  g_test_add_func ("/core/plan/garbage", test_garbage);
  g_test_add_func ("/core/plan/limits", test_limits);
  g_test_add_func ("/core/plan/preflight", test_preflight);
  g_test_add_func ("/core/plan/file-kinds", test_plan_file_kinds);

  return g_test_run ();
}
