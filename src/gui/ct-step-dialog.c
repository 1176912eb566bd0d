/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-step-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-choice-row.h"
#include "ct-record.h"
#include <string.h>

#include "ct-step-dialog.h"

/*
 * One step of the procedure as a form: the policy's questions for that step,
 * in order. Save is enabled only when every question that is always needed
 * has an answer; the procedure engine then checks the rest (a reason for each
 * exception that holds, for example) and, if something is missing, says
 * what, and the form stays open with its answers.
 */

typedef enum
{
  Q_TEXT,     /* required text */
  Q_OPTIONAL, /* optional text */
  Q_LONG,     /* required text, several lines */
  Q_YES_NO,   /* must be answered yes or no */
  Q_MAYBE,    /* yes or no, needed only in some cases (the engine says when) */
  Q_CONFIRM,  /* must be confirmed (yes) */
  Q_CHOICE,   /* one of the values in choices, "value=Label|…" */
  Q_PICK,     /* like Q_CHOICE, needed only in some cases */
  Q_AGENCY,   /* an agency from the directory, stored by name */
} QuestionType;

typedef struct
{
  const char   *name;
  QuestionType  type;
  const char   *label;
  const char   *choices;
} Question;

typedef struct
{
  CtEvent         event;
  const char     *title;
  const char     *description;
  const Question  questions[14];
} StepForm;

