/* vs-results-private.h: what rebuilds results from files needs (vs-merge.c) */
#pragma once

#include "vs-results.h"

G_BEGIN_DECLS

VsTargetResult *_vs_results_get_target_mutable (VsResults *self,
                                                guint      index);
/* Takes a reference. */
void            _vs_results_set_started        (VsResults *self,
                                                GDateTime *started);

G_END_DECLS
