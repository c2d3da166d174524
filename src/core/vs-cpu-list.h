/* vs-cpu-list.h: CPU lists such as "1", "2-3" or "0,2,4-5" — parsed, checked against the
 * machine, printed, compared */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VS_CPU_LIST_MAX 1024   /* CPUs 0 .. 1023, as glibc's cpu_set_t */

typedef struct
{
  guint64 bits[VS_CPU_LIST_MAX / 64];
} VsCpuList;

/* Parses @text into @list. Rejects bad syntax, empty lists, ranges that run backwards, and
 * CPUs this process may not run on (those the machine does not have, or that its affinity
 * excludes): FALSE with a VS_ERROR_INVALID "@field: …" (only "…" when @field is NULL; a
 * caller can also g_prefix_error() its own path). */
gboolean  vs_cpu_list_parse    (const char      *text,
                                const char      *field,
                                VsCpuList       *list,
                                GError         **error);
/* The canonical text ("0-2,5"); "" for an empty list. */
char     *vs_cpu_list_format   (const VsCpuList *list);
guint     vs_cpu_list_count    (const VsCpuList *list);
/* TRUE when @a and @b share a CPU; the shared CPUs go to @common when it is not NULL. */
gboolean  vs_cpu_list_overlap  (const VsCpuList *a,
                                const VsCpuList *b,
                                VsCpuList       *common);
gboolean  vs_cpu_list_contains (const VsCpuList *list,
                                guint            cpu);
void      vs_cpu_list_add      (VsCpuList       *list,
                                guint            cpu);
/* The CPUs this process may run on (its own affinity). */
void      vs_cpu_list_available (VsCpuList      *list);
/* Pins the process @pid (0: the calling one) to @list; -1 with errno set when it fails.
 * Async-signal-safe: it is called in the forked child before exec. */
int       vs_cpu_list_apply    (const VsCpuList *list,
                                int              pid);

G_END_DECLS
