/* test-equivalence.c: do two answers match — JSON structurally, the rest byte for byte */
#include <string.h>

#include "vs-equivalence.h"
#include "vs-error.h"

#define JSON "application/json"

/* Compares (status_a, type_a, body_a) with (status_b, type_b, body_b), ignoring the
 * NULL-terminated pointers, and returns the description ("" when alike); *alike tells. */
static char *
compare (guint               status_a,
         const char         *type_a,
         const char         *body_a,
         guint               status_b,
         const char         *type_b,
         const char         *body_b,
         const char * const *ignore,
         gboolean           *alike)
{
  g_autoptr(GBytes) bytes_a = g_bytes_new (body_a, strlen (body_a));
  g_autoptr(GBytes) bytes_b = g_bytes_new (body_b, strlen (body_b));
  VsAnswer a = { status_a, type_a, bytes_a };
  VsAnswer b = { status_b, type_b, bytes_b };
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEquivalence) result = vs_equivalence_compare (&a, &b, ignore, &error);
  char *text;

  g_assert_no_error (error);
  g_assert_nonnull (result);
  text = vs_equivalence_describe (result);
  /* alike exactly when nothing is listed or counted */
  g_assert_cmpint (result->alike, ==, result->differences->len == 0 && result->omitted == 0);
  g_assert_cmpint (result->alike, ==, text[0] == '\0');
  *alike = result->alike;
  g_test_message ("%s", text);
  return text;
}

static void
assert_json (const char         *a,
             const char         *b,
             const char * const *ignore,
             const char         *want)
{
  gboolean alike;
  g_autofree char *got = compare (200, JSON, a, 200, JSON, b, ignore, &alike);

  g_assert_cmpstr (got, ==, want);
  g_assert_cmpint (alike, ==, want[0] == '\0');
}

static void
test_reordered_members (void)
{
  assert_json ("{\"id\":42,\"name\":\"User 42\",\"tags\":[1,2],\"o\":{\"x\":1,\"y\":null}}",
               "{ \"o\": {\"y\": null, \"x\": 1.0}, \"tags\": [1, 2.0], \"name\": \"User 42\","
               " \"id\": 4.2e1 }",
               NULL, "");
  /* a content type with parameters or a +json suffix is JSON too */
  {
    gboolean alike;
    g_autofree char *text = compare (200, "application/json; charset=utf-8", "{\"a\":1,\"b\":2}",
                                     200, "application/problem+json", "{\"b\":2,\"a\":1}",
                                     NULL, &alike);

    g_assert_true (alike);
  }
}

static void
test_nested_value (void)
{
  assert_json ("{\"user\":{\"name\":\"Ann\",\"address\":{\"zip\":\"12345\"}}}",
               "{\"user\":{\"address\":{\"zip\":\"12346\"},\"name\":\"Ann\"}}",
               NULL, "/user/address/zip: \"12345\" ≠ \"12346\"");
  /* types differ: a number is not its string */
  assert_json ("{\"id\":1}", "{\"id\":\"1\"}", NULL, "/id: 1 ≠ \"1\"");
  /* numbers by value, but 1 and 1.5 differ; true is not 1 */
  assert_json ("[1,true,null]", "[1.5,1,false]", NULL,
               "/0: 1 ≠ 1.5\n/1: true ≠ 1\n/2: null ≠ false");
  /* a member only one side has */
  assert_json ("{\"a\":1,\"extra\":{\"x\":[1,2]}}", "{\"a\":1,\"other\":true}", NULL,
               "/extra: {\"x\":[1,2]} ≠ (missing)\n/other: (missing) ≠ true");
  /* an object against an array at the same place */
  assert_json ("{\"v\":{}}", "{\"v\":[]}", NULL, "/v: {} ≠ []");
}

