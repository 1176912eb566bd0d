/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-search-fold"

#include "config.h"

#include <string.h>

#include "ct-search-fold.h"

/* Letters that carry a stroke or are ligatures have no Unicode
 * decomposition, yet people type them without it: "Sorensen" for
 * "Sørensen", "Lodz" for "Łódź". Already case-folded. */
static const struct
{
  gunichar    letter;
  const char *plain;
} undecomposed[] = {
  { 0x00e6, "ae" }, /* æ */
  { 0x00f0, "d" },  /* ð */
  { 0x00f8, "o" },  /* ø */
  { 0x00fe, "th" }, /* þ */
  { 0x0111, "d" },  /* đ */
  { 0x0127, "h" },  /* ħ */
  { 0x0131, "i" },  /* ı */
  { 0x0142, "l" },  /* ł */
  { 0x0153, "oe" }, /* œ */
  { 0x0167, "t" },  /* ŧ */
};

static void
append_plain (GString  *out,
              gunichar  c)
{
  for (guint i = 0; i < G_N_ELEMENTS (undecomposed); i++)
    {
      if (undecomposed[i].letter == c)
        {
          g_string_append (out, undecomposed[i].plain);
          return;
        }
    }

  g_string_append_unichar (out, c);
}

/**
 * ct_search_fold:
 * @text: UTF-8 text
 * @length: the length of @text in bytes, or -1 if it is nul-terminated
 *
 * Folds @text to the form searches compare: compatibility-decomposed,
 * case-folded, with accents and other combining marks removed, and
 * recomposed (NFC). A name matches however it was typed or pasted:
 * "Ni Bhriain", "NÍ BHRIAIN" and "Ní Bhriain" written with a combining
 * acute all fold to "ni bhriain". Text that is plain ASCII is only
 * lowered, which is much quicker.
 *
 * Returns: (transfer full): the folded text.
 */
char *
ct_search_fold (const char *text,
                gssize      length)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  g_autoptr(GString) plain = NULL;
  gboolean ascii = TRUE;
  gsize len;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (text == NULL)
    return g_strdup ("");

  len = length < 0 ? strlen (text) : (gsize) length;
  for (gsize i = 0; i < len && ascii; i++)
    ascii = !(text[i] & 0x80);

  if (ascii)
    {
      char *out = g_malloc (len + 1);

      for (gsize i = 0; i < len; i++)
        out[i] = g_ascii_tolower (text[i]);
      out[len] = '\0';
      return out;
    }

  /* Decomposed first, so that every accent is a mark of its own and the
   * case of the letter under it is folded alone. */
  decomposed = g_utf8_normalize (text, len, G_NORMALIZE_ALL);
  if (decomposed == NULL)
    {
      /* Not valid UTF-8: fold what can be read and keep the rest. */
      g_autofree char *valid = g_utf8_make_valid (text, len);

      decomposed = g_utf8_normalize (valid, -1, G_NORMALIZE_ALL);
    }
  folded = g_utf8_casefold (decomposed, -1);

  plain = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_ismark (c))
        append_plain (plain, c);
    }

  return g_utf8_normalize (plain->str, plain->len, G_NORMALIZE_ALL_COMPOSE);
}
