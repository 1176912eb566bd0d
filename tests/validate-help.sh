#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the user guide as distributions and translators will meet it.
# Usage: validate-help.sh help/C
set -eu

dir=$1
status=0

yelp-check validate "$dir" || status=1

# yelp-check links and orphans print what is wrong (and may still exit 0).
out=$(yelp-check links "$dir" 2>&1) || status=1
if [ -n "$out" ]; then
  echo "$out"
  echo "validate-help: links to pages or sections that do not exist" >&2
  status=1
fi
out=$(yelp-check orphans "$dir" 2>&1) || status=1
if [ -n "$out" ]; then
  echo "$out"
  echo "validate-help: pages no guide links to" >&2
  status=1
fi

# Every page is installed.
for page in "$dir"/*.page; do
  name=$(basename "$page")
  if ! grep -q "'$name'" "$dir/../meson.build"; then
    echo "validate-help: $name is not listed in help/meson.build" >&2
    status=1
  fi
done

exit $status
