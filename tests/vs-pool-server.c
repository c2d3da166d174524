/* vs-pool-server.c: an HTTP/1.1 server that saturates at a known rate (see vs-pool-server.h) */
#include "vs-pool-server.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct _VsPoolServer
{
  int        listen_fd;
  guint      port;
  guint      service_ms;
  GThread   *acceptor;
  GMutex     lock;
  GCond      cond;
  guint      free_permits;
  int        stopping;   /* atomic */
  int        answered;   /* atomic */
  GPtrArray *threads;    /* per connection; under lock */
  GArray    *fds;        /* their sockets, to shut them down; under lock */
};

typedef struct
{
  VsPoolServer *server;
  int           fd;
} Connection;

static const char response[] =
  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok";

static void
take_permit (VsPoolServer *self)
{
  g_mutex_lock (&self->lock);
  while (self->free_permits == 0 && !g_atomic_int_get (&self->stopping))
    g_cond_wait (&self->cond, &self->lock);
  if (self->free_permits > 0)
    self->free_permits--;
  g_mutex_unlock (&self->lock);
}

static void
give_permit (VsPoolServer *self)
{
  g_mutex_lock (&self->lock);
  self->free_permits++;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Requests are GETs without bodies: one ends at the blank line after its head. */
static gpointer
connection_thread (gpointer data)
{
  Connection *connection = data;
  VsPoolServer *self = connection->server;
  char buf[8192];
  gsize filled = 0;

  while (!g_atomic_int_get (&self->stopping))
    {
      char *end = filled > 0 ? g_strstr_len (buf, filled, "\r\n\r\n") : NULL;
      gssize n;

      if (end != NULL)
        {
          gsize used = end + 4 - buf;

          memmove (buf, end + 4, filled - used);
          filled -= used;
          if (self->service_ms > 0)
            {
              take_permit (self);
              g_usleep (self->service_ms * 1000);
              give_permit (self);
            }
          if (send (connection->fd, response, sizeof response - 1, MSG_NOSIGNAL) !=
              sizeof response - 1)
            break;
          g_atomic_int_inc (&self->answered);
          continue;
        }
      if (filled == sizeof buf)
        break;
      n = recv (connection->fd, buf + filled, sizeof buf - filled, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      filled += n;
    }

  /* closed here, under the lock, so that the server's end never shuts a reused number down */
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->fds->len; i++)
    if (g_array_index (self->fds, int, i) == connection->fd)
      g_array_index (self->fds, int, i) = -1;
  close (connection->fd);
  g_mutex_unlock (&self->lock);
  g_free (connection);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  VsPoolServer *self = data;

  for (;;)
    {
      int fd = accept (self->listen_fd, NULL, NULL);
      int one = 1;
      Connection *connection;

      if (g_atomic_int_get (&self->stopping))
        {
          if (fd >= 0)
            close (fd);
          return NULL;
        }
      if (fd < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          return NULL;
        }
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      connection = g_new (Connection, 1);
      connection->server = self;
      connection->fd = fd;
      g_mutex_lock (&self->lock);
      g_array_append_val (self->fds, fd);
      g_ptr_array_add (self->threads, g_thread_new ("pool-conn", connection_thread, connection));
      g_mutex_unlock (&self->lock);
    }
}

VsPoolServer *
vs_pool_server_new (guint n_workers,
                    guint service_ms)
{
  VsPoolServer *self = g_new0 (VsPoolServer, 1);
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->free_permits = n_workers;
  self->service_ms = service_ms;
  self->threads = g_ptr_array_new ();
  self->fds = g_array_new (FALSE, FALSE, sizeof (int));

  self->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (self->listen_fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (self->listen_fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (self->listen_fd, 1024), ==, 0);
  g_assert_cmpint (getsockname (self->listen_fd, (struct sockaddr *) &addr, &len), ==, 0);
  self->port = ntohs (addr.sin_port);
  self->acceptor = g_thread_new ("pool-accept", accept_thread, self);
  return self;
}

void
vs_pool_server_free (VsPoolServer *self)
{
  if (self == NULL)
    return;

  g_atomic_int_set (&self->stopping, TRUE);
  shutdown (self->listen_fd, SHUT_RDWR);
  g_thread_join (self->acceptor);
  close (self->listen_fd);

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  for (guint i = 0; i < self->fds->len; i++)
    if (g_array_index (self->fds, int, i) >= 0)
      shutdown (g_array_index (self->fds, int, i), SHUT_RDWR);
  g_mutex_unlock (&self->lock);
  /* each thread closes its own socket as it ends */
  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (g_ptr_array_index (self->threads, i));

  g_ptr_array_unref (self->threads);
  g_array_unref (self->fds);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

char *
vs_pool_server_url (VsPoolServer *self)
{
  return g_strdup_printf ("http://127.0.0.1:%u/", self->port);
}

guint
vs_pool_server_count (VsPoolServer *self)
{
  return g_atomic_int_get (&self->answered);
}
