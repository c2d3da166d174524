/* vs-stats.c: counting rules shared by every engine */
#include "vs-stats.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vs-plan.h"

static const struct
{
  const char *name;
  const char *description;
} error_classes[VS_N_ERROR_CLASSES] = {
  [VS_ERROR_CLASS_CONNECT]  = { "connect",  N_("connect errors") },
  [VS_ERROR_CLASS_TLS]      = { "tls",      N_("TLS errors") },
  [VS_ERROR_CLASS_TIMEOUT]  = { "timeout",  N_("timeouts") },
  [VS_ERROR_CLASS_IO]       = { "io",       N_("I/O errors") },
  [VS_ERROR_CLASS_STATUS]   = { "status",   N_("unexpected status codes") },
  [VS_ERROR_CLASS_HTTP_4XX] = { "http_4xx", N_("HTTP 4xx responses") },
  [VS_ERROR_CLASS_HTTP_5XX] = { "http_5xx", N_("HTTP 5xx responses") },
};

static const char * const timing_names[VS_N_TIMINGS] = {
  [VS_TIMING_CONNECT]    = "connect",
  [VS_TIMING_TLS]        = "tls",
  [VS_TIMING_FIRST_BYTE] = "first_byte",
};

static const char * const protocol_names[VS_N_PROTOCOLS] = {
  [VS_PROTOCOL_HTTP_1_0] = "HTTP/1.0",
  [VS_PROTOCOL_HTTP_1_1] = "HTTP/1.1",
  [VS_PROTOCOL_HTTP_2]   = "HTTP/2",
};

const char *
vs_error_class_to_string (VsErrorClass klass)
{
  g_return_val_if_fail (klass < VS_N_ERROR_CLASSES, NULL);

  return error_classes[klass].name;
}

const char *
vs_error_class_describe (VsErrorClass klass)
{
  g_return_val_if_fail (klass < VS_N_ERROR_CLASSES, NULL);

  return _(error_classes[klass].description);
}

const char *
vs_timing_to_string (VsTiming timing)
{
  g_return_val_if_fail (timing < VS_N_TIMINGS, NULL);

  return timing_names[timing];
}

const char *
vs_protocol_to_string (VsProtocol protocol)
{
  g_return_val_if_fail (protocol < VS_N_PROTOCOLS, NULL);

  return protocol_names[protocol];
}

guint64
vs_counters_errors (const VsCounters *self)
{
  guint64 sum = 0;

  for (guint i = 0; i < VS_N_ERROR_CLASSES; i++)
    sum += self->errors[i];

  return sum;
}

void
vs_counters_add (VsCounters       *self,
                 const VsCounters *other)
{
  self->requests += other->requests;
  self->responses += other->responses;
  for (guint i = 0; i < VS_N_ERROR_CLASSES; i++)
    self->errors[i] += other->errors[i];
  for (guint i = 0; i < G_N_ELEMENTS (self->status); i++)
    self->status[i] += other->status[i];
  self->bytes_in += other->bytes_in;
  self->bytes_out += other->bytes_out;
  self->connects += other->connects;
  self->late += other->late;
  self->late_at_cap += other->late_at_cap;
  self->at_cap_us += other->at_cap_us;
  self->unsent += other->unsent;
  self->lag_max_us = MAX (self->lag_max_us, other->lag_max_us);
  for (guint i = 0; i < VS_N_PROTOCOLS; i++)
    self->protocols[i] += other->protocols[i];
}

char *
vs_counters_protocol (const VsCounters *self)
{
  GString *names = NULL;

  for (guint i = 0; i < VS_N_PROTOCOLS; i++)
    {
      if (self->protocols[i] == 0)
        continue;
      if (names == NULL)
        names = g_string_new (protocol_names[i]);
      else
        g_string_append_printf (names, ", %s", protocol_names[i]);
    }

  return names != NULL ? g_string_free (names, FALSE) : NULL;
}

VsStats *
vs_stats_new (void)
{
  return vs_stats_new_for (VS_TIMINGS_ALL);
}

VsStats *
vs_stats_new_for (guint timings)
{
  VsStats *self = g_new0 (VsStats, 1);

  self->latency = vs_histogram_new ();
  self->uncorrected = vs_histogram_new ();
  for (guint i = 0; i < VS_N_TIMINGS; i++)
    if ((timings & (1u << i)) != 0)
      self->timings[i] = vs_histogram_new ();

  return self;
}

