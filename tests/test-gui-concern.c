/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-concern"

#include "config.h"

#include <adwaita.h>

#include "ct-choice-row.h"
#include "ct-concern-dialog.h"
#include "ct-test-ui.h"

static void
set_entry (CtConcernDialog *dialog,
           const char      *label,
           const char      *text)
{
  GtkWidget *row = ct_test_ui_find_by_label (GTK_WIDGET (dialog), label);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
set_view (CtConcernDialog *dialog,
          const char      *label,
          const char      *text)
{
  GtkWidget *view = ct_test_ui_find_by_label (GTK_WIDGET (dialog), label);

  g_assert_nonnull (view);
  g_assert_true (GTK_IS_TEXT_VIEW (view));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
}

/* 0: not answered, 1: yes, 2: no. */
static void
set_risk (CtConcernDialog *dialog,
          guint            answer)
{
  static const char *values[] = { NULL, "yes", "no" };
  GtkWidget *row = ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Is a child at immediate risk?");

  g_assert_nonnull (row);
  g_assert_true (CT_IS_CHOICE_ROW (row));
  ct_choice_row_set_value (CT_CHOICE_ROW (row), values[answer]);
}

/* The Save button follows the form.save action: it can be pressed exactly
 * when the action is enabled. */
static gboolean
save_enabled (CtConcernDialog *dialog)
{
  GtkWidget *button = ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Save concern");

  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "form.save");
  return gtk_widget_get_sensitive (button);
}

static void
fill_valid (CtConcernDialog *dialog)
{
  set_risk (dialog, 2);
  set_entry (dialog, "Raised by", "Pat Keyworker");
  set_entry (dialog, "Date the concern was raised", "02/03/2026");
  set_entry (dialog, "Time the concern was raised", "09:15");
  set_entry (dialog, "Child’s given names", "Alex Jordan");
  set_entry (dialog, "Child’s family name", "Brown");
  set_entry (dialog, "Child’s other names", "AJ, Jojo ,");
  set_entry (dialog, "Child’s date of birth", "14/07/2015");
  set_entry (dialog, "Local authority area where the child lives", "Exampleshire");
  set_view (dialog, "What was seen or heard", "Bruise on the left forearm, about 3 cm.");
  set_view (dialog, "The child’s own words", "\"Dad grabbed me.\"");
}

