-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Caretrail schema, version 3.
--
-- Before its first write, a connection checks that the audit log holds
-- exactly the entries its sealed head counts, so that an entry deleted
-- from the middle of the log is noticed. Counting the log's own rows reads
-- every entry; this index holds only each entry's number, so SQLite counts
-- it instead, reading a small fraction of the pages. It changes no row,
-- so the audit chain and its seal are untouched.

CREATE INDEX audit_log_seq ON audit_log (seq);
