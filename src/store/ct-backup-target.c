/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-backup-target"

#include "config.h"

#include "ct-backup-target.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-store-error.h"

/*
 * A backup goes only where it cannot do harm: into a new regular file, or,
 * when asked to replace, over an existing regular file. It never writes
 * through a symbolic link (even one to a regular file), into a folder, a
 * pipe or a device: run as root, "backup /dev/full" must not turn the
 * device into a file. Every refusal happens before anything is written.
 *
 * The copy is always written to a hidden temporary file beside the
 * destination (".NAME.partial-XXXXXX", O_EXCL | O_NOFOLLOW, mode 0600),
 * flushed to the disk, and only then renamed to its name, and the folder
 * flushed too. So a file with the backup's name is always a complete
 * backup: a USB stick pulled out or a disk that fills up part-way leaves
 * at most a file whose name says it is partial, which is removed when the
 * failure is seen, or on the next backup into the folder if the folder had
 * gone.
 */

struct _CtBackupTarget
{
  char *destination;
  char *write_path;     /* the temporary file beside the destination */
  int fd;
  dev_t dev;
  ino_t ino;
  gboolean replace;
  gboolean committed;
};

/* Refuses anything at @destination but a regular file that may be replaced. */
static gboolean
check_existing (const char    *destination,
                const GStatBuf *st,
                CtBackupFlags  flags,
                GError       **error)
{
  if (S_ISLNK (st->st_mode))
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                 _("“%s” is a symbolic link, so no backup was written: a backup is written only to a plain file, never through a link. Name a new file."),
                 destination);
  else if (S_ISDIR (st->st_mode))
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                 _("“%s” is a folder, so no backup was written. Name a new file, for example one inside that folder."),
                 destination);
  else if (!S_ISREG (st->st_mode))
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                 _("“%s” is not a plain file (it is a device, a pipe or a socket), so no backup was written. Name a new file."),
                 destination);
  else if ((flags & CT_BACKUP_REPLACE) == 0)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_EXISTS,
                 _("“%s” already exists, so no backup was written. Name a new file, or replace this one on purpose with “caretrail-admin backup --force”."),
                 destination);
  else
    return TRUE;

  return FALSE;
}

static void
set_write_error (GError     **error,
                 int          saved_errno,
                 const char  *destination)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_DISK_FULL,
                 _("The backup could not be written to “%s”: the disk is full. No backup was left there; free some space or choose another folder, then try again."),
                 destination);
  else
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                 _("The backup could not be written to “%s”: %s. No backup was left there; check that the disk is still connected and try again."),
                 destination, g_strerror (saved_errno));
}

/**
 * ct_backup_target_check:
 * @destination: where a backup is to go
 * @flags: whether an existing regular file may be replaced
 *
 * Checks, without touching anything, that a backup may be written to
 * @destination: nothing is there, or (with %CT_BACKUP_REPLACE) a regular
 * file that is not a symbolic link.
 *
 * Returns: %TRUE if it may
 */
