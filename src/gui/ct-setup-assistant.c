/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-setup-assistant"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-crypto.h"
#include "ct-details.h"
#include "ct-format.h"
#include "ct-pdf-actions.h"
#include "ct-procedure.h"
#include "ct-record.h"
#include "ct-recovery-sheet.h"
#include "ct-alert.h"
#include "ct-setup-assistant.h"
#include "ct-store-location.h"
#include "ct-store-members.h"

/*
 * The first-run assistant: the organisation, the people its policy names,
 * its cut-off time and the local authorities it refers to. Its last step
 * creates the encrypted database (through the "create" signal) and shows
 * the recovery code once, with the recovery sheet to print or save.
 *
 * Or it joins an organisation on a server: it makes this keyring's member
 * keys and asks to join (as “caretrail-admin member-request” does), shows
 * the fingerprint to read out to the member who approves, and asks the
 * server now and then until the request is approved (then "joined") or
 * declined.
 */

#define JOIN_POLL_MS 5000

typedef struct
{
  AdwPreferencesGroup *group;
  AdwEntryRow         *name_row;
  AdwEntryRow         *area_row;
  AdwEntryRow         *phone_row;
  AdwEntryRow         *email_row;
  AdwEntryRow         *ooh_row;
  AdwEntryRow         *address_row;
  AdwComboRow         *period_row;
} AuthorityRows;

struct _CtSetupAssistant
{
  AdwBin               parent_instance;

  GArray              *authorities; /* AuthorityRows */
  char                *recovery_code;
  char                *database_id;
  gboolean             creating;
  char                *join_location;
  gboolean             asking;
  guint                poll_id;
  guint                poll_ms;
  gboolean             look_again;  /* a change was announced during a lookup */
  gboolean             looking;
  CtPgWatch           *watch;
  GCancellable        *cancellable;

  AdwWindowTitle      *title_widget;
  GtkButton           *back_button;
  GtkButton           *next_button;
  AdwToastOverlay     *toast_overlay;
  GtkStack            *stack;
  AdwEntryRow         *org_name_row;
  AdwEntryRow         *org_address_row;
  AdwEntryRow         *org_phone_row;
  AdwEntryRow         *org_email_row;
  AdwComboRow         *nation_row;
  AdwEntryRow         *dso_name_row;
  AdwEntryRow         *dso_contact_row;
  AdwEntryRow         *deputy_name_row;
  AdwEntryRow         *deputy_contact_row;
  AdwEntryRow         *sbm_name_row;
  AdwEntryRow         *sbm_contact_row;
  AdwEntryRow         *cutoff_row;
  GtkBox              *authorities_box;
  GtkSpinner          *creating_spinner;
  GtkLabel            *recovery_label;
  AdwEntryRow         *join_address_row;
  AdwEntryRow         *join_name_row;
  AdwComboRow         *join_role_row;
  GtkLabel            *join_error_label;
  GtkLabel            *fingerprint_label;
  GtkSpinner          *waiting_spinner;
  GtkLabel            *waiting_error_label;
  GtkButton           *start_over_button;
};

G_DEFINE_FINAL_TYPE (CtSetupAssistant, ct_setup_assistant, ADW_TYPE_BIN)

enum {
  SIGNAL_CREATE,
  SIGNAL_FINISHED,
  SIGNAL_JOINED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *pages[] = {
  "welcome", "organisation", "people", "office", "authorities", "creating", "recovery",
  "join", "waiting",
};

static const char *nation_values[] = { "england-and-wales", "scotland", "northern-ireland" };
static const char *period_values[] = { "48h", "24h", "2wd" };

static char *
get_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static gboolean
row_filled (AdwEntryRow *row)
{
  g_autofree char *text = get_text (row);

  return *text != '\0';
}

static guint
get_page_index (CtSetupAssistant *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_strcmp0 (pages[i], name) == 0)
      return i;

  return 0;
}

/* A person is complete with both a name and a contact, or neither for the
 * optional deputy and board member. */
static gboolean
person_ok (AdwEntryRow *name,
           AdwEntryRow *contact,
           gboolean     required)
{
  gboolean has_name = row_filled (name);
  gboolean has_contact = row_filled (contact);

  if (required)
    return has_name && has_contact;

  return has_name == has_contact;
}

/**
 * ct_setup_assistant_can_continue:
 * @self: a #CtSetupAssistant
 *
 * Returns: %TRUE if the current page has everything it needs.
 */
