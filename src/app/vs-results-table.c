/* vs-results-table.c: the side-by-side table shown when a run ends */
#include "config.h"

#include <glib/gi18n.h>

#include "vs-app-testing.h"
#include "vs-palette.h"
#include "vs-results-table.h"
#include "vs-summary.h"

struct _VsResultsTable
{
  GtkWidget  parent_instance;
  GtkWidget *scroller;  /* template children */
  GtkWidget *grid;
  GtkWidget *corner;    /* the heading above the metric names */
};

G_DEFINE_FINAL_TYPE (VsResultsTable, vs_results_table, GTK_TYPE_WIDGET)

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

  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_RESULTS_TABLE);
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
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/versus/Versus/vs-results-table.ui");
  gtk_widget_class_bind_template_child (widget_class, VsResultsTable, scroller);
  gtk_widget_class_bind_template_child (widget_class, VsResultsTable, grid);
  gtk_widget_class_bind_template_child (widget_class, VsResultsTable, corner);
}

static void
vs_results_table_init (VsResultsTable *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
  g_autoptr(GPtrArray) rows = NULL;
  GtkGrid *grid;

  grid = GTK_GRID (self->grid);
  /* the rows and columns of the last results go; the skeleton stays */
  for (GtkWidget *child = gtk_widget_get_first_child (self->grid), *next; child != NULL;
       child = next)
    {
      next = gtk_widget_get_next_sibling (child);
      if (child != self->corner)
        gtk_grid_remove (grid, child);
    }

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

  /* the rows of the one summary table, as the CLI prints them, in the locale's decimals */
  rows = vs_summary_table_rows (results);
  for (guint m = 0; m < rows->len; m++)
    {
      const VsMetric *metric = g_ptr_array_index (rows, m);
      g_autofree char *label = (metric->flags & VS_METRIC_SUB)
                               ? g_strdup_printf ("  %s", _(metric->label))
                               : g_strdup (_(metric->label));

      cell (grid, 0, m + 1, label, "dim-label");
      for (guint t = 0; t < n; t++)
        {
          g_autofree char *text = vs_summary_format_cell (results, t, metric, VS_FORMAT_LOCALE);

          cell (grid, 1 + t, m + 1, text, NULL);
          if (t > 0)
            {
              /* a bare ratio, not a verdict: without its uncertainty a few per cent either
               * way is no evidence of better or worse, so it is not coloured as such */
              g_autofree char *ratio = vs_summary_format_ratio (results, t, metric,
                                                                VS_FORMAT_LOCALE);

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
