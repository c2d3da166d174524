/* vs-proc-sample.c: CPU and memory of a process tree from /proc (see the header for what is
 * and is not counted) */
#define _GNU_SOURCE   /* getdents64 */
#include "vs-proc-sample.h"

#include <dirent.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct
{
  pid_t   pid;
  pid_t   ppid;
  pid_t   pgrp;
  char    state;
  guint64 own;        /* utime + stime */
  guint64 children;   /* cutime + cstime: waited-for children */
  guint64 start;      /* starttime, clock ticks after boot: tells a reused pid apart */
  guint64 rss_pages;
} ProcStat;

struct _VsProcSampler
{
  pid_t    root;
  GArray  *all;             /* ProcStat of every process on the machine, this scan */
  GArray  *tree;            /* ProcStat of the tree, this sample, sorted by pid */
  GArray  *previous;        /* ProcStat of the tree, the previous sample, sorted by pid */
  gint64   previous_time;   /* monotonic µs */
  guint64  previous_boot_ticks;
  gboolean has_previous;
  char    *dents;           /* getdents64() buffer, DENTS_SIZE bytes */
};

/* Reads a small /proc file into @buffer with one read (no allocation); the length or -1. */
static gssize
read_small (const char *path,
            char       *buffer,
            gsize       size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gssize n;

  if (fd < 0)
    return -1;
  do
    n = read (fd, buffer, size - 1);
  while (n < 0 && errno == EINTR);
  close (fd);
  if (n < 0)
    return -1;
  buffer[n] = '\0';
  return n;
}

/* Parses /proc/PID/stat; the command name may hold spaces and parentheses, so the fields are
 * read after the last ')'. */
static gboolean
read_stat (pid_t     pid,
           ProcStat *out)
{
  char path[64];
  char buffer[1024];
  const char *p;
  guint64 field[25] = { 0 };   /* field[n] is field n of proc(5); 3 .. 24 are read */
  int n;

  g_snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if (read_small (path, buffer, sizeof buffer) <= 0)
    return FALSE;
  p = strrchr (buffer, ')');
  if (p == NULL || p[1] != ' ' || p[2] == '\0')
    return FALSE;
  out->state = p[2];
  p += 3;
  for (n = 4; n < (int) G_N_ELEMENTS (field) && *p != '\0'; n++)
    {
      while (*p == ' ')
        p++;
      if (*p == '-')
        field[n] = 0;   /* tty_nr, priority…: not needed */
      else
        field[n] = g_ascii_strtoull (p, NULL, 10);
      while (*p != ' ' && *p != '\0' && *p != '\n')
        p++;
    }
  if (n < (int) G_N_ELEMENTS (field))
    return FALSE;
  out->pid = pid;
  out->ppid = (pid_t) field[4];
  out->pgrp = (pid_t) field[5];
  out->own = field[14] + field[15];
  out->children = field[16] + field[17];
  out->start = field[22];
  out->rss_pages = field[24];
  return TRUE;
}

/* PSS in bytes from /proc/PID/smaps_rollup, or FALSE when it cannot be read. */
static gboolean
read_pss (pid_t    pid,
          guint64 *bytes)
{
  char path[64];
  char buffer[2048];
  const char *line;

  g_snprintf (path, sizeof path, "/proc/%d/smaps_rollup", (int) pid);
  if (read_small (path, buffer, sizeof buffer) <= 0)
    return FALSE;
  line = strstr (buffer, "\nPss:");
  if (line == NULL)
    return FALSE;
  *bytes = g_ascii_strtoull (line + 5 + strspn (line + 5, " \t"), NULL, 10) * 1024;
  return TRUE;
}

#define DENTS_SIZE 32768

/* Every process on the machine into @all. The directory is read with getdents64() into
 * @dents (DENTS_SIZE bytes): no allocation, unlike opendir(). */
