/* test-cli.c: the built `versus run` end to end against an in-process server on 127.0.0.1
 *
 * The server (tests/vs-test-server.c) runs in a thread of its own and counts the requests it
 * answered per path; the test runs the binary (VERSUS_BINARY) and compares its files with those
 * counts.
 */
#define _GNU_SOURCE  /* sched_setaffinity() */
#include <glib.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-plan.h"
#include "vs-script-server.h"
#include "vs-server.h"
#include "vs-signals.h"
#include "vs-test-server.h"

/* ≥ 0: the next run_versus() runs the binary on this CPU alone, as `taskset -c N` would. */
static int child_cpu = -1;

static void
pin_child (gpointer data)
{
  cpu_set_t set;

  CPU_ZERO (&set);
  CPU_SET (GPOINTER_TO_INT (data), &set);
  if (sched_setaffinity (0, sizeof set, &set) != 0)
    _exit (99);
}

/* Runs `versus ARGS…`; returns the exit status. */
static int
run_versus (char       **out,
            char       **err,
            const char  *first_arg,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("VERSUS_BINARY");
  va_list args;

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (char *) binary);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (child_cpu >= 0)
    g_subprocess_launcher_set_child_setup (launcher, pin_child, GINT_TO_POINTER (child_cpu),
                                           NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  g_test_message ("stderr: %s", *err);
  return g_subprocess_get_exit_status (process);
}

static gboolean
have_binary (void)
{
  if (g_getenv ("VERSUS_BINARY") == NULL)
    {
      g_test_skip ("VERSUS_BINARY is not set");
      return FALSE;
    }
  return TRUE;
}

/* A CSV file's lines, without the empty one after the last newline. Our files hold no quoted
 * line breaks in these tests (names and URLs have none). */
static GStrv
read_lines (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  GStrv lines;
  guint n;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  n = g_strv_length (lines);
  if (n > 0 && *lines[n - 1] == '\0')
    g_clear_pointer (&lines[n - 1], g_free);
  for (guint i = 0; lines[i] != NULL; i++)
    g_strchomp (lines[i]);  /* CRLF line ends */
  return lines;
}

static int
column (const char *header,
        const char *name)
{
  g_auto(GStrv) cells = g_strsplit (header, ",", -1);

  for (guint i = 0; cells[i] != NULL; i++)
    if (g_str_equal (cells[i], name))
      return i;
  g_error ("no column “%s” in “%s”", name, header);
  return -1;
}

