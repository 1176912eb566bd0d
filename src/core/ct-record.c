/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-record"

#include "config.h"

#include "ct-record.h"

#include <string.h>

/*
 * A CtRecord is one row of the store: a little plaintext metadata and a
 * dictionary of named fields. The fields are what the store encrypts; the
 * record itself knows nothing of encryption.
 */
struct _CtRecord
{
  GObject parent_instance;

  CtRecordKind kind;
  char *id;
  char *case_id;
  char *state;
  char *reference;
  gint64 created_at;
  gint64 updated_at;
  gint64 due_at;
  gint64 version;

  /* name -> GVariant (sunk) */
  GHashTable *fields;
  /* name -> char ** cache for ct_record_get_strv() */
  GHashTable *strv_cache;
};

G_DEFINE_FINAL_TYPE (CtRecord, ct_record, G_TYPE_OBJECT)

/* g_set_str() is newer than the GLib we target. */
static gboolean
replace_string (char       **str,
                const char  *value)
{
  if (g_strcmp0 (*str, value) == 0)
    return FALSE;
  g_free (*str);
  *str = g_strdup (value);
  return TRUE;
}

enum {
  PROP_0,
  PROP_KIND,
  PROP_ID,
  PROP_CASE_ID,
  PROP_STATE,
  PROP_REFERENCE,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_DUE_AT,
  PROP_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  const char *name;
  const char *table;
} kind_info[CT_RECORD_N_KINDS] = {
  [CT_RECORD_KIND_ORGANISATION] = { "organisation", "organisations" },
  [CT_RECORD_KIND_STAFF] = { "staff", "staff" },
  [CT_RECORD_KIND_AGENCY] = { "agency", "agencies" },
  [CT_RECORD_KIND_CHILD] = { "child", "children" },
  [CT_RECORD_KIND_PERSON] = { "person", "persons" },
  [CT_RECORD_KIND_RELATIONSHIP] = { "relationship", "relationships" },
  [CT_RECORD_KIND_CASE] = { "case", "cases" },
  [CT_RECORD_KIND_CONCERN] = { "concern", "concerns" },
  [CT_RECORD_KIND_CHRONOLOGY] = { "chronology", "chronology" },
  [CT_RECORD_KIND_DECISION] = { "decision", "decisions" },
  [CT_RECORD_KIND_CONSULTATION] = { "consultation", "consultations" },
  [CT_RECORD_KIND_REFERRAL] = { "referral", "referrals" },
  [CT_RECORD_KIND_INFO_SHARING] = { "info-sharing", "info_sharing" },
  [CT_RECORD_KIND_ALLEGATION] = { "allegation", "allegations" },
  [CT_RECORD_KIND_TASK] = { "task", "tasks" },
  [CT_RECORD_KIND_DOCUMENT] = { "document", "documents" },
};

GType
ct_record_kind_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static GEnumValue values[CT_RECORD_N_KINDS + 1];
      GType type;

      for (guint i = 0; i < CT_RECORD_N_KINDS; i++)
        {
          values[i].value = i;
          values[i].value_name = kind_info[i].name;
          values[i].value_nick = kind_info[i].name;
        }
      values[CT_RECORD_N_KINDS].value = 0;
      values[CT_RECORD_N_KINDS].value_name = NULL;
      values[CT_RECORD_N_KINDS].value_nick = NULL;
      type = g_enum_register_static (g_intern_static_string ("CtRecordKind"), values);
      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

/**
 * ct_record_kind_to_string:
 * @kind: a #CtRecordKind
 *
 * Returns: the kebab-case name of @kind, e.g. "info-sharing".
 */
const char *
ct_record_kind_to_string (CtRecordKind kind)
{
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);
  return kind_info[kind].name;
}

/**
 * ct_record_kind_from_string:
 * @str: a kind name such as "child"
 * @out_kind: (out): where to store the kind
 *
 * Returns: %TRUE if @str names a kind.
 */
gboolean
ct_record_kind_from_string (const char   *str,
                            CtRecordKind *out_kind)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < CT_RECORD_N_KINDS; i++)
    if (g_str_equal (str, kind_info[i].name))
      {
        if (out_kind != NULL)
          *out_kind = i;
        return TRUE;
      }

  return FALSE;
}

/**
 * ct_record_kind_get_table:
 * @kind: a #CtRecordKind
 *
 * Returns: the name of the table holding records of @kind.
 */
const char *
ct_record_kind_get_table (CtRecordKind kind)
{
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);
  return kind_info[kind].table;
}

