/* vs-target-card.c: a card per target at the top of the dashboard */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "vs-palette.h"
#include "vs-protocols.h"
#include "vs-slo.h"
#include "vs-summary.h"
#include "vs-target-card.h"
#include "vs-units.h"

struct _VsTargetCard
{
  GtkWidget  parent_instance;
  guint      index;
  char      *name;
  GtkWidget *box;
  GtkWidget *title;
  GtkWidget *rps;
  GtkWidget *rps_caption;  /* what interval the rate and the latencies cover */
  GtkWidget *requests;
  GtkWidget *requests_caption;
  GtkWidget *p50;
  GtkWidget *p50_caption;
  GtkWidget *p99;
  GtkWidget *p99_caption;
  GtkWidget *errors;
  GtkWidget *errors_caption;
  GtkWidget *protocol; /* the HTTP version the target answers in, once it has */
  GtkWidget *state;
  GtkWidget *note;     /* the first transport error, when there was one */
  GtkWidget *slo;      /* pass/fail of the target's thresholds, when it has any */
};

G_DEFINE_FINAL_TYPE (VsTargetCard, vs_target_card, GTK_TYPE_WIDGET)

static void
update_title (VsTargetCard *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  g_autofree char *color = vs_palette_target_css (self->index, dark);
  g_autofree char *escaped = g_markup_escape_text (self->name, -1);
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\">●</span>  %s", color,
                                             escaped);

  gtk_label_set_markup (GTK_LABEL (self->title), markup);
}

static GtkWidget *
add_figure (GtkGrid    *grid,
            int         row,
            int         column,
            const char *caption,
            GtkWidget **caption_label)
{
  GtkWidget *value = gtk_label_new ("–");
  GtkWidget *label = gtk_label_new (caption);

  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (value, "numeric");
  gtk_widget_add_css_class (value, "figure");
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_grid_attach (grid, value, column, row, 1, 1);
  gtk_grid_attach (grid, label, column, row + 1, 1, 1);
  if (caption_label != NULL)
    *caption_label = label;
  return value;
}

static void
vs_target_card_dispose (GObject *object)
{
  VsTargetCard *self = VS_TARGET_CARD (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->name, g_free);
  G_OBJECT_CLASS (vs_target_card_parent_class)->dispose (object);
}

static void
vs_target_card_class_init (VsTargetCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_target_card_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "targetcard");
}

static void
vs_target_card_init (VsTargetCard *self)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");

  self->title = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->title, "heading");
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->title, TRUE);
  self->protocol = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->protocol, "caption");
  gtk_widget_add_css_class (self->protocol, "dim-label");
  gtk_widget_set_visible (self->protocol, FALSE);
  self->state = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->state, "caption");
  gtk_widget_add_css_class (self->state, "dim-label");
  gtk_box_append (GTK_BOX (header), self->title);
  gtk_box_append (GTK_BOX (header), self->protocol);
  gtk_box_append (GTK_BOX (header), self->state);
  gtk_box_append (GTK_BOX (self->box), header);

  self->rps = gtk_label_new ("–");
  gtk_widget_add_css_class (self->rps, "title-1");
  gtk_widget_add_css_class (self->rps, "numeric");
  gtk_label_set_xalign (GTK_LABEL (self->rps), 0);
  gtk_box_append (GTK_BOX (self->box), self->rps);
  self->rps_caption = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->rps_caption, "caption");
  gtk_widget_add_css_class (self->rps_caption, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (self->rps_caption), 0);
  gtk_box_append (GTK_BOX (self->box), self->rps_caption);

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  self->requests = add_figure (GTK_GRID (grid), 0, 0, _("requests"), &self->requests_caption);
  self->p50 = add_figure (GTK_GRID (grid), 0, 1, _("p50"), &self->p50_caption);
  self->p99 = add_figure (GTK_GRID (grid), 0, 2, _("p99"), &self->p99_caption);
  self->errors = add_figure (GTK_GRID (grid), 0, 3, _("errors"), &self->errors_caption);
  gtk_box_append (GTK_BOX (self->box), grid);

  self->note = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->note, "caption");
  gtk_widget_add_css_class (self->note, "error");
  gtk_label_set_xalign (GTK_LABEL (self->note), 0);
  gtk_label_set_wrap (GTK_LABEL (self->note), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->note), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (self->note), 3);
  gtk_label_set_ellipsize (GTK_LABEL (self->note), PANGO_ELLIPSIZE_END);
  gtk_label_set_selectable (GTK_LABEL (self->note), TRUE);
  gtk_widget_set_visible (self->note, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->note);

  self->slo = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->slo, "caption-heading");
  gtk_label_set_xalign (GTK_LABEL (self->slo), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->slo), PANGO_ELLIPSIZE_END);
  gtk_widget_set_visible (self->slo, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->slo);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
}

