/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-case-service.h"
#include "ct-store.h"

G_BEGIN_DECLS

/**
 * CtMemberInfo:
 * @id: the member's (or the request's) id
 * @name: their name, as they gave it
 * @pg_user: the server login they use
 * @fingerprint: of their public keys, to compare with what they see
 * @at: when they asked or were added, unix microseconds
 *
 * A member of the organisation on a server, or a request to become one.
 */
typedef struct
{
  char *id;
  char *name;
  char *pg_user;
  char *fingerprint;
  gint64 at;
} CtMemberInfo;

void ct_member_info_free (CtMemberInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtMemberInfo, ct_member_info_free)

/**
 * CtSubmission:
 * @id: the receipt's id
 * @submitted_at: when it was handed in, unix microseconds (the server's time)
 * @submitted_by: the server login that handed it in
 * @answers: the concern's answers, unsealed
 * @case_id: the case it became, or %NULL
 *
 * A concern handed in by staff.
 */
typedef struct
{
  char *id;
  gint64 submitted_at;
  char *submitted_by;
  GHashTable *answers;
  char *case_id;
} CtSubmission;

void ct_submission_free (CtSubmission *submission);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtSubmission, ct_submission_free)

/**
 * CtMembership:
 * @CT_MEMBERSHIP_NONE: this computer has not asked to join the
 *   organisation on the server
 * @CT_MEMBERSHIP_REQUESTED: it has asked, and nobody has approved or
 *   declined the request yet
 * @CT_MEMBERSHIP_MEMBER: its keys are a member's
 * @CT_MEMBERSHIP_REMOVED: its keys were a member's and have been removed
 * @CT_MEMBERSHIP_DECLINED: it asked, and the request was declined
 *
 * What the member keys this computer made for a server are there.
 */
typedef enum
{
  CT_MEMBERSHIP_NONE,
  CT_MEMBERSHIP_REQUESTED,
  CT_MEMBERSHIP_MEMBER,
  CT_MEMBERSHIP_REMOVED,
  CT_MEMBERSHIP_DECLINED,
} CtMembership;

typedef struct _CtPgWatch CtPgWatch;

CtPgWatch *ct_membership_watch_new          (const char    *location,
                                             void         (*func) (gpointer user_data),
                                             gpointer       user_data);
void       ct_membership_watch_stop         (CtPgWatch     *watch);
gboolean   ct_membership_lookup_sync        (const char    *location,
                                             CtMembership  *out_membership,
                                             GError       **error);
gboolean   ct_membership_remember_organisation (const char *location,
                                                const char *name,
                                                GError    **error);
void       ct_membership_explain_error      (const char    *location,
                                             GError       **error);

gboolean   ct_store_add_first_member_sync   (CtStore       *store,
                                             const char    *name,
                                             GError       **error);
char      *ct_member_request_sync           (const char    *location,
                                             const char    *name,
                                             char         **out_fingerprint,
                                             GError       **error);
GPtrArray *ct_store_list_members_sync       (CtStore       *store,
                                             gboolean       requests,
                                             GError       **error);
gboolean   ct_store_approve_member_sync     (CtStore       *store,
                                             const char    *request_id,
                                             const char    *fingerprint,
                                             GError       **error);
gboolean   ct_store_decline_member_sync     (CtStore       *store,
                                             const char    *request_id,
                                             GError       **error);
gboolean   ct_store_remove_member_sync      (CtStore       *store,
                                             const char    *member_id,
                                             GError       **error);
gboolean   ct_store_rotate_master_sync      (CtStore       *store,
                                             char         **out_recovery_code,
                                             GError       **error);

gboolean   ct_submission_submit_sync        (const char    *location,
                                             GHashTable    *answers,
                                             char         **out_id,
                                             gint64        *out_submitted_at,
                                             GError       **error);
GPtrArray *ct_store_list_submissions_sync   (CtStore       *store,
                                             GError       **error);
char      *ct_store_accept_submission_sync  (CtStore       *store,
                                             CtCaseService *service,
                                             const char    *submission_id,
                                             const char    *staff_id,
                                             GError       **error);

G_END_DECLS