static void
ct_record_finalize (GObject *object)
{
  CtRecord *self = (CtRecord *)object;

  g_free (self->id);
  g_free (self->case_id);
  g_free (self->state);
  g_free (self->reference);
  g_hash_table_unref (self->fields);
  g_hash_table_unref (self->strv_cache);

  G_OBJECT_CLASS (ct_record_parent_class)->finalize (object);
}

static void
ct_record_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CtRecord *self = CT_RECORD (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_CASE_ID:
      g_value_set_string (value, self->case_id);
      break;
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_REFERENCE:
      g_value_set_string (value, self->reference);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;
    case PROP_DUE_AT:
      g_value_set_int64 (value, self->due_at);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_record_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  CtRecord *self = CT_RECORD (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_CASE_ID:
      ct_record_set_case_id (self, g_value_get_string (value));
      break;
    case PROP_STATE:
      ct_record_set_state (self, g_value_get_string (value));
      break;
    case PROP_REFERENCE:
      ct_record_set_reference (self, g_value_get_string (value));
      break;
    case PROP_DUE_AT:
      ct_record_set_due_at (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_record_class_init (CtRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ct_record_finalize;
  object_class->get_property = ct_record_get_property;
  object_class->set_property = ct_record_set_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       CT_TYPE_RECORD_KIND, CT_RECORD_KIND_ORGANISATION,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CASE_ID] =
    g_param_spec_string ("case-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFERENCE] =
    g_param_spec_string ("reference", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DUE_AT] =
    g_param_spec_int64 ("due-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] =
    g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ct_record_init (CtRecord *self)
{
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_variant_unref);
  self->strv_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_strfreev);
}

/**
 * ct_record_make_id:
 *
 * Makes a new record id: a time-ordered UUID (version 7, RFC 9562) whose
 * first 48 bits are the Unix time in milliseconds, the next 12 bits
 * (after the version) the fraction of that millisecond, and the last 62
 * bits (after the variant) random.
 *
 * Ids made one after another sort in the order they were made, so a new
 * record's id goes at the end of every index keyed by it (or by its case's
 * id) instead of on a random page of it: what the store writes for a
 * record no longer grows with the size of the file. The time in the id is
 * the time the record was made in memory, moments before the store
 * writes its plaintext created-at column. Within one process the 60-bit
 * time always increases, even if the clock steps back, so two ids never
 * share it and the order holds. Ids from older versions are random
 * (version 4) UUIDs; both kinds are valid ids.
 *
 * Returns: (transfer full): the id, in the usual 36-character form
 */
char *
ct_record_make_id (void)
{
  static GMutex lock;
  static guint64 last;
  guint64 now_us = (guint64) MAX (g_get_real_time (), 0);
  /* Milliseconds in the top 48 bits, then 12 bits of the fraction. */
  guint64 stamp = ((now_us / 1000) << 12) | (((now_us % 1000) << 12) / 1000);
  guint8 bytes[16];

  g_mutex_lock (&lock);
  if (stamp <= last)
    stamp = last + 1;
  last = stamp;
  g_mutex_unlock (&lock);

  for (guint i = 0; i < 6; i++)
    bytes[i] = (guint8) (stamp >> (52 - 8 * i));
  bytes[6] = 0x70 | (guint8) ((stamp >> 8) & 0x0f);
  bytes[7] = (guint8) (stamp & 0xff);
  for (guint i = 8; i < 16; i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (bytes + i, &r, 4);
    }
  bytes[8] = 0x80 | (bytes[8] & 0x3f);

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                          bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
}

/**
 * ct_record_new:
 * @kind: the kind of record
 *
 * Creates an empty record with a fresh id from ct_record_make_id(). The
 * timestamps and version are set by the store when the record is written.
 *
 * Returns: (transfer full): a new #CtRecord
 */
CtRecord *
ct_record_new (CtRecordKind kind)
{
  CtRecord *self;

  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);

  self = g_object_new (CT_TYPE_RECORD, "kind", kind, NULL);
  self->id = ct_record_make_id ();

  return self;
}

/**
 * ct_record_new_full:
 * @fields: (nullable): an `a{sv}` dictionary of fields
 *
 * Creates a record with every piece of metadata given. Used by the store
 * when it reads a record back.
 *
 * Returns: (transfer full): a new #CtRecord
 */
CtRecord *
ct_record_new_full (CtRecordKind  kind,
                    const char   *id,
                    const char   *case_id,
                    const char   *state,
                    const char   *reference,
                    gint64        created_at,
                    gint64        updated_at,
                    gint64        due_at,
                    gint64        version,
                    GVariant     *fields)
{
  g_return_val_if_fail (id != NULL, NULL);

  return ct_record_new_take (kind, g_strdup (id), g_strdup (case_id), g_strdup (state),
                             g_strdup (reference), created_at, updated_at, due_at, version,
                             fields);
}

/**
 * ct_record_new_take:
 * @id: (transfer full): the record's id
 * @case_id: (transfer full) (nullable):
 * @state: (transfer full) (nullable):
 * @reference: (transfer full) (nullable):
 *
 * ct_record_new_full(), taking ownership of the strings instead of copying
 * them.
 *
 * Returns: (transfer full): a new record
 */
CtRecord *
ct_record_new_take (CtRecordKind  kind,
                    char         *id,
                    char         *case_id,
                    char         *state,
                    char         *reference,
                    gint64        created_at,
                    gint64        updated_at,
                    gint64        due_at,
                    gint64        version,
                    GVariant     *fields)
{
  CtRecord *self;

  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (fields == NULL ||
                        g_variant_is_of_type (fields, G_VARIANT_TYPE_VARDICT), NULL);

  self = g_object_new (CT_TYPE_RECORD, "kind", kind, NULL);
  self->id = id;
  self->case_id = case_id;
  self->state = state;
  self->reference = reference;
  self->created_at = created_at;
  self->updated_at = updated_at;
  self->due_at = due_at;
  self->version = version;

  if (fields != NULL)
    {
      GVariantIter iter;
      const char *name;
      GVariant *value;

      g_variant_ref_sink (fields);
      g_variant_iter_init (&iter, fields);
      while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
        g_hash_table_replace (self->fields, g_strdup (name), value);
      g_variant_unref (fields);
    }

  return self;
}

/**
 * ct_record_copy:
 * @self: a #CtRecord
 *
 * Returns: (transfer full): a deep copy of @self, with the same id.
 */
CtRecord *
ct_record_copy (CtRecord *self)
{
  g_autoptr(GVariant) fields = NULL;

  g_return_val_if_fail (CT_IS_RECORD (self), NULL);

  fields = ct_record_dup_fields (self);
  return ct_record_new_full (self->kind, self->id, self->case_id, self->state,
                             self->reference, self->created_at, self->updated_at,
                             self->due_at, self->version, fields);
}

CtRecordKind
ct_record_get_kind (CtRecord *self)
{
  g_return_val_if_fail (CT_IS_RECORD (self), 0);
  return self->kind;
}

const char *
ct_record_get_id (CtRecord *self)
{
  g_return_val_if_fail (CT_IS_RECORD (self), NULL);
  return self->id;
}

const char *
ct_record_get_case_id (CtRecord *self)
{
  g_return_val_if_fail (CT_IS_RECORD (self), NULL);
  return self->case_id;
}

void
ct_record_set_case_id (CtRecord   *self,
                       const char *case_id)
{
  g_return_if_fail (CT_IS_RECORD (self));
  if (replace_string (&self->case_id, case_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CASE_ID]);
}

const char *
ct_record_get_state (CtRecord *self)
{
  g_return_val_if_fail (CT_IS_RECORD (self), NULL);
  return self->state;
}

void
ct_record_set_state (CtRecord   *self,
                     const char *state)
{
  g_return_if_fail (CT_IS_RECORD (self));
  if (replace_string (&self->state, state))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/**
 * ct_record_get_reference:
 * @self: a #CtRecord
 *
 * The case reference, such as "CT-2026-0001". It is an opaque plaintext
 * label: it must never contain a name or anything else that identifies a
 * person. Only case records have one.
 *
 * Returns: (nullable): the reference
 */
const char *
ct_record_get_reference (CtRecord *self)
{
  g_return_val_if_fail (CT_IS_RECORD (self), NULL);
  return self->reference;
}

void
ct_record_set_reference (CtRecord   *self,
                         const char *reference)
{
  g_return_if_fail (CT_IS_RECORD (self));
  if (replace_string (&self->reference, reference))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFERENCE]);
}

gint64
ct_record_get_created_at (CtRecord *self)
{
  g_return_val_if_fail (CT_IS_RECORD (self), 0);
  return self->created_at;
}

gint64
ct_record_get_updated_at (CtRecord *self)
{
  g_return_val_if_fail (CT_IS_RECORD (self), 0);
  return self->updated_at;
}

/**
 * ct_record_get_due_at:
 * @self: a #CtRecord
 *
 * Returns: when the record's next step is due, in unix microseconds (UTC),
 *   or 0 if nothing is due.
 */
gint64
ct_record_get_due_at (CtRecord *self)
{
  g_return_val_if_fail (CT_IS_RECORD (self), 0);
  return self->due_at;
}

void
ct_record_set_due_at (CtRecord *self,
                      gint64    due_at)
{
  g_return_if_fail (CT_IS_RECORD (self));
  if (self->due_at != due_at)
    {
      self->due_at = due_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DUE_AT]);
    }
}

