/* vs-target-card.c: a card per target at the top of the dashboard */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "vs-app-testing.h"
#include "vs-chart.h"
#include "vs-palette.h"
#include "vs-protocols.h"
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
};

G_DEFINE_FINAL_TYPE (VsTargetCard, vs_target_card, GTK_TYPE_WIDGET)

/* The dot in the target's colour: the shade for the card's own style (dark or light, high
 * contrast or not), as the charts pick it, from the widget's CSS. */
static void
update_title (VsTargetCard *self)
{
  VsChartStyle style;
  g_autofree char *color = NULL;
  g_autofree char *escaped = g_markup_escape_text (self->name ? self->name : "", -1);
  g_autofree char *markup = NULL;

  if (self->name == NULL)
    return;
  vs_chart_style_init_from_widget (&style, GTK_WIDGET (self));
  color = vs_palette_target_css (self->index, style.dark);
  vs_chart_style_clear (&style);
  markup = g_strdup_printf ("<span foreground=\"%s\">●</span>  %s", color, escaped);

  gtk_label_set_markup (GTK_LABEL (self->title), markup);
}

static void
vs_target_card_dispose (GObject *object)
{
  VsTargetCard *self = VS_TARGET_CARD (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VS_TYPE_TARGET_CARD);
  g_clear_pointer (&self->name, g_free);
  G_OBJECT_CLASS (vs_target_card_parent_class)->dispose (object);
}

static void
vs_target_card_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (vs_target_card_parent_class)->css_changed (widget, change);
  update_title (VS_TARGET_CARD (widget));
}

static void
vs_target_card_class_init (VsTargetCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vs_target_card_dispose;
  widget_class->css_changed = vs_target_card_css_changed;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "targetcard");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/versus/Versus/vs-target-card.ui");
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, box);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, title);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, protocol);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, state);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, rps);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, rps_caption);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, requests);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, requests_caption);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, p50);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, p50_caption);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, p99);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, p99_caption);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, errors);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, errors_caption);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, note);
}

static void
vs_target_card_init (VsTargetCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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

      if (note->target != (int) index)
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
}

const char *
vs_target_card_get_figure (VsTargetCard *self,
                           const char   *key)
{
  GtkWidget *label = NULL;

  if (g_str_equal (key, "title-markup"))
    return gtk_label_get_label (GTK_LABEL (self->title));
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
  g_return_val_if_fail (label != NULL, NULL);
  return gtk_label_get_text (GTK_LABEL (label));
}
