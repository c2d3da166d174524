/* vs-test-server.c: an HTTP server on 127.0.0.1 for the engine tests */
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vs-test-lsan.h"
#include "vs-test-server.h"

#define PARTIAL_RESPONSE "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial"

struct _VsTestServer
{
  GThread         *thread;
  GMainContext    *context;
  int              quit;       /* atomic */
  GMutex           lock;
  GCond            cond;
  gboolean         ready;

  GTlsCertificate *certificate;
  SoupServer      *server;
  GSocketService  *raw;
  guint            port;
  guint            https_port;
  guint            raw_port;
  GPtrArray       *delayed;    /* server thread only */

  int              counts[VS_TEST_N_PATHS];  /* atomic */
  int              stall_seen;               /* atomic */
  int              stall_nth;
  int              stall_ms;
  GArray          *segments;   /* VsTestSegment, under lock */

  /* concurrency, under lock (see vs_test_server_trace_start()) */
  guint            in_flight;
  gboolean         tracing;
  GArray          *changes;     /* Change */
};

/* Responses */

typedef struct
{
  VsTestServer      *self;
  SoupServerMessage *msg;
  GSource           *source;
  gboolean           gone;
} Delayed;

static void
delayed_free (gpointer data)
{
  Delayed *delayed = data;

  g_signal_handlers_disconnect_by_data (delayed->msg, delayed);
  g_source_destroy (delayed->source);
  g_source_unref (delayed->source);
  g_object_unref (delayed->msg);
  g_free (delayed);
}

static void
delayed_gone_cb (SoupServerMessage *msg,
                 Delayed           *delayed)
{
  delayed->gone = TRUE;
}

static gboolean
delayed_cb (gpointer data)
{
  Delayed *delayed = data;

  if (!delayed->gone)
    soup_server_message_unpause (delayed->msg);
  g_ptr_array_remove_fast (delayed->self->delayed, delayed);  /* frees it */
  return G_SOURCE_REMOVE;
}

static void
respond_later (VsTestServer      *self,
               SoupServerMessage *msg,
               guint              ms)
{
  Delayed *delayed = g_new0 (Delayed, 1);

  delayed->self = self;
  delayed->msg = g_object_ref (msg);
  delayed->source = g_timeout_source_new (ms);
  g_source_set_callback (delayed->source, delayed_cb, delayed, NULL);
  g_source_attach (delayed->source, self->context);
  g_signal_connect (msg, "finished", G_CALLBACK (delayed_gone_cb), delayed);
  g_signal_connect (msg, "disconnected", G_CALLBACK (delayed_gone_cb), delayed);
  g_ptr_array_add (self->delayed, delayed);
  soup_server_message_pause (msg);
}

typedef struct
{
  VsTestServer *self;
  VsTestPath    path;
  gboolean      in_flight;  /* counted in self->in_flight */
} Answer;

/* One change of the requests in flight (see vs_test_server_trace_start()). */
typedef struct
{
  gint64   time_us;    /* monotonic */
  guint    in_flight;  /* after the change */
  gboolean answered;   /* the change is an answer completed */
} Change;

static void
in_flight_change (VsTestServer *self,
                  int           delta,
                  gboolean      answered)
{
  g_mutex_lock (&self->lock);
  self->in_flight += delta;
  if (self->tracing)
    g_array_append_val (self->changes,
                        ((Change) { g_get_monotonic_time (), self->in_flight, answered }));
  g_mutex_unlock (&self->lock);
}

/* The request is over at the server, answered or given up (a reset, a client's cancel). */
static void
finished_cb (SoupServerMessage *msg,
             Answer            *answer)
{
  if (answer->in_flight)
    {
      answer->in_flight = FALSE;
      in_flight_change (answer->self, -1, FALSE);
    }
}

