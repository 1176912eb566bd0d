/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-search-fold"

#include "config.h"

#include <glib.h>

#include "ct-search-fold.h"

static void
assert_folds_to (const char *text,
                 const char *expected)
{
  g_autofree char *folded = ct_search_fold (text, -1);

  g_assert_cmpstr (folded, ==, expected);
}

static void
test_ascii (void)
{
  g_autofree char *part = ct_search_fold ("CT-DEMO-00042 trailing", 13);

  assert_folds_to ("", "");
  assert_folds_to ("Pip Exampleton", "pip exampleton");
  assert_folds_to ("CT-DEMO-00042", "ct-demo-00042");
  g_assert_cmpstr (part, ==, "ct-demo-00042");
}

/* However a name was typed or pasted, it folds to one form. */
static void
test_accents (void)
{
  /* Precomposed í, plain i, capitals, and i followed by a combining acute
   * accent (U+0301), as some keyboards and documents produce it. */
  assert_folds_to ("N\xc3\xad Bhriain", "ni bhriain");
  assert_folds_to ("Ni Bhriain", "ni bhriain");
  assert_folds_to ("nI BHRIAIN", "ni bhriain");
  assert_folds_to ("N\xc3\x8d BHRIAIN", "ni bhriain");
  assert_folds_to ("Ni\xcc\x81 Bhriain", "ni bhriain");
  assert_folds_to ("Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", "zoe angstrom");
  assert_folds_to ("Si\xc3\xa2n Gruffydd", "sian gruffydd");
  assert_folds_to ("Fran\xc3\xa7ois", "francois");
}

static void
test_case_folding (void)
{
  /* Folding is more than lowering: ß is "ss", and a ligature is its
   * letters. */
  assert_folds_to ("Stra\xc3\x9f" "e", "strasse");
  assert_folds_to ("STRASSE", "strasse");
  assert_folds_to ("\xef\xac\x81nn", "finn");
  /* Greek final sigma folds like any sigma. */
  assert_folds_to ("\xce\x9f\xce\xb4\xcf\x85\xcf\x83\xcf\x83\xce\xb5\xcf\x8d\xcf\x82",
                   "\xce\xbf\xce\xb4\xcf\x85\xcf\x83\xcf\x83\xce\xb5\xcf\x85\xcf\x83");
}

static void
test_undecomposed_letters (void)
{
  assert_folds_to ("S\xc3\xb8rensen", "sorensen");
  assert_folds_to ("\xc5\x81\xc3\xb3" "d\xc5\xba", "lodz");
  assert_folds_to ("\xc3\x86thelred", "aethelred");
}

static void
test_other_scripts (void)
{
  /* Hangul syllables decompose to letters (jamo) that are not marks: they
   * must come back together, or a syllable could not be found. */
  assert_folds_to ("\xed\x95\x9c\xea\xb8\x80", "\xed\x95\x9c\xea\xb8\x80");
  /* A Cyrillic capital folds; й keeps no breve, as with Latin accents. */
  assert_folds_to ("\xd0\x90\xd0\xbd\xd0\xbd\xd0\xb0", "\xd0\xb0\xd0\xbd\xd0\xbd\xd0\xb0");
}

static void
test_invalid_utf8 (void)
{
  /* Damaged text still folds to something searchable, never NULL. */
  g_autofree char *folded = ct_search_fold ("Caf\xc3\xa9 \xff" "Bar", -1);

  g_assert_nonnull (folded);
  g_assert_true (g_utf8_validate (folded, -1, NULL));
  g_assert_true (g_str_has_prefix (folded, "cafe "));
  g_assert_true (g_str_has_suffix (folded, "bar"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/search-fold/ascii", test_ascii);
  g_test_add_func ("/core/search-fold/accents", test_accents);
  g_test_add_func ("/core/search-fold/case-folding", test_case_folding);
  g_test_add_func ("/core/search-fold/undecomposed-letters", test_undecomposed_letters);
  g_test_add_func ("/core/search-fold/other-scripts", test_other_scripts);
  g_test_add_func ("/core/search-fold/invalid-utf8", test_invalid_utf8);

  return g_test_run ();
}
