#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# caretrail-admin against a PostgreSQL server, end to end, on a throwaway
# cluster: server-init, a concern and steps recorded, cases, verify;
# migrate from a file, then verify; backup to a file that opens; the staff
# role refused on every SELECT; no plaintext in a dump of the server;
# writers on several connections at once keep one chain; a password kept in
# the keyring, never in the address.
set -eu
: "${CARETRAIL_ADMIN:?}"
if [ "${CARETRAIL_IN_SESSION:-}" != 1 ]; then
  echo "server-cli: run it with meson test or tests/run-in-session.sh" >&2
  exit 77
fi
admin=$CARETRAIL_ADMIN
python=/usr/bin/python3
here=$(dirname "$0")
. "$here/pg-cluster.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/server-cli.XXXXXX")
trap 'pg_cluster_stop; rm -rf "$work"' EXIT
trap 'exit 143' INT TERM
# The cluster runs as another user when the tests run as root.
chmod 711 "$work"
pg_cluster_start "$work/pg"

fail () { echo "server-cli: $*" >&2; exit 1; }

sock=$("$python" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PG_SOCKET")
address () { echo "postgresql://$sock/$1?user=$PG_SUPERUSER"; }
for db in office migrated concurrent unprivileged; do
  pg_psql -d postgres -c "CREATE DATABASE $db" || fail "could not create database $db"
done
office=$(address office)

# server-init: the schema, the roles, the organisation and its DSO.
"$admin" server-init "$office" --organisation "Fernhill Primary School" --dso "Dana Fieldhouse" \
  --dso-contact 01632960123 > "$work/init.out" 2> "$work/err" || fail "server-init failed: $(cat "$work/err")"
grep -Eq '^    [0-9A-Z]{4}(-[0-9A-Z]{4}){8}$' "$work/init.out" || fail "server-init printed no recovery code"
for role in caretrail_member caretrail_staff; do
  [ "$(pg_psql -d office -tAc "SELECT count(*) FROM pg_roles WHERE rolname = '$role'")" = 1 ] ||
    fail "server-init did not create the role $role"
done
# A server set up before today's roles and access rules: server-init again
# brings them up to date, twice over, and touches no row.
pg_psql -d office -c "DROP POLICY request_join ON caretrail.member_requests;
  DROP POLICY members_all ON caretrail.member_requests; DROP POLICY staff_submit ON caretrail.submissions;
  REVOKE INSERT ON caretrail.member_requests FROM caretrail_staff;
  REVOKE ALL ON caretrail.members, caretrail.member_requests FROM caretrail_member;
  REVOKE EXECUTE ON FUNCTION caretrail.submission_public_key () FROM caretrail_staff;
  GRANT SELECT ON caretrail.meta TO caretrail_staff" > /dev/null || fail "could not make the server look old"
rules () {
  pg_psql -d office -tAc "SELECT string_agg(r, ' ' ORDER BY r) FROM (SELECT tablename || ':' || policyname || ':' || cmd
    || ':' || array_to_string(roles, ',') AS r FROM pg_policies WHERE schemaname = 'caretrail') p" &&
  pg_psql -d office -tAc "SELECT string_agg(r, ' ' ORDER BY r) FROM (SELECT table_name || ':' || grantee || ':' || privilege_type AS r
    FROM information_schema.role_table_grants WHERE table_schema = 'caretrail' AND grantee LIKE 'caretrail\\_%') g" &&
  pg_psql -d office -tAc "SELECT has_function_privilege('caretrail_staff', 'caretrail.submission_public_key()', 'EXECUTE')"
}
# Every row, without the random key pg_dump puts around its script.
rows () {
  "$pg_bin/pg_dump" -h "$PG_SOCKET" -U "$PG_SUPERUSER" --data-only --schema=caretrail office > "$work/dump.sql" || fail "pg_dump failed"
  grep -Ev '^\\(un)?restrict ' "$work/dump.sql"
}
rows > "$work/rows-before.sql"
"$admin" server-init "$office" > "$work/out" 2> "$work/err" || fail "server-init on an old server failed: $(cat "$work/err")"
grep -q "already holds a Caretrail database" "$work/out" || fail "server-init did not say the server had a database: $(cat "$work/out")"
if grep -q "Recovery code" "$work/out"; then fail "server-init made a new key over an existing database"; fi
rules > "$work/rules-upgraded"
"$admin" server-init "$office" --organisation X --dso Y > "$work/out" 2> "$work/err" || fail "server-init again failed: $(cat "$work/err")"
grep -q "were not used" "$work/out" || fail "server-init did not say the names were not used: $(cat "$work/out")"
rules > "$work/rules-again"
cmp -s "$work/rules-upgraded" "$work/rules-again" ||
  fail "a second server-init changed the rules again: $(diff "$work/rules-upgraded" "$work/rules-again")"
