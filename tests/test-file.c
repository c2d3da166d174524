/* test-file.c: vs_file_replace() — atomic, regular files only, the old file kept on failure —
 * and vs_file_write_async(), which does it off the caller's thread */
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-error.h"
#include "vs-file.h"
#include "vs-io-async.h"
#include "vs-test-files.h"

/* A fresh folder for one test. */
static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("versus-file-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @dir, sorted and joined with spaces: shows any temporary file left behind. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, (char *) name);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
assert_contents (const char *path,
                 const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, expected);
}

static void
test_new_and_replace (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "summary.csv", NULL);
  g_autofree char *names = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;
  mode_t old_umask = umask (022);

  g_assert_true (vs_file_replace (path, "one\n", 4, &error));
  g_assert_no_error (error);
  assert_contents (path, "one\n");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);  /* 0666 less the umask, not mkstemp's 0600 */

  /* the old file's mode is kept */
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_assert_true (vs_file_replace (path, "two, longer\n", 12, &error));
  g_assert_no_error (error);
  assert_contents (path, "two, longer\n");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0640);

  /* empty data is a valid (empty) file */
  g_assert_true (vs_file_replace (path, "", 0, &error));
  assert_contents (path, "");

  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "summary.csv");

  umask (old_umask);
  vs_test_remove_tree (dir);
}

/* A link is followed to the file it names; the link stays a link. */
static void
test_symlinks (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *real = g_build_filename (dir, "real.json", NULL);
  g_autofree char *link = g_build_filename (dir, "link.json", NULL);
  g_autofree char *link2 = g_build_filename (dir, "link2.json", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling.json", NULL);
  g_autofree char *named = g_build_filename (dir, "named.json", NULL);
  g_autofree char *names = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_true (g_file_set_contents (real, "old", -1, NULL));
  g_assert_cmpint (symlink ("real.json", link), ==, 0);     /* relative */
  g_assert_cmpint (symlink (link, link2), ==, 0);           /* absolute, to a link */
  g_assert_cmpint (symlink ("named.json", dangling), ==, 0);

  g_assert_true (vs_file_replace (link2, "new", 3, &error));
  g_assert_no_error (error);
  assert_contents (real, "new");
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (g_lstat (link2, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));

  /* a dangling link: the file it names is created */
  g_assert_true (vs_file_replace (dangling, "made", 4, &error));
  g_assert_no_error (error);
  assert_contents (named, "made");
  g_assert_cmpint (g_lstat (dangling, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));

  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "dangling.json link.json link2.json named.json real.json");
  vs_test_remove_tree (dir);
}

static void
assert_refused (const char *path,
                const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("Could not write “%s”: %s", path, reason);

  g_assert_false (vs_file_replace (path, "x", 1, &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_IO);
  g_assert_cmpstr (error->message, ==, expected);
}

/* Anything but a regular file is refused and left as it is: /dev/null (which root could
 * otherwise replace), a link to it, a FIFO, a folder, a loop of links. */
static void
test_not_regular (void)
{
  const char *not_regular = "it is not a regular file, and Versus replaces only regular files";
  g_autofree char *dir = make_dir ();
  g_autofree char *to_null = g_build_filename (dir, "null.json", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *loop_a = g_build_filename (dir, "a", NULL);
  g_autofree char *loop_b = g_build_filename (dir, "b", NULL);
  g_autofree char *names = NULL;
  struct stat st;

  g_assert_cmpint (symlink ("/dev/null", to_null), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_cmpint (symlink ("b", loop_a), ==, 0);
  g_assert_cmpint (symlink ("a", loop_b), ==, 0);

  assert_refused ("/dev/null", not_regular);
  assert_refused (to_null, not_regular);
  assert_refused (fifo, not_regular);
  assert_refused (sub, not_regular);
  assert_refused (loop_a, g_strerror (ELOOP));

  g_assert_cmpint (g_lstat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));

  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "a b fifo null.json sub");
  g_rmdir (sub);
  vs_test_remove_tree (dir);
}

/* A full disk, as a file size limit: the write fails, the old file is intact and no temporary
 * file is left. Runs in a child, which alone gets the limit. */
static void
test_full_disk (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "result.json", NULL);
  g_autofree char *names = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (g_file_set_contents (path, "{\"old\": true}\n", -1, NULL));

  g_setenv ("VS_TEST_FILE_PATH", path, TRUE);
  g_test_trap_subprocess ("/core/file/full-disk/child", 0, G_TEST_SUBPROCESS_DEFAULT);
  expected = g_strdup_printf ("*Could not write “%s”: %s*", path, g_strerror (EFBIG));
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout (expected);

  assert_contents (path, "{\"old\": true}\n");
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "result.json");
  vs_test_remove_tree (dir);
}