gboolean
ct_setup_assistant_can_continue (CtSetupAssistant *self)
{
  const char *page = pages[get_page_index (self)];

  if (g_str_equal (page, "organisation"))
    return row_filled (self->org_name_row) && row_filled (self->org_address_row);

  if (g_str_equal (page, "people"))
    return person_ok (self->dso_name_row, self->dso_contact_row, TRUE) &&
           person_ok (self->deputy_name_row, self->deputy_contact_row, FALSE) &&
           person_ok (self->sbm_name_row, self->sbm_contact_row, FALSE);

  if (g_str_equal (page, "office"))
    {
      g_autofree char *cutoff = get_text (self->cutoff_row);
      gboolean ok = ct_parse_time_of_day (cutoff, NULL, NULL);

      if (ok)
        gtk_widget_remove_css_class (GTK_WIDGET (self->cutoff_row), "error");
      else
        gtk_widget_add_css_class (GTK_WIDGET (self->cutoff_row), "error");
      return ok;
    }

  if (g_str_equal (page, "authorities"))
    {
      for (guint i = 0; i < self->authorities->len; i++)
        {
          AuthorityRows *rows = &g_array_index (self->authorities, AuthorityRows, i);

          if (!row_filled (rows->name_row) || !row_filled (rows->area_row) ||
              !row_filled (rows->phone_row))
            return FALSE;
        }
      return self->authorities->len > 0;
    }

  if (g_str_equal (page, "creating") || g_str_equal (page, "waiting"))
    return FALSE;

  if (g_str_equal (page, "join"))
    return !self->asking && row_filled (self->join_address_row) && row_filled (self->join_name_row);


  return TRUE;
}

static void
set_next_label (CtSetupAssistant *self,
                const char       *mnemonic,
                const char       *accessible)
{
  gtk_button_set_label (self->next_button, mnemonic);
  /* Setting the label resets the accessible name to the raw mnemonic. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->next_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
update_buttons (CtSetupAssistant *self)
{
  guint index;
  const char *page;

  /* The stack announces its first page while the template is still being
   * built, before the buttons are bound. */
  if (self->next_button == NULL || self->recovery_label == NULL)
    return;

  index = get_page_index (self);
  page = pages[index];

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.next",
                                 ct_setup_assistant_can_continue (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.back",
                                 (index > 0 && index < 5) || g_str_equal (page, "join"));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button),
                          (index > 0 && index < 5) || g_str_equal (page, "join"));

  if (g_str_equal (page, "welcome"))
    set_next_label (self, _("_Set Up"), _("Set up"));
  else if (g_str_equal (page, "authorities"))
    set_next_label (self, _("_Create Records"), _("Create records"));
  else if (g_str_equal (page, "recovery"))
    set_next_label (self, _("_Start Using Caretrail"), _("Start using Caretrail"));
  else if (g_str_equal (page, "join"))
    set_next_label (self, _("_Ask to Join"), _("Ask to join"));
  else
    set_next_label (self, _("_Next"), _("Next"));

  gtk_widget_set_visible (GTK_WIDGET (self->next_button),
                          !g_str_equal (page, "creating") && !g_str_equal (page, "waiting"));
}

static void
on_field_changed_cb (CtSetupAssistant *self)
{
  /* A new attempt is not marked with the last one's fault. */
  if (self->join_error_label != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->join_error_label), FALSE);
  update_buttons (self);
}

static void
on_page_changed_cb (CtSetupAssistant *self)
{
  update_buttons (self);
}

static void
on_remove_authority_clicked_cb (GtkButton        *button,
                                CtSetupAssistant *self)
{
  GtkWidget *group = g_object_get_data (G_OBJECT (button), "group");

  for (guint i = 0; i < self->authorities->len; i++)
    if (GTK_WIDGET (g_array_index (self->authorities, AuthorityRows, i).group) == group)
      {
        g_array_remove_index (self->authorities, i);
        gtk_box_remove (self->authorities_box, group);
        break;
      }

  update_buttons (self);
}

static AdwEntryRow *
add_entry (AdwPreferencesGroup *group,
           const char          *title,
           const char          *accessible,
           CtSetupAssistant    *self)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  g_signal_connect_swapped (row, "changed", G_CALLBACK (on_field_changed_cb), self);
  adw_preferences_group_add (group, row);

  return ADW_ENTRY_ROW (row);
}

