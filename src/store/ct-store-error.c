/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store-error"

#include "config.h"

#include "ct-store-error.h"

G_DEFINE_QUARK (ct-store-error-quark, ct_store_error)

/**
 * ct_store_error_code_to_string:
 * @code: a #CtStoreError
 *
 * Returns: a stable kebab-case name for @code, for logs and scripts
 */
const char *
ct_store_error_code_to_string (CtStoreError code)
{
  switch (code)
    {
    case CT_STORE_ERROR_NO_SECRET_SERVICE: return "no-secret-service";
    case CT_STORE_ERROR_KEYRING_LOCKED: return "keyring-locked";
    case CT_STORE_ERROR_KEY_MISSING: return "key-missing";
    case CT_STORE_ERROR_WRONG_KEY: return "wrong-key";
    case CT_STORE_ERROR_FOREIGN_DATABASE: return "foreign-database";
    case CT_STORE_ERROR_TOO_NEW: return "too-new";
    case CT_STORE_ERROR_CORRUPT: return "corrupt";
    case CT_STORE_ERROR_TAMPERED: return "tampered";
    case CT_STORE_ERROR_NOT_FOUND: return "not-found";
    case CT_STORE_ERROR_IO: return "io";
    case CT_STORE_ERROR_BAD_RECOVERY_CODE: return "bad-recovery-code";
    case CT_STORE_ERROR_NOT_A_DATABASE: return "not-a-database";
    case CT_STORE_ERROR_EXISTS: return "exists";
    case CT_STORE_ERROR_NO_DATABASE: return "no-database";
    case CT_STORE_ERROR_CONFLICT: return "conflict";
    case CT_STORE_ERROR_INVALID: return "invalid";
    case CT_STORE_ERROR_CLOSED: return "closed";
    case CT_STORE_ERROR_KEYRING: return "keyring";
    case CT_STORE_ERROR_DISK_FULL: return "disk-full";
    case CT_STORE_ERROR_BUSY: return "busy";
    case CT_STORE_ERROR_ROLLED_BACK: return "rolled-back";
    case CT_STORE_ERROR_NOT_A_MEMBER: return "not-a-member";
    default: return "unknown";
    }
}