static const StepForm forms[] = {
  { CT_EVENT_ESCALATED, N_("Escalate the Concern"),
    N_("Discuss the concern today with the line manager and a safeguarding lead: the DSO, deputy DSO or safeguarding board member."),
    { { "line-manager", Q_TEXT, N_("Line manager it was discussed with") },
      { "safeguarding-lead", Q_TEXT, N_("Safeguarding lead involved") },
      { "summary", Q_OPTIONAL, N_("What was agreed") } } },
  { CT_EVENT_IMMEDIATE_RISK_REFERRAL, N_("Urgent Referral"),
    N_("A child needs immediate protection: refer at once to children’s social care, or call the police on 999 in an emergency."),
    { { "risk", Q_LONG, N_("Why the child needs immediate protection") },
      { "agency", Q_AGENCY, N_("Agency that took the referral") },
      { "how", Q_TEXT, N_("How the referral was made") },
      { "to-whom", Q_TEXT, N_("Who took the referral") },
      { "their-reference", Q_OPTIONAL, N_("Their reference") } } },
  { CT_EVENT_NO_CONCERNS_REMAIN, N_("No Concerns Remain"),
    N_("Close the case with no further action. Record why, and that support for the staff member who raised the concern was discussed."),
    { { "reason", Q_LONG, N_("Why no concerns remain") },
      { "staff-support-discussed", Q_CONFIRM, N_("Support for the staff member was discussed with their line manager") } } },
  { CT_EVENT_CONCERNS_REMAIN, N_("Concerns Remain"),
    N_("The family is to be told unless an exception holds. For each exception that holds, give the reason: the family is then approached only after children’s social care, or the police, agrees."),
    { { "reason", Q_LONG, N_("Why concerns remain") },
      { "family-member-responsible", Q_YES_NO, N_("Might a family member be responsible for the harm?") },
      { "family-member-responsible-reason", Q_OPTIONAL, N_("Reason a family member might be responsible") },
      { "danger-to-others", Q_YES_NO, N_("Might telling the family put someone in danger?") },
      { "danger-to-others-reason", Q_OPTIONAL, N_("Reason someone might be put in danger") },
      { "criminal-investigation", Q_YES_NO, N_("Might telling the family interfere with a criminal investigation?") },
      { "criminal-investigation-reason", Q_OPTIONAL, N_("Reason it might interfere with an investigation") } } },
  { CT_EVENT_UNCERTAIN, N_("Seek Advice"),
    N_("If you are unsure, consult children’s social care where the child lives, or the NSPCC helpline without naming the child or family."),
    { { "reason", Q_LONG, N_("What is uncertain") } } },
  { CT_EVENT_ADVICE_RECORDED, N_("Record the Advice"),
    NULL,
    { { "consulted", Q_CHOICE, N_("Who was consulted"), N_("csc=Children’s social care|nspcc=NSPCC helpline") },
      { "anonymous", Q_YES_NO, N_("Was the consultation anonymous?") },
      { "adviser", Q_OPTIONAL, N_("Name of the adviser") },
      { "advice", Q_LONG, N_("Advice given") } } },
  { CT_EVENT_FAMILY_DISCUSSED, N_("Discuss With the Family"),
    NULL,
    { { "with-whom", Q_TEXT, N_("Family members spoken to") },
      { "summary", Q_LONG, N_("What was said") } } },
  { CT_EVENT_FAMILY_APPROACH_AGREED, N_("Agreement to Approach the Family"),
    NULL,
    { { "agreed-with", Q_CHOICE, N_("Agreed by"), N_("csc=Children’s social care|police=Police") },
      { "agreed-by", Q_TEXT, N_("Name of the person who agreed") } } },
  { CT_EVENT_REFERRAL_MADE, N_("Make the Referral"),
    N_("Refer to children’s social care for the area where the child lives, then confirm the referral in writing within that authority’s period."),
    { { "agency", Q_AGENCY, N_("Local authority referred to") },
      { "how", Q_TEXT, N_("How the referral was made") },
      { "to-whom", Q_TEXT, N_("Who took the referral") },
      { "their-reference", Q_TEXT, N_("Their reference") },
      { "what-shared", Q_LONG, N_("What was shared") },
      { "referral-type", Q_CHOICE, N_("Type of referral"), N_("child-protection=Child protection|early-help=Early help") },
      { "consent", Q_CHOICE, N_("The family’s consent"), N_("given=Given|refused=Refused|not-sought=Not sought") },
      { "consent-reason", Q_OPTIONAL, N_("Reason for referring without consent") } } },
  { CT_EVENT_CONFIRMATION_SENT, N_("Mark the Confirmation as Sent"),
    NULL,
    { { "how", Q_TEXT, N_("How it was sent") },
      { "to-whom", Q_TEXT, N_("Who it was sent to") } } },
  { CT_EVENT_LA_CHASED, N_("Chase the Local Authority"),
    N_("The local authority should decide within one working day of the referral and tell you. If you have heard nothing, chase it."),
    { { "how", Q_TEXT, N_("How they were chased") },
      { "with-whom", Q_TEXT, N_("Who was contacted") },
      { "response", Q_OPTIONAL, N_("Their reply") } } },
  { CT_EVENT_OUTCOME_RECORDED, N_("Record the Outcome"),
    NULL,
    { { "outcome", Q_CHOICE, N_("The local authority’s decision"), N_("nfa=No further action|early-help=Early help|child-in-need-assessment=Child in need assessment|child-protection-enquiry=Child protection enquiry") },
      { "informed-by", Q_TEXT, N_("Who gave the decision") },
      { "reason", Q_OPTIONAL, N_("Reasons given") },
      { "family-consent", Q_MAYBE, N_("Did the family consent (needed for early help)?") } } },
  { CT_EVENT_OUTCOME_DISPUTED, N_("Challenge the Decision"),
    N_("If the outcome seems wrong, use the safeguarding partnership’s escalation policy."),
    { { "reason", Q_LONG, N_("Why the decision is challenged") },
      { "raised-with", Q_TEXT, N_("Raised with") } } },
  { CT_EVENT_MONITORING_STARTED, N_("Keep Watch"),
    NULL,
    { { "plan", Q_LONG, N_("What will be monitored, by whom and how") } } },
  { CT_EVENT_CASE_CLOSED, N_("Close the Case"),
    NULL,
    { { "reason", Q_LONG, N_("Why the case is closed") } } },
  { CT_EVENT_ALLEGATION_REPORTED, N_("Report an Allegation Against a Worker"),
    N_("An allegation that someone who works with children has harmed a child, may have committed an offence against one, or has behaved in a way that suggests a risk to children goes to a senior manager at once, and to the LADO within one working day."),
    { { "about", Q_TEXT, N_("Who it is about (name and role)") },
      { "what", Q_LONG, N_("What is alleged") },
      { "reported-by", Q_TEXT, N_("Who reported it") },
      { "senior-manager", Q_TEXT, N_("Senior manager told") } } },
  { CT_EVENT_ALLEGATION_CLASSIFIED, N_("Classify the Allegation"),
    N_("Only allegations go to the LADO: a concern about the quality of care or practice, or a complaint, is dealt with under another procedure."),
    { { "classification", Q_CHOICE, N_("What this is"), N_("allegation=An allegation|quality-of-care=A concern about quality of care or practice|complaint=A complaint") },
      { "category", Q_PICK, N_("What is alleged, if an allegation"), N_("harmed=Harmed or may have harmed a child|offence=Possibly committed an offence against a child|risk-of-harm=Behaved in a way that indicates a risk of harm|unsuitability=Behaved in a way that indicates unsuitability to work with children") },
      { "reason", Q_LONG, N_("Reason for this classification") },
      { "handled-under", Q_OPTIONAL, N_("Procedure that will deal with it instead") } } },
  { CT_EVENT_LADO_INFORMED, N_("Inform the LADO"),
    NULL,
    { { "lado", Q_TEXT, N_("LADO informed") },
      { "how", Q_TEXT, N_("How the LADO was informed") },
      { "advice", Q_OPTIONAL, N_("Advice given") } } },
  { CT_EVENT_REGULATED_ACTIVITY_DECIDED, N_("Regulated Activity"),
    NULL,
    { { "removed", Q_YES_NO, N_("Was the person removed from regulated activity?") },
      { "because-of-risk", Q_MAYBE, N_("Because they may pose a risk of harm to children?") },
      { "reason", Q_LONG, N_("Reason for the decision") } } },
  { CT_EVENT_DBS_REFERRAL_DECIDED, N_("Disclosure and Barring Service"),
    NULL,
    { { "referral-made", Q_YES_NO, N_("Was a referral made to the Disclosure and Barring Service?") },
      { "reason", Q_LONG, N_("Reason for the decision") } } },
  { CT_EVENT_ALLEGATION_CONCLUDED, N_("Conclude the Allegation"),
    NULL,
    { { "outcome", Q_CHOICE, N_("Outcome"), N_("substantiated=Substantiated|unsubstantiated=Unsubstantiated|unfounded=Unfounded|false=False|malicious=Malicious") },
      { "reason", Q_LONG, N_("Reason for the outcome") } } },
  { CT_EVENT_INFORMATION_SHARING_DECIDED, N_("Information-Sharing Decision"),
    N_("Record every decision to share information or not, with the reasons, whether or not anything was shared."),
    { { "shared", Q_YES_NO, N_("Was information shared?") },
      { "purpose", Q_TEXT, N_("Purpose") },
      { "what", Q_OPTIONAL, N_("What was shared") },
      { "with-whom", Q_OPTIONAL, N_("Shared with") },
      { "lawful-basis", Q_OPTIONAL, N_("Lawful basis") },
      { "how-shared", Q_OPTIONAL, N_("How and when it was shared") },
      { "necessary-proportionate", Q_MAYBE, N_("Was it necessary, proportionate, relevant, adequate and accurate?") },
      { "safety-wellbeing", Q_TEXT, N_("How safety and well-being were weighed") },
      { "consent-sought", Q_YES_NO, N_("Was consent sought?") },
      { "consent-given", Q_MAYBE, N_("Was consent given?") },
      { "consent-reason", Q_OPTIONAL, N_("Reason consent was not sought") },
      { "reason", Q_LONG, N_("Reason for the decision") } } },
};

