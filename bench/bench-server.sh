#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Opens and lists N cases from a PostgreSQL server (a throwaway cluster on a
# Unix socket) against the same database in a SQLite file, in the same run;
# and times migrate, verify and backup on the server.
# Usage: tests/run-in-session.sh sh bench/bench-server.sh [BUILD_DIR] [N_CASES] [ROUNDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-_build}
cases=${2:-10000}
rounds=${3:-3}
admin=$build/src/caretrail-admin
. "$here/../tests/pg-cluster.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-server.XXXXXX")
chmod 711 "$work"
trap 'pg_cluster_stop; rm -rf "$work"' EXIT
pg_cluster_start "$work/pg"
pg_psql -d postgres -c "CREATE DATABASE bench" > /dev/null
sock=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PG_SOCKET")
server="postgresql://$sock/bench?user=$PG_SUPERUSER"
file=$work/caretrail.db

seconds () {
  start=$(date +%s.%N)
  "$@" > /dev/null
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'
}

"$admin" init --database "$file" > /dev/null
echo "demo, $cases cases, into the file: $(seconds "$admin" demo --database "$file" --cases "$cases") s"
echo "migrate to the server (copy and verify): $(seconds "$admin" migrate --from "$file" --to "$server") s"

best_file=""; best_server=""
i=0
while [ "$i" -lt "$rounds" ]; do
  # Alternate which goes first.
  if [ $((i % 2)) -eq 0 ]; then
    f=$(seconds "$admin" cases --database "$file"); s=$(seconds "$admin" cases --database "$server")
  else
    s=$(seconds "$admin" cases --database "$server"); f=$(seconds "$admin" cases --database "$file")
  fi
  if [ -z "$best_file" ] || awk -v a="$f" -v b="$best_file" 'BEGIN { exit !(a < b) }'; then best_file=$f; fi
  if [ -z "$best_server" ] || awk -v a="$s" -v b="$best_server" 'BEGIN { exit !(a < b) }'; then best_server=$s; fi
  i=$((i + 1))
done
echo "open and list $cases cases, best of $rounds: file $best_file s, server $best_server s, ratio $(awk -v a="$best_server" -v b="$best_file" 'BEGIN { printf "%.2f", a / b }') (goal <= 2)"
echo "verify: file $(seconds "$admin" verify --database "$file") s, server $(seconds "$admin" verify --database "$server") s"
echo "backup of the server to a file: $(seconds "$admin" backup --database "$server" "$work/backup.db") s"