static void
add_authority (CtSetupAssistant *self)
{
  AuthorityRows rows = { 0 };
  guint n = self->authorities->len + 1;
  g_autofree char *title = g_strdup_printf (_("Local Authority %u"), n);
  g_autofree char *a_name = g_strdup_printf (_("Authority %u name"), n);
  g_autofree char *a_area = g_strdup_printf (_("Authority %u area"), n);
  g_autofree char *a_phone = g_strdup_printf (_("Authority %u telephone"), n);
  g_autofree char *a_email = g_strdup_printf (_("Authority %u secure email"), n);
  g_autofree char *a_ooh = g_strdup_printf (_("Authority %u out-of-hours number"), n);
  g_autofree char *a_address = g_strdup_printf (_("Authority %u postal address"), n);
  g_autofree char *a_period = g_strdup_printf (_("Authority %u written confirmation period"), n);
  g_autoptr(GtkStringList) periods = NULL;

  rows.group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (rows.group, title);

  if (n > 1)
    {
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *a_remove = g_strdup_printf (_("Remove authority %u"), n);

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      a_remove, -1);
      g_object_set_data (G_OBJECT (remove), "group", rows.group);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_authority_clicked_cb), self);
      adw_preferences_group_set_header_suffix (rows.group, remove);
    }

  rows.name_row = add_entry (rows.group, _("Name, e.g. Exampleshire Children’s Services"),
                             a_name, self);
  rows.area_row = add_entry (rows.group, _("Area it covers"), a_area, self);
  rows.phone_row = add_entry (rows.group, _("Referral telephone"), a_phone, self);
  rows.email_row = add_entry (rows.group, _("Secure email"), a_email, self);
  rows.ooh_row = add_entry (rows.group, _("Out-of-hours telephone"), a_ooh, self);
  rows.address_row = add_entry (rows.group, _("Postal address of its front door"), a_address, self);

  rows.period_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rows.period_row),
                                 _("Confirm referrals in writing within"));
  periods = gtk_string_list_new ((const char *[]) {
    _("48 hours"), _("24 hours"), _("2 working days"), NULL
  });
  adw_combo_row_set_model (rows.period_row, G_LIST_MODEL (periods));
  gtk_accessible_update_property (GTK_ACCESSIBLE (rows.period_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a_period, -1);
  adw_preferences_group_add (rows.group, GTK_WIDGET (rows.period_row));

  gtk_box_append (self->authorities_box, GTK_WIDGET (rows.group));
  g_array_append_val (self->authorities, rows);
  update_buttons (self);
}

static void
on_add_authority_clicked_cb (CtSetupAssistant *self)
{
  add_authority (self);
}

/* Adds the member of staff named in @name_row, if any. */
static gboolean
add_staff (GPtrArray    *records,
           AdwEntryRow  *name_row,
           AdwEntryRow  *contact_row,
           const char   *role,
           const char   *flag,
           GError      **error)
{
  g_autofree char *name = get_text (name_row);
  g_autofree char *contact = get_text (contact_row);
  g_autoptr(GHashTable) answers = NULL;
  CtRecord *staff;

  if (*name == '\0')
    return TRUE;

  answers = ct_answers_new ();
  ct_answers_set_text (answers, "name", name);
  ct_answers_set_text (answers, "role", role);
  ct_answers_set_text (answers, strchr (contact, '@') ? "email" : "phone", contact);
  ct_answers_set_boolean (answers, "is-dso", g_str_equal (flag, "is-dso"));
  ct_answers_set_boolean (answers, "is-deputy", g_str_equal (flag, "is-deputy"));
  ct_answers_set_boolean (answers, "is-sbm", g_str_equal (flag, "is-sbm"));

  staff = ct_details_new_record (CT_RECORD_KIND_STAFF, NULL, answers, error);
  if (staff == NULL)
    return FALSE;

  g_ptr_array_add (records, staff);
  return TRUE;
}

/**
 * ct_setup_assistant_build_records:
 * @self: a #CtSetupAssistant
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CtRecord): the ORGANISATION, then
 *   its STAFF (the DSO first), then an AGENCY for each local authority; or
 *   %NULL if an answer was refused.
 */