VsStats *
vs_stats_copy (const VsStats *self)
{
  VsStats *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VsStats, 1);
  copy->counters = self->counters;
  copy->latency = vs_histogram_copy (self->latency);
  copy->uncorrected = vs_histogram_copy (self->uncorrected);
  for (guint i = 0; i < VS_N_TIMINGS; i++)
    copy->timings[i] = self->timings[i] != NULL ? vs_histogram_copy (self->timings[i]) : NULL;

  return copy;
}

void
vs_stats_free (VsStats *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->latency, vs_histogram_free);
  g_clear_pointer (&self->uncorrected, vs_histogram_free);
  for (guint i = 0; i < VS_N_TIMINGS; i++)
    g_clear_pointer (&self->timings[i], vs_histogram_free);
  g_free (self);
}

void
vs_stats_reset (VsStats *self)
{
  g_return_if_fail (self != NULL);

  memset (&self->counters, 0, sizeof self->counters);
  vs_histogram_reset (self->latency);
  vs_histogram_reset (self->uncorrected);
  for (guint i = 0; i < VS_N_TIMINGS; i++)
    if (self->timings[i] != NULL)
      vs_histogram_reset (self->timings[i]);
}

void
vs_stats_merge (VsStats       *self,
                const VsStats *other)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  vs_counters_add (&self->counters, &other->counters);
  vs_histogram_merge (self->latency, other->latency);
  vs_histogram_merge (self->uncorrected, other->uncorrected);
  for (guint i = 0; i < VS_N_TIMINGS; i++)
    {
      if (other->timings[i] == NULL || vs_histogram_count (other->timings[i]) == 0)
        continue;
      if (self->timings[i] == NULL)
        self->timings[i] = vs_histogram_new ();
      vs_histogram_merge (self->timings[i], other->timings[i]);
    }
}

void
vs_stats_record_send (VsStats *self,
                      gint64   intended_us,
                      gint64   sent_us,
                      guint64  bytes_out)
{
  gint64 lag = sent_us - intended_us;

  self->counters.bytes_out += bytes_out;
  if (lag > VS_LATE_SLACK_US)
    self->counters.late++;
  if (lag > self->counters.lag_max_us)
    self->counters.lag_max_us = lag;
}

/* Without a rule, the plan's default applies: 2xx and 3xx are success. */
static inline gboolean
status_accepted (const VsStatusRule *rule,
                 guint               status)
{
  if (rule == NULL)
    return status >= 200 && status < 400;

  return vs_status_rule_accepts (rule, status);
}

void
vs_stats_record_response (VsStats            *self,
                          const VsStatusRule *rule,
                          guint               status,
                          gint64              intended_us,
                          gint64              sent_us,
                          gint64              done_us,
                          guint64             bytes_in)
{
  guint klass = status / 100;

  self->counters.requests++;
  self->counters.responses++;
  self->counters.bytes_in += bytes_in;
  self->counters.status[klass >= 1 && klass <= 5 ? klass : 0]++;

  vs_histogram_record (self->latency, done_us - intended_us);
  vs_histogram_record (self->uncorrected, done_us - sent_us);

  if (!status_accepted (rule, status))
    {
      if (klass == 4)
        self->counters.errors[VS_ERROR_CLASS_HTTP_4XX]++;
      else if (klass == 5)
        self->counters.errors[VS_ERROR_CLASS_HTTP_5XX]++;
      else
        self->counters.errors[VS_ERROR_CLASS_STATUS]++;
    }
}

void
vs_stats_record_failure (VsStats      *self,
                         VsErrorClass  klass,
                         guint64       bytes_in)
{
  g_return_if_fail (klass < VS_N_ERROR_CLASSES);

  self->counters.requests++;
  self->counters.errors[klass]++;
  self->counters.bytes_in += bytes_in;
}

void
vs_stats_record_unsent (VsStats *self,
                        guint64  n)
{
  self->counters.unsent += n;
}

void
vs_stats_record_timing (VsStats  *self,
                        VsTiming  timing,
                        gint64    value_us)
{
  g_return_if_fail (timing < VS_N_TIMINGS && self->timings[timing] != NULL);

  vs_histogram_record (self->timings[timing], value_us);
}