static void
scan_all (GArray *all,
          char   *dents)
{
  int fd = open ("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gssize n;

  g_array_set_size (all, 0);
  if (fd < 0)
    return;
  while ((n = getdents64 (fd, dents, DENTS_SIZE)) > 0)
    for (gssize offset = 0; offset < n;)
      {
        const struct dirent64 *entry = (const struct dirent64 *) (dents + offset);
        ProcStat stat;
        char *end;
        long pid;

        offset += entry->d_reclen;
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
          continue;
        pid = strtol (entry->d_name, &end, 10);
        if (*end != '\0' || !read_stat ((pid_t) pid, &stat))
          continue;
        g_array_append_val (all, stat);
      }
  close (fd);
}

static gboolean
is_dead (const ProcStat *p)
{
  return p->state == 'Z' || p->state == 'X';
}

guint
vs_proc_count_group (pid_t pgid)
{
  g_autoptr(GArray) all = g_array_sized_new (FALSE, FALSE, sizeof (ProcStat), 512);
  g_autofree char *dents = g_malloc (DENTS_SIZE);
  guint count = 0;

  scan_all (all, dents);
  for (guint i = 0; i < all->len; i++)
    {
      const ProcStat *p = &g_array_index (all, ProcStat, i);

      if (p->pgrp == pgid && !is_dead (p))
        count++;
    }
  return count;
}

static int
compare_pid (gconstpointer a,
             gconstpointer b)
{
  pid_t x = ((const ProcStat *) a)->pid;
  pid_t y = ((const ProcStat *) b)->pid;

  return (x > y) - (x < y);
}

static const ProcStat *
find (GArray *array,
      pid_t   pid)
{
  ProcStat key = { .pid = pid };

  if (array->len == 0)
    return NULL;
  return bsearch (&key, array->data, array->len, sizeof (ProcStat), compare_pid);
}

/* The root and its descendants from @all into @tree, sorted by pid. */
static void
collect_tree (VsProcSampler *self,
              GArray        *all)
{
  GArray *tree = self->tree;
  guint added = 0;

  g_array_set_size (tree, 0);
  for (guint i = 0; i < all->len; i++)
    if (g_array_index (all, ProcStat, i).pid == self->root)
      {
        g_array_append_val (tree, g_array_index (all, ProcStat, i));
        added = 1;
        break;
      }
  /* Breadth first: each pass adds the children of what the previous pass added. */
  while (added > 0)
    {
      guint from = tree->len - added;
      guint to = tree->len;

      added = 0;
      for (guint i = 0; i < all->len; i++)
        {
          const ProcStat *p = &g_array_index (all, ProcStat, i);

          for (guint j = from; j < to; j++)
            if (p->ppid == g_array_index (tree, ProcStat, j).pid && p->pid != self->root)
              {
                g_array_append_val (tree, *p);
                added++;
                break;
              }
        }
    }
  g_array_sort (tree, compare_pid);
}

/* Clock ticks since boot, on the clock /proc/PID/stat's starttime is counted in. */
static guint64
boot_ticks (void)
{
  guint64 hz = (guint64) sysconf (_SC_CLK_TCK);
  struct timespec ts;

  clock_gettime (CLOCK_BOOTTIME, &ts);
  return (guint64) ts.tv_sec * hz + (guint64) ts.tv_nsec * hz / G_GUINT64_CONSTANT (1000000000);
}

/* The clock ticks @p used since the previous sample. */
static guint64
ticks_since (VsProcSampler  *self,
             const ProcStat *p)
{
  const ProcStat *before = find (self->previous, p->pid);
  guint64 reaped, exited = 0;

  if (before != NULL && before->start != p->start)
    before = NULL;   /* the pid was reused */
  if (before == NULL)
    /* Born since the last sample: all of its time. Seen for the first time but older (it
     * joined the tree, or this is the baseline): its baseline is now. */
    return p->start + 1 >= self->previous_boot_ticks ? p->own + p->children : 0;

  /* Children that exited since: the parent's cutime/cstime grew by their whole time, of which
   * the part up to the previous sample was counted already. A parent that does not wait (or
   * ignores SIGCHLD) gains nothing, so nothing is taken off either. */
  reaped = p->children >= before->children ? p->children - before->children : 0;
  for (guint j = 0; j < self->previous->len; j++)
    {
      const ProcStat *gone = &g_array_index (self->previous, ProcStat, j);
      const ProcStat *still;

      if (gone->ppid != p->pid)
        continue;
      still = find (self->tree, gone->pid);
      if (still == NULL || still->start != gone->start)
        exited += gone->own + gone->children;
    }
  return (p->own >= before->own ? p->own - before->own : 0)
         + (reaped > exited ? reaped - exited : 0);
}

/* One sample of @self from the processes in @all (one scan of the machine). */
static void
sample_from (VsProcSampler *self,
             GArray        *all,
             VsProcSample  *sample)
{
  gint64 now = g_get_monotonic_time ();
  guint64 now_boot = boot_ticks ();
  guint64 page = (guint64) sysconf (_SC_PAGESIZE);
  double hz = (double) sysconf (_SC_CLK_TCK);
  const ProcStat *root;
  GArray *swap;

  memset (sample, 0, sizeof *sample);
  collect_tree (self, all);
  sample->memory_is_pss = TRUE;

  for (guint i = 0; i < self->tree->len; i++)
    {
      const ProcStat *p = &g_array_index (self->tree, ProcStat, i);
      guint64 pss;

      if (self->has_previous)
        sample->cpu_ticks += ticks_since (self, p);
      if (is_dead (p))
        continue;
      sample->processes++;
      if (read_pss (p->pid, &pss))
        sample->memory_bytes += pss;
      else
        {
          sample->memory_bytes += p->rss_pages * page;
          sample->memory_is_pss = FALSE;
        }
    }

  root = find (self->tree, self->root);
  sample->root_alive = root != NULL && !is_dead (root);
  if (sample->processes == 0)
    sample->memory_is_pss = FALSE;
  if (self->has_previous)
    {
      sample->interval_s = (double) (now - self->previous_time) / G_USEC_PER_SEC;
      if (sample->interval_s > 0)
        sample->cpu_percent = 100.0 * ((double) sample->cpu_ticks / hz) / sample->interval_s;
    }

  swap = self->previous;
  self->previous = self->tree;
  self->tree = swap;
  self->previous_time = now;
  self->previous_boot_ticks = now_boot;
  self->has_previous = TRUE;
}

void
vs_proc_sampler_sample (VsProcSampler *self,
                        VsProcSample  *sample)
{
  scan_all (self->all, self->dents);
  sample_from (self, self->all, sample);
}

void
vs_proc_sampler_sample_many (VsProcSampler * const *samplers,
                             guint                  n_samplers,
                             VsProcSample          *samples)
{
  if (n_samplers == 0)
    return;
  scan_all (samplers[0]->all, samplers[0]->dents);
  for (guint i = 0; i < n_samplers; i++)
    sample_from (samplers[i], samplers[0]->all, &samples[i]);
}

VsProcSampler *
vs_proc_sampler_new (pid_t root)
{
  VsProcSampler *self = g_new0 (VsProcSampler, 1);
  VsProcSample baseline;

  self->root = root;
  self->dents = g_malloc (DENTS_SIZE);
  self->all = g_array_sized_new (FALSE, FALSE, sizeof (ProcStat), 512);
  self->tree = g_array_sized_new (FALSE, FALSE, sizeof (ProcStat), 16);
  self->previous = g_array_sized_new (FALSE, FALSE, sizeof (ProcStat), 16);
  vs_proc_sampler_sample (self, &baseline);
  return self;
}

void
vs_proc_sampler_free (VsProcSampler *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->all);
  g_array_unref (self->tree);
  g_array_unref (self->previous);
  g_free (self->dents);
  g_free (self);
}
