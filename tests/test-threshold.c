/* test-threshold.c: the SLO threshold syntax, its errors and its evaluation */
#include <locale.h>
#include <math.h>

#include "vs-error.h"
#include "vs-threshold.h"

static void
test_parse_accept (void)
{
  static const struct
  {
    const char       *text;
    VsThresholdMetric metric;
    VsThresholdOp     op;
    double            limit;
  } cases[] = {
    { "p99 < 50ms", VS_THRESHOLD_P99, VS_THRESHOLD_LT, 50000 },
    { "p99.9 <= 200ms", VS_THRESHOLD_P999, VS_THRESHOLD_LE, 200000 },
    { "error_rate < 1%", VS_THRESHOLD_ERROR_RATE, VS_THRESHOLD_LT, 1 },
    { "rps > 1000", VS_THRESHOLD_RPS, VS_THRESHOLD_GT, 1000 },
    { "server_cpu_per_request < 500us", VS_THRESHOLD_SERVER_CPU_PER_REQUEST, VS_THRESHOLD_LT,
      500 },
    { "p50<1.5ms", VS_THRESHOLD_P50, VS_THRESHOLD_LT, 1500 },
    { "  p90 >= 2s  ", VS_THRESHOLD_P90, VS_THRESHOLD_GE, 2000000 },
    { "mean < 250\xc2\xb5s", VS_THRESHOLD_MEAN, VS_THRESHOLD_LT, 250 },
    { "max <= 1 s", VS_THRESHOLD_MAX, VS_THRESHOLD_LE, 1000000 },
    { "unsent < 0.5 %", VS_THRESHOLD_UNSENT, VS_THRESHOLD_LT, 0.5 },
    { "rps >= 12.5", VS_THRESHOLD_RPS, VS_THRESHOLD_GE, 12.5 },
    { "error_rate <= 100%", VS_THRESHOLD_ERROR_RATE, VS_THRESHOLD_LE, 100 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VsThreshold) t = NULL;
      g_autofree char *trimmed = g_strstrip (g_strdup (cases[i].text));

      g_test_message ("parsing “%s”", cases[i].text);
      t = vs_threshold_parse (cases[i].text, "thresholds[0]", &error);
      g_assert_no_error (error);
      g_assert_nonnull (t);
      g_assert_cmpint (t->metric, ==, cases[i].metric);
      g_assert_cmpint (t->op, ==, cases[i].op);
      g_assert_cmpfloat (t->limit, ==, cases[i].limit);
      g_assert_cmpstr (t->text, ==, trimmed);
    }
}

static void
test_parse_reject (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "p98x < 50ms", "thresholds[2]: unknown metric “p98x”; known: p50, p90, p99, p99.9, mean, "
                     "max, server_cpu_per_request, rps, error_rate, unsent" },
    { "", "thresholds[2]: empty threshold; expected a metric, a comparison and a limit, "
          "e.g. “p99 < 50ms”" },
    { "   ", "thresholds[2]: empty threshold; expected a metric, a comparison and a limit, "
             "e.g. “p99 < 50ms”" },
    { "< 50ms", "thresholds[2]: expected a metric at “< 50ms”; known: p50, p90, p99, p99.9, "
                "mean, max, server_cpu_per_request, rps, error_rate, unsent" },
    { "p99 50ms", "thresholds[2]: expected <, <=, > or >= after “p99”" },
    { "p99 = 50ms", "thresholds[2]: expected <, <=, > or >= after “p99”" },
    { "p99 <", "thresholds[2]: expected a number after the comparison, e.g. “p99 < 50ms”" },
    { "p99 < -5ms", "thresholds[2]: expected a number after the comparison, e.g. “p99 < 50ms”" },
    { "p99 < 50", "thresholds[2]: “p99” is a latency: give the limit a time unit (us, ms, s), "
                  "e.g. “p99 < 50ms”" },
    { "p99 < 50%", "thresholds[2]: “p99” is a latency: “50%” is not a time (us, ms, s), "
                   "e.g. “p99 < 50ms”" },
    { "p99 < 50 parsecs", "thresholds[2]: “p99” is a latency: “50 parsecs” is not a time "
                          "(us, ms, s), e.g. “p99 < 50ms”" },
    { "rps > 1000ms", "thresholds[2]: “rps” is a rate: give a plain number of requests per "
                      "second, without “ms”, e.g. “rps > 1000”" },
    { "rps > 1000/s", "thresholds[2]: “rps” is a rate: give a plain number of requests per "
                      "second, without “/s”, e.g. “rps > 1000”" },
    { "error_rate < 1", "thresholds[2]: “error_rate” is a share: give the limit in %, "
                        "e.g. “error_rate < 1%”" },
    { "error_rate < 1ms", "thresholds[2]: “error_rate” is a share: give the limit in %, "
                          "e.g. “error_rate < 1%”" },
    { "error_rate < 101%", "thresholds[2]: “error_rate” is a share: at most 100 %" },
    { "server_cpu_per_request < 500", "thresholds[2]: “server_cpu_per_request” is a latency: "
                                      "give the limit a time unit (us, ms, s), "
                                      "e.g. “server_cpu_per_request < 50ms”" },
    { "unsent < 1% extra", "thresholds[2]: “unsent” is a share: give the limit in %, "
                           "e.g. “unsent < 1%”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VsThreshold) t = NULL;

      g_test_message ("parsing “%s”", cases[i].text);
      t = vs_threshold_parse (cases[i].text, "thresholds[2]", &error);
      g_assert_null (t);
      g_assert_error (error, VS_ERROR, VS_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* A getter over a table of figures; NaN is not measured. */
static double figures[VS_N_THRESHOLD_METRICS];

static gboolean
get_figure (VsThresholdMetric   metric,
            double             *value,
            const char        **why,
            gpointer            user_data)
{
  if (isnan (figures[metric]))
    {
      *why = user_data;
      return FALSE;
    }
  *value = figures[metric];
  return TRUE;
}

static VsThresholdOutcome
evaluate (const char  *text,
          const char  *why,
          char       **explanation)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VsThreshold) t = vs_threshold_parse (text, "thresholds[0]", &error);

  g_assert_no_error (error);
  return vs_threshold_evaluate (t, get_figure, (gpointer) why, explanation);
}