static void
test_run (void)
{
  VsTestServer *server;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *csv_dir = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *url_a = NULL;
  g_autofree char *url_b = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *summary_path = NULL;
  g_autofree char *timeseries_path = NULL;
  g_autofree char *name_a = NULL;
  g_autofree char *name_b = NULL;
  g_auto(GStrv) summary = NULL;
  g_auto(GStrv) timeseries = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int name_col, requests_col;
  int served_a, served_b;
  guint port;
  int status;

  if (!have_binary ())
    return;

  server = vs_test_server_new (NULL);
  dir = g_dir_make_tmp ("versus-cli-XXXXXX", &error);
  g_assert_no_error (error);
  csv_dir = g_build_filename (dir, "csv", NULL);
  json_path = g_build_filename (dir, "result.json", NULL);
  /* two paths the server counts apart */
  url_a = vs_test_server_url (server, "/ok");
  url_b = vs_test_server_url (server, "/status/200");
  uri = g_uri_parse (url_a, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);

  status = run_versus (&out, &err, "run", url_a, url_b, "-c", "4", "-n", "200",
                       "--csv", csv_dir, "--json", json_path, "--quiet", "--engine", "soup",
                       NULL);
  served_a = vs_test_server_count (server, VS_TEST_PATH_OK);
  served_b = vs_test_server_count (server, VS_TEST_PATH_STATUS);
  port = g_uri_get_port (uri);
  vs_test_server_free (server);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (served_a, ==, 200);
  g_assert_cmpint (served_b, ==, 200);

  /* the table names both targets (same host:port, so with their paths) */
  name_a = g_strdup_printf ("127.0.0.1:%u/ok", port);
  name_b = g_strdup_printf ("127.0.0.1:%u/status/200", port);
  g_assert_nonnull (strstr (out, name_a));
  g_assert_nonnull (strstr (out, name_b));
  g_assert_nonnull (strstr (out, "B/A"));
  g_assert_nonnull (strstr (out, "soup"));

  /* summary.csv: a header and one row per target, counts as the server saw them */
  summary_path = g_build_filename (csv_dir, "summary.csv", NULL);
  summary = read_lines (summary_path);
  g_assert_cmpuint (g_strv_length (summary), ==, 3);
  name_col = column (summary[0], "target");
  requests_col = column (summary[0], "requests");
  for (guint row = 1; row <= 2; row++)
    {
      g_auto(GStrv) cells = g_strsplit (summary[row], ",", -1);
      gboolean is_a = g_str_equal (cells[name_col], name_a);
      int served = is_a ? served_a : served_b;

      g_assert_true (is_a || g_str_equal (cells[name_col], name_b));
      g_assert_cmpint (g_ascii_strtoll (cells[requests_col], NULL, 10), ==, served);
    }

  /* timeseries.csv: at least one interval per target */
  timeseries_path = g_build_filename (csv_dir, "timeseries.csv", NULL);
  timeseries = read_lines (timeseries_path);
  g_assert_cmpuint (g_strv_length (timeseries), >=, 3);

  /* the JSON result parses and is an object */
  json_parser_load_from_file (parser, json_path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  g_unlink (summary_path);
  g_unlink (timeseries_path);
  g_unlink (json_path);
  g_rmdir (csv_dir);
  g_rmdir (dir);
}

/* The row of summary.csv (one target) as a column → value lookup. */
static GHashTable *
summary_of (const char *path)
{
  g_auto(GStrv) lines = read_lines (path);
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) cells = NULL;
  GHashTable *row = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  names = g_strsplit (lines[0], ",", -1);
  cells = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (names), ==, g_strv_length (cells));
  for (guint i = 0; names[i] != NULL; i++)
    g_hash_table_insert (row, g_strdup (names[i]), g_strdup (cells[i]));
  return row;
}

static guint64
summary_uint (GHashTable *row,
              const char *name)
{
  const char *value = g_hash_table_lookup (row, name);

  g_assert_nonnull (value);
  return g_ascii_strtoull (value, NULL, 10);
}

/* The default worker count follows the CPUs the process may run on (issue 9, point 1): pinned
 * to one CPU, as under `taskset -c N`, it runs one worker, and says so in the table's notes
 * and in summary.csv; unpinned, one per CPU of the test's own affinity. */
