/* vs-server.c: launching, watching, sampling and stopping a backend (see vs-server.h) */
#define _GNU_SOURCE
#include "config.h"

#include "vs-server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vs-error.h"

#define DEFAULT_READY_TIMEOUT_MS 10000
#define DEFAULT_STOP_GRACE_MS    5000
#define DEFAULT_LOG_LINES        20
#define KILL_WAIT_MS             5000   /* how long SIGKILL may take to clear the group */
#define POLL_MS                  20

/* --- The spec -------------------------------------------------------------------------------- */

VsServerSpec *
vs_server_spec_new (void)
{
  return g_new0 (VsServerSpec, 1);
}

VsServerSpec *
vs_server_spec_copy (const VsServerSpec *spec)
{
  VsServerSpec *copy = g_memdup2 (spec, sizeof *spec);

  copy->argv = g_strdupv (spec->argv);
  copy->cwd = g_strdup (spec->cwd);
  copy->env = g_strdupv (spec->env);
  copy->ready_host = g_strdup (spec->ready_host);
  copy->ready_url = g_strdup (spec->ready_url);
  copy->cpus = g_strdup (spec->cpus);
  copy->log_path = g_strdup (spec->log_path);
  return copy;
}

void
vs_server_spec_free (VsServerSpec *spec)
{
  if (spec == NULL)
    return;
  g_strfreev (spec->argv);
  g_free (spec->cwd);
  g_strfreev (spec->env);
  g_free (spec->ready_host);
  g_free (spec->ready_url);
  g_free (spec->cpus);
  g_free (spec->log_path);
  g_free (spec);
}

/* "prefix.name", or "name" without a prefix. */
static char *
field_path (const char *prefix,
            const char *name)
{
  return prefix != NULL && prefix[0] != '\0' ? g_strconcat (prefix, ".", name, NULL)
                                             : g_strdup (name);
}

/* A loopback address given literally (or "localhost", taken as 127.0.0.1 without asking the
 * resolver) with @port into @addr; FALSE when @host is anything else. */
static gboolean
loopback_address (const char              *host,
                  guint16                  port,
                  struct sockaddr_storage *addr,
                  socklen_t               *length)
{
  struct sockaddr_in *v4 = (struct sockaddr_in *) addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) addr;
  g_autofree char *bare = NULL;

  memset (addr, 0, sizeof *addr);
  if (host == NULL || g_ascii_strcasecmp (host, "localhost") == 0)
    host = "127.0.0.1";
  if (host[0] == '[' && g_str_has_suffix (host, "]"))
    host = bare = g_strndup (host + 1, strlen (host) - 2);
  if (inet_pton (AF_INET, host, &v4->sin_addr) == 1)
    {
      if ((ntohl (v4->sin_addr.s_addr) >> 24) != 127)
        return FALSE;
      v4->sin_family = AF_INET;
      v4->sin_port = htons (port);
      *length = sizeof *v4;
      return TRUE;
    }
  if (inet_pton (AF_INET6, host, &v6->sin6_addr) == 1)
    {
      if (!IN6_IS_ADDR_LOOPBACK (&v6->sin6_addr))
        return FALSE;
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons (port);
      *length = sizeof *v6;
      return TRUE;
    }
  return FALSE;
}

/* The probe's address and the request path of spec's ready check; FALSE with the message
 * (without the field) when the check is not on loopback or cannot be understood. */
