/* vs-merge.c: results of one plan, run apart, as one result
 *
 * The merged intervals are replayed into a fresh VsResults as snapshots, so that every row
 * figure and every total is computed by vs_results_add_snapshot(), as in a run; the totals are
 * then checked against the inputs' own (their intervals must add up to them) and replaced by
 * them, which carry the histograms intervals do not keep (uncorrected latency, timings).
 */
#include "config.h"

#include "vs-merge.h"
#include "vs-merge-private.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "vs-error.h"
#include "vs-export.h"
#include "vs-hdr.h"
#include "vs-result-data.h"
#include "vs-results-private.h"

typedef struct
{
  const char *path;
  JsonParser *parser;
  JsonObject *root;
  JsonArray  *targets;
  gint64      segment_index;  /* -1: a whole run */
  gint64      segment_count;
} Input;

/* One input's data of one target: its object in the file, the file, and where the object is in
 * it ("targets[1]", "steps[4]"), for errors. */
typedef struct
{
  const char *path;
  JsonObject *object;
  const char *field;
} Part;

static void
input_clear (Input *input)
{
  g_clear_object (&input->parser);
}

/* One merged row: one tick and phase of one target, over every input. */
typedef struct
{
  gint64      slot;
  VsPhase     phase;
  double      start_s;
  double      end_s;
  gboolean    draining;
  double      generator_busy;
  VsCounters  counters;
  VsHistogram *latency;
  guint       server_rows;     /* input rows with a server sample (issue 11) */
  double      server_cpu_percent;
  guint64     server_memory_bytes;
  double      server_sample_s; /* what the CPU figure covers; 0: the row's length */
  guint       input;           /* the last input that added a row to it, from 1 */
} Row;

static void
row_clear (gpointer data)
{
  g_clear_pointer (&((Row *) data)->latency, vs_histogram_free);
}

/* A refusal names the file: "FILE: reason" (vs-error.h's field form). */
#define refuse vs_error_set_field

/* The path of the first member in which a and b differ ("load.rate"), or NULL when equal. */
static char *
first_difference (JsonNode   *a,
                  JsonNode   *b,
                  const char *path)
{
  if (json_node_equal (a, b))
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (a) && JSON_NODE_HOLDS_OBJECT (b))
    {
      JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
      g_autoptr(GList) names = json_object_get_members (oa);
      g_autoptr(GList) others = json_object_get_members (ob);

      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *sub = *path ? g_strdup_printf ("%s.%s", path, (char *) l->data)
                                       : g_strdup (l->data);
          JsonNode *mb = json_object_get_member (ob, l->data);

          if (mb == NULL)
            return g_steal_pointer (&sub);
          {
            char *found = first_difference (json_object_get_member (oa, l->data), mb, sub);

            if (found != NULL)
              return found;
          }
        }
      for (GList *l = others; l != NULL; l = l->next)
        if (!json_object_has_member (oa, l->data))
          return *path ? g_strdup_printf ("%s.%s", path, (char *) l->data) : g_strdup (l->data);
    }
  if (JSON_NODE_HOLDS_ARRAY (a) && JSON_NODE_HOLDS_ARRAY (b))
    {
      JsonArray *aa = json_node_get_array (a), *ab = json_node_get_array (b);

      for (guint i = 0; i < MIN (json_array_get_length (aa), json_array_get_length (ab)); i++)
        {
          g_autofree char *sub = g_strdup_printf ("%s[%u]", path, i);
          char *found = first_difference (json_array_get_element (aa, i),
                                          json_array_get_element (ab, i), sub);

          if (found != NULL)
            return found;
        }
    }

  return g_strdup (*path ? path : _("the plan"));
}

