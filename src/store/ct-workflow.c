/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-workflow"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ct-case-service.h"
#include "ct-crypto.h"
#include "ct-directory-store.h"
#include "ct-workflow.h"

/*
 * What the window does with the records: it joins the procedure engine
 * (which decides what may happen next and what must be recorded) to the
 * store (which keeps it). Each step of the procedure is one store
 * transaction: the case's new state and clocks, the chronology entry and any
 * records the step made commit together or not at all. Every store call
 * runs on the store's worker thread; results come back on the main loop.
 *
 * The procedure's memory of a case (its flags and running clocks) is kept
 * in encrypted fields of the CASE record, as the case service (which
 * writes every step) describes in ct-case-service.h.
 */
struct _CtWorkflow
{
  GObject     parent_instance;

  CtStore    *store;
  CtCaseService *service;      /* NULL if the organisation's settings cannot be read */
  GError     *service_error;   /* why there is no service */
  CtRecord   *organisation;
  GListStore *staff;
  GListStore *current_staff;   /* those still with the organisation */
  GListStore *agencies;
  char       *actor_id;        /* the member of staff using Caretrail, or NULL */
  char       *actor_name;
};

G_DEFINE_FINAL_TYPE (CtWorkflow, ct_workflow, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACTOR_ID,
  PROP_ACTOR_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
ct_case_file_free (CtCaseFile *file)
{
  if (file == NULL)
    return;

  g_clear_object (&file->case_record);
  g_clear_pointer (&file->children, g_ptr_array_unref);
  g_clear_pointer (&file->concerns, g_ptr_array_unref);
  g_clear_pointer (&file->chronology, g_ptr_array_unref);
  g_clear_pointer (&file->referrals, g_ptr_array_unref);
  g_clear_pointer (&file->documents, g_ptr_array_unref);
  g_clear_pointer (&file->people, g_ptr_array_unref);
  g_clear_pointer (&file->relationships, g_ptr_array_unref);
  g_free (file);
}

static void
ct_workflow_dispose (GObject *object)
{
  CtWorkflow *self = CT_WORKFLOW (object);

  g_clear_object (&self->service);
  g_clear_object (&self->store);
  g_clear_object (&self->organisation);
  g_clear_object (&self->staff);
  g_clear_object (&self->current_staff);
  g_clear_object (&self->agencies);

  G_OBJECT_CLASS (ct_workflow_parent_class)->dispose (object);
}

static void
ct_workflow_finalize (GObject *object)
{
  CtWorkflow *self = CT_WORKFLOW (object);

  g_free (self->actor_id);
  g_free (self->actor_name);
  g_clear_error (&self->service_error);

  G_OBJECT_CLASS (ct_workflow_parent_class)->finalize (object);
}

static void
ct_workflow_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CtWorkflow *self = CT_WORKFLOW (object);

  switch (prop_id)
    {
    case PROP_ACTOR_ID:
      g_value_set_string (value, self->actor_id);
      break;
    case PROP_ACTOR_NAME:
      g_value_set_string (value, self->actor_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_workflow_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CtWorkflow *self = CT_WORKFLOW (object);

  switch (prop_id)
    {
    case PROP_ACTOR_ID:
      ct_workflow_set_actor_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_workflow_class_init (CtWorkflowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ct_workflow_dispose;
  object_class->finalize = ct_workflow_finalize;
  object_class->get_property = ct_workflow_get_property;
  object_class->set_property = ct_workflow_set_property;

  /**
   * CtWorkflow:actor-id:
   *
   * The id of the member of staff using Caretrail (a STAFF record), whom
   * every entry written names; %NULL until someone is chosen.
   */
  properties[PROP_ACTOR_ID] =
    g_param_spec_string ("actor-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * CtWorkflow:actor-name:
   *
   * The name of the member of staff using Caretrail, or %NULL.
   */
  properties[PROP_ACTOR_NAME] =
    g_param_spec_string ("actor-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ct_workflow_init (CtWorkflow *self)
{
  self->staff = g_list_store_new (CT_TYPE_RECORD);
  self->current_staff = g_list_store_new (CT_TYPE_RECORD);
  self->agencies = g_list_store_new (CT_TYPE_RECORD);
}

/**
 * ct_workflow_new:
 * @store: an open store
 *
 * Returns: (transfer full): a workflow over @store; call
 *   ct_workflow_load_async() before anything else.
 */
CtWorkflow *
ct_workflow_new (CtStore *store)
{
  CtWorkflow *self;

  g_return_val_if_fail (CT_IS_STORE (store), NULL);

  self = g_object_new (CT_TYPE_WORKFLOW, NULL);
  self->store = g_object_ref (store);
  self->service_error = g_error_new_literal (CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                                             _("The organisation’s settings have not been read yet, so no step can be recorded. Try again in a moment."));

  return self;
}

CtStore *
ct_workflow_get_store (CtWorkflow *self)
{
  g_return_val_if_fail (CT_IS_WORKFLOW (self), NULL);
  return self->store;
}

/**
 * ct_workflow_get_calendar:
 * @self: a #CtWorkflow
 *
 * Returns: (transfer none) (nullable): the organisation's working-day
 *   calendar, or %NULL if its settings could not be read
 */
CtCalendar *
ct_workflow_get_calendar (CtWorkflow *self)
{
  g_return_val_if_fail (CT_IS_WORKFLOW (self), NULL);
  return self->service != NULL ? ct_case_service_get_calendar (self->service) : NULL;
}

CtRecord *
ct_workflow_get_organisation (CtWorkflow *self)
{
  g_return_val_if_fail (CT_IS_WORKFLOW (self), NULL);
  return self->organisation;
}

GListModel *
ct_workflow_get_staff (CtWorkflow *self)
{
  g_return_val_if_fail (CT_IS_WORKFLOW (self), NULL);
  return G_LIST_MODEL (self->staff);
}

/**
 * ct_workflow_get_current_staff:
 * @self: a #CtWorkflow
 *
 * Returns: (transfer none): the members of staff still with the
 *   organisation: those to offer as someone to choose. Everyone, those who
 *   have left too, is in ct_workflow_get_staff().
 */
GListModel *
ct_workflow_get_current_staff (CtWorkflow *self)
{
  g_return_val_if_fail (CT_IS_WORKFLOW (self), NULL);
  return G_LIST_MODEL (self->current_staff);
}

GListModel *
ct_workflow_get_agencies (CtWorkflow *self)
{
  g_return_val_if_fail (CT_IS_WORKFLOW (self), NULL);
  return G_LIST_MODEL (self->agencies);
}

/**
 * ct_workflow_get_actor_id:
 * @self: a #CtWorkflow
 *
 * Returns: (nullable): the id of the member of staff using Caretrail, or
 *   %NULL if no one has been chosen yet
 */
const char *
ct_workflow_get_actor_id (CtWorkflow *self)
{
  g_return_val_if_fail (CT_IS_WORKFLOW (self), NULL);
  return self->actor_id;
}

/**
 * ct_workflow_get_actor_name:
 * @self: a #CtWorkflow
 *
 * Returns: (nullable): the name of the member of staff using Caretrail, as
 *   the chronology records it, or %NULL if no one has been chosen yet
 */
const char *
ct_workflow_get_actor_name (CtWorkflow *self)
{
  g_return_val_if_fail (CT_IS_WORKFLOW (self), NULL);
  return self->actor_name;
}

/**
 * ct_workflow_find_staff:
 * @self: a #CtWorkflow
 * @staff_id: (nullable): a STAFF record's id
 *
 * Returns: (transfer full) (nullable): that member of staff, if they are in
 *   the directory
 */
CtRecord *
ct_workflow_find_staff (CtWorkflow *self,
                        const char *staff_id)
{
  GListModel *staff = G_LIST_MODEL (self->staff);

  g_return_val_if_fail (CT_IS_WORKFLOW (self), NULL);

  for (guint i = 0; staff_id != NULL && i < g_list_model_get_n_items (staff); i++)
    {
      g_autoptr(CtRecord) member = g_list_model_get_item (staff, i);

      if (g_strcmp0 (ct_record_get_id (member), staff_id) == 0)
        return g_steal_pointer (&member);
    }

  return NULL;
}

/**
 * ct_workflow_set_actor_id:
 * @self: a #CtWorkflow
 * @staff_id: (nullable): the id of a member of staff in the directory, or
 *   %NULL for no one
 *
 * Says who is using Caretrail: every step, form and document they save
 * names them.
 *
 * Returns: %TRUE if @staff_id is in the directory (or %NULL); %FALSE if it
 *   is not, and then no one is chosen
 */
gboolean
ct_workflow_set_actor_id (CtWorkflow *self,
                          const char *staff_id)
{
  g_autoptr(CtRecord) member = NULL;
  const char *name = NULL;

  g_return_val_if_fail (CT_IS_WORKFLOW (self), FALSE);

  member = ct_workflow_find_staff (self, staff_id);
  if (member != NULL)
    name = ct_record_get_string (member, "name");
  else
    staff_id = NULL;

  if (g_strcmp0 (self->actor_id, staff_id) != 0)
    {
      g_free (self->actor_id);
      self->actor_id = g_strdup (staff_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTOR_ID]);
    }
  if (g_strcmp0 (self->actor_name, name) != 0)
    {
      g_free (self->actor_name);
      self->actor_name = g_strdup (name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTOR_NAME]);
    }

  return member != NULL || staff_id == NULL;
}

/**
 * ct_workflow_read_case:
 * @self: a #CtWorkflow
 * @case_record: a CASE
 * @child: (nullable): its first CHILD, for the date of birth
 * @now: the time to judge lateness by
 * @out_reading: (out caller-allocates): the case as the procedure sees it:
 *   its snapshot, next step and clocks (clear with ct_case_reading_clear())
 * @error: return location for an error
 *
 * Reads a case as the case service does (ct_case_service_read_case()),
 * with the organisation's settings. Fails safe: a state, a period or a clock that cannot be read,
 * or settings that could not be read, is an error rather than a deadline.
 *
 * Returns: %TRUE on success
 */
/**
 * ct_workflow_get_policy_review_due:
 * @self: a #CtWorkflow
 *
 * Returns: when the safeguarding policy is due for review, in unix
 *   microseconds, or 0 if no date is recorded or the settings cannot be read
 */
gint64
ct_workflow_get_policy_review_due (CtWorkflow *self)
{
  g_autoptr(GDateTime) due = NULL;

  g_return_val_if_fail (CT_IS_WORKFLOW (self), 0);

  if (self->service == NULL)
    return 0;
  due = ct_case_service_get_policy_review_due (self->service);
  return due != NULL ? g_date_time_to_unix (due) * G_USEC_PER_SEC : 0;
}

gboolean
ct_workflow_read_case (CtWorkflow     *self,
                       CtRecord       *case_record,
                       CtRecord       *child,
                       GDateTime      *now,
                       CtCaseReading  *out_reading,
                       GError        **error)
{
  g_return_val_if_fail (CT_IS_WORKFLOW (self), FALSE);

  if (self->service == NULL)
    {
      memset (out_reading, 0, sizeof *out_reading);
      g_propagate_error (error, g_error_copy (self->service_error));
      return FALSE;
    }

  return ct_case_service_read_case (self->service, case_record, child, now, out_reading, error);
}

static char *
describe_children (CtRecord   *case_record,
                   GHashTable *children_by_id,
                   char      **out_aliases)
{
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) aliases = g_string_new (NULL);
  const char * const *ids = ct_record_get_strv (case_record, "child-ids");

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      CtRecord *child = children_by_id ? g_hash_table_lookup (children_by_id, ids[i]) : NULL;
      const char * const *child_aliases;

      if (child == NULL)
        continue;

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append_printf (names, "%s %s",
                              ct_record_get_string (child, "given-names") ?: "",
                              ct_record_get_string (child, "family-name") ?: "");

      child_aliases = ct_record_get_strv (child, "aliases");
      for (guint j = 0; child_aliases != NULL && child_aliases[j] != NULL; j++)
        g_string_append_printf (aliases, "%s\n", child_aliases[j]);
    }

  if (out_aliases != NULL)
    *out_aliases = g_string_free (g_steal_pointer (&aliases), FALSE);

  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The case as the lists show it, from its parts. Also called on the
 * store's thread while loading, so it touches nothing of the workflow. */
static CtCaseItem *
make_item (const char *id,
           const char *reference,
           const char *state_name,
           gint64      due_at,
           const char *children,
           const char *aliases,
           const char *dso,
           gint64      flags)
{
  CtState state;
  CtCaseItem *item;

  if (state_name != NULL && ct_state_from_string (state_name, &state, NULL))
    item = ct_case_item_new_in_state (id, reference, children, aliases, state, due_at, dso);
  else
    /* A state this version does not know: shown as it is stored. */
    item = ct_case_item_new (id, reference, children, aliases, state_name, due_at, dso, FALSE);

  /* On the urgent path: a child may be at immediate risk and no urgent
   * referral or recorded decision has taken the case off it. */
  ct_case_item_set_urgent (item, (flags & CT_CASE_FLAG_IMMEDIATE_RISK) != 0);
  return item;
}

/**
 * ct_workflow_make_item:
 * @self: a #CtWorkflow
 * @case_record: a CASE
 * @children_by_id: (nullable): CHILD records by id
 *
 * Returns: (transfer full): the case as the lists show it.
 */
CtCaseItem *
ct_workflow_make_item (CtWorkflow *self,
                       CtRecord   *case_record,
                       GHashTable *children_by_id)
{
  g_autofree char *aliases = NULL;
  g_autofree char *children = describe_children (case_record, children_by_id, &aliases);
  const char *dso = NULL;

  if (self->organisation != NULL)
    dso = ct_record_get_string (self->organisation, "dso-name");

  return make_item (ct_record_get_id (case_record), ct_record_get_reference (case_record),
                    ct_record_get_state (case_record), ct_record_get_due_at (case_record),
                    children, aliases, dso,
                    ct_record_get_int64 (case_record, "procedure-flags", 0));
}

/* Setup {{{ */

/* Records to save in one transaction, by one member of staff: a record
 * never saved (version 0) is added, any other saved as a correction. Used
 * by the setup and by the forms. */
typedef struct
{
  GPtrArray *records;
  char      *actor_id;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_ptr_array_unref (data->records);
  g_free (data->actor_id);
  g_free (data);
}

static gboolean
save_in_transaction (CtStoreTransaction  *txn,
                     gpointer             user_data,
                     GError             **error)
{
  SaveData *data = user_data;

  for (guint i = 0; i < data->records->len; i++)
    {
      CtRecord *record = g_ptr_array_index (data->records, i);
      gboolean ok = ct_record_get_version (record) == 0
                      ? ct_store_transaction_insert (txn, data->actor_id, record, error)
                      : ct_store_transaction_update (txn, data->actor_id, record, error);
      if (!ok)
        return FALSE;
    }

  return TRUE;
}

static void
setup_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SaveData *data = task_data;
  const char *path = g_object_get_data (G_OBJECT (task), "path");
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GError) error = NULL;
  char *code = NULL;

  /* A thread of its own: creating the key runs Argon2id, which takes a
   * noticeable time and must not freeze the window. */
  store = ct_store_create_sync (path, &code, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!ct_store_run_transaction_sync (store, save_in_transaction, data, &error))
    {
      ct_crypto_free_string (code);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_object_set_data_full (G_OBJECT (task), "code", code, g_free);
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

/**
 * ct_workflow_setup_async:
 * @path: where to create the database
 * @records: (element-type CtRecord): the ORGANISATION, STAFF and AGENCY
 *   records from the setup assistant
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Creates the encrypted database and its key, and stores @records in it.
 */
void
ct_workflow_setup_async (const char          *path,
                         GPtrArray           *records,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SaveData *data = g_new0 (SaveData, 1);

  g_task_set_source_tag (task, ct_workflow_setup_async);
  data->records = g_ptr_array_ref (records);

  /* The first staff member, the DSO, sets the organisation up. */
  for (guint i = 0; i < records->len; i++)
    if (ct_record_get_kind (g_ptr_array_index (records, i)) == CT_RECORD_KIND_STAFF)
      {
        data->actor_id = g_strdup (ct_record_get_id (g_ptr_array_index (records, i)));
        break;
      }
  if (data->actor_id == NULL)
    data->actor_id = g_strdup ("setup");

  g_object_set_data_full (G_OBJECT (task), "path", g_strdup (path), g_free);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, setup_in_thread);
}

/**
 * ct_workflow_setup_finish:
 * @result: the result
 * @out_recovery_code: (out): the recovery code, to show once and wipe
 * @error: return location for an error
 *
 * Returns: (transfer full): the new store, open.
 */
CtStore *
ct_workflow_setup_finish (GAsyncResult  *result,
                          char         **out_recovery_code,
                          GError       **error)
{
  CtStore *store;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  store = g_task_propagate_pointer (G_TASK (result), error);
  if (store != NULL && out_recovery_code != NULL)
    *out_recovery_code = g_strdup (g_object_get_data (G_OBJECT (result), "code"));

  /* The task's own copy goes with the task; wipe it first. */
  ct_crypto_wipe_string (g_object_get_data (G_OBJECT (result), "code"));

  return store;
}

/* }}} */

/* Load {{{ */

/* What the lists need of each CASE and CHILD. Only these are read from
 * the thousands of them at startup; the case page reads whole records. */
static const char * const case_list_fields[] = { "child-ids", "procedure-flags", NULL };
enum { CASE_CHILD_IDS, CASE_PROCEDURE_FLAGS };
static const char * const child_list_fields[] = { "given-names", "family-name", "aliases", NULL };
enum { CHILD_GIVEN_NAMES, CHILD_FAMILY_NAME, CHILD_ALIASES };

typedef struct
{
  GPtrArray *organisations;
  GPtrArray *staff;
  GPtrArray *agencies;
  GPtrArray *items;          /* CtCaseItem, made on the store's thread */
  gint64     n_first;        /* only the first cases by due time, or -1 */
  gint64     n_cases;        /* how many cases the store holds */
  gint64     started_at;
  gint64     read_at;
  gint64     made_at;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_pointer (&data->organisations, g_ptr_array_unref);
  g_clear_pointer (&data->staff, g_ptr_array_unref);
  g_clear_pointer (&data->agencies, g_ptr_array_unref);
  g_clear_pointer (&data->items, g_ptr_array_unref);
  g_free (data);
}

static const char *
summary_string (const CtStoreSummary *summary,
                guint                 field)
{
  GVariant *value = summary->values[field];

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_get_string (value, NULL);
}

/* (transfer container): the strings of an array-of-strings field. */
static const char **
summary_strv (const CtStoreSummary *summary,
              guint                 field)
{
  GVariant *value = summary->values[field];

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    return NULL;
  return g_variant_get_strv (value, NULL);
}

/* What the list shows of one child, kept while the cases are read. */
typedef struct
{
  char *name;                  /* "given family" */
  char *aliases;               /* each followed by a newline, or NULL */
} ChildNames;

static void
child_names_free (ChildNames *names)
{
  g_free (names->name);
  g_free (names->aliases);
  g_free (names);
}

/* An item and when its case was created, so the items can be put in the
 * order the cases were created once all are read. */
typedef struct
{
  gint64 created_at;
  CtCaseItem *item;
} LoadedItem;

typedef struct
{
  LoadData *data;
  CtStoreTransaction *txn;
  GHashTable *children;        /* id -> ChildNames */
  GArray *loaded;              /* LoadedItem */
  GString *names;
  GString *aliases;
  const char *dso;
  gpointer rest;               /* RestLoad, reading the rest */
} LoadWalk;

static ChildNames *child_names_from_summary (LoadWalk             *walk,
                                             const CtStoreSummary *summary);

static gboolean
on_child_summary_cb (const CtStoreSummary  *summary,
                     gpointer               user_data,
                     GError               **error)
{
  LoadWalk *walk = user_data;

  g_hash_table_insert (walk->children, g_strdup (summary->id),
                       child_names_from_summary (walk, summary));
  return TRUE;
}

static ChildNames *
child_names_from_summary (LoadWalk             *walk,
                          const CtStoreSummary *summary)
{
  ChildNames *names = g_new0 (ChildNames, 1);
  const char *given = summary_string (summary, CHILD_GIVEN_NAMES);
  const char *family = summary_string (summary, CHILD_FAMILY_NAME);
  g_autofree const char **aliases = summary_strv (summary, CHILD_ALIASES);

  names->name = g_strconcat (given ? given : "", " ", family ? family : "", NULL);
  if (aliases != NULL && aliases[0] != NULL)
    {
      g_string_truncate (walk->aliases, 0);
      for (guint j = 0; aliases[j] != NULL; j++)
        {
          g_string_append (walk->aliases, aliases[j]);
          g_string_append_c (walk->aliases, '\n');
        }
      names->aliases = g_strndup (walk->aliases->str, walk->aliases->len);
    }
  return names;
}

/* The names of a child read on its own, for the first cases, which are
 * read before the rest of the children. */
static ChildNames *
child_names_from_record (CtRecord *child)
{
  ChildNames *names = g_new0 (ChildNames, 1);
  const char * const *aliases = ct_record_get_strv (child, "aliases");

  names->name = g_strconcat (ct_record_get_string (child, "given-names") ?: "", " ",
                             ct_record_get_string (child, "family-name") ?: "", NULL);
  if (aliases != NULL && aliases[0] != NULL)
    {
      GString *joined = g_string_new (NULL);

      for (guint j = 0; aliases[j] != NULL; j++)
        g_string_append_printf (joined, "%s\n", aliases[j]);
      names->aliases = g_string_free (joined, FALSE);
    }
  return names;
}

/* describe_children(), for summaries read by the load: the case's item.
 * With walk->txn set, a child not read yet is read on its own. */
static CtCaseItem *
item_from_summary (LoadWalk              *walk,
                   const CtStoreSummary  *summary,
                   GError               **error)
{
  g_autofree const char **ids = summary_strv (summary, CASE_CHILD_IDS);
  GVariant *flags = summary->values[CASE_PROCEDURE_FLAGS];

  g_string_truncate (walk->names, 0);
  g_string_truncate (walk->aliases, 0);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      ChildNames *child = g_hash_table_lookup (walk->children, ids[i]);

      if (child == NULL && walk->txn != NULL)
        {
          g_autoptr(GError) local_error = NULL;
          g_autoptr(CtRecord) record = ct_store_transaction_get (walk->txn, CT_RECORD_KIND_CHILD,
                                                                 ids[i], &local_error);

          if (record == NULL && !g_error_matches (local_error, CT_STORE_ERROR,
                                                  CT_STORE_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (record != NULL)
            {
              child = child_names_from_record (record);
              g_hash_table_insert (walk->children, g_strdup (ids[i]), child);
            }
        }
      if (child == NULL)
        continue;
      if (walk->names->len > 0)
        g_string_append (walk->names, ", ");
      g_string_append (walk->names, child->name);
      if (child->aliases != NULL)
        g_string_append (walk->aliases, child->aliases);
    }

  return make_item (summary->id, summary->reference, summary->state, summary->due_at,
                    walk->names->str, walk->aliases->str, walk->dso,
                    flags != NULL && g_variant_is_of_type (flags, G_VARIANT_TYPE_INT64)
                      ? g_variant_get_int64 (flags) : 0);
}

static gboolean
on_case_summary_cb (const CtStoreSummary  *summary,
                    gpointer               user_data,
                    GError               **error)
{
  LoadWalk *walk = user_data;
  LoadedItem loaded;

  loaded.created_at = summary->created_at;
  loaded.item = item_from_summary (walk, summary, error);
  if (loaded.item == NULL)
    return FALSE;
  g_array_append_val (walk->loaded, loaded);
  return TRUE;
}

/* In the order the cases were created: created_at, then id, as
 * ct_store_transaction_list() returns them. */
static int
compare_loaded_items (gconstpointer a,
                      gconstpointer b)
{
  const LoadedItem *x = a;
  const LoadedItem *y = b;

  if (x->created_at != y->created_at)
    return x->created_at < y->created_at ? -1 : 1;
  return strcmp (ct_case_item_get_case_id (x->item), ct_case_item_get_case_id (y->item));
}

/* Runs on the store's thread: reads everything the window shows first and
 * makes the case list's items there, so the window's thread only has to
 * show them. Children and then cases are walked a record at a time, each
 * case made into its item as it is read, so no more than one record's
 * ciphertext and plaintext is held at once, however many there are. */
static gboolean
load_in_transaction (CtStoreTransaction  *txn,
                     gpointer             user_data,
                     GError             **error)
{
  LoadData *data = user_data;
  LoadWalk walk = { data, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
  gboolean ok;

  if ((data->organisations = ct_store_transaction_list (txn, CT_RECORD_KIND_ORGANISATION,
                                                        NULL, error)) == NULL ||
      (data->staff = ct_store_transaction_list (txn, CT_RECORD_KIND_STAFF, NULL,
                                                error)) == NULL ||
      (data->agencies = ct_store_transaction_list (txn, CT_RECORD_KIND_AGENCY, NULL,
                                                   error)) == NULL)
    return FALSE;

  if (data->organisations->len > 0)
    walk.dso = ct_record_get_string (g_ptr_array_index (data->organisations, 0), "dso-name");

  walk.children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) child_names_free);
  walk.loaded = g_array_new (FALSE, FALSE, sizeof (LoadedItem));
  walk.names = g_string_new (NULL);
  walk.aliases = g_string_new (NULL);

  if (data->n_first >= 0)
    {
      /* Only the cases at the top of the lists, and their children read
       * one by one: the rest follow with ct_workflow_load_rest_async(). */
      walk.txn = txn;
      data->n_cases = ct_store_transaction_count (txn, CT_RECORD_KIND_CASE, error);
      ok = data->n_cases >= 0 &&
           ct_store_transaction_foreach_case_summary_by_due (txn, case_list_fields, data->n_first,
                                                             on_case_summary_cb, &walk, error);
    }
  else
    ok = ct_store_transaction_foreach_summary (txn, CT_RECORD_KIND_CHILD, child_list_fields,
                                               on_child_summary_cb, &walk, error) &&
         ct_store_transaction_foreach_summary (txn, CT_RECORD_KIND_CASE, case_list_fields,
                                               on_case_summary_cb, &walk, error);
  data->read_at = g_get_monotonic_time ();

  if (ok)
    {
      /* The first cases stay in the order they were read, the lists'. */
      if (data->n_first < 0)
        g_array_sort (walk.loaded, compare_loaded_items);
      data->n_cases = MAX (data->n_cases, (gint64) walk.loaded->len);
      data->items = g_ptr_array_new_full (walk.loaded->len, g_object_unref);
      for (guint i = 0; i < walk.loaded->len; i++)
        g_ptr_array_add (data->items, g_array_index (walk.loaded, LoadedItem, i).item);
    }
  else
    {
      for (guint i = 0; i < walk.loaded->len; i++)
        g_object_unref (g_array_index (walk.loaded, LoadedItem, i).item);
    }

  g_array_unref (walk.loaded);
  g_hash_table_unref (walk.children);
  g_string_free (walk.names, TRUE);
  g_string_free (walk.aliases, TRUE);
  data->made_at = g_get_monotonic_time ();
  return ok;
}

/* The case service for the organisation as it now stands. */
static void
make_service (CtWorkflow *self)
{
  g_clear_object (&self->service);
  g_clear_error (&self->service_error);
  if (self->organisation == NULL)
    self->service_error = g_error_new_literal (CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                                               _("The organisation’s details are missing from the records, so no deadline can be worked out. Run the setup again or restore a backup."));
  else
    self->service = ct_case_service_new_for_organisation (self->store, self->organisation,
                                                          &self->service_error);
  if (self->service == NULL)
    g_warning ("Steps cannot be recorded: %s", self->service_error->message);
}

/* The members of staff still with the organisation, in one change. */
static void
update_current_staff (CtWorkflow *self)
{
  g_autoptr(GPtrArray) current = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *staff = G_LIST_MODEL (self->staff);

  for (guint i = 0; i < g_list_model_get_n_items (staff); i++)
    {
      g_autoptr(CtRecord) member = g_list_model_get_item (staff, i);

      if (!ct_directory_staff_has_left (member))
        g_ptr_array_add (current, g_steal_pointer (&member));
    }
  g_list_store_splice (self->current_staff, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->current_staff)),
                       current->pdata, current->len);
}

/* Takes up what load_in_transaction() read, on the main thread. */
static void
apply_load (CtWorkflow *self,
            LoadData   *data)
{
  g_clear_object (&self->organisation);
  if (data->organisations->len > 0)
    self->organisation = g_object_ref (g_ptr_array_index (data->organisations, 0));

  /* Steps are recorded by the case service, the one implementation of
   * writing a procedure event to the store, with the organisation's
   * settings as it reads them. Settings that cannot be read leave no
   * service: a step is then refused with the reason, rather than timed by
   * another nation's calendar. */
  make_service (self);

  g_list_store_splice (self->staff, 0, g_list_model_get_n_items (G_LIST_MODEL (self->staff)),
                       data->staff->pdata, data->staff->len);
  update_current_staff (self);
  g_list_store_splice (self->agencies, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->agencies)),
                       data->agencies->pdata, data->agencies->len);

  /* Whoever was using Caretrail stays chosen if they are still on the
   * staff; if there is only one member of staff, it is them. */
  {
    g_autofree char *actor = g_strdup (self->actor_id);

    if (actor == NULL && data->staff->len == 1)
      actor = g_strdup (ct_record_get_id (g_ptr_array_index (data->staff, 0)));
    ct_workflow_set_actor_id (self, actor);
  }

  g_debug ("Loaded %u cases; read and made into list items in %.0f ms, put in order in %.0f ms, "
           "handed over after %.0f ms",
           data->items->len, (data->read_at - data->started_at) / 1000.0,
           (data->made_at - data->read_at) / 1000.0,
           (g_get_monotonic_time () - data->made_at) / 1000.0);
}

