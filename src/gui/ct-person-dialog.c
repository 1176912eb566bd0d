/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-person-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-choice-row.h"
#include "ct-details.h"
#include "ct-form-window.h"
#include "ct-person-dialog.h"
#include "ct-procedure.h"

/*
 * Adding or editing a parent, carer or other adult in a child's life: the
 * person (a PERSON record) and how they stand to each child in the case (one
 * RELATIONSHIP record a child): parental responsibility, main carer,
 * household, whether they may be responsible for the harm. A change is saved
 * as a new version; the store keeps the earlier one in the record's history.
 */
static const CtFormField text_fields[] = {
  { "given-names", N_("Given names") },
  { "family-name", N_("Family name") },
  { "date-of-birth", N_("Date of birth (DD/MM/YYYY)") },
  { "address", N_("Address") },
  { "phone", N_("Telephone") },
  { "email", N_("Email") },
};

static const char *flags[] = {
  "parental-responsibility",
  "primary-carer",
  "household-member",
  "alleged-person",
};

/* The question about flags[index], for the child named @child_name. */
static char *
flag_title (guint       index,
            const char *child_name)
{
  switch (index)
    {
    case 0:
      /* Translators: %s is a child's name. */
      return g_strdup_printf (_("Has parental responsibility for %s"), child_name);
    case 1:
      /* Translators: %s is a child's name. */
      return g_strdup_printf (_("Is the main carer of %s"), child_name);
    case 2:
      /* Translators: %s is a child's name. */
      return g_strdup_printf (_("Lives in the same household as %s"), child_name);
    case 3:
      /* Translators: %s is a child's name. */
      return g_strdup_printf (_("May be responsible for the harm to %s"), child_name);
    default:
      g_assert_not_reached ();
    }
}

typedef struct
{
  CtRecord    *child;
  CtRecord    *relationship; /* the stored one, or NULL */
  char        *child_name;
  GtkWidget   *relation_row;
  CtChoiceRow *flag_rows[G_N_ELEMENTS (flags)];
} Link;

struct _CtPersonDialog
{
  CtFormWindow  parent_instance;

  char         *case_id;
  CtRecord     *person;  /* the stored one, or NULL for someone new */
  GArray       *links;
  GtkWidget    *rows[G_N_ELEMENTS (text_fields)];
  CtChoiceRow  *other_children_row;
};

G_DEFINE_FINAL_TYPE (CtPersonDialog, ct_person_dialog, CT_TYPE_FORM_WINDOW)

static void
link_clear (Link *link)
{
  g_clear_object (&link->child);
  g_clear_object (&link->relationship);
  g_clear_pointer (&link->child_name, g_free);
}

