#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Times producing letters, each figure beside its goal:
#   1. Warm: each kind of document rendered in a process that has already
#      made one, a different document each time (median and 90th percentile).
#   2. First letter: the referral letter rendered by a fresh process, fonts
#      and all, over several fresh processes.
#   3. Whole process: `caretrail-admin letter --case` (open the database,
#      find the case, render, keep the document, write the file) against
#      LibreOffice's whole `soffice --headless --convert-to pdf` on the same
#      letter written as a word-processor document
#      (bench/fixtures/referral-letter.fodt), at each database size.
# With BASELINE_BUILD, a build of another commit (for instance main, with
# this benchmark copied in) is measured in the same run, alternating with
# this one, and every figure gets its ratio against it.
#
# Usage: bench/bench-letters.sh [BUILD_DIR] [N_CASES ...]
#   default sizes: 1000 10000 (100000 takes as long as `demo --cases 100000`)
#   WARM=50 FIRST_RUNS=15 PROCESS_RUNS=7 BASELINE_BUILD=DIR
# Needs poppler-utils, and for part 3 LibreOffice:
#   apt-get install --no-install-recommends libreoffice-writer-nogui
# It runs inside the same private keyring session as the tests.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ "${CARETRAIL_IN_SESSION:-}" != "1" ]; then
  exec "$here/../tests/run-in-session.sh" sh "$here/bench-letters.sh" "$@"
fi

build=${1:-$here/../_build}
[ $# -gt 0 ] && shift
sizes=${*:-1000 10000}
warm=${WARM:-50}
first_runs=${FIRST_RUNS:-15}
process_runs=${PROCESS_RUNS:-7}
base=${BASELINE_BUILD:-}

bench="$build/bench/bench-letters"
admin="$build/src/caretrail-admin"
for f in "$bench" "$admin"; do
  [ -x "$f" ] || { echo "$f not found; build first (meson compile -C BUILD_DIR)" >&2; exit 1; }
done
if [ -n "$base" ]; then
  for f in "$base/bench/bench-letters" "$base/src/caretrail-admin"; do
    [ -x "$f" ] || { echo "baseline: $f not found" >&2; exit 1; }
  done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now_ns () { date +%s%N; }

# Median and 90th percentile (nearest rank) of the numbers in a file.
stats () {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    m = int(NR * 0.5 + 0.999999); p = int(NR * 0.9 + 0.999999);
    printf "%.1f %.1f", v[m], v[p] }'
}

# ratio A B: how many times B is A, to one decimal place.
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

verdict () { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g ? "met" : "NOT met") }'; }

