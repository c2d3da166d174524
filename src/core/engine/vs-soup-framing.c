/* vs-soup-framing.c: the native engine's framing rules for libsoup's plain http:// connections
 * (see the header) */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <http_parser.h>

#include "vs-soup-framing.h"

/* The proxy protocol; the proxy's URI has the path /HEAD for HEAD requests (their responses
 * carry no body), / for the others. */
#define PROTOCOL  "versus-framing"
#define PATH_HEAD "/HEAD"

/* ---- the checking input stream ---------------------------------------------------------- */

#define VS_TYPE_FRAMING_INPUT (vs_framing_input_get_type ())
G_DECLARE_FINAL_TYPE (VsFramingInput, vs_framing_input, VS, FRAMING_INPUT, GInputStream)

struct _VsFramingInput
{
  GInputStream  parent_instance;
  GInputStream *base;
  http_parser   parser;
  gboolean      head;
  guint         status;
  char         *error;     /* what http-parser refused; every later read fails with it */
};

static void vs_framing_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsFramingInput, vs_framing_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      vs_framing_input_pollable_init))

static int
on_headers_complete (http_parser *parser)
{
  VsFramingInput *self = parser->data;

  self->status = parser->status_code;
  /* as in the native engine: no body after HEAD, 1xx, 204, 304 (RFC 9112 §6.3) */
  return self->head || self->status < 200 || self->status == 204 || self->status == 304;
}

static const http_parser_settings parser_settings = {
  .on_headers_complete = on_headers_complete,
};

/* Runs n bytes just read (0: the end of the stream) through the parser: n, or -1 with error
 * when they break the framing. */
static gssize
check (VsFramingInput  *self,
       const void      *buffer,
       gssize           n,
       GError         **error)
{
  if (n < 0)
    return n;

  if (self->error == NULL)
    {
      http_parser_execute (&self->parser, &parser_settings, buffer, n);
      /* at the end of the stream only a response cut short fails, which libsoup reports as
       * such itself */
      if (n > 0 && HTTP_PARSER_ERRNO (&self->parser) != HPE_OK)
        self->error = g_strdup_printf (_("invalid response: %s"),
                                       http_errno_description (HTTP_PARSER_ERRNO (&self->parser)));
    }

  if (self->error != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, self->error);
      return -1;
    }
  return n;
}

static gssize
vs_framing_input_read (GInputStream  *stream,
                       void          *buffer,
                       gsize          count,
                       GCancellable  *cancellable,
                       GError       **error)
{
  VsFramingInput *self = VS_FRAMING_INPUT (stream);

  if (self->error != NULL)
    return check (self, NULL, 0, error);
  return check (self, buffer, g_input_stream_read (self->base, buffer, count, cancellable, error),
                error);
}

static gssize
vs_framing_input_read_nonblocking (GPollableInputStream  *stream,
                                   void                  *buffer,
                                   gsize                  count,
                                   GError               **error)
{
  VsFramingInput *self = VS_FRAMING_INPUT (stream);

  if (self->error != NULL)
    return check (self, NULL, 0, error);
  return check (self, buffer,
                g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->base),
                                                          buffer, count, NULL, error),
                error);
}

static gboolean
vs_framing_input_close (GInputStream  *stream,
                        GCancellable  *cancellable,
                        GError       **error)
{
  return g_input_stream_close (VS_FRAMING_INPUT (stream)->base, cancellable, error);
}

static gboolean
vs_framing_input_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
vs_framing_input_is_readable (GPollableInputStream *stream)
{
  VsFramingInput *self = VS_FRAMING_INPUT (stream);

  return self->error != NULL ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static GSource *
vs_framing_input_create_source (GPollableInputStream *stream,
                                GCancellable         *cancellable)
{
  VsFramingInput *self = VS_FRAMING_INPUT (stream);
  GSource *base, *source;

  base = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base),
                                                cancellable);
  g_source_set_dummy_callback (base);
  source = g_pollable_source_new (G_OBJECT (stream));
  g_source_add_child_source (source, base);
  g_source_unref (base);
  return source;
}

static void
vs_framing_input_finalize (GObject *object)
{
  VsFramingInput *self = VS_FRAMING_INPUT (object);

  g_clear_object (&self->base);
  g_free (self->error);
  G_OBJECT_CLASS (vs_framing_input_parent_class)->finalize (object);
}

