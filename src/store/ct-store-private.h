/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ct-record.h"
#include "ct-store-backend.h"

G_BEGIN_DECLS

/*
 * The store's readers of decrypted fields, for the fuzz targets in
 * tests/fuzz, which feed them arbitrary bytes. Not for use by the app.
 */

/* Sets values[i] to the value named names[i] in the serialised a{sv}
 * @data (what ct_store_transaction_list_summaries() reads); %FALSE if
 * @data is not framed as GVariant frames a dictionary. */
gboolean  ct_store_pick_fields           (const guint8        *data,
                                          gsize                size,
                                          const char * const  *names,
                                          guint                n_names,
                                          GVariant           **values);

/* The record @row describes with the decrypted fields @plain; takes
 * @row's strings. */
CtRecord *ct_store_record_from_plaintext (CtStoreRow          *row,
                                          GBytes              *plain);

G_END_DECLS
