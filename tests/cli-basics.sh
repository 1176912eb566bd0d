#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The two programs answer --help and --version, and refuse what they do not know.
set -eu
: "${CARETRAIL:?}" "${CARETRAIL_ADMIN:?}"
expected_version=$(sed -n "s/^  version: '\(.*\)',$/\1/p" "$CARETRAIL_SOURCE_ROOT/meson.build")

out=$("$CARETRAIL" --version)
[ "$out" = "Caretrail $expected_version" ] || { echo "caretrail --version printed: $out" >&2; exit 1; }

out=$("$CARETRAIL_ADMIN" --version)
[ "$out" = "caretrail-admin $expected_version" ] || { echo "caretrail-admin --version printed: $out" >&2; exit 1; }

"$CARETRAIL_ADMIN" --help | grep -q "Usage: caretrail-admin COMMAND" || { echo "caretrail-admin --help has no usage line" >&2; exit 1; }

if "$CARETRAIL_ADMIN" no-such-command 2>/dev/null; then
  echo "caretrail-admin accepted an unknown command" >&2; exit 1
fi
err=$("$CARETRAIL_ADMIN" no-such-command 2>&1 || true)
echo "$err" | grep -q "is not a command" || { echo "unclear error: $err" >&2; exit 1; }

if "$CARETRAIL_ADMIN" 2>/dev/null; then
  echo "caretrail-admin with no command exited 0" >&2; exit 1
fi
echo "ok"
