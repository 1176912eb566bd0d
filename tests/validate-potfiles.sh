#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every source file with a translatable string must be listed in
# po/POTFILES.in, and every listed file must exist.
set -eu
cd "$1"
status=0
listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d')
for f in $listed; do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in lists $f, which does not exist" >&2
    status=1
  fi
done
for f in $(grep -rlE '(^|[^A-Za-z_])(_|N_|C_|NC_|ngettext)\(' src ui --include='*.c' --include='*.blp' | sort); do
  if ! printf '%s\n' "$listed" | grep -qx "$f"; then
    echo "$f has translatable strings but is not in po/POTFILES.in" >&2
    status=1
  fi
done
exit $status