static void
test_evaluate (void)
{
  static const struct
  {
    const char         *text;
    VsThresholdOutcome  outcome;
    const char         *explanation;
  } cases[] = {
    { "p99 < 50ms", VS_THRESHOLD_PASS, "p99 < 50ms: passed (p99 = 42.1ms)" },
    { "p99 < 40ms", VS_THRESHOLD_FAIL, "p99 < 40ms: failed (p99 = 42.1ms)" },
    { "p99 < 42.1ms", VS_THRESHOLD_FAIL, "p99 < 42.1ms: failed (p99 = 42.1ms)" },
    { "p99 <= 42.1ms", VS_THRESHOLD_PASS, "p99 <= 42.1ms: passed (p99 = 42.1ms)" },
    { "rps > 1000", VS_THRESHOLD_PASS, "rps > 1000: passed (rps = 8.40k/s)" },
    { "rps >= 9000", VS_THRESHOLD_FAIL, "rps >= 9000: failed (rps = 8.40k/s)" },
    { "error_rate < 1%", VS_THRESHOLD_FAIL, "error_rate < 1%: failed (error_rate = 2.50 %)" },
    { "error_rate < 5%", VS_THRESHOLD_PASS, "error_rate < 5%: passed (error_rate = 2.50 %)" },
    { "unsent < 1%", VS_THRESHOLD_PASS, "unsent < 1%: passed (unsent = 0 %)" },
    { "server_cpu_per_request < 500us", VS_THRESHOLD_NOT_MEASURED,
      "server_cpu_per_request < 500us: failed, server_cpu_per_request not measured "
      "(the server is not managed)" },
  };

  for (guint i = 0; i < VS_N_THRESHOLD_METRICS; i++)
    figures[i] = NAN;
  figures[VS_THRESHOLD_P99] = 42100;
  figures[VS_THRESHOLD_RPS] = 8400;
  figures[VS_THRESHOLD_ERROR_RATE] = 2.5;
  figures[VS_THRESHOLD_UNSENT] = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *explanation = NULL;

      g_test_message ("evaluating “%s”", cases[i].text);
      g_assert_cmpint (evaluate (cases[i].text, "the server is not managed", &explanation), ==,
                       cases[i].outcome);
      g_assert_cmpstr (explanation, ==, cases[i].explanation);
    }

  /* not measured without a reason is still a failure, never a pass */
  {
    g_autofree char *explanation = NULL;

    g_assert_cmpint (evaluate ("p50 < 1s", NULL, &explanation), ==, VS_THRESHOLD_NOT_MEASURED);
    g_assert_cmpstr (explanation, ==, "p50 < 1s: failed, p50 not measured");
    g_assert_cmpint (evaluate ("p50 < 1s", NULL, NULL), ==, VS_THRESHOLD_NOT_MEASURED);
  }
}

static void
test_holds_nan (void)
{
  g_autoptr (VsThreshold) lt = vs_threshold_parse ("p99 < 50ms", "t", NULL);
  g_autoptr (VsThreshold) gt = vs_threshold_parse ("rps > 10", "t", NULL);

  g_assert_false (vs_threshold_holds (lt, NAN));
  g_assert_false (vs_threshold_holds (gt, NAN));
  g_assert_true (vs_threshold_holds (lt, 49999));
  g_assert_false (vs_threshold_holds (gt, 10));
}

static void
test_metrics (void)
{
  for (guint i = 0; i < VS_N_THRESHOLD_METRICS; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VsThreshold) t = NULL;
      g_autofree char *text = NULL;
      const char *limit;

      switch (vs_threshold_metric_kind (i))
        {
        case VS_THRESHOLD_LATENCY: limit = "1ms"; break;
        case VS_THRESHOLD_RATE: limit = "1"; break;
        case VS_THRESHOLD_SHARE: default: limit = "1%"; break;
        }
      /* every name parses back to its metric */
      text = g_strdup_printf ("%s < %s", vs_threshold_metric_name (i), limit);
      t = vs_threshold_parse (text, "t", &error);
      g_assert_no_error (error);
      g_assert_cmpint (t->metric, ==, i);
    }
  g_assert_cmpstr (vs_threshold_metric_summary_id (VS_THRESHOLD_P999), ==, "latency_p999_ms");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/threshold/parse-accept", test_parse_accept);
  g_test_add_func ("/threshold/parse-reject", test_parse_reject);
  g_test_add_func ("/threshold/evaluate", test_evaluate);
  g_test_add_func ("/threshold/holds-nan", test_holds_nan);
  g_test_add_func ("/threshold/metrics", test_metrics);

  return g_test_run ();
}
