/* test-stats.c: the counting rules every engine records through */
#include <string.h>

#include "vs-plan.h"
#include "vs-stats.h"

/* 2xx and 3xx, as the default "2xx,3xx" rule; filled by hand so as not to depend on the parser */
static void
rule_accept_range (VsStatusRule *rule,
                   guint         from,
                   guint         to)
{
  for (guint s = from; s <= to; s++)
    rule->accept[s / 64] |= G_GUINT64_CONSTANT (1) << (s % 64);
}

static void
test_send_late (void)
{
  g_autoptr(VsStats) stats = vs_stats_new ();

  /* on time, early, and exactly at the slack: not late */
  vs_stats_record_send (stats, 1000000, 1000000, 100);
  vs_stats_record_send (stats, 1000000, 999000, 100);
  vs_stats_record_send (stats, 1000000, 1000000 + VS_LATE_SLACK_US, 100);
  g_assert_cmpuint (stats->counters.late, ==, 0);
  g_assert_cmpint (stats->counters.lag_max_us, ==, VS_LATE_SLACK_US);

  /* one microsecond past the slack is late */
  vs_stats_record_send (stats, 1000000, 1000000 + VS_LATE_SLACK_US + 1, 100);
  vs_stats_record_send (stats, 2000000, 2050000, 100);
  g_assert_cmpuint (stats->counters.late, ==, 2);
  g_assert_cmpint (stats->counters.lag_max_us, ==, 50000);
  g_assert_cmpuint (stats->counters.bytes_out, ==, 500);

  /* a send records no request: only finished attempts count */
  g_assert_cmpuint (stats->counters.requests, ==, 0);

  /* an early send never makes a negative lag */
  {
    g_autoptr(VsStats) early = vs_stats_new ();

    vs_stats_record_send (early, 1000000, 900000, 0);
    g_assert_cmpint (early->counters.lag_max_us, ==, 0);
    g_assert_cmpuint (early->counters.late, ==, 0);
  }
}

static void
test_response (void)
{
  g_autoptr(VsStats) stats = vs_stats_new ();
  VsStatusRule rule = { { 0 } };

  rule_accept_range (&rule, 200, 399);

  /* intended 1 s, sent 1.1 s, done 1.15 s: 150 ms corrected, 50 ms uncorrected */
  vs_stats_record_response (stats, &rule, 200, 1000000, 1100000, 1150000, 512);
  g_assert_cmpuint (stats->counters.requests, ==, 1);
  g_assert_cmpuint (stats->counters.responses, ==, 1);
  g_assert_cmpuint (stats->counters.status[2], ==, 1);
  g_assert_cmpuint (stats->counters.bytes_in, ==, 512);
  g_assert_cmpuint (vs_counters_errors (&stats->counters), ==, 0);
  g_assert_cmpint (vs_histogram_max (stats->latency), ==, 150000);
  g_assert_cmpint (vs_histogram_max (stats->uncorrected), ==, 50000);

  /* rejected statuses are responses and errors of their class */
  vs_stats_record_response (stats, &rule, 404, 0, 0, 10, 0);
  vs_stats_record_response (stats, &rule, 503, 0, 0, 10, 0);
  vs_stats_record_response (stats, &rule, 101, 0, 0, 10, 0);
  vs_stats_record_response (stats, &rule, 999, 0, 0, 10, 0);
  g_assert_cmpuint (stats->counters.requests, ==, 5);
  g_assert_cmpuint (stats->counters.responses, ==, 5);
  g_assert_cmpuint (stats->counters.errors[VS_ERROR_CLASS_HTTP_4XX], ==, 1);
  g_assert_cmpuint (stats->counters.errors[VS_ERROR_CLASS_HTTP_5XX], ==, 1);
  g_assert_cmpuint (stats->counters.errors[VS_ERROR_CLASS_STATUS], ==, 2);
  g_assert_cmpuint (stats->counters.status[4], ==, 1);
  g_assert_cmpuint (stats->counters.status[5], ==, 1);
  g_assert_cmpuint (stats->counters.status[1], ==, 1);
  g_assert_cmpuint (stats->counters.status[0], ==, 1);
  g_assert_cmpuint (vs_counters_errors (&stats->counters), ==, 4);
  g_assert_cmpuint (vs_histogram_count (stats->latency), ==, 5);

  /* a rule that accepts 404 makes it a success; one that rejects 200 makes 200 a status error */
  {
    g_autoptr(VsStats) other = vs_stats_new ();
    VsStatusRule only_404 = { { 0 } };

    rule_accept_range (&only_404, 404, 404);
    vs_stats_record_response (other, &only_404, 404, 0, 0, 10, 0);
    g_assert_cmpuint (vs_counters_errors (&other->counters), ==, 0);
    vs_stats_record_response (other, &only_404, 200, 0, 0, 10, 0);
    g_assert_cmpuint (other->counters.errors[VS_ERROR_CLASS_STATUS], ==, 1);
  }

  /* without a rule, 2xx and 3xx succeed */
  {
    g_autoptr(VsStats) other = vs_stats_new ();

    vs_stats_record_response (other, NULL, 302, 0, 0, 10, 0);
    vs_stats_record_response (other, NULL, 500, 0, 0, 10, 0);
    g_assert_cmpuint (vs_counters_errors (&other->counters), ==, 1);
    g_assert_cmpuint (other->counters.errors[VS_ERROR_CLASS_HTTP_5XX], ==, 1);
  }
}

