#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# caretrail-admin steps, staff, record, note and show, end to end: a case is
# opened and moved on from the command line through the case service's one
# path, its clocks run from when each step happened, and the policy's
# refusals exit 1 with a sentence and change nothing.
set -eu
: "${CARETRAIL_ADMIN:?}"
# It writes a key into the keyring: only in a private session.
if [ "${CARETRAIL_IN_SESSION:-}" != 1 ]; then
  echo "admin-record: run it with meson test or tests/run-in-session.sh" >&2
  exit 77
fi
admin=$CARETRAIL_ADMIN
python=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/admin-record.XXXXXX")
trap 'rm -rf "$work"' EXIT
db=$work/caretrail.db

fail () { echo "admin-record: $*" >&2; exit 1; }

# json FILE PYTHON-EXPRESSION: exits non-zero unless the expression, with the
# file's JSON as `d`, is true.
json () {
  "$python" -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}

# refused EXIT-STATUS "TEXT" ARGS…: the command fails with that status and
# says TEXT in one line on standard error, and nothing on standard output.
refused () {
  want=$1; text=$2; shift 2
  rc=0
  "$admin" "$@" > "$work/out" 2> "$work/err" || rc=$?
  [ "$rc" -eq "$want" ] || fail "$*: expected exit $want, got $rc: $(cat "$work/err")"
  grep -q "$text" "$work/err" || fail "$*: the error does not say “$text”: $(cat "$work/err")"
  [ ! -s "$work/out" ] || fail "$*: printed on standard output: $(cat "$work/out")"
}

# A Wednesday at least a fortnight ago, away from Christmas, so that it is
# a working day in every nation and every step below is in the past.
day=$("$python" -c 'import datetime
d = datetime.date.today() - datetime.timedelta(days=14)
while d.weekday() != 2 or (d.month, d.day) >= (12, 20) or (d.month, d.day) <= (1, 3):
    d -= datetime.timedelta(days=1)
print(d.isoformat())')

"$admin" init --database "$db" > /dev/null || fail "init failed"
# The sample data brings the organisation (England and Wales, cut-off 16:00)
# and a member of staff to record as.
"$admin" demo --database "$db" --cases 1 > /dev/null || fail "demo failed"

"$admin" staff --json --database "$db" > "$work/staff.json" || fail "staff --json failed"
json "$work/staff.json" 'len(d["staff"]) == 1 and d["staff"][0]["is-dso"] is True and d["staff"][0]["name"] == "Dana Demo"' \
  || fail "staff --json does not list the demo DSO: $(cat "$work/staff.json")"
staff=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["staff"][0]["id"])' "$work/staff.json")
"$admin" staff --database "$db" | grep -q "^$staff *Dana Demo *yes" || fail "staff does not list $staff as a DSO"

# The steps that open a case: a concern asks whether the child is at
# immediate risk, a required yes-no answer; every step takes --at.
"$admin" steps --new --json > "$work/steps.json" || fail "steps --new --json failed"
json "$work/steps.json" '[s["id"] for s in d["steps"]] == ["concern-recorded", "allegation-reported"]' \
  || fail "steps --new does not list concern-recorded and allegation-reported: $(cat "$work/steps.json")"
json "$work/steps.json" 'any(a["key"] == "immediate-risk" and a["kind"] == "yes-no" and a["required"] is True and a["need"] == "required"
                             for s in d["steps"] if s["id"] == "concern-recorded" for a in s["answers"])' \
  || fail "steps --new does not ask immediate-risk as a required yes-no answer"
json "$work/steps.json" 'all(s["at"]["option"] == "--at" and s["at"]["default"] == "now" for s in d["steps"])' \
  || fail "steps --new does not say every step takes --at"
json "$work/steps.json" '[c["id"] for s in d["steps"] if s["id"] == "concern-recorded" for a in s["answers"] if a["key"] == "how" for c in a["choices"]][0] == "in-person"' \
  || fail "steps --new does not list a choice's ids"

# Open a case with a concern that happened that morning: only its reference
# is printed.
"$admin" record --new concern-recorded --at "${day}T10:00" --by "$staff" --database "$db" \
  raised-by="Sam Sample" what='The child said "I am scared" \ at pick-up.' immediate-risk=no \
  child-given-names=Pip child-family-name=Exampleton > "$work/ref" 2> "$work/err" \
  || fail "record --new concern-recorded failed: $(cat "$work/err")"
ref=$(cat "$work/ref")
echo "$ref" | grep -Eq '^CT-[0-9]{4}-[0-9]{4}$' || fail "record --new printed “$ref”, not just a reference"
[ "$(wc -l < "$work/ref")" -eq 1 ] || fail "record --new printed more than the reference"

