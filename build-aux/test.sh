#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs what is needed (as root), builds Caretrail and runs the whole test
# suite headless: each test runs in its own private D-Bus session with an
# unlocked GNOME Keyring and a virtual display. Extra arguments go to meson
# setup (for example -Dwerror=true). BUILD_DIR picks the build directory
# (default: _build).
set -eu
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-_build}

build-aux/deps.sh test

if [ -f "$build_dir/build.ninja" ]; then
  meson configure "$build_dir" "$@" >/dev/null
else
  meson setup "$build_dir" "$@"
fi
meson compile -C "$build_dir"
# MESON_TEST_ARGS adds arguments to meson test, e.g. "--no-suite e2e".
# shellcheck disable=SC2086
meson test -C "$build_dir" --print-errorlogs --num-processes "${TEST_JOBS:-2}" ${MESON_TEST_ARGS:-}
