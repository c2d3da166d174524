/* vs-cli-options.h: `versus run` flags → a validated VsPlan and the output choices
 *
 * The flags only fill a VsPlan (on top of --plan FILE when given); vs_plan_validate() then
 * judges it, so a flag and a plan file are checked by the same code.
 */
#pragma once

#include "vs-plan.h"

G_BEGIN_DECLS

typedef struct
{
  VsPlan   *plan;        /* validated */
  char     *save_plan;   /* --save-plan FILE */
  char     *csv_dir;     /* --csv DIR */
  char     *json_file;   /* --json FILE */
  char     *hlog_file;   /* --hlog FILE: HdrHistogram interval log */
  char     *hgrm_dir;    /* --hgrm DIR: a percentile distribution per target */
  gint64    start_at_us; /* --start-at TIME: wall clock (µs since the epoch); 0: at once */
  gboolean  quiet;
  gboolean  allow_commands; /* --allow-commands: the plan's servers may be started */
  gboolean  version;     /* --version: print it and stop; nothing else is set */
} VsCliOptions;

/* argv[0] is "run". FALSE with a VS_ERROR whose message names the flag or the plan field. */
gboolean vs_cli_options_parse (VsCliOptions  *options,
                               int            argc,
                               char         **argv,
                               GError       **error);
void     vs_cli_options_clear (VsCliOptions  *options);

/* Gives every unnamed target a label from its URL: host:port, with the path when needed to
 * keep the labels unique. */
void     vs_cli_name_targets  (VsPlan        *plan);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VsCliOptions, vs_cli_options_clear)

G_END_DECLS