static void
wrote_body_cb (SoupServerMessage *msg,
               Answer            *answer)
{
  VsTestServer *self = answer->self;
  VsTestSegment *last;

  g_atomic_int_inc (&self->counts[answer->path]);
  /* answered: no longer in flight, whatever comes after the last byte */
  if (answer->in_flight)
    {
      answer->in_flight = FALSE;
      in_flight_change (self, -1, TRUE);
    }

  g_mutex_lock (&self->lock);
  last = self->segments->len > 0
           ? &g_array_index (self->segments, VsTestSegment, self->segments->len - 1) : NULL;
  if (last != NULL && last->path == answer->path)
    last->count++;
  else
    g_array_append_val (self->segments, ((VsTestSegment) { answer->path, 1 }));
  g_mutex_unlock (&self->lock);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  VsTestServer *self = user_data;
  Answer *answer = g_new (Answer, 1);
  guint status = SOUP_STATUS_OK;
  guint delay_ms = 0;

  answer->self = self;
  answer->in_flight = FALSE;

  if (g_str_has_prefix (path, "/status/"))
    {
      answer->path = VS_TEST_PATH_STATUS;
      status = (guint) g_ascii_strtoull (path + strlen ("/status/"), NULL, 10);
    }
  else if (g_str_has_prefix (path, "/delay/"))
    {
      answer->path = VS_TEST_PATH_DELAY;
      delay_ms = (guint) g_ascii_strtoull (path + strlen ("/delay/"), NULL, 10);
    }
  else if (strcmp (path, "/stall") == 0)
    {
      answer->path = VS_TEST_PATH_STALL;
      if (g_atomic_int_add (&self->stall_seen, 1) + 1 == g_atomic_int_get (&self->stall_nth))
        delay_ms = g_atomic_int_get (&self->stall_ms);
    }
  else if (strcmp (path, "/echo") == 0)
    {
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
      SoupMessageBody *body = soup_server_message_get_request_body (msg);

      /* 200 only for exactly what test-engine sends: anything else is a 400 */
      answer->path = VS_TEST_PATH_ECHO;
      if (strcmp (soup_server_message_get_method (msg), "POST") != 0 ||
          g_strcmp0 (soup_message_headers_get_one (headers, "X-Versus"), "yes") != 0 ||
          g_strcmp0 (soup_message_headers_get_content_type (headers, NULL), "text/plain") != 0 ||
          body->length != 4 || memcmp (body->data, "ping", 4) != 0)
        status = SOUP_STATUS_BAD_REQUEST;
    }
  else if (strcmp (path, "/ok") == 0)
    {
      answer->path = VS_TEST_PATH_OK;
    }
  else
    {
      g_free (answer);
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  g_signal_connect_data (msg, "wrote-body", G_CALLBACK (wrote_body_cb), answer,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  /* the answer lives as long as the message (freed with the closure above) */
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), answer);
  g_signal_connect (msg, "disconnected", G_CALLBACK (finished_cb), answer);
  answer->in_flight = TRUE;
  in_flight_change (self, +1, FALSE);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "hello\n", 6);

  if (delay_ms > 0)
    respond_later (self, msg, delay_ms);
}

/* The raw port: read a request head, answer part of a body, close. */

typedef struct
{
  VsTestServer      *self;
  GSocketConnection *connection;
  GString           *head;
  char               buffer[4096];
} RawClient;

static void
raw_client_free (RawClient *client)
{
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  g_object_unref (client->connection);
  g_string_free (client->head, TRUE);
  g_free (client);
}

static void
raw_read_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RawClient *client = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);
  GOutputStream *out;

  if (n <= 0)
    {
      raw_client_free (client);
      return;
    }

  g_string_append_len (client->head, client->buffer, n);
  if (strstr (client->head->str, "\r\n\r\n") == NULL)
    {
      g_input_stream_read_async (G_INPUT_STREAM (object), client->buffer, sizeof client->buffer,
                                 G_PRIORITY_DEFAULT, NULL, raw_read_cb, client);
      return;
    }

  out = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));
  if (g_output_stream_write_all (out, PARTIAL_RESPONSE, strlen (PARTIAL_RESPONSE), NULL, NULL,
                                 NULL))
    g_atomic_int_inc (&client->self->counts[VS_TEST_PATH_PARTIAL]);
  raw_client_free (client);
}

static gboolean
raw_incoming_cb (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source,
                 gpointer           user_data)
{
  RawClient *client = g_new0 (RawClient, 1);

  client->self = user_data;
  client->connection = g_object_ref (connection);
  client->head = g_string_new (NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                             client->buffer, sizeof client->buffer, G_PRIORITY_DEFAULT, NULL,
                             raw_read_cb, client);
  return TRUE;
}

/* The thread */

/* A socket bound to a free 127.0.0.1 port, listening or not. (Not soup_server_listen_local():
 * libsoup 3.2 leaks the address it looks the port up with.) */
static GSocket *
loopback_socket (gboolean  listen,
                 guint    *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, listen, &error);
  g_assert_no_error (error);
  if (listen)
    {
      g_socket_listen (socket, &error);
      g_assert_no_error (error);
    }
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&socket);
}

static gpointer
server_thread (gpointer data)
{
  VsTestServer *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) http = NULL;
  g_autoptr(GSocket) https = NULL;

  /* libsoup 3.2's server leaks a reference on each accepted socket: see vs-test-lsan.h */
  vs_test_ignore_leaks_in_this_thread ();
  g_main_context_push_thread_default (self->context);

  self->server = soup_server_new ("tls-certificate", self->certificate, NULL);
  soup_server_add_handler (self->server, NULL, handler, self, NULL);
  http = loopback_socket (TRUE, &self->port);
  soup_server_listen_socket (self->server, http, 0, &error);
  g_assert_no_error (error);
  if (self->certificate != NULL)
    {
      https = loopback_socket (TRUE, &self->https_port);
      soup_server_listen_socket (self->server, https, SOUP_SERVER_LISTEN_HTTPS, &error);
      g_assert_no_error (error);
    }

  self->raw = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->raw), any, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  self->raw_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (self->raw, "incoming", G_CALLBACK (raw_incoming_cb), self);
  g_socket_service_start (self->raw);

  g_mutex_lock (&self->lock);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  /* a flag rather than g_main_loop_quit(), which is lost if it comes before the loop runs */
  while (!g_atomic_int_get (&self->quit))
    g_main_context_iteration (self->context, TRUE);

  g_ptr_array_set_size (self->delayed, 0);
  g_socket_service_stop (self->raw);
  g_socket_listener_close (G_SOCKET_LISTENER (self->raw));
  g_clear_object (&self->raw);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_main_context_pop_thread_default (self->context);
  return NULL;
}

