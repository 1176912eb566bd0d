#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Time and peak memory of `caretrail-admin verify` as the database grows.
# For each N, makes a fresh database of N demo cases (init + demo --cases N),
# then prints verify's wall time and maximum resident set size, beside the
# maximum RSS of `caretrail-admin status` on the same file: what opening the
# store costs, so the difference is what verify itself holds.
#
#   tests/run-in-session.sh sh bench/bench-verify.sh BUILD_DIR N...
#
# It needs the private keyring session: the keys go into its keyring, and the
# databases into a scratch folder removed at the end. demo takes about 1.2 s
# per 1,000 cases.
set -eu

if [ "${CARETRAIL_IN_SESSION:-}" != 1 ]; then
  echo "bench-verify: run it inside tests/run-in-session.sh" >&2
  exit 77
fi

build=${1:-_build}
shift || true
[ $# -gt 0 ] || set -- 5000 20000 50000
admin=$(cd "$build" && pwd)/src/caretrail-admin
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-verify.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Runs a command, which must succeed, and leaves "SECONDS KIB" in $work/time.
measure () {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2> "$work/err" || {
    echo "bench-verify: $* failed: $(cat "$work/err")" >&2
    exit 1
  }
}

printf '%8s %9s %10s %11s %12s %12s\n' cases "file MiB" "demo s" "verify s" "verify MiB" "status MiB"
for n in "$@"; do
  db=$work/$n/caretrail.db
  "$admin" init --database "$db" > /dev/null
  start=$(date +%s.%N)
  "$admin" demo --database "$db" --cases "$n" > /dev/null
  made=$(echo "$(date +%s.%N) - $start" | bc)
  size=$(stat -c %s "$db")
  measure "$admin" verify --database "$db"
  read -r verify_s verify_kib < "$work/time"
  grep -q "is intact" "$work/out" || { echo "bench-verify: verify did not pass: $(cat "$work/out")" >&2; exit 1; }
  measure "$admin" status --database "$db"
  read -r status_s status_kib < "$work/time"
  printf '%8d %9.1f %10.1f %11.2f %12.1f %12.1f\n' "$n" "$(echo "$size / 1048576" | bc -l)" "$made" \
    "$verify_s" "$(echo "$verify_kib / 1024" | bc -l)" "$(echo "$status_kib / 1024" | bc -l)"
  rm -rf "$work/$n"
done
