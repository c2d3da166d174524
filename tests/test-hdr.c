/* test-hdr.c: HdrHistogram interchange — the V2 encoding, tags, and .hlog/.hgrm files read by
 * hdr-histogram-js (tests/hdr-js), an implementation no one here wrote
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "vs-error.h"
#include "vs-hdr.h"
#include "vs-test-server.h"

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

/* The files of a real run, read by hdr-histogram-js (tests/hdr-js/check.js). */
static void
test_npm_reader (void)
{
  g_autoptr(VsTestServer) server = NULL;
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *dir = NULL;
  g_autofree char *json = NULL, *hlog = NULL, *hgrm = NULL, *check = NULL;
  g_autofree char *url_a = NULL, *url_b = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *source_dir = g_getenv ("VERSUS_SOURCE_DIR");
  const char *binary = g_getenv ("VERSUS_BINARY");
  int status;

  if (node == NULL)
    {
      g_test_skip ("node is not installed: the .hlog and .hgrm are not checked with "
                   "hdr-histogram-js (build-aux/setup.sh installs it)");
      return;
    }
  g_assert_nonnull (source_dir);
  g_assert_nonnull (binary);
  check = g_build_filename (source_dir, "tests", "hdr-js", "check.js", NULL);
  {
    g_autofree char *modules = g_build_filename (source_dir, "tests", "hdr-js", "node_modules",
                                                 "hdr-histogram-js", NULL);

    if (!g_file_test (modules, G_FILE_TEST_IS_DIR))
      g_error ("%s is missing: run build-aux/setup.sh (npm ci in tests/hdr-js)", modules);
  }

  server = vs_test_server_new (NULL);
  url_a = vs_test_server_url (server, "/ok");
  url_b = vs_test_server_url (server, "/delay/3");
  dir = g_dir_make_tmp ("versus-hdr-XXXXXX", &error);
  g_assert_no_error (error);
  json = g_build_filename (dir, "result.json", NULL);
  hlog = g_build_filename (dir, "run.hlog", NULL);
  hgrm = g_build_filename (dir, "hgrm", NULL);

  {
    const char *argv[] = { binary, "run", url_a, url_b, "--name", "ok,slow one", "-c", "4",
                           "-n", "600", "--tick", "200ms", "--quiet", "--json", json,
                           "--hlog", hlog, "--hgrm", hgrm, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                  &error);
    g_assert_no_error (error);
    g_test_message ("versus: %s", err);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_OK), ==, 600);
  g_assert_cmpuint (vs_test_server_count (server, VS_TEST_PATH_DELAY), ==, 600);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { node, check, json, hlog, hgrm, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                  &error);
    g_assert_no_error (error);
    g_test_message ("check.js: %s%s", out, err);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("hdr-histogram-js disagrees: %s", err);
  }
  /* both targets checked, the one with a space in its name under its tag */
  g_assert_nonnull (strstr (out, "target ok (tag ok): 600 samples"));
  g_assert_nonnull (strstr (out, "target slow one (tag slow_one): 600 samples"));

  g_remove (json);
  g_remove (hlog);
  {
    g_autofree char *a = g_build_filename (hgrm, "ok.hgrm", NULL);
    g_autofree char *b = g_build_filename (hgrm, "slow_one.hgrm", NULL);

    g_remove (a);
    g_remove (b);
  }
  g_rmdir (hgrm);
  g_rmdir (dir);
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

  return g_test_run ();
}
