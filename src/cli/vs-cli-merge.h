/* vs-cli-merge.h: `versus merge OUT.json IN.json…` */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "merge". Exit status 0 merged, 1 a file could not be written, 2 refused input. */
int vs_cli_merge_main (int    argc,
                       char **argv);

G_END_DECLS
