/* vs-script-server.c: tests/vs-server-script.py, the Python server on loopback, for the tests */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vs-script-server.h"

guint16
vs_script_server_free_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t length = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &length), ==, 0);
  close (fd);
  return ntohs (addr.sin_port);
}

char *
vs_script_server_path (void)
{
  const char *source_dir = g_getenv ("VERSUS_SOURCE_DIR");   /* set by meson test */

  g_assert_nonnull (source_dir);
  return g_build_filename (source_dir, "tests", "vs-server-script.py", NULL);
}

GStrv
vs_script_server_argv (guint16     port,
                       const char *words)
{
  g_auto(GStrv) split = g_strsplit (words, " ", -1);
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, g_strdup ("python3"));
  g_ptr_array_add (argv, vs_script_server_path ());
  g_ptr_array_add (argv, g_strdup_printf ("%u", port));
  for (guint i = 0; split[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (split[i]));
  g_ptr_array_add (argv, NULL);
  return (GStrv) g_ptr_array_free (argv, FALSE);
}

VsServerSpec *
vs_script_server_spec (guint16    *port,
                       const char *words)
{
  VsServerSpec *spec = vs_server_spec_new ();

  *port = vs_script_server_free_port ();
  spec->argv = vs_script_server_argv (*port, words);
  spec->ready_kind = VS_SERVER_READY_TCP;
  spec->ready_port = *port;
  spec->ready_timeout_ms = 10000;
  spec->stop_grace_ms = 3000;
  return spec;
}

char *
vs_script_server_target (const char *name,
                         const char *words,
                         const char *extra,
                         guint16    *port)
{
  guint16 chosen = vs_script_server_free_port ();
  g_auto(GStrv) argv = vs_script_server_argv (chosen, words);
  g_autoptr(GString) command = g_string_new (NULL);

  for (guint i = 0; argv[i] != NULL; i++)
    g_string_append_printf (command, "%s\"%s\"", i > 0 ? ", " : "", argv[i]);
  if (port != NULL)
    *port = chosen;
  return g_strdup_printf ("{\"name\": \"%s\", \"url\": \"http://127.0.0.1:%u/\","
                          " \"server\": {\"command\": [%s], \"stop_grace\": \"3s\"%s}}",
                          name, chosen, command->str, extra);
}

double
vs_script_server_cpu_seconds (guint16 port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
                              .sin_port = htons (port) };
  const char request[] = "GET /cpu HTTP/1.0\r\n\r\n";
  char answer[512];
  gsize got = 0;
  gssize n;
  const char *body;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (send (fd, request, strlen (request), MSG_NOSIGNAL), ==, strlen (request));
  while (got < sizeof answer - 1 && (n = recv (fd, answer + got, sizeof answer - 1 - got, 0)) > 0)
    got += (gsize) n;
  close (fd);
  answer[got] = '\0';
  body = strstr (answer, "\r\n\r\n");
  g_assert_nonnull (body);
  return g_ascii_strtod (body + 4, NULL);
}

gboolean
vs_script_server_group_gone (pid_t pgid)
{
  return pgid > 0 && kill (-pgid, 0) == -1 && errno == ESRCH;
}
