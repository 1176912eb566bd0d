#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a test program against a throwaway PostgreSQL cluster (see
# pg-cluster.sh), telling it where the cluster is and how to restart it
# (the command restarts it, or with "stop" or "start" stops or starts it):
#   CARETRAIL_TEST_PG_SOCKET, CARETRAIL_TEST_PG_USER, CARETRAIL_TEST_PG_RESTART,
#   CARETRAIL_TEST_PG_BINDIR (where createdb and psql are)
set -eu
here=$(dirname "$0")
. "$here/pg-cluster.sh"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/caretrail-pg.XXXXXX")
trap 'pg_cluster_stop; rm -rf "$scratch"' EXIT
trap 'exit 143' INT TERM
pg_cluster_start "$scratch"

cat > "$scratch/restart" <<END
#!/bin/sh
set -e
. "$(cd "$here" && pwd)/pg-cluster.sh"
pg_bin='$pg_bin'; pg_owner='$pg_owner'; pg_data='$pg_data'; pg_log='$pg_log'; PG_SOCKET='$PG_SOCKET'
case "\${1:-restart}" in
  stop) pg_as_owner "\$pg_bin/pg_ctl" -D "\$pg_data" -m fast -w stop >/dev/null ;;
  start) pg_cluster_up ;;
  *) pg_cluster_restart ;;
esac
END
chmod 755 "$scratch/restart"

export CARETRAIL_TEST_PG_SOCKET="$PG_SOCKET"
export CARETRAIL_TEST_PG_USER="$PG_SUPERUSER"
export CARETRAIL_TEST_PG_RESTART="$scratch/restart"
export CARETRAIL_TEST_PG_BINDIR="$pg_bin"
"$@"