static gboolean
ready_address (const VsServerSpec      *spec,
               struct sockaddr_storage *addr,
               socklen_t               *length,
               char                   **path,
               char                   **authority,
               char                   **problem)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  const char *query;
  int port;

  if (spec->ready_kind == VS_SERVER_READY_TCP)
    {
      if (spec->ready_port == 0)
        {
          *problem = g_strdup (_("expected a port from 1 to 65535"));
          return FALSE;
        }
      if (!loopback_address (spec->ready_host, spec->ready_port, addr, length))
        {
          *problem = g_strdup_printf (_("“%s” is not a loopback address (127.0.0.1, ::1 or "
                                        "localhost)"), spec->ready_host);
          return FALSE;
        }
      return TRUE;
    }

  if (spec->ready_url == NULL
      || (uri = g_uri_parse (spec->ready_url, G_URI_FLAGS_NONE, &error)) == NULL)
    {
      *problem = g_strdup_printf (_("expected an http:// URL on 127.0.0.1, ::1 or localhost, "
                                    "got “%s”"), spec->ready_url ? spec->ready_url : "");
      return FALSE;
    }
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    {
      *problem = g_strdup_printf (_("the ready check speaks plain http://, not “%s”"),
                                  g_uri_get_scheme (uri));
      return FALSE;
    }
  port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80;
  if (g_uri_get_host (uri) == NULL
      || !loopback_address (g_uri_get_host (uri), (guint16) port, addr, length))
    {
      *problem = g_strdup_printf (_("“%s” is not a loopback address (127.0.0.1, ::1 or "
                                    "localhost)"), g_uri_get_host (uri) ? g_uri_get_host (uri)
                                                                        : "");
      return FALSE;
    }
  if (authority != NULL)
    *authority = g_uri_get_port (uri) > 0
                   ? g_strdup_printf (strchr (g_uri_get_host (uri), ':') ? "[%s]:%d" : "%s:%d",
                                      g_uri_get_host (uri), port)
                   : g_strdup_printf (strchr (g_uri_get_host (uri), ':') ? "[%s]" : "%s",
                                      g_uri_get_host (uri));
  if (path != NULL)
    {
      query = g_uri_get_query (uri);
      *path = g_strconcat (g_uri_get_path (uri)[0] != '\0' ? g_uri_get_path (uri) : "/",
                           query != NULL ? "?" : "", query != NULL ? query : "", NULL);
    }
  return TRUE;
}

gboolean
vs_server_spec_validate (const VsServerSpec  *spec,
                         const char          *prefix,
                         GError             **error)
{
  struct sockaddr_storage addr;
  socklen_t length;
  g_autofree char *problem = NULL;
  g_autofree char *field = NULL;

  if (spec->argv == NULL || spec->argv[0] == NULL || spec->argv[0][0] == '\0')
    {
      field = field_path (prefix, "command");
      return vs_error_set_field (error, field,
                                 _("expected the program and its arguments, not an empty list"));
    }
  if (strchr (spec->argv[0], '/') == NULL)
    {
      g_autofree char *program = g_find_program_in_path (spec->argv[0]);

      if (program == NULL)
        {
          field = field_path (prefix, "command");
          return vs_error_set_field (error, field, _("no program “%s” in PATH"), spec->argv[0]);
        }
    }
  if (spec->cwd != NULL && !g_file_test (spec->cwd, G_FILE_TEST_IS_DIR))
    {
      field = field_path (prefix, "cwd");
      return vs_error_set_field (error, field, _("“%s” is not a folder"), spec->cwd);
    }
  for (guint i = 0; spec->env != NULL && spec->env[i] != NULL; i++)
    {
      const char *equals = strchr (spec->env[i], '=');

      if (equals == NULL || equals == spec->env[i])
        {
          g_autofree char *name = g_strdup_printf ("env[%u]", i);

          field = field_path (prefix, name);
          return vs_error_set_field (error, field, _("expected NAME=value, got “%s”"),
                                     spec->env[i]);
        }
    }
  if (!ready_address (spec, &addr, &length, NULL, NULL, &problem))
    {
      field = field_path (prefix, spec->ready_kind == VS_SERVER_READY_TCP
                                    ? (spec->ready_port == 0 ? "ready.port" : "ready.host")
                                    : "ready.url");
      return vs_error_set_field (error, field, "%s", problem);
    }
  if (spec->cpus != NULL)
    {
      VsCpuList cpus;

      field = field_path (prefix, "cpus");
      if (!vs_cpu_list_parse (spec->cpus, field, &cpus, error))
        return FALSE;
    }
  return TRUE;
}

/* --- Emergency stop: the groups still running, for a signal or atexit handler ----------------- */

#define MAX_GROUPS 64

static struct
{
  int pgid;       /* 0: free */
  int grace_ms;
} groups[MAX_GROUPS];

static gboolean
register_group (int pgid,
                int grace_ms)
{
  for (guint i = 0; i < MAX_GROUPS; i++)
    if (g_atomic_int_compare_and_exchange (&groups[i].pgid, 0, -1))
      {
        g_atomic_int_set (&groups[i].grace_ms, grace_ms);
        g_atomic_int_set (&groups[i].pgid, pgid);
        return TRUE;
      }
  return FALSE;
}

