/* vs-proc-sample.h: CPU and memory of a whole process tree, read from /proc
 *
 * A VsProcSampler follows one root process and everything that descends from it, found by the
 * ppid field of /proc/PID/stat (kernels built without CONFIG_PROC_CHILDREN, such as the one the
 * tests run on, have no /proc/PID/task/TID/children). vs_proc_sampler_sample() is called once
 * per tick; it reuses its buffers (the directory is read with getdents64, not opendir), so a
 * tick allocates nothing once the number of processes is stable. A tick costs one scan of /proc
 * (one small read of /proc/PID/stat per process on the machine) plus one read of smaps_rollup
 * per process of the tree.
 *
 * What is counted as CPU (user + system, in clock ticks, turned into % of one core over the
 * time since the previous sample):
 *  - every process of the tree while it is alive (all of its threads);
 *  - a process born since the previous sample: all of its time;
 *  - a child that exited and was waited for by a parent in the tree: the rest of its time, and
 *    the time of its own waited-for descendants, through the parent's cutime/cstime.
 * What is not counted:
 *  - the time between the previous sample and the exit of a process whose parent does not wait
 *    for it (SIGCHLD ignored, or reparented outside the tree), and the root's own last moments;
 *  - a process that leaves the tree (double fork to daemonize), from the moment it has left.
 * Memory is the sum over the live processes of the tree of PSS (/proc/PID/smaps_rollup), which
 * splits shared pages between the processes that map them (a forked worker does not count its
 * parent's pages twice); when smaps_rollup cannot be read for some process, its RSS is used and
 * the sample says so (memory_is_pss is FALSE).
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct
{
  double   interval_s;     /* seconds since the previous sample */
  double   cpu_percent;    /* % of one core over interval_s (200 = two cores busy) */
  guint64  cpu_ticks;      /* clock ticks of CPU the tree used in the interval */
  guint64  memory_bytes;   /* PSS (or RSS, see memory_is_pss) summed over the live tree */
  gboolean memory_is_pss;  /* TRUE when every process's PSS could be read */
  guint    processes;      /* live (non-zombie) processes in the tree, the root included */
  gboolean root_alive;     /* FALSE once the root has exited */
} VsProcSample;

typedef struct _VsProcSampler VsProcSampler;

/* Takes the baseline sample at once; the first vs_proc_sampler_sample() covers the time since. */
VsProcSampler *vs_proc_sampler_new      (pid_t          root);
void           vs_proc_sampler_free     (VsProcSampler *self);
/* Fills @sample with the figures since the previous call (or since vs_proc_sampler_new()). */
void           vs_proc_sampler_sample   (VsProcSampler *self,
                                         VsProcSample  *sample);

/* The same for several samplers from one scan of /proc (the costly part): for the run
 * controller's tick with several servers. @samples has @n_samplers entries. */
void           vs_proc_sampler_sample_many (VsProcSampler * const *samplers,
                                            guint                  n_samplers,
                                            VsProcSample          *samples);

/* The live processes whose process group is @pgid (zombies are not counted): 0 when the group
 * is gone or only zombies are left in it. */
guint          vs_proc_count_group      (pid_t          pgid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsProcSampler, vs_proc_sampler_free)

G_END_DECLS
