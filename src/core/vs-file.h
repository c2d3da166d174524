/* vs-file.h: writing a file so that it is never lost or damaged
 *
 * Every file Versus writes (summary.csv, timeseries.csv, the JSON result, plans) goes through
 * vs_file_replace(): the data goes to a temporary file in the same folder, is flushed to the
 * disk (fsync) and renamed over the old file. Readers see the old file or the whole new one;
 * when anything fails (a full disk, a file size limit, a read-only folder) the temporary file
 * is removed and the old file is left as it was.
 *
 * Only regular files are replaced: a symbolic link is followed to the file it names (the link
 * stays), and anything else at the path (a device such as /dev/null, a FIFO, a folder) is
 * refused, so that no one, not even root, replaces /dev/null with a result.
 *
 * Every file Versus reads whole (a plan, a result) comes through vs_file_read(): a regular file
 * only (never waiting on a FIFO, never reading /dev/zero forever) of bounded size.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* FALSE with a VS_ERROR_IO "Could not write “path”: reason" when the file was not replaced. */
gboolean vs_file_replace (const char  *path,
                          const void  *data,
                          gsize        length,
                          GError     **error);

/* The whole file, NUL-terminated, when it is a regular file of at most max_bytes; NULL with a
 * VS_ERROR_IO "cannot open “path”: reason", "“path” is not a regular file" or "“path” is larger
 * than 1024 KiB, the limit for a plan" (what: "a plan") otherwise. */
char    *vs_file_read    (const char  *path,
                          gsize        max_bytes,
                          const char  *what,
                          gsize       *length,
                          GError     **error);

G_END_DECLS
