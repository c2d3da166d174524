/* vs-chart-model.c: series of points, their rounded ranges, change serials */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "vs-chart-model.h"

#define X_TICKS 8
#define Y_TICKS 5

struct _VsChartModel
{
  GObject      parent_instance;
  VsChartKind  kind;
  GPtrArray   *series;        /* VsChartSeries* */
  GArray      *marks;         /* VsChartMark */
  gboolean     x_log;
  double       shade_x0, shade_x1;
  double       x_extent;
  double       x_min, x_max, y_min, y_max;
  double       x_step, y_step;
  guint        frame_serial;
  guint        data_serial;
  guint        frame_hash;    /* what the frame was drawn from, to tell when it changes */
};

G_DEFINE_FINAL_TYPE (VsChartModel, vs_chart_model, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const struct
{
  const char *name;
  const char *title;
  VsUnit      x_unit;
  VsUnit      y_unit;
} kinds[VS_N_CHARTS] = {
  [VS_CHART_THROUGHPUT] = { "throughput", N_("Throughput"), VS_UNIT_SECONDS, VS_UNIT_RATE },
  [VS_CHART_LATENCY] = { "latency", N_("Latency"), VS_UNIT_SECONDS, VS_UNIT_LATENCY },
  [VS_CHART_SPECTRUM] = { "spectrum", N_("Latency by Percentile"), VS_UNIT_NINES,
                          VS_UNIT_LATENCY },
  [VS_CHART_ERRORS] = { "errors", N_("Errors per Second by Class"), VS_UNIT_SECONDS,
                        VS_UNIT_ERROR_RATE },
  /* xgettext:no-c-format */
  [VS_CHART_SERVER_CPU] = { "server-cpu", N_("Server CPU (% of One Core)"), VS_UNIT_SECONDS,
                            VS_UNIT_PERCENT },
  [VS_CHART_SERVER_MEMORY] = { "server-memory", N_("Server Memory"), VS_UNIT_SECONDS,
                               VS_UNIT_MEBIBYTES },
  [VS_CHART_CONNECTIONS] = { "connections", N_("Requests in Flight"), VS_UNIT_SECONDS,
                             VS_UNIT_COUNT },
  [VS_CHART_CAPACITY] = { "capacity", N_("Latency by Offered Rate"), VS_UNIT_RATE,
                          VS_UNIT_LATENCY },
};

static void
series_free (gpointer data)
{
  VsChartSeries *series = data;

  g_free (series->label);
  g_array_unref (series->x);
  g_array_unref (series->y);
  g_clear_pointer (&series->points, g_array_unref);
  g_free (series);
}

static void
mark_clear (gpointer data)
{
  g_free (((VsChartMark *) data)->label);
}

static void
vs_chart_model_finalize (GObject *object)
{
  VsChartModel *self = VS_CHART_MODEL (object);

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->marks, g_array_unref);
  G_OBJECT_CLASS (vs_chart_model_parent_class)->finalize (object);
}

