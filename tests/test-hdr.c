/* test-hdr.c: HdrHistogram interchange — the V2 encoding, tags, and .hlog/.hgrm files read by
 * hdr-histogram-js (tests/hdr-js), an implementation no one here wrote
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "vs-error.h"
#include "vs-hdr.h"
#include "vs-schedule.h"
#include "vs-segment.h"
#include "vs-test-server.h"
#include "vs-test-files.h"

typedef struct
{
  GArray *values;
  GArray *counts;
} Slots;

static void
collect_slot (gint64   value_us,
              guint64  count,
              gpointer user_data)
{
  Slots *slots = user_data;

  g_array_append_val (slots->values, value_us);
  g_array_append_val (slots->counts, count);
}

/* Every slot of a and b, the empty ones included, holds the same count. (Percentiles may still
 * differ within a slot: they are clamped to the exact min and max, which a decoded histogram
 * knows only to its slot.) */
static void
assert_same_slots (const VsHistogram *a,
                   const VsHistogram *b)
{
  Slots sa = { g_array_new (FALSE, FALSE, sizeof (gint64)),
               g_array_new (FALSE, FALSE, sizeof (guint64)) };
  Slots sb = { g_array_new (FALSE, FALSE, sizeof (gint64)),
               g_array_new (FALSE, FALSE, sizeof (guint64)) };

  g_assert_cmpuint (vs_histogram_count (a), ==, vs_histogram_count (b));
  vs_hdr_foreach_slot (a, collect_slot, &sa);
  vs_hdr_foreach_slot (b, collect_slot, &sb);
  g_assert_cmpuint (sa.counts->len, ==, sb.counts->len);
  for (guint i = 0; i < sa.counts->len; i++)
    {
      g_assert_cmpint (g_array_index (sa.values, gint64, i), ==,
                       g_array_index (sb.values, gint64, i));
      g_assert_cmpuint (g_array_index (sa.counts, guint64, i), ==,
                        g_array_index (sb.counts, guint64, i));
    }
  g_array_unref (sa.values);
  g_array_unref (sa.counts);
  g_array_unref (sb.values);
  g_array_unref (sb.counts);
}

static VsHistogram *
round_trip (const VsHistogram *histogram)
{
  g_autofree char *base64 = vs_hdr_encode_base64 (histogram);
  g_autoptr(GBytes) bytes = vs_hdr_encode (histogram);
  g_autoptr(GError) error = NULL;
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  VsHistogram *decoded;

  /* the compressed cookie, then the length of the zlib stream (which starts 0x78) */
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 10);
  g_assert_cmphex (data[0], ==, 0x1c);
  g_assert_cmphex (data[1], ==, 0x84);
  g_assert_cmphex (data[2], ==, 0x93);
  g_assert_cmphex (data[3], ==, 0x14);
  g_assert_cmpuint ((guint) data[4] << 24 | data[5] << 16 | data[6] << 8 | data[7], ==,
                    g_bytes_get_size (bytes) - 8);
  g_assert_cmphex (data[8], ==, 0x78);
  /* every HdrHistogram V2 compressed histogram in base64 starts so */
  g_assert_true (g_str_has_prefix (base64, "HISTF"));

  decoded = vs_hdr_decode_base64 (base64, &error);
  g_assert_no_error (error);
  return decoded;
}

static void
test_round_trip_empty (void)
{
  g_autoptr(VsHistogram) empty = vs_histogram_new ();
  g_autoptr(VsHistogram) decoded = round_trip (empty);

  g_assert_cmpuint (vs_histogram_count (decoded), ==, 0);
  g_assert_cmpint (vs_histogram_max (decoded), ==, 0);
}

static void
test_round_trip_single (void)
{
  const gint64 values[] = { 0, 1, 2047, 2048, 12345, 999999, VS_HISTOGRAM_HIGHEST_US };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(VsHistogram) one = vs_histogram_new ();
      g_autoptr(VsHistogram) decoded = NULL;

      vs_histogram_record (one, values[i]);
      decoded = round_trip (one);
      assert_same_slots (one, decoded);
    }
}

