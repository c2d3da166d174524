/* vs-cli.h: `versus run`, the headless command line */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "run". Returns the process exit status: 0 done, 1 a target failed its run,
 * 2 invalid input. */
int vs_cli_main        (int    argc,
                        char **argv);
/* Without the window built in: --version, --help, and a pointer to `versus run`. */
int vs_cli_main_no_gui (int    argc,
                        char **argv);

G_END_DECLS