GPtrArray *
ct_setup_assistant_build_records (CtSetupAssistant  *self,
                                  GError           **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) org_answers = ct_answers_new ();
  CtRecord *org;
  guint nation = adw_combo_row_get_selected (self->nation_row);
  struct { AdwEntryRow *row; const char *field; } fields[] = {
    { self->org_name_row, "name" },
    { self->org_address_row, "address" },
    { self->org_phone_row, "phone" },
    { self->org_email_row, "email" },
    { self->cutoff_row, "cutoff" },
    { self->dso_name_row, "dso-name" },
    { self->dso_contact_row, "dso-contact" },
    { self->deputy_name_row, "deputy-name" },
    { self->deputy_contact_row, "deputy-contact" },
    { self->sbm_name_row, "sbm-name" },
    { self->sbm_contact_row, "sbm-contact" },
  };

  g_return_val_if_fail (CT_IS_SETUP_ASSISTANT (self), NULL);

  /* An empty answer leaves the field out of the new record. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *text = get_text (fields[i].row);

      ct_answers_set_text (org_answers, fields[i].field, text);
    }
  ct_answers_set_text (org_answers, "nation",
                       nation_values[MIN (nation, G_N_ELEMENTS (nation_values) - 1)]);
  org = ct_details_new_record (CT_RECORD_KIND_ORGANISATION, NULL, org_answers, error);
  if (org == NULL)
    return NULL;
  g_ptr_array_add (records, org);

  if (!add_staff (records, self->dso_name_row, self->dso_contact_row,
                  _("Designated Safeguarding Officer"), "is-dso", error) ||
      !add_staff (records, self->deputy_name_row, self->deputy_contact_row,
                  _("Deputy Designated Safeguarding Officer"), "is-deputy", error) ||
      !add_staff (records, self->sbm_name_row, self->sbm_contact_row,
                  _("Safeguarding Board Member"), "is-sbm", error))
    return NULL;

  for (guint i = 0; i < self->authorities->len; i++)
    {
      AuthorityRows *rows = &g_array_index (self->authorities, AuthorityRows, i);
      g_autoptr(GHashTable) answers = ct_answers_new ();
      CtRecord *agency;
      struct { AdwEntryRow *row; const char *field; } agency_fields[] = {
        { rows->name_row, "name" },
        { rows->area_row, "area" },
        { rows->phone_row, "phone" },
        { rows->email_row, "secure-email" },
        { rows->ooh_row, "out-of-hours" },
        { rows->address_row, "address" },
      };
      guint period = adw_combo_row_get_selected (rows->period_row);

      for (guint j = 0; j < G_N_ELEMENTS (agency_fields); j++)
        {
          g_autofree char *text = get_text (agency_fields[j].row);

          ct_answers_set_text (answers, agency_fields[j].field, text);
        }
      ct_answers_set_text (answers, "kind", "children-social-care");
      ct_answers_set_text (answers, "confirmation-period",
                           period_values[MIN (period, G_N_ELEMENTS (period_values) - 1)]);
      agency = ct_details_new_record (CT_RECORD_KIND_AGENCY, NULL, answers, error);
      if (agency == NULL)
        return NULL;
      g_ptr_array_add (records, agency);

      /* The first authority is the one the organisation usually refers
       * to: its letters are addressed from it unless a referral names
       * another. */
      if (i == 0)
        {
          g_autoptr(GHashTable) usual = ct_answers_new ();
          CtRecord *changed;

          ct_answers_set_text (usual, "usual-authority", ct_record_get_id (agency));
          changed = ct_details_change_record (org, usual, error);
          if (changed == NULL)
            return NULL;
          g_ptr_array_index (records, 0) = changed;
          g_object_unref (org);
          org = changed;
        }
    }

  return g_steal_pointer (&records);
}

static void show_error (CtSetupAssistant *self,
                        const char       *message);
static void confirm_code_kept (CtSetupAssistant *self);
static void ask_to_join (CtSetupAssistant *self);

/**
 * ct_setup_assistant_next:
 * @self: a #CtSetupAssistant
 *
 * Goes on, as the Next button does, if the page allows it.
 */
void
ct_setup_assistant_next (CtSetupAssistant *self)
{
  guint index;

  g_return_if_fail (CT_IS_SETUP_ASSISTANT (self));

  if (!ct_setup_assistant_can_continue (self))
    return;

  index = get_page_index (self);

  if (g_str_equal (pages[index], "authorities"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) records = ct_setup_assistant_build_records (self, &error);

      if (records == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The records could not be created: %s"),
                                                      error->message);
          show_error (self, message);
          return;
        }

      self->creating = TRUE;
      gtk_stack_set_visible_child_name (self->stack, "creating");
      gtk_spinner_start (self->creating_spinner);
      g_signal_emit (self, signals[SIGNAL_CREATE], 0, records);
      return;
    }

  if (g_str_equal (pages[index], "recovery"))
    {
      confirm_code_kept (self);
      return;
    }

  if (g_str_equal (pages[index], "join"))
    {
      ask_to_join (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, pages[index + 1]);
}

