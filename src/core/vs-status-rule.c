/* vs-status-rule.c: which response statuses count as success ("2xx,3xx", "200-204,404") */
#include "config.h"

#include <glib/gi18n.h>

#include "vs-error.h"
#include "vs-plan-private.h"

static void
status_rule_add_range (VsStatusRule *rule,
                       guint         lo,
                       guint         hi)
{
  for (guint s = lo; s <= hi; s++)
    rule->accept[s / 64] |= G_GUINT64_CONSTANT (1) << (s % 64);
}

static gboolean
parse_status_code (const char *text,
                   gsize       len,
                   guint      *out)
{
  guint value = 0;

  if (len != 3)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (text[i] - '0');
    }

  *out = value;
  return TRUE;
}

static gboolean
status_rule_parse_item (VsStatusRule *rule,
                        const char   *item,
                        GError      **error)
{
  gsize len = strlen (item);
  g_autofree char *shown = g_utf8_make_valid (item, -1);  /* for messages: -e need not be UTF-8 */
  const char *dash;
  guint lo, hi;

  if (len == 3 && item[0] >= '1' && item[0] <= '5' &&
      g_ascii_tolower (item[1]) == 'x' && g_ascii_tolower (item[2]) == 'x')
    {
      lo = (item[0] - '0') * 100;
      status_rule_add_range (rule, lo, lo + 99);
      return TRUE;
    }

  dash = strchr (item, '-');
  if (dash != NULL)
    {
      if (!parse_status_code (item, dash - item, &lo) ||
          !parse_status_code (dash + 1, strlen (dash + 1), &hi))
        goto bad;
    }
  else
    {
      if (!parse_status_code (item, len, &lo))
        goto bad;
      hi = lo;
    }

  if (lo < 100 || lo > 599 || hi < 100 || hi > 599)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
                   _("status “%s” is out of range; HTTP statuses run from 100 to 599"), shown);
      return FALSE;
    }
  if (lo > hi)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
                   _("range “%s” runs backwards; write the lower status first"), shown);
      return FALSE;
    }

  status_rule_add_range (rule, lo, hi);
  return TRUE;

bad:
  g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
               _("“%s” is not a status, class or range; use forms like 2xx, 200 or 200-204"),
               shown);
  return FALSE;
}

gboolean
vs_status_rule_parse (VsStatusRule *rule,
                      const char   *text,
                      GError      **error)
{
  g_auto(GStrv) items = NULL;
  VsStatusRule parsed = { { 0 } };
  const char *p = text;

  g_return_val_if_fail (rule != NULL, FALSE);

  while (p != NULL && g_ascii_isspace (*p))
    p++;
  if (p == NULL || *p == '\0')
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_INVALID,
                           _("empty; give the statuses that count as success, like 2xx,3xx"));
      return FALSE;
    }

  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);

      if (*item == '\0')
        {
          g_autofree char *shown = g_utf8_make_valid (text, -1);

          g_set_error (error, VS_ERROR, VS_ERROR_INVALID,
                       _("“%s” has an empty item; separate statuses with single commas"), shown);
          return FALSE;
        }
      if (!status_rule_parse_item (&parsed, item, error))
        return FALSE;
    }

  *rule = parsed;
  return TRUE;
}
