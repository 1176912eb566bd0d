#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs test-format under en_US.UTF-8, whose short date form is month first.
# The locale is compiled into a private folder, so no system locale needs
# to be generated. Usage: format-en-us.sh path/to/test-format
set -eu

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

if ! localedef -i en_US -f UTF-8 "$dir/en_US.UTF-8" 2>"$dir/localedef.log"; then
  cat "$dir/localedef.log" >&2
  echo "localedef could not build en_US.UTF-8 (is Debian's locales package installed?)" >&2
  exit 77
fi

LOCPATH=$dir LC_ALL=en_US.UTF-8 CT_TEST_LOCALE=en_US.UTF-8 exec "$1" --tap
