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
