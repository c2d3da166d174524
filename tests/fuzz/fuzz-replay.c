/* fuzz-replay.c: main() for a fuzz target outside libFuzzer — runs every file of the corpus
 * folders (or single files) named on the command line through LLVMFuzzerTestOneInput once. A
 * crash or failed assertion fails the test; the name of the file being run is printed first,
 * so the failing input is known. Exits 1 when no input was found at all. */
#include "vs-fuzz.h"

#include <stdio.h>

int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__((weak));

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static gboolean
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize size;

  if (!g_file_get_contents (path, &data, &size, &error))
    {
      g_printerr ("fuzz-replay: %s\n", error->message);
      return FALSE;
    }
  printf ("%s (%" G_GSIZE_FORMAT " bytes)\n", path, size);
  fflush (stdout);
  LLVMFuzzerTestOneInput ((const uint8_t *) data, size);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  guint n_run = 0;

  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GPtrArray) names = NULL;
      const char *name;

      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          if (!replay_file (argv[i]))
            return 1;
          n_run++;
          continue;
        }

      dir = g_dir_open (argv[i], 0, NULL);
      if (dir == NULL)
        return 1;
      names = g_ptr_array_new_with_free_func (g_free);
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_paths);
      for (guint n = 0; n < names->len; n++)
        {
          if (!replay_file (names->pdata[n]))
            return 1;
          n_run++;
        }
    }

  printf ("%u inputs replayed\n", n_run);
  return n_run > 0 ? 0 : 1;
}
