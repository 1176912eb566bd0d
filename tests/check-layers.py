#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the layers of src/ only point down.

    gui -> documents -> store -> core        cli -> documents -> store -> core

Two checks, TAP output:

1. Every #include in a layer's sources names a header of that layer or of
   a layer below it (or config.h), and none of the libraries the layer may
   not use: GTK only in src/gui; SQLite, libpq, libsodium and libsecret only
   in src/store; cairo, pango and poppler not in src/core or src/store.

2. The build really enforces it: a one-line file is compiled with the exact
   command the build uses for each layer's library (from
   compile_commands.json). Headers from the layers above and libraries the
   layer does not depend on must not be found; the layer's own headers and
   those below must be. sodium.h and sqlite3.h live in /usr/include, where
   every compiler finds them, so for those only check 1 can tell.

Usage: check-layers.py SOURCE_ROOT BUILD_ROOT
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

LAYERS = {
    # layer: folders whose headers it may include
    "core": ["core"],
    "store": ["store", "core"],
    "documents": ["documents", "store", "core"],
    "gui": ["gui", "documents", "store", "core"],
    "cli": ["cli", "documents", "store", "core"],
}

GTK = r"^(gtk|gdk|gsk)/|^adwaita\.h$|^graphene"
SQLITE = r"^sqlite3"
SODIUM = r"^sodium"
SECRET = r"^libsecret/"
LIBPQ = r"^libpq"
CAIRO = r"^cairo"
PANGO = r"^pango/"
POPPLER = r"^poppler"

FORBIDDEN = {
    "core": [GTK, SQLITE, SODIUM, SECRET, LIBPQ, CAIRO, PANGO, POPPLER],
    "store": [GTK, CAIRO, PANGO, POPPLER],
    "documents": [GTK, SQLITE, SODIUM, SECRET, LIBPQ],
    "gui": [SQLITE, SODIUM, SECRET, LIBPQ, POPPLER],
    "cli": [GTK, SQLITE, SODIUM, SECRET, LIBPQ, POPPLER],
}

# Compile probes: (layer, include line, should it compile?)
PROBES = [
    ("core", '#include "ct-record.h"', True),
    ("core", "#include <gio/gio.h>", True),
    ("core", "#include <gtk/gtk.h>", False),
    ("core", "#include <adwaita.h>", False),
    ("core", "#include <libsecret/secret.h>", False),
    ("core", "#include <cairo.h>", False),
    ("core", "#include <poppler.h>", False),
    ("core", '#include "ct-store.h"', False),
    ("core", '#include "ct-workflow.h"', False),
    ("core", '#include "ct-pdf-writer.h"', False),
    ("core", '#include "ct-window.h"', False),
    ("core", '#include "ct-admin-commands.h"', False),
    ("store", '#include "ct-store.h"', True),
    ("store", '#include "ct-record.h"', True),
    ("store", "#include <libsecret/secret.h>", True),
    ("store", "#include <libpq-fe.h>", True),
    ("gui", "#include <libpq-fe.h>", False),
    ("cli", "#include <libpq-fe.h>", False),
    ("store", "#include <gtk/gtk.h>", False),
    ("store", "#include <cairo.h>", False),
    ("store", '#include "ct-documents.h"', False),
    ("store", '#include "ct-window.h"', False),
    ("documents", '#include "ct-documents.h"', True),
    ("documents", '#include "ct-workflow.h"', True),
    ("documents", "#include <gtk/gtk.h>", False),
    ("documents", "#include <libsecret/secret.h>", False),
    ("documents", '#include "ct-window.h"', False),
    ("documents", '#include "ct-admin-commands.h"', False),
    ("gui", "#include <gtk/gtk.h>", True),
    ("gui", "#include <adwaita.h>", True),
    ("gui", '#include "ct-window.h"', True),
    ("gui", '#include "ct-documents.h"', True),
    ("gui", '#include "ct-workflow.h"', True),
    ("gui", "#include <libsecret/secret.h>", False),
    ("gui", "#include <poppler.h>", False),
    ("gui", '#include "ct-admin-commands.h"', False),
    ("cli", '#include "ct-admin-commands.h"', True),
    ("cli", '#include "ct-documents.h"', True),
    ("cli", "#include <gtk/gtk.h>", False),
    ("cli", "#include <adwaita.h>", False),
    ("cli", "#include <libsecret/secret.h>", False),
    ("cli", "#include <poppler.h>", False),
    ("cli", '#include "ct-window.h"', False),
]

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')

results = []


def report(ok, description, detail=None):
    results.append((ok, description, detail))


def layer_files(src, layer):
    folder = os.path.join(src, layer)
    return sorted(os.path.join(folder, name) for name in os.listdir(folder)
                  if name.endswith((".c", ".h")))


def check_includes(src):
    for layer, allowed in LAYERS.items():
        headers = set()
        for folder in allowed:
            headers.update(os.listdir(os.path.join(src, folder)))
        forbidden = [re.compile(pattern) for pattern in FORBIDDEN[layer]]
        problems = []
        for path in layer_files(src, layer):
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE_RE.match(line)
                    if m is None:
                        continue
                    kind, name = m.groups()
                    where = f"{os.path.relpath(path, src)}:{number}: {line.strip()}"
                    if kind == '"' and name != "config.h" and name not in headers:
                        problems.append(f"{where}: not a header of src/{layer} or below")
                    elif any(p.search(name) for p in forbidden):
                        problems.append(f"{where}: src/{layer} may not use this library")
        report(not problems, f"src/{layer} includes only what its layer may use",
               "\n".join(problems))


def library_commands(build):
    with open(os.path.join(build, "compile_commands.json"), encoding="utf-8") as f:
        entries = json.load(f)
    commands = {}
    for entry in entries:
        for layer in LAYERS:
            if f"libcaretrail-{layer}.a.p" in entry["output"] and layer not in commands:
                args = entry.get("arguments") or shlex.split(entry["command"])
                commands[layer] = (entry["directory"], args)
    return commands


def probe_command(args, probe):
    """The library's compile command, turned onto @probe, checking syntax only."""
    out = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-c", "-MQ", "-MF", "-MT"):
            skip = True
            continue
        if arg in ("-MD", "-MMD"):
            continue
        out.append(arg)
    return out + ["-fsyntax-only", probe]


def check_compiles(build):
    commands = library_commands(build)
    for layer in LAYERS:
        report(layer in commands, f"the build has a caretrail-{layer} library",
               f"no compile command for libcaretrail-{layer}.a in compile_commands.json")
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, "probe.c")
        for layer, line, should_compile in PROBES:
            if layer not in commands:
                continue
            directory, args = commands[layer]
            with open(probe, "w", encoding="utf-8") as f:
                f.write(f"{line}\n")
            run = subprocess.run(probe_command(args, probe), cwd=directory,
                                 capture_output=True, text=True)
            # A probe that should not compile must fail for the right
            # reason: its header is not on the layer's include path.
            compiled = run.returncode == 0
            not_found = "No such file or directory" in run.stderr
            ok = compiled if should_compile else (not compiled and not_found)
            verb = "compiles" if should_compile else "is not found"
            report(ok, f"in src/{layer}, '{line}' {verb}",
                   run.stderr.strip() or "it compiled")


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    src = os.path.join(sys.argv[1], "src")
    check_includes(src)
    check_compiles(sys.argv[2])

    print(f"1..{len(results)}")
    for number, (ok, description, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {number} - {description}")
        if not ok and detail:
            for line in detail.splitlines():
                print(f"# {line}")
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