VsTestServer *
vs_test_server_new (GTlsCertificate *certificate)
{
  VsTestServer *self = g_new0 (VsTestServer, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->context = g_main_context_new ();
  self->delayed = g_ptr_array_new_with_free_func (delayed_free);
  self->segments = g_array_new (FALSE, FALSE, sizeof (VsTestSegment));
  self->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->thread = g_thread_new ("vs-test-server", server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  return self;
}

void
vs_test_server_free (VsTestServer *self)
{
  if (self == NULL)
    return;

  g_atomic_int_set (&self->quit, TRUE);
  g_main_context_wakeup (self->context);
  g_thread_join (self->thread);
  g_ptr_array_unref (self->delayed);
  g_array_unref (self->segments);
  g_array_unref (self->changes);
  g_main_context_unref (self->context);
  g_clear_object (&self->certificate);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

char *
vs_test_server_url (VsTestServer *self,
                    const char   *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", self->port, path);
}

char *
vs_test_server_https_url (VsTestServer *self,
                          const char   *path)
{
  g_assert (self->https_port != 0);
  return g_strdup_printf ("https://127.0.0.1:%u%s", self->https_port, path);
}

char *
vs_test_server_raw_url (VsTestServer *self)
{
  return g_strdup_printf ("http://127.0.0.1:%u/partial", self->raw_port);
}

guint
vs_test_server_count (VsTestServer *self,
                      VsTestPath    path)
{
  return g_atomic_int_get (&self->counts[path]);
}

GArray *
vs_test_server_segments (VsTestServer *self)
{
  GArray *copy;

  g_mutex_lock (&self->lock);
  copy = g_array_copy (self->segments);
  g_mutex_unlock (&self->lock);
  return copy;
}

void
vs_test_server_trace_start (VsTestServer *self)
{
  g_mutex_lock (&self->lock);
  self->tracing = TRUE;
  g_array_set_size (self->changes, 0);
  g_array_append_val (self->changes,
                      ((Change) { g_get_monotonic_time (), self->in_flight, FALSE }));
  g_mutex_unlock (&self->lock);
}

GArray *
vs_test_server_slices (VsTestServer *self,
                       gint64        epoch_us,
                       guint         slice_ms,
                       guint         n_slices)
{
  GArray *slices = g_array_sized_new (FALSE, TRUE, sizeof (VsTestSlice), n_slices);
  gint64 slice_us = (gint64) slice_ms * 1000;
  guint level = 0, next = 0;
  const Change *changes;

  g_mutex_lock (&self->lock);
  changes = (const Change *) self->changes->data;
  g_assert (self->changes->len > 0 && changes[0].time_us <= epoch_us);
  g_assert (epoch_us + n_slices * slice_us <= g_get_monotonic_time ());
  /* the level at the epoch */
  while (next < self->changes->len && changes[next].time_us <= epoch_us)
    level = changes[next++].in_flight;

  for (guint i = 0; i < n_slices; i++)
    {
      VsTestSlice slice = { 0, level, 0 };
      gint64 from = epoch_us + i * slice_us, to = from + slice_us;
      double integral = 0;

      for (; next < self->changes->len; next++)
        {
          const Change *change = &changes[next];

          if (change->time_us > to)
            break;
          integral += (double) level * (change->time_us - from);
          from = change->time_us;
          level = change->in_flight;
          slice.max_in_flight = MAX (slice.max_in_flight, level);
          slice.answered += change->answered;
        }
      integral += (double) level * (to - from);
      slice.mean_in_flight = integral / slice_us;
      g_array_append_val (slices, slice);
    }
  g_mutex_unlock (&self->lock);
  return slices;
}

void
vs_test_server_stall (VsTestServer *self,
                      guint         nth,
                      guint         ms)
{
  g_atomic_int_set (&self->stall_ms, ms);
  g_atomic_int_set (&self->stall_nth, nth);
}

GTlsCertificate *
vs_test_make_certificate (GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("versus-tls-XXXXXX", error);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *err = NULL;
  GTlsCertificate *certificate;
  int status;

  if (dir == NULL)
    return NULL;

  cert = g_build_filename (dir, "cert.pem", NULL);
  key = g_build_filename (dir, "key.pem", NULL);

  {
    const char *argv[] = {
      "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", key, "-out", cert, NULL
    };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                       NULL, NULL, NULL, &err, &status, error) ||
        !g_spawn_check_wait_status (status, error))
      {
        g_prefix_error (error, "openssl: %s: ", err != NULL ? err : "");
        certificate = NULL;
      }
    else
      {
        certificate = g_tls_certificate_new_from_files (cert, key, error);
      }
  }

  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
  return certificate;
}

GSocket *
vs_test_refused_socket (guint *port)
{
  return loopback_socket (FALSE, port);
}