static void
test_round_trip_heavy_tail (void)
{
  g_autoptr(VsHistogram) tail = vs_histogram_new ();
  g_autoptr(VsHistogram) decoded = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  VsHdrMoments moments, restored;

  /* Pareto, shape 1.1, from 100 µs: most samples near the start, a tail to beyond the hour
   * (clamped to the top slot), with a few huge counts that take LEB128's nine bytes */
  for (guint i = 0; i < 200000; i++)
    vs_histogram_record (tail, (gint64) (100.0 / pow (1.0 - g_rand_double (rand), 1 / 1.1)));
  vs_histogram_record_n (tail, 5000, G_GUINT64_CONSTANT (1) << 60);
  vs_histogram_record_n (tail, 70000, (G_GUINT64_CONSTANT (1) << 62) + 12345);
  vs_histogram_record (tail, 2 * VS_HISTOGRAM_HIGHEST_US);

  decoded = round_trip (tail);
  assert_same_slots (tail, decoded);

  /* what the counts do not carry comes back with the moments */
  vs_hdr_get_moments (tail, &moments);
  g_assert_true (vs_hdr_set_moments (decoded, &moments));
  vs_hdr_get_moments (decoded, &restored);
  g_assert_cmpint (restored.min_us, ==, vs_histogram_min (tail));
  g_assert_cmpint (restored.max_us, ==, 2 * VS_HISTOGRAM_HIGHEST_US);
  g_assert_cmpfloat (vs_histogram_mean (decoded), ==, vs_histogram_mean (tail));
  g_assert_cmpfloat_with_epsilon (vs_histogram_stddev (decoded), vs_histogram_stddev (tail),
                                  vs_histogram_stddev (tail) * 1e-9);
  for (double p = 0.1; p < 100; p += 0.1)
    g_assert_cmpint (vs_histogram_percentile (decoded, p), ==, vs_histogram_percentile (tail, p));
  g_assert_cmpint (vs_histogram_percentile (decoded, 100), ==, 2 * VS_HISTOGRAM_HIGHEST_US);

  /* moments that are not those counts' are refused */
  moments.min_us = 5;
  g_assert_false (vs_hdr_set_moments (decoded, &moments));
}

/* Written by hdr-histogram-js 3.0.1 (encodeIntoCompressedBase64): lowest 1, highest
 * 3 600 000 000, 3 digits, with 0 ×1, 1 ×2, 2047 ×3, 2048 ×4, 1 000 000 ×5, 3 599 999 999 ×6. */
#define JS_HISTOGRAM "HISTFAAAADJ4nJNpmSzMwMDAx8DAwMjAwMDMAAEgNsO1yUsYYHwmlp/ybBz7+xi5Fu9h5AEAlqMHWA=="
/* the same package, 2 significant digits, 1000 ×1 */
#define JS_TWO_DIGITS "HISTFAAAACZ4nJNpmSzMwMDAzMDAwMjAwMDEAAEgNsO1yUsYYPzP7EwAVbcEWA=="

static void
test_decode_foreign (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsHistogram) decoded = vs_hdr_decode_base64 (JS_HISTOGRAM, &error);
  g_autoptr(VsHistogram) expected = vs_histogram_new ();
  const gint64 values[] = { 0, 1, 2047, 2048, 1000000, 3599999999 };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    vs_histogram_record_n (expected, values[i], i + 1);
  assert_same_slots (expected, decoded);
  g_assert_cmpuint (vs_histogram_count (decoded), ==, 21);
  g_assert_cmpint (vs_histogram_percentile (decoded, 1.0 / 21 * 100), ==, 0);
  g_assert_cmpint (vs_histogram_percentile (decoded, 3.0 / 21 * 100), ==, 1);
  /* 2048 shares its slot with 2049 (slots are 2 wide from 2048 on) */
  g_assert_cmpint (vs_histogram_percentile (decoded, 10.0 / 21 * 100), ==, 2049);
}