/* parser: the file parsed already (a reference is taken), or NULL to read it here. */
static gboolean
load_input (Input       *input,
            const char  *path,
            JsonParser  *parser,
            GError     **error)
{
  JsonNode *segment;
  JsonNode *targets;

  input->path = path;
  input->segment_index = -1;
  input->parser = parser != NULL ? g_object_ref (parser) : vs_result_data_load_file (path, error);
  if (input->parser == NULL)
    return FALSE;

  input->root = json_node_get_object (json_parser_get_root (input->parser));
  if (json_object_has_member (input->root, "capacity_schema_version"))
    return refuse (error, path, _("the result of a capacity search, not of one run: its "
                                  "steps are runs of their own, and searches do not merge"));
  if (json_object_get_int_member_with_default (input->root, "schema_version", 0) !=
      VS_RESULT_SCHEMA_VERSION ||
      !json_object_has_member (input->root, "plan"))
    return refuse (error, path, _("not a Versus JSON result of schema version %d"),
                   VS_RESULT_SCHEMA_VERSION);

  targets = json_object_get_member (input->root, "targets");
  if (targets == NULL || !JSON_NODE_HOLDS_ARRAY (targets))
    return refuse (error, path, _("no targets"));
  input->targets = json_node_get_array (targets);
  for (guint i = 0; i < json_array_get_length (input->targets); i++)
    {
      JsonNode *target = json_array_get_element (input->targets, i);

      if (!JSON_NODE_HOLDS_OBJECT (target) ||
          !json_object_has_member (json_node_get_object (target), "stats"))
        return refuse (error, path, _("targets[%u] has no whole histograms (the result was "
                                      "written by an older Versus): it cannot be merged "
                                      "exactly"), i);
    }

  segment = json_object_get_member (input->root, "segment");
  if (segment != NULL && JSON_NODE_HOLDS_OBJECT (segment))
    {
      JsonObject *object = json_node_get_object (segment);

      input->segment_index = json_object_get_int_member_with_default (object, "index", -1);
      input->segment_count = json_object_get_int_member_with_default (object, "count", 0);
      if (input->segment_index < 0 || input->segment_index >= input->segment_count)
        return refuse (error, path, _("segment: not a segment I of N"));
    }

  return TRUE;
}

/* Same plan, same engine, and segments of one split each given once (or whole runs only). */
static gboolean
check_inputs (Input   *inputs,
              guint    n,
              GError **error)
{
  JsonNode *plan = json_object_get_member (inputs[0].root, "plan");
  const char *engine = json_object_get_string_member_with_default (inputs[0].root, "engine", "");

  for (guint k = 1; k < n; k++)
    {
      g_autofree char *field = first_difference (plan, json_object_get_member (inputs[k].root,
                                                                               "plan"), "");
      const char *other = json_object_get_string_member_with_default (inputs[k].root, "engine",
                                                                      "");

      if (field != NULL)
        return refuse (error, inputs[k].path,
                       _("a result of another plan than %s (%s differs); only results of one "
                         "plan merge"), inputs[0].path, field);
      if (g_strcmp0 (engine, other) != 0)
        return refuse (error, inputs[k].path,
                       _("measured with the %s engine, %s with the %s engine; results of "
                         "different engines do not merge"), other, inputs[0].path, engine);
      if ((inputs[k].segment_index < 0) != (inputs[0].segment_index < 0))
        return refuse (error, inputs[k].path,
                       _("segments and whole runs do not merge (%s is %s)"), inputs[0].path,
                       inputs[0].segment_index < 0 ? _("a whole run") : _("a segment"));
      if (inputs[k].segment_index >= 0 && inputs[k].segment_count != inputs[0].segment_count)
        return refuse (error, inputs[k].path,
                       _("segment of a split in %" PRId64 ", %s of one in %"
                         PRId64), inputs[k].segment_count, inputs[0].path,
                       inputs[0].segment_count);
      for (guint j = 0; j < k; j++)
        if (inputs[k].segment_index >= 0 && inputs[k].segment_index == inputs[j].segment_index)
          return refuse (error, inputs[k].path,
                         _("segment %" PRId64 "/%" PRId64 " again (%s is it "
                           "too)"), inputs[k].segment_index, inputs[k].segment_count,
                         inputs[j].path);
    }

  return TRUE;
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  return json_object_get_int_member_with_default (object, name, 0);
}

static double
member_double (JsonObject *object,
               const char *name)
{
  return json_object_get_double_member_with_default (object, name, 0.0);
}

/* The merged row of slot and phase that input (from 1) has not added to yet: the rows of one
 * input stay apart, even two that start within half a tick of each other (a short last row of
 * the measured phase, then the drain's), so that one file read back keeps every row. */
