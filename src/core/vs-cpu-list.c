/* vs-cpu-list.c: parsing, checking and printing CPU lists */
#define _GNU_SOURCE
#include "config.h"

#include "vs-cpu-list.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vs-error.h"

G_STATIC_ASSERT (VS_CPU_LIST_MAX <= CPU_SETSIZE);

gboolean
vs_cpu_list_contains (const VsCpuList *list,
                      guint            cpu)
{
  return cpu < VS_CPU_LIST_MAX && (list->bits[cpu / 64] >> (cpu % 64) & 1) != 0;
}

void
vs_cpu_list_add (VsCpuList *list,
                 guint      cpu)
{
  if (cpu < VS_CPU_LIST_MAX)
    list->bits[cpu / 64] |= G_GUINT64_CONSTANT (1) << (cpu % 64);
}

guint
vs_cpu_list_count (const VsCpuList *list)
{
  guint count = 0;

  for (guint i = 0; i < G_N_ELEMENTS (list->bits); i++)
    count += (guint) __builtin_popcountll (list->bits[i]);
  return count;
}

gboolean
vs_cpu_list_overlap (const VsCpuList *a,
                     const VsCpuList *b,
                     VsCpuList       *common)
{
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (a->bits); i++)
    {
      guint64 both = a->bits[i] & b->bits[i];

      any |= both != 0;
      if (common != NULL)
        common->bits[i] = both;
    }
  return any;
}

void
vs_cpu_list_available (VsCpuList *list)
{
  cpu_set_t set;

  memset (list, 0, sizeof *list);
  CPU_ZERO (&set);
  if (sched_getaffinity (0, sizeof set, &set) != 0)
    return;
  for (guint cpu = 0; cpu < VS_CPU_LIST_MAX; cpu++)
    if (CPU_ISSET (cpu, &set))
      vs_cpu_list_add (list, cpu);
}

int
vs_cpu_list_apply (const VsCpuList *list,
                   int              pid)
{
  cpu_set_t set;

  CPU_ZERO (&set);
  for (guint cpu = 0; cpu < VS_CPU_LIST_MAX; cpu++)
    if (vs_cpu_list_contains (list, cpu))
      CPU_SET (cpu, &set);
  return sched_setaffinity (pid, sizeof set, &set);
}

char *
vs_cpu_list_format (const VsCpuList *list)
{
  GString *text = g_string_new (NULL);

  for (guint cpu = 0; cpu < VS_CPU_LIST_MAX; cpu++)
    {
      guint last = cpu;

      if (!vs_cpu_list_contains (list, cpu))
        continue;
      while (last + 1 < VS_CPU_LIST_MAX && vs_cpu_list_contains (list, last + 1))
        last++;
      if (text->len > 0)
        g_string_append_c (text, ',');
      if (last == cpu)
        g_string_append_printf (text, "%u", cpu);
      else
        g_string_append_printf (text, "%u-%u", cpu, last);
      cpu = last;
    }
  return g_string_free (text, FALSE);
}

static gboolean
fail (GError    **error,
      const char *field,
      char       *message)   /* taken */
{
  if (field != NULL)
    vs_error_set_field (error, field, "%s", message);
  else
    g_set_error_literal (error, VS_ERROR, VS_ERROR_INVALID, message);
  g_free (message);
  return FALSE;
}

/* A CPU number: decimal digits only (a number too large for any machine saturates). */
static gboolean
parse_number (const char **p,
              guint       *cpu)
{
  guint64 value = 0;

  if (!g_ascii_isdigit (**p))
    return FALSE;
  while (g_ascii_isdigit (**p))
    {
      value = MIN (value * 10 + (guint64) (**p - '0'), (guint64) G_MAXUINT);
      (*p)++;
    }
  *cpu = (guint) value;
  return TRUE;
}

gboolean
vs_cpu_list_parse (const char  *text,
                   const char  *field,
                   VsCpuList   *list,
                   GError     **error)
{
  VsCpuList result = { { 0 } };
  VsCpuList available;
  VsCpuList missing = { { 0 } };
  const char *p = text;
  guint beyond = 0, beyond_last = 0;   /* numbers past VS_CPU_LIST_MAX: the first, the last */

  if (text == NULL || text[0] == '\0')
    return fail (error, field,
                 g_strdup (_("expected a CPU list such as “1”, “2-3” or “0,2”, got nothing")));
  for (;;)
    {
      guint first, last;

      while (*p == ' ')
        p++;
      if (!parse_number (&p, &first))
        break;
      last = first;
      if (*p == '-')
        {
          p++;
          if (!parse_number (&p, &last))
            break;
          if (last < first)
            return fail (error, field,
                         g_strdup_printf (_("the range “%u-%u” runs backwards"), first, last));
        }
      if (last >= VS_CPU_LIST_MAX)
        {
          guint from = MAX (first, VS_CPU_LIST_MAX);

          beyond = beyond == 0 ? from : MIN (beyond, from);
          beyond_last = MAX (beyond_last, last);
        }
      for (guint cpu = first; cpu <= MIN (last, VS_CPU_LIST_MAX - 1); cpu++)
        vs_cpu_list_add (&result, cpu);
      while (*p == ' ')
        p++;
      if (*p == '\0')
        {
          g_autofree char *missing_text = NULL;
          g_autofree char *available_text = NULL;

          vs_cpu_list_available (&available);
          for (guint i = 0; i < G_N_ELEMENTS (missing.bits); i++)
            missing.bits[i] = result.bits[i] & ~available.bits[i];
          if (vs_cpu_list_count (&missing) == 0 && beyond == 0)
            {
              *list = result;
              return TRUE;
            }
          missing_text = vs_cpu_list_format (&missing);
          if (beyond != 0)
            {
              char *all = g_strdup_printf (beyond == beyond_last ? "%s%s%u" : "%s%s%u-%u",
                                           missing_text, missing_text[0] ? "," : "", beyond,
                                           beyond_last);

              g_free (missing_text);
              missing_text = all;
            }
          available_text = vs_cpu_list_format (&available);
          return fail (error, field,
                       g_strdup_printf (_("no CPU %s on this machine (the CPUs here are %s)"),
                                        missing_text, available_text));
        }
      if (*p != ',')
        break;
      p++;
    }
  return fail (error, field,
               g_strdup_printf (_("expected a CPU list such as “1”, “2-3” or “0,2”, got “%s”"),
                                text));
}