static void
test_decode_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VsHistogram) two = vs_hdr_decode_base64 (JS_TWO_DIGITS, &error);
  g_autoptr(VsHistogram) garbage = NULL;
  g_autoptr(VsHistogram) cut = NULL;
  g_autofree char *truncated = g_strndup (JS_HISTOGRAM, 40);

  g_assert_null (two);
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "layout"));
  g_clear_error (&error);

  garbage = vs_hdr_decode_base64 ("bm90IGEgaGlzdG9ncmFt", &error);
  g_assert_null (garbage);
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
  g_clear_error (&error);

  cut = vs_hdr_decode_base64 (truncated, &error);
  g_assert_null (cut);
  g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
}

static void
test_tags (void)
{
  const char * const names[] = { "a,b c", "", "x\ty", "a_b_c", "node:8080/api", "ünï" };
  g_auto(GStrv) tags = vs_hdr_safe_names (names, G_N_ELEMENTS (names), NULL);
  g_auto(GStrv) files = vs_hdr_safe_names (names, G_N_ELEMENTS (names), "/\\");

  g_assert_cmpstr (tags[0], ==, "a_b_c");
  g_assert_cmpstr (tags[1], ==, "target_2");
  g_assert_cmpstr (tags[2], ==, "x_y");
  g_assert_cmpstr (tags[3], ==, "a_b_c_4");  /* would clash with the first */
  g_assert_cmpstr (tags[4], ==, "node:8080/api");
  g_assert_cmpstr (tags[5], ==, "ünï");
  g_assert_null (tags[6]);
  g_assert_cmpstr (files[4], ==, "node:8080_api");
}

/* The shares of N segments add up to the plan's, as a job's threads do. */
static void
test_segment_shares (void)
{
  const guint connections[] = { 1, 4, 5, 7, 100 };
  const guint64 requests[] = { 0, 1, 401, 1000003 };

  for (guint c = 0; c < G_N_ELEMENTS (connections); c++)
    for (guint r = 0; r < G_N_ELEMENTS (requests); r++)
      for (int model = 0; model < 2; model++)
        for (guint n = 1; n <= connections[c] && n <= 8; n++)
          {
            g_autoptr(VsPlan) plan = vs_plan_new ();
            guint sum_connections = 0;
            guint64 sum_requests = 0;

            plan->load.connections = connections[c];
            plan->load.requests = requests[r];
            plan->load.model = model ? VS_LOAD_OPEN : VS_LOAD_CLOSED;
            plan->segment_count = n;
            for (guint i = 0; i < n; i++)
              {
                VsSegmentShare share;

                plan->segment_index = i;
                vs_segment_share (plan, &share);
                g_assert_cmpuint (share.connections_before, ==, sum_connections);
                g_assert_cmpuint (share.connections, >=, 1);
                sum_connections += share.connections;
                sum_requests += share.requests;
              }
            g_assert_cmpuint (sum_connections, ==, connections[c]);
            g_assert_cmpuint (sum_requests, ==, requests[r]);
          }
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* N segments of W threads each (rank I + N·w, stride N·W) send, together, exactly the one
 * schedule's times, bit for bit, uniform and Poisson. */
static void
test_segment_schedule (void)
{
  for (int arrival = 0; arrival < 2; arrival++)
    {
      VsArrival kind = arrival ? VS_ARRIVAL_POISSON : VS_ARRIVAL_UNIFORM;
      g_autoptr(GArray) whole = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GArray) split = g_array_new (FALSE, FALSE, sizeof (gint64));
      const gint64 end_us = 2 * G_USEC_PER_SEC;
      const guint n = 3, w = 2;
      VsSchedule one;

      vs_schedule_init (&one, kind, 997.0, 0, 1, 14);
      for (gint64 t; (t = vs_schedule_peek (&one)) < end_us; vs_schedule_advance (&one))
        g_array_append_val (whole, t);

      for (guint i = 0; i < n; i++)
        for (guint k = 0; k < w; k++)
          {
            VsSchedule part;

            vs_schedule_init (&part, kind, 997.0, i + n * k, n * w, 14);
            for (gint64 t; (t = vs_schedule_peek (&part)) < end_us; vs_schedule_advance (&part))
              g_array_append_val (split, t);
          }
      g_array_sort (split, compare_times);

      g_assert_cmpuint (whole->len, >, 1900);
      g_assert_cmpuint (split->len, ==, whole->len);
      for (guint j = 0; j < whole->len; j++)
        g_assert_cmpint (g_array_index (split, gint64, j), ==, g_array_index (whole, gint64, j));
    }
}

