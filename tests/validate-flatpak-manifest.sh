#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks the Flatpak manifest: it parses, flatpak-builder accepts it (when
# installed), the sandbox has no network and no access to the Secret
# Service's bus name, every download is pinned, poppler is built with its
# GLib frontend only, and each module says what it is there for.
#
# With --self-test, it also checks that it refuses copies of the manifest
# broken in each of those ways.
set -eu

self_test=0
if [ "${1:-}" = "--self-test" ]; then
  self_test=1
  shift
fi
manifest=$1

check () {
  /usr/bin/python3 - "$1" <<'PY'
import json, re, sys

path = sys.argv[1]
with open(path) as f:
    text = f.read()
errors = []

# flatpak-builder reads JSON with /* */ comments; Python's parser does not.
try:
    m = json.loads(re.sub(r"/\*.*?\*/", "", text, flags=re.S))
except ValueError as e:
    print("flatpak manifest: does not parse: %s" % e, file=sys.stderr)
    sys.exit(1)

if m.get("id") != "org.caretrail.Caretrail":
    errors.append("the application id is not org.caretrail.Caretrail")
if m.get("command") != "caretrail":
    errors.append("the command is not caretrail")
if m.get("runtime") != "org.gnome.Platform" or m.get("sdk") != "org.gnome.Sdk":
    errors.append("the runtime is not GNOME's")

args = m.get("finish-args", [])
allowed = {"--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"}
if set(args) != allowed:
    errors.append("finish-args must be exactly %s, not %s" % (sorted(allowed), sorted(args)))
if any("network" in a for a in args):
    errors.append("the sandbox must not have network access")
if any("org.freedesktop.secrets" in a for a in args):
    errors.append("the sandbox must not talk to the Secret Service (the Secret portal is used)")

modules = [mod for mod in m.get("modules", []) if isinstance(mod, dict)]
names = [mod.get("name") for mod in modules]
for needed in ("libsodium", "poppler", "caretrail"):
    if needed not in names:
        errors.append("no %s module" % needed)
if "caretrail" in names and names[-1] != "caretrail":
    errors.append("caretrail must be the last module, after its dependencies")

for mod in modules:
    build_args = mod.get("build-options", {}).get("build-args", [])
    if any("network" in a for a in build_args):
        errors.append("%s: builds with network access" % mod.get("name"))
    for src in mod.get("sources", []):
        if not isinstance(src, dict):
            errors.append("%s: a source is not pinned" % mod.get("name"))
            continue
        if src.get("type") in ("archive", "file"):
            if not re.fullmatch(r"[0-9a-f]{64}", src.get("sha256", "")):
                errors.append("%s: source %s is not pinned by sha256" % (mod.get("name"), src.get("url")))
        elif src.get("type") == "git" and not re.fullmatch(r"[0-9a-f]{40}", src.get("commit", "")):
            errors.append("%s: git source %s is not pinned to a commit" % (mod.get("name"), src.get("url")))

poppler = next((mod for mod in modules if mod.get("name") == "poppler"), None)
if poppler is not None:
    urls = [s.get("url", "") for s in poppler.get("sources", []) if isinstance(s, dict)]
    if not any(re.fullmatch(r"https://poppler\.freedesktop\.org/poppler-[0-9.]+\.tar\.xz", u) for u in urls):
        errors.append("poppler: not the upstream release tarball: %s" % urls)
    opts = set(poppler.get("config-opts", []))
    if "-DENABLE_GLIB=ON" not in opts:
        errors.append("poppler: the GLib frontend is not turned on")
    for off in ("ENABLE_UTILS", "ENABLE_CPP", "ENABLE_QT5", "ENABLE_QT6",
                "ENABLE_GOBJECT_INTROSPECTION", "ENABLE_BOOST", "ENABLE_NSS3",
                "ENABLE_GPGME", "ENABLE_LIBCURL", "BUILD_GTK_TESTS", "BUILD_CPP_TESTS",
                "BUILD_QT5_TESTS", "BUILD_QT6_TESTS", "BUILD_MANUAL_TESTS"):
        if "-D%s=OFF" % off not in opts:
            errors.append("poppler: %s is not turned off" % off)

# Each module opens with a comment saying what it is there for.
explained = set(re.findall(r'\{\s*/\*.*?\*/\s*"name"\s*:\s*"([^"]+)"', text, flags=re.S))
for name in names:
    if name not in explained:
        errors.append("%s: no comment saying what the module is for" % name)

for e in errors:
    print("flatpak manifest:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}

check "$manifest"

if command -v flatpak-builder >/dev/null 2>&1; then
  flatpak-builder --show-manifest "$manifest" >/dev/null
else
  echo "flatpak-builder is not installed; checked the manifest's content only."
fi

[ "$self_test" = 1 ] || exit 0

# Each broken copy must be refused.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/manifest-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
n=0
refuse () {
  n=$((n + 1))
  /usr/bin/python3 -c "
import re, sys
text = open(sys.argv[1]).read()
new = re.sub(sys.argv[2], sys.argv[3], text, count=1, flags=re.S)
assert new != text, 'the doctoring did not apply: ' + sys.argv[2]
open(sys.argv[4], 'w').write(new)
" "$manifest" "$1" "$2" "$scratch/broken-$n.json"
  if check "$scratch/broken-$n.json" 2>"$scratch/err-$n"; then
    echo "validate-flatpak-manifest: accepted a manifest with $3" >&2
    exit 1
  fi
  if ! grep -q "$4" "$scratch/err-$n"; then
    echo "validate-flatpak-manifest: a manifest with $3 was refused without saying so: $(cat "$scratch/err-$n")" >&2
    exit 1
  fi
  echo "refused a manifest with $3"
}
refuse '"--device=dri"' '"--device=dri", "--talk-name=org.freedesktop.secrets"' "the Secret Service's bus name" "Secret Service"
refuse '"--device=dri"' '"--device=dri", "--share=network"' "network access" "network access"
refuse '("url": "https://poppler[^"]*",\s*)"sha256": "[0-9a-f]{64}"' '\1"sha256": ""' "poppler not pinned" "not pinned by sha256"
refuse '"-DENABLE_QT5=OFF"' '"-DENABLE_QT5=ON"' "poppler's Qt 5 frontend" "ENABLE_QT5 is not turned off"
refuse '"-DENABLE_UTILS=OFF",' '' "poppler's utilities" "ENABLE_UTILS is not turned off"
refuse '/\* poppler:.*?\*/' '' "an unexplained module" "poppler: no comment"
refuse 'https://poppler\.freedesktop\.org/poppler-' 'https://example.org/poppler-' "poppler from elsewhere" "not the upstream release tarball"
