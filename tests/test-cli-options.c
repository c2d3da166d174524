/* test-cli-options.c: `versus run` flags build the plan; bad flags name themselves */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vs-cli-options.h"
#include "vs-cli-table.h"
#include "vs-error.h"

/* Parses a command line given as one string (split on spaces). */
static gboolean
parse (VsCliOptions *options,
       const char   *line,
       GError      **error)
{
  g_auto(GStrv) argv = g_strsplit (line, " ", -1);

  return vs_cli_options_parse (options, g_strv_length (argv), argv, error);
}

static void
assert_fails (const char *line,
              const char *expected_prefix)
{
  g_auto(VsCliOptions) options = { 0 };
  g_autoptr(GError) error = NULL;

  if (parse (&options, line, &error))
    g_error ("“%s” was accepted", line);
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, expected_prefix))
    g_error ("“%s”: “%s” does not start with “%s”", line, error->message, expected_prefix);
}

static void
test_flags (void)
{
  g_auto(VsCliOptions) options = { 0 };
  g_autoptr(GError) error = NULL;
  VsPlan *plan;
  const VsTarget *t;

  parse (&options,
         "run http://127.0.0.1:8081/a http://127.0.0.1:8082/b -c 4 -n 200 -t 2 -m post "
         "-H X-A:1 -H Accept:*/* --body hi --expect 200-204 --engine native "
         "--timeout 2s --warmup 500ms --insecure --mode sequential --tick 250ms -p 8 "
         "--csv out --json r.json --quiet",
         &error);
  g_assert_no_error (error);

  plan = options.plan;
  g_assert_nonnull (plan);
  g_assert_cmpuint (vs_plan_get_n_targets (plan), ==, 2);
  g_assert_cmpint (plan->load.model, ==, VS_LOAD_CLOSED);
  g_assert_cmpuint (plan->load.connections, ==, 4);
  g_assert_cmpuint (plan->load.requests, ==, 200);
  g_assert_cmpint (plan->load.duration_us, ==, 0);  /* -n alone: by count */
  g_assert_cmpuint (plan->load.threads, ==, 2);
  g_assert_cmpint (plan->load.timeout_us, ==, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (plan->load.warmup_us, ==, 500000);
  g_assert_cmpuint (plan->load.pipeline, ==, 8);
  g_assert_cmpint (plan->engine, ==, VS_ENGINE_KIND_NATIVE);
  g_assert_cmpint (plan->mode, ==, VS_MODE_SEQUENTIAL);
  g_assert_cmpint (plan->tick_us, ==, 250000);
  g_assert_true (plan->insecure);
  g_assert_cmpstr (options.csv_dir, ==, "out");
  g_assert_cmpstr (options.json_file, ==, "r.json");
  g_assert_true (options.quiet);
  g_assert_null (options.save_plan);

  t = vs_plan_get_target (plan, 1);
  g_assert_cmpstr (t->url, ==, "http://127.0.0.1:8082/b");
  g_assert_cmpstr (t->method, ==, "POST");
  g_assert_cmpstr (t->headers[0], ==, "X-A:1");
  g_assert_cmpstr (t->headers[1], ==, "Accept:*/*");
  g_assert_cmpstr (t->body, ==, "hi");
  g_assert_cmpstr (t->expect_status, ==, "200-204");
  /* validated: resolved fields are there */
  g_assert_nonnull (t->uri);
  g_assert_cmpuint (g_bytes_get_size (t->body_bytes), ==, 2);
  g_assert_true (vs_status_rule_accepts (&t->status_rule, 204));
  g_assert_false (vs_status_rule_accepts (&t->status_rule, 302));
}

static void
test_rate_and_duration (void)
{
  g_auto(VsCliOptions) options = { 0 };
  g_autoptr(GError) error = NULL;

  parse (&options, "run http://127.0.0.1:1/ -r 250.5 -d 2m --arrival poisson --seed 7", &error);
  g_assert_no_error (error);
  g_assert_cmpint (options.plan->load.model, ==, VS_LOAD_OPEN);
  g_assert_cmpfloat (options.plan->load.rate, ==, 250.5);
  g_assert_cmpint (options.plan->load.duration_us, ==, 120 * G_USEC_PER_SEC);
  g_assert_cmpuint (options.plan->load.requests, ==, 0);
  g_assert_cmpint (options.plan->load.arrival, ==, VS_ARRIVAL_POISSON);
  g_assert_cmpuint (options.plan->load.seed, ==, 7);
}

/* --streams sets the HTTP/2 streams per connection, and only where they can apply. */
static void
test_streams (void)
{
  g_auto(VsCliOptions) options = { 0 };
  g_autoptr(GError) error = NULL;

  parse (&options, "run https://127.0.0.1:1/ -c 3 --streams 6", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (options.plan->load.connections, ==, 3);
  g_assert_cmpuint (options.plan->load.streams, ==, 6);

  assert_fails ("run https://127.0.0.1:1/ --streams 0", "load.streams: 0 is out of range");
  assert_fails ("run https://127.0.0.1:1/ --streams 1025", "load.streams: 1025 is out of range");
  assert_fails ("run https://127.0.0.1:1/ --streams many", "--streams: ");
  assert_fails ("run http://127.0.0.1:1/ --streams 2 --engine native",
                "load.streams: the native engine");
  assert_fails ("run http://127.0.0.1:1/ --streams 2 -p 2", "load.streams: streams");
}

static void
test_names (void)
{
  static const struct { const char *line; const char *names[4]; } cases[] = {
    /* different ports: host:port is enough */
    { "run http://127.0.0.1:8081/a http://127.0.0.1:8082/a",
      { "127.0.0.1:8081", "127.0.0.1:8082", NULL } },
    /* the same host:port: the path tells them apart */
    { "run http://127.0.0.1:9/a http://127.0.0.1:9/b?x=1",
      { "127.0.0.1:9/a", "127.0.0.1:9/b?x=1", NULL } },
    /* the same URL twice: the position does */
    { "run http://127.0.0.1:9/a http://127.0.0.1:9/a",
      { "127.0.0.1:9/a #1", "127.0.0.1:9/a #2", NULL } },
    /* default ports, IPv6 */
    { "run http://localhost/ https://localhost/ http://[::1]:8080/",
      { "localhost:80", "localhost:443", "[::1]:8080", NULL } },
    /* --name: comma lists and repeats, in URL order; the rest named from the URL */
    { "run http://127.0.0.1:1/ http://127.0.0.1:2/ http://127.0.0.1:3/ --name node,flask",
      { "node", "flask", "127.0.0.1:3", NULL } },
    { "run http://127.0.0.1:1/ http://127.0.0.1:2/ http://127.0.0.1:3/ "
      "--name node --name ,fastapi",
      { "node", "127.0.0.1:2", "fastapi", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(VsCliOptions) options = { 0 };
      g_autoptr(GError) error = NULL;
      guint n;

      parse (&options, cases[i].line, &error);
      g_assert_no_error (error);
      n = g_strv_length ((char **) cases[i].names);
      g_assert_cmpuint (vs_plan_get_n_targets (options.plan), ==, n);
      for (guint j = 0; j < n; j++)
        g_assert_cmpstr (vs_plan_get_target (options.plan, j)->name, ==, cases[i].names[j]);
    }
}

static void
test_invalid (void)
{
  assert_fails ("run http://127.0.0.1:1/ -d abc",
                "--duration: expected a duration like 10s or 2m, got “abc”");
  assert_fails ("run http://127.0.0.1:1/ -c 0", "load.connections: ");
  assert_fails ("run http://127.0.0.1:1/ -c x", "--connections: expected a whole number");
  assert_fails ("run http://127.0.0.1:1/ -c -3", "--connections: expected a whole number");
  assert_fails ("run http://127.0.0.1:1/ ftp://127.0.0.1/x",
                "targets[1].url: unsupported scheme “ftp”");
  assert_fails ("run 127.0.0.1:8080", "targets[0].url: “127.0.0.1:8080” is not a URL");
  assert_fails ("run http://127.0.0.1:1/ -r fast", "--rate: expected requests per second");
  assert_fails ("run http://127.0.0.1:1/ -r 0", "load.rate: the open model");
  assert_fails ("run http://127.0.0.1:1/ -d 1s -n 5", "load.duration: both");
  assert_fails ("run http://127.0.0.1:1/ --engine turbo",
                "--engine: expected auto, soup or native, got “turbo”");
  assert_fails ("run http://127.0.0.1:1/ --mode both",
                "--mode: expected parallel, sequential, rounds or capacity");
  assert_fails ("run http://127.0.0.1:1/ --arrival burst", "--arrival: expected uniform or");
  assert_fails ("run http://127.0.0.1:1/ --tick 1ms", "tick: must be between");
  assert_fails ("run http://127.0.0.1:1/ -p 2 --engine soup", "load.pipeline: the soup engine");
  assert_fails ("run http://127.0.0.1:1/ -H NoColon", "--header: “NoColon” is not a header");
  assert_fails ("run http://127.0.0.1:1/ --body a --body-file b", "--body-file: ");
  assert_fails ("run http://127.0.0.1:1/ --expect 2xx,7xx", "--expect: ");
  assert_fails ("run http://127.0.0.1:1/ --name a,b", "--name: 2 names for 1 targets");
  assert_fails ("run http://127.0.0.1:1/ --body-file /nonexistent/versus-body",
                "targets[0].body_file: cannot read");
  assert_fails ("run http://127.0.0.1:1/ --nonsense", "Unknown option --nonsense");
  assert_fails ("run", "give at least one URL");
  assert_fails ("run --plan /nonexistent/versus-plan.json",
                "--plan: cannot open “/nonexistent/versus-plan.json”: No such file or directory");
}

/* What a hostile command line gets: the whole message, naming the field and the limit. */
static void
assert_message (const char *line,
                const char *expected)
{
  g_auto(VsCliOptions) options = { 0 };
  g_autoptr(GError) error = NULL;

  if (parse (&options, line, &error))
    g_error ("“%s” was accepted", line);
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_hostile (void)
{
  const char *rate_range = "use 0.001 to 10000000 requests/s per target";
  static const char * const rates[] = { "1e-14", "nan", "inf", "-1", "1e8" };
  static const char * const printed[] = { "1e-14", "nan", "inf", "-1", "1e+08" };

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      g_autofree char *line = g_strdup_printf ("run http://127.0.0.1:1/ -d 1s -r %s", rates[i]);
      g_autofree char *expected = g_strdup_printf ("load.rate: %s is out of range; %s",
                                                   printed[i], rate_range);

      assert_message (line, expected);
    }
  assert_message ("run http://127.0.0.1:1/ -r 1e-12 -t 64 -c 64",
                  "load.rate: 1e-12 is out of range; use 0.001 to 10000000 requests/s per target");

  assert_message ("run http://127.0.0.1:1/ -d 9223372036854s",
                  "load.duration: 2562047788h54s is longer than 30 days, the limit");
  assert_message ("run http://127.0.0.1:1/ --warmup 9223372036854s",
                  "load.warmup: 2562047788h54s is longer than 30 days, the limit");
  assert_message ("run http://127.0.0.1:1/ --timeout 721h",
                  "load.timeout: 721h is longer than 30 days, the limit");

  assert_message ("run http://127.0.0.1:0/",
                  "targets[0].url: port 0 is not a port a server listens on; use 1 to 65535");
  assert_message ("run http://127.0.0.1:1/ -H Content-Length:5",
                  "--header: Versus sets Content-Length itself, from the body; remove this "
                  "header");
  assert_message ("run http://127.0.0.1:1/ -H transfer-encoding:chunked",
                  "--header: Versus frames the body itself, with Content-Length; remove this "
                  "header");

  /* misleading messages of old */
  assert_message ("run ", "targets[0].url: missing; give an http:// or https:// URL");
  assert_message ("run http://127.0.0.1:1/ --body-file ", "--body-file: empty; give a file name");
  assert_message ("run http://127.0.0.1:1/ -c 18446744073709551616",
                  "--connections: 18446744073709551616 is too large; at most 4294967295");
  assert_message ("run http://127.0.0.1:1/ -c 100001",
                  "load.connections: 100001 is out of range; use 1 to 100000");

  assert_message ("run --plan /dev/zero", "--plan: “/dev/zero” is not a regular file");
}

static void
test_host_override (void)
{
  g_auto(VsCliOptions) options = { 0 };
  g_autoptr(GError) error = NULL;

  /* one Host: kept, replacing the one from the URL */
  g_assert_true (parse (&options, "run http://127.0.0.1:1/ -H Host:backend.test", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vs_plan_get_target (options.plan, 0)->headers[0], ==, "Host:backend.test");
}

static void
test_plan_file (void)
{
  g_auto(VsCliOptions) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-cli-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "p.json", NULL);
  g_autofree char *saved = g_build_filename (dir, "saved.json", NULL);
  g_autofree char *line = NULL;
  const VsTarget *t;

  g_assert_no_error (error);
  g_file_set_contents (path,
                       "{\"version\":1,\"targets\":["
                       "{\"name\":\"node\",\"url\":\"http://127.0.0.1:8081/\","
                       "\"headers\":{\"Accept\":\"text/plain\",\"X-B\":\"2\"}},"
                       "{\"url\":\"http://127.0.0.1:8082/\"}],"
                       "\"load\":{\"connections\":5,\"requests\":1000,\"threads\":3}}",
                       -1, &error);
  g_assert_no_error (error);

  /* flags override the file; what they do not name stays as the file says */
  line = g_strdup_printf ("run --plan %s -d 3s -c 7 -H accept:application/json --save-plan %s",
                          path, saved);
  parse (&options, line, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (options.plan->load.connections, ==, 7);
  g_assert_cmpint (options.plan->load.duration_us, ==, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (options.plan->load.requests, ==, 0);
  g_assert_cmpuint (options.plan->load.threads, ==, 3);
  g_assert_cmpstr (options.save_plan, ==, saved);
  t = vs_plan_get_target (options.plan, 0);
  g_assert_cmpstr (t->name, ==, "node");
  g_assert_cmpstr (t->headers[0], ==, "X-B: 2");
  g_assert_cmpstr (t->headers[1], ==, "accept:application/json");  /* replaced, not added */
  g_assert_null (t->headers[2]);
  g_assert_cmpstr (vs_plan_get_target (options.plan, 1)->name, ==, "127.0.0.1:8082");

  /* URLs given with --plan replace its targets */
  vs_cli_options_clear (&options);
  g_free (line);
  line = g_strdup_printf ("run --plan %s http://127.0.0.1:9/", path);
  parse (&options, line, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vs_plan_get_n_targets (options.plan), ==, 1);
  g_assert_cmpstr (vs_plan_get_target (options.plan, 0)->name, ==, "127.0.0.1:9");
  g_assert_cmpuint (options.plan->load.connections, ==, 5);
  g_assert_cmpuint (options.plan->load.requests, ==, 1000);

  /* an error inside the file names the file and the field */
  g_file_set_contents (path, "{\"version\":1,\"load\":{\"connections\":\"many\"}}", -1, &error);
  g_assert_no_error (error);
  g_free (line);
  line = g_strdup_printf ("run --plan %s", path);
  {
    g_autofree char *prefix = g_strdup_printf ("%s: load.connections: expected a whole number",
                                               path);

    assert_fails (line, prefix);
  }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_version (void)
{
  g_auto(VsCliOptions) options = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (parse (&options, "run --version", &error));
  g_assert_no_error (error);
  g_assert_true (options.version);
  g_assert_null (options.plan);
}

static void
test_table (void)
{
  g_autoptr(VsCliTable) table = vs_cli_table_new (3);
  g_autofree char *text = NULL;
  const char * const header[] = { "", "node (A)", "B/A" };
  const char * const row1[] = { "latency p50", "842µs", "1.25×" };
  const char * const row2[] = { "requests", "20000", NULL };

  vs_cli_table_add_row (table, header);
  vs_cli_table_add_row (table, row1);
  vs_cli_table_add_row (table, row2);
  text = vs_cli_table_render (table);

  /* labels left, figures right, widths in characters (µ and × are one each) */
  g_assert_cmpstr (text, ==,
                   "             node (A)    B/A\n"
                   "latency p50     842µs  1.25×\n"
                   "requests        20000\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/cli/flags", test_flags);
  g_test_add_func ("/core/cli/rate-and-duration", test_rate_and_duration);
  g_test_add_func ("/core/cli/streams", test_streams);
  g_test_add_func ("/core/cli/names", test_names);
  g_test_add_func ("/core/cli/invalid", test_invalid);
  g_test_add_func ("/core/cli/plan-file", test_plan_file);
  g_test_add_func ("/core/cli/hostile", test_hostile);
  g_test_add_func ("/core/cli/host-override", test_host_override);
  g_test_add_func ("/core/cli/version", test_version);
  g_test_add_func ("/core/cli/table", test_table);

  return g_test_run ();
}
