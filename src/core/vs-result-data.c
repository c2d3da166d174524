/* vs-result-data.c: the JSON result's full data — counters and whole histograms */
#include "config.h"

#include "vs-result-data.h"

#include <glib/gi18n.h>

#include "vs-error.h"
#include "vs-file.h"
#include "vs-hdr.h"
#include "vs-json-scan.h"
#include "vs-merge.h"

static void
add_uint (JsonBuilder *builder,
          const char  *name,
          guint64      value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, (gint64) MIN (value, (guint64) G_MAXINT64));
}

void
vs_result_data_add_counters (JsonBuilder      *builder,
                             const VsCounters *counters)
{
  json_builder_begin_object (builder);
  add_uint (builder, "requests", counters->requests);
  add_uint (builder, "responses", counters->responses);
  json_builder_set_member_name (builder, "errors");
  json_builder_begin_object (builder);
  for (guint i = 0; i < VS_N_ERROR_CLASSES; i++)
    add_uint (builder, vs_error_class_to_string (i), counters->errors[i]);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (counters->status); i++)
    json_builder_add_int_value (builder, (gint64) MIN (counters->status[i], (guint64) G_MAXINT64));
  json_builder_end_array (builder);
  add_uint (builder, "bytes_in", counters->bytes_in);
  add_uint (builder, "bytes_out", counters->bytes_out);
  add_uint (builder, "connects", counters->connects);
  add_uint (builder, "late", counters->late);
  add_uint (builder, "late_at_cap", counters->late_at_cap);
  json_builder_set_member_name (builder, "at_cap_us");
  json_builder_add_int_value (builder, counters->at_cap_us);
  json_builder_set_member_name (builder, "lag_max_us");
  json_builder_add_int_value (builder, counters->lag_max_us);
  add_uint (builder, "unsent", counters->unsent);
  json_builder_set_member_name (builder, "protocols");
  json_builder_begin_object (builder);
  for (guint i = 0; i < VS_N_PROTOCOLS; i++)
    add_uint (builder, vs_protocol_to_string (i), counters->protocols[i]);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

void
vs_result_data_add_histogram (JsonBuilder       *builder,
                              const VsHistogram *histogram)
{
  g_autofree char *hdr = vs_hdr_encode_base64 (histogram);
  VsHdrMoments moments;

  vs_hdr_get_moments (histogram, &moments);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hdr");
  json_builder_add_string_value (builder, hdr);
  json_builder_set_member_name (builder, "min_us");
  json_builder_add_int_value (builder, moments.min_us);
  json_builder_set_member_name (builder, "max_us");
  json_builder_add_int_value (builder, moments.max_us);
  json_builder_set_member_name (builder, "sum_us");
  json_builder_add_double_value (builder, moments.sum_us);
  json_builder_set_member_name (builder, "sum_sq_us2");
  json_builder_add_double_value (builder, moments.sum_sq_us2);
  json_builder_end_object (builder);
}