static void
unregister_group (int pgid)
{
  for (guint i = 0; i < MAX_GROUPS; i++)
    if (g_atomic_int_compare_and_exchange (&groups[i].pgid, pgid, 0))
      return;
}

static gboolean
group_gone (int pgid)
{
  return kill (-pgid, 0) == -1 && errno == ESRCH;
}

static void
sleep_ms (int ms)
{
  struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000 };

  while (nanosleep (&ts, &ts) == -1 && errno == EINTR)
    ;
}

/* Signals every registered group with @sig, then waits up to @wait_ms for them to be gone,
 * reaping what is ours. Async-signal-safe. TRUE when all are gone. */
static gboolean
emergency_round (int sig,
                 int wait_ms)
{
  gboolean all_gone = FALSE;
  int saved = errno;

  for (guint i = 0; i < MAX_GROUPS; i++)
    {
      int pgid = g_atomic_int_get (&groups[i].pgid);

      if (pgid > 0)
        kill (-pgid, sig);
    }
  for (int waited = 0; !all_gone && waited <= wait_ms; waited += 10)
    {
      all_gone = TRUE;
      for (guint i = 0; i < MAX_GROUPS; i++)
        {
          int pgid = g_atomic_int_get (&groups[i].pgid);

          if (pgid <= 0)
            continue;
          while (waitpid (-pgid, NULL, WNOHANG) > 0)
            ;
          if (group_gone (pgid))
            g_atomic_int_compare_and_exchange (&groups[i].pgid, pgid, 0);
          else
            all_gone = FALSE;
        }
      if (!all_gone)
        sleep_ms (10);
    }
  errno = saved;
  return all_gone;
}

void
vs_server_emergency_stop_all (void)
{
  int grace = 0;

  for (guint i = 0; i < MAX_GROUPS; i++)
    if (g_atomic_int_get (&groups[i].pgid) > 0)
      grace = MAX (grace, g_atomic_int_get (&groups[i].grace_ms));
  if (!emergency_round (SIGTERM, grace))
    emergency_round (SIGKILL, 1000);
}

/* --- The server ------------------------------------------------------------------------------ */

struct _VsServer
{
  GObject        parent_instance;

  VsServerSpec  *spec;          /* NULL when attached */
  VsCpuList      cpus;
  gboolean       pinned;
  char          *log_path;
  gboolean       own_log;       /* a temporary file, removed in finalize */

  GMutex         lock;          /* the fields below */
  pid_t          pid;           /* also the process group's id */
  gboolean       attached;
  gboolean       launched;
  gboolean       exited;        /* the leader was reaped */
  int            wait_status;   /* -1: reaped elsewhere, status unknown */
  gboolean       stopped;       /* nothing of the group is left */
  VsProcSampler *sampler;
};

G_DEFINE_FINAL_TYPE (VsServer, vs_server, G_TYPE_OBJECT)

static void
vs_server_finalize (GObject *object)
{
  VsServer *self = VS_SERVER (object);

  /* Nothing outlives its VsServer: stop what the caller forgot to. */
  if (self->launched && !self->stopped)
    vs_server_stop_sync (self, NULL, NULL);
  if (self->own_log && self->log_path != NULL)
    g_unlink (self->log_path);
  g_free (self->log_path);
  vs_server_spec_free (self->spec);
  g_clear_pointer (&self->sampler, vs_proc_sampler_free);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (vs_server_parent_class)->finalize (object);
}

static void
vs_server_class_init (VsServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vs_server_finalize;
}

static void
vs_server_init (VsServer *self)
{
  g_mutex_init (&self->lock);
}

VsServer *
vs_server_new (const VsServerSpec *spec)
{
  VsServer *self = g_object_new (VS_TYPE_SERVER, NULL);

  self->spec = vs_server_spec_copy (spec);
  return self;
}

VsServer *
vs_server_attach (pid_t    pid,
                  GError **error)
{
  VsServer *self;
  char path[64];

  g_snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if (pid <= 0 || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_INVALID, _("no process with PID %d"), (int) pid);
      return NULL;
    }
  self = g_object_new (VS_TYPE_SERVER, NULL);
  self->attached = TRUE;
  self->pid = pid;
  self->sampler = vs_proc_sampler_new (pid);
  return self;
}

pid_t
vs_server_get_pid (VsServer *self)
{
  return self->pid;
}