static char *
entry_text (GtkWidget *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* "yes" and "no" are kept as booleans; "not known" is an empty answer,
 * which leaves the field out. */
static void
add_flag_answer (GHashTable  *answers,
                 const char  *field,
                 CtChoiceRow *row)
{
  const char *value = ct_choice_row_get_value (row);

  if (g_strcmp0 (value, "yes") == 0)
    ct_answers_set_boolean (answers, field, TRUE);
  else if (g_strcmp0 (value, "no") == 0)
    ct_answers_set_boolean (answers, field, FALSE);
  else
    ct_answers_set_text (answers, field, "");
}

/* A GPtrArray free function: the array holds NULL for a child not linked. */
static void
free_answers (gpointer answers)
{
  if (answers != NULL)
    g_hash_table_unref (answers);
}

static gboolean
link_has_answers (Link *link)
{
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    if (ct_choice_row_get_value (link->flag_rows[i]) != NULL &&
        g_strcmp0 (ct_choice_row_get_value (link->flag_rows[i]), "unknown") != 0)
      return TRUE;

  return FALSE;
}

/* The PERSON and RELATIONSHIP records that are new or changed, to be saved
 * in one transaction (none if nothing changed), or NULL if something typed
 * is not valid. The form only collects answers; ct-details makes the
 * records from them. */
static GPtrArray *
ct_person_dialog_build_records (CtFormWindow  *form,
                                GError       **error)
{
  CtPersonDialog *self = CT_PERSON_DIALOG (form);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) person_answers = ct_answers_new ();
  /* The answers about each link, or NULL for a child this person is not
   * linked to. */
  g_autoptr(GPtrArray) link_answers = g_ptr_array_new_with_free_func (free_answers);
  g_autoptr(CtRecord) person = NULL;
  g_autofree char *first_relation = NULL;
  g_autofree char *given = entry_text (self->rows[0]);
  g_autofree char *family = entry_text (self->rows[1]);
  guint linked = 0;

  if (*given == '\0' && *family == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Write the person’s name: a given name, a family name or both."));
      return NULL;
    }

  if (!ct_form_window_read_fields (text_fields, G_N_ELEMENTS (text_fields), self->rows,
                                   person_answers, error))
    return NULL;

  for (guint i = 0; i < self->links->len; i++)
    {
      Link *link = &g_array_index (self->links, Link, i);
      g_autofree char *relation = entry_text (link->relation_row);
      g_autoptr(GHashTable) answers = NULL;

      if (*relation == '\0')
        {
          if (link->relationship != NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Say how this person is related to %s, for example “mother” or "
                             "“not related”. A link that was recorded stays in the history."),
                           link->child_name);
              return NULL;
            }
          if (link_has_answers (link))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Say how this person is related to %s, or leave the questions "
                             "about %s unanswered."),
                           link->child_name, link->child_name);
              return NULL;
            }
          g_ptr_array_add (link_answers, NULL);
          continue;
        }

      linked++;
      answers = ct_answers_new ();
      ct_answers_set_text (answers, "relation", relation);
      if (first_relation == NULL)
        first_relation = g_strdup (relation);
      for (guint f = 0; f < G_N_ELEMENTS (flags); f++)
        add_flag_answer (answers, flags[f], link->flag_rows[f]);
      add_flag_answer (answers, "access-to-other-children", self->other_children_row);
      g_ptr_array_add (link_answers, g_steal_pointer (&answers));
    }

  if (linked == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Say how this person is related to the child, for example "
                             "“mother”, “stepfather” or “childminder”."));
      return NULL;
    }

  /* Someone with no role yet takes their first relationship as one. */
  if ((self->person == NULL || ct_record_get_string (self->person, "role") == NULL) &&
      first_relation != NULL)
    ct_answers_set_text (person_answers, "role", first_relation);

  if (self->person != NULL)
    person = ct_details_change_record (self->person, person_answers, error);
  else
    person = ct_details_new_record (CT_RECORD_KIND_PERSON, self->case_id, person_answers, error);
  if (person == NULL)
    return NULL;

  for (guint i = 0; i < self->links->len; i++)
    {
      Link *link = &g_array_index (self->links, Link, i);
      GHashTable *answers = g_ptr_array_index (link_answers, i);
      g_autoptr(CtRecord) rel = NULL;

      if (answers == NULL)
        continue;

      if (link->relationship != NULL)
        rel = ct_details_change_record (link->relationship, answers, error);
      else
        {
          ct_answers_set_text (answers, "child-id", ct_record_get_id (link->child));
          ct_answers_set_text (answers, "person-id", ct_record_get_id (person));
          rel = ct_details_new_record (CT_RECORD_KIND_RELATIONSHIP, self->case_id, answers,
                                       error);
        }
      if (rel == NULL)
        return NULL;

      if (link->relationship == NULL || !ct_record_equal_fields (rel, link->relationship))
        g_ptr_array_add (records, g_steal_pointer (&rel));
    }

  /* The person is saved before the links that name them. */
  if (self->person == NULL || !ct_record_equal_fields (person, self->person))
    g_ptr_array_insert (records, 0, g_steal_pointer (&person));

  return g_steal_pointer (&records);
}

static void
ct_person_dialog_dispose (GObject *object)
{
  CtPersonDialog *self = CT_PERSON_DIALOG (object);

  g_clear_object (&self->person);
  g_clear_pointer (&self->links, g_array_unref);

  G_OBJECT_CLASS (ct_person_dialog_parent_class)->dispose (object);
}

static void
ct_person_dialog_finalize (GObject *object)
{
  g_free (CT_PERSON_DIALOG (object)->case_id);

  G_OBJECT_CLASS (ct_person_dialog_parent_class)->finalize (object);
}

static void
ct_person_dialog_class_init (CtPersonDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ct_person_dialog_dispose;
  object_class->finalize = ct_person_dialog_finalize;
  CT_FORM_WINDOW_CLASS (klass)->build_records = ct_person_dialog_build_records;
}

static void
ct_person_dialog_init (CtPersonDialog *self)
{
  self->links = g_array_new (FALSE, TRUE, sizeof (Link));
  g_array_set_clear_func (self->links, (GDestroyNotify) link_clear);
}

static CtChoiceRow *
new_flag_row (const char *title,
              CtRecord   *record,
              const char *field)
{
  CtChoiceRow *row = CT_CHOICE_ROW (ct_choice_row_new (title));

  ct_choice_row_add (row, "yes", _("Yes"));
  ct_choice_row_add (row, "no", _("No"));
  ct_choice_row_add (row, "unknown", _("Not known"));
  if (record != NULL && ct_record_has_field (record, field))
    ct_choice_row_set_value (row, ct_record_get_boolean (record, field, FALSE) ? "yes" : "no");

  return row;
}