static void
test_affinity (void)
{
  VsTestServer *server;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *summary_path = NULL;
  cpu_set_t mine;
  int first_cpu = -1, n_cpus;

  if (!have_binary ())
    return;

  g_assert_cmpint (sched_getaffinity (0, sizeof mine, &mine), ==, 0);
  n_cpus = CPU_COUNT (&mine);
  for (int cpu = 0; cpu < CPU_SETSIZE && first_cpu < 0; cpu++)
    if (CPU_ISSET (cpu, &mine))
      first_cpu = cpu;
  g_assert_cmpint (first_cpu, >=, 0);

  server = vs_test_server_new (NULL);
  url = vs_test_server_url (server, "/ok");
  dir = g_dir_make_tmp ("versus-cli-XXXXXX", &error);
  g_assert_no_error (error);
  summary_path = g_build_filename (dir, "summary.csv", NULL);

  for (guint pinned = 0; pinned <= 1; pinned++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *line = NULL;
      g_autoptr(GHashTable) row = NULL;
      guint expected_cpus = pinned ? 1 : n_cpus;
      int served_before = vs_test_server_count (server, VS_TEST_PATH_OK);
      int status;

      child_cpu = pinned ? first_cpu : -1;
      status = run_versus (&out, &err, "run", url, "-c", "8", "-n", "300", "--quiet",
                           "--engine", "native", "--csv", dir, NULL);
      child_cpu = -1;
      g_assert_cmpint (status, ==, 0);
      g_assert_cmpint (vs_test_server_count (server, VS_TEST_PATH_OK) - served_before, ==, 300);

      row = summary_of (summary_path);
      g_assert_cmpuint (summary_uint (row, "cpus"), ==, expected_cpus);
      /* one worker per CPU (the 8 connections leave room for up to 8) */
      g_assert_cmpuint (summary_uint (row, "workers"), ==, MIN (expected_cpus, 8));
      g_assert_cmpuint (summary_uint (row, "requests"), ==, 300);

      if (expected_cpus == 1)
        line = g_strdup ("1 worker thread on 1 CPU.");
      else
        line = g_strdup_printf ("%u worker threads on %u CPUs.", MIN (expected_cpus, 8),
                                expected_cpus);
      g_assert_nonnull (strstr (out, line));
      g_assert_null (strstr (out, "More workers than CPUs"));
      g_unlink (summary_path);
    }

  /* asked for more workers than the CPUs: it does as told, and says what that costs */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GHashTable) row = NULL;

    child_cpu = first_cpu;
    g_assert_cmpint (run_versus (&out, &err, "run", url, "-c", "8", "-n", "300", "--quiet",
                                 "-t", "3", "--engine", "native", "--csv", dir, NULL), ==, 0);
    child_cpu = -1;
    row = summary_of (summary_path);
    g_assert_cmpuint (summary_uint (row, "workers"), ==, 3);
    g_assert_cmpuint (summary_uint (row, "cpus"), ==, 1);
    g_assert_nonnull (strstr (out, "3 worker threads on 1 CPU."));
    g_assert_nonnull (strstr (out, "More workers than CPUs"));
  }

  vs_test_server_free (server);
  g_unlink (summary_path);
  {
    g_autofree char *timeseries = g_build_filename (dir, "timeseries.csv", NULL);

    g_unlink (timeseries);
  }
  g_rmdir (dir);
}

static void
test_invalid (void)
{
  static const struct { const char *args[4]; const char *named; } cases[] = {
    { { "ftp://127.0.0.1/x", NULL }, "targets[0].url" },
    { { "http://127.0.0.1:9/", "-c", "0", NULL }, "connections" },
    { { "http://127.0.0.1:9/", "-d", "abc", NULL }, "--duration" },
    { { "http://127.0.0.1:9/", "--bogus", NULL }, "--bogus" },
    /* auto picks soup for https://, which cannot pipeline: said, not silently dropped */
    { { "https://127.0.0.1:9/", "-p", "4", NULL }, "load.pipeline" },
    /* issue 13: each used to crash, connect to port 80, or run for no time with exit 0 */
    { { "http://127.0.0.1:0/", NULL }, "targets[0].url: port 0" },
    { { "http://127.0.0.1:9/", "-r", "1e-14", NULL }, "load.rate: 1e-14 is out of range" },
    { { "http://127.0.0.1:9/", "-d", "9223372036854s", NULL }, "load.duration: " },
    { { "http://127.0.0.1:9/", "-H", "Content-Length: 5", NULL }, "--header: " },
    { { "--plan", "/dev/zero", NULL }, "--plan: “/dev/zero” is not a regular file" },
    /* auto picks native for plain http://, which has no streams: said, not ignored */
    { { "http://127.0.0.1:9/", "--streams", "4", NULL }, "load.streams" },
  };

  if (!have_binary ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_versus (&out, &err, "run", cases[i].args[0], cases[i].args[1],
                               cases[i].args[2], cases[i].args[3], NULL);
      g_auto(GStrv) lines = g_strsplit (err, "\n", -1);

      g_assert_cmpint (status, ==, 2);
      g_assert_cmpstr (out, ==, "");
      /* one line, starting with the program name, naming the field */
      g_assert_cmpuint (g_strv_length (lines), ==, 2);
      g_assert_cmpstr (lines[1], ==, "");
      g_assert_true (g_str_has_prefix (err, "versus: "));
      g_assert_nonnull (strstr (err, cases[i].named));
    }
}