gboolean
vs_server_is_attached (VsServer *self)
{
  return self->attached;
}

const char *
vs_server_get_log_path (VsServer *self)
{
  return self->log_path;
}

char *
vs_server_get_log_tail (VsServer *self,
                        guint     n_lines)
{
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  GString *tail = g_string_new (NULL);
  const char *text;
  struct stat st;
  off_t from;
  gssize n;
  guint count, first;
  int fd;

  if (self->log_path == NULL || (fd = open (self->log_path, O_RDONLY | O_CLOEXEC)) < 0)
    return g_string_free (tail, FALSE);
  if (fstat (fd, &st) != 0)
    {
      close (fd);
      return g_string_free (tail, FALSE);
    }
  from = st.st_size > 65536 ? st.st_size - 65536 : 0;
  data = g_malloc (65537);
  n = pread (fd, data, 65536, from);
  close (fd);
  data[MAX (n, 0)] = '\0';
  text = data;
  if (from > 0)   /* the first line is cut: drop it */
    text = strchr (data, '\n') != NULL ? strchr (data, '\n') + 1 : "";
  lines = g_strsplit (text, "\n", -1);
  count = g_strv_length (lines);
  while (count > 0 && lines[count - 1][0] == '\0')   /* the final newline */
    count--;
  first = count > n_lines ? count - n_lines : 0;
  for (guint i = first; i < count; i++)
    {
      if (i > first)
        g_string_append_c (tail, '\n');
      g_string_append (tail, lines[i]);
    }
  return g_string_free (tail, FALSE);
}

/* "message" followed by the log's last lines. */
static void
set_error_with_log (VsServer   *self,
                    GError    **error,
                    int         code,
                    const char *message)
{
  guint n = self->spec->log_lines > 0 ? self->spec->log_lines : DEFAULT_LOG_LINES;
  g_autofree char *tail = vs_server_get_log_tail (self, n);

  if (tail[0] == '\0')
    g_set_error (error, VS_ERROR, code, "%s\n%s", message, _("Its log is empty."));
  else
    g_set_error (error, VS_ERROR, code, "%s\n%s\n%s", message,
                 _("The last lines of its log:"), tail);
}

/* "exit status 3", "killed by signal 9 (Killed)". */
static char *
describe_exit (int status)
{
  if (status == -1)
    return g_strdup (_("exit status unknown"));
  if (WIFSIGNALED (status))
    return g_strdup_printf (_("killed by signal %d (%s)"), WTERMSIG (status),
                            g_strsignal (WTERMSIG (status)));
  return g_strdup_printf (_("exit status %d"), WEXITSTATUS (status));
}

/* Reaps whatever of our group has exited; TRUE once the leader has. Takes the lock. */
static gboolean
reap (VsServer *self)
{
  gboolean exited;
  int status;
  pid_t got;

  g_mutex_lock (&self->lock);
  if (self->launched && !self->attached)
    {
      /* Workers orphaned by the leader come to us (we are a subreaper) in the same group. */
      while ((got = waitpid (-self->pid, &status, WNOHANG)) > 0)
        if (got == self->pid)
          {
            self->exited = TRUE;
            self->wait_status = status;
          }
      if (got == -1 && errno == ECHILD && !self->exited)
        {
          /* reaped by vs_server_emergency_stop_all() */
          self->exited = TRUE;
          self->wait_status = -1;
        }
      /* Gone for good: its number may be reused by now, so it is never signalled again. */
      if (self->exited && !self->stopped && group_gone (self->pid))
        {
          self->stopped = TRUE;
          unregister_group (self->pid);
        }
    }
  exited = self->exited;
  g_mutex_unlock (&self->lock);
  return exited;
}

/* Waits up to @ms for the group to be gone, reaping; TRUE when it is. Zombies that are not
 * ours to reap (left to a slow init when the subreaper could not be set) do not count as
 * running: when only zombies are left for ZOMBIE_WAIT_MS, the group counts as gone. */
#define ZOMBIE_WAIT_MS 500

