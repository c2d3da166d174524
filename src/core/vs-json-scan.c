/* vs-json-scan.c: what json-glib cannot hold faithfully, found before it parses */
#include "config.h"

#include <string.h>

#include "vs-json-scan.h"

/* Where the scan is: one frame per open array or object. */
typedef struct
{
  gboolean    array;
  guint       index;     /* array: the element being read */
  const char *key;       /* object: the member being read (raw text), or NULL */
  gsize       key_len;
  gboolean    want_key;  /* object: the next string is a member name */
} Frame;

static char *
frames_path (const Frame *frames,
             guint        depth)
{
  GString *path = g_string_new (NULL);

  for (guint d = 0; d < depth; d++)
    {
      if (frames[d].array)
        g_string_append_printf (path, "[%u]", frames[d].index);
      else if (frames[d].key != NULL)
        {
          if (path->len > 0)
            g_string_append_c (path, '.');
          g_string_append_len (path, frames[d].key, frames[d].key_len);
        }
    }
  if (path->len == 0)
    {
      g_string_free (path, TRUE);
      return NULL;
    }
  return g_string_free (path, FALSE);
}

/* An integer literal JSON may hold but an int64 cannot. */
static gboolean
integer_too_large (const char *start,
                   gsize       len)
{
  g_autofree char *text = NULL;
  gint64 value;

  for (gsize i = start[0] == '-' ? 1 : 0; i < len; i++)
    if (!g_ascii_isdigit (start[i]))
      return FALSE;
  if (!g_ascii_isdigit (start[len - 1]))
    return FALSE;  /* a lone "-": not JSON, the parser says so */
  text = g_strndup (start, len);
  return !g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL);
}

static VsJsonScanResult
found (VsJsonScanResult  result,
       const Frame      *frames,
       guint             depth,
       char            **path)
{
  if (path != NULL)
    *path = frames_path (frames, depth);
  return result;
}

VsJsonScanResult
vs_json_scan (const char  *json,
              gsize        length,
              guint        max_depth,
              char       **path,
              char       **literal)
{
  g_autofree Frame *frames = g_new0 (Frame, max_depth + 1);
  const char *end = json + length;
  guint depth = 0;

  if (path != NULL)
    *path = NULL;
  if (literal != NULL)
    *literal = NULL;

  for (const char *p = json; p < end; p++)
    {
      Frame *top = depth > 0 ? &frames[depth - 1] : NULL;

      switch (*p)
        {
        case '{':
        case '[':
          if (depth == max_depth)
            return found (VS_JSON_SCAN_TOO_DEEP, frames, depth, path);
          frames[depth++] = (Frame) { *p == '[', 0, NULL, 0, *p == '{' };
          break;

        case '}':
        case ']':
          if (depth > 0)
            depth--;
          break;

        case ',':
          if (top != NULL && top->array)
            top->index++;
          else if (top != NULL)
            top->want_key = TRUE;
          break;

        case ':':
          if (top != NULL)
            top->want_key = FALSE;
          break;

        case '"':
          {
            const char *start = ++p;

            for (; p < end && *p != '"'; p++)
              {
                if (*p != '\\' || ++p >= end)
                  continue;
                if (*p == 'u' && end - p > 4 && strncmp (p + 1, "0000", 4) == 0)
                  {
                    if (top != NULL && top->want_key)
                      {
                        top->key = start;
                        top->key_len = p - 1 - start;
                      }
                    return found (VS_JSON_SCAN_NUL, frames, depth, path);
                  }
              }
            if (p >= end)
              return VS_JSON_SCAN_OK;  /* unterminated: the parser says where */
            if (top != NULL && !top->array && top->want_key)
              {
                top->key = start;
                top->key_len = p - start;
              }
          }
          break;

        case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          {
            const char *start = p;

            while (p + 1 < end && strchr ("-+.eE0123456789", p[1]) != NULL)
              p++;
            if (integer_too_large (start, p + 1 - start))
              {
                if (literal != NULL)
                  *literal = g_strndup (start, p + 1 - start);
                return found (VS_JSON_SCAN_HUGE_INTEGER, frames, depth, path);
              }
          }
          break;

        default:
          break;
        }
    }

  return VS_JSON_SCAN_OK;
}
