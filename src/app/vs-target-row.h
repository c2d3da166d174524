/* vs-target-row.h: one target of the plan editor — name, URL, method, headers, body, body file */
#pragma once

#include <adwaita.h>

#include "vs-plan.h"

G_BEGIN_DECLS

#define VS_TYPE_TARGET_ROW (vs_target_row_get_type ())
G_DECLARE_FINAL_TYPE (VsTargetRow, vs_target_row, VS, TARGET_ROW, AdwExpanderRow)

GtkWidget *vs_target_row_new            (const VsTarget *target);
/* Its position in the plan: picks the colour and enables the move buttons. */
void       vs_target_row_set_position   (VsTargetRow    *self,
                                         guint           index,
                                         guint           n_targets);
/* A copy of the target the row was made from, with the fields edited since as typed;
 * vs_plan_check() finds what is wrong with it. */
VsTarget  *vs_target_row_build          (VsTargetRow    *self);
void       vs_target_row_clear_problems (VsTargetRow    *self);
/* field: "name", "url", "method", "headers", "body", "body_file", "expect_status"; or anything
 * else for the target as a whole. FALSE when the row had no such field (the message still
 * shows). */
gboolean   vs_target_row_show_problem   (VsTargetRow    *self,
                                         const char     *field,
                                         const char     *message);
gboolean   vs_target_row_get_has_problem (VsTargetRow *self);

G_END_DECLS