static void
finish (CtSetupAssistant *self)
{
  /* The code is on paper or in a file now; it must not linger here. */
  gtk_label_set_text (self->recovery_label, "");
  g_clear_pointer (&self->recovery_code, ct_crypto_free_string);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static void
on_kept_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     CtSetupAssistant *self)
{
  if (g_strcmp0 (response, "kept") == 0)
    finish (self);
}

/* The code cannot be shown again, so going on is confirmed, not assumed. */
static void
confirm_code_kept (CtSetupAssistant *self)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Have You Kept the Recovery Code?"),
                                   _("It will not be shown again. Without it, the records cannot "
                                     "be opened if the key in your keyring is lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "back", _("_Not Yet"),
                                    "kept", _("_I Have Kept It"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "kept",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "back");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "back");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_kept_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_next_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ct_setup_assistant_next (CT_SETUP_ASSISTANT (widget));
}

static void
on_back_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtSetupAssistant *self = CT_SETUP_ASSISTANT (widget);
  guint index = get_page_index (self);

  if (index > 0 && index < 5)
    gtk_stack_set_visible_child_name (self->stack, pages[index - 1]);
  else if (g_str_equal (pages[index], "join"))
    gtk_stack_set_visible_child_name (self->stack, "welcome");
}

/* Joining an organisation on a server {{{ */

static void
on_join_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtSetupAssistant *self = CT_SETUP_ASSISTANT (widget);

  gtk_widget_set_visible (GTK_WIDGET (self->join_error_label), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "join");
}

static void
stop_polling (CtSetupAssistant *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_pointer (&self->watch, ct_membership_watch_stop);
  gtk_spinner_stop (self->waiting_spinner);
}

static void
on_start_over_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  CtSetupAssistant *self = CT_SETUP_ASSISTANT (widget);

  stop_polling (self);
  g_clear_pointer (&self->join_location, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->waiting_error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->start_over_button), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "welcome");
}

static void
show_join_error (CtSetupAssistant *self,
                 const char       *message)
{
  gtk_label_set_text (self->join_error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->join_error_label), TRUE);
}

static void
show_waiting_error (CtSetupAssistant *self,
                    const char       *message,
                    gboolean          final)
{
  gtk_label_set_text (self->waiting_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->waiting_error_label), message != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->start_over_button), final);
  if (final)
    stop_polling (self);
}

static void schedule_poll (CtSetupAssistant *self);
static gboolean on_poll_timeout_cb (gpointer user_data);

static void
lookup_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  CtMembership membership = CT_MEMBERSHIP_NONE;
  GError *error = NULL;

  if (!ct_membership_lookup_sync (task_data, &membership, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, membership);
}

static void
on_looked_up_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CtSetupAssistant *self = CT_SETUP_ASSISTANT (source);
  g_autoptr(GError) error = NULL;
  gssize membership = g_task_propagate_int (G_TASK (result), &error);

  gboolean look_again = self->look_again;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->looking = FALSE;
  self->look_again = FALSE;
  if (self->join_location == NULL)
    return;
  if (error != NULL)
    {
      /* The server may be restarting: keep asking, and say why nothing
       * changes meanwhile. */
      show_waiting_error (self, error->message, FALSE);
      schedule_poll (self);
      return;
    }

  switch ((CtMembership) membership)
    {
    case CT_MEMBERSHIP_MEMBER:
      {
        g_autofree char *location = g_steal_pointer (&self->join_location);

        stop_polling (self);
        show_waiting_error (self, NULL, FALSE);
        g_signal_emit (self, signals[SIGNAL_JOINED], 0, location);
      }
      break;
    case CT_MEMBERSHIP_DECLINED:
    case CT_MEMBERSHIP_NONE:
      show_waiting_error (self, _("Your request to join was declined, or withdrawn by the organisation. "
                                  "Ask its Designated Safeguarding Officer, then ask again if they agree."),
                          TRUE);
      break;
    case CT_MEMBERSHIP_REMOVED:
      show_waiting_error (self, _("You were approved, then removed from the organisation, so its records "
                                  "do not open here. Ask its Designated Safeguarding Officer."),
                          TRUE);
      break;
    case CT_MEMBERSHIP_REQUESTED:
    default:
      show_waiting_error (self, NULL, FALSE);
      if (look_again)
        on_poll_timeout_cb (self);
      else
        schedule_poll (self);
      break;
    }
}