/* Hostile plan files get exit status 2 and one line naming the value, never a crash. */
static void
test_hostile_plans (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-cli-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "plan.json", NULL);
  g_autoptr(GString) deep = g_string_new ("{\"version\":1,\"targets\":");
  g_autofree char *deep_message = NULL;
  const char *rate_plan = "{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:9/\","
                          "\"name\":\"a\"}],\"load\":{\"model\":\"open\",\"rate\":1e-14,"
                          "\"arrival\":\"poisson\"},\"engine\":\"soup\"}";
  const char *nul_plan = "{\"version\":1,\"targets\":[{\"url\":\"http://127.0.0.1:9/\","
                         "\"name\":\"a\",\"body\":\"a\\u0000b\"}]}";

  if (!have_binary ())
    return;
  g_assert_no_error (error);

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  {
    g_autoptr(GString) path_text = g_string_new ("targets");

    for (guint i = 0; i < 31; i++)
      g_string_append (path_text, "[0]");
    deep_message = g_strdup_printf ("versus: %s: %s: nested more than 32 levels deep; a plan "
                                    "needs 5\n", path, path_text->str);
  }

  {
    const struct { const char *json; gssize len; const char *message; } cases[] = {
      { deep->str, deep->len, deep_message },
      { rate_plan, -1, "versus: load.rate: 1e-14 is out of range; use 0.001 to 10000000 "
                       "requests/s per target\n" },
      { nul_plan, -1, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        g_autofree char *nul_message = NULL;
        int status;

        g_assert_true (g_file_set_contents (path, cases[i].json, cases[i].len, NULL));
        status = run_versus (&out, &err, "run", "--plan", path, NULL);
        g_assert_cmpint (status, ==, 2);
        g_assert_cmpstr (out, ==, "");
        if (cases[i].message == NULL)
          nul_message = g_strdup_printf ("versus: %s: targets[0].body: holds a NUL character "
                                         "(\\u0000), which cannot be sent\n", path);
        g_assert_cmpstr (err, ==, cases[i].message != NULL ? cases[i].message : nul_message);
      }
  }

  g_unlink (path);
  g_rmdir (dir);
}

static guint
free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  /* closed again when the socket goes: nothing listens there */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_unreachable (void)
{
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (!have_binary ())
    return;

  url = g_strdup_printf ("http://127.0.0.1:%u/", free_port ());
  status = run_versus (&out, &err, "run", url, "-n", "20", "-c", "2", "--quiet",
                       "--engine", "soup", "--timeout", "2s", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "could not be reached"));
}

static void
communicated (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  char **out = data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &out[0], &out[1], &error);
  g_assert_no_error (error);
}

typedef struct
{
  GSubprocess *process;
  int          signo;
} Signal;

static gboolean
send_signal (gpointer data)
{
  Signal *signal = data;

  g_subprocess_send_signal (signal->process, signal->signo);
  return G_SOURCE_REMOVE;
}

/* Runs `versus run URL -c 2 -d 30s --quiet EXTRA…` against a fresh test server, sends signo
 * after a second, and checks that it ended well before the 30 s with exit status 0 and
 * printed the table. out[0], out[1]: its stdout and stderr, for the caller to free. */
static void
run_interrupted (int                signo,
                 const char *const *extra,
                 char              *out[2])
{
  VsTestServer *server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/ok");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Signal signal = { NULL, signo };
  gint64 start;

  g_ptr_array_add (argv, (char *) g_getenv ("VERSUS_BINARY"));
  for (const char *const *a = (const char *const[]) { "run", url, "-c", "2", "-d", "30s",
                                                       "--quiet", NULL };
       *a != NULL; a++)
    g_ptr_array_add (argv, (char *) *a);
  for (; *extra != NULL; extra++)
    g_ptr_array_add (argv, (char *) *extra);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  signal.process = process;
  g_timeout_add (1000, send_signal, &signal);
  out[0] = out[1] = NULL;
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated, out);
  while (out[1] == NULL)
    g_main_context_iteration (NULL, TRUE);
  vs_test_server_free (server);

  g_test_message ("stderr: %s", out[1]);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  /* well before the 30 s it was asked for */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (out[0], "latency p99"));
}

/* Ctrl+C ends a long run early and still prints the table. */
static void
test_interrupt (void)
{
  char *out[2];

  if (!have_binary ())
    return;

  run_interrupted (SIGINT, (const char *const[]) { "--engine", "soup", NULL }, out);
  g_assert_nonnull (strstr (out[1], "interrupted"));

  g_free (out[0]);
  g_free (out[1]);
}