static void
test_segment_flags (void)
{
  g_autoptr(VsPlan) plan = vs_plan_new ();
  g_autoptr(GError) error = NULL;
  const char * const bad[] = { "4/4", "1", "a/4", "1/0", "-1/4", "1/2/3", "" };
  gint64 at;

  plan->load.connections = 4;
  g_assert_true (vs_segment_apply (plan, "3/4", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (plan->segment_index, ==, 3);
  g_assert_cmpuint (plan->segment_count, ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (vs_segment_apply (plan, bad[i], &error));
      g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "--segment: "));
      g_clear_error (&error);
    }
  g_assert_false (vs_segment_apply (plan, "0/5", &error));
  g_assert_nonnull (strstr (error->message, "at least 5 connections"));
  g_clear_error (&error);

  g_assert_true (vs_segment_parse_start_at ("2026-12-01T22:00:00Z", &at, &error));
  g_assert_cmpint (at, ==, G_GINT64_CONSTANT (1796162400) * G_USEC_PER_SEC);
  g_assert_true (vs_segment_parse_start_at ("2026-12-01T23:00:00.5+01:00", &at, &error));
  g_assert_cmpint (at, ==, G_GINT64_CONSTANT (1796162400) * G_USEC_PER_SEC + 500000);
  g_assert_true (vs_segment_parse_start_at ("1796162400.25", &at, &error));
  g_assert_cmpint (at, ==, G_GINT64_CONSTANT (1796162400) * G_USEC_PER_SEC + 250000);
  g_assert_no_error (error);
  g_assert_false (vs_segment_parse_start_at ("2026-12-01T22:00:00", &at, &error));  /* no zone */
  g_assert_true (g_str_has_prefix (error->message, "--start-at: "));
  g_clear_error (&error);
  g_assert_false (vs_segment_parse_start_at ("soon", &at, &error));
  g_clear_error (&error);
}

/* --- runs of the binary ------------------------------------------------------------------- */

/* Starts `versus ARGS…` (NULL-terminated); the caller waits. */
static GSubprocess *
start_versus (const char *first_arg,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("VERSUS_BINARY"));
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  return process;
}

/* Waits; returns the exit status, and stderr in *err. */
static int
finish (GSubprocess  *process,
        char        **err)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_test_message ("versus: %s", *err);
  return g_subprocess_get_exit_status (process);
}

static int
run_to_end (GSubprocess *process)
{
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) owned = process;

  return finish (owned, &err);
}

static JsonObject *
load_json (JsonParser *parser,
           const char *path)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
first_target (JsonObject *result)
{
  return json_array_get_object_element (json_object_get_array_member (result, "targets"), 0);
}

static gint64
summary_int (JsonObject *result,
             const char *name)
{
  return json_object_get_int_member (json_object_get_object_member (first_target (result),
                                                                    "summary"), name);
}

/* The result's whole-run histogram from its [value_us, count] list, which vs-merge does not
 * read: percentiles of the inputs' sum are computed here apart from the merge. */
