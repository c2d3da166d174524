/* fuzz-native-response.c: the native engine's response handling, fed raw bytes as a server
 * would send them
 *
 * The engine is not opened up for this: each input runs a real native-engine job (one worker,
 * one connection, a budget of two requests) against a loopback server in this process that
 * answers every connection with the input's bytes, then ends its side of the connection. The
 * first byte picks the method (GET or HEAD: HEAD responses have no body whatever they announce)
 * and the pipeline depth (1 or 2); the rest is the response.
 *
 * Properties: no crash and no error report from the sanitizers; the job ends within the
 * request timeout plus slack (a response that never completes is a timeout, never a hang);
 * the counts are consistent: no more finished requests than the budget, every response is
 * counted in exactly one status class, and no more response bytes than the server sent (or was about to).
 */
#include "vs-fuzz.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vs-engine.h"
#include "vs-job.h"
#include "vs-plan.h"
#include "vs-stats.h"

#define BUDGET          2
#define TIMEOUT_US      (500 * 1000)
#define DEADLINE_US     (10 * G_USEC_PER_SEC)
#define SERVER_WAIT_MS  500

static struct
{
  int       listen_fd;
  guint16   port;
  GMutex    lock;
  GBytes   *response;     /* what every connection gets; set before each job */
  guint64   bytes_out;    /* written since the last reset */
} server;

/* Reads what the client sends until a blank line ends a request head, or for a while. */
static void
read_request (int fd)
{
  char buf[4096];
  GString *seen = g_string_new (NULL);

  while (strstr (seen->str, "\r\n\r\n") == NULL)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      ssize_t n;

      if (poll (&pfd, 1, SERVER_WAIT_MS) <= 0)
        break;
      n = read (fd, buf, sizeof buf);
      if (n <= 0)
        break;
      g_string_append_len (seen, buf, n);
    }
  g_string_free (seen, TRUE);
}

/* Waits (briefly) for the client to close, draining what it sends, so that our close sends a
 * FIN rather than a reset that could discard the response before the client read it. */
static void
drain (int fd)
{
  char buf[4096];

  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };

      if (poll (&pfd, 1, SERVER_WAIT_MS) <= 0 || read (fd, buf, sizeof buf) <= 0)
        return;
    }
}

static gpointer
server_thread (gpointer data)
{
  for (;;)
    {
      g_autoptr(GBytes) response = NULL;
      const guint8 *bytes;
      gsize size, off = 0;
      int fd = accept (server.listen_fd, NULL, NULL);

      if (fd < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          g_error ("fuzz server: accept: %s", g_strerror (errno));
        }

      /* counted before sending: the client may finish before the send call returns */
      g_mutex_lock (&server.lock);
      response = g_bytes_ref (server.response);
      server.bytes_out += g_bytes_get_size (response);
      g_mutex_unlock (&server.lock);

      read_request (fd);
      bytes = g_bytes_get_data (response, &size);
      while (off < size)
        {
          ssize_t n = send (fd, bytes + off, size - off, MSG_NOSIGNAL);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break;
          off += n;
        }
      shutdown (fd, SHUT_WR);
      drain (fd);
      close (fd);
    }
  return NULL;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;

  g_mutex_init (&server.lock);
  server.response = g_bytes_new_static ("", 0);
  server.listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (server.listen_fd, >=, 0);
  g_assert_cmpint (bind (server.listen_fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (server.listen_fd, 16), ==, 0);
  g_assert_cmpint (getsockname (server.listen_fd, (struct sockaddr *) &addr, &len), ==, 0);
  server.port = ntohs (addr.sin_port);
  g_thread_unref (g_thread_new ("fuzz-server", server_thread, NULL));
  return 0;
}

static VsPlan *
make_plan (gboolean head,
           guint    pipeline)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", server.port);
  VsPlan *plan = vs_plan_new ();
  VsTarget *target = vs_target_new ("server", url);

  if (head)
    {
      g_free (target->method);
      target->method = g_strdup ("HEAD");
    }
  vs_plan_add_target (plan, target);
  plan->engine = VS_ENGINE_KIND_NATIVE;
  plan->load.model = VS_LOAD_CLOSED;
  plan->load.connections = 1;
  plan->load.threads = 1;
  plan->load.pipeline = pipeline;
  plan->load.requests = BUDGET;
  plan->load.duration_us = 0;
  plan->load.warmup_us = 0;
  plan->load.timeout_us = TIMEOUT_US;
  if (!vs_plan_validate (plan, &error))
    g_error ("fuzz plan: %s", error->message);
  return plan;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(VsEngine) engine = NULL;
  g_autoptr(VsStats) measured = NULL;
  g_autoptr(VsStats) warmup = NULL;
  VsStats *measured_out[1], *warmup_out[1];
  const VsCounters *c;
  guint index = 0;
  VsJob *job;
  gint64 deadline;
  guint64 classes = 0, bytes_out;

  if (size == 0)
    return 0;

  g_mutex_lock (&server.lock);
  g_bytes_unref (server.response);
  server.response = g_bytes_new (data + 1, size - 1);
  server.bytes_out = 0;
  g_mutex_unlock (&server.lock);

  plan = make_plan (data[0] & 1, data[0] & 2 ? 2 : 1);
  engine = vs_engine_new_for_plan (plan);
  job = vs_job_new (engine, plan, &index, 1, &error);
  g_assert_no_error (error);
  if (!vs_job_start (job, &error))
    g_error ("fuzz job: %s", error->message);

  deadline = g_get_monotonic_time () + DEADLINE_US;
  while (!vs_job_is_done (job))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the native engine did not finish %d requests within %d s (timeout %d ms)",
                 BUDGET, (int) (DEADLINE_US / G_USEC_PER_SEC), (int) (TIMEOUT_US / 1000));
      g_usleep (100);
    }
  vs_job_stop (job);
  vs_job_collect (job, measured_out, warmup_out);
  measured = measured_out[0];
  warmup = warmup_out[0];
  vs_job_free (job);

  g_mutex_lock (&server.lock);
  bytes_out = server.bytes_out;
  g_mutex_unlock (&server.lock);

  vs_stats_merge (measured, warmup);
  c = &measured->counters;
  for (guint s = 0; s < G_N_ELEMENTS (c->status); s++)
    classes += c->status[s];
  g_assert_cmpuint (c->requests, <=, BUDGET);
  g_assert_cmpuint (c->responses, <=, c->requests);
  g_assert_cmpuint (classes, ==, c->responses);
  /* never a byte counted that the server did not send (the EOF call of a response cut off by
   * the server's close once counted one: tests/fuzz/corpus/native-response/eof-mid-*.bin) */
  g_assert_cmpuint (c->bytes_in, <=, bytes_out);
  return 0;
}
