#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs every libFuzzer target of tests/fuzz for SECONDS each, starting from
# a temporary copy of its seed corpus (tests/fuzz/corpus/NAME for
# fuzz-NAME), so the repository is not changed. Prints one line per target,
# "fuzz-NAME: passed …" or "fuzz-NAME: FAILED …", and exits non-zero if
# any target crashed, found a failed property or could not run. The input
# that made a target fail is kept in BUILD_DIR/fuzz-artifacts/.
#
#   tests/fuzz/run-fuzzers.sh _build-fuzz 30
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build_dir=$(realpath "$1")
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)

# Leaks in the parsers count as failures; undefined behaviour stops a run.
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# A fixed seed (FUZZ_SEED to change it) makes a run repeatable: what one
# run finds, the next finds again, and a clean run stays clean.
seed=${FUZZ_SEED:-1}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

for corpus in "$here"/corpus/*/; do
  name=fuzz-$(basename "$corpus")
  target=$build_dir/tests/fuzz/$name
  log=$work/$name.log

  if [ ! -x "$target" ]; then
    echo "$name: FAILED, not built ($target)"
    status=1
    continue
  fi

  mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
  cp "$corpus"/* "$work/$name/corpus/" 2>/dev/null
  seeds=$(find "$work/$name/corpus" -type f | wc -l)

  "$target" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/$name/artifacts/" "$work/$name/corpus" >"$log" 2>&1
  rc=$?

  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
  inputs=$(find "$work/$name/corpus" -type f | wc -l)

  if [ $rc -eq 0 ] && [ -n "$runs" ]; then
    echo "$name: passed, $runs, $cov, corpus $seeds -> $inputs inputs"
  else
    status=1
    mkdir -p "$build_dir/fuzz-artifacts"
    cp "$work/$name/artifacts/"* "$build_dir/fuzz-artifacts/" 2>/dev/null
    echo "$name: FAILED (exit $rc), inputs kept in $build_dir/fuzz-artifacts/"
    # What it found, for the CI log.
    grep -m 1 -E 'ERROR: |runtime error|property failed|CRITICAL|WARNING|deadly signal' "$log" | sed 's/^/  /'
    tail -n 40 "$log" | sed 's/^/  | /' >&2
  fi
done

exit $status
