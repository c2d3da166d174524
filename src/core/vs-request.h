/* vs-request.h: one target's request, built once by plan validation
 *
 * What both engines send: the method, the request target (path and query, %-encoded as the
 * URL wrote them), the authority, the plan's header lines split into names and trimmed values,
 * and the body. Built by vs_plan_validate() from a plan that vs_plan_check() accepted, so every
 * field is known good; read-only afterwards and shared by reference (targets, workers and
 * engines take a reference, never a copy).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char      *method;      /* "GET", as the plan writes it */
  char      *scheme;      /* "http" or "https", lower case */
  char      *host;        /* as in the URL; an IPv6 address without brackets */
  guint16    port;        /* the URL's, or the scheme's default */
  char      *path_query;  /* "/a/b?c=1": the request line's target, never empty */
  char      *authority;   /* "host:port" ("[::1]:8080"), always with the port: for messages */
  char      *host_header; /* the Host value: the plan's, or the URL's host[:port] */
  guint      n_headers;
  char     **names;       /* the plan's headers, in order; NULL-terminated */
  char     **values;      /* trimmed of surrounding blanks; NULL-terminated */
  gboolean   has_host;    /* the plan gives Host */
  gboolean   has_agent;   /* the plan gives User-Agent */
  gboolean   head;        /* HEAD: responses carry no body */
  GBytes    *body;        /* never NULL; empty when the request has none */
} VsRequest;

/* From a URL vs_plan_check() accepted, the plan's method and header lines (vs_header_check()
 * accepted each) and the body bytes (a reference is taken). */
VsRequest  *vs_request_new           (const char         *url,
                                      const char         *method,
                                      const char * const *headers,
                                      GBytes             *body);
VsRequest  *vs_request_ref           (VsRequest          *self);
void        vs_request_unref         (VsRequest          *self);

/* Whether a request with this method and body carries Content-Length (a body, or a method
 * whose requests have one by definition: POST, PUT, PATCH). */
gboolean    vs_request_has_length    (const VsRequest    *self);

/* "Versus/VERSION": the User-Agent both engines send when the plan gives none. */
const char *vs_user_agent            (void);

/* "host:port", "[v6]:port": the one place an authority is written. */
char       *vs_format_authority      (const char         *host,
                                      int                 port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsRequest, vs_request_unref)

G_END_DECLS