static gboolean
wait_group_gone (VsServer *self,
                 int       ms)
{
  gint64 now = g_get_monotonic_time ();
  gint64 end = now + ms * G_TIME_SPAN_MILLISECOND;
  gint64 zombies_since = 0;

  for (;;)
    {
      reap (self);
      if (group_gone (self->pid))
        return TRUE;
      now = g_get_monotonic_time ();
      if (vs_proc_count_group (self->pid) > 0)
        zombies_since = 0;
      else if (zombies_since == 0)
        zombies_since = now;
      else if (now - zombies_since >= ZOMBIE_WAIT_MS * G_TIME_SPAN_MILLISECOND)
        return TRUE;
      if (now >= end)
        return zombies_since != 0;
      sleep_ms (POLL_MS);
    }
}

static int
stop_grace_ms (VsServer *self)
{
  return self->spec->stop_grace_ms > 0 ? (int) self->spec->stop_grace_ms : DEFAULT_STOP_GRACE_MS;
}

gboolean
vs_server_stop_sync (VsServer  *self,
                     char     **note,
                     GError   **error)
{
  int grace;

  if (note != NULL)
    *note = NULL;
  reap (self);
  g_mutex_lock (&self->lock);
  if (self->attached || !self->launched || self->stopped)
    {
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  g_mutex_unlock (&self->lock);

  /* The leader, or workers it left behind (ours to reap, so the group's number stays taken
   * until they are reaped), are still there: the signal reaches no one else. */
  grace = stop_grace_ms (self);
  kill (-self->pid, SIGTERM);
  if (!wait_group_gone (self, grace))
    {
      kill (-self->pid, SIGKILL);
      if (note != NULL)
        *note = g_strdup_printf (_("server did not stop within %.1f s of SIGTERM; killed"),
                                 grace / 1000.0);
      if (!wait_group_gone (self, KILL_WAIT_MS))
        {
          g_set_error (error, VS_ERROR, VS_ERROR_FAILED,
                       _("server process group %d still has processes after SIGKILL"),
                       (int) self->pid);
          return FALSE;
        }
    }
  g_mutex_lock (&self->lock);
  self->stopped = TRUE;
  g_mutex_unlock (&self->lock);
  unregister_group (self->pid);
  return TRUE;
}

typedef struct
{
  char    *note;
} StopResult;

static void
stop_result_free (StopResult *result)
{
  g_free (result->note);
  g_free (result);
}

static void
stop_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  StopResult *result = g_new0 (StopResult, 1);
  GError *error = NULL;

  if (vs_server_stop_sync (VS_SERVER (source), &result->note, &error))
    g_task_return_pointer (task, result, (GDestroyNotify) stop_result_free);
  else
    {
      stop_result_free (result);
      g_task_return_error (task, error);
    }
}

void
vs_server_stop_async (VsServer            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vs_server_stop_async);
  g_task_set_check_cancellable (task, FALSE);   /* a stop, once begun, finishes */
  g_task_run_in_thread (task, stop_thread);
}

gboolean
vs_server_stop_finish (VsServer      *self,
                       GAsyncResult  *result,
                       char         **note,
                       GError       **error)
{
  StopResult *stop = g_task_propagate_pointer (G_TASK (result), error);

  if (note != NULL)
    *note = NULL;
  if (stop == NULL)
    return FALSE;
  if (note != NULL)
    *note = g_steal_pointer (&stop->note);
  stop_result_free (stop);
  return TRUE;
}

/* --- Launching ------------------------------------------------------------------------------- */

enum { CHILD_SETSID = 1, CHILD_PIN, CHILD_CWD, CHILD_EXEC };

/* Between fork and exec: only async-signal-safe calls. Reports a failure as two ints (which
 * step, errno) on @report and exits. */