static void
test_full_disk_child (void)
{
  const char *path = g_getenv ("VS_TEST_FILE_PATH");
  struct rlimit limit = { 4096, 4096 };
  g_autofree char *data = g_malloc (1024 * 1024);
  g_autoptr(GError) error = NULL;

  if (!g_test_subprocess ())
    {
      g_test_skip ("only run by /core/file/full-disk");
      return;
    }

  /* without the default action (death), a write beyond the limit fails with EFBIG */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  memset (data, 'x', 1024 * 1024);
  g_assert_false (vs_file_replace (path, data, 1024 * 1024, &error));
  g_assert_error (error, VS_ERROR, VS_ERROR_IO);
  /* raw bytes, not converted to the locale's charset as g_print() would */
  fputs (error->message, stdout);
  fflush (stdout);
}

/* ---- vs_file_write_async() ---------------------------------------------------------------- */

typedef struct
{
  GThread  *caller;       /* the thread that called vs_file_write_async() */
  GThread  *made_in;      /* the thread make ran in */
  GThread  *called_back;  /* the thread the callback ran in */
  int       n_freed;      /* make_data freed (atomic: the last reference may be the thread's) */
  gboolean  done;
  gboolean  ok;
  GError   *error;
  gboolean  fail_make;
} Writing;

static GBytes *
make_contents (gpointer   data,
               GError   **error)
{
  Writing *writing = data;

  writing->made_in = g_thread_self ();
  if (writing->fail_make)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_IO, "made to fail");
      return NULL;
    }
  return g_bytes_new_static ("made\n", 5);
}

static void
writing_freed (gpointer data)
{
  g_atomic_int_inc (&((Writing *) data)->n_freed);
}

/* make_data is freed with the task, whose last reference the callback or the thread drops. */
static void
assert_freed_once (Writing *writing)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&writing->n_freed) == 0 && g_get_monotonic_time () < end)
    g_usleep (1000);
  g_usleep (10000);
  g_assert_cmpint (g_atomic_int_get (&writing->n_freed), ==, 1);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      data)
{
  Writing *writing = data;

  writing->called_back = g_thread_self ();
  writing->ok = vs_file_write_finish (result, &writing->error);
  writing->done = TRUE;
}

/* Runs the write to its end on this thread's main context. */
static void
run_write (const VsFileWrite *write,
           Writing           *writing)
{
  writing->caller = g_thread_self ();
  vs_file_write_async (write, NULL, written_cb, writing);
  g_assert_false (writing->done);  /* never at the call */
  while (!writing->done)
    g_main_context_iteration (NULL, TRUE);
}

/* The write succeeded, and said so on the caller's thread. */
static void
assert_written (Writing *writing)
{
  g_assert_no_error (writing->error);
  g_assert_true (writing->ok);
  g_assert_true (writing->called_back == writing->caller);
}

/* The write failed with a VS_ERROR_IO that says @says; the error is cleared. */
static void
assert_write_failed (Writing    *writing,
                     const char *says)
{
  g_assert_error (writing->error, VS_ERROR, VS_ERROR_IO);
  g_assert_nonnull (strstr (writing->error->message, says));
  g_assert_false (writing->ok);
  g_clear_error (&writing->error);
}

/* Given contents: written whole through vs_file_replace(), the callback on the caller's
 * thread; a missing folder is not made unless asked. */
