#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Times opening the encrypted store and loading the case list's items (the
# call the window makes) against plain SQLite reading the same rows, and
# `caretrail-admin letter` for one case in databases of different sizes.
#
# Usage: bench/bench-store.sh [BUILD_DIR] [CASES...]
#   CASES      sizes for open-and-list (default: 10000 100000)
#   LETTER_CASES (environment) sizes for the letter (default: 1000 100000);
#              each is a database made by `caretrail-admin demo`
#   ROUNDS (environment) rounds of open-and-list (default 5)
# It runs inside the same private keyring session as the tests.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-_build}
[ $# -gt 0 ] && shift
sizes=${*:-10000 100000}

if [ "${CARETRAIL_IN_SESSION:-}" != 1 ]; then
  exec "$here/../tests/run-in-session.sh" "$0" "$build" $sizes
fi

rounds=${ROUNDS:-5}
letter_sizes=${LETTER_CASES:-1000 100000}
admin=$build/src/caretrail-admin
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-store.XXXXXX")
trap 'rm -rf "$work"' EXIT

for n in $sizes; do
  "$build/bench/bench-store" "$n" "$rounds"
  echo
done

# One letter, produced from a case of a database made by demo: the whole
# process, as an administrator runs it. The goal is the same time at every
# size: finding the case must not read the others.
echo "caretrail-admin letter for one case (the whole process; best and median of 5):"
for n in $letter_sizes; do
  db=$work/letter-$n.db
  "$admin" init --database "$db" > /dev/null
  start=$(date +%s%N)
  "$admin" demo --database "$db" --cases "$n" > /dev/null
  made=$(( ($(date +%s%N) - start) / 1000000000 ))
  times=""
  for i in 1 2 3 4 5; do
    start=$(date +%s%N)
    "$admin" letter --database "$db" --case CT-DEMO-00007 --kind record-of-concern \
      --output "$work/letter.pdf" > /dev/null
    times="$times $(( ($(date +%s%N) - start) / 1000000 ))"
  done
  echo "$times" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk -v n="$n" -v made="$made" '
    { t[NR] = $1 }
    END { printf "  %7d cases: best %4.0f ms, median %4.0f ms (database made in %d s)\n", n, t[1], t[3], made }'
  rm -f "$db" "$db-wal" "$db-shm"
done
echo "  goal: the same at every size"