static CtRecord *
find_relationship (GPtrArray  *relationships,
                   const char *person_id,
                   const char *child_id)
{
  for (guint i = 0; relationships != NULL && i < relationships->len; i++)
    {
      CtRecord *rel = g_ptr_array_index (relationships, i);

      if (g_strcmp0 (ct_record_get_string (rel, "person-id"), person_id) == 0 &&
          g_strcmp0 (ct_record_get_string (rel, "child-id"), child_id) == 0)
        return rel;
    }

  return NULL;
}

/**
 * ct_person_dialog_new:
 * @case_id: the case the person belongs to
 * @children: (element-type CtRecord): the case's CHILD records
 * @person: (nullable): the PERSON to edit, or %NULL to add someone
 * @relationships: (nullable) (element-type CtRecord): the case's
 *   RELATIONSHIP records
 *
 * Returns: (transfer full): a form filled with @person's details and how
 *   they stand to each child.
 */
CtPersonDialog *
ct_person_dialog_new (const char *case_id,
                      GPtrArray  *children,
                      CtRecord   *person,
                      GPtrArray  *relationships)
{
  CtPersonDialog *self;
  AdwPreferencesPage *page;
  GtkWidget *group;
  CtRecord *any_relationship = NULL;

  g_return_val_if_fail (case_id != NULL, NULL);
  g_return_val_if_fail (children != NULL, NULL);
  g_return_val_if_fail (person == NULL || CT_IS_RECORD (person), NULL);

  self = g_object_new (CT_TYPE_PERSON_DIALOG,
                       "title", person != NULL ? _("Edit a Person’s Details")
                                               : _("Add a Parent, Carer or Other Adult"),
                       NULL);
  self->case_id = g_strdup (case_id);
  self->person = person != NULL ? g_object_ref (person) : NULL;
  ct_form_window_set_save_label (CT_FORM_WINDOW (self), _("Save the person’s details"));
  page = ct_form_window_get_page (CT_FORM_WINDOW (self));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("The Person"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("A parent, carer or other adult in the child’s life. "
                                           "Changes are kept as a new version; the earlier "
                                           "details stay in the record’s history."));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));

  ct_form_window_add_fields (ADW_PREFERENCES_GROUP (group), text_fields,
                             G_N_ELEMENTS (text_fields), person, self->rows);

  for (guint i = 0; i < children->len; i++)
    {
      CtRecord *child = g_ptr_array_index (children, i);
      Link link = { 0 };
      g_autofree char *relation_label = NULL;
      GtkWidget *child_group;

      link.child = g_object_ref (child);
      link.child_name = g_strstrip (g_strdup_printf ("%s %s",
                                                     ct_record_get_string (child, "given-names") ?: "",
                                                     ct_record_get_string (child, "family-name") ?: ""));
      if (person != NULL)
        {
          CtRecord *rel = find_relationship (relationships, ct_record_get_id (person),
                                             ct_record_get_id (child));
          if (rel != NULL)
            link.relationship = g_object_ref (rel);
        }
      if (any_relationship == NULL)
        any_relationship = link.relationship;

      child_group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (child_group), link.child_name);
      if (children->len > 1)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (child_group),
                                               _("Leave the relationship empty if this person "
                                                 "is not part of this child’s life."));

      /* Translators: %s is a child's name. */
      relation_label = g_strdup_printf (_("Relationship to %s (mother, stepfather…)"),
                                        link.child_name);
      link.relation_row = ct_form_window_new_entry_row (relation_label,
                                         link.relationship != NULL
                                           ? ct_record_get_string (link.relationship, "relation")
                                           : NULL);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (child_group), link.relation_row);

      for (guint f = 0; f < G_N_ELEMENTS (flags); f++)
        {
          g_autofree char *title = flag_title (f, link.child_name);

          link.flag_rows[f] = new_flag_row (title, link.relationship, flags[f]);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (child_group),
                                     GTK_WIDGET (link.flag_rows[f]));
        }

      adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (child_group));
      g_array_append_val (self->links, link);
    }

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Other Children"));
  self->other_children_row = new_flag_row (_("Has contact with other children"),
                                           any_relationship, "access-to-other-children");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             GTK_WIDGET (self->other_children_row));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));

  gtk_window_set_focus (GTK_WINDOW (self), self->rows[0]);

  return self;
}