static void
test_ignored_pointer (void)
{
  const char * const ignore[] = { "/generated_at", "/user/session", "/items/1/id", NULL };
  const char * const whole[] = { "", NULL };

  assert_json ("{\"generated_at\":\"2026-12-01T20:00:00Z\",\"user\":{\"id\":1,\"session\":\"a\"},"
               "\"items\":[{\"id\":7,\"n\":1},{\"id\":8,\"n\":2}]}",
               "{\"generated_at\":\"2026-12-01T20:00:01Z\",\"user\":{\"id\":1,\"session\":[1]},"
               "\"items\":[{\"id\":7,\"n\":1},{\"id\":9,\"n\":2}]}",
               ignore, "");
  /* ignored where only one side has it, too */
  assert_json ("{\"a\":1,\"generated_at\":5}", "{\"a\":1}", ignore, "");
  /* what is not ignored still counts, beside what is */
  assert_json ("{\"generated_at\":1,\"user\":{\"id\":1}}",
               "{\"generated_at\":2,\"user\":{\"id\":2}}", ignore, "/user/id: 1 ≠ 2");
  /* a pointer names that place, not a prefix of a member name */
  assert_json ("{\"generated_at_2\":1}", "{\"generated_at_2\":2}", ignore,
               "/generated_at_2: 1 ≠ 2");
  /* "" is the whole body; the status still counts */
  {
    gboolean alike;
    g_autofree char *text = compare (200, JSON, "{\"a\":1}", 500, "text/html", "<p>oops", whole,
                                     &alike);

    g_assert_cmpstr (text, ==, "status: 200 ≠ 500");
  }
}

static void
test_array_lengths (void)
{
  const char * const ignore_tail[] = { "/2", NULL };

  assert_json ("{\"tags\":[\"a\",\"b\",\"c\"]}", "{\"tags\":[\"a\",\"x\"]}", NULL,
               "/tags: 3 elements ≠ 2 elements\n/tags/1: \"b\" ≠ \"x\"");
  assert_json ("[]", "[0]", NULL, "body: 0 elements ≠ 1 elements");
  /* the only extra element is ignored: the lengths do not count */
  assert_json ("[1,2,3]", "[1,2]", ignore_tail, "");
}

static void
test_escaped_tokens (void)
{
  /* RFC 6901 §3: "~1" is "/", "~0" is "~"; "~01" is "~1", not "/" */
  const char * const ignore[] = { "/a~1b", "/m~0n", "/~01", NULL };
  g_autoptr(GError) error = NULL;

  assert_json ("{\"a/b\":1,\"m~n\":2,\"~1\":3,\"k\":4}", "{\"a/b\":9,\"m~n\":8,\"~1\":7,\"k\":4}",
               ignore, "");
  /* "/~01" does not name "/" */
  assert_json ("{\"/\":1}", "{\"/\":2}", ignore, "/~1: 1 ≠ 2");
  /* differences name their place escaped */
  assert_json ("{\"a/b\":{\"c~d\":1}}", "{\"a/b\":{\"c~d\":2}}", NULL, "/a~1b/c~0d: 1 ≠ 2");
  /* the empty member name is a token too */
  assert_json ("{\"\":{\"\":1}}", "{\"\":{\"\":2}}", NULL, "//: 1 ≠ 2");

  g_assert_true (vs_json_pointer_validate ("", "ignore[0]", &error));
  g_assert_no_error (error);
  g_assert_true (vs_json_pointer_validate ("/", "ignore[0]", &error));
  g_assert_true (vs_json_pointer_validate ("/a~0~1/0/-", "ignore[0]", &error));
  g_assert_no_error (error);
}

static void
test_invalid_pointers (void)
{
  static const struct
  {
    const char *pointer;
    const char *message;
  } cases[] = {
    { "a/b", "targets[1].compare.ignore[0]: “a/b” is not a JSON pointer: it must be empty "
             "(the whole body) or start with “/”, as in “/user/id”" },
    { "/a~2", "targets[1].compare.ignore[0]: “/a~2” is not a JSON pointer: “~” must be followed "
              "by “0” (for “~”) or “1” (for “/”)" },
    { "/a~", "targets[1].compare.ignore[0]: “/a~” is not a JSON pointer: “~” must be followed "
             "by “0” (for “~”) or “1” (for “/”)" },
    { "/\xff", "targets[1].compare.ignore[0]: a JSON pointer must be UTF-8 text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (vs_json_pointer_validate (cases[i].pointer, "targets[1].compare.ignore[0]",
                                                &error));
      g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  /* the comparison refuses them, naming which */
  {
    const char * const ignore[] = { "/ok", "bad", NULL };
    g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
    VsAnswer a = { 200, JSON, body };
    g_autoptr(GError) error = NULL;
    g_autoptr(VsEquivalence) result = vs_equivalence_compare (&a, &a, ignore, &error);

    g_assert_null (result);
    g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
    g_assert_true (g_str_has_prefix (error->message, "ignore[1]: “bad” is not a JSON pointer"));
  }
}

