#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Members and staff on a PostgreSQL server, end to end, on a throwaway
# cluster, with two keyrings: the DSO's (the session's GNOME Keyring) and
# the deputy's (a keyring file of their own). The deputy asks to join, the
# DSO approves and the deputy reads a case; the deputy is removed and the
# key rotated, after which the deputy's keys open nothing written since,
# while the DSO's do; rotation prints a new recovery code, which recovers
# the key, while the old one (which the deputy may know) does not; staff
# hand in a concern they cannot read back, which the DSO opens as a case
# raised when it was handed in.
set -eu
: "${CARETRAIL_ADMIN:?}"
if [ "${CARETRAIL_IN_SESSION:-}" != 1 ]; then
  echo "members-cli: run it with meson test or tests/run-in-session.sh" >&2
  exit 77
fi
admin=$CARETRAIL_ADMIN
python=/usr/bin/python3
here=$(dirname "$0")
. "$here/pg-cluster.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/members-cli.XXXXXX")
trap 'pg_cluster_stop; rm -rf "$work"' EXIT
trap 'exit 143' INT TERM
chmod 711 "$work"
pg_cluster_start "$work/pg"

fail () { echo "members-cli: $*" >&2; exit 1; }

sock=$("$python" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PG_SOCKET")
pg_psql -d postgres -c "CREATE DATABASE office" || fail "could not create the database"
dso_address="postgresql://$sock/office?user=$PG_SUPERUSER"
deputy_address="postgresql://$sock/office?user=deputy"
staff_address="postgresql://$sock/office?user=sam_staff"

# The deputy's own computer: another home and another keyring.
mkdir -p "$work/deputy"
deputy () {
  HOME="$work/deputy" XDG_DATA_HOME="$work/deputy/data" XDG_CONFIG_HOME="$work/deputy/config" \
  SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$work/deputy/keyring" SECRET_FILE_TEST_PASSWORD=deputy-keyring \
    "$admin" "$@"
}

"$admin" server-init "$dso_address" --organisation "Fernhill Primary School" --dso "Dana Fieldhouse" \
  > "$work/init.out" 2> "$work/err" || fail "server-init failed: $(cat "$work/err")"
code=$(sed -n 's/^    \([0-9A-Z]\{4\}\(-[0-9A-Z]\{4\}\)\{8\}\)$/\1/p' "$work/init.out")
[ -n "$code" ] || fail "server-init printed no recovery code"
[ "$(pg_psql -d office -tAc "SELECT count(*) FROM caretrail.members")" = 1 ] || fail "server-init added no member"
dso=$("$admin" staff --json --database "$dso_address" | "$python" -c 'import json, sys; print(json.load(sys.stdin)["staff"][0]["id"])') \
  || fail "the DSO cannot open the server through their member key"

pg_psql -d office -c "CREATE ROLE deputy LOGIN IN ROLE caretrail_staff; CREATE ROLE sam_staff LOGIN IN ROLE caretrail_staff" \
  || fail "could not add the logins"

# Before approval the deputy is refused, with a sentence.
if deputy cases --database "$deputy_address" > /dev/null 2> "$work/err"; then fail "the deputy read the cases before approval"; fi
grep -q "caretrail-admin cases: " "$work/err" || fail "no sentence for the deputy before approval: $(cat "$work/err")"

deputy member-request "$deputy_address" --name "Dev Deputy" > "$work/request" 2> "$work/err" \
  || fail "member-request failed: $(cat "$work/err")"
request=$(sed -n 's/^Request: //p' "$work/request")
fingerprint=$(sed -n 's/^Fingerprint: //p' "$work/request")
[ -n "$request" ] && [ -n "$fingerprint" ] || fail "member-request printed no request or fingerprint: $(cat "$work/request")"

# Waiting: told so, not that the server refused.
if deputy cases --database "$deputy_address" > /dev/null 2> "$work/err"; then fail "the deputy read the cases while waiting"; fi
grep -q "has not been approved yet" "$work/err" || fail "the waiting deputy was not told so: $(cat "$work/err")"

"$admin" member-requests "$dso_address" > "$work/requests" || fail "member-requests failed"
grep -q "Dev Deputy.*\[$fingerprint\]" "$work/requests" || fail "the request does not show the deputy's name and fingerprint: $(cat "$work/requests")"
if "$admin" member-approve "$dso_address" "$request" --fingerprint "0000 1111" > /dev/null 2> "$work/err"; then
  fail "a request was approved with the wrong fingerprint"
fi
grep -q "does not match" "$work/err" || fail "unclear wrong-fingerprint error: $(cat "$work/err")"
"$admin" member-approve "$dso_address" "$request" > "$work/out" 2>&1 && fail "approved without a fingerprint"
grep -q "$fingerprint" "$work/out" || fail "member-approve did not show the fingerprint: $(cat "$work/out")"
"$admin" member-approve "$dso_address" "$request" --fingerprint "$fingerprint" > /dev/null 2> "$work/err" \
  || fail "member-approve failed: $(cat "$work/err")"

day=$("$python" -c 'import datetime
d = datetime.date.today() - datetime.timedelta(days=14)
while d.weekday() != 2 or (d.month, d.day) >= (12, 20) or (d.month, d.day) <= (1, 3):
    d -= datetime.timedelta(days=1)
print(d.isoformat())')
new_case () {
  "$admin" record --new concern-recorded --at "${day}T10:00" --by "$dso" --database "$dso_address" \
    raised-by="Sam Sample" what="$2" immediate-risk=no child-given-names="$1" child-family-name=Marchbanks \
    2> "$work/err" || fail "record --new failed: $(cat "$work/err")"
}
first=$(new_case Quillon "Quillon said he was scared to go home.")
deputy show --case "$first" --json --database "$deputy_address" > "$work/deputy-show.json" 2> "$work/err" \
  || fail "the approved deputy cannot open a case: $(cat "$work/err")"
grep -q "Quillon said he was scared" "$work/deputy-show.json" || fail "the deputy does not read the case"

# Remove the deputy and rotate. A copy of their sealed key, as an old dump
# would hold it, is kept to put back afterwards.
deputy_id=$(pg_psql -d office -tAc "SELECT id FROM caretrail.members WHERE pg_user = 'deputy'")
pg_psql -d office -c "CREATE TABLE public.kept AS SELECT * FROM caretrail.members WHERE pg_user = 'deputy'" > /dev/null
"$admin" member-remove "$dso_address" "$deputy_id" > /dev/null 2> "$work/err" || fail "member-remove failed: $(cat "$work/err")"
[ "$(pg_psql -d office -tAc "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
  JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = 'deputy' AND g.rolname = 'caretrail_member'")" = 0 ] \
  || fail "the deputy kept the member role"
if deputy cases --database "$deputy_address" > /dev/null 2> "$work/err"; then fail "the removed deputy still reads the cases"; fi
grep -q "Your membership of .* has been removed" "$work/err" || fail "the removed deputy was not told so: $(cat "$work/err")"
[ "$(pg_psql -d office -tAc "SELECT count(*) FROM caretrail.members WHERE id = '$deputy_id'")" = 0 ] \
  || fail "the deputy's sealed key is still on the server"
# Rotation re-wraps every case key and re-encrypts no case data.
ciphertexts () {
  for t in $(pg_psql -d office -tAc "SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'caretrail' AND column_name = 'data' ORDER BY 1"); do
    pg_psql -d office -tAc "SELECT '$t ' || count(*) || ' ' || coalesce(md5(string_agg(id || ':' || encode(data, 'hex'), ',' ORDER BY id)), '')
      FROM caretrail.$t"
  done
}
case_keys () {
  pg_psql -d office -tAc "SELECT case_id || ' ' || md5(wrapped) FROM caretrail.case_keys ORDER BY case_id"
}
ciphertexts > "$work/data-before"
case_keys > "$work/keys-before"
grep -q "^cases [1-9]" "$work/data-before" || fail "no case data to compare: $(cat "$work/data-before")"
[ -s "$work/keys-before" ] || fail "no case keys on the server"
"$admin" rotate "$dso_address" > "$work/rotate.out" 2> "$work/err" || fail "rotate failed: $(cat "$work/err")"
ciphertexts > "$work/data-after"
case_keys > "$work/keys-after"
cmp -s "$work/data-before" "$work/data-after" || fail "rotate re-encrypted case data: $(diff "$work/data-before" "$work/data-after")"
[ "$(cut -d' ' -f1 "$work/keys-before")" = "$(cut -d' ' -f1 "$work/keys-after")" ] || fail "rotate changed which cases have keys"
if [ -n "$(comm -12 "$work/keys-before" "$work/keys-after")" ]; then
  fail "rotate left case keys wrapped as before: $(comm -12 "$work/keys-before" "$work/keys-after")"
fi
new_code=$(sed -n 's/^    \([0-9A-Z]\{4\}\(-[0-9A-Z]\{4\}\)\{8\}\)$/\1/p' "$work/rotate.out")
[ -n "$new_code" ] || fail "rotate printed no new recovery code: $(cat "$work/rotate.out")"
[ "$new_code" != "$code" ] || fail "rotate printed the old recovery code again"
second=$(new_case Rosalind "Rosalind has bruises on her arm.")
"$admin" show --case "$second" --database "$dso_address" > /dev/null 2> "$work/err" || fail "the DSO cannot open a case after rotation: $(cat "$work/err")"
"$admin" show --case "$first" --database "$dso_address" > /dev/null 2> "$work/err" || fail "the DSO cannot open an older case after rotation: $(cat "$work/err")"
"$admin" verify --database "$dso_address" > /dev/null 2> "$work/err" || fail "verify after rotation failed: $(cat "$work/err")"

# The server puts back the deputy's old sealed key and role: their keyring
# still opens nothing written after the rotation.
pg_psql -d office -c "INSERT INTO caretrail.members SELECT * FROM public.kept; GRANT caretrail_member TO deputy" > /dev/null
if deputy show --case "$second" --json --database "$deputy_address" > "$work/out" 2> "$work/err"; then
  fail "the removed deputy's keyring opened a case written after rotation"
fi
if grep -q Rosalind "$work/out" "$work/err"; then fail "the removed deputy read the new case"; fi
pg_psql -d office -c "DELETE FROM caretrail.members WHERE pg_user = 'deputy'; REVOKE caretrail_member FROM deputy" > /dev/null

# The old recovery code, which the removed deputy may know, recovers
# nothing written after the rotation: not from the server, nor from a
# backup of it. The new code recovers the key from the backup alone.
"$admin" backup --database "$dso_address" "$work/backup.db" > /dev/null 2> "$work/err" || fail "backup failed: $(cat "$work/err")"
# On the server, read with a login that may read everything (the worst
# case: the deputy's own login may read nothing now).
if echo "$code" | deputy recover --database "$dso_address" > /dev/null 2> "$work/err"; then
  fail "the old recovery code recovered the key from the server after rotation"
fi
grep -q "does not belong to this database" "$work/err" || fail "unclear refusal of the old code on the server: $(cat "$work/err")"
if echo "$code" | deputy recover --database "$work/backup.db" > /dev/null 2> "$work/err"; then
  fail "the old recovery code recovered the key from a backup after rotation"
fi
grep -q "does not belong to this database" "$work/err" || fail "unclear refusal of the old code: $(cat "$work/err")"
if deputy show --case "$second" --json --database "$work/backup.db" > "$work/out" 2> "$work/err"; then
  fail "the removed deputy's keyring opened the backup after a refused recovery"
fi
if grep -q Rosalind "$work/out" "$work/err"; then fail "the removed deputy read the new case from the backup"; fi
echo "$new_code" | deputy recover --database "$work/backup.db" > /dev/null 2> "$work/err" || fail "recover with the new code failed: $(cat "$work/err")"
deputy show --case "$second" --json --database "$work/backup.db" 2> "$work/err" | grep -q "Rosalind has bruises" \
  || fail "the new recovery code does not open a case written after rotation: $(cat "$work/err")"

# A request declined: it is gone from the list, and the person who asked
# is told so.
pg_psql -d office -c "CREATE ROLE bea_board LOGIN IN ROLE caretrail_staff" > /dev/null
mkdir -p "$work/board"
board () {
  HOME="$work/board" XDG_DATA_HOME="$work/board/data" XDG_CONFIG_HOME="$work/board/config" \
  SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$work/board/keyring" SECRET_FILE_TEST_PASSWORD=board-keyring \
    "$admin" "$@"
}
board member-request "postgresql://$sock/office?user=bea_board" --name "Bea Board" > "$work/request" 2> "$work/err" \
  || fail "member-request failed: $(cat "$work/err")"
declined=$(sed -n 's/^Request: //p' "$work/request")
"$admin" member-decline "$dso_address" "$declined" > /dev/null 2> "$work/err" || fail "member-decline failed: $(cat "$work/err")"
if "$admin" member-requests "$dso_address" | grep -q "Bea Board"; then fail "a declined request is still listed"; fi
if board cases --database "postgresql://$sock/office?user=bea_board" > /dev/null 2> "$work/err"; then fail "a declined request opened the records"; fi
grep -q "was declined" "$work/err" || fail "the declined person was not told so: $(cat "$work/err")"

# Staff hand in a concern, and can read nothing back.
"$admin" submit "$staff_address" raised-by="Sam Sample" what="Tobias said his uncle hits him." immediate-risk=no \
  child-given-names=Tobias child-family-name=Wrenfield > "$work/receipt" 2> "$work/err" || fail "submit failed: $(cat "$work/err")"
receipt=$(sed -n 's/^Receipt: //p' "$work/receipt")
[ -n "$receipt" ] && grep -q "^Handed in: " "$work/receipt" || fail "submit printed no receipt: $(cat "$work/receipt")"
for t in submissions members member_requests meta cases; do
  if "$pg_bin/psql" -X -h "$PG_SOCKET" -U sam_staff -d office -c "SELECT * FROM caretrail.$t" > /dev/null 2> "$work/err"; then
    fail "the staff login could read caretrail.$t"
  fi
  grep -q "permission denied" "$work/err" || fail "reading $t as staff failed for another reason: $(cat "$work/err")"
done
if "$admin" submissions "$staff_address" > /dev/null 2> "$work/err"; then fail "staff listed the submissions"; fi

"$pg_bin/pg_dump" -h "$PG_SOCKET" -U "$PG_SUPERUSER" office > "$work/office.sql" || fail "pg_dump failed"
grep -q "submissions" "$work/office.sql" || fail "the dump holds no submissions table"
for secret in Tobias Wrenfield uncle "Sam Sample" "Dev Deputy" Fieldhouse Quillon Rosalind; do
  if grep -qi "$secret" "$work/office.sql"; then fail "the server holds “$secret” in plain text"; fi
done

sleep 2
"$admin" submissions "$dso_address" > "$work/submissions" 2> "$work/err" || fail "submissions failed: $(cat "$work/err")"
grep -q "^$receipt .*sam_staff.*Sam Sample.*Tobias said his uncle hits him" "$work/submissions" \
  || fail "the DSO does not see the concern: $(cat "$work/submissions")"
ref=$("$admin" submission-accept "$dso_address" "$receipt" --by "$dso" 2> "$work/err") || fail "submission-accept failed: $(cat "$work/err")"
if "$admin" submission-accept "$dso_address" "$receipt" --by "$dso" > /dev/null 2>&1; then fail "a concern became two cases"; fi
handed=$(pg_psql -d office -tAc "SELECT extract(epoch FROM date_trunc('second', submitted_at))::bigint FROM caretrail.submissions WHERE id = '$receipt'")
[ "$(pg_psql -d office -tAc "SELECT count(*) FROM caretrail.submissions WHERE id = '$receipt' AND case_id IS NOT NULL AND sealed IS NOT NULL")" = 1 ] \
  || fail "the sealed original was not kept with its case"
"$admin" show --case "$ref" --json --database "$dso_address" > "$work/show.json" || fail "show of the accepted case failed"
"$python" - "$work/show.json" "$handed" <<'PY' || fail "the case's concern time is not the submission time: $(cat "$work/show.json")"
import datetime, json, sys
d = json.load(open(sys.argv[1]))
entry = d["chronology"][0]
assert entry["step"] == "concern-recorded", entry
at = datetime.datetime.fromisoformat(entry["at"]).timestamp()
assert int(at) == int(sys.argv[2]), (at, sys.argv[2])
assert "Tobias said his uncle hits him" in json.dumps(d)
PY

echo "members-cli: all checks passed"