static gboolean
on_poll_timeout_cb (gpointer user_data)
{
  CtSetupAssistant *self = user_data;
  g_autoptr(GTask) task = NULL;

  self->poll_id = 0;
  if (self->looking)
    return G_SOURCE_REMOVE;
  self->looking = TRUE;
  task = g_task_new (self, self->cancellable, on_looked_up_cb, NULL);
  g_task_set_source_tag (task, on_poll_timeout_cb);
  g_task_set_task_data (task, g_strdup (self->join_location), g_free);
  g_task_run_in_thread (task, lookup_in_thread);
  return G_SOURCE_REMOVE;
}

/* The server is asked again now and then, and at once when it announces
 * a change (an approval is one): the login of someone not yet a member
 * may read nothing there, but may listen. */
static void
schedule_poll (CtSetupAssistant *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  self->poll_id = g_timeout_add (self->poll_ms, on_poll_timeout_cb, self);
}

static void
on_server_changed_cb (gpointer user_data)
{
  CtSetupAssistant *self = user_data;

  if (self->join_location == NULL)
    return;
  /* A change announced while the server is being asked may have come
   * after the answer was read: ask once more when that answer arrives. */
  if (self->looking)
    {
      self->look_again = TRUE;
      return;
    }
  g_clear_handle_id (&self->poll_id, g_source_remove);
  on_poll_timeout_cb (self);
}

typedef struct
{
  char *location;
  char *name;
} JoinData;

static void
join_data_free (JoinData *data)
{
  g_free (data->location);
  g_free (data->name);
  g_free (data);
}

static void
request_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  JoinData *data = task_data;
  GError *error = NULL;
  char *fingerprint = NULL;
  g_autofree char *id = ct_member_request_sync (data->location, data->name, &fingerprint, &error);

  if (id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, fingerprint, g_free);
}

static void
on_requested_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CtSetupAssistant *self = CT_SETUP_ASSISTANT (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = g_task_propagate_pointer (G_TASK (result), &error);
  JoinData *data = g_task_get_task_data (G_TASK (result));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->asking = FALSE;
  update_buttons (self);
  if (fingerprint == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Nothing was sent: %s"), error->message);

      show_join_error (self, message);
      return;
    }

  g_free (self->join_location);
  self->join_location = g_strdup (data->location);
  gtk_label_set_text (self->fingerprint_label, fingerprint);
  gtk_widget_set_visible (GTK_WIDGET (self->waiting_error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->start_over_button), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "waiting");
  gtk_spinner_start (self->waiting_spinner);
  g_clear_pointer (&self->watch, ct_membership_watch_stop);
  self->watch = ct_membership_watch_new (self->join_location, on_server_changed_cb, self);
  schedule_poll (self);
}

static const char *
role_label (guint index)
{
  switch (index)
    {
    case 0:
      return _("Deputy Designated Safeguarding Officer");
    case 1:
      return _("Safeguarding Board Member");
    default:
      return _("Designated Safeguarding Officer");
    }
}

static void
ask_to_join (CtSetupAssistant *self)
{
  g_autofree char *location = get_text (self->join_address_row);
  g_autofree char *name = get_text (self->join_name_row);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  JoinData *data;

  /* The same parser as every command of caretrail-admin. */
  if (!ct_store_location_is_server (location))
    {
      show_join_error (self, _("The address must start with postgresql://."));
      return;
    }
  if (!ct_store_location_check (location, &error))
    {
      show_join_error (self, error->message);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->join_error_label), FALSE);

  data = g_new0 (JoinData, 1);
  data->location = g_steal_pointer (&location);
  /* Translators: how a new member is named to the members who approve
   * them: their name, then their role */
  data->name = g_strdup_printf (_("%s (%s)"), name, role_label (adw_combo_row_get_selected (self->join_role_row)));
  self->asking = TRUE;
  update_buttons (self);
  task = g_task_new (self, self->cancellable, on_requested_cb, NULL);
  g_task_set_source_tag (task, ask_to_join);
  g_task_set_task_data (task, data, (GDestroyNotify) join_data_free);
  g_task_run_in_thread (task, request_in_thread);
}

/**
 * ct_setup_assistant_set_poll_interval:
 * @self: a #CtSetupAssistant
 * @milliseconds: how long to wait between asking the server whether the
 *   request to join has been approved
 */
void
ct_setup_assistant_set_poll_interval (CtSetupAssistant *self,
                                      guint             milliseconds)
{
  g_return_if_fail (CT_IS_SETUP_ASSISTANT (self));
  self->poll_ms = MAX (milliseconds, 10);
}