static void
test_failure (void)
{
  g_autoptr(VsStats) stats = vs_stats_new ();

  vs_stats_record_failure (stats, VS_ERROR_CLASS_CONNECT, 0);
  vs_stats_record_failure (stats, VS_ERROR_CLASS_IO, 77);
  vs_stats_record_failure (stats, VS_ERROR_CLASS_TIMEOUT, 0);
  vs_stats_record_failure (stats, VS_ERROR_CLASS_TIMEOUT, 0);

  g_assert_cmpuint (stats->counters.requests, ==, 4);
  g_assert_cmpuint (stats->counters.responses, ==, 0);
  g_assert_cmpuint (stats->counters.errors[VS_ERROR_CLASS_CONNECT], ==, 1);
  g_assert_cmpuint (stats->counters.errors[VS_ERROR_CLASS_IO], ==, 1);
  g_assert_cmpuint (stats->counters.errors[VS_ERROR_CLASS_TIMEOUT], ==, 2);
  g_assert_cmpuint (stats->counters.bytes_in, ==, 77);
  g_assert_cmpuint (vs_counters_errors (&stats->counters), ==, 4);
  /* a failure has no latency */
  g_assert_cmpuint (vs_histogram_count (stats->latency), ==, 0);
  g_assert_cmpuint (vs_histogram_count (stats->uncorrected), ==, 0);
}

static void
test_timing (void)
{
  g_autoptr(VsStats) stats = vs_stats_new ();

  vs_stats_record_timing (stats, VS_TIMING_CONNECT, 120);
  vs_stats_record_timing (stats, VS_TIMING_FIRST_BYTE, 900);
  vs_stats_record_timing (stats, VS_TIMING_FIRST_BYTE, 1100);

  g_assert_cmpuint (vs_histogram_count (stats->timings[VS_TIMING_CONNECT]), ==, 1);
  g_assert_cmpuint (vs_histogram_count (stats->timings[VS_TIMING_TLS]), ==, 0);
  g_assert_cmpuint (vs_histogram_count (stats->timings[VS_TIMING_FIRST_BYTE]), ==, 2);
  g_assert_cmpint (vs_histogram_max (stats->timings[VS_TIMING_FIRST_BYTE]), ==, 1100);
}

static void
fill (VsStats *stats,
      guint    seed)
{
  VsStatusRule rule = { { 0 } };

  rule_accept_range (&rule, 200, 299);
  for (guint i = 0; i < 100; i++)
    {
      gint64 t = (gint64) (seed * 1000 + i) * 1000;

      vs_stats_record_send (stats, t, t + (i % 10) * 1000, 80);
      vs_stats_record_response (stats, &rule, i % 17 == 0 ? 500 : 200, t, t + (i % 10) * 1000,
                                t + 5000 + i * seed, 300);
      vs_stats_record_timing (stats, VS_TIMING_CONNECT, 100 + i);
    }
  vs_stats_record_failure (stats, VS_ERROR_CLASS_CONNECT, 0);
  stats->counters.connects += seed;
}

