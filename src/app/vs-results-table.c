/* vs-results-table.c: the side-by-side table shown when a run ends */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "vs-palette.h"
#include "vs-results-table.h"
#include "vs-units.h"

struct _VsResultsTable
{
  GtkWidget  parent_instance;
  GtkWidget *grid;
};

G_DEFINE_FINAL_TYPE (VsResultsTable, vs_results_table, GTK_TYPE_WIDGET)

typedef struct
{
  const char *label;
  VsUnit      unit;
  double    (*value) (const VsTargetResult *result, double arg);
  double      arg;
} Metric;

static double
metric_rps (const VsTargetResult *r,
            double                arg)
{
  return vs_target_result_rps (r);
}

static double
metric_requests (const VsTargetResult *r,
                 double                arg)
{
  return r->total->counters.requests;
}

static double
metric_error_rate (const VsTargetResult *r,
                   double                arg)
{
  return 100.0 * vs_target_result_error_rate (r);
}

static double
metric_latency (const VsTargetResult *r,
                double                arg)
{
  return vs_target_result_latency (r, arg);
}

static double
metric_mean (const VsTargetResult *r,
             double                arg)
{
  return vs_histogram_mean (r->total->latency);
}

static const Metric metrics[] = {
  { N_("Throughput"), VS_UNIT_RATE, metric_rps, 0 },
  { N_("Requests"), VS_UNIT_COUNT, metric_requests, 0 },
  { N_("Error rate"), VS_UNIT_PERCENT, metric_error_rate, 0 },
  { N_("Latency mean"), VS_UNIT_LATENCY, metric_mean, 0 },
  { N_("Latency p50"), VS_UNIT_LATENCY, metric_latency, 50 },
  { N_("Latency p90"), VS_UNIT_LATENCY, metric_latency, 90 },
  { N_("Latency p99"), VS_UNIT_LATENCY, metric_latency, 99 },
  { N_("Latency p99.9"), VS_UNIT_LATENCY, metric_latency, 99.9 },
  { N_("Latency max"), VS_UNIT_LATENCY, metric_latency, 100 },
};

static GtkWidget *
cell (GtkGrid    *grid,
      int         column,
      int         row,
      const char *text,
      const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  gtk_widget_add_css_class (label, "numeric");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_grid_attach (grid, label, column, row, 1, 1);
  return label;
}

static void
vs_results_table_dispose (GObject *object)
{
  VsResultsTable *self = VS_RESULTS_TABLE (object);

  g_clear_pointer (&self->grid, gtk_widget_unparent);
  G_OBJECT_CLASS (vs_results_table_parent_class)->dispose (object);
}

static void
vs_results_table_class_init (VsResultsTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_results_table_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "resultstable");
}

static void
vs_results_table_init (VsResultsTable *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
}

GtkWidget *
vs_results_table_new (void)
{
  return g_object_new (VS_TYPE_RESULTS_TABLE, NULL);
}

void
vs_results_table_set_results (VsResultsTable *self,
                              VsResults      *results)
{
  guint n = vs_results_get_n_targets (results);
  GtkGrid *grid;
  const VsTargetResult *first;

  g_clear_pointer (&self->grid, gtk_widget_unparent);
  self->grid = gtk_grid_new ();
  gtk_widget_set_parent (self->grid, GTK_WIDGET (self));
  grid = GTK_GRID (self->grid);
  gtk_grid_set_column_spacing (grid, 24);
  gtk_grid_set_row_spacing (grid, 6);

  cell (grid, 0, 0, _("Whole run"), "heading");
  for (guint t = 0; t < n; t++)
    {
      const VsTargetResult *r = vs_results_get_target (results, t);

      cell (grid, 1 + t, 0, r->target->name, "heading");
      if (t > 0)
        {
          /* TRANSLATORS: the ratio column heading, e.g. "flask ÷ node" */
          const char *base = vs_results_get_target (results, 0)->target->name;
          g_autofree char *heading = g_strdup_printf (_("%s ÷ %s"), r->target->name, base);

          cell (grid, n + t, 0, heading, "heading");
        }
    }

  first = n > 0 ? vs_results_get_target (results, 0) : NULL;
  for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
    {
      const Metric *metric = &metrics[m];
      double base = first != NULL ? metric->value (first, metric->arg) : 0;

      cell (grid, 0, m + 1, _(metric->label), "dim-label");
      for (guint t = 0; t < n; t++)
        {
          const VsTargetResult *r = vs_results_get_target (results, t);
          double value = metric->value (r, metric->arg);
          g_autofree char *text = vs_units_format (value, metric->unit);

          cell (grid, 1 + t, m + 1, text, NULL);
          if (t > 0)
            {
              /* a bare ratio, not a verdict: without its uncertainty a few per cent either
               * way is no evidence of better or worse, so it is not coloured as such; three
               * significant digits: ×0.00429 says more than ×0.00 */
              g_autofree char *ratio = base > 0 && isfinite (value / base)
                                       ? g_strdup_printf ("×%.3g", value / base)
                                       : g_strdup ("—");

              cell (grid, n + t, m + 1, ratio, NULL);
            }
        }
    }
}

const char *
vs_results_table_get_cell (VsResultsTable *self,
                           guint           row,
                           guint           column)
{
  GtkWidget *child;

  if (self->grid == NULL)
    return NULL;
  child = gtk_grid_get_child_at (GTK_GRID (self->grid), column, row);
  return child != NULL ? gtk_label_get_text (GTK_LABEL (child)) : NULL;
}
