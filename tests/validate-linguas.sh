#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# po/LINGUAS lists exactly the translations that exist: every language it
# names has its .po file, and every .po file is named in it.
set -eu
po=$1/po
status=0
listed=$(sed 's/#.*//' "$po/LINGUAS" | tr -s ' \t' '\n\n' | sed '/^$/d' | sort)
for lang in $listed; do
  if [ ! -f "$po/$lang.po" ]; then
    echo "po/LINGUAS names $lang, but there is no po/$lang.po" >&2
    status=1
  fi
done
for file in "$po"/*.po; do
  [ -e "$file" ] || continue
  lang=$(basename "$file" .po)
  if ! printf '%s\n' "$listed" | grep -qx "$lang"; then
    echo "po/$lang.po exists, but po/LINGUAS does not name $lang" >&2
    status=1
  fi
done
exit $status