static void
vs_chart_model_class_init (VsChartModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vs_chart_model_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vs_chart_model_init (VsChartModel *self)
{
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->marks = g_array_new (FALSE, TRUE, sizeof (VsChartMark));
  g_array_set_clear_func (self->marks, mark_clear);
  self->x_max = self->y_max = 1;
  self->x_step = self->y_step = 1;
}

VsChartModel *
vs_chart_model_new (VsChartKind kind)
{
  VsChartModel *self;

  g_return_val_if_fail (kind < VS_N_CHARTS, NULL);

  self = g_object_new (VS_TYPE_CHART_MODEL, NULL);
  self->kind = kind;
  vs_chart_model_changed (self);
  return self;
}

VsChartKind
vs_chart_model_get_kind (VsChartModel *self)
{
  return self->kind;
}

const char *
vs_chart_model_get_title (VsChartModel *self)
{
  return _(kinds[self->kind].title);
}

const char *
vs_chart_model_get_name (VsChartModel *self)
{
  return kinds[self->kind].name;
}

VsUnit
vs_chart_model_get_x_unit (VsChartModel *self)
{
  return kinds[self->kind].x_unit;
}

VsUnit
vs_chart_model_get_y_unit (VsChartModel *self)
{
  return kinds[self->kind].y_unit;
}

void
vs_chart_model_clear (VsChartModel *self)
{
  g_ptr_array_set_size (self->series, 0);
  g_array_set_size (self->marks, 0);
}

guint
vs_chart_model_add_series (VsChartModel *self,
                           const char   *label,
                           guint         color,
                           gboolean      dashed,
                           gboolean      legend)
{
  VsChartSeries *series = g_new0 (VsChartSeries, 1);

  series->label = g_strdup (label);
  series->color = color;
  series->dashed = dashed;
  series->legend = legend;
  series->x = g_array_new (FALSE, FALSE, sizeof (double));
  series->y = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (self->series, series);
  return self->series->len - 1;
}

void
vs_chart_model_append (VsChartModel *self,
                       guint         series,
                       double        x,
                       double        y)
{
  VsChartSeries *s;

  g_return_if_fail (series < self->series->len);

  s = g_ptr_array_index (self->series, series);
  g_array_append_val (s->x, x);
  g_array_append_val (s->y, y);
  if (s->points != NULL)
    g_array_set_size (s->points, s->x->len);  /* no marker */
}

void
vs_chart_model_append_point (VsChartModel *self,
                             guint         series,
                             double        x,
                             double        y,
                             VsChartPoint  point)
{
  VsChartSeries *s;
  guint8 kind = point;

  g_return_if_fail (series < self->series->len);

  s = g_ptr_array_index (self->series, series);
  if (s->points == NULL)
    {
      s->points = g_array_new (FALSE, TRUE, sizeof (guint8));
      g_array_set_size (s->points, s->x->len);
    }
  g_array_append_val (s->x, x);
  g_array_append_val (s->y, y);
  g_array_append_val (s->points, kind);
}

void
vs_chart_model_set_series_style (VsChartModel *self,
                                 guint         series,
                                 gboolean      faint,
                                 VsChartPoint  marker)
{
  VsChartSeries *s;

  g_return_if_fail (series < self->series->len);

  s = g_ptr_array_index (self->series, series);
  s->faint = faint;
  s->marker = marker;
}

void
vs_chart_model_add_mark (VsChartModel *self,
                         double        x,
                         double        y,
                         guint         color,
                         const char   *label)
{
  VsChartMark mark = { x, y, color, g_strdup (label) };

  g_array_append_val (self->marks, mark);
}

guint
vs_chart_model_get_n_marks (VsChartModel *self)
{
  return self->marks->len;
}

const VsChartMark *
vs_chart_model_get_mark (VsChartModel *self,
                         guint         index)
{
  g_return_val_if_fail (index < self->marks->len, NULL);
  return &g_array_index (self->marks, VsChartMark, index);
}

gboolean
vs_chart_model_get_x_log (VsChartModel *self)
{
  return self->x_log;
}

/* The 1, 2, 5 × 10ⁿ nearest below (up FALSE) or above value. */
static double
round_125 (double   value,
           gboolean up)
{
  static const double mantissas[] = { 1, 2, 5, 10 };
  double decade = pow (10, floor (log10 (value)));

  if (up)
    {
      for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
        if (mantissas[i] * decade >= value * (1 - 1e-9))
          return mantissas[i] * decade;
      return 10 * decade;
    }
  for (int i = G_N_ELEMENTS (mantissas) - 1; i >= 0; i--)
    if (mantissas[i] * decade <= value * (1 + 1e-9))
      return mantissas[i] * decade;
  return decade;
}

GArray *
vs_chart_model_get_log_ticks (VsChartModel *self)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (double));

  if (!self->x_log)
    return ticks;
  for (double v = self->x_min; v <= self->x_max * (1 + 1e-9); v = round_125 (v * 1.01, TRUE))
    g_array_append_val (ticks, v);
  return ticks;
}

guint
vs_chart_model_get_n_series (VsChartModel *self)
{
  return self->series->len;
}

const VsChartSeries *
vs_chart_model_get_series (VsChartModel *self,
                           guint         series)
{
  g_return_val_if_fail (series < self->series->len, NULL);
  return g_ptr_array_index (self->series, series);
}

guint
vs_chart_model_get_n_points (VsChartModel *self)
{
  guint n = 0;

  for (guint i = 0; i < self->series->len; i++)
    n += ((VsChartSeries *) g_ptr_array_index (self->series, i))->x->len;
  return n;
}

void
vs_chart_model_set_shade (VsChartModel *self,
                          double        x0,
                          double        x1)
{
  self->shade_x0 = x0;
  self->shade_x1 = x1;
}

gboolean
vs_chart_model_get_shade (VsChartModel *self,
                          double       *x0,
                          double       *x1)
{
  *x0 = self->shade_x0;
  *x1 = self->shade_x1;
  return self->shade_x1 > self->shade_x0;
}

void
vs_chart_model_set_x_extent (VsChartModel *self,
                             double        x_max)
{
  self->x_extent = x_max;
}

static guint
hash_double (guint  h,
             double value)
{
  guint64 bits;

  /* both halves: round numbers keep their low 32 bits zero */
  memcpy (&bits, &value, sizeof bits);
  return (h * 31 + (guint) (bits >> 32)) * 31 + (guint) bits;
}

