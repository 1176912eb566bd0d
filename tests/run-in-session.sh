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

for tool in dbus-daemon gnome-keyring-daemon Xvfb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-in-session: $tool is missing; install the packages listed in the README." >&2
    exit 77
  fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/caretrail-test.XXXXXX")
xvfb_pid=""
dbus_pid=""
keyring_pid=""
cleanup () {
  # Ending the bus ends what it started on demand (the accessibility bus); the
  # keyring daemon, started here, is ended here.
  for pid in $keyring_pid $dbus_pid $xvfb_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
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
# (as "xvfb-run -a" can). -noreset: by default an X server resets whenever
# its last client leaves, and a connection arriving during a reset can be
# refused. Without it, the app started by the end-to-end test was refused
# ("cannot open display") in most runs under meson.
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp -noreset \
  3>"$scratch/display" 2>"$scratch/xvfb.log" &
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

# A private session bus. Services it starts on demand (the keyring, the
# accessibility bus) write to its log, not into the test's own output, which
# meson reads as TAP.
dbus-daemon --session --nofork --nopidfile --print-address=4 \
  4>"$scratch/bus" >"$scratch/dbus.log" 2>&1 &
dbus_pid=$!
tries=0
while [ ! -s "$scratch/bus" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 200 ] || ! kill -0 "$dbus_pid" 2>/dev/null; then
    echo "run-in-session: the D-Bus session bus did not start:" >&2
    cat "$scratch/dbus.log" >&2
    exit 1
  fi
  sleep 0.05
done
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$scratch/bus")
export DBUS_SESSION_BUS_ADDRESS

# The keyring password only protects the throwaway keyring in $HOME above.
# In the foreground, the daemon stays a child of this script, so it is
# stopped with the session instead of outliving it.
printf %s "$CARETRAIL_TEST_KEYRING_PASSWORD" |
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$scratch/keyring.log" 2>&1 &
keyring_pid=$!
tries=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
      grep -q "boolean true"; do
  tries=$((tries + 1))
  if [ "$tries" -gt 200 ] || ! kill -0 "$keyring_pid" 2>/dev/null; then
    echo "run-in-session: gnome-keyring-daemon did not start:" >&2
    cat "$scratch/keyring.log" >&2
    exit 1
  fi
  sleep 0.05
done

status=0
"$@" || status=$?
exit $status