static void
test_concern_validation (void)
{
  CtConcernDialog *dialog = ct_concern_dialog_new ();
  g_autofree char *missing = NULL;

  gtk_window_present (GTK_WINDOW (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));

  /* Empty: nothing can be saved, and the form says what is missing. */
  g_assert_false (save_enabled (dialog));
  missing = ct_concern_dialog_describe_missing (dialog);
  g_assert_nonnull (strstr (missing, "immediate risk"));
  g_assert_nonnull (strstr (missing, "who raised the concern"));
  g_assert_nonnull (strstr (missing, "what was seen or heard"));
  g_assert_null (ct_concern_dialog_build_records (dialog));
  ct_test_ui_screenshot (GTK_WIDGET (dialog), "concern-empty.png");

  fill_valid (dialog);
  g_assert_true (save_enabled (dialog));
  g_assert_true (ct_concern_dialog_is_valid (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  ct_test_ui_screenshot (GTK_WIDGET (dialog), "concern-filled.png");

  /* The immediate-risk question must be answered, not left as it was. */
  set_risk (dialog, 0);
  g_assert_false (save_enabled (dialog));
  set_risk (dialog, 1);
  g_assert_true (save_enabled (dialog));

  /* A date that does not exist, or one in the future, is refused. */
  set_entry (dialog, "Child’s date of birth", "31/02/2015");
  g_assert_false (save_enabled (dialog));
  g_assert_true (gtk_widget_has_css_class (ct_test_ui_find_by_label (GTK_WIDGET (dialog),
                                                          "Child’s date of birth"), "error"));
  set_entry (dialog, "Child’s date of birth", "");
  g_assert_true (save_enabled (dialog));
  set_entry (dialog, "Date the concern was raised", "01/01/2099");
  g_assert_false (save_enabled (dialog));
  set_entry (dialog, "Date the concern was raised", "02/03/2026");
  set_entry (dialog, "Time the concern was raised", "25:00");
  g_assert_false (save_enabled (dialog));
  set_entry (dialog, "Time the concern was raised", "09:15");

  /* Blank narrative (only spaces) does not count. */
  set_view (dialog, "What was seen or heard", "   \n ");
  g_assert_false (save_enabled (dialog));
  set_view (dialog, "What was seen or heard", "Bruise on the left forearm.");
  set_entry (dialog, "Child’s family name", " ");
  g_assert_false (save_enabled (dialog));
  set_entry (dialog, "Child’s family name", "Brown");
  g_assert_true (save_enabled (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
on_save_cb (CtConcernDialog  *dialog,
            GPtrArray        *records,
            GPtrArray       **out)
{
  *out = g_ptr_array_ref (records);
}

static void
test_concern_records (void)
{
  CtConcernDialog *dialog = ct_concern_dialog_new ();
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GDateTime) raised = g_date_time_new_local (2026, 3, 2, 9, 15, 0);
  CtRecord *child, *case_record, *concern;
  const char * const *aliases;
  const char * const *child_ids;

  gtk_window_present (GTK_WINDOW (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  fill_valid (dialog);
  set_risk (dialog, 1);

  g_signal_connect (dialog, "save", G_CALLBACK (on_save_cb), &saved);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "form.save", NULL);
  g_assert_nonnull (saved);
  g_assert_cmpuint (saved->len, ==, 3);

  /* While the store writes, saving again is not possible. */
  g_assert_false (save_enabled (dialog));

  child = g_ptr_array_index (saved, 0);
  case_record = g_ptr_array_index (saved, 1);
  concern = g_ptr_array_index (saved, 2);
  g_assert_cmpint (ct_record_get_kind (child), ==, CT_RECORD_KIND_CHILD);
  g_assert_cmpint (ct_record_get_kind (case_record), ==, CT_RECORD_KIND_CASE);
  g_assert_cmpint (ct_record_get_kind (concern), ==, CT_RECORD_KIND_CONCERN);

  g_assert_cmpstr (ct_record_get_string (child, "given-names"), ==, "Alex Jordan");
  g_assert_cmpstr (ct_record_get_string (child, "family-name"), ==, "Brown");
  g_assert_cmpstr (ct_record_get_string (child, "date-of-birth"), ==, "2015-07-14");
  g_assert_cmpstr (ct_record_get_string (child, "area"), ==, "Exampleshire");
  aliases = ct_record_get_strv (child, "aliases");
  g_assert_nonnull (aliases);
  g_assert_cmpstr (aliases[0], ==, "AJ");
  g_assert_cmpstr (aliases[1], ==, "Jojo");
  g_assert_null (aliases[2]);

  child_ids = ct_record_get_strv (case_record, "child-ids");
  g_assert_cmpstr (child_ids[0], ==, ct_record_get_id (child));
  g_assert_cmpstr (ct_record_get_case_id (concern), ==, ct_record_get_id (case_record));
  g_assert_cmpstr (ct_record_get_string (concern, "raised-by-name"), ==, "Pat Keyworker");
  g_assert_cmpint (ct_record_get_int64 (concern, "raised-at", 0), ==,
                   g_date_time_to_unix (raised) * G_USEC_PER_SEC);
  g_assert_cmpstr (ct_record_get_string (concern, "how"), ==, "in-person");
  g_assert_cmpstr (ct_record_get_string (concern, "what"), ==,
                   "Bruise on the left forearm, about 3 cm.");
  g_assert_cmpstr (ct_record_get_string (concern, "childs-words"), ==, "\"Dad grabbed me.\"");
  g_assert_false (ct_record_has_field (concern, "injuries"));
  g_assert_true (ct_record_get_boolean (concern, "immediate-risk", FALSE));

  /* A failure keeps the form open and filled, and saving can be tried again. */
  {
    g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                                                   "The disk is full.");
    ct_concern_dialog_save_finished (dialog, error);
  }
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (save_enabled (dialog));
  g_assert_true (ct_concern_dialog_is_valid (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  ct_test_ui_screenshot (GTK_WIDGET (dialog), "concern-save-failed.png");

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_concern_existing_child (void)
{
  CtConcernDialog *dialog = ct_concern_dialog_new ();
  g_autoptr(CtRecord) known = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GPtrArray) records = NULL;

  ct_record_set_string (known, "given-names", "Alex Jordan");
  ct_record_set_string (known, "family-name", "Brown");
  ct_record_set_string (known, "date-of-birth", "2015-07-14");

  gtk_window_present (GTK_WINDOW (dialog));
  fill_valid (dialog);
  ct_concern_dialog_offer_existing_child (dialog, known);
  records = ct_concern_dialog_build_records (dialog);

  /* No second record for the same child: the case points at the known one. */
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpint (ct_record_get_kind (g_ptr_array_index (records, 0)), ==, CT_RECORD_KIND_CASE);
  g_assert_cmpstr (ct_record_get_strv (g_ptr_array_index (records, 0), "child-ids")[0], ==,
                   ct_record_get_id (known));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Screenshots show the finished state, not a frame of an animation. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/concern/validation", test_concern_validation);
  g_test_add_func ("/ui/concern/records", test_concern_records);
  g_test_add_func ("/ui/concern/existing-child", test_concern_existing_child);

  return g_test_run ();
}
