/* vs-protocols.h: which HTTP version each target answered in, and what a reader must know
 * about it
 *
 * Both engines count responses by HTTP version (VsCounters.protocols). A comparison of an
 * HTTP/1.1 backend with an HTTP/2 one compares the protocols too, and streams per connection
 * only apply where a connection multiplexes; the notes say so, in the CLI's and the JSON's
 * words alike.
 */
#pragma once

#include "vs-results.h"

G_BEGIN_DECLS

/* "HTTP/2", "HTTP/1.1", "HTTP/1.1, HTTP/2" (both seen), or NULL before any response: the
 * measured phase's responses, or the warm-up's when the measured phase has none yet. */
char      *vs_target_result_protocol (const VsTargetResult *self);

/* Translated notes, one sentence each (none when there is nothing to say). */
GPtrArray *vs_protocol_notes         (VsResults            *results);

G_END_DECLS
