/* vs-dashboard.h: the live view of a run — target cards, the charts (four, and two of the
 * servers when a target has one), the results table */
#pragma once

#include <gtk/gtk.h>

#include "vs-capacity.h"
#include "vs-chart-model.h"
#include "vs-results.h"
#include "vs-target-card.h"

G_BEGIN_DECLS

#define VS_TYPE_DASHBOARD (vs_dashboard_get_type ())
G_DECLARE_FINAL_TYPE (VsDashboard, vs_dashboard, VS, DASHBOARD, GtkWidget)

GtkWidget    *vs_dashboard_new             (void);
/* Shows results (NULL: the empty state); cards are made for its targets. */
void          vs_dashboard_set_results     (VsDashboard  *self,
                                            VsResults    *results);
VsResults    *vs_dashboard_get_results     (VsDashboard  *self);
/* Refills the charts and cards from the results: call on every tick. */
void          vs_dashboard_update          (VsDashboard  *self);
/* The run ended: show the whole-run table. */
void          vs_dashboard_show_summary    (VsDashboard  *self);
/* What ended the run early, shown above the cards until the next results; NULL: nothing. */
void          vs_dashboard_set_error       (VsDashboard  *self,
                                            const char   *message);
/* The notice shown above the cards, or NULL: "error" (set_error), "generator" (the load
 * generator was saturated); below them, "verdicts" (mode rounds: the verdict lines). */
const char   *vs_dashboard_get_notice      (VsDashboard  *self,
                                            const char   *key);

VsChartModel *vs_dashboard_get_chart_model (VsDashboard  *self,
                                            VsChartKind   kind);
GtkWidget    *vs_dashboard_get_chart       (VsDashboard  *self,
                                            VsChartKind   kind);
guint         vs_dashboard_get_n_cards     (VsDashboard  *self);
VsTargetCard *vs_dashboard_get_card        (VsDashboard  *self,
                                            guint         index);
GtkWidget    *vs_dashboard_get_table       (VsDashboard  *self);
/* Mode rounds: the strip of the trials (VsRoundsStrip), hidden in the other modes. */
GtkWidget    *vs_dashboard_get_rounds_strip (VsDashboard *self);

/* Mode capacity: shows the search (NULL: nothing), a card per target of its plan, its
 * sentences, chart and steps (VsCapacityView); vs_dashboard_set_results() ends it. */
void          vs_dashboard_set_capacity    (VsDashboard  *self,
                                            VsCapacity   *capacity);
VsCapacity   *vs_dashboard_get_capacity    (VsDashboard  *self);
/* A step started: the time charts and the target's card follow its run, in the target's
 * colours, through vs_dashboard_update() on its ticks. */
void          vs_dashboard_capacity_step_started (VsDashboard *self,
                                                  guint        target,
                                                  double       rate);
/* A step ended (or the search did): the steps, sentences, capacity chart and cards anew. */
void          vs_dashboard_capacity_changed (VsDashboard *self);
GtkWidget    *vs_dashboard_get_capacity_view (VsDashboard *self);

/* The chart is shown (the server charts only when some target has a server). */
gboolean      vs_dashboard_chart_shown     (VsDashboard  *self,
                                            guint         kind);
/* Writes NAME.png and NAME.svg for every chart shown into dir. */
gboolean      vs_dashboard_export_charts   (VsDashboard  *self,
                                            const char   *dir,
                                            GError      **error);

/* Fills the chart models from results; exposed so tests and exports can use it without a
 * widget. */
void          vs_dashboard_fill_models     (VsResults    *results,
                                            VsChartModel *models[VS_N_CHARTS]);

G_END_DECLS
