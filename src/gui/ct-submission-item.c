/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-submission-item"

#include "config.h"

#include "ct-submission-item.h"

#include <glib/gi18n.h>

/*
 * One concern handed in by staff, as the "New concerns from staff" list
 * shows it: what was said, who handed it in and when, and whether it is
 * a case yet. A concern the organisation's key cannot open is listed,
 * marked so, and cannot be made a case.
 */

struct _CtSubmissionItem
{
  GObject  parent_instance;

  char    *id;
  char    *title;
  char    *raised_by;
  char    *submitted_by;
  gint64   submitted_at;
  char    *case_id;
  gboolean readable;
};

G_DEFINE_FINAL_TYPE (CtSubmissionItem, ct_submission_item, G_TYPE_OBJECT)

static char *
dup_answer (GHashTable *answers,
            const char *key)
{
  GVariant *value = answers != NULL ? g_hash_table_lookup (answers, key) : NULL;

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_strdup (g_variant_get_string (value, NULL));
}

static void
ct_submission_item_finalize (GObject *object)
{
  CtSubmissionItem *self = CT_SUBMISSION_ITEM (object);

  g_free (self->id);
  g_free (self->title);
  g_free (self->raised_by);
  g_free (self->submitted_by);
  g_free (self->case_id);

  G_OBJECT_CLASS (ct_submission_item_parent_class)->finalize (object);
}

static void
ct_submission_item_class_init (CtSubmissionItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ct_submission_item_finalize;
}

static void
ct_submission_item_init (CtSubmissionItem *self)
{
}

/**
 * ct_submission_item_new:
 * @submission: a concern from staff, as the store listed it
 *
 * Returns: (transfer full): an item showing @submission
 */
CtSubmissionItem *
ct_submission_item_new (const CtSubmission *submission)
{
  CtSubmissionItem *self;
  g_autofree char *what = NULL;

  g_return_val_if_fail (submission != NULL, NULL);

  self = g_object_new (CT_TYPE_SUBMISSION_ITEM, NULL);
  self->id = g_strdup (submission->id);
  self->submitted_at = submission->submitted_at;
  self->submitted_by = g_strdup (submission->submitted_by);
  self->case_id = g_strdup (submission->case_id);
  self->readable = submission->answers != NULL;
  self->raised_by = dup_answer (submission->answers, "raised-by");
  what = dup_answer (submission->answers, "what");
  if (!self->readable)
    self->title = g_strdup (_("This concern cannot be opened: it was not sealed by Caretrail, or it has been altered"));
  else if (what != NULL && what[0] != '\0')
    self->title = g_steal_pointer (&what);
  else
    self->title = g_strdup (_("A concern with no description"));
  return self;
}

const char *
ct_submission_item_get_id (CtSubmissionItem *self)
{
  g_return_val_if_fail (CT_IS_SUBMISSION_ITEM (self), NULL);
  return self->id;
}

const char *
ct_submission_item_get_title (CtSubmissionItem *self)
{
  g_return_val_if_fail (CT_IS_SUBMISSION_ITEM (self), NULL);
  return self->title;
}

/**
 * ct_submission_item_dup_subtitle:
 * @self: a #CtSubmissionItem
 *
 * Returns: (transfer full): who raised the concern, who handed it in and
 *   when, and whether it is a case now
 */
char *
ct_submission_item_dup_subtitle (CtSubmissionItem *self)
{
  g_autoptr(GDateTime) at = NULL;
  g_autofree char *when = NULL;
  GString *text;

  g_return_val_if_fail (CT_IS_SUBMISSION_ITEM (self), NULL);

  at = g_date_time_new_from_unix_local (self->submitted_at / G_USEC_PER_SEC);
  /* Translators: a date and time, as in "14/03/2026 at 10:05". */
  when = at != NULL ? g_date_time_format (at, _("%d/%m/%Y at %H:%M")) : g_strdup ("");
  text = g_string_new (NULL);
  if (self->raised_by != NULL && self->raised_by[0] != '\0')
    /* Translators: a name, then a login and a date and time. */
    g_string_append_printf (text, _("Raised by %s, handed in by %s on %s"),
                            self->raised_by, self->submitted_by, when);
  else
    g_string_append_printf (text, _("Handed in by %s on %s"), self->submitted_by, when);
  if (self->case_id != NULL)
    g_string_append_printf (text, " · %s", _("a case now"));
  return g_string_free (text, FALSE);
}

gint64
ct_submission_item_get_submitted_at (CtSubmissionItem *self)
{
  g_return_val_if_fail (CT_IS_SUBMISSION_ITEM (self), 0);
  return self->submitted_at;
}

const char *
ct_submission_item_get_case_id (CtSubmissionItem *self)
{
  g_return_val_if_fail (CT_IS_SUBMISSION_ITEM (self), NULL);
  return self->case_id;
}

/**
 * ct_submission_item_can_open:
 * @self: a #CtSubmissionItem
 *
 * Returns: whether the concern can be made a case: it can be read and is
 *   not one already
 */
gboolean
ct_submission_item_can_open (CtSubmissionItem *self)
{
  g_return_val_if_fail (CT_IS_SUBMISSION_ITEM (self), FALSE);
  return self->readable && self->case_id == NULL;
}