void
vs_chart_model_changed (VsChartModel *self)
{
  VsUnit x_unit = kinds[self->kind].x_unit;
  VsUnit y_unit = kinds[self->kind].y_unit;
  double x_hi = self->x_extent, y_hi = 0, x_lo = G_MAXDOUBLE;
  guint h = 17;

  for (guint i = 0; i < self->series->len; i++)
    {
      VsChartSeries *s = g_ptr_array_index (self->series, i);

      for (guint j = 0; j < s->x->len; j++)
        {
          double x = g_array_index (s->x, double, j);

          x_hi = MAX (x_hi, x);
          if (x > 0)
            x_lo = MIN (x_lo, x);
          y_hi = MAX (y_hi, g_array_index (s->y, double, j));
        }
      h = h * 31 + g_str_hash (s->label ? s->label : "");
      h = h * 31 + s->color * 2 + s->dashed;
      h = h * 31 + s->faint * 8 + s->marker;
    }
  for (guint i = 0; i < self->marks->len; i++)
    {
      const VsChartMark *mark = &g_array_index (self->marks, VsChartMark, i);

      y_hi = MAX (y_hi, mark->y);
      h = hash_double (h, mark->x);
      h = hash_double (h, mark->y);
      h = h * 31 + mark->color + g_str_hash (mark->label ? mark->label : "");
    }

  /* the last interval may end a hair after the planned length: keep the planned axis */
  if (self->x_extent > 0 && x_hi <= self->x_extent * 1.02)
    x_hi = self->x_extent;

  self->x_min = 0;
  self->y_min = 0;
  self->x_log = FALSE;
  if (x_unit == VS_UNIT_RATE && x_lo < G_MAXDOUBLE && x_hi / x_lo > 10)
    {
      /* rates that grow by a factor a step (start × factor^k): a decade is as wide as the
       * next, from a 1, 2 or 5 below the lowest to one above the highest */
      self->x_log = TRUE;
      self->x_min = round_125 (x_lo / 1.15, FALSE);
      self->x_max = round_125 (x_hi * 1.15, TRUE);
      self->x_step = 0;
    }
  else if (x_unit == VS_UNIT_RATE)
    {
      self->x_max = vs_units_nice_ceil (x_hi > 0 ? x_hi * 1.08 : 10, X_TICKS, x_unit);
      self->x_step = vs_units_nice_step (self->x_max, X_TICKS, x_unit);
    }
  else if (x_unit == VS_UNIT_NINES)
    {
      /* whole nines, at least to 99 %, at most the nine nines vs_units_nines() goes to */
      self->x_max = CLAMP (ceil (x_hi - 1e-9), 2, 9);
      self->x_step = 1;
    }
  else
    {
      /* an extent known (the planned or the ended run's length) is the axis; without one, a
       * live run of so many requests, at least 10 s so that it does not rescale every tick */
      self->x_max = vs_units_nice_ceil (self->x_extent > 0 ? x_hi : MAX (x_hi, 10), X_TICKS,
                                        x_unit);
      self->x_step = vs_units_nice_step (self->x_max, X_TICKS, x_unit);
    }
  /* headroom above the highest point, so lines never run along the top edge */
  self->y_max = vs_units_nice_ceil (y_hi > 0 ? y_hi * 1.08 : 1, Y_TICKS, y_unit);
  self->y_step = vs_units_nice_step (self->y_max, Y_TICKS, y_unit);

  h = hash_double (h, self->x_min);
  h = hash_double (h, self->x_max);
  h = hash_double (h, self->y_max);
  h = hash_double (h, self->shade_x0);
  h = hash_double (h, self->shade_x1);
  h = h * 31 + self->series->len;
  if (h != self->frame_hash)
    {
      self->frame_hash = h;
      self->frame_serial++;
    }
  self->data_serial++;

  g_signal_emit (self, signals[CHANGED], 0);
}

void
vs_chart_model_get_range (VsChartModel *self,
                          double       *x_min,
                          double       *x_max,
                          double       *y_min,
                          double       *y_max)
{
  *x_min = self->x_min;
  *x_max = self->x_max;
  *y_min = self->y_min;
  *y_max = self->y_max;
}

double
vs_chart_model_get_x_step (VsChartModel *self)
{
  return self->x_step;
}

double
vs_chart_model_get_y_step (VsChartModel *self)
{
  return self->y_step;
}

guint
vs_chart_model_get_frame_serial (VsChartModel *self)
{
  return self->frame_serial;
}

guint
vs_chart_model_get_data_serial (VsChartModel *self)
{
  return self->data_serial;
}

int
vs_chart_series_nearest (const VsChartSeries *series,
                         double               x)
{
  const double *xs = (const double *) (gpointer) series->x->data;
  guint lo = 0, hi = series->x->len;

  if (hi == 0)
    return -1;

  /* first index with xs[i] >= x */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (xs[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == series->x->len)
    return lo - 1;
  if (lo > 0 && x - xs[lo - 1] < xs[lo] - x)
    return lo - 1;
  return lo;
}