static LoadData *
load_data_new (void)
{
  LoadData *data = g_new0 (LoadData, 1);

  data->n_first = -1;
  data->started_at = g_get_monotonic_time ();
  return data;
}

static void
on_load_finished_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CtWorkflow *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!ct_store_run_transaction_finish (CT_STORE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  apply_load (self, data);
  g_task_return_pointer (task, g_steal_pointer (&data->items),
                         (GDestroyNotify) g_ptr_array_unref);
}

/**
 * ct_workflow_load_async:
 * @self: a #CtWorkflow
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Reads the organisation, its directory and every case.
 */
void
ct_workflow_load_async (CtWorkflow          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  LoadData *data = load_data_new ();

  g_task_set_source_tag (task, ct_workflow_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  ct_store_run_transaction_async (self->store, load_in_transaction, data, NULL, cancellable,
                                  on_load_finished_cb, task);
}

/**
 * ct_workflow_load_finish:
 * @self: a #CtWorkflow
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CtCaseItem): every case.
 */
GPtrArray *
ct_workflow_load_finish (CtWorkflow    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char     *path;
  gint64    n_first;
  CtStore  *store;
  LoadData *data;
} OpenLoadData;

static void
open_load_data_free (OpenLoadData *open_data)
{
  g_free (open_data->path);
  g_clear_object (&open_data->store);
  g_clear_pointer (&open_data->data, load_data_free);
  g_free (open_data);
}

/* A thread of its own, so that the records are opened and read without
 * coming back to the main thread in between, which may be busy starting
 * the application. */
static void
open_and_load_in_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  OpenLoadData *open_data = task_data;
  g_autoptr(GError) error = NULL;

  open_data->store = ct_store_open_sync (open_data->path, &error);
  if (open_data->store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  open_data->data = load_data_new ();
  open_data->data->n_first = open_data->n_first;
  if (!ct_store_run_transaction_sync (open_data->store, load_in_transaction, open_data->data,
                                      &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * ct_workflow_open_and_load_async:
 * @path: the database file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Opens the records at @path and reads them as ct_workflow_load_async()
 * does, in one go on other threads.
 */
static void
open_and_load (const char          *path,
               gint64               n_first,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  OpenLoadData *open_data = g_new0 (OpenLoadData, 1);

  g_return_if_fail (path != NULL);

  g_task_set_source_tag (task, ct_workflow_open_and_load_async);
  open_data->path = g_strdup (path);
  open_data->n_first = n_first;
  g_task_set_task_data (task, open_data, (GDestroyNotify) open_load_data_free);
  g_task_run_in_thread (task, open_and_load_in_thread);
}

void
ct_workflow_open_and_load_async (const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  open_and_load (path, -1, cancellable, callback, user_data);
}

/**
 * ct_workflow_open_and_load_first_async:
 * @path: the database file
 * @n_first: how many cases to read
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Opens the records at @path, checked as ct_workflow_open_and_load_async()
 * checks them, and reads the directory and only the first @n_first cases
 * in the order of their due times: the top of the case lists. Finish with
 * ct_workflow_open_and_load_finish(); read the rest with
 * ct_workflow_load_rest_async().
 */
void
ct_workflow_open_and_load_first_async (const char          *path,
                                       guint                n_first,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  open_and_load (path, n_first, cancellable, callback, user_data);
}

/**
 * ct_workflow_open_and_load_get_n_cases:
 * @result: the result given to ct_workflow_open_and_load_first_async()'s
 *   callback, once finished
 *
 * Returns: how many cases the store holds, read or not
 */
guint
ct_workflow_open_and_load_get_n_cases (GAsyncResult *result)
{
  OpenLoadData *open_data;

  g_return_val_if_fail (G_IS_TASK (result), 0);
  open_data = g_task_get_task_data (G_TASK (result));
  return open_data->data != NULL ? (guint) open_data->data->n_cases : 0;
}

/**
 * ct_workflow_open_and_load_finish:
 * @result: the result
 * @out_items: (out) (transfer full) (element-type CtCaseItem): every case
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the loaded workflow, whose store
 *   is open; or %NULL if the records could not be opened or read.
 */
CtWorkflow *
ct_workflow_open_and_load_finish (GAsyncResult  *result,
                                  GPtrArray    **out_items,
                                  GError       **error)
{
  OpenLoadData *open_data;
  CtWorkflow *self;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (out_items != NULL, NULL);

  *out_items = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  open_data = g_task_get_task_data (G_TASK (result));
  self = ct_workflow_new (open_data->store);
  apply_load (self, open_data->data);
  *out_items = g_steal_pointer (&open_data->data->items);
  return self;
}

/* Reading the rest of the cases, a chunk at a time: see
 * ct_workflow_load_rest_async(). The store's thread fills chunks; the
 * main thread takes them one per idle turn of its loop, so that drawing
 * a frame never waits for more than one chunk. */
#define REST_CHUNK 500

typedef struct
{
  GMutex               lock;
  GQueue               chunks;      /* GPtrArray of CtCaseItem, locked */
  guint                idle_id;     /* locked */
  gboolean             read;        /* the walk ended; locked */
  GMainContext        *context;
  GHashTable          *skip;        /* case ids already shown; store's thread */
  GPtrArray           *chunk;       /* being filled; store's thread */
  char                *dso;
  GCancellable        *cancellable;
  CtWorkflowChunkFunc  chunk_func;
  gpointer             chunk_data;
  GTask               *task;        /* (owned) until it returns */
  GError              *error;       /* main thread */
  gboolean             walk_done;   /* main thread */
} RestLoad;

static void
rest_load_free (RestLoad *rest)
{
  GPtrArray *chunk;

  while ((chunk = g_queue_pop_head (&rest->chunks)) != NULL)
    g_ptr_array_unref (chunk);
  g_clear_pointer (&rest->chunk, g_ptr_array_unref);
  g_clear_pointer (&rest->skip, g_hash_table_unref);
  g_clear_pointer (&rest->context, g_main_context_unref);
  g_clear_object (&rest->cancellable);
  g_clear_error (&rest->error);
  g_free (rest->dso);
  g_mutex_clear (&rest->lock);
  g_free (rest);
}

static void rest_finish_if_done (RestLoad *rest);

/* Main thread: hands over one chunk per turn of the loop. */
static gboolean
on_rest_idle_cb (gpointer user_data)
{
  RestLoad *rest = user_data;
  GPtrArray *chunk;

  g_mutex_lock (&rest->lock);
  chunk = g_queue_pop_head (&rest->chunks);
  if (chunk == NULL)
    rest->idle_id = 0;
  g_mutex_unlock (&rest->lock);

  if (chunk == NULL)
    {
      rest_finish_if_done (rest);
      return G_SOURCE_REMOVE;
    }

  if (!g_cancellable_is_cancelled (rest->cancellable))
    rest->chunk_func (chunk, rest->chunk_data);
  g_ptr_array_unref (chunk);
  return G_SOURCE_CONTINUE;
}

/* Store's thread: queues the chunk being filled for the main thread. */
static void
rest_push_chunk (RestLoad *rest)
{
  if (rest->chunk == NULL || rest->chunk->len == 0)
    return;

  g_mutex_lock (&rest->lock);
  g_queue_push_tail (&rest->chunks, g_steal_pointer (&rest->chunk));
  if (rest->idle_id == 0)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_callback (source, on_rest_idle_cb, rest, NULL);
      g_source_set_static_name (source, "[caretrail] rest of the cases");
      rest->idle_id = g_source_attach (source, rest->context);
      g_source_unref (source);
    }
  g_mutex_unlock (&rest->lock);
}

static gboolean
on_rest_case_summary_cb (const CtStoreSummary  *summary,
                         gpointer               user_data,
                         GError               **error)
{
  LoadWalk *walk = user_data;
  RestLoad *rest = walk->rest;
  CtCaseItem *item;

  if (g_cancellable_set_error_if_cancelled (rest->cancellable, error))
    return FALSE;
  if (g_hash_table_contains (rest->skip, summary->id))
    return TRUE;

  item = item_from_summary (walk, summary, error);
  if (item == NULL)
    return FALSE;
  if (rest->chunk == NULL)
    rest->chunk = g_ptr_array_new_full (REST_CHUNK, g_object_unref);
  g_ptr_array_add (rest->chunk, item);
  if (rest->chunk->len >= REST_CHUNK)
    rest_push_chunk (rest);
  return TRUE;
}

/* Store's thread: every child, then the cases not shown yet, soonest due
 * first, so that the top of the lists fills in first. */
static gboolean
rest_in_transaction (CtStoreTransaction  *txn,
                     gpointer             user_data,
                     GError             **error)
{
  RestLoad *rest = user_data;
  LoadWalk walk = { NULL, NULL, NULL, NULL, NULL, NULL, rest->dso, rest };
  gboolean ok;

  walk.children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) child_names_free);
  walk.names = g_string_new (NULL);
  walk.aliases = g_string_new (NULL);

  ok = ct_store_transaction_foreach_summary (txn, CT_RECORD_KIND_CHILD, child_list_fields,
                                             on_child_summary_cb, &walk, error) &&
       ct_store_transaction_foreach_case_summary_by_due (txn, case_list_fields, -1,
                                                         on_rest_case_summary_cb, &walk, error);
  if (ok)
    rest_push_chunk (rest);

  g_hash_table_unref (walk.children);
  g_string_free (walk.names, TRUE);
  g_string_free (walk.aliases, TRUE);
  return ok;
}

/* Main thread: returns once the walk has ended and every chunk it queued
 * has been handed over. */
static void
rest_finish_if_done (RestLoad *rest)
{
  gboolean pending;
  GTask *task;

  if (!rest->walk_done || rest->task == NULL)
    return;

  g_mutex_lock (&rest->lock);
  pending = rest->idle_id != 0 || !g_queue_is_empty (&rest->chunks);
  g_mutex_unlock (&rest->lock);
  if (pending && rest->error == NULL)
    return;

  task = g_steal_pointer (&rest->task);
  if (rest->error != NULL)
    g_task_return_error (task, g_steal_pointer (&rest->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_rest_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RestLoad *rest = user_data;

  if (!ct_store_run_transaction_finish (CT_STORE (source), result, &rest->error))
    {
      /* Whatever was queued is not handed over after a failure. */
      g_mutex_lock (&rest->lock);
      if (rest->idle_id != 0)
        {
          GSource *idle = g_main_context_find_source_by_id (rest->context, rest->idle_id);

          if (idle != NULL)
            g_source_destroy (idle);
          rest->idle_id = 0;
        }
      g_mutex_unlock (&rest->lock);
    }
  rest->walk_done = TRUE;
  rest_finish_if_done (rest);
}

/**
 * ct_workflow_load_rest_async:
 * @self: a #CtWorkflow read with ct_workflow_open_and_load_first_async()
 * @shown: (element-type CtCaseItem): the cases read already
 * @chunk_func: (scope notified): called on this thread with each chunk
 *   of the cases not in @shown, soonest due first
 * @chunk_data: for @chunk_func
 * @cancellable: (nullable): a #GCancellable; once cancelled, no more
 *   chunks are handed over
 * @callback: called once every case has been handed over, or reading failed
 * @user_data: for @callback
 *
 * Reads every case not in @shown on the store's thread and hands them
 * over a few hundred at a time, each chunk in its own turn of the main
 * loop, at idle priority, so that the window keeps drawing meanwhile.
 */
void
ct_workflow_load_rest_async (CtWorkflow          *self,
                             GPtrArray           *shown,
                             CtWorkflowChunkFunc  chunk_func,
                             gpointer             chunk_data,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  RestLoad *rest;

  g_return_if_fail (CT_IS_WORKFLOW (self));
  g_return_if_fail (shown != NULL);
  g_return_if_fail (chunk_func != NULL);

  rest = g_new0 (RestLoad, 1);
  g_mutex_init (&rest->lock);
  g_queue_init (&rest->chunks);
  rest->context = g_main_context_ref_thread_default ();
  rest->skip = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < shown->len; i++)
    g_hash_table_add (rest->skip, g_strdup (ct_case_item_get_case_id (g_ptr_array_index (shown, i))));
  if (self->organisation != NULL)
    rest->dso = g_strdup (ct_record_get_string (self->organisation, "dso-name"));
  rest->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  rest->chunk_func = chunk_func;
  rest->chunk_data = chunk_data;
  rest->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (rest->task, ct_workflow_load_rest_async);
  /* The task's data goes when the task does: after it has returned and its
   * callback has run. */
  g_task_set_task_data (rest->task, rest, (GDestroyNotify) rest_load_free);

  ct_store_run_transaction_async (self->store, rest_in_transaction, rest, NULL, NULL,
                                  on_rest_read_cb, rest);
}

/**
 * ct_workflow_load_rest_finish:
 * @self: a #CtWorkflow
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE if every case was handed over
 */
gboolean
ct_workflow_load_rest_finish (CtWorkflow    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* Recording steps {{{ */

typedef struct
{
  char       *notice;
  CtRecord   *case_record;
  GHashTable *children;     /* id -> CHILD, for the list item */
} RecordData;

static void
record_data_free (RecordData *data)
{
  g_free (data->notice);
  g_clear_object (&data->case_record);
  g_clear_pointer (&data->children, g_hash_table_unref);
  g_free (data);
}

/* The lists show the children's names, which live in their own records. */
static gboolean
read_children_in_transaction (CtStoreTransaction  *txn,
                              gpointer             user_data,
                              GError             **error)
{
  RecordData *data = user_data;
  const char * const *child_ids = ct_record_get_strv (data->case_record, "child-ids");

  data->children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  for (guint i = 0; child_ids != NULL && child_ids[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(CtRecord) child = ct_store_transaction_get (txn, CT_RECORD_KIND_CHILD,
                                                            child_ids[i], &local_error);

      if (child != NULL)
        g_hash_table_insert (data->children, g_strdup (child_ids[i]), g_steal_pointer (&child));
      else if (!g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  return TRUE;
}

static void
on_children_read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CtWorkflow *self = g_task_get_source_object (task);
  RecordData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The step is stored whatever happens here; a child that cannot be read
   * only leaves the list without a name until the next load. */
  if (!ct_store_run_transaction_finish (CT_STORE (source), result, &error))
    g_warning ("The case’s children could not be read for the list: %s", error->message);

  g_task_return_pointer (task, ct_workflow_make_item (self, data->case_record, data->children),
                         g_object_unref);
}

static void
on_step_recorded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CtWorkflow *self = g_task_get_source_object (task);
  RecordData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) transition = NULL;
  GCancellable *cancellable;

  transition = ct_case_service_record_finish (CT_CASE_SERVICE (source), result,
                                              &data->case_record, &error);
  if (transition == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->notice = g_strdup (transition->notice);
  cancellable = g_task_get_cancellable (task);
  ct_store_run_transaction_async (self->store, read_children_in_transaction, data, NULL,
                                  cancellable, on_children_read_cb, g_steal_pointer (&task));
}

/**
 * ct_workflow_record_async:
 * @self: a #CtWorkflow
 * @case_id: (nullable): the case, or %NULL to open a new case with @event
 *   (a concern or an allegation against a worker)
 * @event: what happened
 * @answers: the answers its form gave (see ct_step_form_get())
 * @occurred_at: (nullable): when it happened, as the person recording it
 *   says; %NULL for now
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Records a step of the procedure through the case service, signed by the
 * member of staff using Caretrail: the engine decides what the step writes
 * and by when the next one is due, and everything is stored in one
 * transaction, or nothing is. If the policy needs something that is not in
 * @answers, or the time is in the future or before the previous step, the
 * error says so.
 */
void
ct_workflow_record_async (CtWorkflow          *self,
                          const char          *case_id,
                          CtEvent              event,
                          GHashTable          *answers,
                          GDateTime           *occurred_at,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  ct_workflow_record_with_records_async (self, case_id, event, answers, NULL, occurred_at,
                                         cancellable, callback, user_data);
}

/**
 * ct_workflow_record_with_records_async:
 * @self: a #CtWorkflow
 * @case_id: (nullable): the case
 * @event: what happened
 * @answers: the answers its form gave
 * @records: (nullable) (element-type CtRecord): new records kept with the
 *   step, such as a copy of the written confirmation of a referral
 * @occurred_at: (nullable): when it happened; %NULL for now
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; finish with ct_workflow_record_finish()
 * @user_data: for @callback
 *
 * ct_workflow_record_async(), keeping @records with the step in the same
 * transaction.
 */
void
ct_workflow_record_with_records_async (CtWorkflow          *self,
                                       const char          *case_id,
                                       CtEvent              event,
                                       GHashTable          *answers,
                                       GPtrArray           *records,
                                       GDateTime           *occurred_at,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CT_IS_WORKFLOW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_workflow_record_async);
  g_task_set_task_data (task, g_new0 (RecordData, 1), (GDestroyNotify) record_data_free);

  if (self->service == NULL)
    {
      g_task_return_error (task, g_error_copy (self->service_error));
      return;
    }
  if (self->actor_id == NULL)
    {
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND, "%s",
                               _("Nobody is signed in, and every entry must name who made it. Choose who is using Caretrail from the main menu (Change User…), then save again."));
      return;
    }

  ct_case_service_record_with_records_async (self->service, case_id, event, answers, records,
                                             self->actor_id, occurred_at, cancellable,
                                             on_step_recorded_cb, g_steal_pointer (&task));
}

/**
 * ct_workflow_record_finish:
 * @self: a #CtWorkflow
 * @result: the result
 * @out_notice: (out) (optional) (nullable) (transfer full): something the
 *   person recording the step must be told now, such as escalation falling
 *   due on a day that is not a working day; %NULL if nothing
 * @error: return location for an error
 *
 * Returns: (transfer full): the case as it now stands
 */
CtCaseItem *
ct_workflow_record_finish (CtWorkflow    *self,
                           GAsyncResult  *result,
                           char         **out_notice,
                           GError       **error)
{
  CtCaseItem *item;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_notice != NULL)
    *out_notice = NULL;
  item = g_task_propagate_pointer (G_TASK (result), error);
  if (item != NULL && out_notice != NULL)
    {
      RecordData *data = g_task_get_task_data (G_TASK (result));
      *out_notice = g_steal_pointer (&data->notice);
    }
  return item;
}

/* }}} */

/* Opening a case {{{ */

typedef struct
{
  char       *case_id;
  char       *actor_id;
  CtCaseFile *file;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->case_id);
  g_free (data->actor_id);
  ct_case_file_free (data->file);
  g_free (data);
}

static int
compare_created (gconstpointer a,
                 gconstpointer b)
{
  CtRecord *ra = *(CtRecord **) a;
  CtRecord *rb = *(CtRecord **) b;
  gint64 ta = ct_record_get_created_at (ra);
  gint64 tb = ct_record_get_created_at (rb);

  return ta < tb ? -1 : ta > tb;
}

static gboolean
open_in_transaction (CtStoreTransaction  *txn,
                     gpointer             user_data,
                     GError             **error)
{
  OpenData *data = user_data;
  CtCaseFile *file = g_new0 (CtCaseFile, 1);
  const char * const *child_ids;

  data->file = file;

  if ((file->case_record = ct_store_transaction_get (txn, CT_RECORD_KIND_CASE, data->case_id,
                                                     error)) == NULL)
    return FALSE;

  /* Reading a case file is itself recorded in the audit log. */
  if (!ct_store_transaction_append_audit (txn, data->actor_id, "open:case", data->case_id,
                                          error))
    return FALSE;

  file->children = g_ptr_array_new_with_free_func (g_object_unref);
  child_ids = ct_record_get_strv (file->case_record, "child-ids");
  for (guint i = 0; child_ids != NULL && child_ids[i] != NULL; i++)
    {
      CtRecord *child = ct_store_transaction_get (txn, CT_RECORD_KIND_CHILD, child_ids[i],
                                                  error);
      if (child == NULL)
        return FALSE;
      g_ptr_array_add (file->children, child);
    }

  if ((file->concerns = ct_store_transaction_list (txn, CT_RECORD_KIND_CONCERN, data->case_id,
                                                   error)) == NULL ||
      (file->chronology = ct_store_transaction_list (txn, CT_RECORD_KIND_CHRONOLOGY,
                                                     data->case_id, error)) == NULL ||
      (file->referrals = ct_store_transaction_list (txn, CT_RECORD_KIND_REFERRAL, data->case_id,
                                                    error)) == NULL ||
      (file->documents = ct_store_transaction_list (txn, CT_RECORD_KIND_DOCUMENT, data->case_id,
                                                    error)) == NULL ||
      (file->people = ct_store_transaction_list (txn, CT_RECORD_KIND_PERSON, data->case_id,
                                                 error)) == NULL ||
      (file->relationships = ct_store_transaction_list (txn, CT_RECORD_KIND_RELATIONSHIP,
                                                        data->case_id, error)) == NULL)
    return FALSE;

  ct_case_service_sort_chronology (file->chronology);
  g_ptr_array_sort (file->documents, compare_created);
  g_ptr_array_sort (file->people, compare_created);
  return TRUE;
}

static void
on_open_finished_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!ct_store_run_transaction_finish (CT_STORE (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&data->file),
                           (GDestroyNotify) ct_case_file_free);
}

/**
 * ct_workflow_open_case_async:
 * @self: a #CtWorkflow
 * @case_id: the case
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Reads everything about a case; the opening is written to the audit log.
 */
void
ct_workflow_open_case_async (CtWorkflow          *self,
                             const char          *case_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);

  g_task_set_source_tag (task, ct_workflow_open_case_async);
  if (self->actor_id == NULL)
    {
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND, "%s",
                               _("Nobody is signed in, and every entry must name who made it. Choose who is using Caretrail from the main menu (Change User…), then try again."));
      g_object_unref (task);
      g_free (data);
      return;
    }
  data->case_id = g_strdup (case_id);
  data->actor_id = g_strdup (self->actor_id);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  ct_store_run_transaction_async (self->store, open_in_transaction, data, NULL, cancellable,
                                  on_open_finished_cb, task);
}