static void
vs_framing_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = vs_framing_input_can_poll;
  iface->is_readable = vs_framing_input_is_readable;
  iface->create_source = vs_framing_input_create_source;
  iface->read_nonblocking = vs_framing_input_read_nonblocking;
}

static void
vs_framing_input_class_init (VsFramingInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = vs_framing_input_finalize;
  input_class->read_fn = vs_framing_input_read;
  input_class->close_fn = vs_framing_input_close;
}

static void
vs_framing_input_init (VsFramingInput *self)
{
  http_parser_init (&self->parser, HTTP_RESPONSE);
  self->parser.data = self;
}

/* ---- the connection: checked input, the socket's own output ----------------------------- */

#define VS_TYPE_FRAMING_STREAM (vs_framing_stream_get_type ())
G_DECLARE_FINAL_TYPE (VsFramingStream, vs_framing_stream, VS, FRAMING_STREAM, GIOStream)

struct _VsFramingStream
{
  GIOStream       parent_instance;
  GIOStream      *base;
  VsFramingInput *input;
};

G_DEFINE_FINAL_TYPE (VsFramingStream, vs_framing_stream, G_TYPE_IO_STREAM)

static GInputStream *
vs_framing_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (VS_FRAMING_STREAM (stream)->input);
}

static GOutputStream *
vs_framing_stream_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (VS_FRAMING_STREAM (stream)->base);
}

static gboolean
vs_framing_stream_close (GIOStream     *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return g_io_stream_close (VS_FRAMING_STREAM (stream)->base, cancellable, error);
}

