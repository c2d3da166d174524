/* test-plan-backends.c: the plan's server / attach sections, generator_cpus and compare —
 * loading, saving back, the checks with their field paths, and the list of commands a person
 * must agree to (issue 11) */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "vs-plan.h"

/* The CPUs this process may use (at least 1); the machine's count for "name a CPU it lacks". */
static guint
n_cpus (void)
{
  VsCpuList all;

  vs_cpu_list_available (&all);
  return vs_cpu_list_count (&all);
}

static guint
first_cpu (void)
{
  VsCpuList all;

  vs_cpu_list_available (&all);
  for (guint c = 0; c < VS_CPU_LIST_MAX; c++)
    if (vs_cpu_list_contains (&all, c))
      return c;
  g_assert_not_reached ();
}

#define FULL_PLAN \
  "{\"version\": 1, \"targets\": [" \
  " {\"name\": \"a\", \"url\": \"http://127.0.0.1:8081/\"," \
  "  \"server\": {\"command\": [\"sh\", \"-c\", \"exec sleep 100\"], \"cwd\": \"sub\"," \
  "   \"env\": {\"GREETING\": \"hello world\", \"EMPTY\": \"\"}," \
  "   \"ready\": {\"url\": \"http://127.0.0.1:8081/health\", \"timeout\": \"15s\"}," \
  "   \"stop_grace\": \"2s\", \"cpus\": \"%u\", \"log\": \"a.log\"}}," \
  " {\"name\": \"b\", \"url\": \"http://127.0.0.1:8082/\"," \
  "  \"server\": {\"command\": [\"sh\"], \"ready\": {\"port\": 9000, \"host\": \"::1\"}}}," \
  " {\"name\": \"c\", \"url\": \"http://127.0.0.1:8083/\", \"attach\": %d}]," \
  " \"load\": {\"generator_cpus\": %s}," \
  " \"compare\": {\"answers\": true, \"ignore\": [\"/pid\", \"/a~1b\"]}}"

static void
assert_full (VsPlan *plan,
             guint   cpu)
{
  const VsTarget *a = vs_plan_get_target (plan, 0);
  const VsTarget *b = vs_plan_get_target (plan, 1);
  const VsTarget *c = vs_plan_get_target (plan, 2);
  g_autofree char *cpu_text = g_strdup_printf ("%u", cpu);
  const char *argv[] = { "sh", "-c", "exec sleep 100", NULL };
  const char *env[] = { "GREETING=hello world", "EMPTY=", NULL };
  const char *ignore[] = { "/pid", "/a~1b", NULL };

  g_assert_nonnull (a->server);
  g_assert_true (g_strv_equal ((const char * const *) a->server->argv, argv));
  g_assert_cmpstr (a->server->cwd, ==, "sub");
  g_assert_true (g_strv_equal ((const char * const *) a->server->env, env));
  g_assert_cmpint (a->server->ready_kind, ==, VS_SERVER_READY_HTTP);
  g_assert_cmpstr (a->server->ready_url, ==, "http://127.0.0.1:8081/health");
  g_assert_cmpuint (a->server->ready_timeout_ms, ==, 15000);
  g_assert_cmpuint (a->server->stop_grace_ms, ==, 2000);
  g_assert_cmpstr (a->server->cpus, ==, cpu_text);
  g_assert_cmpstr (a->server->log_path, ==, "a.log");
  g_assert_cmpint (a->attach, ==, 0);

  g_assert_nonnull (b->server);
  g_assert_cmpint (b->server->ready_kind, ==, VS_SERVER_READY_TCP);
  g_assert_cmpuint (b->server->ready_port, ==, 9000);
  g_assert_cmpstr (b->server->ready_host, ==, "::1");
  g_assert_null (b->server->cpus);
  g_assert_null (b->server->env);

  g_assert_null (c->server);
  g_assert_cmpint (c->attach, ==, getpid ());

  g_assert_true (plan->compare.answers);
  g_assert_true (g_strv_equal ((const char * const *) plan->compare.ignore, ignore));
}

