#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs what is needed (as root), builds Caretrail and starts it on its
# default database in the user's data directory. Extra arguments go to meson
# setup. BUILD_DIR picks the build directory (default: _build).
set -eu
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-_build}

build-aux/deps.sh run

if [ -f "$build_dir/build.ninja" ]; then
  meson configure "$build_dir" "$@" >/dev/null
else
  meson setup "$build_dir" "$@"
fi
meson compile -C "$build_dir"

# Run from the build tree: the settings schema is compiled there.
GSETTINGS_SCHEMA_DIR="$PWD/$build_dir/data" exec "$build_dir/src/caretrail"