/* Closing a socket does not block: done at once, not in a thread of GIO's pool (the default). */
static void
vs_framing_stream_close_async (GIOStream           *stream,
                               int                  io_priority,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;

  if (vs_framing_stream_close (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
vs_framing_stream_close_finish (GIOStream     *stream,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
vs_framing_stream_finalize (GObject *object)
{
  VsFramingStream *self = VS_FRAMING_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->base);
  G_OBJECT_CLASS (vs_framing_stream_parent_class)->finalize (object);
}

static void
vs_framing_stream_class_init (VsFramingStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = vs_framing_stream_finalize;
  stream_class->get_input_stream = vs_framing_stream_get_input_stream;
  stream_class->get_output_stream = vs_framing_stream_get_output_stream;
  stream_class->close_fn = vs_framing_stream_close;
  stream_class->close_async = vs_framing_stream_close_async;
  stream_class->close_finish = vs_framing_stream_close_finish;
}

static void
vs_framing_stream_init (VsFramingStream *self)
{
}

static GIOStream *
vs_framing_stream_new (GIOStream *base,
                       gboolean   head)
{
  VsFramingStream *self = g_object_new (VS_TYPE_FRAMING_STREAM, NULL);

  self->base = g_object_ref (base);
  self->input = g_object_new (VS_TYPE_FRAMING_INPUT, NULL);
  self->input->base = g_object_ref (g_io_stream_get_input_stream (base));
  self->input->head = head;
  return G_IO_STREAM (self);
}

/* ---- the proxy that puts the stream in --------------------------------------------------- */

#define VS_TYPE_FRAMING_PROXY (vs_framing_proxy_get_type ())
G_DECLARE_FINAL_TYPE (VsFramingProxy, vs_framing_proxy, VS, FRAMING_PROXY, GObject)

struct _VsFramingProxy
{
  GObject parent_instance;
};

static void vs_framing_proxy_iface_init (GProxyInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsFramingProxy, vs_framing_proxy, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_PROXY, vs_framing_proxy_iface_init))

static GIOStream *
vs_framing_proxy_connect (GProxy         *proxy,
                          GIOStream      *connection,
                          GProxyAddress  *address,
                          GCancellable   *cancellable,
                          GError        **error)
{
  const char *uri = g_proxy_address_get_uri (address);

  return vs_framing_stream_new (connection, uri != NULL && g_str_has_suffix (uri, PATH_HEAD));
}

static void
vs_framing_proxy_connect_async (GProxy              *proxy,
                                GIOStream           *connection,
                                GProxyAddress       *address,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (proxy, cancellable, callback, user_data);

  g_task_return_pointer (task, vs_framing_proxy_connect (proxy, connection, address,
                                                         cancellable, NULL),
                         g_object_unref);
}

static GIOStream *
vs_framing_proxy_connect_finish (GProxy        *proxy,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Nothing to resolve on the proxy's side: the TCP connection already is to the target. */
static gboolean
vs_framing_proxy_supports_hostname (GProxy *proxy)
{
  return TRUE;
}

static void
vs_framing_proxy_iface_init (GProxyInterface *iface)
{
  iface->connect = vs_framing_proxy_connect;
  iface->connect_async = vs_framing_proxy_connect_async;
  iface->connect_finish = vs_framing_proxy_connect_finish;
  iface->supports_hostname = vs_framing_proxy_supports_hostname;
}

static void
vs_framing_proxy_class_init (VsFramingProxyClass *klass)
{
}

static void
vs_framing_proxy_init (VsFramingProxy *self)
{
}

/* ---- the resolver that names the proxy ---------------------------------------------------- */

#define VS_TYPE_FRAMING_RESOLVER (vs_framing_resolver_get_type ())
G_DECLARE_FINAL_TYPE (VsFramingResolver, vs_framing_resolver, VS, FRAMING_RESOLVER, GObject)

struct _VsFramingResolver
{
  GObject  parent_instance;
  char    *proxy;  /* "versus-framing://host:port/" */
};

static void vs_framing_resolver_iface_init (GProxyResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VsFramingResolver, vs_framing_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER,
                                                      vs_framing_resolver_iface_init))

static gboolean
vs_framing_resolver_is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static char **
vs_framing_resolver_lookup (GProxyResolver  *resolver,
                            const char      *uri,
                            GCancellable    *cancellable,
                            GError         **error)
{
  char **proxies = g_new0 (char *, 2);

  proxies[0] = g_strdup (VS_FRAMING_RESOLVER (resolver)->proxy);
  return proxies;
}

static void
vs_framing_resolver_lookup_async (GProxyResolver      *resolver,
                                  const char          *uri,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_return_pointer (task, vs_framing_resolver_lookup (resolver, uri, cancellable, NULL),
                         (GDestroyNotify) g_strfreev);
}

static char **
vs_framing_resolver_lookup_finish (GProxyResolver  *resolver,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
vs_framing_resolver_finalize (GObject *object)
{
  g_free (VS_FRAMING_RESOLVER (object)->proxy);
  G_OBJECT_CLASS (vs_framing_resolver_parent_class)->finalize (object);
}

static void
vs_framing_resolver_iface_init (GProxyResolverInterface *iface)
{
  iface->is_supported = vs_framing_resolver_is_supported;
  iface->lookup = vs_framing_resolver_lookup;
  iface->lookup_async = vs_framing_resolver_lookup_async;
  iface->lookup_finish = vs_framing_resolver_lookup_finish;
}

static void
vs_framing_resolver_class_init (VsFramingResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_framing_resolver_finalize;
}

static void
vs_framing_resolver_init (VsFramingResolver *self)
{
}

/* Does the machine's proxy configuration send uri straight to its host? */
static gboolean
goes_direct (GUri *uri)
{
  g_autofree char *text = g_uri_to_string (uri);
  g_auto(GStrv) proxies = g_proxy_resolver_lookup (g_proxy_resolver_get_default (), text, NULL,
                                                   NULL);

  return proxies != NULL && proxies[0] != NULL && g_str_equal (proxies[0], "direct://") &&
         proxies[1] == NULL;
}

/* The proxy protocol is a GIO extension, registered once for the process. */
static void
register_proxy (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      /* asking for a protocol registers GIO's extension points */
      g_autoptr(GProxy) none = g_proxy_get_default_for_protocol (PROTOCOL);

      if (none == NULL)
        g_io_extension_point_implement (G_PROXY_EXTENSION_POINT_NAME, VS_TYPE_FRAMING_PROXY,
                                        PROTOCOL, 0);
      g_once_init_leave (&registered, 1);
    }
}

GProxyResolver *
vs_soup_framing_resolver_new (GUri       *uri,
                              const char *method)
{
  VsFramingResolver *self;
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 || host == NULL ||
      !goes_direct (uri))
    return NULL;

  register_proxy ();
  self = g_object_new (VS_TYPE_FRAMING_RESOLVER, NULL);
  self->proxy = g_strdup_printf (PROTOCOL "://%s%s%s:%d%s", strchr (host, ':') != NULL ? "[" : "",
                                 host, strchr (host, ':') != NULL ? "]" : "", port > 0 ? port : 80,
                                 g_ascii_strcasecmp (method, "HEAD") == 0 ? PATH_HEAD : "/");
  return G_PROXY_RESOLVER (self);
}