static void
add_listed_histogram (VsHistogram *sum,
                      JsonObject  *result)
{
  JsonArray *pairs = json_object_get_array_member (first_target (result), "histogram");

  for (guint i = 0; i < json_array_get_length (pairs); i++)
    {
      JsonArray *pair = json_array_get_array_element (pairs, i);

      vs_histogram_record_n (sum, json_array_get_int_element (pair, 0),
                             (guint64) json_array_get_int_element (pair, 1));
    }
}

static char *
start_time_soon (void)
{
  /* far enough for every process to be up and waiting, even under a sanitizer */
  return g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC + 3);
}

static char *
temp_path (const char *dir,
           const char *name)
{
  return g_build_filename (dir, name, NULL);
}

/* hdr-histogram-js reads json + hlog + hgrm (tests/hdr-js/check.js); FALSE: skipped, no node. */
static gboolean
check_with_npm (const char  *json,
                const char  *hlog,
                const char  *hgrm,
                char       **out)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *check = NULL;
  g_autofree char *modules = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *source_dir = g_getenv ("VERSUS_SOURCE_DIR");
  int status;

  if (node == NULL)
    return FALSE;
  g_assert_nonnull (source_dir);
  check = g_build_filename (source_dir, "tests", "hdr-js", "check.js", NULL);
  modules = g_build_filename (source_dir, "tests", "hdr-js", "node_modules", "hdr-histogram-js",
                              NULL);
  if (!g_file_test (modules, G_FILE_TEST_IS_DIR))
    g_error ("%s is missing: run build-aux/setup.sh (npm ci in tests/hdr-js)", modules);

  {
    const char *argv[] = { node, check, json, hlog, hgrm, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status,
                  &error);
    g_assert_no_error (error);
    g_test_message ("check.js: %s%s", *out, err);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("hdr-histogram-js disagrees: %s", err);
  }
  return TRUE;
}

#define NO_NODE "node is not installed: the .hlog and .hgrm are not checked with " \
                "hdr-histogram-js (build-aux/setup.sh installs it)"

/* The files of a real run, read by hdr-histogram-js (tests/hdr-js/check.js). */
static void
test_npm_reader (void)
{
  g_autoptr(VsTestServer) server = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *json = NULL, *hlog = NULL, *hgrm = NULL;
  g_autofree char *url_a = NULL, *url_b = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *node = g_find_program_in_path ("node");

  if (node == NULL)
    {
      g_test_skip (NO_NODE);
      return;
    }

  server = vs_test_server_new (NULL);
  url_a = vs_test_server_url (server, "/ok");
  url_b = vs_test_server_url (server, "/delay/3");
  dir = g_dir_make_tmp ("versus-hdr-XXXXXX", &error);
  g_assert_no_error (error);
  json = temp_path (dir, "result.json");
  hlog = temp_path (dir, "run.hlog");
  hgrm = temp_path (dir, "hgrm");

  g_assert_cmpint (run_to_end (start_versus ("run", url_a, url_b, "--name", "ok,slow one", "-c",
                                             "4", "-n", "600", "--tick", "200ms", "--quiet",
                                             "--json", json, "--hlog", hlog, "--hgrm", hgrm,
                                             NULL)), ==, 0);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_OK), ==, 600);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_DELAY), ==, 600);

  g_assert_true (check_with_npm (json, hlog, hgrm, &out));
  /* both targets checked, the one with a space in its name under its tag */
  g_assert_nonnull (strstr (out, "target ok (tag ok): 600 samples"));
  g_assert_nonnull (strstr (out, "target slow one (tag slow_one): 600 samples"));

  /* warm-up stays out of the log (its lines add up to the measured responses), and sequential
   * targets, whose loads start apart, keep their own times; a "/" in a name is a file's "_" */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_to_end (start_versus ("run", url_a, url_b, "--name", "a/b,c", "-c", "2",
                                             "-d", "1s", "--warmup", "300ms", "--mode",
                                             "sequential", "--tick", "250ms", "--quiet",
                                             "--json", json, "--hlog", hlog, "--hgrm", hgrm,
                                             NULL)), ==, 0);
  g_assert_true (check_with_npm (json, hlog, hgrm, &out));
  g_assert_nonnull (strstr (out, "target a/b (tag a/b): "));
  g_assert_nonnull (strstr (out, "target c (tag c): "));

  vs_test_remove_tree (dir);
}