/* Loaded, saved by vs_plan_to_json and loaded again: the same fields, the same text; a copy
 * too. */
static void
test_round_trip (void)
{
  guint cpu = first_cpu ();
  g_autofree char *generator = g_strdup_printf ("\"%u\"", cpu);
  g_autofree char *json = g_strdup_printf (FULL_PLAN, cpu, (int) getpid (), "null");
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = vs_plan_load_from_data (json, -1, NULL, &error);
  g_autoptr(VsPlan) again = NULL;
  g_autoptr(VsPlan) copy = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;

  g_assert_no_error (error);
  assert_full (plan, cpu);
  g_free (plan->load.generator_cpus);
  plan->load.generator_cpus = g_strdup ("0-1");

  saved = vs_plan_to_json (plan);
  again = vs_plan_load_from_data (saved, -1, NULL, &error);
  g_assert_no_error (error);
  assert_full (again, cpu);
  g_assert_cmpstr (again->load.generator_cpus, ==, "0-1");
  saved_again = vs_plan_to_json (again);
  g_assert_cmpstr (saved, ==, saved_again);

  copy = vs_plan_copy (again);
  assert_full (copy, cpu);
  g_assert_cmpstr (copy->load.generator_cpus, ==, "0-1");
  g_assert_true (copy->load.generator_cpus != again->load.generator_cpus);

  /* a plain plan saves none of it */
  {
    g_autoptr(VsPlan) plain = vs_plan_new ();
    g_autofree char *text = NULL;

    vs_plan_add_target (plain, vs_target_new ("x", "http://127.0.0.1:1/"));
    text = vs_plan_to_json (plain);
    g_assert_null (strstr (text, "server"));
    g_assert_null (strstr (text, "compare"));
    g_assert_null (strstr (text, "generator_cpus"));
  }
}

/* The first problem of the plan; NULL when it is valid. */
static char *
first_problem (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = vs_plan_load_from_data (json, -1, "/", &error);

  if (plan == NULL)
    return g_strdup (error->message);
  if (!vs_plan_validate (plan, &error))
    return g_strdup (error->message);
  return NULL;
}

static void
assert_problem (const char *json,
                const char *expected_start)
{
  g_autofree char *problem = first_problem (json);

  if (problem == NULL || !g_str_has_prefix (problem, expected_start))
    g_error ("plan %s: expected a problem starting “%s”, got “%s”", json, expected_start,
             problem ? problem : "(valid)");
}

static char *
two_servers (const char *mode,
             const char *cpus_a,
             const char *cpus_b,
             const char *generator)
{
  return g_strdup_printf ("{\"version\": 1, \"mode\": \"%s\", \"targets\": ["
                          " {\"name\": \"a\", \"url\": \"http://127.0.0.1:8081/\","
                          "  \"server\": {\"command\": [\"true\"], \"cpus\": %s}},"
                          " {\"name\": \"b\", \"url\": \"http://127.0.0.1:8082/\","
                          "  \"server\": {\"command\": [\"true\"], \"cpus\": %s}}],"
                          " \"load\": {\"generator_cpus\": %s}}",
                          mode, cpus_a, cpus_b, generator);
}

/* CPU lists that overlap each other (parallel mode) or the generator's, or name a CPU the
 * machine lacks, are rejected with the field's path. */
