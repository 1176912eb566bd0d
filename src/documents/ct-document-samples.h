/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ct-chronology-report.h"
#include "ct-record-of-concern.h"
#include "ct-recovery-sheet.h"
#include "ct-referral-letter.h"

G_BEGIN_DECLS

/* Clearly fictional documents, for trying the layout from the command line,
 * for tests and for benchmarks. Every call returns the same static data;
 * callers may copy the structure and change fields in the copy. */
const CtReferralLetter   *ct_document_sample_referral_letter   (void);
const CtRecordOfConcern  *ct_document_sample_record_of_concern (void);
const CtChronologyReport *ct_document_sample_chronology        (void);
const CtRecoverySheet    *ct_document_sample_recovery_sheet    (void);

G_END_DECLS