typedef struct
{
  const Question *question;
  GtkWidget      *widget;
} Field;

struct _CtStepDialog
{
  AdwWindow        parent_instance;

  const StepForm  *form;
  GArray          *fields;
  gboolean         saving;

  AdwToastOverlay *toast_overlay;
  GtkLabel        *problem_label;
};

G_DEFINE_FINAL_TYPE (CtStepDialog, ct_step_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const StepForm *
find_form (CtEvent event)
{
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    if (forms[i].event == event)
      return &forms[i];

  return NULL;
}

/**
 * ct_step_dialog_has_form:
 * @event: an event of the procedure
 *
 * Returns: %TRUE if the app has a form for @event.
 */
gboolean
ct_step_dialog_has_form (CtEvent event)
{
  return find_form (event) != NULL;
}

static gboolean
field_answered (Field *field)
{
  switch (field->question->type)
    {
    case Q_TEXT:
    case Q_LONG:
      {
        g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
                                                        GTK_EDITABLE (field->widget))));
        return *text != '\0';
      }

    case Q_OPTIONAL:
    case Q_MAYBE:
    case Q_PICK:
      return TRUE;

    case Q_CONFIRM:
      return g_strcmp0 (ct_choice_row_get_value (CT_CHOICE_ROW (field->widget)), "yes") == 0;

    case Q_YES_NO:
    case Q_CHOICE:
    case Q_AGENCY:
      return ct_choice_row_get_value (CT_CHOICE_ROW (field->widget)) != NULL;

    default:
      return FALSE;
    }
}

/**
 * ct_step_dialog_is_complete:
 * @self: a #CtStepDialog
 *
 * Returns: %TRUE when every question that is always needed has an answer.
 */
gboolean
ct_step_dialog_is_complete (CtStepDialog *self)
{
  g_return_val_if_fail (CT_IS_STEP_DIALOG (self), FALSE);

  for (guint i = 0; i < self->fields->len; i++)
    if (!field_answered (&g_array_index (self->fields, Field, i)))
      return FALSE;

  return TRUE;
}

