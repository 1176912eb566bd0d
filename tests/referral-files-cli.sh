#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# File names, the referral pack and confirming a referral without
# Caretrail's letter, through caretrail-admin.
set -eu
: "${CARETRAIL_ADMIN:?}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail () { echo "$*" >&2; exit 1; }
today=$(TZ=Europe/London date +%Y-%m-%d)
db="$dir/cases.db"
"$CARETRAIL_ADMIN" init --database "$db" >/dev/null
"$CARETRAIL_ADMIN" demo --database "$db" --cases 16 >/dev/null
staff=$("$CARETRAIL_ADMIN" staff --database "$db" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["staff"][0]["id"])')

# Without --output, a case's document is named by its reference, its kind
# and the date, in the current folder; letters for two cases never share a
# name. A folder given as --output gets the same name inside it.
mkdir "$dir/here" "$dir/there"
(cd "$dir/here" && "$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --database "$db" >/dev/null) \
  || fail "letter without --output failed"
(cd "$dir/here" && "$CARETRAIL_ADMIN" letter --case CT-DEMO-00016 --database "$db" >/dev/null) \
  || fail "letter without --output failed for a second case"
[ -f "$dir/here/CT-DEMO-00006 Referral confirmation $today.pdf" ] || fail "no default name: $(ls "$dir/here")"
[ -f "$dir/here/CT-DEMO-00016 Referral confirmation $today.pdf" ] || fail "second case overwrote the first: $(ls "$dir/here")"
"$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --kind chronology --database "$db" -o "$dir/there" >/dev/null
[ -f "$dir/there/CT-DEMO-00006 Chronology $today.pdf" ] || fail "a folder as --output: $(ls "$dir/there")"

# The referral pack: the letter, then the chronology, in one PDF; the
# pages are numbered through and every page carries the marking.
"$CARETRAIL_ADMIN" letter --help | grep -q -- "--pack" || fail "letter --help does not offer --pack"
"$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --kind chronology --database "$db" -o "$dir/chronology.pdf" >/dev/null
"$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --database "$db" -o "$dir/letter.pdf" >/dev/null
out=$("$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --pack --database "$db" -o "$dir")
echo "$out" | grep -q "^Wrote version 1 of the referral-pack for case CT-DEMO-00006" || fail "unexpected output: $out"
pack="$dir/CT-DEMO-00006 Referral pack $today.pdf"
[ -f "$pack" ] || fail "the pack was not written under its default name"
qpdf --check "$pack" >/dev/null || fail "the pack fails qpdf --check"
n_letter=$(pdfinfo "$dir/letter.pdf" | sed -n 's/^Pages: *//p')
n_chron=$(pdfinfo "$dir/chronology.pdf" | sed -n 's/^Pages: *//p')
n=$(pdfinfo "$pack" | sed -n 's/^Pages: *//p')
[ "$n" -eq $((n_letter + n_chron)) ] || fail "the pack has $n pages, not $n_letter + $n_chron"
[ "$n" -ge 2 ] || fail "the pack has fewer than two pages"
p=1
while [ "$p" -le "$n" ]; do
  text=$(pdftotext -f "$p" -l "$p" "$pack" -)
  echo "$text" | grep -qx "Page $p of $n" || fail "page $p does not say “Page $p of $n”"
  # The demo case lacks details the referral needs, so its letter is a
  # draft, and the pack is a draft on every page: the letter's and the
  # chronology's alike.
  [ "$(echo "$text" | grep -cx "DRAFT — NOT TO BE SENT — OFFICIAL-SENSITIVE")" -eq 2 ] \
    || fail "page $p lacks the draft marking top and bottom"
  if [ "$p" -le "$n_letter" ]; then
    echo "$text" | grep -q "Case chronology" && fail "page $p (the letter's) holds the chronology"
  fi
  p=$((p + 1))
done
pdftotext -f 1 -l 1 "$pack" - | grep -q "Confirmation of a safeguarding referral" || fail "the pack does not open with the letter"
pdftotext -f $((n_letter + 1)) -l $((n_letter + 1)) "$pack" - | grep -q "Case chronology" \
  || fail "the chronology does not start after the letter"
sha=$(sha256sum "$pack" | cut -d' ' -f1)
echo "$out" | grep -q "SHA-256: $sha" || fail "the pack written is not the one kept"
"$CARETRAIL_ADMIN" letter --case CT-DEMO-00006 --pack --stored --database "$db" -o "$dir/pack-again.pdf" >/dev/null
cmp -s "$pack" "$dir/pack-again.pdf" || fail "--stored did not give back the kept pack"
"$CARETRAIL_ADMIN" status --database "$db" >/dev/null
sqlite3 "$db" "SELECT action FROM audit_log" | grep -qx "document-kept:referral-pack" \
  || fail "keeping the pack is not in the audit log"
set +e
"$CARETRAIL_ADMIN" letter --sample --pack -o "$dir/x.pdf" 2>/dev/null; st=$?
set -e
[ "$st" -eq 2 ] && [ ! -e "$dir/x.pdf" ] || fail "a pack of sample data was not refused"

# Confirming a referral without Caretrail's letter: the method is required
# and must be one of the list, a copy is kept with the case, and the
# chronology says how it was confirmed.
printf '%%PDF-1.4\n%% their own form, filled in\n' > "$dir/their-form.pdf"
set +e
err=$("$CARETRAIL_ADMIN" record --case CT-DEMO-00016 --by "$staff" --database "$db" confirmation-sent \
        to-whom="Front door" --copy "$dir/their-form.pdf" 2>&1); st=$?
set -e
[ "$st" -eq 1 ] || fail "confirmation without a method was not refused ($st): $err"
echo "$err" | grep -q "Say how the referral was confirmed" || fail "unclear refusal: $err"
set +e
err=$("$CARETRAIL_ADMIN" record --case CT-DEMO-00016 --by "$staff" --database "$db" confirmation-sent \
        method=pigeon to-whom="Front door" 2>&1); st=$?
set -e
[ "$st" -eq 2 ] || fail "an unknown method was not refused ($st): $err"
printf 'not a pdf' > "$dir/notes.txt"
set +e
err=$("$CARETRAIL_ADMIN" record --case CT-DEMO-00016 --by "$staff" --database "$db" confirmation-sent \
        method=their-form to-whom="Front door" --copy "$dir/notes.txt" 2>&1); st=$?
set -e
[ "$st" -eq 1 ] || fail "a copy that is not a PDF or image was not refused ($st): $err"
"$CARETRAIL_ADMIN" show --case CT-DEMO-00016 --database "$db" --json \
  | /usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin); assert c["state"]["id"]=="confirmation-due", c["state"]' \
  || fail "a refused confirmation changed the case"
set +e
"$CARETRAIL_ADMIN" letter --case CT-DEMO-00016 --kind confirmation-copy --stored --database "$db" -o "$dir/none.pdf" 2>/dev/null; st=$?
set -e
[ "$st" -eq 1 ] && [ ! -e "$dir/none.pdf" ] || fail "a refused confirmation kept its copy ($st)"

out=$("$CARETRAIL_ADMIN" record --case CT-DEMO-00016 --by "$staff" --database "$db" --at "$(TZ=Europe/London date +%Y-%m-%dT%H:%M)" \
        confirmation-sent method=their-form to-whom="Front door" how="uploaded as their MARF" \
        --copy "$dir/their-form.pdf")
echo "$out" | grep -q "which is now: Awaiting the local authority’s decision" || fail "unexpected: $out"
"$CARETRAIL_ADMIN" show --case CT-DEMO-00016 --database "$db" --json \
  | /usr/bin/python3 -c '
import json,sys
c=json.load(sys.stdin)
assert c["state"]["id"]=="awaiting-decision", c["state"]
e=[e for e in c["chronology"] if e["step"]=="confirmation-sent"]
assert len(e)==1, e
w=e[0]["what"]
assert "on the local authority’s own form" in w and "uploaded as their MARF" in w and "their-form.pdf" in w, w
' || fail "the chronology does not say how the referral was confirmed"
out=$("$CARETRAIL_ADMIN" letter --case CT-DEMO-00016 --kind confirmation-copy --stored --database "$db" -o "$dir")
copy="$dir/CT-DEMO-00016 Referral confirmation copy $today.pdf"
cmp -s "$copy" "$dir/their-form.pdf" || fail "the kept copy does not read back as it was given: $out"
# The copy is kept encrypted: its words are not in the database file.
if grep -q "their own form, filled in" "$db"; then
  fail "the kept copy is in the database in plaintext"
fi
echo "ok"
