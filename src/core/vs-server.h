/* vs-server.h: managed and attached backends — launch, readiness, pinning, sampling, stop
 *
 * A managed server is described by a VsServerSpec (the plan's `server` section, once the plan
 * carries one) and run by a VsServer:
 *
 *   server = vs_server_new (spec);                    // copies the spec
 *   vs_server_start_async (server, cancellable, on_ready, data);
 *     … on_ready: vs_server_start_finish () — TRUE once the server is ready; FALSE with
 *       "server exited before it was ready (exit status 3)" or "server was not ready within
 *       2.0 s (…)", each followed by the log's last lines. A server that failed is stopped
 *       already: nothing of it is left running.
 *   every tick: vs_server_sample (server, &sample);   // CPU and memory of the whole tree
 *               vs_server_check_running (server, &error);   // crashed during the load?
 *   vs_server_stop_async () / vs_server_stop_sync (): SIGTERM to the whole process group,
 *     SIGKILL after stop_grace, everything reaped; nothing of the group is left.
 *
 * The child runs in a session and process group of its own (setsid), with stdin from /dev/null,
 * stdout and stderr appended to one log file, and is pinned with sched_setaffinity before exec,
 * so that every process it starts inherits the CPUs. Launching, the readiness probes (raw
 * non-blocking sockets, loopback only, each bounded by the deadline) and stopping run in a GTask
 * worker thread: the main thread never waits. The calling process makes itself a child
 * subreaper (PR_SET_CHILD_SUBREAPER) at the first launch, so that workers orphaned when the group
 * is killed are reparented to it and reaped, instead of lingering as zombies under an init that
 * reaps late (the test machine's PID 1 reaps an orphan about 1.5 s after it exits, measured:
 * without the subreaper, kill(-pgid, 0) still finds the group's zombies when the stop returns).
 * The price: any other orphaned descendant of Versus (a program launched through a double fork)
 * also comes to Versus, and stays a zombie until Versus exits.
 *
 * vs_server_emergency_stop_all() stops every group still running, synchronously and with
 * async-signal-safe calls only, for an atexit() handler or a SIGINT/SIGTERM handler: nothing is
 * left running when Versus is interrupted (a SIGKILL of Versus itself cannot be handled).
 *
 * An attached server (vs_server_attach()) is a process Versus did not start: its whole tree is
 * sampled the same way, and stopping it does nothing to it.
 *
 * Threads: every function may be called from any thread; a VsServer guards its state with a
 * mutex (a sample takes it for the length of one /proc scan). The log file grows with what the
 * server writes (a temporary file is removed with the VsServer); readers take its last 64 KiB.
 * vs_server_sample() and vs_server_check_running() reap what has exited; nothing else in the
 * process may wait for these children (a GChildWatch on their pids would race with it).
 * A VsServer that is finalized while its server runs stops it first, blocking.
 *
 * What is left out on purpose: a process that leaves the process group (setsid/setpgid of its
 * own, a daemonizing double fork) is neither sampled after it left the tree nor stopped. The
 * emergency list holds 64 groups; servers beyond it are still stopped by vs_server_stop_*(),
 * only not by the emergency stop. A signal that arrives between fork() and the registration
 * of the new group (microseconds) misses that group.
 */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

#include "vs-cpu-list.h"
#include "vs-proc-sample.h"

G_BEGIN_DECLS

/* --- The spec -------------------------------------------------------------------------------- */

typedef enum
{
  VS_SERVER_READY_TCP,    /* ready when ready_host:ready_port accepts a connection */
  VS_SERVER_READY_HTTP,   /* ready when GET ready_url answers 2xx */
} VsServerReadyKind;

typedef struct
{
  char              **argv;             /* the command; argv[0] is looked up in PATH */
  char               *cwd;              /* NULL: Versus's own */
  char              **env;              /* "NAME=value" added to Versus's environment; or NULL */
  VsServerReadyKind   ready_kind;
  char               *ready_host;       /* TCP: "127.0.0.1" (the default when NULL), "::1",
                                         * "localhost" (taken as 127.0.0.1, never resolved) */
  guint16             ready_port;       /* TCP */
  char               *ready_url;        /* HTTP: "http://127.0.0.1:8080/health" (loopback) */
  guint               ready_timeout_ms; /* 0: 10 s */
  guint               stop_grace_ms;    /* SIGTERM, then SIGKILL after this; 0: 5 s */
  char               *cpus;             /* a CPU list, or NULL: not pinned */
  char               *log_path;         /* NULL: a temporary file, removed with the VsServer */
  guint               log_lines;        /* the log's last lines in failure messages; 0: 20 */
} VsServerSpec;

