#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# caretrail-admin due: the due instant of each clock, in UK time, and clear
# refusals of anything it cannot read.
set -u
: "${CARETRAIL_ADMIN:?}"
failures=0

errors=$(mktemp "${TMPDIR:-/tmp}/admin-due.XXXXXX")
trap 'rm -f "$errors"' EXIT

# expect "EXPECTED OUTPUT" ARGS…: standard output is exactly the due time,
# and nothing is said on standard error.
expect () {
  want=$1; shift
  got=$("$CARETRAIL_ADMIN" due "$@" 2>"$errors")
  rc=$?
  if [ $rc -ne 0 ] || [ "$got" != "$want" ] || [ -s "$errors" ]; then
    echo "FAIL: due $*: expected $want, got (exit $rc) $got; stderr: $(cat "$errors")" >&2
    failures=$((failures + 1))
  fi
}

# expect_warning "EXPECTED OUTPUT" "TEXT THE WARNING MUST CONTAIN" ARGS…: the
# due time on standard output, and a warning on standard error.
expect_warning () {
  want=$1; warning=$2; shift 2
  got=$("$CARETRAIL_ADMIN" due "$@" 2>"$errors")
  rc=$?
  if [ $rc -ne 0 ] || [ "$got" != "$want" ]; then
    echo "FAIL: due $*: expected $want, got (exit $rc) $got" >&2
    failures=$((failures + 1))
  fi
  grep -q "warning: .*$warning.*not a working day" "$errors" || {
    echo "FAIL: due $*: no warning that $warning is not a working day: $(cat "$errors")" >&2
    failures=$((failures + 1))
  }
}

# refuse "TEXT THE ERROR MUST CONTAIN" ARGS…
refuse () {
  want=$1; shift
  got=$("$CARETRAIL_ADMIN" due "$@" 2>&1)
  rc=$?
  if [ $rc -ne 2 ]; then
    echo "FAIL: due $*: expected exit 2, got $rc ($got)" >&2
    failures=$((failures + 1))
  fi
  case $got in
    *"$want"*) ;;
    *) echo "FAIL: due $*: error lacks “$want”: $got" >&2; failures=$((failures + 1)) ;;
  esac
}

# Escalation: a minute before and after the 16:00 cut-off, and a custom one.
expect 2026-11-23T23:59:59+00:00 concern-recorded --at 2026-11-23T15:59
expect 2026-11-24T23:59:59+00:00 concern-recorded --at 2026-11-23T16:01
expect 2026-11-23T23:59:59+00:00 concern-recorded --at 2026-11-23T16:01 --cutoff 17:30
# After the cut-off it is the following calendar day (seed 000), even a
# Saturday or Christmas Day, with a warning to escalate now or out of hours.
expect 2026-11-27T23:59:59+00:00 concern-recorded --at 2026-11-27T15:59
expect_warning 2026-11-28T23:59:59+00:00 "Saturday 28 November 2026" concern-recorded --at 2026-11-27T16:01
expect_warning 2026-11-28T23:59:59+00:00 "Saturday 28 November 2026" concern-recorded --at 2026-11-27T17:00
expect_warning 2026-11-28T23:59:59+00:00 "Saturday" concern-recorded --at 2026-11-27T16:01 --nation scotland
expect_warning 2026-12-25T23:59:59+00:00 "Friday 25 December 2026" concern-recorded --at 2026-12-24T17:00
expect_warning 2026-04-03T23:59:59+01:00 "Good Friday\|Friday 3 April 2026" concern-recorded --at 2026-04-02T17:00
# The cut-off is UK wall-clock time, also in summer time.
expect 2026-03-30T23:59:59+01:00 concern-recorded --at 2026-03-30T14:59:00Z
expect 2026-03-31T23:59:59+01:00 concern-recorded --at 2026-03-30T15:00:00Z
# Written confirmation: hours run on through weekends and clock changes;
# working days skip weekends and bank holidays.
expect 2026-11-29T10:00:00+00:00 referral-made --at 2026-11-27T10:00
expect 2026-11-28T10:00:00+00:00 referral-made --at 2026-11-27T10:00 --period 24h
expect 2026-12-01T23:59:59+00:00 referral-made --at 2026-11-27T10:00 --period 2wd
expect 2026-03-29T11:00:00+01:00 referral-made --at "2026-03-27 10:00" --period 48h
expect 2026-10-25T09:00:00+00:00 referral-made --at 2026-10-23T10:00 --period 48h
expect 2026-04-08T23:59:59+01:00 referral-made --at 2026-04-02T11:00 --period 2wd
# The local authority: decision in 1 working day, chase at 3.
expect 2026-11-30T23:59:59+00:00 la-decision --at 2026-11-27T10:00
expect 2026-12-02T23:59:59+00:00 la-chase --at 2026-11-27T10:00
expect 2026-12-03T23:59:59+00:00 la-chase --at 2026-11-27T10:00 --nation scotland
expect 2027-01-05T23:59:59+00:00 la-decision --at 2026-12-31T10:00 --nation scotland
# The LADO within 1 working day, over Easter in each nation.
expect 2026-04-07T23:59:59+01:00 allegation-reported --at 2026-04-02T17:00
expect 2026-04-06T23:59:59+01:00 allegation-reported --at 2026-04-02T17:00 --nation scotland
expect 2026-04-07T23:59:59+01:00 allegation-reported --at 2026-04-02T17:00 --nation northern-ireland
expect 2024-03-19T23:59:59+00:00 allegation-reported --at 2024-03-15T12:00 --nation northern-ireland

refuse "is not an event with a clock" escalation --at 2026-11-23T10:00
refuse "Give exactly one event" --at 2026-11-23T10:00
refuse "Give exactly one event" concern-recorded referral-made --at 2026-11-23T10:00
refuse "Say when the event happened with --at" concern-recorded
refuse "is not a time" concern-recorded --at 23/11/2026
refuse "did not happen in the UK" concern-recorded --at 2026-03-29T01:30
refuse "happened twice in the UK" concern-recorded --at 2026-10-25T01:30
refuse "is not a nation" concern-recorded --at 2026-11-23T10:00 --nation wales
refuse "is not a cut-off time" concern-recorded --at 2026-11-23T10:00 --cutoff 4pm
refuse "is not a period" referral-made --at 2026-11-23T10:00 --period 2days
refuse "is not a period" referral-made --at 2026-11-23T10:00 --period 0h
refuse "applies only to referral-made" la-decision --at 2026-11-23T10:00 --period 24h
refuse "applies only to concern-recorded" la-chase --at 2026-11-23T10:00 --cutoff 12:00

# A time outside 1900–2200 is refused as a mistake in the command, not a
# crash, whether its deadline would fall past the year 9999 or it needs an
# offset GLib cannot apply (all the --at cases are in admin-dates.sh).
refuse "the date must be between 1900 and 2200" concern-recorded --at 9999-12-31T23:59
refuse "the date must be between 1900 and 2200" concern-recorded --at 0001-01-01T00:00+01:00
refuse "the date must be between 1900 and 2200" referral-made --at 1899-12-31T12:00

"$CARETRAIL_ADMIN" due --help | grep -q "following" || { echo "FAIL: due --help does not explain the following day" >&2; failures=$((failures + 1)); }
"$CARETRAIL_ADMIN" due --help | grep -q "concern-recorded" || { echo "FAIL: due --help does not list the events" >&2; failures=$((failures + 1)); }

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "ok"