/* n segments of one plan (extra flags appended), started together against url; their result
 * files are dir/segment-I.json. */
static void
run_segments (const char  *dir,
              guint        n,
              const char  *url,
              const char  *load_flags[])
{
  g_autofree char *at = start_time_soon ();
  g_autoptr(GPtrArray) processes = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *segment = g_strdup_printf ("%u/%u", i, n);
      g_autofree char *name = g_strdup_printf ("segment-%u.json", i);
      g_autofree char *json = temp_path (dir, name);
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      const char *fixed[] = { g_getenv ("VERSUS_BINARY"), "run", url, "--quiet", "--segment",
                              segment, "--start-at", at, "--json", json };

      for (guint k = 0; k < G_N_ELEMENTS (fixed); k++)
        g_ptr_array_add (argv, (char *) fixed[k]);
      for (guint k = 0; load_flags[k] != NULL; k++)
        g_ptr_array_add (argv, (char *) load_flags[k]);
      g_ptr_array_add (argv, NULL);
      g_ptr_array_add (processes,
                       g_subprocess_newv ((const char * const *) argv->pdata,
                                          G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                          G_SUBPROCESS_FLAGS_STDERR_PIPE, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (finish (g_ptr_array_index (processes, i), &err), ==, 0);
    }
}

/* merged.json of dir's n segments, with its .hlog and .hgrm; exit status of the merge. */
static int
merge_segments (const char  *dir,
                guint        n,
                char       **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, g_strdup (g_getenv ("VERSUS_BINARY")));
  g_ptr_array_add (argv, g_strdup ("merge"));
  g_ptr_array_add (argv, temp_path (dir, "merged.json"));
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (argv, g_strdup_printf ("%s/segment-%u.json", dir, i));
  g_ptr_array_add (argv, g_strdup ("--hlog"));
  g_ptr_array_add (argv, temp_path (dir, "merged.hlog"));
  g_ptr_array_add (argv, g_strdup ("--hgrm"));
  g_ptr_array_add (argv, temp_path (dir, "hgrm"));
  g_ptr_array_add (argv, g_strdup ("--quiet"));
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  return finish (process, err);
}

/* Two segments of a closed-model plan with an odd request count: the server saw exactly the
 * plan's requests, the merge counts them all, and its every percentile is that of the sum of
 * the two segments' histograms (rebuilt here from their [value, count] lists), which
 * hdr-histogram-js confirms from the merged .hlog and .hgrm. */