/**
 * ct_setup_assistant_get_fingerprint:
 * @self: a #CtSetupAssistant
 *
 * Returns: the fingerprint to read out while waiting for approval, or ""
 */
const char *
ct_setup_assistant_get_fingerprint (CtSetupAssistant *self)
{
  g_return_val_if_fail (CT_IS_SETUP_ASSISTANT (self), NULL);
  return gtk_label_get_text (self->fingerprint_label);
}

/* }}} */

static GBytes *
render_sheet (CtSetupAssistant  *self,
              GError           **error)
{
  g_autofree char *organisation = get_text (self->org_name_row);
  CtRecoverySheet sheet = {
    .organisation = organisation,
    .database_id = self->database_id,
    .created = NULL,
    .recovery_code = self->recovery_code,
  };

  return ct_document_render_recovery_sheet (&sheet, error);
}

static void
show_error (CtSetupAssistant *self,
            const char       *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* A dialog, not a toast: the advice is often longer than a toast. */
  if (GTK_IS_WINDOW (root))
    ct_alert_show (GTK_WINDOW (root), _("Something Went Wrong"), message);
  else
    {
      AdwToast *toast = adw_toast_new (message);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

static void
on_print_sheet_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  CtSetupAssistant *self = CT_SETUP_ASSISTANT (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = render_sheet (self, &error);

  if (pdf == NULL ||
      !ct_pdf_print (GTK_WINDOW (gtk_widget_get_root (widget)), pdf, _("Recovery sheet"), &error))
    {
      g_autofree char *message =
        g_strdup_printf (_("The recovery sheet could not be printed: %s Save it instead, or "
                           "copy the code by hand."), error->message);
      show_error (self, message);
    }
}

static void
on_sheet_saved_cb (GFile        *file,
                   const GError *error,
                   gpointer      user_data)
{
  CtSetupAssistant *self = user_data;

  if (error != NULL)
    show_error (self, error->message);
  else
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (_("Recovery sheet saved. Keep it away from "
                                                  "this computer.")));
  g_object_unref (self);
}

static void
on_save_sheet_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  CtSetupAssistant *self = CT_SETUP_ASSISTANT (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = render_sheet (self, &error);

  if (pdf == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("The recovery sheet could not be made: %s Copy the code by hand."),
                         error->message);
      show_error (self, message);
      return;
    }

  ct_pdf_save (GTK_WINDOW (gtk_widget_get_root (widget)), pdf,
               _("Caretrail recovery sheet.pdf"), on_sheet_saved_cb, g_object_ref (self));
}

/**
 * ct_setup_assistant_show_recovery_code:
 * @self: a #CtSetupAssistant
 * @recovery_code: the code, shown once
 * @database_id: the database's identifier, for the sheet
 *
 * Called when the database was created: shows the recovery code.
 */
void
ct_setup_assistant_show_recovery_code (CtSetupAssistant *self,
                                       const char       *recovery_code,
                                       const char       *database_id)
{
  g_autofree char *grouped = NULL;

  g_return_if_fail (CT_IS_SETUP_ASSISTANT (self));
  g_return_if_fail (recovery_code != NULL);

  self->creating = FALSE;
  ct_crypto_free_string (self->recovery_code);
  self->recovery_code = g_strdup (recovery_code);
  g_free (self->database_id);
  self->database_id = g_strdup (database_id);

  grouped = ct_recovery_code_group (recovery_code);
  gtk_label_set_text (self->recovery_label, grouped ? grouped : recovery_code);
  ct_crypto_wipe_string (grouped);

  gtk_spinner_stop (self->creating_spinner);
  gtk_stack_set_visible_child_name (self->stack, "recovery");
}

/**
 * ct_setup_assistant_creation_failed:
 * @self: a #CtSetupAssistant
 * @error: what went wrong
 *
 * Called when the database could not be created: goes back to the last
 * page, with everything typed still there, and says why.
 */
void
ct_setup_assistant_creation_failed (CtSetupAssistant *self,
                                    const GError     *error)
{
  g_autofree char *message = NULL;

  g_return_if_fail (CT_IS_SETUP_ASSISTANT (self));

  self->creating = FALSE;
  gtk_spinner_stop (self->creating_spinner);
  gtk_stack_set_visible_child_name (self->stack, "authorities");
  message = g_strdup_printf (_("The records could not be created: %s"), error->message);
  show_error (self, message);
}

