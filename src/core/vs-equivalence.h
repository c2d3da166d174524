/* vs-equivalence.h: do two backends answer alike?
 *
 * Before a comparison Versus sends every target the same request once; a backend that is
 * faster because it answers something else is no win. This compares two such answers: the
 * status, and the body — structurally when both are JSON (object member order ignored, numbers
 * compared by value, JSON pointers (RFC 6901) to leave out), byte for byte otherwise — and
 * describes each difference in a short, readable line.
 *
 * A body is JSON when its Content-Type is application/json or ends in +json and it parses.
 * A JSON body nested deeper than VS_EQUIVALENCE_MAX_DEPTH, holding an integer outside int64 or
 * an escaped NUL (which json-glib cannot represent faithfully) is compared byte for byte, and
 * a difference then says so.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VS_EQUIVALENCE_MAX_DEPTH       256
#define VS_EQUIVALENCE_MAX_DIFFERENCES 10   /* listed; the rest are only counted */
#define VS_EQUIVALENCE_VALUE_CHARS     60   /* a value's text is cut after this many characters */

/* One answer: what the comparison needs of it. */
typedef struct
{
  guint       status;
  const char *content_type;  /* the header's value, or NULL */
  GBytes     *body;          /* NULL: empty */
} VsAnswer;

typedef enum
{
  VS_DIFFERENCE_STATUS,        /* a, b: the status codes */
  VS_DIFFERENCE_CONTENT_TYPE,  /* bodies not both JSON: the media types differ */
  VS_DIFFERENCE_KIND,          /* one body is JSON, the other is not */
  VS_DIFFERENCE_VALUE,         /* at pointer: different values (or types) */
  VS_DIFFERENCE_MISSING,       /* at pointer: a member or element only one side has (the other
                                * side's text is NULL) */
  VS_DIFFERENCE_LENGTH,        /* at pointer: arrays of different length */
  VS_DIFFERENCE_BYTES,         /* non-JSON bodies differ; offset is the first differing byte */
} VsDifferenceKind;

typedef struct
{
  VsDifferenceKind kind;
  char            *pointer;  /* RFC 6901, escaped; NULL when not about a place in the JSON */
  char            *a;        /* A's side as shown: a JSON text, a status, an excerpt; NULL if
                              * A has nothing there */
  char            *b;
  gsize            offset;   /* VS_DIFFERENCE_BYTES only */
  const char      *note;     /* VS_DIFFERENCE_BYTES: why JSON was compared byte for byte, or
                              * NULL (a static, translated text) */
} VsDifference;

typedef struct
{
  gboolean   alike;
  GPtrArray *differences;  /* of VsDifference, at most VS_EQUIVALENCE_MAX_DIFFERENCES */
  guint      omitted;      /* further differences found but not listed */
} VsEquivalence;

/* FALSE (VS_ERROR_INVALID "field: …") when pointer is not an RFC 6901 JSON pointer: empty, or
 * "/"-separated tokens in which "~" is followed by "0" or "1", in UTF-8. field is the caller's
 * path of the value (`targets[1].compare.ignore[0]`). */
gboolean       vs_json_pointer_validate  (const char          *pointer,
                                          const char          *field,
                                          GError             **error);

/* Compares a with b, leaving out the places named by ignore (NULL-terminated, may be NULL;
 * each must validate — else NULL and an error naming "ignore[i]"). */
VsEquivalence *vs_equivalence_compare    (const VsAnswer      *a,
                                          const VsAnswer      *b,
                                          const char * const  *ignore,
                                          GError             **error);

/* "status: 200 ≠ 404", "/user/name: \"Ann\" ≠ \"Bob\"", "/tags: 3 elements ≠ 2 elements" … */
char          *vs_difference_describe    (const VsDifference  *difference);

/* Every listed difference on a line of its own (no final newline), then "… and N more
 * differences" when some were omitted; "" when alike. */
char          *vs_equivalence_describe   (const VsEquivalence *self);

void           vs_equivalence_free       (VsEquivalence       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsEquivalence, vs_equivalence_free)

G_END_DECLS