static void
test_non_json (void)
{
  gboolean alike;
  g_autofree char *same = compare (200, "text/plain", "hello", 200, "text/plain; charset=utf-8",
                                   "hello", NULL, &alike);
  g_autofree char *differ = NULL, *kind = NULL, *invalid = NULL, *types = NULL;
  g_autofree char *long_text = NULL, *long_a = NULL, *long_b = NULL, *binary = NULL;
  g_autofree char *undeclared = NULL;

  g_assert_true (alike);

  differ = compare (200, "text/plain", "hello world", 200, "text/plain", "hello World", NULL,
                    &alike);
  g_assert_false (alike);
  g_assert_cmpstr (differ, ==, "body from byte 6: hello world ≠ hello World");

  /* one JSON, the other not */
  kind = compare (200, JSON, "{\"a\":1}", 200, "text/html", "<html></html>", NULL, &alike);
  g_assert_cmpstr (kind, ==, "body: JSON ≠ not JSON (text/html, 13 bytes)");
  invalid = compare (200, JSON, "{\"a\":1}", 200, JSON, "{\"a\":1", NULL, &alike);
  g_assert_cmpstr (invalid, ==, "body: JSON ≠ invalid JSON");

  /* JSON text without a JSON content type is compared byte for byte, media types too */
  undeclared = compare (200, JSON, "{\"a\":1}", 200, NULL, "{\"a\": 1}", NULL, &alike);
  g_assert_cmpstr (undeclared, ==, "body: JSON ≠ not JSON (no content type, 8 bytes)");
  types = compare (200, "text/plain", "a", 200, "text/csv", "a", NULL, &alike);
  g_assert_cmpstr (types, ==, "content type: text/plain ≠ text/csv");

  /* a long body: an excerpt around the first difference, cut on both sides */
  long_a = g_strnfill (100, 'x');
  long_b = g_strdup (long_a);
  long_b[60] = 'y';
  long_text = compare (200, "text/plain", long_a, 200, "text/plain", long_b, NULL, &alike);
  g_assert_cmpstr (long_text, ==,
                   "body from byte 60: …xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… ≠ "
                   "…xxxxxxxxxxxxxxxxxxxxxxxxyxxxxxxxxxxxxxxxxxxxxxxx…");

  /* control bytes and backslashes stay on one line; a shorter body ends early */
  binary = compare (200, "application/octet-stream", "a\\b\n\t", 200,
                    "application/octet-stream", "a\\b\n", NULL, &alike);
  g_assert_cmpstr (binary, ==, "body from byte 4: a\\\\b\\x0a\\x09 ≠ a\\\\b\\x0a");
}

static void
test_status (void)
{
  gboolean alike;
  g_autofree char *text = compare (200, JSON, "{\"id\":1}", 404, JSON, "{\"error\":\"not found\"}",
                                   NULL, &alike);

  g_assert_false (alike);
  g_assert_cmpstr (text, ==,
                   "status: 200 ≠ 404\n"
                   "/id: 1 ≠ (missing)\n"
                   "/error: (missing) ≠ \"not found\"");
}

static void
test_truncation_and_limit (void)
{
  g_autoptr(GString) a = g_string_new ("[");
  g_autoptr(GString) b = g_string_new ("[");
  g_autofree char *long_value = g_strnfill (200, 'v');
  g_autofree char *value_a = g_strdup_printf ("{\"s\":\"%s\"}", long_value);
  g_autofree char *value_b = g_strdup_printf ("{\"s\":\"%sw\"}", long_value);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean alike;

  /* 60 characters of each value, then "…" */
  {
    g_autofree char *want = g_strdup_printf ("/s: \"%.59s… ≠ \"%.59s…", long_value, long_value);
    assert_json (value_a, value_b, NULL, want);
  }

  /* 25 differences: 10 listed, 15 counted */
  for (guint i = 0; i < 25; i++)
    {
      g_string_append_printf (a, "%s%u", i > 0 ? "," : "", i);
      g_string_append_printf (b, "%s%u", i > 0 ? "," : "", i + 1);
    }
  g_string_append_c (a, ']');
  g_string_append_c (b, ']');
  text = compare (200, JSON, a->str, 200, JSON, b->str, NULL, &alike);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, VS_EQUIVALENCE_MAX_DIFFERENCES + 1);
  g_assert_cmpstr (lines[0], ==, "/0: 0 ≠ 1");
  g_assert_cmpstr (lines[9], ==, "/9: 9 ≠ 10");
  g_assert_cmpstr (lines[10], ==, "… and 15 more differences");
}

