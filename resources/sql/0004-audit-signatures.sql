-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Caretrail schema, version 4.
--
-- On a server, each audit entry a member writes names the member (the id
-- of their public keys) and carries their Ed25519 signature of the bytes
-- its MAC covers. A file keeps these columns so that a backup of a server,
-- or a server's database moved to a file, keeps every entry as it was.
-- Entries written in a file leave them empty: the desk's MAC chain is what
-- authenticates them.

ALTER TABLE audit_log ADD COLUMN member_id TEXT;
ALTER TABLE audit_log ADD COLUMN signature BLOB;
