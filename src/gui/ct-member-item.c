/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-member-item"

#include "config.h"

#include "ct-member-item.h"

#include "ct-format.h"

#include <glib/gi18n.h>


/*
 * A member of the organisation on a server, or a request to become one,
 * as the Members page lists them.
 */

struct _CtMemberItem
{
  GObject   parent_instance;

  char     *id;
  char     *name;
  char     *pg_user;
  char     *fingerprint;
  gint64    at;
  gboolean  request;
};

G_DEFINE_FINAL_TYPE (CtMemberItem, ct_member_item, G_TYPE_OBJECT)

static void
ct_member_item_finalize (GObject *object)
{
  CtMemberItem *self = CT_MEMBER_ITEM (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->pg_user);
  g_free (self->fingerprint);
  G_OBJECT_CLASS (ct_member_item_parent_class)->finalize (object);
}

static void
ct_member_item_class_init (CtMemberItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ct_member_item_finalize;
}

static void
ct_member_item_init (CtMemberItem *self)
{
}

/**
 * ct_member_item_new:
 * @info: a member or request, as the store lists them
 * @request: whether @info is a request to join
 *
 * Returns: (transfer full): a new item with a copy of @info
 */
CtMemberItem *
ct_member_item_new (const CtMemberInfo *info,
                    gboolean            request)
{
  CtMemberItem *self = g_object_new (CT_TYPE_MEMBER_ITEM, NULL);

  self->id = g_strdup (info->id);
  self->name = g_strdup (info->name);
  self->pg_user = g_strdup (info->pg_user);
  self->fingerprint = g_strdup (info->fingerprint);
  self->at = info->at;
  self->request = request;
  return self;
}

const char *
ct_member_item_get_id (CtMemberItem *self)
{
  g_return_val_if_fail (CT_IS_MEMBER_ITEM (self), NULL);
  return self->id;
}

const char *
ct_member_item_get_name (CtMemberItem *self)
{
  g_return_val_if_fail (CT_IS_MEMBER_ITEM (self), NULL);
  return self->name;
}

const char *
ct_member_item_get_fingerprint (CtMemberItem *self)
{
  g_return_val_if_fail (CT_IS_MEMBER_ITEM (self), NULL);
  return self->fingerprint;
}

gboolean
ct_member_item_is_request (CtMemberItem *self)
{
  g_return_val_if_fail (CT_IS_MEMBER_ITEM (self), FALSE);
  return self->request;
}

/**
 * ct_member_item_dup_subtitle:
 * @self: a #CtMemberItem
 *
 * Returns: (transfer full): the fingerprint, the server login and when
 *   they asked or were added, in one line
 */
char *
ct_member_item_dup_subtitle (CtMemberItem *self)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (CT_IS_MEMBER_ITEM (self), NULL);

  /* The one way dates are shown: "Tue 1 Dec 2026, 16:30", UK time. */
  when = ct_format_instant (self->at);
  return self->request
    /* Translators: a request to join; the fingerprint, the server login and when they asked */
    ? g_strdup_printf (_("Fingerprint %s · login %s · asked %s"), self->fingerprint, self->pg_user, when)
    /* Translators: a member; the fingerprint, the server login and when they were added */
    : g_strdup_printf (_("Fingerprint %s · login %s · member since %s"), self->fingerprint, self->pg_user, when);
}
