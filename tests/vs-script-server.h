/* vs-script-server.h: tests/vs-server-script.py, the Python server on loopback, as tests start it
 *
 * The script's modes are in its own docstring. test-server.c hands it to vs_server directly (a
 * VsServerSpec), test-managed.c and test-cli.c to a run as a target's server section (plan
 * JSON); both come from here, with the script's path from $VERSUS_SOURCE_DIR (set by meson
 * test) and a fresh loopback port. @words are the script's arguments after the port, split at
 * spaces: "normal", "crash 600", "burn 3 --workers 2".
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "vs-server.h"

G_BEGIN_DECLS

/* A loopback port nobody listens on at the moment. */
guint16       vs_script_server_free_port   (void);
/* The script's absolute path. */
char         *vs_script_server_path        (void);
/* "python3" SCRIPT PORT WORDS… */
GStrv         vs_script_server_argv        (guint16      port,
                                            const char  *words);
/* A spec that runs it on a fresh port (*port): ready when the port accepts (within 10 s),
 * SIGTERM then SIGKILL after 3 s. */
VsServerSpec *vs_script_server_spec        (guint16     *port,
                                            const char  *words);
/* A plan's target @name at http://127.0.0.1:PORT/ whose server section runs it on a fresh port
 * (*port when not NULL) with "stop_grace": "3s"; @extra is more of that section
 * (", \"cpus\": \"0\"") or "". */
char         *vs_script_server_target      (const char  *name,
                                            const char  *words,
                                            const char  *extra,
                                            guint16     *port);
/* The script's own CPU time in seconds (user + system + children's, from times(2)) as it
 * answers GET /cpu on @port: a witness that does not read /proc. */
double        vs_script_server_cpu_seconds (guint16      port);
/* Nothing of process group @pgid is left (FALSE for 0). */
gboolean      vs_script_server_group_gone  (pid_t        pgid);

G_END_DECLS
