/* vs-capacity-private.h: what rebuilds a capacity search from its JSON needs
 * (vs-capacity-json.c) */
#pragma once

#include "vs-capacity.h"

G_BEGIN_DECLS

/* The plan of one step of @search (mode capacity): target @target alone, open model at @rate,
 * capacity.step long, the plan's warm-up before it. */
VsPlan *_vs_capacity_step_plan  (VsPlan                 *search,
                                 guint                   target,
                                 double                  rate);
/* A search that is not running (vs_capacity_new(), never started) gets the steps and results
 * read back: @step is taken (why g_malloc'd, results referenced); the result sets the
 * capacity on the target's summary step, as the search does. Add a target's steps first. */
void    _vs_capacity_add_step   (VsCapacity             *self,
                                 VsCapacityStep         *step);
void    _vs_capacity_set_result (VsCapacity             *self,
                                 guint                   target,
                                 const VsCapacityResult *result);

G_END_DECLS
