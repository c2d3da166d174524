/* vs-results-private.h: what `versus merge` needs to rebuild results from files (vs-merge.c) */
#pragma once

#include "vs-results.h"

G_BEGIN_DECLS

VsTargetResult *_vs_results_get_target_mutable (VsResults *self,
                                                guint      index);
void            _vs_results_set_started        (VsResults *self,
                                                GDateTime *started);

G_END_DECLS
