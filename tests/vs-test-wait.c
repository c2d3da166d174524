/* vs-test-wait.c: waiting in UI tests while the main context keeps running */
#include "vs-test-wait.h"

void
vs_test_iterate_until (gboolean  (*done) (gpointer),
                       gpointer    data,
                       double      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!done (data) && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static gboolean
is_regular_file (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

void
vs_test_wait_for_file (const char *dir,
                       const char *name,
                       double      seconds)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  vs_test_iterate_until (is_regular_file, path, seconds);
  g_assert_true (is_regular_file (path));
}