for want in "member_requests:request_join:INSERT:caretrail_staff" "member_requests:members_all:ALL:caretrail_member" \
            "submissions:staff_submit:INSERT:caretrail_staff" "members:caretrail_member:SELECT" \
            "member_requests:caretrail_staff:INSERT"; do
  grep -q "$want" "$work/rules-upgraded" || fail "server-init did not restore $want: $(cat "$work/rules-upgraded")"
done
if grep -q "meta:caretrail_staff" "$work/rules-upgraded"; then fail "server-init left staff a grant on meta"; fi
[ "$(tail -n 1 "$work/rules-upgraded")" = t ] || fail "server-init did not let staff read the submission key"
rows > "$work/rows-after.sql"
cmp -s "$work/rows-before.sql" "$work/rows-after.sql" ||
  fail "server-init on an existing server changed its rows: $(diff "$work/rows-before.sql" "$work/rows-after.sql" | head -c 2000)"

# A server user who may not create roles is told so, and no key is made.
pg_psql -d postgres -c "CREATE ROLE plain LOGIN; GRANT CREATE ON DATABASE unprivileged TO plain" || fail "could not add a plain login"
if "$admin" server-init "postgresql://$sock/unprivileged?user=plain" --organisation X --dso Y > "$work/out" 2> "$work/err"; then
  fail "server-init succeeded as a user who may not create roles"
fi
grep -q "may not create roles" "$work/err" || fail "unclear error for a user without CREATEROLE: $(cat "$work/err")"
if grep -q "Recovery code" "$work/out"; then fail "server-init made a key although it failed"; fi