static void
test_write_async_contents (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "result.hlog", NULL);
  g_autofree char *nested = g_build_filename (dir, "missing", "result.hlog", NULL);
  g_autoptr(GBytes) contents = g_bytes_new_static ("one\ntwo\n", 8);
  g_autofree char *names = NULL;
  Writing writing = { 0 };
  Writing refused = { 0 };

  run_write (&(VsFileWrite) { .path = path, .contents = contents }, &writing);
  assert_written (&writing);
  assert_contents (path, "one\ntwo\n");

  run_write (&(VsFileWrite) { .path = nested, .contents = contents }, &refused);
  assert_write_failed (&refused, "missing");
  g_assert_false (g_file_test (nested, G_FILE_TEST_EXISTS));

  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "result.hlog");
  vs_test_remove_tree (dir);
}

/* Made contents: the folder made (0700), the contents made in another thread, the file
 * replaced, the old one removed, make_data freed once; a removed file that is already gone is
 * no error. */
static void
test_write_async_made (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *versus = g_build_filename (dir, "versus", NULL);
  g_autofree char *runs = g_build_filename (versus, "runs", NULL);
  g_autofree char *unfinished = g_build_filename (runs, "unfinished.json", NULL);
  g_autofree char *finished = g_build_filename (runs, "last-run.json", NULL);
  g_autofree char *names = NULL;
  Writing first = { 0 };
  Writing last = { 0 };
  Writing again = { 0 };
  struct stat st;

  run_write (&(VsFileWrite) {
               .path = unfinished, .make = make_contents, .make_data = &first,
               .make_data_free = writing_freed, .make_folder = TRUE,
             },
             &first);
  assert_written (&first);
  g_assert_nonnull (first.made_in);
  g_assert_true (first.made_in != first.caller);
  g_assert_true (first.called_back == first.caller);
  assert_freed_once (&first);
  assert_contents (unfinished, "made\n");
  g_assert_cmpint (g_stat (runs, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);

  run_write (&(VsFileWrite) {
               .path = finished, .make = make_contents, .make_data = &last,
               .make_data_free = writing_freed, .make_folder = TRUE, .remove = unfinished,
             },
             &last);
  assert_written (&last);
  assert_freed_once (&last);
  assert_contents (finished, "made\n");
  g_assert_false (g_file_test (unfinished, G_FILE_TEST_EXISTS));

  run_write (&(VsFileWrite) {
               .path = finished, .make = make_contents, .make_data = &again,
               .make_data_free = writing_freed, .remove = unfinished,
             },
             &again);
  assert_written (&again);
  assert_freed_once (&again);

  names = list_dir (runs);
  g_assert_cmpstr (names, ==, "last-run.json");
  vs_test_remove_tree (runs);
  g_rmdir (versus);
  vs_test_remove_tree (dir);
}

/* The first failure ends it: contents that cannot be made write nothing and remove nothing;
 * a path that cannot be replaced removes nothing. */
static void
test_write_async_failure (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "last-run.json", NULL);
  g_autofree char *keep = g_build_filename (dir, "unfinished.json", NULL);
  g_autofree char *folder = g_build_filename (dir, "a-folder", NULL);
  g_autoptr(GBytes) contents = g_bytes_new_static ("x", 1);
  Writing unmade = { .fail_make = TRUE };
  Writing refused = { 0 };

  g_assert_true (g_file_set_contents (keep, "kept", -1, NULL));
  run_write (&(VsFileWrite) {
               .path = path, .make = make_contents, .make_data = &unmade,
               .make_data_free = writing_freed, .remove = keep,
             },
             &unmade);
  assert_write_failed (&unmade, "made to fail");
  assert_freed_once (&unmade);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_contents (keep, "kept");

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  run_write (&(VsFileWrite) { .path = folder, .contents = contents, .remove = keep }, &refused);
  assert_write_failed (&refused, "a-folder");
  assert_contents (keep, "kept");

  g_rmdir (folder);
  vs_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/file/new-and-replace", test_new_and_replace);
  g_test_add_func ("/core/file/symlinks", test_symlinks);
  g_test_add_func ("/core/file/not-regular", test_not_regular);
  g_test_add_func ("/core/file/full-disk", test_full_disk);
  g_test_add_func ("/core/file/full-disk/child", test_full_disk_child);
  g_test_add_func ("/core/file/write-async/contents", test_write_async_contents);
  g_test_add_func ("/core/file/write-async/made", test_write_async_made);
  g_test_add_func ("/core/file/write-async/failure", test_write_async_failure);

  return g_test_run ();
}