VsServerSpec *vs_server_spec_new      (void);
VsServerSpec *vs_server_spec_copy     (const VsServerSpec *spec);
void          vs_server_spec_free     (VsServerSpec       *spec);
/* Checks every field; the messages start with @prefix and the field's name
 * ("targets[0].server.cpus: …", "targets[0].server.ready.url: …"). */
gboolean      vs_server_spec_validate (const VsServerSpec *spec,
                                       const char         *prefix,
                                       GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsServerSpec, vs_server_spec_free)

/* --- The server ------------------------------------------------------------------------------ */

#define VS_TYPE_SERVER (vs_server_get_type ())
G_DECLARE_FINAL_TYPE (VsServer, vs_server, VS, SERVER, GObject)

/* A managed server, not started yet. The spec is copied; it should have been validated. */
VsServer   *vs_server_new           (const VsServerSpec  *spec);
/* A running process Versus did not start, by PID; FALSE-like NULL with an error when there is
 * no such process. Only sampled, never stopped. */
VsServer   *vs_server_attach        (pid_t                pid,
                                     GError             **error);

/* Launches the server and waits (in a worker thread) until it is ready. The callback runs on
 * the caller's thread-default main context. Cancelling stops the server and fails with
 * G_IO_ERROR_CANCELLED. */
void        vs_server_start_async   (VsServer            *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean    vs_server_start_finish  (VsServer            *self,
                                     GAsyncResult        *result,
                                     GError             **error);
/* The same, blocking the calling thread: for the command line and the tests. */
gboolean    vs_server_start_sync    (VsServer            *self,
                                     GCancellable        *cancellable,
                                     GError             **error);

/* FALSE, with "server exited during the run (…)" and the log's last lines, once a started
 * server has exited (it is reaped here). TRUE for an attached process that still exists. */
gboolean    vs_server_check_running (VsServer            *self,
                                     GError             **error);

/* CPU and memory of the server's whole process tree since the previous call (the first call
 * covers the time since it became ready, or since it was attached). All zero before start. */
void        vs_server_sample        (VsServer            *self,
                                     VsProcSample        *sample);

/* vs_server_sample() for several servers from one scan of /proc, which is most of a sample's
 * cost: for the controller's tick. @servers must be distinct; @samples has @n_servers entries. */
void        vs_server_sample_many   (VsServer * const    *servers,
                                     guint                n_servers,
                                     VsProcSample        *samples);

/* SIGTERM to the whole group, SIGKILL after stop_grace, then waits until nothing of the group
 * is left (reaping what is ours). TRUE when nothing is left; @note (may be NULL) then gets a
 * message when SIGKILL was needed ("server did not stop within 1.0 s of SIGTERM; killed"),
 * else NULL. A server that is not running (never started, exited, attached) just returns TRUE. */
gboolean    vs_server_stop_sync     (VsServer            *self,
                                     char               **note,
                                     GError             **error);
void        vs_server_stop_async    (VsServer            *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean    vs_server_stop_finish   (VsServer            *self,
                                     GAsyncResult        *result,
                                     char               **note,
                                     GError             **error);

/* The process (and group) id once launched, else 0; the attached PID. */
pid_t       vs_server_get_pid       (VsServer            *self);
gboolean    vs_server_is_attached   (VsServer            *self);
/* The file that holds the server's stdout and stderr (NULL when attached). */
const char *vs_server_get_log_path  (VsServer            *self);
/* The last @n_lines lines of the log (at most the last 64 KiB of it), "" when empty. */
char       *vs_server_get_log_tail  (VsServer            *self,
                                     guint                n_lines);

/* Stops every managed server still running; async-signal-safe (see above). Returns at once
 * when none is. Blocks at most the longest stop_grace plus a moment for SIGKILL. */
void        vs_server_emergency_stop_all (void);

G_END_DECLS
