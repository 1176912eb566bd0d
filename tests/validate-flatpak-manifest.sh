#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks the Flatpak manifest: it parses, flatpak-builder accepts it (when
# installed), the sandbox has no network, and every download is pinned.
set -eu
manifest=$1

/usr/bin/python3 - "$manifest" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    m = json.load(f)
errors = []
if m.get("id") != "org.caretrail.Caretrail":
    errors.append("the application id is not org.caretrail.Caretrail")
if m.get("command") != "caretrail":
    errors.append("the command is not caretrail")
allowed = {"--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"}
args = set(m.get("finish-args", []))
if args != allowed:
    errors.append("finish-args must be exactly %s, not %s" % (sorted(allowed), sorted(args)))
if any("network" in a for a in args):
    errors.append("the sandbox must not have network access")
names = [mod["name"] for mod in m["modules"] if isinstance(mod, dict)]
if "libsodium" not in names:
    errors.append("no libsodium module")
for mod in m["modules"]:
    for src in mod.get("sources", []):
        if src.get("type") in ("archive", "file") and len(src.get("sha256", "")) != 64:
            errors.append("%s: source %s is not pinned by sha256" % (mod["name"], src.get("url")))
for e in errors:
    print("flatpak manifest:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

if command -v flatpak-builder >/dev/null 2>&1; then
  flatpak-builder --show-manifest "$manifest" >/dev/null
else
  echo "flatpak-builder is not installed; checked the manifest's content only."
fi