static void
test_cpu_lists (void)
{
  guint cpu = first_cpu ();
  g_autofree char *one = g_strdup_printf ("\"%u\"", cpu);
  g_autofree char *missing = g_strdup_printf ("\"%u\"", n_cpus () + 64);
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;

  json = two_servers ("parallel", one, one, "null");
  expected = g_strdup_printf ("targets[1].server.cpus: shares CPU %u with targets[0].server.cpus",
                              cpu);
  assert_problem (json, expected);
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&expected, g_free);

  /* in sequential mode one server runs at a time: the same core is fine */
  json = two_servers ("sequential", one, one, "null");
  g_assert_null (first_problem (json));
  g_clear_pointer (&json, g_free);

  /* the generator never shares a core, in either mode */
  json = two_servers ("sequential", one, "null", one);
  expected = g_strdup_printf ("targets[0].server.cpus: shares CPU %u with load.generator_cpus",
                              cpu);
  assert_problem (json, expected);
  g_clear_pointer (&json, g_free);

  json = two_servers ("parallel", missing, "null", "null");
  assert_problem (json, "targets[0].server.cpus: ");
  g_clear_pointer (&json, g_free);
  json = two_servers ("parallel", "null", "null", missing);
  assert_problem (json, "load.generator_cpus: ");
  g_clear_pointer (&json, g_free);
  json = two_servers ("parallel", "\"3-1\"", "null", "null");
  assert_problem (json, "targets[0].server.cpus: ");
  g_clear_pointer (&json, g_free);

  if (n_cpus () >= 2)
    {
      VsCpuList all;
      guint second = 0;

      vs_cpu_list_available (&all);
      for (second = cpu + 1; !vs_cpu_list_contains (&all, second); second++)
        ;
      {
        g_autofree char *two = g_strdup_printf ("%u", second);

        json = two_servers ("parallel", one, "null", two);
        g_assert_null (first_problem (json));
      }
    }
}

/* Each field of a server section is checked where it is: a path for every message. */
static void
test_fields (void)
{
  static const struct { const char *server; const char *expected; } cases[] = {
    { "{}", "targets[0].server.command: missing" },
    { "{\"command\": []}", "targets[0].server.command: expected at least one string" },
    { "{\"command\": \"node server.js\"}", "targets[0].server.command: expected a list" },
    { "{\"command\": [\"no-such-program-versus\"]}", "targets[0].server.command: no program" },
    { "{\"command\": [\"true\"], \"cwd\": \"/no/such/dir\"}", "targets[0].server.cwd: " },
    { "{\"command\": [\"true\"], \"env\": {\"A\": 1}}", "targets[0].server.env.A: expected a "
      "string" },
    { "{\"command\": [\"true\"], \"ready\": {\"port\": 0}}", "targets[0].server.ready.port: " },
    { "{\"command\": [\"true\"], \"ready\": {\"port\": 70000}}",
      "targets[0].server.ready.port: " },
    { "{\"command\": [\"true\"], \"ready\": {\"url\": \"http://10.1.2.3/\"}}",
      "targets[0].server.ready.url: " },
    { "{\"command\": [\"true\"], \"ready\": {\"url\": \"http://127.0.0.1/\", \"port\": 1}}",
      "targets[0].server.ready.url: give either" },
    { "{\"command\": [\"true\"], \"ready\": {\"timeout\": \"11m\"}}",
      "targets[0].server.ready.timeout: longer than 10 minutes" },
    { "{\"command\": [\"true\"], \"stop_grace\": \"0s\"}", "targets[0].server.stop_grace: must be "
      "longer than 0" },
    { "{\"command\": [\"true\"], \"typo\": 1}", "targets[0].server.typo: unknown key" },
    { "{\"command\": [\"true\"], \"cpus\": \"x\"}", "targets[0].server.cpus: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"version\": 1, \"targets\": [{\"name\": \"a\", "
                         "\"url\": \"http://127.0.0.1:8081/\", \"server\": %s}]}",
                         cases[i].server);

      assert_problem (json, cases[i].expected);
    }

  assert_problem ("{\"version\": 1, \"targets\": [{\"name\": \"a\", \"url\": \"http://127.0.0.1:1/\","
                  " \"server\": {\"command\": [\"true\"]}, \"attach\": 1}]}",
                  "targets[0].attach: both server and attach");
  assert_problem ("{\"version\": 1, \"targets\": [{\"name\": \"a\", \"url\": \"http://127.0.0.1:1/\","
                  " \"attach\": 0}]}", "targets[0].attach: expected the PID");
  assert_problem ("{\"version\": 1, \"targets\": [{\"name\": \"a\", \"url\": \"http://127.0.0.1:1/\"}],"
                  " \"compare\": {\"ignore\": [\"pid\"]}}", "compare.ignore[0]: ");
  assert_problem ("{\"version\": 1, \"targets\": [{\"name\": \"a\", \"url\": \"http://127.0.0.1:1/\"}],"
                  " \"compare\": {\"answer\": true}}", "compare.answer: unknown key");
}

