/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-procedure.h"
#include "ct-record.h"

G_BEGIN_DECLS

/**
 * SECTION:ct-step-records
 * @title: What a step writes
 *
 * The records a procedure step makes besides its chronology entry, built
 * from its answers in one place for the app, the command line and the
 * sample data alike. ct_procedure_record() calls it, so every accepted
 * #CtTransition carries its records.
 */

GPtrArray *ct_step_records_build      (const CtTransition  *transition,
                                       GHashTable          *answers,
                                       const CtStepContext *context);
void       ct_step_records_fill_case  (CtRecord            *case_record,
                                       const CtTransition  *transition,
                                       GHashTable          *answers);

G_END_DECLS
