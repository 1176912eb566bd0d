#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Time from starting caretrail to its window showing the case list of a
# 10,000-case database, against starting gnome-text-editor the same way in
# the same session. Prints both and the ratio.
#
#   tests/run-in-session.sh bench/bench-startup.sh BUILD_DIR [RUNS]
#
# Runs inside the test session (throwaway home, real keyring, Xvfb), so the
# database is made fresh with caretrail-admin demo. The times are from
# starting the process, on the monotonic clock caretrail's startup probe
# (CARETRAIL_STARTUP_PROBE) prints: its window's first frame, the cases
# read from the encrypted store, and the first frame showing them.
set -eu

build=${1:-_build}
runs=${2:-5}
build=$(cd "$build" && pwd)
export GSETTINGS_SCHEMA_DIR="$build/data"

exec /usr/bin/python3 - "$build" "$runs" <<'PY'
import os, statistics, subprocess, sys, time

build, runs = sys.argv[1], int(sys.argv[2])
admin = os.path.join(build, "src", "caretrail-admin")
app = os.path.join(build, "src", "caretrail")

def mapped_window(name_part):
    out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if name_part in line and "has no name" not in line:
            wid = line.split()[0]
            info = subprocess.run(["xwininfo", "-id", wid], capture_output=True, text=True).stdout
            if "IsViewable" in info:
                return True
    return False

start = time.monotonic()
subprocess.run([admin, "init"], check=True, stdout=subprocess.DEVNULL)
subprocess.run([admin, "demo", "--cases", "10000"], check=True, stdout=subprocess.DEVNULL)
print("made a 10,000-case database in %.1f s" % (time.monotonic() - start))

window_ms, cases_ms, loaded_ms, editor_ms, polled_ms = [], [], [], [], []

def time_until_mapped(argv, names):
    """Starts argv and polls the X server until a window named with one of
    @names is viewable: the way both programs can be timed from outside."""
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not any(mapped_window(name) for name in names):
        if time.monotonic() - t0 > 60:
            sys.exit("%s did not show a window" % argv[0])
        time.sleep(0.005)
    elapsed = (time.monotonic() - t0) * 1000
    proc.terminate()
    proc.wait()
    return elapsed

for run in range(runs):
    env = dict(os.environ, CARETRAIL_STARTUP_PROBE="quit")
    t0 = time.monotonic_ns() // 1000
    p = subprocess.run([app], env=env, capture_output=True, text=True, timeout=120)
    marks = {}
    for line in p.stdout.splitlines():
        if line.startswith("caretrail-startup: "):
            _, what, at = line.split()
            marks[what] = int(at)
    if "cases-shown" not in marks:
        sys.exit("caretrail did not show its cases: " + p.stderr[-2000:])
    window_ms.append((marks["window-shown"] - t0) / 1000)
    cases_ms.append((marks["cases-shown"] - t0) / 1000)
    loaded_ms.append((marks["cases-loaded"] - t0) / 1000)

    # The same program timed as the text editor is, from outside; its list
    # is in its first frame, so the window being viewable is the list shown.
    polled_ms.append(time_until_mapped([app], ["Caretrail"]))
    editor_ms.append(time_until_mapped(["gnome-text-editor", "--standalone", "--ignore-session"],
                                       ["Text Editor", "New Document"]))

m = statistics.median
print("runs: %d (medians)" % runs)
print("caretrail: window on screen      %7.0f ms" % m(window_ms))
print("caretrail: 10,000 cases read     %7.0f ms" % m(loaded_ms))
print("caretrail: 10,000 cases listed   %7.0f ms" % m(cases_ms))
print("caretrail: window seen by xwininfo %5.0f ms" % m(polled_ms))
print("gnome-text-editor: window seen by xwininfo %5.0f ms" % m(editor_ms))
print("ratio (caretrail list / text editor window): %.2f" % (m(cases_ms) / m(editor_ms)))
print("ratio (both timed from outside):             %.2f" % (m(polled_ms) / m(editor_ms)))
print("all runs, ms: window %s; listed %s; from outside %s; text editor %s"
      % ([round(x) for x in window_ms], [round(x) for x in cases_ms],
         [round(x) for x in polled_ms], [round(x) for x in editor_ms]))
PY
