#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# caretrail-admin letter writes every kind of document from the sample data,
# and refuses what it cannot do with a clear message and no file.
set -eu
: "${CARETRAIL_ADMIN:?}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail () { echo "$*" >&2; exit 1; }

for kind in referral-confirmation record-of-concern blank-record-of-concern chronology recovery-sheet; do
  "$CARETRAIL_ADMIN" letter --sample --kind "$kind" --output "$dir/$kind.pdf" \
    || fail "letter --sample --kind $kind failed"
  pages=$(pdfinfo "$dir/$kind.pdf" | sed -n 's/^Pages: *//p')
  [ "${pages:-0}" -ge 1 ] || fail "$kind.pdf has no pages"
  qpdf --check "$dir/$kind.pdf" >/dev/null || fail "$kind.pdf fails qpdf --check"
  pdftotext "$dir/$kind.pdf" - | grep -q "OFFICIAL-SENSITIVE" || fail "$kind.pdf has no marking"
done

# The default kind is the referral confirmation.
"$CARETRAIL_ADMIN" letter --sample -o "$dir/default.pdf"
pdfinfo "$dir/default.pdf" | grep -q "^Title: *Confirmation of a safeguarding referral$" \
  || fail "the default document is not the referral confirmation"

# The organisation's closing paragraph appears in the letter.
"$CARETRAIL_ADMIN" letter --sample --closing "Our own closing words." -o "$dir/closing.pdf"
pdftotext "$dir/closing.pdf" - | grep -q "Our own closing words." || fail "closing paragraph missing"

expect_refusal () {
  status=$1; shift
  set +e
  err=$("$CARETRAIL_ADMIN" letter "$@" 2>&1)
  got=$?
  set -e
  [ "$got" -eq "$status" ] || fail "letter $* exited $got, expected $status: $err"
  [ -n "$err" ] || fail "letter $* gave no message"
}

expect_refusal 2 --sample --kind no-such-kind -o "$dir/x.pdf"
expect_refusal 2 --sample
expect_refusal 2 --kind chronology -o "$dir/x.pdf"
expect_refusal 2 --sample --case ABC -o "$dir/x.pdf"
expect_refusal 1 --sample --logo "$dir/missing.png" -o "$dir/x.pdf"
[ ! -e "$dir/x.pdf" ] || fail "a refused command left a file behind"
expect_refusal 1 --sample -o "$dir/no/such/dir/x.pdf"
expect_refusal 2 --sample --stored -o "$dir/x.pdf"

# From a stored case: the document is kept, --stored gives back the same
# bytes, and producing it again makes a new version.
db="$dir/cases.db"
"$CARETRAIL_ADMIN" init --database "$db" >/dev/null
"$CARETRAIL_ADMIN" demo --database "$db" --cases 8 >/dev/null
out=$("$CARETRAIL_ADMIN" letter --case CT-DEMO-00001 --kind chronology --database "$db" -o "$dir/c1.pdf")
echo "$out" | grep -q "^Wrote version 1 of the chronology" || fail "unexpected output: $out"
sha=$(sha256sum "$dir/c1.pdf" | cut -d' ' -f1)
echo "$out" | grep -q "SHA-256: $sha" || fail "the printed SHA-256 is not that of the file written"
pdftotext "$dir/c1.pdf" - | grep -q "CT-DEMO-00001" || fail "the chronology does not name its case"
"$CARETRAIL_ADMIN" letter --case CT-DEMO-00001 --kind chronology --database "$db" --stored -o "$dir/c1-again.pdf" >/dev/null
cmp -s "$dir/c1.pdf" "$dir/c1-again.pdf" || fail "--stored did not give back the kept bytes"
out=$("$CARETRAIL_ADMIN" letter --case CT-DEMO-00001 --kind chronology --database "$db" -o "$dir/c2.pdf")
echo "$out" | grep -q "^Wrote version 2 of the chronology" || fail "producing again did not make version 2: $out"
"$CARETRAIL_ADMIN" letter --case CT-DEMO-00001 --kind record-of-concern --database "$db" -o "$dir/r.pdf" >/dev/null
qpdf --check "$dir/r.pdf" >/dev/null || fail "record of concern from a case fails qpdf --check"

# Marking the kept version as sent changes nothing in it.
out=$("$CARETRAIL_ADMIN" letter --case CT-DEMO-00001 --kind chronology --database "$db" \
        --mark-sent secure-email --sent-to "front door")