static void
update_validity (CtStepDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "step.save",
                                 !self->saving && ct_step_dialog_is_complete (self));
}

/**
 * ct_step_dialog_get_answers:
 * @self: a #CtStepDialog
 *
 * Returns: (transfer full): the answers, for ct_procedure_apply(); yes/no
 *   questions as booleans, the rest as text; unanswered ones left out.
 */
GHashTable *
ct_step_dialog_get_answers (CtStepDialog *self)
{
  GHashTable *answers = ct_answers_new ();

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = &g_array_index (self->fields, Field, i);
      const char *name = field->question->name;

      switch (field->question->type)
        {
        case Q_TEXT:
        case Q_LONG:
        case Q_OPTIONAL:
          {
            g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
                                                            GTK_EDITABLE (field->widget))));
            if (*text != '\0')
              ct_answers_set_text (answers, name, text);
          }
          break;

        case Q_YES_NO:
        case Q_MAYBE:
        case Q_CONFIRM:
          {
            const char *value = ct_choice_row_get_value (CT_CHOICE_ROW (field->widget));

            if (value != NULL)
              ct_answers_set_boolean (answers, name, g_str_equal (value, "yes"));
          }
          break;

        case Q_CHOICE:
        case Q_PICK:
        case Q_AGENCY:
          {
            const char *value = ct_choice_row_get_value (CT_CHOICE_ROW (field->widget));

            if (value != NULL)
              ct_answers_set_text (answers, name, value);
          }
          break;

        default:
          break;
        }
    }

  return answers;
}

/**
 * ct_step_dialog_set_answer:
 * @self: a #CtStepDialog
 * @name: a question's name
 * @value: the answer: text, "yes"/"no", or a choice's value
 *
 * Fills in an answer, for a default the user can change.
 */
void
ct_step_dialog_set_answer (CtStepDialog *self,
                           const char   *name,
                           const char   *value)
{
  g_return_if_fail (CT_IS_STEP_DIALOG (self));

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = &g_array_index (self->fields, Field, i);

      if (g_strcmp0 (field->question->name, name) != 0)
        continue;

      if (GTK_IS_EDITABLE (field->widget))
        gtk_editable_set_text (GTK_EDITABLE (field->widget), value ? value : "");
      else
        ct_choice_row_set_value (CT_CHOICE_ROW (field->widget), value);
    }

  update_validity (self);
}

static void
on_field_changed_cb (CtStepDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);
  update_validity (self);
}

static void
on_save_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtStepDialog *self = CT_STEP_DIALOG (widget);
  g_autoptr(GHashTable) answers = NULL;

  if (!ct_step_dialog_is_complete (self))
    return;

  answers = ct_step_dialog_get_answers (self);
  self->saving = TRUE;
  update_validity (self);
  g_signal_emit (self, signals[SIGNAL_SAVE], 0, answers);
}

/**
 * ct_step_dialog_save_finished:
 * @self: a #CtStepDialog
 * @error: (nullable): why the step was refused or not saved
 *
 * Closes the form on success; otherwise shows why, keeping every answer.
 */