GtkWidget *
vs_target_card_new (guint       index,
                    const char *name)
{
  VsTargetCard *self = g_object_new (VS_TYPE_TARGET_CARD, NULL);

  self->index = index;
  self->name = g_strdup (name);
  update_title (self);
  return GTK_WIDGET (self);
}

static void
set_text (GtkWidget *label,
          char      *text)  /* takes ownership */
{
  gtk_label_set_text (GTK_LABEL (label), text);
  g_free (text);
}

static void
set_metric (GtkWidget  *label,
            VsResults  *results,
            guint       index,
            const char *id)
{
  set_text (label, vs_summary_format_cell (results, index, vs_summary_find_metric (id),
                                           VS_FORMAT_LOCALE));
}

/* The rate and the latencies: the last interval's while the run goes on, the whole run's (the
 * results table's, from the same summary) once it has ended; the caption says which. */
static void
update_rate_and_latency (VsTargetCard     *self,
                         VsResults        *results,
                         guint             index,
                         const VsInterval *last)
{
  const VsTargetResult *result = vs_results_get_target (results, index);
  g_autofree char *scope = NULL;
  g_autofree char *p50 = NULL;
  g_autofree char *p99 = NULL;

  if (result->finished && result->measured_s > 0)
    {
      scope = g_strdup (_("whole run"));
      set_metric (self->rps, results, index, "rps");
      set_metric (self->p50, results, index, "latency_p50_ms");
      set_metric (self->p99, results, index, "latency_p99_ms");
    }
  else
    {
      g_autofree char *length = vs_format_duration ((gint64) llround ((last->end_s -
                                                                        last->start_s) *
                                                                       G_USEC_PER_SEC));

      /* TRANSLATORS: what interval a card's figures cover, e.g. "last 250ms" */
      scope = g_strdup_printf (_("last %s"), length);
      set_text (self->rps, vs_units_format (last->rps, VS_UNIT_RATE));
      /* an interval without responses has no latency: not the last one that had */
      if (last->counters.responses > 0)
        {
          set_text (self->p50, vs_units_format (last->p50_us, VS_UNIT_LATENCY));
          set_text (self->p99, vs_units_format (last->p99_us, VS_UNIT_LATENCY));
        }
      else
        {
          gtk_label_set_text (GTK_LABEL (self->p50), "–");
          gtk_label_set_text (GTK_LABEL (self->p99), "–");
        }
    }

  gtk_label_set_text (GTK_LABEL (self->rps_caption), scope);
  /* TRANSLATORS: a card's caption: "p50, last 250ms", "p50, whole run" */
  p50 = g_strdup_printf (_("p50, %s"), scope);
  /* TRANSLATORS: a card's caption: "p99, last 250ms", "p99, whole run" */
  p99 = g_strdup_printf (_("p99, %s"), scope);
  gtk_label_set_text (GTK_LABEL (self->p50_caption), p50);
  gtk_label_set_text (GTK_LABEL (self->p99_caption), p99);
}

/* What went wrong, in the summary's words: why a card says 100 % errors (the first error, or
 * that the target was never reached), requests that were due and never left, sends that left
 * late: the notes about this target. */
static void
update_note (VsTargetCard *self,
             VsResults    *results,
             guint         index)
{
  g_autoptr(GPtrArray) notes = vs_summary_notes (results);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < notes->len; i++)
    {
      const VsNote *note = g_ptr_array_index (notes, i);

      /* the thresholds have a mark of their own (update_slo) */
      if (note->target != (int) index || note->kind == VS_NOTE_THRESHOLDS)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, note->text);
    }

  if (text->len > 0)
    {
      gtk_label_set_text (GTK_LABEL (self->note), text->str);
      gtk_widget_set_tooltip_text (self->note, text->str);
      gtk_widget_set_tooltip_text (self->state, text->str);
    }
  gtk_widget_set_visible (self->note, text->len > 0);
}

/* ✓ or ✗ with the failed thresholds, on the measured phase so far; each threshold's figure in
 * the tooltip, in the words `versus run` prints. */
