/* test-cli.c: the built `versus run` end to end against an in-process server on 127.0.0.1
 *
 * The server (tests/vs-test-server.c) runs in a thread of its own and counts the requests it
 * answered per path; the test runs the binary (VERSUS_BINARY) and compares its files with those
 * counts.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "vs-plan.h"
#include "vs-test-server.h"

/* Runs `versus ARGS…`; returns the exit status. */
static int
run_versus (char       **out,
            char       **err,
            const char  *first_arg,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
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

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
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

static gboolean
send_sigint (gpointer data)
{
  g_subprocess_send_signal (data, SIGINT);
  return G_SOURCE_REMOVE;
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

/* Ctrl+C ends a long run early and still prints the table. */
static void
test_interrupt (void)
{
  VsTestServer *server;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  char *out[2] = { NULL, NULL };
  gint64 start;

  if (!have_binary ())
    return;

  server = vs_test_server_new (NULL);
  url = vs_test_server_url (server, "/ok");
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("VERSUS_BINARY"), "run", url, "-c", "2",
                              "-d", "30s", "--quiet", "--engine", "soup", NULL);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  g_timeout_add (1000, send_sigint, process);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/cli/run", test_run);
  g_test_add_func ("/engine/cli/invalid", test_invalid);
  g_test_add_func ("/engine/cli/unreachable", test_unreachable);
  g_test_add_func ("/engine/cli/interrupt", test_interrupt);
  g_test_add_func ("/engine/cli/save-plan", test_save_plan);

  return g_test_run ();
}
