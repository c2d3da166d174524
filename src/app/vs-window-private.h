/* vs-window-private.h: what vs-window.c shares with vs-window-actions.c */
#pragma once

#include "vs-autosave.h"
#include "vs-capacity.h"
#include "vs-window.h"

G_BEGIN_DECLS

struct _VsWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwToastOverlay      *toasts;
  AdwWindowTitle       *window_title;
  GtkWidget            *start_button;
  GtkWidget            *stop_button;
  GtkWidget            *export_button;
  GtkWidget            *progress;
  GtkWidget            *paned;
  VsPlanEditor         *editor;
  VsDashboard          *dashboard;

  GSettings            *settings;
  GFile                *plan_file;       /* where the plan was loaded from / saved to */
  VsRun                *run;             /* the current or last run */
  VsCapacity           *capacity;        /* the current or last capacity search (its steps are
                                          * runs of its own), or NULL */
  VsFrameStats         *frame_stats;
  VsAutosave           *autosave;        /* the running run's copy on disk */
  GCancellable         *cancellable;     /* the search for an unfinished run */
  VsResults            *recovered;       /* an unfinished run left by a crash, offered */
  char                 *recovered_path;
  guint                 recovery_searched : 1;
  char                 *last_toast;      /* what the last toast said */
  guint                 close_timeout;
  guint                 close_pending : 1;
  char                 *consented;       /* the commands agreed to (vs_consent_key()), or NULL */
  AdwMessageDialog     *consent_dialog;  /* asking for consent before a start, or NULL */
};

void  _vs_window_class_actions_init (VsWindowClass *klass);
void  _vs_window_update_actions     (VsWindow      *self);
void  _vs_window_set_plan_file      (VsWindow      *self,
                                     GFile         *file);
void  _vs_window_toast              (VsWindow      *self,
                                     const char    *message);
/* Loads the plan off the main thread and shows it; a toast says why when it cannot (not for
 * the remembered last plan, which is also not shown over one the person opened meanwhile). */
void  _vs_window_load_plan_async    (VsWindow      *self,
                                     GFile         *file,
                                     gboolean       remembered);

/* What Export → Everything does once the folder is chosen: summary.csv, timeseries.csv,
 * result.json and the charts, each whatever becomes of the others; one toast names every
 * failure. */
void  _vs_window_export_everything  (VsWindow      *self,
                                     GFile         *folder);

G_END_DECLS