void
vs_result_data_add_stats (JsonBuilder   *builder,
                          const VsStats *stats)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "counters");
  vs_result_data_add_counters (builder, &stats->counters);
  json_builder_set_member_name (builder, "latency");
  vs_result_data_add_histogram (builder, stats->latency);
  json_builder_set_member_name (builder, "uncorrected");
  vs_result_data_add_histogram (builder, stats->uncorrected);
  json_builder_set_member_name (builder, "timings");
  json_builder_begin_object (builder);
  for (guint i = 0; i < VS_N_TIMINGS; i++)
    {
      json_builder_set_member_name (builder, vs_timing_to_string (i));
      if (stats->timings[i] != NULL)
        vs_result_data_add_histogram (builder, stats->timings[i]);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static JsonObject *
get_object (JsonNode    *node,
            const char  *path,
            GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      vs_error_set_field (error, path, _("missing, or not an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
get_int (JsonObject  *object,
         const char  *path,
         const char  *name,
         gboolean     allow_negative,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      (!allow_negative && json_node_get_int (node) < 0))
    {
      g_autofree char *field = g_strdup_printf ("%s.%s", path, name);

      return vs_error_set_field (error, field, _("missing, or not a whole number"));
    }
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
get_uint (JsonObject  *object,
          const char  *path,
          const char  *name,
          guint64     *out,
          GError     **error)
{
  gint64 value;

  if (!get_int (object, path, name, FALSE, &value, error))
    return FALSE;
  *out = (guint64) value;
  return TRUE;
}

static gboolean
get_double (JsonObject  *object,
            const char  *path,
            const char  *name,
            double      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64))
    {
      g_autofree char *field = g_strdup_printf ("%s.%s", path, name);

      return vs_error_set_field (error, field, _("missing, or not a number"));
    }
  *out = json_node_get_double (node);
  return TRUE;
}

gboolean
vs_result_data_read_counters (JsonNode    *node,
                              const char  *path,
                              VsCounters  *counters,
                              GError     **error)
{
  JsonObject *object = get_object (node, path, error);
  g_autofree char *errors_path = g_strdup_printf ("%s.errors", path);
  g_autofree char *protocols_path = g_strdup_printf ("%s.protocols", path);
  g_autofree char *status_path = g_strdup_printf ("%s.status", path);
  JsonObject *errors, *protocols;
  JsonNode *status;
  VsCounters c = { 0 };

  if (object == NULL)
    return FALSE;
  if (!get_uint (object, path, "requests", &c.requests, error) ||
      !get_uint (object, path, "responses", &c.responses, error) ||
      !get_uint (object, path, "bytes_in", &c.bytes_in, error) ||
      !get_uint (object, path, "bytes_out", &c.bytes_out, error) ||
      !get_uint (object, path, "connects", &c.connects, error) ||
      !get_uint (object, path, "late", &c.late, error) ||
      !get_uint (object, path, "late_at_cap", &c.late_at_cap, error) ||
      !get_int (object, path, "at_cap_us", FALSE, &c.at_cap_us, error) ||
      !get_int (object, path, "lag_max_us", TRUE, &c.lag_max_us, error) ||
      !get_uint (object, path, "unsent", &c.unsent, error))
    return FALSE;

  errors = get_object (json_object_get_member (object, "errors"), errors_path, error);
  if (errors == NULL)
    return FALSE;
  for (guint i = 0; i < VS_N_ERROR_CLASSES; i++)
    if (!get_uint (errors, errors_path, vs_error_class_to_string (i), &c.errors[i], error))
      return FALSE;

  protocols = get_object (json_object_get_member (object, "protocols"), protocols_path, error);
  if (protocols == NULL)
    return FALSE;
  for (guint i = 0; i < VS_N_PROTOCOLS; i++)
    if (!get_uint (protocols, protocols_path, vs_protocol_to_string (i), &c.protocols[i], error))
      return FALSE;

  status = json_object_get_member (object, "status");
  if (status == NULL || !JSON_NODE_HOLDS_ARRAY (status) ||
      json_array_get_length (json_node_get_array (status)) != G_N_ELEMENTS (c.status))
    return vs_error_set_field (error, status_path, _("missing, or not a list of %u counts"),
                               (guint) G_N_ELEMENTS (c.status));
  for (guint i = 0; i < G_N_ELEMENTS (c.status); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (status), i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64 ||
          json_node_get_int (element) < 0)
        return vs_error_set_field (error, status_path, _("missing, or not a list of %u counts"),
                                   (guint) G_N_ELEMENTS (c.status));
      c.status[i] = (guint64) json_node_get_int (element);
    }

  *counters = c;
  return TRUE;
}

VsHistogram *
vs_result_data_read_histogram (JsonNode    *node,
                               const char  *path,
                               GError     **error)
{
  JsonObject *object = get_object (node, path, error);
  g_autoptr(VsHistogram) histogram = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *hdr_path = g_strdup_printf ("%s.hdr", path);
  VsHdrMoments moments;
  const char *hdr;

  if (object == NULL)
    return NULL;
  hdr = json_object_get_string_member_with_default (object, "hdr", NULL);
  if (hdr != NULL)
    histogram = vs_hdr_decode_base64 (hdr, &local_error);
  if (histogram == NULL)
    {
      vs_error_set_field (error, hdr_path, "%s",
                          local_error != NULL ? local_error->message : _("missing, or not text"));
      return NULL;
    }
  if (!get_int (object, path, "min_us", FALSE, &moments.min_us, error) ||
      !get_int (object, path, "max_us", FALSE, &moments.max_us, error) ||
      !get_double (object, path, "sum_us", &moments.sum_us, error) ||
      !get_double (object, path, "sum_sq_us2", &moments.sum_sq_us2, error))
    return NULL;
  if (!vs_hdr_set_moments (histogram, &moments))
    {
      vs_error_set_field (error, path, _("min, max and sums do not fit the histogram's counts"));
      return NULL;
    }

  return g_steal_pointer (&histogram);
}

/* The histogram @name of @object into *slot (the old one freed); @nullable: null or absent
 * leaves *slot NULL. */
static gboolean
read_histogram_member (JsonObject   *object,
                       const char   *path,
                       const char   *name,
                       gboolean      nullable,
                       VsHistogram **slot,
                       GError      **error)
{
  JsonNode *member = json_object_get_member (object, name);
  g_autofree char *field = g_strdup_printf ("%s.%s", path, name);
  VsHistogram *read = NULL;

  if (!nullable || (member != NULL && !JSON_NODE_HOLDS_NULL (member)))
    {
      read = vs_result_data_read_histogram (member, field, error);
      if (read == NULL)
        return FALSE;
    }
  g_clear_pointer (slot, vs_histogram_free);
  *slot = read;
  return TRUE;
}

VsStats *
vs_result_data_read_stats (JsonNode    *node,
                           const char  *path,
                           GError     **error)
{
  JsonObject *object = get_object (node, path, error);
  g_autoptr(VsStats) stats = NULL;
  g_autofree char *counters_path = g_strdup_printf ("%s.counters", path);
  g_autofree char *timings_path = g_strdup_printf ("%s.timings", path);
  JsonObject *timings;

  if (object == NULL)
    return NULL;

  stats = vs_stats_new ();
  if (!vs_result_data_read_counters (json_object_get_member (object, "counters"), counters_path,
                                     &stats->counters, error) ||
      !read_histogram_member (object, path, "latency", FALSE, &stats->latency, error) ||
      !read_histogram_member (object, path, "uncorrected", FALSE, &stats->uncorrected, error))
    return NULL;

  timings = get_object (json_object_get_member (object, "timings"), timings_path, error);
  if (timings == NULL)
    return NULL;
  for (guint i = 0; i < VS_N_TIMINGS; i++)
    if (!read_histogram_member (timings, timings_path, vs_timing_to_string (i), TRUE,
                                &stats->timings[i], error))
      return NULL;

  return g_steal_pointer (&stats);
}

JsonParser *
vs_result_data_load_file (const char  *path,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  JsonNode *root;
  gsize length = 0;

  text = vs_file_read (path, VS_RESULT_MAX_BYTES, _("a result"), &length, error);
  if (text == NULL)
    return NULL;
  if (vs_json_scan (text, length, VS_RESULT_MAX_DEPTH, NULL, NULL) == VS_JSON_SCAN_TOO_DEEP)
    {
      vs_error_set_field (error, path, _("not a Versus JSON result: nested more than %d levels "
                                         "deep"), VS_RESULT_MAX_DEPTH);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, length, &local_error))
    {
      /* a file that cannot be read is a failure; one that is not JSON, bad input */
      g_set_error (error, VS_ERROR,
                   local_error->domain == JSON_PARSER_ERROR ? VS_ERROR_INVALID : VS_ERROR_IO,
                   _("%s: not a JSON result: %s"), path, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      vs_error_set_field (error, path, _("not a Versus JSON result"));
      return NULL;
    }
  return g_steal_pointer (&parser);
}