"$admin" steps --case "$ref" --json --database "$db" > "$work/case-steps.json" || fail "steps --case failed"
json "$work/case-steps.json" 'd["state"] == "concern-recorded" and "escalated" in [s["id"] for s in d["steps"]] and "correction" in [s["id"] for s in d["steps"]] and "note" not in [s["id"] for s in d["steps"]]' \
  || fail "steps --case does not offer escalated and correction (and not note): $(cat "$work/case-steps.json")"

show () { "$admin" show --case "$ref" --json --database "$db" > "$work/show.json" || fail "show --json failed"; }
show
json "$work/show.json" 'len(d["chronology"]) == 1' || fail "the concern left no chronology entry: $(cat "$work/show.json")"

# Escalated before the concern happened: refused, and nothing is written.
refused 1 "caretrail-admin record: " record --case "$ref" escalated --at "${day}T09:00" --by "$staff" --database "$db" \
  line-manager="Lee Line-Manager" safeguarding-lead="Dana Demo"
[ "$(wc -l < "$work/err")" -eq 1 ] || fail "the refusal is not one line: $(cat "$work/err")"
show
json "$work/show.json" 'd["state"]["id"] == "concern-recorded" and len(d["chronology"]) == 1' \
  || fail "a refused step changed the case: $(cat "$work/show.json")"

# An unknown answer names the questions the step has.
refused 2 "line-manager, safeguarding-lead" record --case "$ref" escalated --by "$staff" --database "$db" manager=Lee

# Escalated an hour after the concern: the decision clock (our default) runs
# to the end of that working day, and the chronology entry says when it
# happened and, since that was long ago, when it was recorded.
"$admin" record --case "$ref" escalated --at "${day}T11:00" --by "$staff" --database "$db" \
  line-manager="Lee Line-Manager" safeguarding-lead="Dana Demo" > /dev/null 2> "$work/err" \
  || fail "record escalated failed: $(cat "$work/err")"
show
json "$work/show.json" 'd["state"]["id"] == "escalated"' || fail "the case is not escalated: $(cat "$work/show.json")"
json "$work/show.json" '[(c["due"][:19], c["period"]) for c in d["clocks"] if c["id"] == "decision"] == [("'"$day"'T23:59:59", "our-default")]' \
  || fail "the decision is not due at the end of $day, our default: $(cat "$work/show.json")"
json "$work/show.json" '[e["at"][:19] for e in d["chronology"] if e["step"] == "escalated"] == ["'"$day"'T11:00:00"]' \
  || fail "the chronology does not say escalation happened at ${day}T11:00: $(cat "$work/show.json")"
"$python" -c 'import datetime, json, sys
d = json.load(open(sys.argv[1]))
e = [e for e in d["chronology"] if e["step"] == "escalated"][0]
at, rec = (datetime.datetime.fromisoformat(e[k]) for k in ("at", "recorded-at"))
sys.exit(0 if rec - at > datetime.timedelta(hours=1) and e["staff-id"] == sys.argv[2] and e["who"] == "Dana Demo" else 1)' \
  "$work/show.json" "$staff" || fail "the escalation entry lacks its recorded time or its author: $(cat "$work/show.json")"
"$admin" show --case "$ref" --database "$db" > "$work/show.txt" || fail "show failed"
grep -q "^  ${day}T11:00:00.*\[escalated\]" "$work/show.txt" || fail "show does not list the escalation: $(cat "$work/show.txt")"
grep -q "^      recorded " "$work/show.txt" || fail "show does not say when a late entry was recorded"
grep -q "decision .*our default" "$work/show.txt" || fail "show does not label the decision clock our default"

# A note: a telephone call, in the chronology by its time.
"$admin" note --case "$ref" --at "${day}T12:30" --by "$staff" --database "$db" phone-call \
  summary="Called the school; the child attended today." with-whom="Head teacher" > /dev/null 2> "$work/err" \
  || fail "note failed: $(cat "$work/err")"
show
json "$work/show.json" '[e["step"] for e in d["chronology"]] == ["concern-recorded", "escalated", "note"] and d["state"]["id"] == "escalated"' \
  || fail "the note is not the last chronology entry, or moved the case: $(cat "$work/show.json")"
refused 2 "phone-call" note --case "$ref" --by "$staff" --database "$db" fax summary=x

# Someone who is not on the staff cannot record.
refused 1 "No member of staff has the id" record --case "$ref" uncertain --by nobody --database "$db" reason="Unsure."
# A step cannot have happened in the future.
future=$("$python" -c 'import datetime; print((datetime.date.today() + datetime.timedelta(days=3)).isoformat())')
refused 1 "caretrail-admin record: " record --case "$ref" uncertain --at "${future}T10:00" --by "$staff" --database "$db" reason="Unsure."
show
json "$work/show.json" 'len(d["chronology"]) == 3 and d["state"]["id"] == "escalated"' \
  || fail "a refused step changed the case: $(cat "$work/show.json")"

echo "ok"
