-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Caretrail schema, version 1.
--
-- Plaintext columns are limited to opaque ids, record kinds, workflow
-- states, case references, timestamps, due dates and versions. Every other
-- field of a record is in `data`: XChaCha20-Poly1305 ciphertext whose
-- associated data names the table, the row id, the column and the version.

PRAGMA application_id = 1129599537;

-- Settings of the database itself: its UUID, the installation that made
-- it, the key check, the wrapped vault key, the recovery-wrapped master
-- key and the audit head. No secret is stored here unwrapped.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value BLOB NOT NULL
) STRICT;

-- Each case's data key, wrapped by a key derived from the master key.
-- Deleting a row here makes the case unreadable.
CREATE TABLE case_keys (
  case_id TEXT PRIMARY KEY NOT NULL,
  wrapped BLOB NOT NULL
) STRICT;

CREATE TABLE organisations (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'organisation'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;

CREATE TABLE staff (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'staff'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;

CREATE TABLE agencies (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'agency'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;

CREATE TABLE cases (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT,
  kind       TEXT NOT NULL CHECK (kind = 'case'),
  state      TEXT,
  reference  TEXT UNIQUE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX cases_due_at ON cases (due_at) WHERE due_at > 0;

CREATE TABLE children (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'child'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX children_case_id ON children (case_id);

CREATE TABLE persons (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'person'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX persons_case_id ON persons (case_id);

CREATE TABLE relationships (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'relationship'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX relationships_case_id ON relationships (case_id);

CREATE TABLE concerns (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'concern'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX concerns_case_id ON concerns (case_id);

CREATE TABLE chronology (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'chronology'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX chronology_case_id ON chronology (case_id);

CREATE TABLE decisions (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'decision'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX decisions_case_id ON decisions (case_id);

CREATE TABLE consultations (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'consultation'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX consultations_case_id ON consultations (case_id);

CREATE TABLE referrals (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'referral'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX referrals_case_id ON referrals (case_id);

CREATE TABLE info_sharing (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'info-sharing'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX info_sharing_case_id ON info_sharing (case_id);

CREATE TABLE allegations (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'allegation'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX allegations_case_id ON allegations (case_id);

CREATE TABLE tasks (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'task'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX tasks_case_id ON tasks (case_id);
CREATE INDEX tasks_due_at ON tasks (due_at) WHERE due_at > 0;

CREATE TABLE documents (
  id         TEXT PRIMARY KEY NOT NULL,
  case_id    TEXT REFERENCES cases (id),
  kind       TEXT NOT NULL CHECK (kind = 'document'),
  state      TEXT,
  reference  TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  due_at     INTEGER NOT NULL DEFAULT 0,
  version    INTEGER NOT NULL CHECK (version >= 1),
  data       BLOB NOT NULL
) STRICT;
CREATE INDEX documents_case_id ON documents (case_id);

-- Earlier versions of corrected records, exactly as they were stored.
CREATE TABLE record_history (
  tbl         TEXT NOT NULL,
  id          TEXT NOT NULL,
  version     INTEGER NOT NULL,
  case_id     TEXT,
  kind        TEXT NOT NULL,
  state       TEXT,
  reference   TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  due_at      INTEGER NOT NULL DEFAULT 0,
  data        BLOB NOT NULL,
  replaced_at INTEGER NOT NULL,
  PRIMARY KEY (tbl, id, version)
) STRICT;
CREATE INDEX record_history_case_id ON record_history (case_id);

-- Keyed hashes of normalised names and dates of birth, so a child can be
-- found without decrypting every record.
CREATE TABLE blind_index (
  token     BLOB NOT NULL,
  kind      TEXT NOT NULL,
  record_id TEXT NOT NULL
) STRICT;
CREATE INDEX blind_index_token ON blind_index (token);
CREATE INDEX blind_index_record ON blind_index (record_id);

-- The audit log: every write and every opening of a case, chained with
-- HMAC-SHA-256.
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY NOT NULL,
  at        INTEGER NOT NULL,
  staff_id  TEXT,
  action    TEXT NOT NULL,
  record_id TEXT,
  mac       BLOB NOT NULL
) STRICT;