/* The commands a person must agree to: exactly what would run, where, with what. */
static void
test_commands (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  g_autofree char *json = g_strdup_printf (FULL_PLAN, first_cpu (), (int) getpid (), "null");
  g_autofree char *text = NULL;
  g_autoptr(VsServerSpec) spec = NULL;
  const VsPlanCommand *command;

  plan = vs_plan_load_from_data (json, -1, "/plans", &error);
  g_assert_no_error (error);
  g_assert_true (vs_plan_has_commands (plan));

  commands = vs_plan_list_commands (plan);
  g_assert_cmpuint (commands->len, ==, 2);
  command = g_ptr_array_index (commands, 0);
  g_assert_cmpuint (command->index, ==, 0);
  g_assert_cmpstr (command->target, ==, "a");
  g_assert_cmpstr (command->argv[2], ==, "exec sleep 100");
  g_assert_cmpstr (command->cwd, ==, "/plans/sub");
  g_assert_cmpstr (command->env[0], ==, "GREETING=hello world");
  text = vs_plan_command_describe (command);
  g_assert_cmpstr (text, ==, "a: sh -c 'exec sleep 100'\n  in /plans/sub\n"
                             "  with GREETING=hello world\n  with EMPTY=");
  command = g_ptr_array_index (commands, 1);
  g_assert_cmpstr (command->cwd, ==, "/plans");  /* the default: the plan's folder */
  g_assert_nonnull (command->env);
  g_assert_null (command->env[0]);

  /* the spec a run launches: paths resolved, readiness from the URL when not given */
  spec = vs_plan_server_spec (plan, 0);
  g_assert_cmpstr (spec->log_path, ==, "/plans/a.log");
  g_clear_pointer (&spec, vs_server_spec_free);
  g_assert_null (vs_plan_server_spec (plan, 2));

  {
    g_autoptr(VsPlan) bare = vs_plan_load_from_data (
      "{\"version\": 1, \"targets\": [{\"name\": \"a\", \"url\": \"http://localhost:8099/x\","
      " \"server\": {\"command\": [\"true\"]}}]}", -1, NULL, &error);

    g_assert_no_error (error);
    spec = vs_plan_server_spec (bare, 0);
    g_assert_cmpint (spec->ready_kind, ==, VS_SERVER_READY_TCP);
    g_assert_cmpuint (spec->ready_port, ==, 8099);
    g_assert_cmpstr (spec->ready_host, ==, "localhost");
  }

  {
    g_autoptr(VsPlan) none = vs_plan_new ();
    g_autoptr(GPtrArray) empty = NULL;

    vs_plan_add_target (none, vs_target_new ("x", "http://127.0.0.1:1/"));
    empty = vs_plan_list_commands (none);
    g_assert_false (vs_plan_has_commands (none));
    g_assert_cmpuint (empty->len, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/plan-backends/round-trip", test_round_trip);
  g_test_add_func ("/core/plan-backends/cpu-lists", test_cpu_lists);
  g_test_add_func ("/core/plan-backends/fields", test_fields);
  g_test_add_func ("/core/plan-backends/commands", test_commands);

  return g_test_run ();
}