static Row *
find_row (GArray  *rows,
          gint64   slot,
          VsPhase  phase,
          guint    input)
{
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);

      if (row->slot == slot && row->phase == phase && row->input != input)
        return row;
    }
  return NULL;
}

/* Adds part's intervals (of input, from 1), shifted by offset_s, to rows. */
static gboolean
add_intervals (GArray      *rows,
               const Part  *part,
               guint        input,
               double       offset_s,
               double       tick_s,
               GError     **error)
{
  JsonArray *intervals = json_object_get_array_member (part->object, "intervals");

  for (guint j = 0; intervals != NULL && j < json_array_get_length (intervals); j++)
    {
      JsonObject *interval = json_array_get_object_element (intervals, j);
      g_autofree char *field = g_strdup_printf ("%s.intervals[%u]", part->field, j);
      g_autofree char *counters_field = g_strconcat (field, ".counters", NULL);
      g_autoptr(VsHistogram) latency = NULL;
      g_autoptr(GError) local_error = NULL;
      VsPhase phase;
      VsCounters counters;
      double start_s, end_s;
      gint64 slot;
      Row *row;

      if (interval == NULL || !json_object_has_member (interval, "latency_hdr"))
        return refuse (error, part->path, _("%s: no latency histogram"), field);
      if (!vs_result_data_read_counters (json_object_get_member (interval, "counters"),
                                         counters_field, &counters, &local_error))
        return refuse (error, part->path, "%s", local_error->message);
      latency = vs_hdr_decode_base64 (json_object_get_string_member (interval, "latency_hdr"),
                                      &local_error);
      if (latency == NULL)
        return refuse (error, part->path, "%s.latency_hdr: %s", field, local_error->message);
      if (vs_histogram_count (latency) > 0)
        {
          VsHdrMoments moments;

          /* the exact figures the row kept; the sum of squares stays the slots' (no row
           * figure reads it) */
          vs_hdr_get_moments (latency, &moments);
          moments.min_us = member_int (interval, "latency_min_us");
          moments.max_us = member_int (interval, "latency_max_us");
          moments.sum_us = member_double (interval, "latency_mean_us") *
                           vs_histogram_count (latency);
          if (!vs_hdr_set_moments (latency, &moments))
            return refuse (error, part->path, _("%s: min and max do not fit its histogram"),
                           field);
        }

      phase = g_strcmp0 (json_object_get_string_member_with_default (interval, "phase", ""),
                         "warmup") == 0 ? VS_PHASE_WARMUP : VS_PHASE_MEASURE;
      start_s = member_double (interval, "start_s") + offset_s;
      end_s = member_double (interval, "end_s") + offset_s;
      slot = (gint64) floor (start_s / tick_s + 0.5);

      row = find_row (rows, slot, phase, input);
      if (row == NULL)
        {
          Row fresh = { slot, phase, start_s, end_s, FALSE, 0.0, { 0 }, vs_histogram_new (),
                        0, 0.0, 0, input };

          g_array_append_val (rows, fresh);
          row = &g_array_index (rows, Row, rows->len - 1);
        }
      row->input = input;
      row->start_s = MIN (row->start_s, start_s);
      row->end_s = MAX (row->end_s, end_s);
      row->draining |= json_object_get_boolean_member_with_default (interval, "draining", FALSE);
      row->generator_busy = MAX (row->generator_busy, member_double (interval, "generator_busy"));
      vs_counters_add (&row->counters, &counters);
      vs_histogram_merge (row->latency, latency);
      /* the server's sample of the tick, as the time series wrote it */
      if (json_object_has_member (interval, "server_cpu_pct") &&
          !json_object_get_null_member (interval, "server_cpu_pct"))
        {
          row->server_rows++;
          row->server_cpu_percent = member_double (interval, "server_cpu_pct");
          row->server_memory_bytes = (guint64) MAX (0, member_int (interval,
                                                                   "server_memory_bytes"));
          /* results written before the column have only the row's length */
          if (json_object_has_member (interval, "server_sample_s") &&
              !json_object_get_null_member (interval, "server_sample_s"))
            row->server_sample_s = member_double (interval, "server_sample_s");
        }
    }

  return TRUE;
}

