#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# caretrail-admin agency and staff: a local authority and a member of staff
# are added and corrected through the directory's one path, each change is
# a new version with the earlier ones kept, nothing is deleted (someone who
# has left is marked), usage errors exit 2 and refusals exit 1 with a
# sentence, changing nothing.
set -eu
: "${CARETRAIL_ADMIN:?}"
# It writes a key into the keyring: only in a private session.
if [ "${CARETRAIL_IN_SESSION:-}" != 1 ]; then
  echo "directory-cli: run it with meson test or tests/run-in-session.sh" >&2
  exit 77
fi
admin=$CARETRAIL_ADMIN
python=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/directory-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
db=$work/caretrail.db

fail () { echo "directory-cli: $*" >&2; exit 1; }

# json FILE PYTHON-EXPRESSION: exits non-zero unless the expression, with the
# file's JSON as `d`, is true.
json () {
  "$python" -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}

# refused EXIT-STATUS "TEXT" ARGS…: the command fails with that status and
# says TEXT on standard error, and nothing on standard output.
refused () {
  want=$1; text=$2; shift 2
  rc=0
  "$admin" "$@" > "$work/out" 2> "$work/err" || rc=$?
  [ "$rc" -eq "$want" ] || fail "$*: expected exit $want, got $rc: $(cat "$work/err")"
  grep -q "$text" "$work/err" || fail "$*: the error does not say “$text”: $(cat "$work/err")"
  [ ! -s "$work/out" ] || fail "$*: printed on standard output: $(cat "$work/out")"
}

"$admin" init --database "$db" > /dev/null || fail "init failed"
"$admin" demo --database "$db" --cases 1 > /dev/null || fail "demo failed"
dso=$("$admin" staff --json --database "$db" | "$python" -c 'import json, sys; print(json.load(sys.stdin)["staff"][0]["id"])')

# The staff listing works as it did, with no subcommand, and as "list".
"$admin" staff --database "$db" | grep -q "^$dso *Dana Demo *yes" || fail "staff does not list the DSO"
"$admin" staff list --database "$db" | grep -q "^$dso *Dana Demo *yes" || fail "staff list does not list the DSO"
"$admin" agency list --json --database "$db" > "$work/before.json" || fail "agency list failed"
n_before=$("$python" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["agencies"]))' "$work/before.json")

# A second local authority, with its front door.
la=$("$admin" agency add --database "$db" --by "$dso" --name "Northshire Children’s Services" \
       --kind mash --area Northshire --address "Front Door, County Hall, Northtown NT1 1AA" \
       --phone "0300 100 2000" --secure-email "mash@northshire.gov.uk" \
       --out-of-hours "0300 100 9999" --confirmation-period 2wd) || fail "agency add failed"
[ -n "$la" ] || fail "agency add printed no id"
"$admin" agency list --json --database "$db" > "$work/agencies.json"
json "$work/agencies.json" "len(d['agencies']) == $n_before + 1" || fail "the authority was not added"
json "$work/agencies.json" "[a for a in d['agencies'] if a['id'] == '$la' and a['address'] == 'Front Door, County Hall, Northtown NT1 1AA' and a['phone'] == '0300 100 2000' and a['secure-email'] == 'mash@northshire.gov.uk' and a['out-of-hours'] == '0300 100 9999' and a['confirmation-period'] == '2wd' and a['kind'] == 'mash' and a['area'] == 'Northshire' and a['version'] == 1]" \
  || fail "the authority's details are not as given: $(cat "$work/agencies.json")"
"$admin" agency list --database "$db" | grep -q "County Hall" || fail "agency list does not show the address"

# Corrected by name: a new version, the first kept in its history.
"$admin" agency edit --database "$db" --by "$dso" "northshire children’s services" --phone "0300 100 3000" > /dev/null \
  || fail "agency edit failed"
"$admin" agency history --json --database "$db" "$la" > "$work/history.json" || fail "agency history failed"
json "$work/history.json" "[v['version'] for v in d['versions']] == [1, 2] and d['versions'][0]['phone'] == '0300 100 2000' and d['versions'][1]['phone'] == '0300 100 3000' and d['versions'][1]['address'] == 'Front Door, County Hall, Northtown NT1 1AA'" \
  || fail "the history does not keep both versions: $(cat "$work/history.json")"
"$admin" agency history --database "$db" "$la" | grep -q "Version 1" || fail "agency history does not print version 1"
# An empty value removes a detail.
"$admin" agency edit --database "$db" --by "$dso" "$la" --out-of-hours "" > /dev/null || fail "removing a detail failed"
"$admin" agency list --json --database "$db" > "$work/agencies.json"
json "$work/agencies.json" "[a for a in d['agencies'] if a['id'] == '$la' and 'out-of-hours' not in a and a['version'] == 3]" \
  || fail "the out-of-hours number was not removed"

