/* vs-request.c: one target's request, built once by plan validation */
#include "config.h"

#include <string.h>

#include "vs-request.h"

const char *
vs_user_agent (void)
{
  return "Versus/" PACKAGE_VERSION;
}

char *
vs_format_authority (const char *host,
                     int         port)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%d", host, port);
  return g_strdup_printf ("%s:%d", host, port);
}

static gboolean
name_is (const char *name,
         const char *other)
{
  return g_ascii_strcasecmp (name, other) == 0;
}

VsRequest *
vs_request_new (const char         *url,
                const char         *method,
                const char * const *headers,
                GBytes             *body)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  VsRequest *self;
  const char *path, *query;
  int port;

  g_return_val_if_fail (url != NULL && body != NULL, NULL);

  /* kept %-encoded: the path goes on the wire exactly as written */
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  g_return_val_if_fail (uri != NULL && g_uri_get_host (uri) != NULL, NULL);

  self = g_atomic_rc_box_new0 (VsRequest);
  self->method = g_strdup (method != NULL && *method != '\0' ? method : "GET");
  self->scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  self->host = g_strdup (g_uri_get_host (uri));
  port = g_uri_get_port (uri);
  if (port <= 0)
    port = g_str_equal (self->scheme, "https") ? 443 : 80;
  self->port = port;
  self->authority = vs_format_authority (self->host, port);

  path = g_uri_get_path (uri);
  query = g_uri_get_query (uri);
  self->path_query = g_strconcat (path != NULL && *path != '\0' ? path : "/",
                                  query != NULL ? "?" : "", query, NULL);

  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    {
      const char *colon = strchr (headers[i], ':');
      g_autofree char *name = g_strndup (headers[i], colon - headers[i]);
      g_autofree char *value = g_strstrip (g_strdup (colon + 1));

      if (name_is (name, "Host"))
        {
          self->has_host = TRUE;
          self->host_header = g_strdup (value);
        }
      self->has_agent |= name_is (name, "User-Agent");
      g_strv_builder_add (names, name);
      g_strv_builder_add (values, value);
      self->n_headers++;
    }
  self->names = g_strv_builder_end (names);
  self->values = g_strv_builder_end (values);

  if (self->host_header == NULL)
    {
      gboolean default_port = port == (g_str_equal (self->scheme, "https") ? 443 : 80);

      if (!default_port)
        self->host_header = g_strdup (self->authority);
      else if (strchr (self->host, ':') != NULL)
        self->host_header = g_strdup_printf ("[%s]", self->host);
      else
        self->host_header = g_strdup (self->host);
    }

  self->head = g_str_equal (self->method, "HEAD");
  self->body = g_bytes_ref (body);
  return self;
}

VsRequest *
vs_request_ref (VsRequest *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
request_clear (gpointer data)
{
  VsRequest *self = data;

  g_free (self->method);
  g_free (self->scheme);
  g_free (self->host);
  g_free (self->path_query);
  g_free (self->authority);
  g_free (self->host_header);
  g_strfreev (self->names);
  g_strfreev (self->values);
  g_bytes_unref (self->body);
}

void
vs_request_unref (VsRequest *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, request_clear);
}

gboolean
vs_request_has_length (const VsRequest *self)
{
  return g_bytes_get_size (self->body) > 0 || g_str_equal (self->method, "POST") ||
         g_str_equal (self->method, "PUT") || g_str_equal (self->method, "PATCH");
}