static gint
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *ra = a, *rb = b;

  if (ra->start_s != rb->start_s)
    return ra->start_s < rb->start_s ? -1 : 1;
  return (int) ra->phase - (int) rb->phase;
}

static gboolean
merge_target (VsResults   *results,
              guint        t,
              const Part  *parts,
              guint        n,
              GError     **error)
{
  VsTargetResult *target = _vs_results_get_target_mutable (results, t);
  double tick_s = vs_results_get_plan (results)->tick_us / (double) G_USEC_PER_SEC;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autoptr(VsStats) total = vs_stats_new ();
  gint64 t0 = G_MAXINT64;
  double measured_s = 0;

  g_array_set_clear_func (rows, row_clear);
  if (!(tick_s > 0))
    tick_s = 1.0;

  for (guint k = 0; k < n; k++)
    {
      gint64 started = member_int (parts[k].object, "load_started_us");

      if (started > 0)
        t0 = MIN (t0, started);
    }
  if (t0 == G_MAXINT64)
    t0 = 0;

  for (guint k = 0; k < n; k++)
    {
      JsonObject *object = parts[k].object;
      gint64 started = member_int (object, "load_started_us");
      g_autofree char *field = g_strdup_printf ("%s.stats", parts[k].field);
      g_autoptr(VsStats) stats = NULL;
      g_autoptr(GError) local_error = NULL;
      /* whole ticks, so that the rows keep their bounds */
      double offset_s = started > 0 ? floor ((started - t0) / 1e6 / tick_s + 0.5) * tick_s : 0;

      measured_s = MAX (measured_s, member_double (object, "measured_s"));
      stats = vs_result_data_read_stats (json_object_get_member (object, "stats"), field,
                                         &local_error);
      if (stats == NULL)
        return refuse (error, parts[k].path, "%s", local_error->message);
      vs_stats_merge (total, stats);

      if (!add_intervals (rows, &parts[k], k + 1, offset_s, tick_s, error))
        return FALSE;

      if (target->first_error == NULL &&
          json_object_get_string_member_with_default (object, "first_error", NULL) != NULL)
        target->first_error = g_strdup (json_object_get_string_member (object, "first_error"));
    }

  g_array_sort (rows, compare_rows);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      VsStats *stats = vs_stats_new ();
      g_autoptr(VsSnapshot) snapshot = NULL;

      stats->counters = row->counters;
      vs_histogram_merge (stats->latency, row->latency);
      snapshot = vs_snapshot_new (t, row->phase, row->start_s, row->end_s, stats);
      snapshot->draining = row->draining;
      snapshot->generator_busy = row->generator_busy;
      /* one input's server figures come back as they were; segments that each sampled a
       * server (the same one, or one each) do not add up to one server's, so a merge of
       * several leaves them out */
      if (n == 1 && row->server_rows == 1)
        {
          snapshot->server_sampled = TRUE;
          snapshot->server.interval_s = row->server_sample_s > 0 ? row->server_sample_s
                                                                 : row->end_s - row->start_s;
          snapshot->server.cpu_percent = row->server_cpu_percent;
          snapshot->server.memory_bytes = row->server_memory_bytes;
          snapshot->server.memory_is_pss = TRUE;
          snapshot->server.root_alive = TRUE;
        }
      snapshot->last = i + 1 == rows->len;
      vs_results_add_snapshot (results, snapshot);
    }

  /* the measured rows partition the totals, in each input and so in the merge */
  if (target->total->counters.requests != total->counters.requests ||
      vs_histogram_count (target->total->latency) != vs_histogram_count (total->latency))
    return refuse (error, parts[0].path,
                   _("%s: the intervals of the inputs add up to %" PRIu64
                     " requests, their totals to %" PRIu64 "; a damaged result?"),
                   parts[0].field,
                   target->total->counters.requests, total->counters.requests);

  vs_stats_free (target->total);
  target->total = g_steal_pointer (&total);
  target->started_wall_us = t0;
  /* the inputs' measured phases ran at the same time: the merged one is the longest of them,
   * not the span of the merged rows, which the ticks' jitter in each process would lengthen */
  target->measured_s = measured_s;
  return TRUE;
}

