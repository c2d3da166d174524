/* vs-json-scan.h: what json-glib cannot hold faithfully, found before it parses
 *
 * json-glib 1.6 recurses once per nesting level (100,000 `[` overflow the stack), cuts strings
 * at an escaped NUL (`\u0000`) and turns integers beyond 64 bits into something else. Both the
 * plan loader and the answer comparison scan the raw text for these first, with this one
 * scanner. It reads JSON-shaped text without validating it: what is not JSON is left to the
 * parser, which says where.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VS_JSON_SCAN_OK,
  VS_JSON_SCAN_TOO_DEEP,       /* more than max_depth arrays/objects inside each other */
  VS_JSON_SCAN_NUL,            /* a string holds \u0000 */
  VS_JSON_SCAN_HUGE_INTEGER,   /* an integer outside int64 */
} VsJsonScanResult;

/* The first problem in @json. When @path is given it gets where the problem is, in the plan's
 * notation (`targets[0].headers.X`), or NULL at the top level; when @literal is given and the
 * problem is a huge integer, it gets that integer's text. */
VsJsonScanResult vs_json_scan (const char  *json,
                               gsize        length,
                               guint        max_depth,
                               char       **path,
                               char       **literal);

G_END_DECLS
