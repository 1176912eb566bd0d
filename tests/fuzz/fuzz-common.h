/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * What every fuzz target shares. A target may return early on any input,
 * but never crash: a critical or a warning (a g_return_if_fail() that some
 * input reached) is made fatal, so libFuzzer reports it with the input.
 * FUZZ_CHECK states a property a correct parser keeps on every input.
 */

int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

#define FUZZ_CHECK(cond)                                                  \
  G_STMT_START {                                                          \
    if (G_UNLIKELY (!(cond)))                                             \
      {                                                                   \
        g_printerr ("%s:%d: property failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                               \
        abort ();                                                         \
      }                                                                   \
  } G_STMT_END

static inline void
fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

/* The input as a nul-terminated string, cut at its first nul as a C caller
 * would see it. */
static inline char *
fuzz_strndup (const uint8_t *data,
              size_t         size)
{
  return g_strndup ((const char *) data, size);
}
