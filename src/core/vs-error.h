/* vs-error.h: the VS_ERROR domain every Versus failure is reported in */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VS_ERROR (vs_error_quark ())

typedef enum
{
  VS_ERROR_INVALID,      /* a plan field or command-line value is wrong; the message names it */
  VS_ERROR_IO,           /* a file could not be read or written */
  VS_ERROR_LIMIT,        /* a system limit (open files, threads) stands in the way */
  VS_ERROR_FAILED,
} VsError;

GQuark   vs_error_quark     (void);

/* Sets a VS_ERROR_INVALID error "field: message" and returns FALSE, so that parsers can
 * `return vs_error_set_field (error, path, _("expected …"));`. */
gboolean vs_error_set_field (GError    **error,
                             const char *field,
                             const char *format,
                             ...) G_GNUC_PRINTF (3, 4);

/* Adds other (taken; NULL: nothing) to *error: set when it was not, else the messages joined
 * ("a; b"), so that work that goes on past a failure reports every one. */
void     vs_error_add       (GError    **error,
                             GError     *other);

G_END_DECLS