static void
child_exec (const char      *program,
            char           **argv,
            char           **envp,
            const char      *cwd,
            const VsCpuList *cpus,
            int              null_fd,
            int              log_fd,
            int              report,
            int              max_fd)
{
  int failure[2] = { 0, 0 };

  if (setsid () == -1)
    failure[0] = CHILD_SETSID;
  else if (cpus != NULL && vs_cpu_list_apply (cpus, 0) != 0)
    failure[0] = CHILD_PIN;
  else if (cwd != NULL && chdir (cwd) != 0)
    failure[0] = CHILD_CWD;
  else
    {
      sigset_t none;

      /* Signals as a fresh process has them: a mask inherited from a worker thread would make
       * the server deaf to SIGTERM. */
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      signal (SIGPIPE, SIG_DFL);
      signal (SIGTERM, SIG_DFL);
      signal (SIGINT, SIG_DFL);
      signal (SIGHUP, SIG_DFL);
      signal (SIGCHLD, SIG_DFL);
      dup2 (null_fd, 0);
      dup2 (log_fd, 1);
      dup2 (log_fd, 2);
      /* Nothing else of Versus (sockets of the load, files) leaks into the server; @report is
       * close-on-exec already. Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: then one by one. */
      if (close_range (3, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
        for (int fd = 3; fd < max_fd; fd++)
          fcntl (fd, F_SETFD, FD_CLOEXEC);
      execve (program, argv, envp);
      failure[0] = CHILD_EXEC;
    }
  failure[1] = errno;
  if (write (report, failure, sizeof failure) < 0)
    _exit (126);
  _exit (127);
}

static gboolean
launch (VsServer  *self,
        GError   **error)
{
  const VsServerSpec *spec = self->spec;
  g_autofree char *program = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  int null_fd = -1, log_fd = -1, report[2] = { -1, -1 };
  int failure[2] = { 0, 0 };
  gssize n;
  pid_t pid;
  static gsize subreaper = 0;
  struct rlimit files;
  int max_fd = 65536;

  if (!vs_server_spec_validate (spec, NULL, error))
    return FALSE;
  if (getrlimit (RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY)
    max_fd = (int) MIN (files.rlim_cur, (rlim_t) G_MAXINT);
  if (spec->cpus != NULL)
    {
      vs_cpu_list_parse (spec->cpus, NULL, &self->cpus, NULL);
      self->pinned = TRUE;
    }
  program = strchr (spec->argv[0], '/') ? g_strdup (spec->argv[0])
                                        : g_find_program_in_path (spec->argv[0]);
  for (guint i = 0; spec->env != NULL && spec->env[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (spec->env[i], strcspn (spec->env[i], "="));

      envp = g_environ_setenv (envp, name, strchr (spec->env[i], '=') + 1, TRUE);
    }

  if (spec->log_path != NULL)
    {
      self->log_path = g_strdup (spec->log_path);
      log_fd = open (self->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    }
  else
    {
      g_autoptr(GError) local = NULL;

      log_fd = g_file_open_tmp ("versus-server-XXXXXX.log", &self->log_path, &local);
      self->own_log = log_fd >= 0;
    }
  if (log_fd < 0)
    {
      int saved = errno;

      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not open the server log “%s”: %s"),
                   self->log_path ? self->log_path : g_get_tmp_dir (), g_strerror (saved));
      return FALSE;
    }
  null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0 || pipe2 (report, O_CLOEXEC) != 0)
    {
      int saved = errno;

      close (log_fd);
      if (null_fd >= 0)
        close (null_fd);
      g_set_error (error, VS_ERROR, VS_ERROR_LIMIT, _("Could not start the server: %s"),
                   g_strerror (saved));
      return FALSE;
    }

  if (g_once_init_enter (&subreaper))
    {
      /* Orphaned workers of a killed group come to us and are reaped (see the header). */
      prctl (PR_SET_CHILD_SUBREAPER, 1);
      g_once_init_leave (&subreaper, 1);
    }

  g_mutex_lock (&self->lock);
  pid = fork ();
  if (pid == 0)
    child_exec (program, spec->argv, envp, spec->cwd, self->pinned ? &self->cpus : NULL,
                null_fd, log_fd, report[1], max_fd);
  if (pid > 0)
    {
      self->pid = pid;
      self->launched = TRUE;
      register_group (pid, stop_grace_ms (self));
    }
  g_mutex_unlock (&self->lock);
  close (report[1]);
  close (null_fd);
  close (log_fd);
  if (pid < 0)
    {
      int saved = errno;

      close (report[0]);
      g_set_error (error, VS_ERROR, VS_ERROR_LIMIT, _("Could not start the server: %s"),
                   g_strerror (saved));
      return FALSE;
    }

  do
    n = read (report[0], failure, sizeof failure);
  while (n < 0 && errno == EINTR);
  close (report[0]);
  if (n == sizeof failure)
    {
      const char *reason = g_strerror (failure[1]);

      wait_group_gone (self, KILL_WAIT_MS);   /* reaps it: then it is marked stopped */
      if (failure[0] == CHILD_PIN)
        g_set_error (error, VS_ERROR, VS_ERROR_FAILED,
                     _("could not pin the server to CPUs %s: %s"), spec->cpus, reason);
      else if (failure[0] == CHILD_CWD)
        g_set_error (error, VS_ERROR, VS_ERROR_FAILED,
                     _("could not change to the folder “%s”: %s"), spec->cwd, reason);
      else if (failure[0] == CHILD_EXEC)
        g_set_error (error, VS_ERROR, VS_ERROR_FAILED, _("could not run “%s”: %s"), program,
                     reason);
      else
        g_set_error (error, VS_ERROR, VS_ERROR_FAILED, _("could not start a session: %s"),
                     reason);
      return FALSE;
    }
  return TRUE;
}

/* --- Readiness ------------------------------------------------------------------------------- */

/* Milliseconds left until @deadline (monotonic µs), at least 1. */
static int
ms_left (gint64 deadline)
{
  gint64 left = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;

  return (int) CLAMP (left, 1, 1000);
}

/* One probe: connects (and for HTTP sends GET and reads the status line), bounded by
 * @deadline. TRUE when ready; else @detail says what was seen, and stays as it was when the
 * deadline cut the probe short (the previous probe's answer says more). */
static gboolean
probe (const struct sockaddr_storage *addr,
       socklen_t                      length,
       const char                    *host,
       const char                    *path,
       gint64                         deadline,
       char                         **detail)
{
  struct pollfd pfd;
  char buffer[256];
  gsize got = 0;
  int error = 0;
  socklen_t error_length = sizeof error;
  int fd = socket (addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  gboolean ready = FALSE;

  if (fd < 0)
    {
      g_free (*detail);
      *detail = g_strdup (g_strerror (errno));
      return FALSE;
    }
  if (connect (fd, (const struct sockaddr *) addr, length) != 0)
    {
      if (errno != EINPROGRESS)
        error = errno;
      else
        {
          pfd = (struct pollfd) { fd, POLLOUT, 0 };
          if (poll (&pfd, 1, ms_left (deadline)) <= 0)
            error = ETIMEDOUT;
          else if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &error, &error_length) != 0)
            error = errno;
        }
    }
  if (error != 0)
    {
      if (error != ETIMEDOUT || *detail == NULL)
        {
          g_free (*detail);
          *detail = g_strdup (g_strerror (error));
        }
      close (fd);
      return FALSE;
    }
  if (path == NULL)
    {
      close (fd);
      return TRUE;
    }

  {
    g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.0\r\nHost: %s\r\n"
                                                "Connection: close\r\n\r\n", path, host);

    if (send (fd, request, strlen (request), MSG_NOSIGNAL) != (gssize) strlen (request))
      {
        g_free (*detail);
        *detail = g_strdup (_("the connection closed before the request was sent"));
        close (fd);
        return FALSE;
      }
  }
  while (got < sizeof buffer - 1 && memchr (buffer, '\n', got) == NULL)
    {
      gssize n;

      pfd = (struct pollfd) { fd, POLLIN, 0 };
      if (g_get_monotonic_time () >= deadline || poll (&pfd, 1, ms_left (deadline)) <= 0)
        break;
      n = recv (fd, buffer + got, sizeof buffer - 1 - got, 0);
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  buffer[got] = '\0';
  close (fd);
  if (got == 0 || memchr (buffer, '\n', got) == NULL)
    {
      if (g_get_monotonic_time () < deadline || *detail == NULL)
        {
          g_free (*detail);
          *detail = g_strdup (_("no HTTP answer"));
        }
    }
  else
    {
      unsigned status = 0;

      g_clear_pointer (detail, g_free);
      if (sscanf (buffer, "HTTP/%*u.%*u %3u", &status) == 1 && status >= 200 && status < 300)
        ready = TRUE;
      else if (status != 0)
        *detail = g_strdup_printf (_("it answered %u"), status);
      else
        *detail = g_strdup (_("no HTTP answer"));
    }
  return ready;
}

/* Stops the group after a failed start (the error is set already). */
static void
stop_after_failure (VsServer *self)
{
  vs_server_stop_sync (self, NULL, NULL);
}

gboolean
vs_server_start_sync (VsServer      *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  const VsServerSpec *spec = self->spec;
  struct sockaddr_storage addr;
  socklen_t length;
  g_autofree char *path = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *where = NULL;
  g_autofree char *authority = NULL;
  guint timeout_ms;
  gint64 deadline;

  g_return_val_if_fail (spec != NULL, FALSE);
  if (self->launched)
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_FAILED, _("the server was started already"));
      return FALSE;
    }
  if (!launch (self, error))
    return FALSE;
  if (spec->ready_kind == VS_SERVER_READY_HTTP)
    ready_address (spec, &addr, &length, &path, &authority, &problem);
  else
    ready_address (spec, &addr, &length, NULL, NULL, &problem);
  where = spec->ready_kind == VS_SERVER_READY_HTTP
            ? g_strdup (spec->ready_url)
            : g_strdup_printf (addr.ss_family == AF_INET6 ? "[::1]:%u" : "127.0.0.1:%u",
                               spec->ready_port);
  timeout_ms = spec->ready_timeout_ms > 0 ? spec->ready_timeout_ms : DEFAULT_READY_TIMEOUT_MS;
  deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      g_autofree char *message = NULL;

      if (reap (self))
        {
          g_autofree char *how = describe_exit (self->wait_status);

          message = g_strdup_printf (_("server exited before it was ready (%s)"), how);
          stop_after_failure (self);
          set_error_with_log (self, error, VS_ERROR_FAILED, message);
          return FALSE;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          stop_after_failure (self);
          return FALSE;
        }
      if (probe (&addr, length, authority, path, deadline, &detail))
        break;
      if (g_get_monotonic_time () >= deadline)
        {
          message = g_strdup_printf (_("server was not ready within %.1f s (%s: %s)"),
                                     timeout_ms / 1000.0, where, detail);
          stop_after_failure (self);
          set_error_with_log (self, error, VS_ERROR_FAILED, message);
          return FALSE;
        }
      sleep_ms ((int) MIN (50, (deadline - g_get_monotonic_time ()) / 1000 + 1));
    }

  g_mutex_lock (&self->lock);
  self->sampler = vs_proc_sampler_new (self->pid);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static void