static void
test_save_plan (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-cli-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "plan.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(VsPlan) plan = NULL;
  int status;

  if (!have_binary ())
    return;

  g_assert_no_error (error);
  status = run_versus (&out, &err, "run", "http://127.0.0.1:9/x", "-r", "300", "-d", "5s",
                       "--name", "api", "--save-plan", path, NULL);
  g_assert_cmpint (status, ==, 0);

  plan = vs_plan_load_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vs_plan_get_target (plan, 0)->name, ==, "api");
  g_assert_cmpint (plan->load.model, ==, VS_LOAD_OPEN);
  g_assert_cmpfloat (plan->load.rate, ==, 300);
  g_assert_cmpint (plan->load.duration_us, ==, 5 * G_USEC_PER_SEC);

  /* a file that cannot be written is an I/O failure (1), not invalid input (2) */
  {
    g_autofree char *nowhere = g_build_filename (dir, "missing", "plan.json", NULL);

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    status = run_versus (&out, &err, "run", "http://127.0.0.1:9/x", "--save-plan", nowhere,
                         NULL);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "--save-plan"));
  }

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_versus (&out, &err, "run", "--version", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "versus "));

  g_unlink (path);
  g_rmdir (dir);
}

/* ---------------------------------------------------------------------------------------- */
/* Nothing lost: every output written, whatever happens to the others or to stdout          */

/* A folder with the paths of the three result files. */
typedef struct
{
  char *dir;
  char *csv_dir;
  char *summary;
  char *timeseries;
  char *json;
} Outputs;

static void
outputs_init (Outputs *o)
{
  g_autoptr(GError) error = NULL;

  o->dir = g_dir_make_tmp ("versus-cli-XXXXXX", &error);
  g_assert_no_error (error);
  o->csv_dir = g_build_filename (o->dir, "csv", NULL);
  o->summary = g_build_filename (o->csv_dir, "summary.csv", NULL);
  o->timeseries = g_build_filename (o->csv_dir, "timeseries.csv", NULL);
  o->json = g_build_filename (o->dir, "result.json", NULL);
}

static void
outputs_clear (Outputs *o)
{
  g_unlink (o->summary);
  g_unlink (o->timeseries);
  g_unlink (o->json);
  g_rmdir (o->csv_dir);
  g_rmdir (o->dir);
  g_free (o->dir);
  g_free (o->csv_dir);
  g_free (o->summary);
  g_free (o->timeseries);
  g_free (o->json);
}

/* The summary's "requests" of its one target. */
static guint64
summary_requests (const char *path)
{
  g_auto(GStrv) lines = read_lines (path);
  g_auto(GStrv) cells = NULL;

  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  cells = g_strsplit (lines[1], ",", -1);
  return g_ascii_strtoull (cells[column (lines[0], "requests")], NULL, 10);
}

static void
assert_json_result (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
}

/* Runs `versus run URL -n 20 -c 1 --csv … --json …` with stdout as @launcher says; returns
 * the exit status (the process must exit, not die of a signal) and its stderr. */
static int
run_with_outputs (GSubprocessLauncher *launcher,
                  const char          *url,
                  Outputs             *o,
                  char               **err)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("VERSUS_BINARY"), "run",
                                         url, "-n", "20", "-c", "1", "--quiet",
                                         "--engine", "native", "--csv", o->csv_dir,
                                         "--json", o->json, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", *err);
  g_assert_false (g_subprocess_get_if_signaled (process));
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* `versus run … | true`: stdout's reader is gone before the table is printed. SIGPIPE used to
 * kill the run before any file was written. */