echo "== 1. Warm render, $warm documents of each kind, each different (ms)"
"$bench" warm "$warm" > "$work/warm.txt"
[ -z "$base" ] || "$base/bench/bench-letters" warm "$warm" > "$work/warm-base.txt"
"$bench" warm "$warm" > "$work/warm2.txt"
[ -z "$base" ] || "$base/bench/bench-letters" warm "$warm" > "$work/warm-base2.txt"
printf '%-44s %8s %8s %8s  %s\n' "document" "median" "p90" "cpu" "goal"
# The better of the two alternated runs of each build, by median.
best_warm () {
  for f in "$@"; do sed -n "s/^warm \(.*[^ ]\) *median *\([0-9.]*\) ms  p90 *\([0-9.]*\) ms  cpu *\([0-9.]*\) ms.*/\1|\2|\3|\4/p" "$f"; done \
    | awk -F'|' '{ if (!($1 in m) || $2 < m[$1]) { m[$1] = $2; p[$1] = $3; c[$1] = $4 } if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
      END { for (i = 1; i <= n; i++) printf "%s|%s|%s|%s\n", order[i], m[order[i]], p[order[i]], c[order[i]] }'
}
best_warm "$work/warm.txt" "$work/warm2.txt" > "$work/warm-best.txt"
[ -z "$base" ] || best_warm "$work/warm-base.txt" "$work/warm-base2.txt" > "$work/warm-base-best.txt"
while IFS='|' read -r name median p90 cpu; do
  goal=""
  case "$name" in
    referral-confirmation) goal="median <= 12 ms: $(verdict "$median" 12)" ;;
  esac
  printf '%-44s %8s %8s %8s  %s\n' "$name" "$median" "$p90" "$cpu" "$goal"
  if [ -n "$base" ]; then
    b=$(awk -F'|' -v n="$name" '$1 == n { print $2 "|" $3 "|" $4 }' "$work/warm-base-best.txt")
    bm=${b%%|*}; rest=${b#*|}; bp=${rest%%|*}; bc=${rest#*|}
    printf '%-44s %8s %8s %8s  %sx the baseline median\n' "  baseline" "$bm" "$bp" "$bc" "$(ratio "$median" "$bm")"
  fi
done < "$work/warm-best.txt"

echo
echo "== 2. First letter of a fresh process (referral letter, fonts and all), $first_runs processes (ms)"
: > "$work/first.txt"; : > "$work/first-base.txt"
i=0
while [ "$i" -lt "$first_runs" ]; do
  "$bench" first referral-confirmation | awk '{ print $3 }' >> "$work/first.txt"
  [ -z "$base" ] || "$base/bench/bench-letters" first referral-confirmation | awk '{ print $3 }' >> "$work/first-base.txt"
  i=$((i + 1))
done
set -- $(stats "$work/first.txt")
first_median=$1
printf 'this build:  median %s ms, p90 %s ms   goal: median <= 60 ms: %s\n' "$1" "$2" "$(verdict "$1" 60)"
if [ -n "$base" ]; then
  set -- $(stats "$work/first-base.txt")
  printf 'baseline:    median %s ms, p90 %s ms   this build is %sx the baseline\n' "$1" "$2" "$(ratio "$first_median" "$1")"
fi

echo
echo "== 3. Whole process: caretrail-admin letter --case against LibreOffice (ms)"
lo=""
if command -v soffice >/dev/null 2>&1; then
  lo=soffice
  profile="file://$work/lo-profile"
  # The first run makes LibreOffice's profile; it is not timed.
  soffice -env:UserInstallation="$profile" --headless --convert-to pdf \
    --outdir "$work/lo" "$here/fixtures/referral-letter.fodt" >/dev/null 2>&1
  [ -s "$work/lo/referral-letter.pdf" ] || { echo "LibreOffice did not produce a PDF" >&2; exit 1; }
else
  echo "soffice not found, so LibreOffice is left out. To include it:"
  echo "  sudo apt-get install --no-install-recommends libreoffice-writer-nogui"
fi

first_size=""
for n in $sizes; do
  db="$work/cases-$n.db"
  "$admin" init --database "$db" >/dev/null
  start=$(now_ns)
  "$admin" demo --database "$db" --cases "$n" >/dev/null
  demo_s=$(awk -v s="$start" -v e="$(now_ns)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }')

  # The first demo case with a referral to confirm.
  ref=""
  i=1
  while [ "$i" -le 200 ] && [ "$i" -le "$n" ]; do
    r=$(printf 'CT-DEMO-%05d' "$i")
    if "$admin" letter --case "$r" --database "$db" -o "$work/ours.pdf" >/dev/null 2>&1; then
      ref=$r; break
    fi
    i=$((i + 1))
  done
  [ -n "$ref" ] || { echo "no demo case among the first 200 has a referral" >&2; exit 1; }

  : > "$work/ours-$n.txt"; : > "$work/base-$n.txt"; : > "$work/lo-$n.txt"
  i=0
  while [ "$i" -lt "$process_runs" ]; do
    start=$(now_ns)
    "$admin" letter --case "$ref" --database "$db" -o "$work/ours.pdf" >/dev/null
    echo "$(( ($(now_ns) - start) / 1000 ))" | awk '{ print $1 / 1000 }' >> "$work/ours-$n.txt"
    if [ -n "$base" ]; then
      start=$(now_ns)
      "$base/src/caretrail-admin" letter --case "$ref" --database "$db" -o "$work/base.pdf" >/dev/null
      echo "$(( ($(now_ns) - start) / 1000 ))" | awk '{ print $1 / 1000 }' >> "$work/base-$n.txt"
    fi
    if [ -n "$lo" ]; then
      start=$(now_ns)
      soffice -env:UserInstallation="$profile" --headless --convert-to pdf \
        --outdir "$work/lo" "$here/fixtures/referral-letter.fodt" >/dev/null 2>&1
      echo "$(( ($(now_ns) - start) / 1000 ))" | awk '{ print $1 / 1000 }' >> "$work/lo-$n.txt"
    fi
    i=$((i + 1))
  done

  echo "-- $n cases (demo took $demo_s s; case $ref, $process_runs runs each, alternated)"
  set -- $(stats "$work/ours-$n.txt")
  ours=$1
  [ -n "$first_size" ] || { first_size=$n; first_ours=$ours; }
  printf '%-34s median %8s  p90 %8s   goal: the same as at %s cases: %sx\n' \
    "caretrail-admin letter" "$1" "$2" "$first_size" "$(ratio "$ours" "$first_ours")"
  if [ -n "$base" ]; then
    set -- $(stats "$work/base-$n.txt")
    printf '%-34s median %8s  p90 %8s   this build is %sx the baseline\n' \
      "baseline caretrail-admin letter" "$1" "$2" "$(ratio "$ours" "$1")"
  fi
  if [ -n "$lo" ]; then
    set -- $(stats "$work/lo-$n.txt")
    printf '%-34s median %8s  p90 %8s   LibreOffice takes %sx as long\n' \
      "soffice --convert-to pdf" "$1" "$2" "$(ratio "$1" "$ours")"
  fi
done
echo
echo "Pages: caretrail-admin $(pdfinfo "$work/ours.pdf" | sed -n 's/^Pages: *//p')${lo:+, LibreOffice $(pdfinfo "$work/lo/referral-letter.pdf" | sed -n 's/^Pages: *//p')}"