/**
 * ct_record_get_version:
 * @self: a #CtRecord
 *
 * Returns: the stored version: 0 for a record never written, 1 after its
 *   first write, one more after every update.
 */
gint64
ct_record_get_version (CtRecord *self)
{
  g_return_val_if_fail (CT_IS_RECORD (self), 0);
  return self->version;
}

void
ct_record_set_stored_metadata (CtRecord *self,
                               gint64    created_at,
                               gint64    updated_at,
                               gint64    version)
{
  g_return_if_fail (CT_IS_RECORD (self));

  if (self->created_at != created_at)
    {
      self->created_at = created_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
    }
  if (self->updated_at != updated_at)
    {
      self->updated_at = updated_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
    }
  if (self->version != version)
    {
      self->version = version;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
    }
}

static GVariant *
lookup_field (CtRecord           *self,
              const char         *name,
              const GVariantType *type)
{
  GVariant *value = g_hash_table_lookup (self->fields, name);

  if (value == NULL || !g_variant_is_of_type (value, type))
    return NULL;

  return value;
}

static void
store_field (CtRecord   *self,
             const char *name,
             GVariant   *value)
{
  g_hash_table_remove (self->strv_cache, name);
  if (value == NULL)
    g_hash_table_remove (self->fields, name);
  else
    g_hash_table_replace (self->fields, g_strdup (name), g_variant_ref_sink (value));
}

