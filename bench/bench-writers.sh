#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Four writers at once against one PostgreSQL server (a throwaway cluster on
# a Unix socket), four processes with two members' keyrings (the DSO's and
# the deputy's), each recording STEPS steps on one shared case; and, in the
# same run, one writer recording 4 × STEPS steps alone as the baseline.
# Prints the throughput of each, the lost updates (steps written against
# entries stored and a tally every step raises, which must be zero) and
# whether verify finds the server intact.
# Usage: tests/run-in-session.sh sh bench/bench-writers.sh [BUILD_DIR] [STEPS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-_build}
steps=${2:-1000}
admin=$build/src/caretrail-admin
writer=$build/bench/bench-writers
. "$here/../tests/pg-cluster.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-writers.XXXXXX")
chmod 711 "$work"
trap 'pg_cluster_stop; rm -rf "$work"' EXIT
pg_cluster_start "$work/pg"
sock=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PG_SOCKET")
fail () { echo "bench-writers: $*" >&2; exit 1; }

# The deputy's own computer: another home and another keyring. Writer 4 is
# the deputy on a second computer, with a copy of that keyring (two
# processes writing one keyring file would race to keep the high-water mark).
mkdir -p "$work/deputy"
as_deputy_on () {
  home=$1; shift
  HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
  SECRET_BACKEND=file SECRET_FILE_TEST_PATH="$home/keyring" SECRET_FILE_TEST_PASSWORD=deputy-keyring "$@"
}
as_deputy () { as_deputy_on "$work/deputy" "$@"; }

# An office on database $1: the DSO's server-init, the deputy approved.
set_up () {
  pg_psql -d postgres -c "CREATE DATABASE $1" > /dev/null
  address="postgresql://$sock/$1?user=$PG_SUPERUSER"
  "$admin" server-init "$address" --organisation "Fernhill Primary School" --dso "Dana Fieldhouse" > /dev/null \
    || fail "server-init failed"
  as_deputy "$admin" member-request "$address" --name "Dev Deputy" > "$work/request" || fail "member-request failed"
  "$admin" member-approve "$address" "$(sed -n 's/^Request: //p' "$work/request")" \
    --fingerprint "$(sed -n 's/^Fingerprint: //p' "$work/request")" > /dev/null || fail "member-approve failed"
  ids=$("$writer" setup "$address") || fail "setup failed"
}

now () { date +%s.%N; }
report () { # label start end steps
  awk -v l="$1" -v a="$2" -v b="$3" -v n="$4" 'BEGIN { printf "%s: %d steps in %.2f s, %.1f steps/s\n", l, n, b - a, n / (b - a) }'
}
check () { # label address expected
  # shellcheck disable=SC2086
  "$writer" check "$2" $ids "$3" > "$work/check" || { cat "$work/check"; fail "$1: updates were lost"; }
  echo "$1: $(cat "$work/check")"
  "$admin" verify --database "$2" > "$work/verify" 2>&1 || { cat "$work/verify"; fail "$1: verify failed"; }
  echo "$1: verify: $(sed -n 's/^Checked: //p' "$work/verify")"
}

total=$((steps * 4))

# Baseline: one writer alone, 4 × STEPS steps.
set_up baseline
base_address=$address
start=$(now)
# shellcheck disable=SC2086
"$writer" write "$base_address" $ids 1 "$total" > "$work/w-base" || fail "the baseline writer failed"
end=$(now)
report "one writer" "$start" "$end" "$total"
check "one writer" "$base_address" "$total"

# Four writers at once: 1 and 3 with the DSO's keyring, 2 and 4 with the deputy's.
set_up together
rm -rf "$work/deputy-2"
cp -r "$work/deputy" "$work/deputy-2"
start=$(now)
pids=""
for w in 1 2 3 4; do
  if [ $((w % 2)) -eq 1 ]; then
    # shellcheck disable=SC2086
    "$writer" write "$address" $ids "$w" "$steps" > "$work/w-$w" 2>&1 &
  else
    home=$work/deputy; [ "$w" -eq 2 ] || home=$work/deputy-2
    # shellcheck disable=SC2086
    as_deputy_on "$home" "$writer" write "$address" $ids "$w" "$steps" > "$work/w-$w" 2>&1 &
  fi
  pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "a writer failed: $(cat "$work"/w-*)"; done
end=$(now)
cat "$work"/w-[1-4]
report "four writers at once" "$start" "$end" "$total"
check "four writers at once" "$address" "$total"
