/* vs-file.c: replacing a file atomically, never anything but a regular file */
#include "config.h"

#include "vs-file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vs-error.h"

/* as the kernel's own limit on links followed in one lookup */
#define MAX_LINKS 40

static gboolean
set_error (GError     **error,
           const char  *path,
           const char  *reason)
{
  g_set_error (error, VS_ERROR, VS_ERROR_IO, _("Could not write “%s”: %s"), path, reason);
  return FALSE;
}

/* The file that @path names once symbolic links are followed; *st is filled and *exists set
 * when it exists. NULL (with the error) when it exists and is not a regular file. */
static char *
resolve (const char   *path,
         struct stat  *st,
         gboolean     *exists,
         GError      **error)
{
  g_autofree char *current = g_strdup (path);

  for (guint i = 0; i <= MAX_LINKS; i++)
    {
      g_autofree char *target = NULL;

      if (g_lstat (current, st) != 0)
        {
          int saved_errno = errno;

          if (saved_errno != ENOENT)
            {
              set_error (error, path, g_strerror (saved_errno));
              return NULL;
            }
          *exists = FALSE;
          return g_steal_pointer (&current);
        }

      if (S_ISREG (st->st_mode))
        {
          *exists = TRUE;
          return g_steal_pointer (&current);
        }

      if (!S_ISLNK (st->st_mode))
        {
          set_error (error, path, _("it is not a regular file, and Versus replaces only "
                                    "regular files"));
          return NULL;
        }

      target = g_file_read_link (current, NULL);
      if (target == NULL)
        {
          set_error (error, path, g_strerror (errno));
          return NULL;
        }
      if (!g_path_is_absolute (target))
        {
          g_autofree char *dir = g_path_get_dirname (current);

          g_free (current);
          current = g_build_filename (dir, target, NULL);
        }
      else
        {
          g_free (current);
          current = g_steal_pointer (&target);
        }
    }

  set_error (error, path, g_strerror (ELOOP));
  return NULL;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, MIN (length, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      data += n;
      length -= n;
    }

  return TRUE;
}

gboolean
vs_file_replace (const char  *path,
                 const void  *data,
                 gsize        length,
                 GError     **error)
{
  g_autofree char *file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;
  struct stat st;
  gboolean exists = FALSE;
  int saved_errno;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  file = resolve (path, &st, &exists, error);
  if (file == NULL)
    return FALSE;

  /* in the same folder, so that the rename stays on one file system */
  dir = g_path_get_dirname (file);
  base = g_path_get_basename (file);
  tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  /* 0666 less the umask, as for any new file; an old file's mode and owner are kept */
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    return set_error (error, path, g_strerror (errno));

  if (exists)
    {
      /* owner first: changing it clears set-id bits the mode then restores */
      if (fchown (fd, st.st_uid, st.st_gid) != 0)
        {
          /* not ours to give away: the file becomes the writer's, as with any editor */
        }
      if (fchmod (fd, st.st_mode & 07777) != 0)
        goto failed;
    }

  if (!write_all (fd, data, length) || fsync (fd) != 0)
    goto failed;
  if (close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }
  fd = -1;

  if (g_rename (tmp, file) != 0)
    goto failed;

  /* the rename itself reaches the disk with the folder */
  {
    int dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

    if (dir_fd >= 0)
      {
        fsync (dir_fd);
        close (dir_fd);
      }
  }

  return TRUE;

failed:
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (tmp);
  return set_error (error, path, g_strerror (saved_errno));
}

char *
vs_file_read (const char  *path,
              gsize        max_bytes,
              const char  *what,
              gsize       *length,
              GError     **error)
{
  g_autofree char *contents = NULL;
  /* 1024 KiB as the plan's limit has always been written; large limits in MiB */
  g_autofree char *limit = max_bytes >= 16 * 1024 * 1024 && max_bytes % (1024 * 1024) == 0
                             ? g_strdup_printf (_("%zu MiB"), max_bytes >> 20)
                             : g_strdup_printf (_("%zu KiB"), max_bytes >> 10);
  struct stat st;
  gsize filled = 0, capacity;
  int fd;

  g_return_val_if_fail (path != NULL && length != NULL, NULL);

  /* O_NONBLOCK: opening a FIFO must not wait for a writer */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("cannot open “%s”: %s"), path,
                   g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("“%s” is not a regular file"), path);
      close (fd);
      return NULL;
    }
  if ((guint64) st.st_size > max_bytes)
    {
      /* TRANSLATORS: the path, the size limit ("1024 KiB"), what the file is ("a plan") */
      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("“%s” is larger than %s, the limit for %s"),
                   path, limit, what);
      close (fd);
      return NULL;
    }

  /* read to one byte past the limit: a file that grew since fstat is still caught */
  capacity = (gsize) st.st_size + 1;
  contents = g_malloc (capacity + 1);
  while (filled <= max_bytes)
    {
      gssize n;

      if (filled == capacity)
        {
          capacity = MIN (capacity * 2, max_bytes + 1);
          contents = g_realloc (contents, capacity + 1);
        }
      n = read (fd, contents + filled, capacity - filled);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, VS_ERROR, VS_ERROR_IO, _("cannot read “%s”: %s"), path,
                       g_strerror (saved_errno));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      filled += n;
    }
  close (fd);

  if (filled > max_bytes)
    {
      g_set_error (error, VS_ERROR, VS_ERROR_IO, _("“%s” is larger than %s, the limit for %s"),
                   path, limit, what);
      return NULL;
    }

  contents[filled] = '\0';
  *length = filled;
  return g_steal_pointer (&contents);
}
