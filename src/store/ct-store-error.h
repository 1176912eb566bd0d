/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CT_STORE_ERROR (ct_store_error_quark ())

/**
 * CtStoreError:
 * @CT_STORE_ERROR_NO_SECRET_SERVICE: no Secret Service (keyring) is running
 * @CT_STORE_ERROR_KEYRING_LOCKED: the keyring holding the key is locked
 * @CT_STORE_ERROR_KEY_MISSING: this installation made the database but its
 *   key is no longer in the keyring
 * @CT_STORE_ERROR_WRONG_KEY: the keyring holds a key that does not open
 *   this database
 * @CT_STORE_ERROR_FOREIGN_DATABASE: the database was made by another
 *   installation and its key is not in this keyring
 * @CT_STORE_ERROR_TOO_NEW: the database was written by a newer Caretrail
 * @CT_STORE_ERROR_CORRUPT: the file is damaged
 * @CT_STORE_ERROR_TAMPERED: encrypted data or the audit log failed
 *   authentication
 * @CT_STORE_ERROR_NOT_FOUND: no such record
 * @CT_STORE_ERROR_IO: reading or writing the file failed
 * @CT_STORE_ERROR_BAD_RECOVERY_CODE: the recovery code is wrong
 * @CT_STORE_ERROR_NOT_A_DATABASE: the file is not a Caretrail database
 * @CT_STORE_ERROR_EXISTS: a database already exists at the path
 * @CT_STORE_ERROR_NO_DATABASE: there is no database at the path
 * @CT_STORE_ERROR_CONFLICT: the record was changed since it was read
 * @CT_STORE_ERROR_INVALID: the request itself is invalid
 * @CT_STORE_ERROR_CLOSED: the store has been closed
 * @CT_STORE_ERROR_KEYRING: the keyring refused to store or return the key
 * @CT_STORE_ERROR_DISK_FULL: the disk is full
 * @CT_STORE_ERROR_BUSY: the database is in use by another program
 * @CT_STORE_ERROR_ROLLED_BACK: the file is older than the records this
 *   computer last wrote to it (its audit log ends before the high-water
 *   mark kept in the keyring)
 * @CT_STORE_ERROR_NOT_A_MEMBER: none of the keys in the keyring is a
 *   member's of the organisation on the server (removed, or not yet
 *   approved)
 */
typedef enum
{
  CT_STORE_ERROR_NO_SECRET_SERVICE,
  CT_STORE_ERROR_KEYRING_LOCKED,
  CT_STORE_ERROR_KEY_MISSING,
  CT_STORE_ERROR_WRONG_KEY,
  CT_STORE_ERROR_FOREIGN_DATABASE,
  CT_STORE_ERROR_TOO_NEW,
  CT_STORE_ERROR_CORRUPT,
  CT_STORE_ERROR_TAMPERED,
  CT_STORE_ERROR_NOT_FOUND,
  CT_STORE_ERROR_IO,
  CT_STORE_ERROR_BAD_RECOVERY_CODE,
  CT_STORE_ERROR_NOT_A_DATABASE,
  CT_STORE_ERROR_EXISTS,
  CT_STORE_ERROR_NO_DATABASE,
  CT_STORE_ERROR_CONFLICT,
  CT_STORE_ERROR_INVALID,
  CT_STORE_ERROR_CLOSED,
  CT_STORE_ERROR_KEYRING,
  CT_STORE_ERROR_DISK_FULL,
  CT_STORE_ERROR_BUSY,
  CT_STORE_ERROR_ROLLED_BACK,
  CT_STORE_ERROR_NOT_A_MEMBER,
} CtStoreError;

GQuark      ct_store_error_quark          (void);
const char *ct_store_error_code_to_string (CtStoreError code);

G_END_DECLS