static void
update_slo (VsTargetCard *self,
            VsResults    *results,
            guint         index,
            gboolean      measuring)
{
  g_autoptr(GPtrArray) judged = vs_slo_evaluate (results, index);
  g_autoptr(GString) tooltip = g_string_new (NULL);
  g_autofree char *failed = NULL;
  g_autofree char *text = NULL;
  VsSloVerdict verdict;

  gtk_widget_set_visible (self->slo, judged->len > 0 && measuring);
  if (judged->len == 0 || !measuring)
    return;

  verdict = vs_slo_verdict (results, index, &failed);
  if (verdict == VS_SLO_PASS)
    /* TRANSLATORS: a card's mark: every SLO threshold of the target held */
    text = g_strdup (_("✓ thresholds kept"));
  else
    /* TRANSLATORS: a card's mark, with the thresholds that failed: "✗ failed: p99 < 50ms" */
    text = g_strdup_printf (_("✗ failed: %s"), failed);
  gtk_label_set_text (GTK_LABEL (self->slo), text);
  gtk_widget_remove_css_class (self->slo, verdict == VS_SLO_PASS ? "error" : "success");
  gtk_widget_add_css_class (self->slo, verdict == VS_SLO_PASS ? "success" : "error");
  for (guint i = 0; i < judged->len; i++)
    g_string_append_printf (tooltip, "%s%s", i ? "\n" : "",
                            ((const VsSloResult *) g_ptr_array_index (judged, i))->explanation);
  gtk_widget_set_tooltip_text (self->slo, tooltip->str);
}

void
vs_target_card_update (VsTargetCard *self,
                       VsResults    *results,
                       guint         index)
{
  const VsTargetResult *result;
  VsCounters shown;
  const VsInterval *last;
  gboolean measuring;
  guint64 errors;
  g_autofree char *protocol = NULL;

  g_return_if_fail (VS_IS_TARGET_CARD (self));
  g_return_if_fail (VS_IS_RESULTS (results));

  result = vs_results_get_target (results, index);
  if (result->intervals->len == 0)
    {
      gtk_label_set_text (GTK_LABEL (self->state), _("waiting"));
      return;
    }
  last = &g_array_index (result->intervals, VsInterval, result->intervals->len - 1);

  /* the same totals as the results table once the measured phase has begun; before that the
   * warm-up's own, labelled as such: as the CLI's progress lines count */
  measuring = vs_summary_live_counters (result, &shown);
  gtk_label_set_text (GTK_LABEL (self->requests_caption),
                      measuring ? _("requests") : _("warm-up requests"));
  gtk_label_set_text (GTK_LABEL (self->errors_caption),
                      measuring ? _("errors") : _("warm-up errors"));

  update_rate_and_latency (self, results, index, last);
  set_text (self->requests, vs_units_format (shown.requests, VS_UNIT_COUNT));

  errors = vs_counters_errors (&shown);
  if (shown.requests > 0)
    set_text (self->errors, vs_format_percent (100.0 * errors / shown.requests,
                                               VS_FORMAT_LOCALE));
  else
    gtk_label_set_text (GTK_LABEL (self->errors), "–");
  if (errors > 0)
    gtk_widget_add_css_class (self->errors, "error");
  else
    gtk_widget_remove_css_class (self->errors, "error");

  protocol = vs_target_result_protocol (result);
  gtk_label_set_text (GTK_LABEL (self->protocol), protocol != NULL ? protocol : "");
  gtk_widget_set_visible (self->protocol, protocol != NULL);

  if (result->finished)
    gtk_label_set_text (GTK_LABEL (self->state), _("done"));
  else if (!measuring)
    gtk_label_set_text (GTK_LABEL (self->state), _("warming up"));
  else
    gtk_label_set_text (GTK_LABEL (self->state), _("measuring"));

  update_note (self, results, index);
  update_slo (self, results, index, measuring);
}

const char *
vs_target_card_get_figure (VsTargetCard *self,
                           const char   *key)
{
  GtkWidget *label = NULL;

  if (g_str_equal (key, "rps"))
    label = self->rps;
  else if (g_str_equal (key, "requests"))
    label = self->requests;
  else if (g_str_equal (key, "p50"))
    label = self->p50;
  else if (g_str_equal (key, "p99"))
    label = self->p99;
  else if (g_str_equal (key, "errors"))
    label = self->errors;
  else if (g_str_equal (key, "rps-caption"))
    label = self->rps_caption;
  else if (g_str_equal (key, "p50-caption"))
    label = self->p50_caption;
  else if (g_str_equal (key, "requests-caption"))
    label = self->requests_caption;
  else if (g_str_equal (key, "errors-caption"))
    label = self->errors_caption;
  else if (g_str_equal (key, "note"))
    label = self->note;
  else if (g_str_equal (key, "protocol"))
    label = self->protocol;
  else if (g_str_equal (key, "thresholds"))
    label = self->slo;
  g_return_val_if_fail (label != NULL, NULL);
  return gtk_label_get_text (GTK_LABEL (label));
}
