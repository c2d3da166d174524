/* vs-equivalence.c: do two backends answer alike? (see vs-equivalence.h) */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "vs-equivalence.h"
#include "vs-json-scan.h"
#include "vs-error.h"

#define EXCERPT_BYTES 24  /* of a non-JSON body, either side of the first difference */

/* ---------------------------------------------------------------------------------------- */
/* JSON pointers                                                                            */

gboolean
vs_json_pointer_validate (const char  *pointer,
                          const char  *field,
                          GError     **error)
{
  g_return_val_if_fail (field != NULL, FALSE);

  if (pointer == NULL || !g_utf8_validate (pointer, -1, NULL))
    return vs_error_set_field (error, field, _("a JSON pointer must be UTF-8 text"));
  if (pointer[0] != '\0' && pointer[0] != '/')
    return vs_error_set_field (error, field,
                               _("“%s” is not a JSON pointer: it must be empty (the whole "
                                 "body) or start with “/”, as in “/user/id”"), pointer);
  for (const char *p = pointer; *p != '\0'; p++)
    if (*p == '~' && p[1] != '0' && p[1] != '1')
      return vs_error_set_field (error, field,
                                 _("“%s” is not a JSON pointer: “~” must be followed by “0” "
                                   "(for “~”) or “1” (for “/”)"), pointer);
  return TRUE;
}

/* The unescaped reference tokens of a valid pointer ("" has none). */
static GStrv
pointer_tokens (const char *pointer)
{
  g_auto(GStrv) parts = NULL;
  GPtrArray *tokens = g_ptr_array_new ();

  if (pointer[0] == '\0')
    {
      g_ptr_array_add (tokens, NULL);
      return (GStrv) g_ptr_array_free (tokens, FALSE);
    }
  parts = g_strsplit (pointer + 1, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      GString *token = g_string_new (NULL);

      /* ~1 first would turn "~01" into "~1" and then into "/"; RFC 6901 §4 decodes ~1, then ~0
       * per escape, which a left-to-right pass does. */
      for (const char *p = parts[i]; *p != '\0'; p++)
        {
          if (*p == '~')
            {
              g_string_append_c (token, p[1] == '1' ? '/' : '~');
              p++;
            }
          else
            g_string_append_c (token, *p);
        }
      g_ptr_array_add (tokens, g_string_free (token, FALSE));
    }
  g_ptr_array_add (tokens, NULL);
  return (GStrv) g_ptr_array_free (tokens, FALSE);
}

