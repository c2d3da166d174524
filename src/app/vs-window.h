/* vs-window.h: the main window — plan editor on the left, the live dashboard on the right */
#pragma once

#include <adwaita.h>

#include "vs-dashboard.h"
#include "vs-frame-stats.h"
#include "vs-plan-editor.h"
#include "vs-run.h"

G_BEGIN_DECLS

#define VS_TYPE_WINDOW (vs_window_get_type ())
G_DECLARE_FINAL_TYPE (VsWindow, vs_window, VS, WINDOW, AdwApplicationWindow)

VsWindow     *vs_window_new            (AdwApplication *application);
/* Loads a plan file into the editor; FALSE with the reason (also shown as a toast). */
gboolean      vs_window_load_plan      (VsWindow       *self,
                                        GFile          *file,
                                        GError        **error);
/* Starts the edited plan; FALSE with the reason when it cannot. A plan with commands (server
 * sections) first shows them in a dialog, and starts only once the person agrees (TRUE while
 * the dialog is open): the agreement holds for exactly those commands. */
gboolean      vs_window_start          (VsWindow       *self,
                                        GError        **error);
/* The person agreed to the commands of the plan now in the editor (`versus --plan FILE
 * --allow-commands`): a start runs them without asking, as long as they stay the same. */
void          vs_window_allow_commands (VsWindow       *self);
void          vs_window_stop           (VsWindow       *self);
gboolean      vs_window_is_running     (VsWindow       *self);
VsRun        *vs_window_get_run        (VsWindow       *self);  /* the last run, or NULL */
/* The last capacity search (a plan of mode capacity), or NULL. */
VsCapacity   *vs_window_get_capacity   (VsWindow       *self);
VsPlanEditor *vs_window_get_editor     (VsWindow       *self);
VsDashboard  *vs_window_get_dashboard  (VsWindow       *self);
VsFrameStats *vs_window_get_frame_stats (VsWindow      *self);
/* Renders the whole window as it is on screen into a PNG file. */
gboolean      vs_window_save_screenshot (VsWindow      *self,
                                         const char    *path,
                                         GError       **error);

G_END_DECLS