"$admin" staff --json --database "$office" > "$work/staff.json" || fail "staff failed"
staff=$("$python" -c 'import json, sys
s = json.load(open(sys.argv[1]))["staff"]
assert len(s) == 1 and s[0]["is-dso"] and s[0]["name"] == "Dana Fieldhouse"
print(s[0]["id"])' "$work/staff.json") || fail "server-init did not record the DSO: $(cat "$work/staff.json")"

# A concern and its steps, recorded on the server.
day=$("$python" -c 'import datetime
d = datetime.date.today() - datetime.timedelta(days=14)
while d.weekday() != 2 or (d.month, d.day) >= (12, 20) or (d.month, d.day) <= (1, 3):
    d -= datetime.timedelta(days=1)
print(d.isoformat())')
"$admin" record --new concern-recorded --at "${day}T10:00" --by "$staff" --database "$office" \
  raised-by="Sam Sample" what='Quillon said he was scared to go home.' immediate-risk=no \
  child-given-names=Quillon child-family-name=Marchbanks > "$work/ref" 2> "$work/err" \
  || fail "record --new failed: $(cat "$work/err")"
ref=$(cat "$work/ref")
"$admin" record --case "$ref" escalated --at "${day}T11:00" --by "$staff" --database "$office" \
  line-manager="Lee Line-Manager" safeguarding-lead="Dana Fieldhouse" > /dev/null 2> "$work/err" \
  || fail "record escalated failed: $(cat "$work/err")"
"$admin" note --case "$ref" --at "${day}T12:30" --by "$staff" --database "$office" phone-call \
  summary="Called the school nurse about Quillon." with-whom="School nurse" > /dev/null 2> "$work/err" \
  || fail "note failed: $(cat "$work/err")"
"$admin" cases --database "$office" > "$work/cases" || fail "cases failed"
grep -q "^$ref  *escalated" "$work/cases" || fail "cases does not list $ref as escalated: $(cat "$work/cases")"
"$admin" show --case "$ref" --json --database "$office" > "$work/show.json" || fail "show failed"
"$python" -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if [e["step"] for e in d["chronology"]] == ["concern-recorded", "escalated", "note"] else 1)' "$work/show.json" \
  || fail "the chronology on the server is not concern, escalation, note: $(cat "$work/show.json")"
"$admin" verify --database "$office" > "$work/verify" 2> "$work/err" || fail "verify failed: $(cat "$work/err")"
grep -q "is intact" "$work/verify" || fail "verify did not say intact"

# The server holds only ciphertext: no name, date or narrative in a dump.
"$pg_bin/pg_dump" -h "$PG_SOCKET" -U "$PG_SUPERUSER" office > "$work/office.sql" || fail "pg_dump failed"
grep -q "audit_log" "$work/office.sql" || fail "the dump holds no tables"
for secret in Quillon Marchbanks Fieldhouse "Fernhill" "scared" "School nurse" "Sam Sample"; do
  if grep -qi "$secret" "$work/office.sql"; then fail "the server holds “$secret” in plain text"; fi
done

# Staff may hand in a concern and do nothing else, whatever program they use.
pg_psql -d office -c "CREATE ROLE sam_staff LOGIN IN ROLE caretrail_staff" || fail "could not add a staff login"
tables=$(pg_psql -d office -tAc "SELECT tablename FROM pg_tables WHERE schemaname = 'caretrail' ORDER BY 1")
[ "$(echo "$tables" | wc -l)" -ge 20 ] || fail "the schema has too few tables: $tables"
for t in $tables; do
  if "$pg_bin/psql" -X -h "$PG_SOCKET" -U sam_staff -d office -c "SELECT * FROM caretrail.$t" > /dev/null 2> "$work/err"; then
    fail "the staff role could read caretrail.$t"
  fi
  grep -q "permission denied" "$work/err" || fail "reading $t as staff failed for another reason: $(cat "$work/err")"
done
"$pg_bin/psql" -X -h "$PG_SOCKET" -U sam_staff -d office -v ON_ERROR_STOP=1 \
  -c "INSERT INTO caretrail.submissions (id, sealed) VALUES ('receipt-1', '\\x00')" > /dev/null 2> "$work/err" \
  || fail "the staff role could not hand in a submission: $(cat "$work/err")"
if "$pg_bin/psql" -X -h "$PG_SOCKET" -U sam_staff -d office -v ON_ERROR_STOP=1 \
  -c "INSERT INTO caretrail.submissions (id, sealed, submitted_by) VALUES ('receipt-2', '\\x00', 'dana')" > /dev/null 2>&1; then
  fail "the staff role handed in a submission in someone else's name"
fi
if "$admin" cases --database "$(echo "$office" | sed "s/user=$PG_SUPERUSER/user=sam_staff/")" > /dev/null 2> "$work/err"; then
  fail "caretrail-admin read the cases as staff"
fi
grep -q "caretrail-admin cases: " "$work/err" || fail "no sentence when staff are refused: $(cat "$work/err")"

# backup from the server writes the usual encrypted file, which opens.
"$admin" backup --database "$office" "$work/office-backup.db" > /dev/null 2> "$work/err" || fail "backup failed: $(cat "$work/err")"
"$admin" verify --database "$work/office-backup.db" > /dev/null 2> "$work/err" || fail "the backup does not verify: $(cat "$work/err")"
"$admin" cases --database "$work/office-backup.db" | grep -q "^$ref" || fail "the backup lacks $ref"
if grep -qa Quillon "$work/office-backup.db"; then fail "the backup holds a name in plain text"; fi

# migrate: a single-desk file, copied as it is, then verified on the server.
file=$work/desk/caretrail.db
"$admin" init --database "$file" > /dev/null || fail "init of the file failed"
"$admin" demo --database "$file" --cases 5 > /dev/null || fail "demo failed"
"$admin" status --database "$file" | sed -n 's/^Audit log: *\([0-9]*\) entries.*head \([0-9a-f]*\)$/\1 \2/p' > "$work/file-head"
migrated=$(address migrated)
"$admin" migrate --from "$file" --to "$migrated" > "$work/migrate.out" 2> "$work/err" || fail "migrate failed: $(cat "$work/err")"
grep -q "is intact" "$work/migrate.out" || fail "migrate did not verify the copy: $(cat "$work/migrate.out")"
"$admin" status --database "$migrated" | sed -n 's/^Audit log: *\([0-9]*\) entries.*head \([0-9a-f]*\)$/\1 \2/p' > "$work/server-head"
[ -s "$work/server-head" ] && cmp -s "$work/file-head" "$work/server-head" ||
  fail "the server's audit head ($(cat "$work/server-head")) is not the file's ($(cat "$work/file-head"))"
"$admin" cases --database "$migrated" > "$work/migrated-cases" || fail "cases on the migrated server failed"
[ "$(grep -c '^CT-DEMO-' "$work/migrated-cases")" -eq 5 ] || fail "the migrated server does not list 5 cases"
if "$admin" migrate --from "$file" --to "$migrated" > /dev/null 2> "$work/err"; then fail "migrate copied over a database"; fi

# A dump of the server holding the demo cases has none of their names,
# dates of birth, addresses or narratives, in any form they are written.
for demo_ref in $(grep -o '^CT-DEMO-[0-9]*' "$work/migrated-cases"); do
  "$admin" show --case "$demo_ref" --json --database "$file" > "$work/demo-$demo_ref.json" || fail "show $demo_ref on the file failed"
done
"$pg_bin/pg_dump" -h "$PG_SOCKET" -U "$PG_SUPERUSER" migrated > "$work/migrated.sql" || fail "pg_dump of the migrated server failed"
"$python" - "$work/migrated.sql" "$work"/demo-CT-DEMO-*.json <<'PY' || fail "the dump of the demo cases holds plain text"
import datetime, json, re, sys
dump = open(sys.argv[1], encoding="utf-8").read()
assert "audit_log" in dump, "the dump holds no tables"
secrets = set()
for path in sys.argv[2:]:
    case = json.load(open(path))
    for entry in case["chronology"]:
        if entry.get("who"):
            secrets.add(entry["who"])
        for line in (entry.get("details") or "").split("\n"):
            key, _, value = line.partition(": ")
            if key in ("child-given-names", "child-family-name", "child-address", "raised-by", "what"):
                secrets.add(value)
            elif key == "child-date-of-birth":
                d = datetime.date.fromisoformat(value)
                secrets.update({value, d.strftime("%d/%m/%Y"), d.strftime("%Y%m%d"), d.strftime("%-d %B %Y")})
secrets = {s for s in secrets if len(s) >= 4}
assert len(secrets) >= 10, f"too few details to look for: {secrets}"
found = [s for s in sorted(secrets) if re.search(r"\b" + re.escape(s) + r"\b", dump, re.IGNORECASE)]
if found:
    sys.exit(f"in the dump: {found}")
print(f"server-cli: {len(secrets)} demo details looked for in a dump of {len(dump)} characters", file=sys.stderr)
PY
grep -q "already holds a Caretrail database" "$work/err" || fail "unclear second migrate error: $(cat "$work/err")"

# Several writers at once, each on its own connection, each opening cases
# (whose references are numbered inside the transaction): one chain, and
# every case there.
concurrent=$(address concurrent)
"$admin" migrate --from "$file" --to "$concurrent" > /dev/null 2> "$work/err" || fail "migrate for writers failed: $(cat "$work/err")"
writer=$("$admin" staff --json --database "$concurrent" | "$python" -c 'import json, sys; print(json.load(sys.stdin)["staff"][0]["id"])')
write_cases () {
  for n in 1 2 3 4; do
    "$admin" record --new concern-recorded --at "${day}T10:0$n" --by "$writer" --database "$concurrent" \
      raised-by="Writer $1" what="Concern $n from writer $1." immediate-risk=no \
      child-given-names="Child$1$n" child-family-name=Concurrent || return 1
  done
}
pids=""
for i in 1 2 3; do
  write_cases "$i" > "$work/writer$i" 2>&1 &
  pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "a writer failed: $(cat "$work"/writer*)"; done
"$admin" verify --database "$concurrent" > /dev/null 2> "$work/err" || fail "verify after concurrent writers failed: $(cat "$work/err")"
[ "$(cat "$work"/writer* | sort -u | grep -c '^CT-')" -eq 12 ] || fail "the writers were not given 12 distinct references: $(cat "$work"/writer*)"
[ "$("$admin" cases --database "$concurrent" | grep -c '^CT-')" -eq 17 ] || fail "the writers' cases are not all there"

# Addresses that would leak records or a password are refused.
if "$admin" cases --database "postgresql://db.example.org/x?sslmode=require" > /dev/null 2> "$work/err"; then fail "sslmode=require accepted"; fi
grep -q "verify-full" "$work/err" || fail "unclear sslmode error: $(cat "$work/err")"
if "$admin" cases --database "postgresql://u:hunter2@localhost/x" > /dev/null 2> "$work/err"; then fail "a password in the address accepted"; fi
grep -q "server-password" "$work/err" || fail "unclear password error: $(cat "$work/err")"
if grep -q hunter2 "$work/err"; then fail "the password was printed"; fi

# A password kept in the keyring is used, and is never on disk.
pg_psql -d office -c "CREATE ROLE caretrail_pw LOGIN PASSWORD 'correct horse' IN ROLE caretrail_member" || fail "could not add a member login"
member="postgresql://$sock/office?user=caretrail_pw"
if "$admin" cases --database "$member" > /dev/null 2> "$work/err"; then fail "connected without a password"; fi
grep -q "server-password" "$work/err" || fail "no hint to store the password: $(cat "$work/err")"
echo "correct horse" | "$admin" server-password "$member" > /dev/null 2> "$work/err" || fail "server-password failed: $(cat "$work/err")"
"$admin" cases --database "$member" > "$work/member-cases" 2> "$work/err" || fail "the member could not connect with the kept password: $(cat "$work/err")"
grep -q "^$ref" "$work/member-cases" || fail "the member does not see $ref"
if grep -rqs "correct horse" "$HOME" "${XDG_CONFIG_HOME:-$HOME/.config}" "$work/desk"; then
  fail "the password was written in plain text"
fi

echo "server-cli: all checks passed"
