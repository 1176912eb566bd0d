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

/* A warning or a critical aborts, rather than trapping as GLib's fatal
 * messages do, so that libFuzzer catches it and keeps the input. */
static inline GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  if (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_ERROR))
    abort ();
  return G_LOG_WRITER_HANDLED;
}

static inline void
fuzz_log_handler (const char     *log_domain,
                  GLogLevelFlags  log_level,
                  const char     *message,
                  gpointer        user_data)
{
  g_printerr ("%s: %s\n", log_domain != NULL ? log_domain : "", message);
  if (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_ERROR))
    abort ();
}

static inline void
fuzz_init (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  g_log_set_default_handler (fuzz_log_handler, NULL);
}

/* The input as a nul-terminated string, cut at its first nul as a C caller
 * would see it. */
static inline char *
fuzz_strndup (const uint8_t *data,
              size_t         size)
{
  return g_strndup ((const char *) data, size);
}
