#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every screenshot the metainfo names is in data/screenshots (where the
# published copies come from), is a PNG and has a caption; every file there
# is named.
set -eu
root=$1
metainfo=$root/data/org.caretrail.Caretrail.metainfo.xml.in
/usr/bin/python3 - "$metainfo" "$root/data/screenshots" <<'PY'
import os, sys
import xml.etree.ElementTree as ET

metainfo, folder = sys.argv[1], sys.argv[2]
errors = []
shots = ET.parse(metainfo).getroot().findall("./screenshots/screenshot")
named = set()
if not shots:
    errors.append("the metainfo has no screenshots")
for shot in shots:
    image = shot.findtext("image", "").strip()
    caption = shot.findtext("caption", "").strip()
    name = os.path.basename(image)
    named.add(name)
    if not image.startswith("https://caretrail.org/screenshots/"):
        errors.append("%s: not published under https://caretrail.org/screenshots/" % image)
    if not caption:
        errors.append("%s: no caption" % name)
    path = os.path.join(folder, name)
    if not os.path.isfile(path):
        errors.append("%s: not in data/screenshots" % name)
    else:
        with open(path, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                errors.append("%s: not a PNG" % name)
if sum(1 for s in shots if s.get("type") == "default") != 1:
    errors.append("exactly one screenshot must be the default")
for name in sorted(os.listdir(folder)):
    if name not in named:
        errors.append("data/screenshots/%s: not named in the metainfo" % name)
for e in errors:
    print("screenshots:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
