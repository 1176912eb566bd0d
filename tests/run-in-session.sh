#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs one command the way Caretrail runs on a desktop, but sealed off from the
# machine it runs on: a throwaway home, a private D-Bus session bus with a real,
# unlocked GNOME Keyring (the Secret Service users have), and a virtual X
# display. Every test runs inside its own session, so no test can see another
# test's keys or files.
set -eu

if [ "${CARETRAIL_IN_SESSION:-}" = "1" ]; then
  exec "$@"
fi

for tool in dbus-run-session gnome-keyring-daemon xvfb-run; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-in-session: $tool is missing; install the packages listed in the README." >&2
    exit 77
  fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/caretrail-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$scratch/home" "$scratch/runtime" "$scratch/data" "$scratch/config" "$scratch/cache"
chmod 700 "$scratch/runtime"

export HOME="$scratch/home"
export XDG_RUNTIME_DIR="$scratch/runtime"
export XDG_DATA_HOME="$scratch/data"
export XDG_CONFIG_HOME="$scratch/config"
export XDG_CACHE_HOME="$scratch/cache"
export GSETTINGS_BACKEND="${GSETTINGS_BACKEND:-memory}"
export GSK_RENDERER="${GSK_RENDERER:-cairo}"
export GDK_BACKEND=x11
export NO_AT_BRIDGE="${NO_AT_BRIDGE:-0}"
export CARETRAIL_IN_SESSION=1
export CARETRAIL_TEST_KEYRING_PASSWORD="caretrail-test-keyring"
unset WAYLAND_DISPLAY DISPLAY DBUS_SESSION_BUS_ADDRESS

# The keyring password only protects the throwaway keyring in $HOME above.
exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
  dbus-run-session -- sh -c '
    printf %s "$CARETRAIL_TEST_KEYRING_PASSWORD" |
      gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || {
        echo "run-in-session: gnome-keyring-daemon failed to start" >&2; exit 1; }
    exec "$@"' sh "$@"