static void
test_unrepresentable_json (void)
{
  /* nesting past the limit, integers past int64 and \u0000 are compared byte for byte */
  g_autofree char *open = g_strnfill (VS_EQUIVALENCE_MAX_DEPTH + 1, '[');
  g_autofree char *close = g_strnfill (VS_EQUIVALENCE_MAX_DEPTH + 1, ']');
  g_autofree char *deep = g_strconcat (open, close, NULL);
  g_autofree char *deep_text = NULL, *big_text = NULL, *nul_text = NULL, *same_deep = NULL;
  gboolean alike;

  same_deep = compare (200, JSON, deep, 200, JSON, deep, NULL, &alike);
  g_assert_true (alike);

  deep_text = compare (200, JSON, deep, 200, JSON, "[]", NULL, &alike);
  g_assert_true (g_str_has_prefix (deep_text, "body from byte 1: [[[[[[[[[[[[[[[[[[[[[[[[[…"));
  g_assert_true (g_str_has_suffix (deep_text, "compared byte for byte)"));

  /* json-glib would make both the same number; their bytes differ */
  big_text = compare (200, JSON, "[18446744073709551616]", 200, JSON, "[18446744073709551617]",
                      NULL, &alike);
  g_assert_false (alike);
  g_assert_true (g_str_has_prefix (big_text, "body from byte 20: [18446744073709551616] ≠ "
                                              "[18446744073709551617] (JSON that nests too "));

  /* json-glib would cut both strings at the NUL */
  nul_text = compare (200, JSON, "[\"a\\u0000b\"]", 200, JSON, "[\"a\\u0000c\"]", NULL, &alike);
  g_assert_false (alike);

  /* an integer at the edge of int64 is compared by value */
  assert_json ("[9223372036854775807,-9223372036854775808]",
               "[9223372036854775807,-9223372036854775808]", NULL, "");
  assert_json ("[9223372036854775807]", "[9223372036854775806]", NULL,
               "/0: 9223372036854775807 ≠ 9223372036854775806");
}

static void
test_empty_bodies (void)
{
  VsAnswer a = { 204, NULL, NULL };
  VsAnswer b = { 204, JSON, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(VsEquivalence) result = vs_equivalence_compare (&a, &b, NULL, &error);
  g_autofree char *text = NULL;
  gboolean alike;

  g_assert_no_error (error);
  /* no body either side: a Content-Type says nothing */
  g_assert_true (result->alike);
  g_clear_pointer (&result, vs_equivalence_free);
  b.status = 200;
  result = vs_equivalence_compare (&a, &b, NULL, &error);
  text = vs_equivalence_describe (result);
  g_assert_cmpstr (text, ==, "status: 204 ≠ 200");
  g_clear_pointer (&text, g_free);

  text = compare (200, JSON, "", 200, JSON, "", NULL, &alike);
  g_assert_true (alike);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/equivalence/json/reordered-members", test_reordered_members);
  g_test_add_func ("/equivalence/json/nested-value", test_nested_value);
  g_test_add_func ("/equivalence/json/ignored-pointer", test_ignored_pointer);
  g_test_add_func ("/equivalence/json/array-lengths", test_array_lengths);
  g_test_add_func ("/equivalence/json/escaped-tokens", test_escaped_tokens);
  g_test_add_func ("/equivalence/json/truncation-and-limit", test_truncation_and_limit);
  g_test_add_func ("/equivalence/json/unrepresentable", test_unrepresentable_json);
  g_test_add_func ("/equivalence/pointer/invalid", test_invalid_pointers);
  g_test_add_func ("/equivalence/bytes/non-json", test_non_json);
  g_test_add_func ("/equivalence/bytes/empty", test_empty_bodies);
  g_test_add_func ("/equivalence/status", test_status);

  return g_test_run ();
}
