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

for tool in dbus-run-session gnome-keyring-daemon Xvfb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-in-session: $tool is missing; install the packages listed in the README." >&2
    exit 77
  fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/caretrail-test.XXXXXX")
xvfb_pid=""
cleanup () {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 143' INT TERM
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

# A virtual display. Xvfb picks a free display number itself and writes it
# to -displayfd, so tests running side by side never race for the same one
# (as "xvfb-run -a" can).
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$scratch/display" 2>"$scratch/xvfb.log" &
xvfb_pid=$!
tries=0
while [ ! -s "$scratch/display" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 200 ] || ! kill -0 "$xvfb_pid" 2>/dev/null; then
    echo "run-in-session: Xvfb did not start:" >&2
    cat "$scratch/xvfb.log" >&2
    exit 1
  fi
  sleep 0.05
done
DISPLAY=":$(head -n 1 "$scratch/display")"
export DISPLAY

# The keyring password only protects the throwaway keyring in $HOME above.
status=0
dbus-run-session -- sh -c '
    printf %s "$CARETRAIL_TEST_KEYRING_PASSWORD" |
      gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || {
        echo "run-in-session: gnome-keyring-daemon failed to start" >&2; exit 1; }
    exec "$@"' sh "$@" || status=$?
exit $status