void
ct_step_dialog_save_finished (CtStepDialog *self,
                              const GError *error)
{
  g_return_if_fail (CT_IS_STEP_DIALOG (self));

  self->saving = FALSE;
  if (error == NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  /* The engine's message says what the policy still needs. It takes the
   * keyboard focus, so that it is scrolled into view below a long form and
   * screen readers read it out. */
  gtk_label_set_text (self->problem_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
  update_validity (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->problem_label));
  gtk_label_select_region (self->problem_label, 0, 0);
}

CtEvent
ct_step_dialog_get_event (CtStepDialog *self)
{
  g_return_val_if_fail (CT_IS_STEP_DIALOG (self), CT_N_EVENTS);
  return self->form->event;
}

static gboolean
ct_step_dialog_close_request (GtkWindow *window)
{
  if (CT_STEP_DIALOG (window)->saving)
    return TRUE;

  return GTK_WINDOW_CLASS (ct_step_dialog_parent_class)->close_request (window);
}

static void
ct_step_dialog_finalize (GObject *object)
{
  CtStepDialog *self = CT_STEP_DIALOG (object);

  g_array_unref (self->fields);

  G_OBJECT_CLASS (ct_step_dialog_parent_class)->finalize (object);
}

static void
ct_step_dialog_class_init (CtStepDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ct_step_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = ct_step_dialog_close_request;

  /**
   * CtStepDialog::save:
   * @self: the form
   * @answers: the answers
   *
   * Emitted when the user saves; the handler records the step and calls
   * ct_step_dialog_save_finished().
   */
  signals[SIGNAL_SAVE] =
    g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_HASH_TABLE);

  gtk_widget_class_install_action (widget_class, "step.save", NULL, on_save_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "step.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ct_step_dialog_init (CtStepDialog *self)
{
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
}

static GtkWidget *
make_choice (const Question *question,
             GListModel     *agencies)
{
  GtkWidget *row = ct_choice_row_new (_(question->label));

  switch (question->type)
    {
    case Q_YES_NO:
    case Q_MAYBE:
      ct_choice_row_add (CT_CHOICE_ROW (row), "yes", _("Yes"));
      ct_choice_row_add (CT_CHOICE_ROW (row), "no", _("No"));
      break;

    case Q_CONFIRM:
      ct_choice_row_add (CT_CHOICE_ROW (row), "yes", _("Yes"));
      break;

    case Q_CHOICE:
    case Q_PICK:
      {
        g_auto(GStrv) choices = g_strsplit (_(question->choices), "|", -1);

        for (guint i = 0; choices[i] != NULL; i++)
          {
            char *eq = strchr (choices[i], '=');

            if (eq == NULL)
              continue;
            *eq = '\0';
            ct_choice_row_add (CT_CHOICE_ROW (row), choices[i], eq + 1);
          }
      }
      break;

    case Q_AGENCY:
      for (guint i = 0; agencies != NULL && i < g_list_model_get_n_items (agencies); i++)
        {
          g_autoptr(CtRecord) agency = g_list_model_get_item (agencies, i);
          const char *name = ct_record_get_string (agency, "name");

          ct_choice_row_add (CT_CHOICE_ROW (row), name, name);
        }
      break;

    default:
      g_assert_not_reached ();
    }

  return row;
}

/**
 * ct_step_dialog_new:
 * @event: the step
 * @agencies: (nullable): AGENCY records to choose from, where the step asks
 *
 * Returns: (transfer full): a new form, or %NULL if there is none for
 *   @event.
 */
CtStepDialog *
ct_step_dialog_new (CtEvent     event,
                    GListModel *agencies)
{
  const StepForm *form = find_form (event);
  CtStepDialog *self;
  Field field;
  GtkWidget *box, *header, *cancel, *save, *page, *group, *problem_group;

  g_return_val_if_fail (form != NULL, NULL);

  self = g_object_new (CT_TYPE_STEP_DIALOG,
                       "title", _(form->title),
                       "modal", TRUE,
                       "default-width", 600,
                       "default-height", 640,
                       "width-request", 360,
                       "height-request", 294,
                       NULL);
  self->form = form;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  gtk_accessible_update_property (GTK_ACCESSIBLE (cancel), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Cancel"), -1);
  save = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (save, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "step.save");
  gtk_accessible_update_property (GTK_ACCESSIBLE (save), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Save step"), -1);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  gtk_box_append (GTK_BOX (box), header);

  self->toast_overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->toast_overlay), TRUE);
  page = adw_preferences_page_new ();
  adw_toast_overlay_set_child (self->toast_overlay, page);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->toast_overlay));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(form->title));
  if (form->description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _(form->description));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  for (guint i = 0; i < G_N_ELEMENTS (form->questions) && form->questions[i].name != NULL; i++)
    {
      field.question = &form->questions[i];
      field.widget = NULL;

      switch (field.question->type)
        {
        case Q_TEXT:
        case Q_LONG:
        case Q_OPTIONAL:
          field.widget = adw_entry_row_new ();
          g_signal_connect_swapped (field.widget, "changed", G_CALLBACK (on_field_changed_cb),
                                    self);
          break;

        default:
          field.widget = make_choice (field.question, agencies);
          g_signal_connect_swapped (field.widget, "notify::value",
                                    G_CALLBACK (on_field_changed_cb), self);
          break;
        }

      if (ADW_IS_ENTRY_ROW (field.widget))
        {
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field.widget),
                                         _(field.question->label));
          gtk_accessible_update_property (GTK_ACCESSIBLE (field.widget),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _(field.question->label), -1);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), field.widget);
      g_array_append_val (self->fields, field);
    }

  problem_group = adw_preferences_group_new ();
  self->problem_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->problem_label, TRUE);
  gtk_label_set_xalign (self->problem_label, 0);
  gtk_label_set_selectable (self->problem_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (problem_group),
                             GTK_WIDGET (self->problem_label));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (problem_group));

  adw_window_set_content (ADW_WINDOW (self), box);
  update_validity (self);

  return self;
}