static void
append_escaped_token (GString    *pointer,
                      const char *token)
{
  g_string_append_c (pointer, '/');
  for (const char *p = token; *p != '\0'; p++)
    {
      if (*p == '~')
        g_string_append (pointer, "~0");
      else if (*p == '/')
        g_string_append (pointer, "~1");
      else
        g_string_append_c (pointer, *p);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* The comparison                                                                           */

typedef struct
{
  GPtrArray     *ignore;  /* of GStrv */
  GPtrArray     *path;    /* the unescaped tokens down to the values being compared */
  VsEquivalence *result;
} Walk;

static void
difference_free (gpointer data)
{
  VsDifference *difference = data;

  g_free (difference->pointer);
  g_free (difference->a);
  g_free (difference->b);
  g_free (difference);
}

void
vs_equivalence_free (VsEquivalence *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->differences);
  g_free (self);
}

static char *
current_pointer (const Walk *walk)
{
  GString *pointer = g_string_new (NULL);

  for (guint i = 0; i < walk->path->len; i++)
    append_escaped_token (pointer, g_ptr_array_index (walk->path, i));
  return g_string_free (pointer, FALSE);
}

/* Takes a and b. */
static void
add (VsEquivalence    *result,
     VsDifferenceKind  kind,
     char             *pointer,
     char             *a,
     char             *b,
     gsize             offset)
{
  VsDifference *difference;

  result->alike = FALSE;
  if (result->differences->len >= VS_EQUIVALENCE_MAX_DIFFERENCES)
    {
      result->omitted++;
      g_free (pointer);
      g_free (a);
      g_free (b);
      return;
    }
  difference = g_new0 (VsDifference, 1);
  *difference = (VsDifference) { kind, pointer, a, b, offset, NULL };
  g_ptr_array_add (result->differences, difference);
}

static gboolean
ignored (const Walk *walk)
{
  for (guint i = 0; i < walk->ignore->len; i++)
    {
      GStrv tokens = g_ptr_array_index (walk->ignore, i);
      guint n = g_strv_length (tokens);
      guint j;

      if (n != walk->path->len)
        continue;
      for (j = 0; j < n; j++)
        if (strcmp (tokens[j], g_ptr_array_index (walk->path, j)) != 0)
          break;
      if (j == n)
        return TRUE;
    }
  return FALSE;
}

/* A UTF-8 text cut after max characters, with "…" when cut. */
static char *
truncate_text (const char *text,
               guint       max)
{
  if (g_utf8_strlen (text, -1) <= max)
    return g_strdup (text);
  {
    g_autofree char *head = g_utf8_substring (text, 0, max);

    return g_strconcat (head, "…", NULL);
  }
}

static char *
node_text (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return truncate_text (text, VS_EQUIVALENCE_VALUE_CHARS);
}

static gboolean
numbers_equal (JsonNode *a,
               JsonNode *b)
{
  GType ta = json_node_get_value_type (a);
  GType tb = json_node_get_value_type (b);

  if (ta == G_TYPE_INT64 && tb == G_TYPE_INT64)
    return json_node_get_int (a) == json_node_get_int (b);
  return json_node_get_double (a) == json_node_get_double (b);
}

static gboolean
is_number (JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
scalars_equal (JsonNode *a,
               JsonNode *b)
{
  if (JSON_NODE_HOLDS_NULL (a) || JSON_NODE_HOLDS_NULL (b))
    return JSON_NODE_HOLDS_NULL (a) && JSON_NODE_HOLDS_NULL (b);
  if (is_number (a) && is_number (b))
    return numbers_equal (a, b);
  if (json_node_get_value_type (a) != json_node_get_value_type (b))
    return FALSE;
  if (json_node_get_value_type (a) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (a) == json_node_get_boolean (b);
  return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
}

static void compare_nodes (Walk *walk, JsonNode *a, JsonNode *b);

static void
compare_child (Walk       *walk,
               const char *token,
               JsonNode   *a,
               JsonNode   *b)
{
  g_ptr_array_add (walk->path, (gpointer) token);
  if (!ignored (walk))
    {
      if (a == NULL || b == NULL)
        add (walk->result, VS_DIFFERENCE_MISSING, current_pointer (walk),
             a != NULL ? node_text (a) : NULL, b != NULL ? node_text (b) : NULL, 0);
      else
        compare_nodes (walk, a, b);
    }
  g_ptr_array_remove_index (walk->path, walk->path->len - 1);
}

static void
compare_objects (Walk       *walk,
                 JsonObject *a,
                 JsonObject *b)
{
  g_autoptr(GList) members_a = json_object_get_members (a);
  g_autoptr(GList) members_b = json_object_get_members (b);

  /* A's members in A's order, then those only B has, in B's order. */
  for (GList *l = members_a; l != NULL; l = l->next)
    compare_child (walk, l->data, json_object_get_member (a, l->data),
                   json_object_get_member (b, l->data));
  for (GList *l = members_b; l != NULL; l = l->next)
    if (!json_object_has_member (a, l->data))
      compare_child (walk, l->data, NULL, json_object_get_member (b, l->data));
}

static void
compare_arrays (Walk      *walk,
                JsonArray *a,
                JsonArray *b)
{
  guint na = json_array_get_length (a);
  guint nb = json_array_get_length (b);
  guint common = MIN (na, nb);
  gboolean extra_counts = FALSE;

  /* The elements only one side has matter unless each of them is ignored. */
  for (guint i = common; i < MAX (na, nb) && !extra_counts; i++)
    {
      g_autofree char *token = g_strdup_printf ("%u", i);

      g_ptr_array_add (walk->path, token);
      extra_counts = !ignored (walk);
      g_ptr_array_remove_index (walk->path, walk->path->len - 1);
    }
  if (extra_counts)
    add (walk->result, VS_DIFFERENCE_LENGTH, current_pointer (walk),
         g_strdup_printf ("%u", na), g_strdup_printf ("%u", nb), 0);

  for (guint i = 0; i < common; i++)
    {
      g_autofree char *token = g_strdup_printf ("%u", i);

      compare_child (walk, token, json_array_get_element (a, i), json_array_get_element (b, i));
    }
}

static void
compare_nodes (Walk     *walk,
               JsonNode *a,
               JsonNode *b)
{
  JsonNodeType ta = json_node_get_node_type (a);
  JsonNodeType tb = json_node_get_node_type (b);

  if (ta == JSON_NODE_OBJECT && tb == JSON_NODE_OBJECT)
    compare_objects (walk, json_node_get_object (a), json_node_get_object (b));
  else if (ta == JSON_NODE_ARRAY && tb == JSON_NODE_ARRAY)
    compare_arrays (walk, json_node_get_array (a), json_node_get_array (b));
  else if (ta == JSON_NODE_OBJECT || ta == JSON_NODE_ARRAY ||
           tb == JSON_NODE_OBJECT || tb == JSON_NODE_ARRAY || !scalars_equal (a, b))
    add (walk->result, VS_DIFFERENCE_VALUE, current_pointer (walk), node_text (a),
         node_text (b), 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Bodies                                                                                   */

/* "application/json; charset=utf-8" → "application/json"; NULL for none. */
static char *
media_type (const char *content_type)
{
  const char *end;

  if (content_type == NULL)
    return NULL;
  end = strchr (content_type, ';');
  {
    g_autofree char *type = g_strndup (content_type,
                                       end != NULL ? (gsize) (end - content_type)
                                                   : strlen (content_type));

    return g_ascii_strdown (g_strstrip (type), -1);
  }
}

static gboolean
media_type_is_json (const char *type)
{
  return type != NULL && (strcmp (type, "application/json") == 0 ||
                          g_str_has_suffix (type, "+json"));
}

/* The parsed body when it is JSON that can be compared structurally, else NULL; *note says
 * why a JSON body is compared byte for byte (NULL when it is not JSON at all). */
static JsonNode *
parse_body (const VsAnswer  *answer,
            const char     **note)
{
  g_autofree char *type = media_type (answer->content_type);
  g_autoptr(JsonParser) parser = NULL;
  gsize length = 0;
  const char *data = answer->body != NULL ? g_bytes_get_data (answer->body, &length) : NULL;

  *note = NULL;
  if (!media_type_is_json (type) || length == 0 || length > G_MAXSSIZE)
    return NULL;
  if (!g_utf8_validate (data, length, NULL))
    return NULL;
  if (vs_json_scan (data, length, VS_EQUIVALENCE_MAX_DEPTH, NULL, NULL) !=
      VS_JSON_SCAN_OK)
    {
      *note = _("JSON that nests too deep or holds an integer beyond 64 bits or a \\u0000: "
                "compared byte for byte");
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;
  return json_parser_steal_root (parser);
}

static char *
describe_kind (const VsAnswer *answer,
               gboolean        json)
{
  g_autofree char *type = media_type (answer->content_type);
  gsize length = answer->body != NULL ? g_bytes_get_size (answer->body) : 0;

  if (json)
    return g_strdup (_("JSON"));
  if (media_type_is_json (type) && length > 0)
    return g_strdup (_("invalid JSON"));
  /* TRANSLATORS: a body that is not JSON, with its media type and size */
  return g_strdup_printf (_("not JSON (%s, %zu bytes)"),
                          type != NULL ? type : _("no content type"), length);
}

/* Printable ASCII as it is, the rest as \xNN, so an excerpt stays on one line. */
static char *
excerpt (const guint8 *data,
         gsize         length,
         gsize         from,
         gsize         to)
{
  GString *text = g_string_new (from > 0 ? "…" : "");

  for (gsize i = from; i < to && i < length; i++)
    {
      if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '\\')
        g_string_append_c (text, data[i]);
      else if (data[i] == '\\')
        g_string_append (text, "\\\\");
      else
        g_string_append_printf (text, "\\x%02x", data[i]);
    }
  if (to < length)
    g_string_append (text, "…");
  return g_string_free (text, FALSE);
}

static void
compare_bytes (VsEquivalence  *result,
               const VsAnswer *a,
               const VsAnswer *b,
               const char     *note)
{
  gsize na = 0, nb = 0, at = 0, from;
  const guint8 *da = a->body != NULL ? g_bytes_get_data (a->body, &na) : NULL;
  const guint8 *db = b->body != NULL ? g_bytes_get_data (b->body, &nb) : NULL;

  while (at < na && at < nb && da[at] == db[at])
    at++;
  if (at == na && at == nb)
    return;
  from = at > EXCERPT_BYTES ? at - EXCERPT_BYTES : 0;
  add (result, VS_DIFFERENCE_BYTES, NULL, excerpt (da, na, from, at + EXCERPT_BYTES),
       excerpt (db, nb, from, at + EXCERPT_BYTES), at);
  if (result->differences->len > 0)
    {
      VsDifference *last = g_ptr_array_index (result->differences,
                                              result->differences->len - 1);

      if (last->kind == VS_DIFFERENCE_BYTES)
        last->note = note;
    }
}

VsEquivalence *
vs_equivalence_compare (const VsAnswer      *a,
                        const VsAnswer      *b,
                        const char * const  *ignore,
                        GError             **error)
{
  g_autoptr(VsEquivalence) result = g_new0 (VsEquivalence, 1);
  g_autoptr(GPtrArray) ignore_tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(JsonNode) ja = NULL;
  g_autoptr(JsonNode) jb = NULL;
  const char *note_a, *note_b;
  gboolean json_a, json_b;
  gboolean whole_body_ignored = FALSE;

  g_return_val_if_fail (a != NULL && b != NULL, NULL);

  result->alike = TRUE;
  result->differences = g_ptr_array_new_with_free_func (difference_free);
  for (guint i = 0; ignore != NULL && ignore[i] != NULL; i++)
    {
      g_autofree char *field = g_strdup_printf ("ignore[%u]", i);

      if (!vs_json_pointer_validate (ignore[i], field, error))
        return NULL;
      whole_body_ignored = whole_body_ignored || ignore[i][0] == '\0';
      g_ptr_array_add (ignore_tokens, pointer_tokens (ignore[i]));
    }

  if (a->status != b->status)
    add (result, VS_DIFFERENCE_STATUS, NULL, g_strdup_printf ("%u", a->status),
         g_strdup_printf ("%u", b->status), 0);
  if (whole_body_ignored)
    return g_steal_pointer (&result);

  ja = parse_body (a, &note_a);
  jb = parse_body (b, &note_b);
  json_a = ja != NULL || note_a != NULL;
  json_b = jb != NULL || note_b != NULL;
  if (ja != NULL && jb != NULL)
    {
      g_autoptr(GPtrArray) path = g_ptr_array_new ();
      Walk walk = { ignore_tokens, path, result };

      compare_nodes (&walk, ja, jb);
    }
  else if (json_a && json_b)
    compare_bytes (result, a, b, note_a != NULL ? note_a : note_b);
  else if (json_a != json_b)
    add (result, VS_DIFFERENCE_KIND, NULL, describe_kind (a, json_a),
         describe_kind (b, json_b), 0);
  else
    {
      g_autofree char *ta = media_type (a->content_type);
      g_autofree char *tb = media_type (b->content_type);
      gboolean empty = (a->body == NULL || g_bytes_get_size (a->body) == 0) &&
                       (b->body == NULL || g_bytes_get_size (b->body) == 0);

      /* Without a body either side, a Content-Type says nothing. */
      if (!empty && g_strcmp0 (ta, tb) != 0)
        add (result, VS_DIFFERENCE_CONTENT_TYPE, NULL,
             g_strdup (ta != NULL ? ta : _("none")), g_strdup (tb != NULL ? tb : _("none")), 0);
      compare_bytes (result, a, b, NULL);
    }
  return g_steal_pointer (&result);
}

/* ---------------------------------------------------------------------------------------- */
/* Text                                                                                     */

char *
vs_difference_describe (const VsDifference *difference)
{
  const char *missing = _("(missing)");
  const char *where = difference->pointer != NULL && difference->pointer[0] != '\0'
                      ? difference->pointer : _("body");

  g_return_val_if_fail (difference != NULL, NULL);

  switch (difference->kind)
    {
    case VS_DIFFERENCE_STATUS:
      return g_strdup_printf (_("status: %s ≠ %s"), difference->a, difference->b);
    case VS_DIFFERENCE_CONTENT_TYPE:
      return g_strdup_printf (_("content type: %s ≠ %s"), difference->a, difference->b);
    case VS_DIFFERENCE_KIND:
      return g_strdup_printf (_("body: %s ≠ %s"), difference->a, difference->b);
    case VS_DIFFERENCE_VALUE:
      return g_strdup_printf ("%s: %s ≠ %s", where, difference->a, difference->b);
    case VS_DIFFERENCE_MISSING:
      return g_strdup_printf ("%s: %s ≠ %s", where,
                              difference->a != NULL ? difference->a : missing,
                              difference->b != NULL ? difference->b : missing);
    case VS_DIFFERENCE_LENGTH:
      /* TRANSLATORS: JSON arrays of different lengths, "/tags: 3 elements ≠ 2 elements" */
      return g_strdup_printf (_("%s: %s elements ≠ %s elements"), where, difference->a,
                              difference->b);
    case VS_DIFFERENCE_BYTES:
      /* TRANSLATORS: two bodies that differ first at byte N, with an excerpt of each */
      {
        g_autofree char *line = g_strdup_printf (_("body from byte %zu: %s ≠ %s"),
                                                 difference->offset, difference->a,
                                                 difference->b);

        return difference->note != NULL ? g_strdup_printf ("%s (%s)", line, difference->note)
                                        : g_steal_pointer (&line);
      }
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
vs_equivalence_describe (const VsEquivalence *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->differences->len; i++)
    {
      g_autofree char *line = vs_difference_describe (g_ptr_array_index (self->differences, i));

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, line);
    }
  if (self->omitted > 0)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "… and %u more difference",
                                                 "… and %u more differences", self->omitted),
                              self->omitted);
    }
  return g_string_free (text, FALSE);
}