static void
test_merge_closed_segments (void)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/delay/5");
  g_autofree char *dir = g_dir_make_tmp ("versus-merge-XXXXXX", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *merged_path = temp_path (dir, "merged.json");
  g_autofree char *hlog = temp_path (dir, "merged.hlog");
  g_autofree char *hgrm = temp_path (dir, "hgrm");
  g_autoptr(VsHistogram) sum = vs_histogram_new ();
  g_autoptr(JsonParser) merged_parser = json_parser_new ();
  /* about 400 ms: several ticks, which the merge aligns */
  const char *load[] = { "-c", "5", "-n", "401", "--tick", "100ms", NULL };
  JsonObject *merged;
  JsonArray *percentiles;
  gint64 requests = 0;

  run_segments (dir, 2, url, load);
  g_assert_cmpint (merge_segments (dir, 2, &err), ==, 0);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("segment-%u.json", i);
      g_autofree char *path = temp_path (dir, name);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *segment = load_json (parser, path);

      /* 5 connections over 2 segments: 3 and 2, and the requests in proportion without rounding
       * loss: ⌊401 · 3/5⌋ = 240 and 401 − 240 = 161 */
      g_assert_cmpint (summary_int (segment, "requests"), ==, (i == 0 ? 240 : 161));
      requests += summary_int (segment, "requests");
      add_listed_histogram (sum, segment);
    }
  g_assert_cmpint (requests, ==, 401);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_DELAY), ==, 401);

  merged = load_json (merged_parser, merged_path);
  g_assert_false (json_object_has_member (merged, "segment"));
  g_assert_cmpint (summary_int (merged, "requests"), ==, 401);
  g_assert_cmpint (summary_int (merged, "responses"), ==, 401);
  g_assert_cmpint (summary_int (merged, "errors"), ==, 0);
  g_assert_cmpint (summary_int (merged, "workers"), >=, 2);
  percentiles = json_object_get_array_member (first_target (merged), "latency_percentiles");
  g_assert_cmpuint (json_array_get_length (percentiles), ==, 8);
  for (guint i = 0; i < json_array_get_length (percentiles); i++)
    {
      JsonObject *entry = json_array_get_object_element (percentiles, i);
      double p = json_object_get_double_member (entry, "percentile");
      double ms = json_object_get_double_member (entry, "ms");

      g_assert_cmpint ((gint64) llround (ms * 1000), ==, vs_histogram_percentile (sum, p));
    }

  if (check_with_npm (merged_path, hlog, hgrm, &out))
    g_assert_nonnull (strstr (out, ": 401 samples"));
  else
    g_test_message (NO_NODE);

  vs_test_remove_tree (dir);
}

static gint64
sends (JsonObject *result)
{
  return summary_int (result, "requests") + summary_int (result, "unsent");
}

/* Four segments of an open-model plan with Poisson arrivals, started together: their sends are
 * exactly those of one run of the whole plan (the schedule is one sequence, the segments take
 * every fourth entry), the server saw each, and the merged rate is over the plan's 3 s. */
static void
test_merge_open_segments (void)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/ok");
  g_autofree char *dir = g_dir_make_tmp ("versus-merge-XXXXXX", NULL);
  g_autofree char *err = NULL;
  g_autofree char *merged_path = temp_path (dir, "merged.json");
  g_autofree char *whole_path = temp_path (dir, "whole.json");
  g_autoptr(JsonParser) merged_parser = json_parser_new ();
  g_autoptr(JsonParser) whole_parser = json_parser_new ();
  const char *load[] = { "-c", "8", "-r", "300", "-d", "3s", "--arrival", "poisson", "--seed",
                         "14", NULL };
  JsonObject *merged, *whole;
  guint served;
  double rps, whole_rps;

  run_segments (dir, 4, url, load);
  g_assert_cmpint (merge_segments (dir, 4, &err), ==, 0);
  merged = load_json (merged_parser, merged_path);
  served = vs_test_server_count (server, VS_TEST_PATH_OK);
  g_assert_cmpint (summary_int (merged, "responses"), ==, served);
  g_assert_cmpint (summary_int (merged, "errors"), ==, 0);

  g_assert_cmpint (run_to_end (start_versus ("run", url, "--quiet", "--json", whole_path, "-c",
                                             "8", "-r", "300", "-d", "3s", "--arrival",
                                             "poisson", "--seed", "14", NULL)), ==, 0);
  whole = load_json (whole_parser, whole_path);
  g_assert_cmpint (summary_int (whole, "responses"), ==,
                   vs_test_server_count (server, VS_TEST_PATH_OK) - served);
  /* the same schedule entries were due, in four processes or in one */
  g_assert_cmpint (sends (merged), ==, sends (whole));
  g_assert_cmpint (sends (merged), >, 800);

  rps = json_object_get_double_member (json_object_get_object_member (first_target (merged),
                                                                      "summary"), "rps");
  whole_rps = json_object_get_double_member (json_object_get_object_member (first_target (whole),
                                                                            "summary"), "rps");
  g_test_message ("merged: %" G_GINT64_FORMAT " sends, %" G_GINT64_FORMAT " unsent, %.3f "
                  "requests/s; whole run: %" G_GINT64_FORMAT " unsent, %.3f requests/s",
                  sends (merged), summary_int (merged, "unsent"), rps,
                  summary_int (whole, "unsent"), whole_rps);
  /* The four segments lined up into one measured phase of the plan's 3 s: a segment off by a
   * tick would make it 4 s. The slack is the tick's own jitter on a loaded machine (a process's
   * last tick of the phase has come 50 ms late, 1.7 %); how many were sent rather than left
   * unsent is the generators' doing, and is not asserted. */
  g_assert_cmpfloat (fabs (rps / (summary_int (merged, "requests") / 3.0) - 1), <=, 0.05);
  g_assert_cmpfloat (fabs (rps / whole_rps - 1), <=, 0.05);

  vs_test_remove_tree (dir);
}

