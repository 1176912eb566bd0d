/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-pages"

#include "config.h"

#include <adwaita.h>

#include <string.h>

#include "ct-child-dialog.h"
#include "ct-choice-row.h"
#include "ct-form-window.h"
#include "ct-person-dialog.h"
#include "ct-record.h"
#include "ct-setup-assistant.h"
#include "ct-step-dialog.h"
#include "ct-store-error.h"
#include "ct-test-ui.h"
#include "ct-unlock-page.h"

static void
type (GtkWidget  *root,
      const char *label,
      const char *text)
{
  GtkWidget *row = ct_test_ui_find_by_label (root, label);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static GtkWindow *
show (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 640, 720);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  return window;
}

static void
on_create_cb (CtSetupAssistant  *assistant,
              GPtrArray         *records,
              GPtrArray        **out)
{
  *out = g_ptr_array_ref (records);
}

static void
test_setup_assistant (void)
{
  GtkWidget *assistant = ct_setup_assistant_new ();
  GtkWindow *window = show (assistant);
  g_autoptr(GPtrArray) records = NULL;
  CtRecord *org, *dso, *agency;

  g_signal_connect (assistant, "create", G_CALLBACK (on_create_cb), &records);
  g_assert_cmpstr (ct_setup_assistant_get_page (CT_SETUP_ASSISTANT (assistant)), ==, "welcome");
  ct_test_ui_screenshot (GTK_WIDGET (window), "setup-welcome.png");
  ct_setup_assistant_next (CT_SETUP_ASSISTANT (assistant));

  /* Each page holds the user until what it needs is there. */
  g_assert_cmpstr (ct_setup_assistant_get_page (CT_SETUP_ASSISTANT (assistant)), ==, "organisation");
  g_assert_false (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  type (assistant, "Organisation name", "Riverside Family Mediation");
  g_assert_false (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  type (assistant, "Organisation address", "1 Example Street");
  g_assert_true (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  ct_setup_assistant_next (CT_SETUP_ASSISTANT (assistant));

  g_assert_cmpstr (ct_setup_assistant_get_page (CT_SETUP_ASSISTANT (assistant)), ==, "people");
  g_assert_false (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  type (assistant, "Designated safeguarding officer’s name", "Dana Officer");
  type (assistant, "Designated safeguarding officer’s contact", "dana@example.org");
  g_assert_true (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  /* A deputy named without a way to reach them is not enough. */
  type (assistant, "Deputy’s name", "Lee Deputy");
  g_assert_false (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  type (assistant, "Deputy’s contact", "01632 960001");
  g_assert_true (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  ct_setup_assistant_next (CT_SETUP_ASSISTANT (assistant));

  g_assert_cmpstr (ct_setup_assistant_get_page (CT_SETUP_ASSISTANT (assistant)), ==, "office");
  type (assistant, "Cut-off time", "25:00");
  g_assert_false (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  type (assistant, "Cut-off time", "15:30");
  g_assert_true (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  ct_setup_assistant_next (CT_SETUP_ASSISTANT (assistant));

  g_assert_cmpstr (ct_setup_assistant_get_page (CT_SETUP_ASSISTANT (assistant)), ==, "authorities");
  g_assert_false (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  type (assistant, "Authority 1 name", "Exampleshire Children’s Services");
  type (assistant, "Authority 1 area", "Exampleshire");
  type (assistant, "Authority 1 telephone", "01632 960999");
  g_assert_true (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "setup-authorities.png");
  ct_setup_assistant_next (CT_SETUP_ASSISTANT (assistant));

  /* Creating hands over the records and waits. */
  g_assert_cmpstr (ct_setup_assistant_get_page (CT_SETUP_ASSISTANT (assistant)), ==, "creating");
  g_assert_nonnull (records);
  g_assert_cmpuint (records->len, ==, 4); /* organisation, DSO, deputy, one authority */
  org = g_ptr_array_index (records, 0);
  dso = g_ptr_array_index (records, 1);
  agency = g_ptr_array_index (records, 3);
  g_assert_cmpint (ct_record_get_kind (org), ==, CT_RECORD_KIND_ORGANISATION);
  g_assert_cmpstr (ct_record_get_string (org, "name"), ==, "Riverside Family Mediation");
  g_assert_cmpstr (ct_record_get_string (org, "cutoff"), ==, "15:30");
  g_assert_cmpstr (ct_record_get_string (org, "nation"), ==, "england-and-wales");
  g_assert_cmpstr (ct_record_get_string (org, "dso-name"), ==, "Dana Officer");
  g_assert_false (ct_record_has_field (org, "sbm-name"));
  g_assert_cmpint (ct_record_get_kind (dso), ==, CT_RECORD_KIND_STAFF);
  g_assert_true (ct_record_get_boolean (dso, "is-dso", FALSE));
  g_assert_cmpstr (ct_record_get_string (dso, "email"), ==, "dana@example.org");
  g_assert_cmpint (ct_record_get_kind (agency), ==, CT_RECORD_KIND_AGENCY);
  g_assert_cmpstr (ct_record_get_string (agency, "area"), ==, "Exampleshire");
  g_assert_cmpstr (ct_record_get_string (agency, "confirmation-period"), ==, "48h");
  g_assert_cmpstr (ct_record_get_string (agency, "kind"), ==, "children-social-care");

  /* A failure goes back with everything still typed. */
  {
    g_autoptr(GError) error = g_error_new_literal (CT_STORE_ERROR, CT_STORE_ERROR_NO_SECRET_SERVICE,
                                                   "No keyring is running.");
    ct_setup_assistant_creation_failed (CT_SETUP_ASSISTANT (assistant), error);
  }
  g_assert_cmpstr (ct_setup_assistant_get_page (CT_SETUP_ASSISTANT (assistant)), ==, "authorities");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ct_test_ui_find_by_label (assistant,
                                                                       "Authority 1 area"))),
                   ==, "Exampleshire");

  ct_setup_assistant_show_recovery_code (CT_SETUP_ASSISTANT (assistant),
                                         "ABCD1234EFGH5678JKLM9012NPQR3456", "db-id");
  g_assert_cmpstr (ct_setup_assistant_get_page (CT_SETUP_ASSISTANT (assistant)), ==, "recovery");
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "setup-recovery.png");

  gtk_window_destroy (window);
}

static guint
count_occurrences (const char *text,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_unlock_page (void)
{
  GtkWidget *page = ct_unlock_page_new ();
  GtkWindow *window = show (page);
  struct { int code; const char *title; } cases[] = {
    { CT_STORE_ERROR_NO_SECRET_SERVICE, "No Keyring Is Running" },
    { CT_STORE_ERROR_KEYRING_LOCKED, "Your Keyring Is Locked" },
    { CT_STORE_ERROR_KEY_MISSING, "The Key Is Not in Your Keyring" },
    { CT_STORE_ERROR_WRONG_KEY, "The Key Does Not Fit" },
    { CT_STORE_ERROR_TOO_NEW, "These Records Need a Newer Caretrail" },
    { CT_STORE_ERROR_CORRUPT, "The Records File Is Damaged" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (CT_STORE_ERROR, cases[i].code, "Detail.");

      ct_unlock_page_set_error (CT_UNLOCK_PAGE (page), error);
      g_assert_cmpstr (ct_unlock_page_get_title (CT_UNLOCK_PAGE (page)), ==, cases[i].title);
    }

  /* Each message is said once: the page's advice, or what the store found. */
  {
    g_autoptr(GError) locked = g_error_new_literal (CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED,
                                                    "Your keyring is locked. Unlock it, then try again.");
    g_autoptr(GError) damaged = g_error_new_literal (CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT,
                                                     "The database’s key check is damaged. Restore it from a backup.");
    GtkWidget *status = ct_test_ui_find_by_type (page, ADW_TYPE_STATUS_PAGE);
    const char *description;

    ct_unlock_page_set_error (CT_UNLOCK_PAGE (page), locked);
    description = adw_status_page_get_description (ADW_STATUS_PAGE (status));
    g_assert_null (strstr (description, locked->message));
    g_assert_nonnull (strstr (description, "Unlock your keyring"));

    ct_unlock_page_set_error (CT_UNLOCK_PAGE (page), damaged);
    description = adw_status_page_get_description (ADW_STATUS_PAGE (status));
    g_assert_cmpstr (description, ==, damaged->message);
  }

  /* A message with its own advice is not followed by the same advice again. */
  {
    g_autoptr(GError) crypto = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                    "The encryption library could not start, so no records can be read or written. Restart the computer and try again.");
    g_autoptr(GError) moved = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                   "The current database could not be moved aside: the disk is full. Nothing has been changed.");
    GtkWidget *status = ct_test_ui_find_by_type (page, ADW_TYPE_STATUS_PAGE);
    const char *description;

    ct_unlock_page_set_error (CT_UNLOCK_PAGE (page), crypto);
    description = adw_status_page_get_description (ADW_STATUS_PAGE (status));
    g_assert_true (g_str_has_prefix (description, crypto->message));
    g_assert_cmpuint (count_occurrences (description, "try again"), ==, 1);
    g_assert_cmpuint (count_occurrences (description, "Nothing has been changed"), ==, 1);

    ct_unlock_page_set_error (CT_UNLOCK_PAGE (page), moved);
    description = adw_status_page_get_description (ADW_STATUS_PAGE (status));
    g_assert_cmpstr (description, ==, moved->message);
  }

  /* A recovery code that fails is explained in a dialog, whole. */
  {
    g_autoptr(GError) typo = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                                  "The recovery code has a typing mistake: its last characters do not match the others. Check each character against the recovery sheet and try again.");
    GtkWidget *alert;

    ct_unlock_page_recovery_failed (CT_UNLOCK_PAGE (page), typo);
    alert = ct_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_nonnull (alert);
    g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (alert)), ==, typo->message);
    gtk_window_destroy (GTK_WINDOW (alert));
  }

  /* Both ways forward are always offered. */
  g_assert_nonnull (ct_test_ui_find_by_label (page, "Try again"));
  g_assert_nonnull (ct_test_ui_find_by_label (page, "Enter recovery code"));

  {
    g_autoptr(GError) error = g_error_new_literal (CT_STORE_ERROR, CT_STORE_ERROR_KEY_MISSING,
                                                   "The key for this database is not in the keyring.");
    ct_unlock_page_set_error (CT_UNLOCK_PAGE (page), error);
  }
  g_assert_true (gtk_widget_has_css_class (ct_test_ui_find_by_label (page, "Enter recovery code"),
                                           "suggested-action"));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "unlock-key-missing.png");

  gtk_window_destroy (window);
}

static gboolean
save_enabled (GtkWidget *dialog)
{
  GtkWidget *button = ct_test_ui_find_by_label (dialog, "Save step");

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

static void
choose (GtkWidget  *dialog,
        const char *question,
        const char *value)
{
  GtkWidget *row = ct_test_ui_find_by_label (dialog, question);

  g_assert_nonnull (row);
  ct_choice_row_set_value (CT_CHOICE_ROW (row), value);
}

static void
on_step_save_cb (CtStepDialog  *dialog,
                 GHashTable   **out)
{
  *out = ct_step_dialog_get_answers (dialog);
}

static void
test_step_dialog (void)
{
  CtStepDialog *dialog = ct_step_dialog_new (CT_EVENT_CONCERNS_REMAIN, NULL);
  g_autoptr(GHashTable) answers = NULL;
  GVariant *value;

  /* Every step's form comes from the core's table. */
  for (guint e = 0; e < CT_N_EVENTS; e++)
    g_assert_true (ct_step_dialog_has_form (e) == (ct_step_form_get (e) != NULL));
  g_assert_true (ct_step_dialog_has_form (CT_EVENT_REFERRAL_MADE));
  g_assert_true (ct_step_dialog_has_form (CT_EVENT_NOTE));

  gtk_window_present (GTK_WINDOW (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));

  /* The decision cannot be saved without its reason and every exception
   * answered. */
  g_assert_false (save_enabled (GTK_WIDGET (dialog)));
  /* When it happened: now, unless changed; never in the future. */
  {
    g_autoptr(GDateTime) at = ct_step_dialog_get_occurred_at (dialog);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    g_assert_nonnull (at);
    g_assert_cmpint (g_date_time_difference (now, at), <, 2 * G_TIME_SPAN_MINUTE);
    g_assert_nonnull (ct_test_ui_find_by_label (GTK_WIDGET (dialog), "When it happened"));
    g_assert_nonnull (ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Time it happened"));
  }
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Why concerns remain", "An unexplained injury.");
  g_assert_false (save_enabled (GTK_WIDGET (dialog)));
  choose (GTK_WIDGET (dialog), "Might a family member be responsible for the harm?", "yes");
  choose (GTK_WIDGET (dialog), "Might telling the family put someone in danger?", "no");
  g_assert_false (save_enabled (GTK_WIDGET (dialog)));
  choose (GTK_WIDGET (dialog), "Might telling the family interfere with a criminal investigation?",
          "no");
  g_assert_true (save_enabled (GTK_WIDGET (dialog)));
  type (GTK_WIDGET (dialog), "When it happened", "01/01/2099");
  g_assert_false (save_enabled (GTK_WIDGET (dialog)));
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    ct_step_dialog_set_occurred_at (dialog, now);
  }
  g_assert_true (save_enabled (GTK_WIDGET (dialog)));
  type (GTK_WIDGET (dialog), "Reason a family member might be responsible", "The child said so.");
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  ct_test_ui_screenshot (GTK_WIDGET (dialog), "step-concerns-remain.png");

  g_signal_connect (dialog, "save", G_CALLBACK (on_step_save_cb), &answers);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "form.save", NULL);
  g_assert_nonnull (answers);
  value = g_hash_table_lookup (answers, "family-member-responsible");
  g_assert_true (g_variant_get_boolean (value));
  value = g_hash_table_lookup (answers, "danger-to-others");
  g_assert_false (g_variant_get_boolean (value));
  value = g_hash_table_lookup (answers, "family-member-responsible-reason");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "The child said so.");
  g_assert_null (g_hash_table_lookup (answers, "danger-to-others-reason"));

  /* When the engine refuses, the form says why and keeps the answers. */
  {
    g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                   "A reason is needed for believing someone might be put in danger.");
    ct_form_window_save_finished (CT_FORM_WINDOW (dialog), error);
  }
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (save_enabled (GTK_WIDGET (dialog)));
  {
    GtkWidget *view = ct_test_ui_find_by_type (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW);
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (text, ==, "An unexplained injury.");
  }

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The person form collects answers; the records it gives are what
 * ct-details makes of them: a new person with their first relationship as
 * their role, linked to the child, and on editing the same records changed,
 * "not known" leaving a flag out. */
/* Whether the form's lawful-basis question (titled @label) lets @basis be
 * chosen. */
static gboolean
offers_basis (CtStepDialog *dialog,
              const char   *label,
              const char   *basis)
{
  GtkWidget *row = ct_test_ui_find_by_label (GTK_WIDGET (dialog), label);

  g_assert_nonnull (row);
  g_assert_true (CT_IS_CHOICE_ROW (row));
  ct_choice_row_set_value (CT_CHOICE_ROW (row), basis);
  return g_strcmp0 (ct_choice_row_get_value (CT_CHOICE_ROW (row)), basis) == 0;
}

/* The referral and the information-sharing decision offer only the lawful
 * bases the organisation's kind can rely on: a law firm or a charity has no
 * public task or legal obligation to share; an organisation of another
 * kind may. */
static void
test_step_dialog_lawful_bases (void)
{
  static const struct {
    CtEvent     event;
    const char *label;
  } steps[] = {
    { CT_EVENT_REFERRAL_MADE, "Lawful basis for sharing" },
    { CT_EVENT_INFORMATION_SHARING_DECIDED, "Lawful basis" },
  };
  static const char *narrow_kinds[] = { "law-firm", "charity", "counselling-practice", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      for (guint k = 0; k < G_N_ELEMENTS (narrow_kinds); k++)
        {
          CtStepDialog *dialog = ct_step_dialog_new_for_organisation (steps[i].event, NULL,
                                                                      narrow_kinds[k]);

          g_assert_true (offers_basis (dialog, steps[i].label, "legitimate-interests"));
          g_assert_true (offers_basis (dialog, steps[i].label, "vital-interests"));
          g_assert_false (offers_basis (dialog, steps[i].label, "public-task"));
          g_assert_false (offers_basis (dialog, steps[i].label, "legal-obligation"));
          g_assert_null (ct_test_ui_find_text (GTK_WIDGET (dialog),
                                               "Public task (UK GDPR Article 6(1)(e))"));
          gtk_window_destroy (GTK_WINDOW (dialog));
        }

      {
        CtStepDialog *dialog = ct_step_dialog_new_for_organisation (steps[i].event, NULL,
                                                                    "other-organisation");

        g_assert_true (offers_basis (dialog, steps[i].label, "legitimate-interests"));
        g_assert_true (offers_basis (dialog, steps[i].label, "public-task"));
        g_assert_true (offers_basis (dialog, steps[i].label, "legal-obligation"));
        gtk_window_destroy (GTK_WINDOW (dialog));
      }
    }
}

static void
test_person_dialog (void)
{
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) relationships = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  CtRecord *child = ct_test_ui_make_record (CT_RECORD_KIND_CHILD, "given-names", "Sam",
                                            "family-name", "Example", NULL);
  CtPersonDialog *dialog;
  CtRecord *person, *rel;

  g_ptr_array_add (children, child);
  dialog = ct_person_dialog_new ("case-1", children, NULL, NULL);
  gtk_window_present (GTK_WINDOW (dialog));

  ct_test_ui_type_into (GTK_WIDGET (dialog), "Given names", "Alex");
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Family name", "Example");
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Date of birth (DD/MM/YYYY)", "31/02/1990");
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Relationship to Sam Example (mother, stepfather…)",
                        "mother");
  ct_test_ui_choose (GTK_WIDGET (dialog), "Has parental responsibility for Sam Example", "Yes");
  ct_test_ui_choose (GTK_WIDGET (dialog), "May be responsible for the harm to Sam Example", "No");
  ct_test_ui_choose (GTK_WIDGET (dialog), "Is the main carer of Sam Example", "Not known");

  records = ct_form_window_build_records (CT_FORM_WINDOW (dialog), &error);
  g_assert_null (records);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "is not a date"));
  g_clear_error (&error);

  ct_test_ui_type_into (GTK_WIDGET (dialog), "Date of birth (DD/MM/YYYY)", "14/07/1990");
  records = ct_form_window_build_records (CT_FORM_WINDOW (dialog), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  person = g_ptr_array_index (records, 0);
  rel = g_ptr_array_index (records, 1);
  g_assert_cmpint (ct_record_get_kind (person), ==, CT_RECORD_KIND_PERSON);
  g_assert_cmpstr (ct_record_get_case_id (person), ==, "case-1");
  g_assert_cmpstr (ct_record_get_string (person, "given-names"), ==, "Alex");
  g_assert_cmpstr (ct_record_get_string (person, "date-of-birth"), ==, "1990-07-14");
  g_assert_cmpstr (ct_record_get_string (person, "role"), ==, "mother");
  g_assert_false (ct_record_has_field (person, "phone"));
  g_assert_cmpint (ct_record_get_kind (rel), ==, CT_RECORD_KIND_RELATIONSHIP);
  g_assert_cmpstr (ct_record_get_case_id (rel), ==, "case-1");
  g_assert_cmpstr (ct_record_get_string (rel, "child-id"), ==, ct_record_get_id (child));
  g_assert_cmpstr (ct_record_get_string (rel, "person-id"), ==, ct_record_get_id (person));
  g_assert_cmpstr (ct_record_get_string (rel, "relation"), ==, "mother");
  g_assert_true (ct_record_get_boolean (rel, "parental-responsibility", FALSE));
  g_assert_true (ct_record_has_field (rel, "alleged-person"));
  g_assert_false (ct_record_get_boolean (rel, "alleged-person", TRUE));
  g_assert_false (ct_record_has_field (rel, "primary-carer"));
  g_assert_false (ct_record_has_field (rel, "access-to-other-children"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Editing: the same ids, the address added, the date of birth removed,
   * parental responsibility now not known. */
  g_ptr_array_add (relationships, g_object_ref (rel));
  dialog = ct_person_dialog_new ("case-1", children, person, relationships);
  gtk_window_present (GTK_WINDOW (dialog));
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Address", "1 Imaginary Lane");
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Date of birth (DD/MM/YYYY)", "");
  ct_test_ui_choose (GTK_WIDGET (dialog), "Has parental responsibility for Sam Example",
                     "Not known");
  changed = ct_form_window_build_records (CT_FORM_WINDOW (dialog), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changed->len, ==, 2);
  g_assert_cmpstr (ct_record_get_id (g_ptr_array_index (changed, 0)), ==,
                   ct_record_get_id (person));
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (changed, 0), "address"), ==,
                   "1 Imaginary Lane");
  g_assert_false (ct_record_has_field (g_ptr_array_index (changed, 0), "date-of-birth"));
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (changed, 0), "role"), ==, "mother");
  g_assert_cmpstr (ct_record_get_id (g_ptr_array_index (changed, 1)), ==, ct_record_get_id (rel));
  g_assert_false (ct_record_has_field (g_ptr_array_index (changed, 1), "parental-responsibility"));
  g_assert_true (ct_record_has_field (g_ptr_array_index (changed, 1), "alleged-person"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The child form changes a copy: the same id, what was not asked kept. */
static void
test_child_dialog (void)
{
  g_autoptr(CtRecord) child = ct_test_ui_make_record (CT_RECORD_KIND_CHILD,
                                                      "given-names", "Sam",
                                                      "family-name", "Example",
                                                      "school", "Example Primary",
                                                      "ethnicity", "Not recorded",
                                                      NULL);
  g_autoptr(CtRecord) changed = NULL;
  g_autoptr(GError) error = NULL;
  CtChildDialog *dialog = ct_child_dialog_new (child);

  gtk_window_present (GTK_WINDOW (dialog));
  ct_test_ui_type_into (GTK_WIDGET (dialog), "School or setting", "");
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Date of birth (DD/MM/YYYY)", "14/07/2015");
  ct_test_ui_choose (GTK_WIDGET (dialog), "The child’s status", "Child in need");
  g_assert_false (ct_record_has_field (child, "safe-now"));
  ct_test_ui_choose (GTK_WIDGET (dialog), "Is the child safe now?",
                     "We do not know that the child is safe");
  g_assert_false (ct_record_has_field (child, "unborn"));
  ct_test_ui_choose (GTK_WIDGET (dialog), "Born or not yet born",
                     "Not yet born: the date is the expected date of birth");

  changed = ct_child_dialog_build_record (dialog, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_id (changed), ==, ct_record_get_id (child));
  g_assert_false (ct_record_has_field (changed, "school"));
  g_assert_cmpstr (ct_record_get_string (changed, "date-of-birth"), ==, "2015-07-14");
  g_assert_cmpstr (ct_record_get_string (changed, "status"), ==, "child-in-need");
  g_assert_true (ct_record_has_field (changed, "safe-now"));
  g_assert_false (ct_record_get_boolean (changed, "safe-now", TRUE));
  /* An unborn child's date is the expected date of birth. */
  g_assert_true (ct_record_get_boolean (changed, "unborn", FALSE));
  g_assert_cmpstr (ct_record_get_string (changed, "ethnicity"), ==, "Not recorded");
  g_assert_cmpstr (ct_record_get_string (child, "school"), ==, "Example Primary");
  g_clear_object (&changed);

  ct_test_ui_type_into (GTK_WIDGET (dialog), "Family name", "");
  changed = ct_child_dialog_build_record (dialog, &error);
  g_assert_null (changed);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/pages/setup-assistant", test_setup_assistant);
  g_test_add_func ("/ui/pages/unlock", test_unlock_page);
  g_test_add_func ("/ui/pages/step-dialog", test_step_dialog);
  g_test_add_func ("/ui/pages/step-dialog-lawful-bases", test_step_dialog_lawful_bases);
  g_test_add_func ("/ui/pages/person-dialog", test_person_dialog);
  g_test_add_func ("/ui/pages/child-dialog", test_child_dialog);

  return g_test_run ();
}
