#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A throwaway PostgreSQL cluster for tests, on a Unix socket in a temporary
# folder, listening on no network port.
#   . tests/pg-cluster.sh; pg_cluster_start DIR; ...; pg_cluster_stop
# Sets PG_SOCKET (the socket folder) and PG_SUPERUSER. The server refuses
# to run as root, so when the tests run as root the cluster runs as the
# "postgres" user (or "nobody"). Exits 77 (skip) only when the PostgreSQL
# server programs are not installed.

pg_cluster_find_bin () {
  for dir in "${PG_BINDIR:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      echo "$dir"
      return 0
    fi
  done
  dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
    return 0
  fi
  return 1
}

# Runs a command as the cluster's owner.
pg_as_owner () {
  if [ -n "${pg_owner:-}" ]; then
    runuser -u "$pg_owner" -- "$@"
  else
    "$@"
  fi
}

pg_cluster_start () {
  pg_scratch=$1
  if ! pg_bin=$(pg_cluster_find_bin); then
    echo "PostgreSQL server programs (initdb, pg_ctl, postgres) are not installed: install postgresql-15 to run this test." >&2
    exit 77
  fi
  pg_owner=""
  if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then pg_owner=postgres; else pg_owner=nobody; fi
  fi
  PG_SOCKET=$pg_scratch/socket
  pg_data=$pg_scratch/data
  pg_log=$pg_scratch/log
  mkdir -p "$PG_SOCKET" "$pg_data" "$pg_log"
  chmod 755 "$pg_scratch"
  if [ -n "$pg_owner" ]; then
    chown "$pg_owner" "$PG_SOCKET" "$pg_data" "$pg_log"
  fi
  PG_SUPERUSER=caretrail_admin
  pg_as_owner "$pg_bin/initdb" -D "$pg_data" -U "$PG_SUPERUSER" --auth-local=trust \
    --auth-host=reject -E UTF8 --no-locale >"$pg_scratch/initdb.log" 2>&1 ||
    { cat "$pg_scratch/initdb.log" >&2; return 1; }
  # A role that must give a password, to test the keyring's password.
  { echo "local all caretrail_pw scram-sha-256"; cat "$pg_data/pg_hba.conf"; } > "$pg_scratch/hba"
  pg_as_owner cp "$pg_scratch/hba" "$pg_data/pg_hba.conf"
  pg_cluster_restart_only=""
  pg_cluster_up
}

pg_cluster_up () {
  pg_as_owner "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_log/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $PG_SOCKET -c fsync=off" start >/dev/null ||
    { cat "$pg_log/server.log" >&2; return 1; }
}

pg_cluster_restart () {
  pg_as_owner "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null
  pg_cluster_up
}

pg_cluster_stop () {
  if [ -n "${pg_data:-}" ] && [ -f "$pg_data/postmaster.pid" ]; then
    pg_as_owner "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}

# psql as the superuser (or as the user given with -U first).
pg_psql () {
  "$pg_bin/psql" -X -q -h "$PG_SOCKET" -U "$PG_SUPERUSER" -v ON_ERROR_STOP=1 "$@"
}
