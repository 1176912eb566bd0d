#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every command that takes a time refuses one outside 1900–2200, including
# times near the years 1 and 9999 that GLib cannot move by an offset or an
# hour: exit 2, a sentence naming the range, and no crash. The time is read
# before any database is opened, so none is needed.
set -u
: "${CARETRAIL_ADMIN:?}"
failures=0

work=$(mktemp -d "${TMPDIR:-/tmp}/admin-dates.XXXXXX")
trap 'rm -rf "$work"' EXIT
db="$work/none.db"

# refuse COMMAND-AND-ARGUMENTS… : run with each out-of-range time as --at.
refuse_times () {
  for at in 1899-12-31T23:59 1899-12-31T23:30-01:00 0001-01-01T00:00 0001-01-01T00:00+01:00 \
            2201-01-01T00:00 2200-12-31T23:30-05:00 9999-12-31T23:59 9999-12-31T23:59-05:00 \
            0000-01-01T00:00Z; do
    "$CARETRAIL_ADMIN" "$@" --at "$at" > "$work/out" 2>&1
    rc=$?
    if [ $rc -ne 2 ]; then
      echo "FAIL: $* --at $at: expected exit 2, got $rc: $(cat "$work/out")" >&2
      failures=$((failures + 1))
    elif ! grep -q "the date must be between 1900 and 2200" "$work/out"; then
      echo "FAIL: $* --at $at: no “the date must be between 1900 and 2200”: $(cat "$work/out")" >&2
      failures=$((failures + 1))
    fi
    [ -e "$db" ] && { echo "FAIL: $* --at $at created $db" >&2; failures=$((failures + 1)); rm -f "$db"; }
  done
}

refuse_times due concern-recorded
refuse_times due referral-made
refuse_times due la-decision
refuse_times due allegation-reported
refuse_times next --case CT-2026-0001 --database "$db"
refuse_times overdue --database "$db"
refuse_times record --new concern-recorded --by STAFF --database "$db" immediate-risk=no
refuse_times record --case CT-2026-0001 escalated --by STAFF --database "$db"
refuse_times note --case CT-2026-0001 --by STAFF --database "$db" phone-call

# The edges are accepted.
for at in 1900-01-01T00:00 2200-12-31T12:00; do
  "$CARETRAIL_ADMIN" due referral-made --at "$at" > "$work/out" 2>&1 \
    || { echo "FAIL: due referral-made --at $at refused: $(cat "$work/out")" >&2; failures=$((failures + 1)); }
done

# A date answer (here a date of birth) outside the years is refused too.
"$CARETRAIL_ADMIN" record --new concern-recorded --by STAFF --database "$db" immediate-risk=no \
  child-date-of-birth=1899-05-01 > "$work/out" 2>&1
rc=$?
if [ $rc -ne 2 ] || ! grep -q "the date must be between 1900 and 2200" "$work/out"; then
  echo "FAIL: a date of birth in 1899: expected exit 2 and the range, got $rc: $(cat "$work/out")" >&2
  failures=$((failures + 1))
fi

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "ok"