static void
test_broken_stdout (void)
{
  const char *expected[] = {
    "versus: could not write the table to standard output: Broken pipe\n",
    "versus: could not write the table to standard output: No space left on device\n",
  };

  if (!have_binary ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_autoptr(GError) error = NULL;
      g_autofree char *url = NULL;
      g_autofree char *err = NULL;
      VsTestServer *server = vs_test_server_new (NULL);
      Outputs o = { 0 };
      int served;
      int status;

      outputs_init (&o);
      url = vs_test_server_url (server, "/ok");
      if (i == 0)
        {
          int fds[2];

          g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
          close (fds[0]);  /* no reader, ever */
          g_subprocess_launcher_take_stdout_fd (launcher, fds[1]);
        }
      else
        g_subprocess_launcher_set_stdout_file_path (launcher, "/dev/full");

      status = run_with_outputs (launcher, url, &o, &err);
      served = vs_test_server_count (server, VS_TEST_PATH_OK);
      vs_test_server_free (server);

      g_assert_cmpint (status, ==, 1);
      g_assert_cmpstr (err, ==, expected[i]);
      /* the files are written all the same, with what the server saw */
      g_assert_cmpint (served, ==, 20);
      g_assert_cmpuint (summary_requests (o.summary), ==, 20);
      {
        g_auto(GStrv) timeseries = read_lines (o.timeseries);

        g_assert_cmpuint (g_strv_length (timeseries), >=, 2);
      }
      assert_json_result (o.json);
      outputs_clear (&o);
    }
}

/* A --csv that cannot be written does not skip --json: each failure is said, every other
 * output is written. */
static void
test_every_output (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *url = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  VsTestServer *server;
  Outputs o = { 0 };
  int status;

  if (!have_binary ())
    return;

  server = vs_test_server_new (NULL);
  url = vs_test_server_url (server, "/ok");
  outputs_init (&o);
  /* a file where the CSV folder should be */
  g_assert_true (g_file_set_contents (o.csv_dir, "in the way", -1, NULL));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  status = run_with_outputs (launcher, url, &o, &err);
  vs_test_server_free (server);

  g_assert_cmpint (status, ==, 1);
  expected = g_strdup_printf ("versus: --csv: Could not create the folder “%s”: Not a "
                              "directory\n", o.csv_dir);
  g_assert_cmpstr (err, ==, expected);
  assert_json_result (o.json);

  g_unlink (o.csv_dir);
  outputs_clear (&o);
}

static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { 2048, 2048 };

  /* between fork and exec: only async-signal-safe calls */
  setrlimit (RLIMIT_FSIZE, &limit);
}

/* A disk that fills up while the JSON result is written (a file size limit of 2 KiB on the
 * process): the write fails, is reported, and the previous result survives intact. It used to
 * be left truncated. */
static void
test_full_disk (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir_path = NULL;
  const char *old = "{\"previous\": \"result\"}\n";
  const char *name;
  VsTestServer *server;
  Outputs o = { 0 };
  guint n_names = 0;
  int status;

  if (!have_binary ())
    return;

  server = vs_test_server_new (NULL);
  url = vs_test_server_url (server, "/ok");
  outputs_init (&o);
  g_assert_true (g_file_set_contents (o.json, old, -1, NULL));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, limit_file_size, NULL, NULL);
  status = run_with_outputs (launcher, url, &o, &err);
  vs_test_server_free (server);

  g_assert_cmpint (status, ==, 1);
  /* the small CSV files fit under the limit (the time series of a run this short has a
   * line or two; should it grow past 2 KiB, its failure is said too); the JSON does not */
  expected = g_strdup_printf ("versus: --json: Could not write “%s”: File too large\n", o.json);
  if (!g_str_equal (err, expected))
    {
      g_autofree char *both = g_strdup_printf ("versus: --csv: Could not write “%s”: File too "
                                               "large\n%s", o.timeseries, expected);

      g_assert_cmpstr (err, ==, both);
    }
  g_assert_true (g_file_get_contents (o.json, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, old);
  g_assert_cmpuint (summary_requests (o.summary), ==, 20);

  /* no temporary file left behind: the folder holds csv/ and result.json only */
  dir = g_dir_open (o.dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_true (g_str_equal (name, "csv") || g_str_equal (name, "result.json"));
      n_names++;
    }
  g_assert_cmpuint (n_names, ==, 2);
  outputs_clear (&o);
}

/* SIGTERM (what `timeout` and CI runners send) ends the run like the first Ctrl-C: the table,
 * the files, exit status 0. It used to exit 143 with nothing reported or written. */