/* Results of different plans, a segment twice, and segments with a whole run are refused. */
static void
test_merge_refused (void)
{
  g_autoptr(VsTestServer) server = vs_test_server_new (NULL);
  g_autofree char *url = vs_test_server_url (server, "/ok");
  g_autofree char *dir = g_dir_make_tmp ("versus-merge-XXXXXX", NULL);
  g_autofree char *a = temp_path (dir, "a.json");
  g_autofree char *b = temp_path (dir, "b.json");
  g_autofree char *c = temp_path (dir, "c.json");
  g_autofree char *whole = temp_path (dir, "whole.json");
  g_autofree char *out = temp_path (dir, "out.json");
  struct { const char *first, *second, *says; } cases[] = {
    { a, b, "load.connections differs" },
    { a, a, "segment 0/2 again" },
    { a, whole, "segments and whole runs do not merge" },
  };

  g_assert_cmpint (run_to_end (start_versus ("run", url, "-q", "-c", "2", "-n", "20",
                                             "--segment", "0/2", "--json", a, NULL)), ==, 0);
  g_assert_cmpint (run_to_end (start_versus ("run", url, "-q", "-c", "3", "-n", "20",
                                             "--segment", "1/2", "--json", b, NULL)), ==, 0);
  g_assert_cmpint (run_to_end (start_versus ("run", url, "-q", "-c", "2", "-n", "20",
                                             "--json", whole, NULL)), ==, 0);
  g_assert_cmpint (run_to_end (start_versus ("run", url, "-q", "-c", "2", "-n", "20",
                                             "--segment", "1/2", "--json", c, NULL)), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      g_autoptr(GSubprocess) process = start_versus ("merge", out, cases[i].first,
                                                     cases[i].second, "-q", NULL);

      g_assert_cmpint (finish (process, &err), ==, 2);
      g_assert_nonnull (strstr (err, cases[i].says));
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }

  /* and the two halves of one plan do merge */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();

    g_assert_cmpint (run_to_end (start_versus ("merge", out, a, c, "-q", NULL)), ==, 0);
    g_assert_cmpint (summary_int (load_json (parser, out), "requests"), ==, 20);
  }

  vs_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hdr/round-trip/empty", test_round_trip_empty);
  g_test_add_func ("/hdr/round-trip/single", test_round_trip_single);
  g_test_add_func ("/hdr/round-trip/heavy-tail", test_round_trip_heavy_tail);
  g_test_add_func ("/hdr/decode/foreign", test_decode_foreign);
  g_test_add_func ("/hdr/decode/refused", test_decode_refused);
  g_test_add_func ("/hdr/tags", test_tags);
  g_test_add_func ("/hdr/npm-reader", test_npm_reader);
  g_test_add_func ("/segment/shares", test_segment_shares);
  g_test_add_func ("/segment/schedule", test_segment_schedule);
  g_test_add_func ("/segment/flags", test_segment_flags);
  g_test_add_func ("/merge/closed-segments", test_merge_closed_segments);
  g_test_add_func ("/merge/open-segments", test_merge_open_segments);
  g_test_add_func ("/merge/refused", test_merge_refused);

  return g_test_run ();
}