gboolean
_vs_merge_read_target (VsResults   *results,
                       guint        index,
                       JsonObject  *object,
                       const char  *path,
                       const char  *field,
                       GError     **error)
{
  Part part = { path, object, field };

  g_return_val_if_fail (VS_IS_RESULTS (results), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  if (!json_object_has_member (object, "stats"))
    return refuse (error, path, _("%s has no whole histograms (the result was written by an "
                                  "older Versus)"), field);
  return merge_target (results, index, &part, 1, error);
}

/* parsers: the files parsed already (NULL: read them). */
static VsResults *
merge_files (const char * const *paths,
             JsonParser         *parsers[],
             guint               n_paths,
             GError            **error)
{
  g_autofree Input *inputs = NULL;
  g_autoptr(VsResults) results = NULL;
  g_autoptr(VsPlan) plan = NULL;
  g_autoptr(GDateTime) started = NULL;
  g_autofree char *plan_json = NULL;
  guint n_workers = 0, n_cpus = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (paths != NULL, NULL);

  if (n_paths == 0)
    {
      g_set_error_literal (error, VS_ERROR, VS_ERROR_INVALID, _("no result to merge"));
      return NULL;
    }

  inputs = g_new0 (Input, n_paths);
  for (guint k = 0; k < n_paths && ok; k++)
    ok = load_input (&inputs[k], paths[k], parsers != NULL ? parsers[k] : NULL, error);
  ok = ok && check_inputs (inputs, n_paths, error);

  if (ok)
    {
      plan_json = json_to_string (json_object_get_member (inputs[0].root, "plan"), FALSE);
      plan = vs_plan_load_from_data (plan_json, -1, NULL, error);
      ok = plan != NULL;
      if (ok && vs_plan_get_n_targets (plan) != json_array_get_length (inputs[0].targets))
        ok = refuse (error, inputs[0].path, _("the plan has %u targets, the result %u"),
                     vs_plan_get_n_targets (plan), json_array_get_length (inputs[0].targets));
    }

  if (ok)
    {
      results = vs_results_new (plan, json_object_get_string_member_with_default (inputs[0].root,
                                                                                  "engine",
                                                                                  ""));
      for (guint k = 0; k < n_paths; k++)
        {
          const char *text = json_object_get_string_member_with_default (inputs[k].root,
                                                                         "started", "");
          g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);
          JsonObject *first = json_array_get_object_element (inputs[k].targets, 0);
          JsonObject *summary = first != NULL ? json_object_get_object_member (first, "summary")
                                              : NULL;

          if (time != NULL && (started == NULL || g_date_time_compare (time, started) < 0))
            {
              g_clear_pointer (&started, g_date_time_unref);
              started = g_date_time_ref (time);
            }
          if (summary != NULL)
            {
              n_workers += (guint) member_int (summary, "workers");
              n_cpus += (guint) member_int (summary, "cpus");
            }
        }
      if (started != NULL)
        _vs_results_set_started (results, started);
      vs_results_set_generator (results, n_workers, n_cpus);

      for (guint t = 0; t < vs_plan_get_n_targets (plan) && ok; t++)
        {
          g_autofree Part *parts = g_new0 (Part, n_paths);
          g_autofree char *field = g_strdup_printf ("targets[%u]", t);

          for (guint k = 0; k < n_paths; k++)
            parts[k] = (Part) { inputs[k].path,
                                json_array_get_object_element (inputs[k].targets, t), field };
          ok = merge_target (results, t, parts, n_paths, error);
        }
    }

  for (guint k = 0; k < n_paths; k++)
    input_clear (&inputs[k]);
  return ok ? g_steal_pointer (&results) : NULL;
}

VsResults *
vs_merge_files (const char * const *paths,
                guint               n_paths,
                GError            **error)
{
  return merge_files (paths, NULL, n_paths, error);
}

VsResults *
vs_merge_read_file (const char  *path,
                    GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return vs_merge_files (&path, 1, error);
}

VsResults *
_vs_merge_read_parsed (const char  *path,
                       JsonParser  *parser,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (JSON_IS_PARSER (parser), NULL);

  return merge_files (&path, &parser, 1, error);
}
