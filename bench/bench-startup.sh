#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Start-up at 10,000 and 100,000 cases: from exec to caretrail's window on
# screen with its case list drawn, against GNOME Text Editor started the
# same way, alternated in the same session; and each program's peak
# resident memory.
#
#   tests/run-in-session.sh bench/bench-startup.sh [BUILD_DIR] [RUNS] [CASES...]
#
# RUNS defaults to 5, CASES to 10000 100000. Runs inside the test session
# (throwaway home, real keyring, Xvfb). Each database is made with
# `caretrail-admin demo`, unless CARETRAIL_BENCH_DATABASES names a folder
# holding N/caretrail.db and N/recovery-code for each N (fictional demo
# databases made earlier, whose key is put back with `caretrail-admin
# recover`).
#
# Both programs are timed from outside the same way: the X server is polled
# every millisecond for a viewable top-level window with the program's
# _NET_WM_PID. For caretrail, its startup probe (CARETRAIL_STARTUP_PROBE)
# also says, on the same monotonic clock, when the first frame showing the
# loaded cases was drawn. Peak resident memory is the kernel's maximum
# resident set size of the process (wait4's ru_maxrss).
set -eu

if ! command -v gnome-text-editor >/dev/null 2>&1; then
  echo "bench-startup: gnome-text-editor is missing; install it with" >&2
  echo "  sudo apt-get install gnome-text-editor" >&2
  exit 77
fi

build=${1:-_build}
runs=${2:-5}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
build=$(cd "$build" && pwd)
export GSETTINGS_SCHEMA_DIR="$build/data"

exec /usr/bin/python3 - "$build" "$runs" "$@" <<'PY'
import ctypes, ctypes.util, os, shutil, statistics, subprocess, sys, time

build, runs = sys.argv[1], int(sys.argv[2])
sizes = [int(n) for n in sys.argv[3:]] or [10000, 100000]
admin = os.path.join(build, "src", "caretrail-admin")
app = os.path.join(build, "src", "caretrail")
database = os.path.join(os.environ.get("XDG_DATA_HOME", os.path.expanduser("~/.local/share")),
                        "caretrail", "caretrail.db")
POLL_S = 0.001
TIMEOUT_S = 180

# A little of Xlib, enough to find a program's viewable top-level window.
x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
x11.XOpenDisplay.restype = ctypes.c_void_p
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XDefaultRootWindow.restype = ctypes.c_ulong
x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
x11.XInternAtom.restype = ctypes.c_ulong
x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x11.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                           ctypes.POINTER(ctypes.c_ulong),
                           ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                           ctypes.POINTER(ctypes.c_uint)]
x11.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long,
                                   ctypes.c_long, ctypes.c_int, ctypes.c_ulong,
                                   ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
                                   ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
                                   ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte))]
x11.XFree.argtypes = [ctypes.c_void_p]
x11.XSetErrorHandler.argtypes = [ctypes.c_void_p]


class XWindowAttributes(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
                ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
                ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong), ("c_class", ctypes.c_int),
                ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
                ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
                ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
                ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
                ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
                ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
                ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p)]


x11.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                     ctypes.POINTER(XWindowAttributes)]
# Windows come and go while the tree is read; ignore errors about them.
ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(lambda d, e: 0)
x11.XSetErrorHandler(ERROR_HANDLER)
display = x11.XOpenDisplay(None)
if not display:
    sys.exit("bench-startup: cannot open the X display")
root = x11.XDefaultRootWindow(display)
NET_WM_PID = x11.XInternAtom(display, b"_NET_WM_PID", 0)
IS_VIEWABLE = 2


def window_pid(window):
    actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
    n_items, after = ctypes.c_ulong(), ctypes.c_ulong()
    data = ctypes.POINTER(ctypes.c_ubyte)()
    if x11.XGetWindowProperty(display, window, NET_WM_PID, 0, 1, 0, 0, ctypes.byref(actual_type),
                              ctypes.byref(actual_format), ctypes.byref(n_items),
                              ctypes.byref(after), ctypes.byref(data)) != 0 or not data:
        return None
    pid = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))[0] if n_items.value else None
    x11.XFree(data)
    return pid


def has_viewable_window(pid):
    root_ret, parent = ctypes.c_ulong(), ctypes.c_ulong()
    children, n = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
    if not x11.XQueryTree(display, root, ctypes.byref(root_ret), ctypes.byref(parent),
                          ctypes.byref(children), ctypes.byref(n)):
        return False
    found = False
    try:
        for i in range(n.value):
            window = children[i]
            attributes = XWindowAttributes()
            if (x11.XGetWindowAttributes(display, window, ctypes.byref(attributes))
                    and attributes.map_state == IS_VIEWABLE and window_pid(window) == pid):
                found = True
                break
    finally:
        if children:
            x11.XFree(children)
    return found


