/* vs-raw-server.c: a raw-socket HTTP/1.1 server for the engine tests (see the header) */
#define _GNU_SOURCE  /* accept4 */

#include "vs-raw-server.h"

#include <errno.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_SIZE   (64 * 1024)
#define RESET_SENT  1000
#define MAX_EVENTS  128
#define SLOW_US     (VS_RAW_SERVER_SLOW_MS * 1000)

typedef struct
{
  VsRawServer *server;
  int           fd;
  http_parser   parser;
  GString      *url;
  GByteArray   *out;
  gsize         out_off;
  gboolean      closing;     /* answer no more requests; end the connection once out is sent */
  gboolean      shut;        /* our side is shut down; waiting for the client's close */
  gboolean      reset;       /* reset the connection once out is sent */
  gboolean      trickle;     /* one byte per turn */
  gboolean      want_out;
  gboolean      dead;        /* dropped; freed at the end of the round */
  guint         gated;       /* /gate requests waiting for the gate to open */
  guint         parsed_now;  /* requests parsed from the current read */
  guint         n_requests;  /* requests parsed on this connection */
  GArray       *slow;        /* gint64: when each /slow response is due, in order */
  gint64        slow_free;   /* when the last /slow request queued is done */
} Client;

struct _VsRawServer
{
  int                 listen_fd;
  int                 epoll_fd;
  int                 wake_fd;
  guint16             port;
  gboolean            ipv6;
  GThread            *thread;
  int                 stop;
  GPtrArray          *clients;     /* Client*, owned */
  guint               n_open;
  guint               n_dead;
  guint               trickling;
  guint               slow_pending; /* /slow responses not yet due */
  guint               gate;        /* atomic: connections /gate waits for */
  gboolean            gate_open;
  char               *big;
  GMutex              lock;
  VsRawServerCounts   counts;
  GByteArray         *received;    /* the first VS_RAW_SERVER_RECORD_SIZE bytes read, in arrival order */
};

static const char head_ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
static const char head_chunked[] =
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Check\r\n\r\n"
  "5;name=value\r\nhello\r\n"
  "6;a=b;quoted=\"x;y\"\r\n world\r\n"
  "0;last\r\nX-Check: done\r\nX-Other: 1\r\n\r\n";
