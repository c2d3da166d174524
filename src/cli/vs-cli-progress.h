/* vs-cli-progress.h: the live lines `versus run` redraws on a terminal each tick
 *
 * One line per target (name, req/s and p99 of the last tick, errors so far, progress), drawn
 * on stderr and redrawn in place with ANSI cursor movement; cleared again before the summary.
 */
#pragma once

#include <stdio.h>

#include "vs-run.h"

G_BEGIN_DECLS

typedef struct _VsCliProgress VsCliProgress;

VsCliProgress *vs_cli_progress_new    (VsRun         *run,
                                       FILE          *stream);
void           vs_cli_progress_update (VsCliProgress *self);
/* Removes the lines from the terminal. */
void           vs_cli_progress_clear  (VsCliProgress *self);
void           vs_cli_progress_free   (VsCliProgress *self);

/* One target's line, without cursor movement: for the drawing above, and for tests. */
char          *vs_cli_progress_line   (const VsTargetResult *result,
                                       guint                 name_width,
                                       double                fraction);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VsCliProgress, vs_cli_progress_free)

G_END_DECLS
