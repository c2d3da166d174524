#include "vs-error.h"

G_DEFINE_QUARK (vs-error-quark, vs_error)

gboolean
vs_error_set_field (GError    **error,
                    const char *field,
                    const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, VS_ERROR, VS_ERROR_INVALID, "%s: %s", field, message);
  return FALSE;
}

void
vs_error_add (GError **error,
              GError  *other)
{
  if (other == NULL)
    return;
  if (error == NULL)
    {
      g_error_free (other);
      return;
    }
  if (*error == NULL)
    {
      *error = other;
      return;
    }
  g_prefix_error (&other, "%s; ", (*error)->message);
  g_clear_error (error);
  *error = other;
}
