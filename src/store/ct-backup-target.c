/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-backup-target"

#include "config.h"

#include "ct-backup-target.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ct-store-error.h"

/*
 * A backup goes only where it cannot do harm: into a new regular file it
 * creates itself (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600), or, when asked
 * to replace, over an existing regular file by a rename from a temporary
 * file in the same folder. It never writes through a symbolic link (even
 * one to a regular file), into a folder, a pipe or a device: run as root,
 * "backup /dev/full" must not turn the device into a file. Every refusal
 * happens before anything is written, and a failure part-way removes only
 * the file the backup made.
 */

struct _CtBackupTarget
{
  char *destination;
  char *write_path;     /* the destination itself, or a temporary beside it */
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
 * ct_backup_target_create:
 * @destination: where the backup is to go
 * @flags: whether an existing regular file may be replaced
 *
 * Checks @destination with ct_backup_target_check() and creates the empty
 * file, mode 0600, that the backup is written to: @destination itself when
 * nothing is there, or a temporary file beside it when a regular file is
 * to be replaced. Free the target with ct_backup_target_free(), which
 * removes the file unless ct_backup_target_commit() succeeded.
 *
 * Returns: (transfer full): the target, or %NULL
 */
CtBackupTarget *
ct_backup_target_create (const char     *destination,
                         CtBackupFlags   flags,
                         GError        **error)
{
  g_autoptr(CtBackupTarget) target = NULL;
  GStatBuf st;
  gboolean exists;

  g_return_val_if_fail (destination != NULL, NULL);

  if (!ct_backup_target_check (destination, flags, error))
    return NULL;
  exists = g_lstat (destination, &st) == 0;

  target = g_new0 (CtBackupTarget, 1);
  target->fd = -1;
  target->destination = g_strdup (destination);
  target->replace = exists;

  if (!exists)
    {
      target->write_path = g_strdup (destination);
      target->fd = open (destination, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
  else
    {
      g_autofree char *dir = g_path_get_dirname (destination);
      g_autofree char *base = g_path_get_basename (destination);
      g_autofree char *name = g_strdup_printf (".%s.XXXXXX", base);

      /* g_mkstemp_full() adds O_CREAT | O_EXCL. */
      target->write_path = g_build_filename (dir, name, NULL);
      target->fd = g_mkstemp_full (target->write_path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    }

  if (target->fd < 0)
    {
      int saved_errno = errno;

      g_clear_pointer (&target->write_path, g_free);
      if (saved_errno == EEXIST)
        {
          /* Something appeared at the path since it was checked. */
          if (g_lstat (destination, &st) == 0 && !check_existing (destination, &st, flags, error))
            return NULL;
        }
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

/**
 * ct_backup_target_commit:
 *
 * Makes the written backup durable and puts it at its destination: a new
 * file is already there; a replacement is renamed over the old file, which
 * is checked once more to be a regular file.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_backup_target_commit (CtBackupTarget  *target,
                         GError         **error)
{
  g_return_val_if_fail (target != NULL && !target->committed, FALSE);

  if (!is_ours (target))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The backup file “%s” was replaced by another program while it was written, so the backup was abandoned. Try again."),
                   target->write_path);
      return FALSE;
    }

  if (fsync (target->fd) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CT_STORE_ERROR,
                   saved_errno == ENOSPC ? CT_STORE_ERROR_DISK_FULL : CT_STORE_ERROR_IO,
                   _("The backup could not be written to “%s”: %s."),
                   target->destination, g_strerror (saved_errno));
      return FALSE;
    }

  if (target->replace)
    {
      if (!ct_backup_target_check (target->destination, CT_BACKUP_REPLACE, error))
        return FALSE;
      if (g_rename (target->write_path, target->destination) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                       _("The backup could not be written to “%s”: %s."),
                       target->destination, g_strerror (saved_errno));
          return FALSE;
        }
      g_free (target->write_path);
      target->write_path = g_strdup (target->destination);
    }

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
    g_unlink (target->write_path);
  if (target->fd >= 0)
    close (target->fd);

  g_free (target->destination);
  g_free (target->write_path);
  g_free (target);
}