# Usage errors exit 2 and change nothing.
refused 2 "add, edit, list or history" agency --database "$db"
refused 2 "not something agency can do" agency remove --database "$db"
refused 2 "with --by" agency add --database "$db" --name "Southshire"
refused 2 "Name the local authority" agency edit --database "$db" --by "$dso" --phone 1
refused 2 "Say what to change" agency edit --database "$db" --by "$dso" "$la"
refused 2 "yes or no" staff add --database "$db" --by "$dso" --name "Sam Deputy" --deputy perhaps
refused 2 "Unknown option" agency add --database "$db" --by "$dso" --name "Southshire" --fax 1
# Refusals exit 1 with a sentence and change nothing.
refused 1 "Write the local authority’s or agency’s name" agency add --database "$db" --by "$dso" --name "  "
refused 1 "Write the local authority’s or agency’s name" agency add --database "$db" --by "$dso" --area Southshire
refused 1 "Write the local authority’s or agency’s name" agency edit --database "$db" --by "$dso" "$la" --name ""
refused 1 "not a choice" agency add --database "$db" --by "$dso" --name "Southshire" --confirmation-period 3d
refused 1 "No local authority or agency is called" agency edit --database "$db" --by "$dso" "Nowhere" --phone 1
refused 1 "No member of staff has the id" agency add --database "$db" --by "nobody" --name "Southshire"
"$admin" agency list --json --database "$db" > "$work/agencies.json"
json "$work/agencies.json" "len(d['agencies']) == $n_before + 1 and [a for a in d['agencies'] if a['id'] == '$la' and a['version'] == 3]" \
  || fail "a refused command changed the directory: $(cat "$work/agencies.json")"

# A new deputy, who later leaves: kept, marked, and the history shows it.
deputy=$("$admin" staff add --database "$db" --by "$dso" --name "Sam Deputy" --role "Head of Pastoral Care" \
           --deputy yes --email "sam@example.org") || fail "staff add failed"
"$admin" staff --json --database "$db" > "$work/staff.json"
json "$work/staff.json" "[s for s in d['staff'] if s['id'] == '$deputy' and s['name'] == 'Sam Deputy' and s['left'] is False]" \
  || fail "the deputy was not added: $(cat "$work/staff.json")"
"$admin" staff edit --database "$db" --by "$dso" "Sam Deputy" --left yes > /dev/null || fail "marking as left failed"
"$admin" staff --json --database "$db" > "$work/staff.json"
json "$work/staff.json" "[s for s in d['staff'] if s['id'] == '$deputy' and s['left'] is True]" \
  || fail "the deputy is not kept, marked as left: $(cat "$work/staff.json")"
"$admin" staff --database "$db" | grep -q "^$deputy *Sam Deputy .*no longer with us" || fail "staff does not say the deputy has left"
"$admin" staff history --json --database "$db" "$deputy" > "$work/history.json"
json "$work/history.json" "len(d['versions']) == 2 and 'left' not in d['versions'][0] and d['versions'][1]['left'] is True and d['versions'][1]['is-deputy'] is True" \
  || fail "the deputy's history is not kept: $(cat "$work/history.json")"
refused 1 "Write the member of staff’s name" staff add --database "$db" --by "$dso" --role "Volunteer"

# A database made with init alone: its first member of staff adds
# themselves; after that, every change names who made it.
empty=$work/empty.db
"$admin" init --database "$empty" > /dev/null || fail "init of a second database failed"
first=$("$admin" staff add --database "$empty" --name "Robin First" --dso yes) \
  || fail "the first member of staff could not be added without --by"
"$admin" staff --json --database "$empty" > "$work/first.json"
json "$work/first.json" "len(d['staff']) == 1 and d['staff'][0]['id'] == '$first' and d['staff'][0]['is-dso'] is True" \
  || fail "the first member of staff is not listed: $(cat "$work/first.json")"
refused 1 "with --by" staff add --database "$empty" --name "Second Person"
refused 2 "with --by" staff edit --database "$empty" "Robin First" --phone 1
"$admin" staff add --database "$empty" --by "$first" --name "Second Person" > /dev/null \
  || fail "the second member of staff could not be added by the first"
"$admin" verify --database "$empty" > /dev/null || fail "verify failed after the first member of staff"

# Every change is in the audit log, naming who made it: verify still passes.
"$admin" verify --database "$db" > /dev/null || fail "verify failed after the changes"

echo "directory-cli: ok"