static void
test_sigterm (void)
{
  char *out[2];
  Outputs o = { 0 };

  if (!have_binary ())
    return;

  outputs_init (&o);
  run_interrupted (SIGTERM, (const char *const[]) { "--engine", "native", "--csv", o.csv_dir,
                                                    "--json", o.json, NULL }, out);
  g_assert_cmpstr (out[1], ==, "versus: interrupted; the figures cover the run up to then "
                               "(SIGTERM)\n");
  g_assert_cmpuint (summary_requests (o.summary), >, 0);
  assert_json_result (o.json);

  g_free (out[0]);
  g_free (out[1]);
  outputs_clear (&o);
}

/* As root (as here, in CI containers) --save-plan /dev/null used to replace /dev/null with a
 * regular file. Refused, and /dev/null stays the device; a link to a plan is followed. */
static void
test_save_plan_kinds (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("versus-cli-XXXXXX", &error);
  g_autofree char *real = g_build_filename (dir, "real.json", NULL);
  g_autofree char *link = g_build_filename (dir, "link.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(VsPlan) plan = NULL;
  struct stat st;
  int status;

  if (!have_binary ())
    return;

  status = run_versus (&out, &err, "run", "http://127.0.0.1:9/x", "--save-plan", "/dev/null",
                       NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (err, ==, "versus: --save-plan: Could not write “/dev/null”: it is not a "
                            "regular file, and Versus replaces only regular files\n");
  g_assert_cmpint (g_lstat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));

  g_assert_true (g_file_set_contents (real, "old", -1, NULL));
  g_assert_cmpint (symlink ("real.json", link), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_versus (&out, &err, "run", "http://127.0.0.1:9/x", "--name", "linked",
                       "--save-plan", link, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  plan = vs_plan_load_from_file (real, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vs_plan_get_target (plan, 0)->name, ==, "linked");

  g_unlink (link);
  g_unlink (real);
  g_rmdir (dir);
}

/* ---- the second signal (vs-signals.h) ------------------------------------------------------ */

typedef struct
{
  int   signo;  /* the one first was called with */
  guint n_calls;
} First;

static void
on_first_signal (int      signo,
                 gpointer data)
{
  First *first = data;

  first->signo = signo;
  first->n_calls++;
}

/* The child of /engine/cli/second-signal: watches the window's quit signals, raises those of
 * $VS_FIRST_SIGNALS (before the main context runs), says what first was called with, then
 * (unless $VS_SECOND_SIGNAL is 0) starts a managed server, says its process group and raises
 * $VS_SECOND_SIGNAL; last it says that it is still there. */
static void
test_second_signal_child (void)
{
  static const int quit_signals[] = { SIGINT, SIGTERM, SIGHUP };
  g_autoptr(VsSignalWatch) watch = NULL;
  g_auto(GStrv) firsts = NULL;
  First first = { 0 };
  int second;

  if (!g_test_subprocess ())
    {
      g_test_skip ("run by /engine/cli/second-signal");
      return;
    }
  firsts = g_strsplit (g_getenv ("VS_FIRST_SIGNALS"), " ", -1);
  second = atoi (g_getenv ("VS_SECOND_SIGNAL"));

  watch = vs_signal_watch_new (quit_signals, G_N_ELEMENTS (quit_signals), on_first_signal,
                               &first);
  for (guint i = 0; firsts[i] != NULL; i++)
    raise (atoi (firsts[i]));
  while (first.n_calls == 0)
    g_main_context_iteration (NULL, TRUE);
  /* the second is armed once that dispatch has returned: whatever else is due runs */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  printf ("first %d, %u call(s)\n", first.signo, first.n_calls);
  fflush (stdout);
  if (second != 0)
    {
      guint16 port;
      g_autoptr(VsServerSpec) spec = vs_script_server_spec (&port, "normal");
      g_autoptr(VsServer) server = vs_server_new (spec);
      g_autoptr(GError) error = NULL;

      g_assert_true (vs_server_start_sync (server, NULL, &error));
      g_assert_no_error (error);
      printf ("server %d\n", (int) vs_server_get_pid (server));
      fflush (stdout);
      raise (second);
      g_assert_true (vs_server_stop_sync (server, NULL, NULL));
    }
  printf ("still there\n");
  fflush (stdout);
}

/* Runs the child with those signals; *out: its stdout, *term_sig: the signal that ended it (0
 * when it exited, with status 0). */
static void
run_signal_child (const char  *firsts,
                  int          second,
                  char       **out,
                  int         *term_sig)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *second_text = g_strdup_printf ("%d", second);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (self);
  g_subprocess_launcher_setenv (launcher, "VS_FIRST_SIGNALS", firsts, TRUE);
  g_subprocess_launcher_setenv (launcher, "VS_SECOND_SIGNAL", second_text, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, self, "-p",
                                         "/engine/cli/second-signal/child", "--GTestSubprocess",
                                         NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("signals %s then %d: %s", firsts, second, *out);
  if (g_subprocess_get_if_signaled (process))
    *term_sig = g_subprocess_get_term_sig (process);
  else
    {
      g_assert_true (g_subprocess_get_if_exited (process));
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
      *term_sig = 0;
    }
}

/* Raises firsts, then second (none when 0), at a child that watches the quit signals: first
 * is called once, with one of firsts, and ends nothing; second ends the process by itself, and
 * the server the child started is stopped before (its process group is gone: by default the
 * signal would have left it running). */
static void
assert_second_signal (const char *firsts,
                      int         second)
{
  g_auto(GStrv) raised = g_strsplit (firsts, " ", -1);
  g_autofree char *out = NULL;
  g_autofree char *first = NULL;
  const char *said;
  const char *server;
  pid_t pgid;
  int term_sig = -1;
  int signo = 0;
  guint n_calls = 0;

  run_signal_child (firsts, second, &out, &term_sig);
  said = strstr (out, "first ");
  g_assert_nonnull (said);
  g_assert_cmpint (sscanf (said, "first %d, %u call(s)", &signo, &n_calls), ==, 2);
  g_assert_cmpuint (n_calls, ==, 1);
  first = g_strdup_printf ("%d", signo);
  g_assert_true (g_strv_contains ((const char * const *) raised, first));
  g_assert_cmpint (term_sig, ==, second);
  if (second == 0)
    {
      g_assert_nonnull (strstr (said, "still there\n"));
      return;
    }
  g_assert_null (strstr (said, "still there"));
  server = strstr (said, "server ");
  g_assert_nonnull (server);
  pgid = atoi (server + strlen ("server "));
  g_assert_cmpint (pgid, >, 0);
  for (int i = 0; i < 250 && !vs_script_server_group_gone (pgid); i++)
    g_usleep (20000);
  g_assert_true (vs_script_server_group_gone (pgid));
}

/* The first of the watched signals stops gently (first is called); any second one ends the
 * process by that signal. */
static void
test_second_signal (void)
{
  assert_second_signal ("1", 0);             /* SIGHUP alone */
  assert_second_signal ("2 15", 0);          /* SIGINT and SIGTERM at once: one call */
  assert_second_signal ("2", SIGINT);        /* Ctrl+C twice */
  assert_second_signal ("15", SIGINT);
  assert_second_signal ("1", SIGTERM);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/cli/run", test_run);
  g_test_add_func ("/engine/cli/invalid", test_invalid);
  g_test_add_func ("/engine/cli/hostile-plans", test_hostile_plans);
  g_test_add_func ("/engine/cli/affinity", test_affinity);
  g_test_add_func ("/engine/cli/unreachable", test_unreachable);
  g_test_add_func ("/engine/cli/interrupt", test_interrupt);
  g_test_add_func ("/engine/cli/save-plan", test_save_plan);
  g_test_add_func ("/engine/cli/broken-stdout", test_broken_stdout);
  g_test_add_func ("/engine/cli/every-output", test_every_output);
  g_test_add_func ("/engine/cli/full-disk", test_full_disk);
  g_test_add_func ("/engine/cli/sigterm", test_sigterm);
  g_test_add_func ("/engine/cli/second-signal", test_second_signal);
  g_test_add_func ("/engine/cli/second-signal/child", test_second_signal_child);
  g_test_add_func ("/engine/cli/save-plan-kinds", test_save_plan_kinds);

  return g_test_run ();
}