/**
 * ct_workflow_open_case_finish:
 * @self: a #CtWorkflow
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): the case file.
 */
CtCaseFile *
ct_workflow_open_case_finish (CtWorkflow    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

/* Saving details {{{ */

static void
on_save_finished_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!ct_store_run_transaction_finish (CT_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ct_workflow_save_records_async:
 * @self: a #CtWorkflow
 * @records: (element-type CtRecord): records to save; a record never saved
 *   (version 0) is added, any other is saved as a correction that keeps the
 *   earlier version in its history
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Saves every record in @records in one transaction: all of them, or, if
 * one cannot be saved, none.
 */
void
ct_workflow_save_records_async (CtWorkflow          *self,
                                GPtrArray           *records,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  SaveData *data;

  g_return_if_fail (CT_IS_WORKFLOW (self));
  g_return_if_fail (records != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_workflow_save_records_async);
  if (self->actor_id == NULL)
    {
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND, "%s",
                               _("Nobody is signed in, and every entry must name who made it. Choose who is using Caretrail from the main menu (Change User…), then try again."));
      g_object_unref (task);
      return;
    }
  data = g_new0 (SaveData, 1);
  data->records = g_ptr_array_ref (records);
  data->actor_id = g_strdup (self->actor_id);
  ct_store_run_transaction_async (self->store, save_in_transaction, data,
                                  (GDestroyNotify) save_data_free, cancellable,
                                  on_save_finished_cb, task);
}

/**
 * ct_workflow_save_records_finish:
 * @self: a #CtWorkflow
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE if every record was saved
 */
gboolean
ct_workflow_save_records_finish (CtWorkflow    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* The directory {{{ */

/* Puts @record in place of the one with its id in @model, or at the end. */
static void
upsert_record (GListStore *model,
               CtRecord   *record)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CtRecord) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (g_strcmp0 (ct_record_get_id (item), ct_record_get_id (record)) == 0)
        {
          g_list_store_splice (model, i, 1, (gpointer *) &record, 1);
          return;
        }
    }
  g_list_store_append (model, record);
}

static void
on_directory_saved_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CtWorkflow *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) record = ct_directory_save_finish (CT_STORE (source), result, &error);

  if (record == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (ct_record_get_kind (record) == CT_RECORD_KIND_AGENCY)
    upsert_record (self->agencies, record);
  else
    {
      upsert_record (self->staff, record);
      update_current_staff (self);
      /* A change to the name of whoever is signed in shows at once. */
      if (g_strcmp0 (self->actor_id, ct_record_get_id (record)) == 0)
        {
          g_autofree char *actor = g_strdup (self->actor_id);

          g_clear_pointer (&self->actor_id, g_free);
          ct_workflow_set_actor_id (self, actor);
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&record), g_object_unref);
}

/**
 * ct_workflow_save_directory_async:
 * @self: a loaded #CtWorkflow
 * @kind: %CT_RECORD_KIND_AGENCY or %CT_RECORD_KIND_STAFF
 * @existing: (nullable): the record to change, from
 *   ct_workflow_get_agencies() or ct_workflow_get_staff(); %NULL to add one
 * @answers: the details, from ct_answers_new()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Adds or changes an agency or a member of staff through
 * ct_directory_save_async(), as the signed-in member of staff; once stored,
 * the workflow's lists show it.
 */
void
ct_workflow_save_directory_async (CtWorkflow          *self,
                                  CtRecordKind         kind,
                                  CtRecord            *existing,
                                  GHashTable          *answers,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CT_IS_WORKFLOW (self));
  g_return_if_fail (answers != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_workflow_save_directory_async);
  ct_directory_save_async (self->store, self->actor_id, kind, existing, answers, cancellable,
                           on_directory_saved_cb, task);
}