echo "$out" | grep -q "^Recorded version 2 of the chronology for case CT-DEMO-00001 as sent (secure-email)" \
  || fail "unexpected output from --mark-sent: $out"
"$CARETRAIL_ADMIN" letter --case CT-DEMO-00001 --kind chronology --database "$db" --stored -o "$dir/c2-sent.pdf" >/dev/null
cmp -s "$dir/c2.pdf" "$dir/c2-sent.pdf" || fail "marking as sent changed the kept bytes"
expect_refusal 2 --sample --mark-sent post
# Only a way of sending from the list: nothing typed reaches the audit log.
expect_refusal 2 --case CT-DEMO-00001 --kind chronology --database "$db" --mark-sent "Jo Bloggs, born 01/02/2015"
"$CARETRAIL_ADMIN" status --database "$db" >/dev/null
actions=$(sqlite3 "$db" "SELECT action FROM audit_log") || fail "the audit log could not be read"
[ -n "$actions" ] || fail "the audit log is empty"
if echo "$actions" | grep -q "Bloggs"; then
  fail "free text reached the plaintext audit log"
fi
if echo "$actions" | grep -q "secure-email"; then
  fail "how a document was sent reached the plaintext audit log"
fi

# Sending the written confirmation is a step of the procedure: it needs who
# sent it, goes through the same path as the app, and moves the case on.
expect_refusal 2 --case CT-DEMO-00006 --database "$db" --mark-sent secure-email --sent-to "Duty team"
staff=$("$CARETRAIL_ADMIN" staff --database "$db" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["staff"][0]["id"])')
# The sample case lacks details a local authority needs: its letter is a
# DRAFT on every page, says what is missing, and cannot be marked as sent
# until each gap is filled or explained.
out=$("$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --database "$db" -o "$dir/draft.pdf")
echo "$out" | grep -q "is a DRAFT until" || fail "a letter with gaps did not list them: $out"
pages=$(pdfinfo "$dir/draft.pdf" | sed -n 's/^Pages: *//p')
for page in $(seq 1 "$pages"); do
  pdftotext -f "$page" -l "$page" "$dir/draft.pdf" - | grep -q "DRAFT" \
    || fail "page $page of the draft letter is not marked DRAFT"
done
expect_refusal 1 --case CT-DEMO-00006 --database "$db" --mark-sent secure-email --sent-to "Duty team" --by "$staff"
keys=$("$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --database "$db" --missing \
         | sed -n 's/.*--explain \([^=]*\)=WHY).*/\1/p')
[ -n "$keys" ] || fail "--missing listed no gaps for the sample case"
for key in $keys; do
  "$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --database "$db" --explain "$key=Not known to us (sample)" >/dev/null \
    || fail "could not explain $key"
done
"$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --database "$db" --missing | grep -q "Nothing the local authority needs is missing" \
  || fail "explained gaps are still listed"
"$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --database "$db" -o "$dir/confirmation.pdf" >/dev/null
if pdftotext "$dir/confirmation.pdf" - | grep -q "DRAFT"; then
  fail "a letter with every gap explained is still a draft"
fi
pdftotext "$dir/confirmation.pdf" - | grep -q "Not known to us (sample)" \
  || fail "the explanations are not in the letter"
out=$("$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --database "$db" --mark-sent secure-email \
        --sent-to "Duty team" --by "$staff")
echo "$out" | grep -q "which is now: Awaiting the local authority’s decision" \
  || fail "marking the confirmation as sent did not record the step: $out"
"$CARETRAIL_ADMIN" show --case CT-DEMO-00006 --database "$db" --json \
  | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); assert c["state"]["id"]=="awaiting-decision", c["state"]; assert any(e["step"]=="confirmation-sent" and "by secure email" in e["what"] for e in c["chronology"]), c["chronology"]' \
  || fail "the chronology does not hold the written confirmation"
expect_refusal 2 --case CT-DEMO-00001 --sent-to "someone" --database "$db" -o "$dir/x.pdf"

expect_refusal 1 --case CT-NO-SUCH --kind chronology --database "$db" -o "$dir/x.pdf"
expect_refusal 1 --case CT-DEMO-00002 --kind record-of-concern --stored --database "$db" -o "$dir/x.pdf"
expect_refusal 2 --case CT-DEMO-00001 --kind recovery-sheet --database "$db" -o "$dir/x.pdf"
expect_refusal 2 --case CT-DEMO-00001 --stored --closing "x" --database "$db" -o "$dir/x.pdf"
[ ! -e "$dir/x.pdf" ] || fail "a refused command left a file behind"
echo "ok"