gboolean
ct_backup_target_check (const char     *destination,
                        CtBackupFlags   flags,
                        GError        **error)
{
  GStatBuf st;

  g_return_val_if_fail (destination != NULL, FALSE);

  if (g_lstat (destination, &st) == 0)
    return check_existing (destination, &st, flags, error);

  if (errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The backup cannot be written to “%s”: %s."),
                   destination, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/**
 * ct_backup_target_is_partial_name:
 * @basename: a file's name, without its folder
 *
 * Returns: whether @basename is that of a backup still being written, or
 *   one whose writing failed (see ct_backup_target_create())
 */
gboolean
ct_backup_target_is_partial_name (const char *basename)
{
  g_return_val_if_fail (basename != NULL, FALSE);

  return basename[0] == '.' && strstr (basename, ".partial-") != NULL;
}

/**
 * ct_backup_target_create:
 * @destination: where the backup is to go
 * @flags: whether an existing regular file may be replaced
 *
 * Checks @destination with ct_backup_target_check() and creates the empty
 * temporary file, mode 0600, beside it that the backup is written to.
 * Free the target with ct_backup_target_free(), which removes the
 * temporary file unless ct_backup_target_commit() succeeded.
 *
 * Returns: (transfer full): the target, or %NULL
 */
CtBackupTarget *
ct_backup_target_create (const char     *destination,
                         CtBackupFlags   flags,
                         GError        **error)
{
  g_autoptr(CtBackupTarget) target = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  GStatBuf st;

  g_return_val_if_fail (destination != NULL, NULL);

  if (!ct_backup_target_check (destination, flags, error))
    return NULL;

  target = g_new0 (CtBackupTarget, 1);
  target->fd = -1;
  target->destination = g_strdup (destination);
  target->replace = (flags & CT_BACKUP_REPLACE) != 0;

  dir = g_path_get_dirname (destination);
  base = g_path_get_basename (destination);
  name = g_strdup_printf (".%s.partial-XXXXXX", base);
  target->write_path = g_build_filename (dir, name, NULL);
  /* g_mkstemp_full() adds O_CREAT | O_EXCL. */
  target->fd = g_mkstemp_full (target->write_path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (target->fd < 0)
    {
      int saved_errno = errno;

      g_clear_pointer (&target->write_path, g_free);
      g_set_error (error, CT_STORE_ERROR,
                   saved_errno == ENOSPC ? CT_STORE_ERROR_DISK_FULL : CT_STORE_ERROR_IO,
                   _("The backup cannot be written to “%s”: %s. Check the folder exists and you may write to it."),
                   destination, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (target->fd, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The backup cannot be written to “%s”: %s."),
                   destination, g_strerror (saved_errno));
      return NULL;
    }
  target->dev = st.st_dev;
  target->ino = st.st_ino;

  return g_steal_pointer (&target);
}

/**
 * ct_backup_target_get_path:
 *
 * Returns: the empty file to write the backup into
 */
const char *
ct_backup_target_get_path (CtBackupTarget *target)
{
  g_return_val_if_fail (target != NULL, NULL);
  return target->write_path;
}

/* Whether the file at our path is still the one we created. */
static gboolean
is_ours (CtBackupTarget *target)
{
  GStatBuf st;

  return target->write_path != NULL && g_lstat (target->write_path, &st) == 0 &&
         S_ISREG (st.st_mode) && st.st_dev == target->dev && st.st_ino == target->ino;
}

/* Renames @from to @to unless something is at @to. Where the file system
 * cannot say so atomically (some network shares), it is checked just
 * before. */
static int
rename_no_replace (const char *from,
                   const char *to)
{
#ifdef RENAME_NOREPLACE
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return -1;
#endif
  {
    GStatBuf st;

    if (g_lstat (to, &st) == 0)
      {
        errno = EEXIST;
        return -1;
      }
  }
  return g_rename (from, to);
}

/* Flushes the folder holding @path, so the rename survives a power cut.
 * Some file systems cannot; that is not a failure of the backup. */
static void
sync_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  fsync (fd);
  close (fd);
}

/**
 * ct_backup_target_commit:
 *
 * Makes the written backup durable and puts it at its destination: the
 * temporary file is flushed to the disk and renamed to the destination,
 * which is checked once more (a new file must still be new, a file to be
 * replaced must still be a regular file).
 *
 * Returns: %TRUE on success
 */
gboolean
ct_backup_target_commit (CtBackupTarget  *target,
                         GError         **error)
{
  GStatBuf st;

  g_return_val_if_fail (target != NULL && !target->committed, FALSE);

  if (!is_ours (target))
    {
      if (errno == ENOENT || errno == EIO || errno == ENODEV)
        set_write_error (error, errno, target->destination);
      else
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                     _("The backup file “%s” was replaced by another program while it was written, so the backup was abandoned. Try again."),
                     target->write_path);
      return FALSE;
    }

  if (fsync (target->fd) != 0)
    {
      set_write_error (error, errno, target->destination);
      return FALSE;
    }

  /* Something may have appeared at the destination while the copy was
   * made. */
  if (g_lstat (target->destination, &st) == 0 &&
      !check_existing (target->destination, &st,
                       target->replace ? CT_BACKUP_REPLACE : CT_BACKUP_NONE, error))
    return FALSE;

  if ((target->replace ? g_rename (target->write_path, target->destination)
                       : rename_no_replace (target->write_path, target->destination)) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EEXIST && g_lstat (target->destination, &st) == 0)
        check_existing (target->destination, &st, CT_BACKUP_NONE, error);
      else
        set_write_error (error, saved_errno, target->destination);
      return FALSE;
    }
  g_free (target->write_path);
  target->write_path = g_strdup (target->destination);
  sync_folder (target->destination);

  target->committed = TRUE;
  return TRUE;
}

/**
 * ct_backup_target_free:
 *
 * Closes the target and, unless it was committed, removes the file it made.
 */
void
ct_backup_target_free (CtBackupTarget *target)
{
  if (target == NULL)
    return;

  if (!target->committed && target->fd >= 0 && is_ours (target))
    {
      g_autofree char *journal = g_strconcat (target->write_path, "-journal", NULL);

      /* SQLite's journal of the copy goes with it. */
      g_unlink (journal);
      g_unlink (target->write_path);
    }
  if (target->fd >= 0)
    close (target->fd);

  g_free (target->destination);
  g_free (target->write_path);
  g_free (target);
}