/**
 * ct_workflow_save_directory_finish:
 * @self: a #CtWorkflow
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): the record as stored, or %NULL if refused
 */
CtRecord *
ct_workflow_save_directory_finish (CtWorkflow    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

/* Organisation {{{ */

static void
on_organisation_updated_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CtWorkflow *self = g_task_get_source_object (task);
  CtRecord *organisation = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!ct_store_update_finish (CT_STORE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_set_object (&self->organisation, organisation);
  /* New settings time every step from now on. */
  make_service (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * ct_workflow_update_organisation_async:
 * @self: a loaded #CtWorkflow
 * @organisation: a changed copy of ct_workflow_get_organisation()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Saves a correction of the ORGANISATION record; the store keeps the
 * version before as history. On success @organisation becomes the
 * workflow's organisation; on failure nothing changes.
 */
void
ct_workflow_update_organisation_async (CtWorkflow          *self,
                                       CtRecord            *organisation,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CT_IS_WORKFLOW (self));
  g_return_if_fail (CT_IS_RECORD (organisation));
  g_return_if_fail (ct_record_get_kind (organisation) == CT_RECORD_KIND_ORGANISATION);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_workflow_update_organisation_async);
  g_task_set_task_data (task, g_object_ref (organisation), g_object_unref);

  ct_store_update_async (self->store, self->actor_id, organisation, cancellable,
                         on_organisation_updated_cb, g_steal_pointer (&task));
}

gboolean
ct_workflow_update_organisation_finish (CtWorkflow    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (CT_IS_WORKFLOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */
