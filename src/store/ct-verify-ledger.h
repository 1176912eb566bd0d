/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-crypto.h"
#include "ct-record.h"

G_BEGIN_DECLS

/*
 * What the audit log says the file must hold, kept on disk while verify
 * runs: for each record, the versions the log wrote and their digests, and
 * which of them were found. It lives in a private temporary SQLite
 * database, deleted when the ledger is freed (or the process ends), that
 * holds only record ids, digests and entry numbers, never a key or a
 * plaintext.
 */
typedef struct _CtVerifyLedger CtVerifyLedger;

/* One record the log wrote, as found or looked up. */
typedef struct
{
  gint64 live_version;            /* the last version the log wrote */
  char *case_id;                  /* as the log wrote it */
  gboolean seen_live;             /* its live row was found */
  /* The live row found, when seen_live: its version and updated-at. */
  gint64 found_version;
  gint64 found_updated_at;
  /* What the log wrote for live_version (seq 0 if nothing). */
  gint64 live_seq;
  guint8 live_digest[CT_DIGEST_BYTES];
} CtVerifyLedgerRecord;

/* One version of a record the log wrote; seq 0 for a version no entry
 * wrote (a gap below a later version). */
typedef struct
{
  gint64 version;
  gint64 seq;
  gboolean seen;
} CtVerifyLedgerVersion;

/* Called for each record of the ledger, with its versions below the live
 * one, version 1 first, gaps included; return %FALSE (with @error set) to
 * stop. */
typedef gboolean (*CtVerifyLedgerRecordFunc) (CtRecordKind                 kind,
                                              const char                  *id,
                                              const CtVerifyLedgerRecord  *record,
                                              const CtVerifyLedgerVersion *versions,
                                              guint                        n_versions,
                                              gpointer                     user_data,
                                              GError                     **error);

CtVerifyLedger *ct_verify_ledger_new          (GError                   **error);
void            ct_verify_ledger_free         (CtVerifyLedger            *self);
gboolean        ct_verify_ledger_write        (CtVerifyLedger            *self,
                                               CtRecordKind               kind,
                                               const char                *id,
                                               const char                *case_id,
                                               gint64                     version,
                                               const guint8              *digest,
                                               gint64                     seq,
                                               GError                   **error);
gboolean        ct_verify_ledger_erase        (CtVerifyLedger            *self,
                                               CtRecordKind               kind,
                                               const char                *id,
                                               GError                   **error);
gboolean        ct_verify_ledger_finish       (CtVerifyLedger            *self,
                                               GError                   **error);
gboolean        ct_verify_ledger_lookup       (CtVerifyLedger            *self,
                                               CtRecordKind               kind,
                                               const char                *id,
                                               CtVerifyLedgerRecord      *out_record,
                                               gboolean                  *out_found,
                                               GError                   **error);
gboolean        ct_verify_ledger_see_live     (CtVerifyLedger            *self,
                                               CtRecordKind               kind,
                                               const char                *id,
                                               gint64                     version,
                                               gint64                     updated_at,
                                               CtVerifyLedgerRecord      *out_record,
                                               gboolean                  *out_found,
                                               GError                   **error);
gboolean        ct_verify_ledger_see_version  (CtVerifyLedger            *self,
                                               CtRecordKind               kind,
                                               const char                *id,
                                               gint64                     version,
                                               guint8                     out_digest[CT_DIGEST_BYTES],
                                               gint64                    *out_seq,
                                               GError                   **error);
gboolean        ct_verify_ledger_foreach      (CtVerifyLedger            *self,
                                               CtVerifyLedgerRecordFunc   func,
                                               gpointer                   user_data,
                                               GError                   **error);

void            ct_verify_ledger_record_clear (CtVerifyLedgerRecord      *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtVerifyLedger, ct_verify_ledger_free)

G_END_DECLS