static void
ct_setup_assistant_dispose (GObject *object)
{
  CtSetupAssistant *self = CT_SETUP_ASSISTANT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_pointer (&self->watch, ct_membership_watch_stop);
  G_OBJECT_CLASS (ct_setup_assistant_parent_class)->dispose (object);
}

static void
ct_setup_assistant_finalize (GObject *object)
{
  CtSetupAssistant *self = CT_SETUP_ASSISTANT (object);

  ct_crypto_free_string (self->recovery_code);
  g_free (self->database_id);
  g_free (self->join_location);
  g_clear_object (&self->cancellable);
  g_array_unref (self->authorities);

  G_OBJECT_CLASS (ct_setup_assistant_parent_class)->finalize (object);
}

static void
ct_setup_assistant_class_init (CtSetupAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ct_setup_assistant_finalize;
  object_class->dispose = ct_setup_assistant_dispose;

  /**
   * CtSetupAssistant::create:
   * @self: the assistant
   * @records: (element-type CtRecord): what ct_setup_assistant_build_records() gives
   *
   * Emitted to create the database. The handler calls
   * ct_setup_assistant_show_recovery_code() or
   * ct_setup_assistant_creation_failed().
   */
  signals[SIGNAL_CREATE] =
    g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  /**
   * CtSetupAssistant::finished:
   * @self: the assistant
   *
   * Emitted when the user has kept the recovery code and goes on.
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * CtSetupAssistant::joined:
   * @self: the assistant
   * @location: the server whose organisation approved the request to join
   *
   * Emitted when a request to join has been approved: the records at
   * @location open with this keyring's member keys now.
   */
  signals[SIGNAL_JOINED] =
    g_signal_new ("joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-setup-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, title_widget);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, next_button);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, stack);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, org_name_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, org_address_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, org_phone_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, org_email_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, nation_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, dso_name_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, dso_contact_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, deputy_name_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, deputy_contact_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, sbm_name_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, sbm_contact_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, cutoff_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, authorities_box);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, creating_spinner);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, recovery_label);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, join_address_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, join_name_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, join_role_row);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, join_error_label);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, waiting_spinner);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, waiting_error_label);
  gtk_widget_class_bind_template_child (widget_class, CtSetupAssistant, start_over_button);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_authority_clicked_cb);

  gtk_widget_class_install_action (widget_class, "setup.next", NULL, on_next_activated_cb);
  gtk_widget_class_install_action (widget_class, "setup.back", NULL, on_back_activated_cb);
  gtk_widget_class_install_action (widget_class, "setup.join", NULL, on_join_activated_cb);
  gtk_widget_class_install_action (widget_class, "setup.start-over", NULL, on_start_over_activated_cb);
  gtk_widget_class_install_action (widget_class, "setup.print-sheet", NULL,
                                   on_print_sheet_activated_cb);
  gtk_widget_class_install_action (widget_class, "setup.save-sheet", NULL,
                                   on_save_sheet_activated_cb);
}

static void
ct_setup_assistant_init (CtSetupAssistant *self)
{
  g_autoptr(GtkStringList) nations = NULL;

  g_autoptr(GtkStringList) roles = NULL;

  self->authorities = g_array_new (FALSE, TRUE, sizeof (AuthorityRows));
  self->cancellable = g_cancellable_new ();
  self->poll_ms = JOIN_POLL_MS;

  gtk_widget_init_template (GTK_WIDGET (self));

  roles = gtk_string_list_new ((const char *[]) { role_label (0), role_label (1), role_label (2), NULL });
  adw_combo_row_set_model (self->join_role_row, G_LIST_MODEL (roles));

  nations = gtk_string_list_new ((const char *[]) {
    _("England and Wales"), _("Scotland"), _("Northern Ireland"), NULL
  });
  adw_combo_row_set_model (self->nation_row, G_LIST_MODEL (nations));

  add_authority (self);
  update_buttons (self);
}

/**
 * ct_setup_assistant_new:
 *
 * Returns: (transfer floating): a new assistant on its welcome page.
 */
GtkWidget *
ct_setup_assistant_new (void)
{
  return g_object_new (CT_TYPE_SETUP_ASSISTANT, NULL);
}

/**
 * ct_setup_assistant_get_page:
 * @self: a #CtSetupAssistant
 *
 * Returns: the name of the page shown.
 */
const char *
ct_setup_assistant_get_page (CtSetupAssistant *self)
{
  g_return_val_if_fail (CT_IS_SETUP_ASSISTANT (self), NULL);

  return pages[get_page_index (self)];
}
