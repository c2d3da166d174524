/* vs-soup-framing.h: the native engine's framing rules for libsoup's plain http:// connections
 *
 * libsoup 3.2 reads an invalid chunk size as the last chunk (strtoul), takes one of two
 * different Content-Length headers, and hands a negative one to a GObject property (a GLib
 * warning per response) — and counts every such response as a success. The native engine's
 * http-parser refuses each of them. So that one rule holds in both engines, a soup session of a
 * plain http:// target connects through a "proxy" of ours that does not proxy anything: it
 * wraps the TCP connection in a stream that runs every byte libsoup reads through http-parser
 * (as the native engine parses it), and turns what http-parser refuses into an I/O error
 * before libsoup sees the bytes. libsoup treats a proxy protocol it does not know (not "http")
 * like SOCKS, transparently: the request line stays in origin form and the TCP connection goes
 * to the target's own host and port.
 *
 * Only for http://: under TLS the bytes on the socket are encrypted. Only where the machine's
 * proxy settings say "direct" for the target: a configured proxy keeps working, with libsoup's
 * own rules.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A proxy resolver for a session whose requests are all to uri with method (HEAD responses
 * carry no body); NULL when uri is not http:// or the default resolver names a proxy for it.
 * May block on the machine's proxy settings: call it off the GTK main thread. */
GProxyResolver *vs_soup_framing_resolver_new (GUri       *uri,
                                              const char *method);

G_END_DECLS
