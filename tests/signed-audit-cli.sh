#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Who did what, provably: on a throwaway cluster, the DSO and a deputy
# (two keyrings) each write; verify passes and names who signed which
# entries. The server's superuser then alters an entry's fields, moves a
# signature from one member's entry to another's, or names another member
# as an entry's writer: verify reports each, with the entry's number, and
# passes again once the entry is put back. A removed member's entries still
# verify.
set -eu
: "${CARETRAIL_ADMIN:?}"
if [ "${CARETRAIL_IN_SESSION:-}" != 1 ]; then
  echo "signed-audit-cli: run it with meson test or tests/run-in-session.sh" >&2
  exit 77
fi
admin=$CARETRAIL_ADMIN
python=/usr/bin/python3
here=$(dirname "$0")
. "$here/pg-cluster.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/signed-audit-cli.XXXXXX")
trap 'pg_cluster_stop; rm -rf "$work"' EXIT
trap 'exit 143' INT TERM
chmod 711 "$work"
pg_cluster_start "$work/pg"

fail () { echo "signed-audit-cli: $*" >&2; exit 1; }

sock=$("$python" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PG_SOCKET")
pg_psql -d postgres -c "CREATE DATABASE office" > /dev/null || fail "could not create the database"
dso_address="postgresql://$sock/office?user=$PG_SUPERUSER"
deputy_address="postgresql://$sock/office?user=deputy"
sql () { pg_psql -d office -tAc "$1"; }

mkdir -p "$work/deputy"
deputy () {
  HOME="$work/deputy" XDG_DATA_HOME="$work/deputy/data" XDG_CONFIG_HOME="$work/deputy/config" \
  SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$work/deputy/keyring" SECRET_FILE_TEST_PASSWORD=deputy-keyring \
    "$admin" "$@"
}

"$admin" server-init "$dso_address" --organisation "Fernhill Primary School" --dso "Dana Fieldhouse" \
  > /dev/null 2> "$work/err" || fail "server-init failed: $(cat "$work/err")"
dso=$("$admin" staff --json --database "$dso_address" | "$python" -c 'import json, sys; print(json.load(sys.stdin)["staff"][0]["id"])') \
  || fail "the DSO cannot open the server"
sql "CREATE ROLE deputy LOGIN IN ROLE caretrail_staff" > /dev/null
deputy member-request "$deputy_address" --name "Dev Deputy" > "$work/request" 2> "$work/err" \
  || fail "member-request failed: $(cat "$work/err")"
request=$(sed -n 's/^Request: //p' "$work/request")
fingerprint=$(sed -n 's/^Fingerprint: //p' "$work/request")
"$admin" member-approve "$dso_address" "$request" --fingerprint "$fingerprint" > /dev/null 2> "$work/err" \
  || fail "member-approve failed: $(cat "$work/err")"
deputy_fp=$(echo "$fingerprint" | tr -d ' ')
dso_fp=$("$admin" members "$dso_address" | sed -n 's/.*Dana Fieldhouse.*\[\(.*\)\]$/\1/p' | tr -d ' ')
[ -n "$dso_fp" ] || fail "members does not show the DSO's fingerprint"

record () {
  who=$1; shift
  $who record --new concern-recorded --at "2024-03-06T10:00" --by "$dso" --database "$@" \
    raised-by="Sam Sample" what="Said he was scared." immediate-risk=no child-given-names=Quillon child-family-name=Marchbanks \
    2> "$work/err" || fail "record by $who failed: $(cat "$work/err")"
}
record "$admin" "$dso_address" > /dev/null
record deputy "$deputy_address" > /dev/null

"$admin" verify --database "$dso_address" > "$work/verify" 2> "$work/err" || fail "verify failed: $(cat "$work/err")"
grep -q "^Signed by Dana Fieldhouse ($dso_fp): entries " "$work/verify" || fail "verify does not name the DSO: $(cat "$work/verify")"
grep -q "^Signed by Dev Deputy ($deputy_fp): entries " "$work/verify" || fail "verify does not name the deputy: $(cat "$work/verify")"

# Every entry after the first member was added is signed, by the member it names.
[ "$(sql "SELECT count(*) FROM caretrail.audit_log WHERE seq >= (SELECT min(seq) FROM caretrail.audit_log WHERE action = 'add-member')
  AND (signature IS NULL OR member_id IS NULL)")" = 0 ] || fail "some entries are not signed"
d=$(sql "SELECT min(seq) FROM caretrail.audit_log WHERE member_id = '$deputy_fp'")
o=$(sql "SELECT max(seq) FROM caretrail.audit_log WHERE member_id = '$dso_fp' AND seq < $d")
[ -n "$d" ] && [ -n "$o" ] || fail "no entries by both members"

# Each alteration is reported with the entry's number, then undone.
tamper () {
  what=$1; change=$2; undo=$3
  sql "$change" > /dev/null
  if "$admin" verify --database "$dso_address" > /dev/null 2> "$work/err"; then fail "verify passed after $what"; fi
  grep -q "entry $d " "$work/err" || fail "verify did not name entry $d after $what: $(cat "$work/err")"
  sql "$undo" > /dev/null
  "$admin" verify --database "$dso_address" > /dev/null 2> "$work/err" || fail "verify failed once $what was undone: $(cat "$work/err")"
}
tamper "changing an entry's time" \
  "UPDATE caretrail.audit_log SET at = at + 1 WHERE seq = $d" "UPDATE caretrail.audit_log SET at = at - 1 WHERE seq = $d"
tamper "naming the DSO as the deputy's entry's writer" \
  "CREATE TABLE public.kept AS SELECT * FROM caretrail.audit_log WHERE seq = $d;
   UPDATE caretrail.audit_log SET member_id = '$dso_fp', signature = (SELECT signature FROM caretrail.audit_log WHERE seq = $o) WHERE seq = $d" \
  "UPDATE caretrail.audit_log a SET member_id = k.member_id, signature = k.signature FROM public.kept k WHERE a.seq = k.seq; DROP TABLE public.kept"
tamper "putting the DSO's signature on the deputy's entry" \
  "CREATE TABLE public.kept AS SELECT * FROM caretrail.audit_log WHERE seq = $d;
   UPDATE caretrail.audit_log SET signature = (SELECT signature FROM caretrail.audit_log WHERE seq = $o) WHERE seq = $d" \
  "UPDATE caretrail.audit_log a SET signature = k.signature FROM public.kept k WHERE a.seq = k.seq; DROP TABLE public.kept"
tamper "flipping a bit of a signature" \
  "UPDATE caretrail.audit_log SET signature = set_byte(signature, 0, get_byte(signature, 0) # 1) WHERE seq = $d" \
  "UPDATE caretrail.audit_log SET signature = set_byte(signature, 0, get_byte(signature, 0) # 1) WHERE seq = $d"
tamper "removing a signature" \
  "CREATE TABLE public.kept AS SELECT * FROM caretrail.audit_log WHERE seq = $d;
   UPDATE caretrail.audit_log SET signature = NULL WHERE seq = $d" \
  "UPDATE caretrail.audit_log a SET signature = k.signature FROM public.kept k WHERE a.seq = k.seq; DROP TABLE public.kept"
tamper "swapping the deputy's public key" \
  "UPDATE caretrail.meta SET value = set_byte(value, 40, get_byte(value, 40) # 1) WHERE key = 'member-keys:$deputy_fp'" \
  "UPDATE caretrail.meta SET value = set_byte(value, 40, get_byte(value, 40) # 1) WHERE key = 'member-keys:$deputy_fp'"

# The signature check itself, not the MAC, catches another member's signature.
sql "CREATE TABLE public.kept AS SELECT * FROM caretrail.audit_log WHERE seq = $d;
     UPDATE caretrail.audit_log SET signature = (SELECT signature FROM caretrail.audit_log WHERE seq = $o) WHERE seq = $d" > /dev/null
if "$admin" verify --database "$dso_address" > /dev/null 2> "$work/err"; then fail "verify passed with another member's signature"; fi
grep -q "entry $d (.*) does not carry the signature of $deputy_fp" "$work/err" || fail "unclear message for a moved signature: $(cat "$work/err")"
sql "UPDATE caretrail.audit_log a SET signature = k.signature FROM public.kept k WHERE a.seq = k.seq; DROP TABLE public.kept" > /dev/null

# A removed member's entries still verify, under their fingerprint.
deputy_id=$(sql "SELECT id FROM caretrail.members WHERE pg_user = 'deputy'")
"$admin" member-remove "$dso_address" "$deputy_id" > /dev/null 2> "$work/err" || fail "member-remove failed: $(cat "$work/err")"
record "$admin" "$dso_address" > /dev/null
"$admin" verify --database "$dso_address" > "$work/verify" 2> "$work/err" || fail "verify after removal failed: $(cat "$work/err")"
grep -q "^Signed by a former member ($deputy_fp): entries .*$d" "$work/verify" || fail "the removed deputy's entries are not shown: $(cat "$work/verify")"

# Nothing signed by them after their removal verifies, even with the server's help.
last=$(sql "SELECT max(seq) FROM caretrail.audit_log")
sql "UPDATE caretrail.audit_log SET member_id = '$deputy_fp' WHERE seq = $last" > /dev/null
if "$admin" verify --database "$dso_address" > /dev/null 2> "$work/err"; then fail "verify passed with an entry named for a removed member"; fi
grep -q "entry $last " "$work/err" || fail "verify did not name entry $last: $(cat "$work/err")"

echo "signed-audit-cli: all checks passed"
