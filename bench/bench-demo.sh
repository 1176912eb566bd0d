#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# How `caretrail-admin demo`, the benchmarks' database maker, grows with the
# number of cases: for each size a fresh database is made (init, then
# demo --cases N) and demo's wall time, CPU time (user + system) and CPU per
# case are printed, then the per-case CPU at the largest size against the
# smallest (goal: at most 1.2, linear) and the 100,000-case run against the
# goal of three minutes.
#
# Usage: bench/bench-demo.sh [--skip-100000] [BUILD_DIR] [CASES...]
#   CASES         sizes (default: 2000 20000 100000)
#   --skip-100000 leaves out the 100,000-case database (about 2 GB of disk)
#   BASELINE_ADMIN (environment) another caretrail-admin, such as one built
#                 from main, timed on the same sizes alternately in the same
#                 run, so its figures can be read against these
# It runs inside the same private keyring session as the tests.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

skip_large=0
if [ "${1:-}" = "--skip-100000" ]; then
  skip_large=1
  shift
fi
build=${1:-_build}
[ $# -gt 0 ] && shift
sizes=${*:-2000 20000 100000}

if [ "${CARETRAIL_IN_SESSION:-}" != 1 ]; then
  if [ "$skip_large" = 1 ]; then
    exec "$here/../tests/run-in-session.sh" "$0" --skip-100000 "$build" $sizes
  fi
  exec "$here/../tests/run-in-session.sh" "$0" "$build" $sizes
fi

if [ "$skip_large" = 1 ]; then
  sizes=$(for n in $sizes; do [ "$n" -ge 100000 ] || echo "$n"; done)
fi
[ -n "$sizes" ] || { echo "bench-demo: no sizes left to run" >&2; exit 2; }

admin=$(cd "$build" && pwd)/src/caretrail-admin
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Makes a database of N cases with ADMIN and appends
# "LABEL N WALL_S CPU_S FILE_MIB" to $work/results.
run_demo () {
  label=$1 bin=$2 n=$3
  db=$work/$label-$n.db
  "$bin" init --database "$db" > /dev/null
  start=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$work/time" "$bin" demo --database "$db" --cases "$n" \
    > /dev/null 2> "$work/err" || {
    echo "bench-demo: demo --cases $n failed: $(cat "$work/err")" >&2
    exit 1
  }
  end=$(date +%s%N)
  size=$(stat -c %s "$db")
  read -r user sys < "$work/time"
  echo "$label $n $(( (end - start) / 1000000 )) $user $sys $size" |
    awk '{ printf "%s %d %.2f %.2f %.1f\n", $1, $2, $3 / 1000, $4 + $5, $6 / 1048576 }' >> "$work/results"
  rm -f "$db" "$db-wal" "$db-shm"
}

: > "$work/results"
for n in $sizes; do
  run_demo this "$admin" "$n"
  if [ -n "${BASELINE_ADMIN:-}" ]; then
    run_demo baseline "$BASELINE_ADMIN" "$n"
  fi
done

report () {
  label=$1 title=$2
  grep "^$label " "$work/results" | awk -v title="$title" '
    BEGIN {
      printf "%s\n", title
      printf "  %8s %9s %9s %13s %9s\n", "cases", "wall s", "CPU s", "CPU ms/case", "file MiB"
    }
    {
      n[NR] = $2; per[NR] = 1000 * $4 / $2
      printf "  %8d %9.1f %9.1f %13.3f %9.0f\n", $2, $3, $4, per[NR], $5
      if ($2 == 100000) { wall100k = $3; cpu100k = $4 }
    }
    END {
      if (NR > 1)
        printf "  CPU a case at %d against %d: %.2fx (goal: at most 1.2)\n", n[NR], n[1], per[NR] / per[1]
      if (wall100k != "")
        printf "  100,000 cases: %.0f s wall, %.0f s CPU (goal: under 180 s)\n", wall100k, cpu100k
    }'
}

report this "caretrail-admin demo ($admin):"
if [ -n "${BASELINE_ADMIN:-}" ]; then
  echo
  report baseline "baseline ($BASELINE_ADMIN), alternated in the same run:"
fi
