#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Times the encrypted store against plain SQLite, and opening a large
# database. Usage: bench/bench-store.sh [BUILD_DIR] [N_CASES] [ROUNDS]
# Both runs are repeated ROUNDS times (default 3), alternating which goes
# first, and the best of each is compared.
# It runs inside the same private keyring session as the tests.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-_build}
cases=${2:-10000}
rounds=${3:-3}
exec "$here/../tests/run-in-session.sh" "$build/bench/bench-store" "$cases" "$rounds"
