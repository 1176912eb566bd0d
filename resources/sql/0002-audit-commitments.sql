-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Caretrail schema, version 2.
--
-- Each audit entry commits to what the write did: the kind, case, id and
-- version of the record written or erased, and a BLAKE2b hash of the
-- ciphertext and associated data written. The chain's MAC covers these
-- columns. Entries written before this migration keep format 1: their MAC
-- covers only the columns they had, and `caretrail-admin verify` counts
-- them as unverified legacy entries.

ALTER TABLE audit_log ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_log ADD COLUMN kind TEXT;
ALTER TABLE audit_log ADD COLUMN case_id TEXT;
ALTER TABLE audit_log ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN digest BLOB;