start_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (vs_server_start_sync (VS_SERVER (source), cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
vs_server_start_async (VsServer            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vs_server_start_async);
  g_task_set_check_cancellable (task, FALSE);   /* the thread reports the cancellation */
  g_task_run_in_thread (task, start_thread);
}

gboolean
vs_server_start_finish (VsServer      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- While it runs --------------------------------------------------------------------------- */

gboolean
vs_server_check_running (VsServer  *self,
                         GError   **error)
{
  if (self->attached)
    {
      char path[64];

      g_snprintf (path, sizeof path, "/proc/%d/stat", (int) self->pid);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
      g_set_error (error, VS_ERROR, VS_ERROR_FAILED, _("the attached process %d has exited"),
                   (int) self->pid);
      return FALSE;
    }
  if (!self->launched)
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_FAILED, _("the server was not started"));
      return FALSE;
    }
  if (reap (self))
    {
      g_autofree char *how = describe_exit (self->wait_status);
      g_autofree char *message = g_strdup_printf (_("server exited during the run (%s)"), how);

      set_error_with_log (self, error, VS_ERROR_FAILED, message);
      return FALSE;
    }
  return TRUE;
}

void
vs_server_sample (VsServer     *self,
                  VsProcSample *sample)
{
  g_mutex_lock (&self->lock);
  if (self->sampler != NULL)
    vs_proc_sampler_sample (self->sampler, sample);
  else
    memset (sample, 0, sizeof *sample);
  g_mutex_unlock (&self->lock);
}

void
vs_server_sample_many (VsServer * const *servers,
                       guint             n_servers,
                       VsProcSample     *samples)
{
  VsProcSampler **samplers = g_newa (VsProcSampler *, MAX (n_servers, 1));
  VsProcSample *taken = g_newa (VsProcSample, MAX (n_servers, 1));
  guint n = 0;

  memset (samplers, 0, sizeof (VsProcSampler *) * MAX (n_servers, 1));
  for (guint i = 0; i < n_servers; i++)
    {
      g_mutex_lock (&servers[i]->lock);
      if (servers[i]->sampler != NULL)
        samplers[n++] = servers[i]->sampler;
    }
  vs_proc_sampler_sample_many (samplers, n, taken);
  n = 0;
  for (guint i = 0; i < n_servers; i++)
    {
      if (servers[i]->sampler != NULL)
        samples[i] = taken[n++];
      else
        memset (&samples[i], 0, sizeof samples[i]);
      g_mutex_unlock (&servers[i]->lock);
    }
}