static void
test_merge (void)
{
  g_autoptr(VsStats) a = vs_stats_new ();
  g_autoptr(VsStats) b = vs_stats_new ();
  g_autoptr(VsStats) both = vs_stats_new ();
  g_autoptr(VsStats) copy = NULL;

  fill (a, 1);
  fill (b, 7);
  fill (both, 1);
  fill (both, 7);

  copy = vs_stats_copy (a);
  vs_stats_merge (a, b);

  g_assert_cmpmem (&a->counters, sizeof a->counters, &both->counters, sizeof both->counters);
  g_assert_cmpuint (a->counters.requests, ==, 202);
  g_assert_cmpuint (vs_histogram_count (a->latency), ==, 200);
  g_assert_cmpint (vs_histogram_max (a->latency), ==, vs_histogram_max (both->latency));
  g_assert_cmpint (vs_histogram_percentile (a->latency, 90), ==,
                   vs_histogram_percentile (both->latency, 90));
  g_assert_cmpint (vs_histogram_percentile (a->uncorrected, 90), ==,
                   vs_histogram_percentile (both->uncorrected, 90));
  g_assert_cmpuint (vs_histogram_count (a->timings[VS_TIMING_CONNECT]), ==, 200);

  /* the copy was taken before the merge and is independent */
  g_assert_cmpuint (copy->counters.requests, ==, 101);
  g_assert_cmpuint (vs_histogram_count (copy->latency), ==, 100);

  vs_stats_reset (a);
  g_assert_cmpuint (a->counters.requests, ==, 0);
  g_assert_cmpint (a->counters.lag_max_us, ==, 0);
  g_assert_cmpuint (vs_histogram_count (a->latency), ==, 0);
  g_assert_cmpuint (vs_histogram_count (a->timings[VS_TIMING_CONNECT]), ==, 0);
}

static void
test_names (void)
{
  static const char * const classes[] = {
    "connect", "tls", "timeout", "io", "status", "http_4xx", "http_5xx",
  };
  static const char * const timings[] = { "connect", "tls", "first_byte" };

  G_STATIC_ASSERT (G_N_ELEMENTS (classes) == VS_N_ERROR_CLASSES);
  G_STATIC_ASSERT (G_N_ELEMENTS (timings) == VS_N_TIMINGS);

  for (guint i = 0; i < VS_N_ERROR_CLASSES; i++)
    {
      const char *description = vs_error_class_describe (i);

      g_assert_cmpstr (vs_error_class_to_string (i), ==, classes[i]);
      g_assert_nonnull (description);
      g_assert_cmpuint (strlen (description), >, 0);
    }
  for (guint i = 0; i < VS_N_TIMINGS; i++)
    g_assert_cmpstr (vs_timing_to_string (i), ==, timings[i]);
}

/* Stats keep histograms only for the timings asked for; merging brings in the others. */
static void
test_stats_timings_subset (void)
{
  g_autoptr(VsStats) native = vs_stats_new_for ((1u << VS_TIMING_CONNECT) |
                                                (1u << VS_TIMING_FIRST_BYTE));
  g_autoptr(VsStats) soup = vs_stats_new_for (VS_TIMINGS_ALL);
  g_autoptr(VsStats) sum = vs_stats_new_for (0);
  g_autoptr(VsStats) copy = NULL;

  g_assert_nonnull (native->timings[VS_TIMING_CONNECT]);
  g_assert_null (native->timings[VS_TIMING_TLS]);
  g_assert_nonnull (native->timings[VS_TIMING_FIRST_BYTE]);
  g_assert_null (sum->timings[VS_TIMING_CONNECT]);

  vs_stats_record_timing (native, VS_TIMING_CONNECT, 100);
  vs_stats_record_timing (soup, VS_TIMING_TLS, 700);
  vs_stats_merge (sum, native);
  vs_stats_merge (sum, soup);
  g_assert_cmpuint (vs_histogram_count (sum->timings[VS_TIMING_CONNECT]), ==, 1);
  g_assert_cmpuint (vs_histogram_count (sum->timings[VS_TIMING_TLS]), ==, 1);
  g_assert_cmpint (vs_histogram_max (sum->timings[VS_TIMING_TLS]), ==, 700);
  /* nothing was recorded: still no histogram */
  g_assert_null (sum->timings[VS_TIMING_FIRST_BYTE]);

  copy = vs_stats_copy (native);
  g_assert_null (copy->timings[VS_TIMING_TLS]);
  vs_stats_reset (copy);
  g_assert_cmpuint (vs_histogram_count (copy->timings[VS_TIMING_CONNECT]), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/stats/send-late", test_send_late);
  g_test_add_func ("/core/stats/response", test_response);
  g_test_add_func ("/core/stats/failure", test_failure);
  g_test_add_func ("/core/stats/timing", test_timing);
  g_test_add_func ("/core/stats/merge", test_merge);
  g_test_add_func ("/core/stats/names", test_names);

  g_test_add_func ("/core/stats/timings-subset", test_stats_timings_subset);
  return g_test_run ();
}
