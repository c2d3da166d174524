/* vs-results-table.c: the side-by-side table shown when a run ends */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "vs-app-testing.h"
#include "vs-palette.h"
#include "vs-results-table.h"
#include "vs-summary.h"
#include "vs-units.h"

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

/* The rows and columns of the last results go; the skeleton stays. */
static void
clear_cells (VsResultsTable *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (self->grid), *next; child != NULL;
       child = next)
    {
      next = gtk_widget_get_next_sibling (child);
      if (child != self->corner)
        gtk_grid_remove (GTK_GRID (self->grid), child);
    }
}

/* The rows of the one summary table, as the CLI prints them, in the locale's decimals, from
 * row @first on, the rows of @rows_from: column 1 + t from columns[t] (its target at
 * indexes[t]; NULL: left empty); beside each but the first, its ratio to the first when
 * @ratios (the columns are then all of one results). */
static void
fill_metrics (VsResultsTable  *self,
              VsResults       *rows_from,
              VsResults      **columns,
              const guint     *indexes,
              guint            n,
              guint            first,
              gboolean         ratios)
{
  GtkGrid *grid = GTK_GRID (self->grid);
  g_autoptr(GPtrArray) rows = vs_summary_table_rows (rows_from);

  for (guint m = 0; m < rows->len; m++)
    {
      const VsMetric *metric = g_ptr_array_index (rows, m);
      g_autofree char *label = (metric->flags & VS_METRIC_SUB)
                               ? g_strdup_printf ("  %s", _(metric->label))
                               : g_strdup (_(metric->label));

      cell (grid, 0, first + m, label, "dim-label");
      for (guint t = 0; t < n; t++)
        {
          g_autofree char *text = NULL;

          if (columns[t] == NULL)
            continue;
          text = vs_summary_format_cell (columns[t], indexes[t], metric, VS_FORMAT_LOCALE);
          cell (grid, 1 + t, first + m, text, NULL);
          if (t > 0 && ratios)
            {
              /* a bare ratio, not a verdict: without its uncertainty a few per cent either
               * way is no evidence of better or worse, so it is not coloured as such */
              g_autofree char *ratio = vs_summary_format_ratio (columns[t], indexes[t], metric,
                                                                VS_FORMAT_LOCALE);

              cell (grid, n + t, first + m, ratio, NULL);
            }
        }
    }
}

void
vs_results_table_set_results (VsResultsTable *self,
                              VsResults      *results)
{
  guint n = vs_results_get_n_targets (results);
  g_autofree VsResults **columns = g_new0 (VsResults *, MAX (n, 1));
  g_autofree guint *indexes = g_new0 (guint, MAX (n, 1));
  GtkGrid *grid = GTK_GRID (self->grid);

  clear_cells (self);
  for (guint t = 0; t < n; t++)
    {
      const VsTargetResult *r = vs_results_get_target (results, t);

      columns[t] = results;
      indexes[t] = t;
      cell (grid, 1 + t, 0, r->target->name, "heading");
      if (t > 0)
        {
          /* TRANSLATORS: the ratio column heading, e.g. "flask ÷ node" */
          const char *base = vs_results_get_target (results, 0)->target->name;
          g_autofree char *heading = g_strdup_printf (_("%s ÷ %s"), r->target->name, base);

          cell (grid, n + t, 0, heading, "heading");
        }
    }
  if (n > 0)
    fill_metrics (self, results, columns, indexes, n, 1, TRUE);
}

void
vs_results_table_set_capacity (VsResultsTable *self,
                               VsCapacity     *capacity)
{
  VsPlan *plan = vs_capacity_get_plan (capacity);
  guint n = vs_plan_get_n_targets (plan);
  g_autofree VsResults **columns = g_new0 (VsResults *, n);
  g_autofree guint *indexes = g_new0 (guint, n);
  GtkGrid *grid = GTK_GRID (self->grid);
  VsResults *rows_from = NULL;

  clear_cells (self);
  /* TRANSLATORS: results table rows of a capacity search */
  cell (grid, 0, 1, _("Capacity"), "dim-label");
  cell (grid, 0, 2, _("Figures of the step at"), "dim-label");
  for (guint t = 0; t < n; t++)
    {
      const VsCapacityResult *result = vs_capacity_get_result (capacity, t);
      const VsCapacityStep *step = vs_capacity_get_summary_step (capacity, t);
      g_autofree char *found = isnan (result->capacity_rps)
                               ? g_strdup (_("none found"))
                               : vs_units_format (result->capacity_rps, VS_UNIT_RATE);
      g_autofree char *at = NULL;

      cell (grid, 1 + t, 0, vs_plan_get_target (plan, t)->name, "heading");
      cell (grid, 1 + t, 1, found, NULL);
      if (step == NULL)
        continue;
      /* the figures are each of its own step's run: at its capacity, else its first */
      at = vs_units_format (step->rate, VS_UNIT_RATE);
      cell (grid, 1 + t, 2, at, NULL);
      columns[t] = step->results;
      if (rows_from == NULL)
        rows_from = step->results;
    }
  /* no ratios: the figures are of different offered rates */
  if (rows_from != NULL)
    fill_metrics (self, rows_from, columns, indexes, n, 3, FALSE);
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