gboolean
ct_record_has_field (CtRecord   *self,
                     const char *name)
{
  g_return_val_if_fail (CT_IS_RECORD (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  return g_hash_table_contains (self->fields, name);
}

void
ct_record_remove_field (CtRecord   *self,
                        const char *name)
{
  g_return_if_fail (CT_IS_RECORD (self));
  g_return_if_fail (name != NULL);
  store_field (self, name, NULL);
}

/**
 * ct_record_get_string:
 * @self: a #CtRecord
 * @name: a field name
 *
 * Returns: (nullable): the string, valid until the field is next set, or
 *   %NULL if the field is missing or not a string
 */
const char *
ct_record_get_string (CtRecord   *self,
                      const char *name)
{
  GVariant *value;

  g_return_val_if_fail (CT_IS_RECORD (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  value = lookup_field (self, name, G_VARIANT_TYPE_STRING);
  return value != NULL ? g_variant_get_string (value, NULL) : NULL;
}

/**
 * ct_record_set_string:
 * @value: (nullable): UTF-8 text, or %NULL to remove the field
 */
void
ct_record_set_string (CtRecord   *self,
                      const char *name,
                      const char *value)
{
  g_return_if_fail (CT_IS_RECORD (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (value == NULL || g_utf8_validate (value, -1, NULL));

  store_field (self, name, value != NULL ? g_variant_new_string (value) : NULL);
}

gint64
ct_record_get_int64 (CtRecord   *self,
                     const char *name,
                     gint64      default_value)
{
  GVariant *value;

  g_return_val_if_fail (CT_IS_RECORD (self), default_value);
  g_return_val_if_fail (name != NULL, default_value);

  value = lookup_field (self, name, G_VARIANT_TYPE_INT64);
  return value != NULL ? g_variant_get_int64 (value) : default_value;
}

void
ct_record_set_int64 (CtRecord   *self,
                     const char *name,
                     gint64      value)
{
  g_return_if_fail (CT_IS_RECORD (self));
  g_return_if_fail (name != NULL);
  store_field (self, name, g_variant_new_int64 (value));
}

gboolean
ct_record_get_boolean (CtRecord   *self,
                       const char *name,
                       gboolean    default_value)
{
  GVariant *value;

  g_return_val_if_fail (CT_IS_RECORD (self), default_value);
  g_return_val_if_fail (name != NULL, default_value);

  value = lookup_field (self, name, G_VARIANT_TYPE_BOOLEAN);
  return value != NULL ? g_variant_get_boolean (value) : default_value;
}

void
ct_record_set_boolean (CtRecord   *self,
                       const char *name,
                       gboolean    value)
{
  g_return_if_fail (CT_IS_RECORD (self));
  g_return_if_fail (name != NULL);
  store_field (self, name, g_variant_new_boolean (!!value));
}

/**
 * ct_record_get_strv:
 *
 * Returns: (nullable) (transfer none): the list, valid until the field is
 *   next set, or %NULL if the field is missing or not a list
 */
const char * const *
ct_record_get_strv (CtRecord   *self,
                    const char *name)
{
  GVariant *value;
  char **strv;

  g_return_val_if_fail (CT_IS_RECORD (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  value = lookup_field (self, name, G_VARIANT_TYPE_STRING_ARRAY);
  if (value == NULL)
    return NULL;

  strv = g_hash_table_lookup (self->strv_cache, name);
  if (strv == NULL)
    {
      strv = g_variant_dup_strv (value, NULL);
      g_hash_table_replace (self->strv_cache, g_strdup (name), strv);
    }

  return (const char * const *) strv;
}

/**
 * ct_record_set_strv:
 * @value: (nullable): a %NULL-terminated list, or %NULL to remove the field
 */
void
ct_record_set_strv (CtRecord           *self,
                    const char         *name,
                    const char * const *value)
{
  g_return_if_fail (CT_IS_RECORD (self));
  g_return_if_fail (name != NULL);

  store_field (self, name, value != NULL ? g_variant_new_strv (value, -1) : NULL);
}

/**
 * ct_record_get_answers:
 * @self: a record
 * @name: a field holding answers
 *
 * Returns: (nullable) (transfer none): the field as an a{sv} dictionary of
 *   answers, or %NULL
 */
GVariant *
ct_record_get_answers (CtRecord   *self,
                       const char *name)
{
  g_return_val_if_fail (CT_IS_RECORD (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return lookup_field (self, name, G_VARIANT_TYPE_VARDICT);
}

/**
 * ct_record_set_answers:
 * @self: a record
 * @name: the field
 * @answers: (nullable): an a{sv} dictionary of answers, or %NULL to remove
 *   the field
 *
 * Keeps the answers a step was recorded with exactly as they were given,
 * by their stable ids, so the entry can be read again in any language.
 */
void
ct_record_set_answers (CtRecord   *self,
                       const char *name,
                       GVariant   *answers)
{
  g_return_if_fail (CT_IS_RECORD (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (answers == NULL || g_variant_is_of_type (answers, G_VARIANT_TYPE_VARDICT));

  store_field (self, name, answers);
}

/**
 * ct_record_get_bytes:
 *
 * Returns: (nullable) (transfer full): the bytes, or %NULL
 */
GBytes *
ct_record_get_bytes (CtRecord   *self,
                     const char *name)
{
  GVariant *value;

  g_return_val_if_fail (CT_IS_RECORD (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  value = lookup_field (self, name, G_VARIANT_TYPE_BYTESTRING);
  return value != NULL ? g_variant_get_data_as_bytes (value) : NULL;
}

/**
 * ct_record_set_bytes:
 * @value: (nullable): the bytes (for example a PDF), or %NULL to remove
 */
void
ct_record_set_bytes (CtRecord   *self,
                     const char *name,
                     GBytes     *value)
{
  g_return_if_fail (CT_IS_RECORD (self));
  g_return_if_fail (name != NULL);

  store_field (self, name,
               value != NULL
               ? g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, value, TRUE)
               : NULL);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **)a, *(const char **)b);
}

/**
 * ct_record_dup_fields:
 * @self: a #CtRecord
 *
 * Returns: (transfer full): every field as an `a{sv}` dictionary, sorted
 *   by name so that equal records serialise to equal bytes
 */
GVariant *
ct_record_dup_fields (CtRecord *self)
{
  g_autofree const char **names = NULL;
  GVariantBuilder builder;
  guint n_names;

  g_return_val_if_fail (CT_IS_RECORD (self), NULL);

  names = (const char **) g_hash_table_get_keys_as_array (self->fields, &n_names);
  qsort (names, n_names, sizeof (char *), compare_strings);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < n_names; i++)
    g_variant_builder_add (&builder, "{sv}", names[i],
                           g_hash_table_lookup (self->fields, names[i]));

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * ct_record_equal_fields:
 *
 * Returns: %TRUE if @a and @b hold the same fields with the same values
 */
gboolean
ct_record_equal_fields (CtRecord *a,
                        CtRecord *b)
{
  g_autoptr(GVariant) fa = NULL;
  g_autoptr(GVariant) fb = NULL;

  g_return_val_if_fail (CT_IS_RECORD (a), FALSE);
  g_return_val_if_fail (CT_IS_RECORD (b), FALSE);

  fa = ct_record_dup_fields (a);
  fb = ct_record_dup_fields (b);
  return g_variant_equal (fa, fb);
}
