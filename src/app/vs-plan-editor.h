/* vs-plan-editor.h: edits a VsPlan; every edit rebuilds the plan and checks it, and each
 * problem is shown at its field */
#pragma once

#include <gtk/gtk.h>

#include "vs-plan.h"
#include "vs-target-row.h"

G_BEGIN_DECLS

#define VS_TYPE_PLAN_EDITOR (vs_plan_editor_get_type ())
G_DECLARE_FINAL_TYPE (VsPlanEditor, vs_plan_editor, VS, PLAN_EDITOR, GtkWidget)

/* Shows a copy of plan in the fields. */
void         vs_plan_editor_set_plan       (VsPlanEditor *self,
                                            VsPlan       *plan);
/* The plan as edited now (not validated); a new reference. */
VsPlan      *vs_plan_editor_get_plan       (VsPlanEditor *self);
/* TRUE when the plan has no problem; "notify::valid" follows every change. */
gboolean     vs_plan_editor_get_valid      (VsPlanEditor *self);
/* The problems of the last check ("path: message"), for the start button tooltip. */
GStrv        vs_plan_editor_dup_problems   (VsPlanEditor *self);
void         vs_plan_editor_add_target     (VsPlanEditor *self);

G_END_DECLS
