/* vs-target-card.c: a card per target at the top of the dashboard */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "vs-app-testing.h"
#include "vs-cpu-list.h"
#include "vs-format.h"
#include "vs-chart.h"
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
  /* its server (managed or attached), when it has one */
  GtkWidget *server_grid;
  GtkWidget *server_cpu;
  GtkWidget *server_cpu_caption;
  GtkWidget *server_memory;
  GtkWidget *server_memory_caption;
  GtkWidget *server_cores;
  GtkWidget *server_cores_caption;
  GtkWidget *generator_cores;
  GtkWidget *generator_cores_caption;
  GtkWidget *log_button;   /* opens the server's log (a managed server's) */
  GtkWidget *log_label;
  VsServerSet *servers;    /* the run's, for the log */
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
  g_clear_object (&self->servers);
  G_OBJECT_CLASS (vs_target_card_parent_class)->dispose (object);
}

static void
vs_target_card_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (vs_target_card_parent_class)->css_changed (widget, change);
  update_title (VS_TARGET_CARD (widget));
}

#define LOG_LINES 200

/* The log as it is when the popover opens: its last lines, and where the whole of it is. */
static void
log_shown_cb (VsTargetCard *self)
{
  g_autofree char *tail = NULL;
  g_autofree char *text = NULL;
  const char *path;

  if (self->servers == NULL)
    return;
  tail = vs_server_set_get_log_tail (self->servers, self->index, LOG_LINES);
  path = vs_server_set_get_log_path (self->servers, self->index);
  if (path != NULL)
    /* TRANSLATORS: the server log's popover: its last lines, then where the whole log is */
    text = g_strdup_printf (_("%s\n— the whole log: %s"),
                            tail != NULL && *tail != '\0' ? tail : _("(nothing written yet)"),
                            path);
  else
    text = g_strdup (tail != NULL ? tail : "");
  gtk_label_set_text (GTK_LABEL (self->log_label), text);
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
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, slo);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, server_grid);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, server_cpu);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, server_cpu_caption);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, server_memory);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, server_memory_caption);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, server_cores);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, server_cores_caption);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, generator_cores);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, generator_cores_caption);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, log_button);
  gtk_widget_class_bind_template_child (widget_class, VsTargetCard, log_label);
  gtk_widget_class_bind_template_callback (widget_class, log_shown_cb);
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

/* The cores the load generator had: its pinned list, or every CPU Versus may use. */
static char *
generator_cores (VsResults *results)
{
  VsPlan *plan = vs_results_get_plan (results);
  VsCpuList list;

  if (plan == NULL || plan->load.generator_cpus == NULL ||
      !vs_cpu_list_parse (plan->load.generator_cpus, NULL, &list, NULL))
    vs_cpu_list_available (&list);
  return vs_cpu_list_format (&list);
}

/* The server's CPU and memory (the last interval's while the run goes on, the whole run's mean
 * once the target is done, as the results table says it), its cores and the generator's. */
static void
update_server (VsTargetCard     *self,
               VsResults        *results,
               guint             index,
               const VsInterval *last)
{
  VsServerSet *servers = vs_results_get_servers (results);
  const VsTargetResult *result = vs_results_get_target (results, index);
  gboolean has_server = (servers != NULL && vs_server_set_has_server (servers, index)) ||
                        result->server.samples > 0;
  g_autofree char *cpu_caption = NULL;
  g_autofree char *memory_caption = NULL;

  g_set_object (&self->servers, servers);
  gtk_widget_set_visible (self->server_grid, has_server);
  gtk_widget_set_visible (self->log_button,
                          servers != NULL && vs_server_set_get_log_path (servers, index) != NULL);
  if (!has_server)
    return;

  if (result->finished && result->server.samples > 0)
    {
      set_metric (self->server_cpu, results, index, "server_cpu_mean_pct");
      set_metric (self->server_memory, results, index, "server_memory_mean_bytes");
      /* TRANSLATORS: a card's caption: the server's CPU as % of one core, whole-run mean */
      cpu_caption = g_strdup (_("server CPU, whole-run mean"));
      /* TRANSLATORS: a card's caption */
      memory_caption = g_strdup (_("server memory, whole-run mean"));
    }
  else
    {
      g_autofree char *length = NULL;

      if (last != NULL && last->server_sampled)
        {
          set_text (self->server_cpu, vs_format_percent (last->server_cpu_percent,
                                                         VS_FORMAT_LOCALE));
          set_text (self->server_memory,
                    vs_format_bytes_full ((double) last->server_memory_bytes, VS_FORMAT_LOCALE));
        }
      else
        {
          gtk_label_set_text (GTK_LABEL (self->server_cpu), "–");
          gtk_label_set_text (GTK_LABEL (self->server_memory), "–");
        }
      if (last != NULL)
        length = vs_format_duration ((gint64) llround ((last->end_s - last->start_s) *
                                                       G_USEC_PER_SEC));
      /* TRANSLATORS: a card's caption: "server CPU, last 250ms" (% of one core) */
      cpu_caption = length != NULL ? g_strdup_printf (_("server CPU, last %s"), length)
                                   : g_strdup (_("server CPU"));
      /* TRANSLATORS: a card's caption: "server memory, last 250ms" */
      memory_caption = length != NULL ? g_strdup_printf (_("server memory, last %s"), length)
                                      : g_strdup (_("server memory"));
    }
  gtk_label_set_text (GTK_LABEL (self->server_cpu_caption), cpu_caption);
  gtk_label_set_text (GTK_LABEL (self->server_memory_caption), memory_caption);
  set_metric (self->server_cores, results, index, "server_cpus");
  set_text (self->generator_cores, generator_cores (results));
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
      /* … and how the answers differ is a note about the run, under the cards */
      if (note->target != (int) index || note->kind == VS_NOTE_THRESHOLDS ||
          note->kind == VS_NOTE_ANSWERS)
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
      VsServerSet *servers = vs_results_get_servers (results);
      gboolean failed = servers != NULL && !vs_server_set_is_ready (servers, index);

      /* a target whose server failed gets no load: why is on its card */
      gtk_label_set_text (GTK_LABEL (self->state), failed ? _("server failed") : _("waiting"));
      update_server (self, results, index, NULL);
      update_note (self, results, index);
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

  if (vs_results_get_servers (results) != NULL &&
      !vs_server_set_is_ready (vs_results_get_servers (results), index))
    gtk_label_set_text (GTK_LABEL (self->state), _("server failed"));

  update_server (self, results, index, last);
  update_note (self, results, index);
  update_slo (self, results, index, measuring);
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
  else if (g_str_equal (key, "thresholds"))
    label = self->slo;
  else if (g_str_equal (key, "state"))
    label = self->state;
  else if (g_str_equal (key, "server-cpu"))
    label = self->server_cpu;
  else if (g_str_equal (key, "server-cpu-caption"))
    label = self->server_cpu_caption;
  else if (g_str_equal (key, "server-memory"))
    label = self->server_memory;
  else if (g_str_equal (key, "server-memory-caption"))
    label = self->server_memory_caption;
  else if (g_str_equal (key, "server-cores"))
    label = self->server_cores;
  else if (g_str_equal (key, "generator-cores"))
    label = self->generator_cores;
  else if (g_str_equal (key, "log"))
    {
      /* as the Log button's popover shows it; "" without the button */
      if (!gtk_widget_get_visible (self->log_button))
        return "";
      log_shown_cb (self);
      label = self->log_label;
    }
  g_return_val_if_fail (label != NULL, NULL);
  return gtk_label_get_text (GTK_LABEL (label));
}