def run(argv, env, quits):
    """Starts argv; returns ms to a viewable window, peak RSS in MiB and
    what it printed. A program that quits by itself (caretrail's probe) is
    waited for; the other is ended once its window is seen."""
    t0_us = time.monotonic_ns() // 1000
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    mapped_ms = None
    while mapped_ms is None:
        if has_viewable_window(proc.pid):
            mapped_ms = (time.monotonic_ns() // 1000 - t0_us) / 1000
        elif proc.poll() is not None:
            break
        elif time.monotonic_ns() // 1000 - t0_us > TIMEOUT_S * 1e6:
            proc.kill()
            sys.exit("%s showed no window in %d s" % (argv[0], TIMEOUT_S))
        else:
            time.sleep(POLL_S)
    if not quits:
        time.sleep(0.3)
        proc.terminate()
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = status
    return t0_us, mapped_ms, usage.ru_maxrss / 1024, out


def make_database(n):
    if os.path.exists(database):
        os.remove(database)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(database + suffix):
            os.remove(database + suffix)
    os.makedirs(os.path.dirname(database), exist_ok=True)
    made = os.environ.get("CARETRAIL_BENCH_DATABASES")
    start = time.monotonic()
    if made:
        folder = os.path.join(made, str(n))
        try:
            os.link(os.path.join(folder, "caretrail.db"), database)
        except OSError:
            shutil.copyfile(os.path.join(folder, "caretrail.db"), database)
        with open(os.path.join(folder, "recovery-code")) as code:
            subprocess.run([admin, "recover"], stdin=code, check=True, stdout=subprocess.DEVNULL)
        print("\n%d cases: database from %s" % (n, folder))
    else:
        subprocess.run([admin, "init"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([admin, "demo", "--cases", str(n)], check=True, stdout=subprocess.DEVNULL)
        print("\n%d cases: database made by caretrail-admin demo in %.0f s"
              % (n, time.monotonic() - start))
    sys.stdout.flush()


editor = ["gnome-text-editor", "--standalone", "--ignore-session"]
m = statistics.median
print("bench-startup: %d runs per size, each program alternately first; polling every %.0f ms"
      % (runs, POLL_S * 1000))
for n in sizes:
    make_database(n)
    results = {"window": [], "listed": [], "loaded": [], "rss": [], "editor": [], "editor_rss": []}
    # One start first, not counted, so that both programs start from a warm
    # page cache.
    for warm in (True,) + (False,) * runs:
        order = ("caretrail", "editor") if len(results["window"]) % 2 == 0 else ("editor", "caretrail")
        for which in order:
            if which == "editor":
                _, mapped, rss, _ = run(editor, dict(os.environ), False)
                if not warm:
                    results["editor"].append(mapped)
                    results["editor_rss"].append(rss)
                continue
            env = dict(os.environ, CARETRAIL_STARTUP_PROBE="quit")
            t0, mapped, rss, out = run([app], env, True)
            marks = {}
            for line in out.splitlines():
                if line.startswith("caretrail-startup: "):
                    _, what, at = line.split()
                    marks[what] = (int(at) - t0) / 1000
            if "cases-shown" not in marks or mapped is None:
                sys.exit("caretrail did not show its cases:\n" + out[-2000:])
            if not warm:
                results["window"].append(mapped)
                results["listed"].append(max(mapped, marks["cases-shown"]))
                results["loaded"].append(marks.get("cases-loaded", float("nan")))
                results["rss"].append(rss)
    listed, editor_ms = m(results["listed"]), m(results["editor"])
    print("  %-44s %8s  %s" % ("", "median", "goal"))
    print("  %-44s %6.0f ms" % ("caretrail: window viewable", m(results["window"])))
    print("  %-44s %6.0f ms" % ("caretrail: cases read from the store", m(results["loaded"])))
    print("  %-44s %6.0f ms  no slower than the editor" % ("caretrail: window viewable, list drawn",
                                                           listed))
    print("  %-44s %6.0f ms" % ("gnome-text-editor: window viewable", editor_ms))
    print("  %-44s %6.2f     <= 1.00" % ("ratio (caretrail list drawn / editor)", listed / editor_ms))
    goal_rss = 150 if n <= 10000 else 300
    print("  %-44s %6.0f MiB < %d MiB" % ("caretrail: peak resident memory", max(results["rss"]),
                                          goal_rss))
    print("  %-44s %6.0f MiB" % ("gnome-text-editor: peak resident memory",
                                 max(results["editor_rss"])))
    print("  all runs, ms: window %s; list drawn %s; editor %s"
          % ([round(x) for x in results["window"]], [round(x) for x in results["listed"]],
             [round(x) for x in results["editor"]]))
    sys.stdout.flush()
PY