static const char head_eof[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n";
static const char head_close[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
static const char head_204[] = "HTTP/1.1 204 No Content\r\nServer: test\r\n\r\n";
static const char head_304[] =
  "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 1234\r\n\r\n";
static const char head_trickle[] =
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nslow\r\n0\r\n\r\n";
static const char head_reset[] = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
static const char head_500[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!";
static const char head_bad_chunk[] =
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n";
static const char head_two_lengths[] =
  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 1\r\n\r\nok";
static const char head_negative_length[] = "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nok";
static const char head_404[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";

static void
add (Client     *client,
     const char *data,
     gsize       len)
{
  g_byte_array_append (client->out, (const guint8 *) data, len);
}

#define ADD_LITERAL(client, literal) add ((client), (literal), sizeof (literal) - 1)

static void
respond (Client *client)
{
  VsRawServer *server = client->server;
  const char *path = client->url->str;
  char *query = strchr (path, '?');

  if (query != NULL)
    *query = '\0';

  if (client->parser.method == HTTP_HEAD)
    {
      g_autofree char *head =
        g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", VS_RAW_SERVER_BIG_SIZE);

      add (client, head, strlen (head));
    }
  else if (g_str_equal (path, "/ok"))
    ADD_LITERAL (client, head_ok);
  else if (g_str_equal (path, "/chunked"))
    ADD_LITERAL (client, head_chunked);
  else if (g_str_equal (path, "/eof"))
    {
      ADD_LITERAL (client, head_eof);
      add (client, server->big, 1000);
      client->closing = TRUE;
    }
  else if (g_str_equal (path, "/close"))
    {
      ADD_LITERAL (client, head_close);
      client->closing = TRUE;
    }
  else if (g_str_equal (path, "/big"))
    {
      g_autofree char *head =
        g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", VS_RAW_SERVER_BIG_SIZE);

      add (client, head, strlen (head));
      add (client, server->big, VS_RAW_SERVER_BIG_SIZE);
    }
  else if (g_str_equal (path, "/204"))
    ADD_LITERAL (client, head_204);
  else if (g_str_equal (path, "/304"))
    ADD_LITERAL (client, head_304);
  else if (g_str_equal (path, "/trickle"))
    {
      ADD_LITERAL (client, head_trickle);
      if (!client->trickle)
        server->trickling++;
      client->trickle = TRUE;
    }
  else if (g_str_equal (path, "/reset"))
    {
      ADD_LITERAL (client, head_reset);
      add (client, server->big, RESET_SENT);
      client->closing = TRUE;
      client->reset = TRUE;
    }
  else if (g_str_equal (path, "/500"))
    ADD_LITERAL (client, head_500);
  else if (g_str_equal (path, "/flaky"))
    {
      if (client->n_requests == 1)
        ADD_LITERAL (client, head_ok);
      else
        {
          /* the second request on a connection: reset, with no answer */
          g_mutex_lock (&server->lock);
          server->counts.resets++;
          g_mutex_unlock (&server->lock);
          client->closing = TRUE;
          client->reset = TRUE;
        }
    }
  else if (g_str_equal (path, "/bad-chunk"))
    {
      ADD_LITERAL (client, head_bad_chunk);
      client->closing = TRUE;
    }
  else if (g_str_equal (path, "/two-lengths"))
    {
      ADD_LITERAL (client, head_two_lengths);
      client->closing = TRUE;
    }
  else if (g_str_equal (path, "/negative-length"))
    {
      ADD_LITERAL (client, head_negative_length);
      client->closing = TRUE;
    }
  else if (g_str_equal (path, "/gate"))
    {
      if (server->gate_open)
        ADD_LITERAL (client, head_ok);
      else
        client->gated++;
    }
  else if (g_str_equal (path, "/slow"))
    {
      /* one at a time per connection: a pipelined request waits for the one before it */
      gint64 due = MAX (g_get_monotonic_time (), client->slow_free) + SLOW_US;

      client->slow_free = due;
      g_array_append_val (client->slow, due);
      server->slow_pending++;
    }
  else if (g_str_equal (path, "/hang"))
    {
      /* counted, never answered */
    }
  else
    ADD_LITERAL (client, head_404);

  g_string_truncate (client->url, 0);
}

static int
on_url (http_parser *parser,
        const char  *at,
        size_t       length)
{
  Client *client = parser->data;

  g_string_append_len (client->url, at, length);
  return 0;
}

static int
on_body (http_parser *parser,
         const char  *at,
         size_t       length)
{
  Client *client = parser->data;

  g_mutex_lock (&client->server->lock);
  client->server->counts.body_bytes += length;
  g_mutex_unlock (&client->server->lock);
  return 0;
}

static int
on_message_complete (http_parser *parser)
{
  Client *client = parser->data;

  g_mutex_lock (&client->server->lock);
  client->server->counts.requests++;
  g_mutex_unlock (&client->server->lock);
  client->parsed_now++;
  client->n_requests++;
  respond (client);
  /* after a closing response the connection takes no more requests */
  if (client->closing)
    http_parser_pause (parser, 1);
  return 0;
}

static const http_parser_settings request_settings = {
  .on_url = on_url,
  .on_body = on_body,
  .on_message_complete = on_message_complete,
};

static void
client_free (Client *client)
{
  g_string_free (client->url, TRUE);
  g_byte_array_unref (client->out);
  g_array_unref (client->slow);
  g_free (client);
}

static void
client_drop (Client *client)
{
  VsRawServer *server = client->server;

  if (client->dead)
    return;
  if (client->trickle)
    server->trickling--;
  client->trickle = FALSE;
  server->slow_pending -= client->slow->len;
  g_array_set_size (client->slow, 0);
  client->dead = TRUE;
  /* closing also takes it out of the epoll set; events already fetched see dead */
  close (client->fd);
  server->n_open--;
  server->n_dead++;
  g_mutex_lock (&server->lock);
  server->counts.open = server->n_open;
  g_mutex_unlock (&server->lock);
}

static void
set_want_out (Client   *client,
              gboolean  want_out)
{
  struct epoll_event ev = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = client };

  if (client->want_out == want_out)
    return;
  client->want_out = want_out;
  epoll_ctl (client->server->epoll_fd, EPOLL_CTL_MOD, client->fd, &ev);
}

/* FALSE when the client is gone. */
static gboolean
client_write (Client *client)
{
  while (client->out_off < client->out->len)
    {
      gsize left = client->out->len - client->out_off;
      ssize_t n = send (client->fd, client->out->data + client->out_off,
                        client->trickle ? 1 : left, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
          set_want_out (client, TRUE);
          return TRUE;
        }
      if (n < 0)
        {
          client_drop (client);
          return FALSE;
        }

      client->out_off += n;
      g_mutex_lock (&client->server->lock);
      client->server->counts.bytes_out += n;
      g_mutex_unlock (&client->server->lock);

      /* the rest on a later turn */
      if (client->trickle)
        {
          set_want_out (client, FALSE);
          return TRUE;
        }
    }

  g_byte_array_set_size (client->out, 0);
  client->out_off = 0;
  set_want_out (client, FALSE);

  if (client->reset)
    {
      struct linger linger = { .l_onoff = 1, .l_linger = 0 };

      setsockopt (client->fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
      client_drop (client);
      return FALSE;
    }
  if (client->closing && !client->shut)
    {
      /* FIN now; close when the client has closed too, so nothing unread turns into a reset */
      shutdown (client->fd, SHUT_WR);
      client->shut = TRUE;
    }
  return TRUE;
}

static void
client_read (Client *client)
{
  VsRawServer *server = client->server;
  char buf[READ_SIZE];
  ssize_t n;

  n = recv (client->fd, buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return;
  if (n <= 0)
    {
      client_drop (client);
      return;
    }
  if (client->closing)
    return;

  g_mutex_lock (&server->lock);
  if (server->received->len < VS_RAW_SERVER_RECORD_SIZE)
    g_byte_array_append (server->received, (const guint8 *) buf,
                         MIN ((gsize) n, VS_RAW_SERVER_RECORD_SIZE - server->received->len));
  g_mutex_unlock (&server->lock);

  client->parsed_now = 0;
  http_parser_execute (&client->parser, &request_settings, buf, n);
  if (HTTP_PARSER_ERRNO (&client->parser) != HPE_OK &&
      HTTP_PARSER_ERRNO (&client->parser) != HPE_PAUSED)
    {
      g_printerr ("raw server: bad request: %s\n",
                  http_errno_description (HTTP_PARSER_ERRNO (&client->parser)));
      client_drop (client);
      return;
    }

  g_mutex_lock (&server->lock);
  server->counts.max_pipelined = MAX (server->counts.max_pipelined, client->parsed_now);
  g_mutex_unlock (&server->lock);

  client_write (client);
}

/* Every held /gate request is answered, in order, on its connection. */
static void
open_gate (VsRawServer *self)
{
  self->gate_open = TRUE;
  for (guint i = 0; i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);

      if (client->dead || client->gated == 0)
        continue;
      for (; client->gated > 0; client->gated--)
        ADD_LITERAL (client, head_ok);
      client_write (client);
    }
}

/* Answers the /slow requests that are due; returns when the next one is (or G_MAXINT64). */
static gint64
answer_slow (VsRawServer *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 next = G_MAXINT64;

  for (guint i = 0; self->slow_pending > 0 && i < self->clients->len; i++)
    {
      Client *client = g_ptr_array_index (self->clients, i);
      guint n = 0;

      if (client->dead || client->slow->len == 0)
        continue;
      while (n < client->slow->len && g_array_index (client->slow, gint64, n) <= now)
        {
          ADD_LITERAL (client, head_ok);
          n++;
        }
      if (n < client->slow->len)
        next = MIN (next, g_array_index (client->slow, gint64, n));
      if (n == 0)
        continue;
      g_array_remove_range (client->slow, 0, n);
      self->slow_pending -= n;
      client_write (client);
    }

  return next;
}

static void
accept_clients (VsRawServer *self)
{
  for (;;)
    {
      int fd = accept4 (self->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      struct epoll_event ev = { .events = EPOLLIN };
      Client *client;

      if (fd < 0)
        return;

      client = g_new0 (Client, 1);
      client->server = self;
      client->fd = fd;
      client->url = g_string_new (NULL);
      client->out = g_byte_array_new ();
      client->slow = g_array_new (FALSE, FALSE, sizeof (gint64));
      http_parser_init (&client->parser, HTTP_REQUEST);
      client->parser.data = client;
      ev.data.ptr = client;
      epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
      g_ptr_array_add (self->clients, client);
      self->n_open++;

      g_mutex_lock (&self->lock);
      self->counts.connections++;
      self->counts.open = self->n_open;
      self->counts.max_open = MAX (self->counts.max_open, self->n_open);
      g_mutex_unlock (&self->lock);

      if (!self->gate_open && self->n_open >= (guint) g_atomic_int_get (&self->gate))
        open_gate (self);
    }
}

static gpointer
server_thread (gpointer data)
{
  VsRawServer *self = data;
  struct epoll_event events[MAX_EVENTS];
  gint64 slow_next = G_MAXINT64;

  while (!g_atomic_int_get (&self->stop))
    {
      int timeout_ms = self->trickling > 0 ? 1 : 100;
      int n;

      if (slow_next != G_MAXINT64)
        timeout_ms = MIN (timeout_ms,
                          MAX (slow_next - g_get_monotonic_time () + 999, 0) / 1000);
      n = epoll_wait (self->epoll_fd, events, MAX_EVENTS, timeout_ms);

      for (int i = 0; i < n; i++)
        {
          Client *client = events[i].data.ptr;

          if (client == NULL)
            {
              accept_clients (self);
              continue;
            }
          if ((gpointer) client == (gpointer) self)
            continue;
          if (client->dead)
            continue;

          if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
            client_read (client);
          if ((events[i].events & EPOLLOUT) && !client->dead && !client->trickle)
            client_write (client);
        }

      /* trickling clients get one byte per turn */
      for (guint i = 0; self->trickling > 0 && i < self->clients->len; i++)
        {
          Client *client = g_ptr_array_index (self->clients, i);

          if (client->trickle && client->out_off < client->out->len)
            client_write (client);
        }

      slow_next = answer_slow (self);

      for (guint i = 0; self->n_dead > 0 && i < self->clients->len; )
        {
          Client *client = g_ptr_array_index (self->clients, i);

          if (client->dead)
            {
              g_ptr_array_remove_index_fast (self->clients, i);
              self->n_dead--;
            }
          else
            i++;
        }
    }

  return NULL;
}

static VsRawServer *
server_new (int family)
{
  VsRawServer *self;
  struct sockaddr_storage addr = { .ss_family = family };
  socklen_t len = family == AF_INET6 ? sizeof (struct sockaddr_in6) : sizeof (struct sockaddr_in);
  struct epoll_event ev = { .events = EPOLLIN };
  struct rlimit limit;
  int one = 1;
  int fd;

  if (family == AF_INET6)
    ((struct sockaddr_in6 *) &addr)->sin6_addr = in6addr_loopback;
  else
    ((struct sockaddr_in *) &addr)->sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  fd = socket (family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return NULL;
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &addr, len) != 0)
    {
      /* only IPv6 may be missing (a container without ::1) */
      g_assert_cmpint (family, ==, AF_INET6);
      close (fd);
      return NULL;
    }
  g_assert_cmpint (listen (fd, 4096), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);

  /* the tests run client and server in one process: room for both sides of every connection */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }

  self = g_new0 (VsRawServer, 1);
  self->listen_fd = fd;
  self->ipv6 = family == AF_INET6;
  self->port = ntohs (family == AF_INET6 ? ((struct sockaddr_in6 *) &addr)->sin6_port
                                         : ((struct sockaddr_in *) &addr)->sin_port);
  g_mutex_init (&self->lock);
  self->received = g_byte_array_new ();
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  self->gate = 1;
  self->big = g_malloc (VS_RAW_SERVER_BIG_SIZE);
  for (gsize i = 0; i < VS_RAW_SERVER_BIG_SIZE; i++)
    self->big[i] = 'a' + i % 26;

  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  self->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  g_assert_cmpint (self->epoll_fd, >=, 0);
  g_assert_cmpint (self->wake_fd, >=, 0);
  ev.data.ptr = NULL;
  g_assert_cmpint (epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, self->listen_fd, &ev), ==, 0);
  ev.data.ptr = self;
  g_assert_cmpint (epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, self->wake_fd, &ev), ==, 0);

  self->thread = g_thread_new ("raw-server", server_thread, self);
  return self;
}

VsRawServer *
vs_raw_server_new (void)
{
  return server_new (AF_INET);
}

VsRawServer *
vs_raw_server_new_ipv6 (void)
{
  return server_new (AF_INET6);
}

guint16
vs_raw_server_get_port (VsRawServer *self)
{
  return self->port;
}

char *
vs_raw_server_url (VsRawServer *self,
                   const char  *path)
{
  return g_strdup_printf ("http://%s:%u%s", self->ipv6 ? "[::1]" : "127.0.0.1", self->port, path);
}

void
vs_raw_server_get_counts (VsRawServer       *self,
                          VsRawServerCounts *counts)
{
  g_mutex_lock (&self->lock);
  *counts = self->counts;
  g_mutex_unlock (&self->lock);
}

GBytes *
vs_raw_server_get_received (VsRawServer *self)
{
  GBytes *bytes;

  g_mutex_lock (&self->lock);
  bytes = g_bytes_new (self->received->data, self->received->len);
  g_mutex_unlock (&self->lock);
  return bytes;
}

void
vs_raw_server_set_gate (VsRawServer *self,
                        guint        connections)
{
  g_atomic_int_set (&self->gate, connections);
}

void
vs_raw_server_free (VsRawServer *self)
{
  guint64 one = 1;

  if (self == NULL)
    return;

  g_atomic_int_set (&self->stop, TRUE);
  if (write (self->wake_fd, &one, sizeof one) < 0)
    g_warning ("raw server: cannot wake the server thread: %s", g_strerror (errno));
  g_thread_join (self->thread);

  for (guint i = 0; i < self->clients->len; i++)
    client_drop (g_ptr_array_index (self->clients, i));
  g_ptr_array_unref (self->clients);
  close (self->listen_fd);
  close (self->epoll_fd);
  close (self->wake_fd);
  g_free (self->big);
  g_byte_array_unref (self->received);
  g_mutex_clear (&self->lock);
  g_free (self);
}
