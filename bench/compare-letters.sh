#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks that two builds make the same documents: every kind of sample
# document (with and without a logo and a closing paragraph), and the
# referral confirmation, record of concern and chronology of demo cases,
# compared byte for byte as PDFs and pixel for pixel as pdftoppm PNGs of
# every page. Documents made from a case carry the time they were made, so
# for those only the pages are compared.
#
# Usage: bench/compare-letters.sh BUILD_DIR BASELINE_BUILD_DIR
# Needs poppler-utils. It runs inside the same private keyring session as
# the tests.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ "${CARETRAIL_IN_SESSION:-}" != "1" ]; then
  exec "$here/../tests/run-in-session.sh" sh "$here/compare-letters.sh" "$@"
fi

[ $# -eq 2 ] || { echo "Usage: $0 BUILD_DIR BASELINE_BUILD_DIR" >&2; exit 2; }
new="$1/src/caretrail-admin"
old="$2/src/caretrail-admin"
for f in "$new" "$old"; do
  [ -x "$f" ] || { echo "$f not found; build first" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/new" "$work/old"
failed=0
pdfs=0
pages=0

# A small PNG logo.
python3 -c '
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
rows = b"".join(b"\0" + b"".join(bytes((x * 5, y * 10, 160)) for x in range(48)) for y in range(24))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 48, 24, 8, 2, 0, 0, 0))
                       + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
' > "$work/logo.png"

compare_pages () {
  name=$1
  pdftoppm -r 100 -png "$work/new/$name.pdf" "$work/new/$name"
  pdftoppm -r 100 -png "$work/old/$name.pdf" "$work/old/$name"
  for png in "$work/old/$name"*.png; do
    other="$work/new/$(basename "$png")"
    pages=$((pages + 1))
    if ! cmp -s "$png" "$other"; then
      echo "DIFFERENT page: $(basename "$png")"; failed=1
    fi
  done
  n_old=$(ls "$work/old/$name"*.png | wc -l)
  n_new=$(ls "$work/new/$name"*.png | wc -l)
  [ "$n_old" -eq "$n_new" ] || { echo "DIFFERENT page count: $name ($n_old, $n_new)"; failed=1; }
}

compare_bytes () {
  pdfs=$((pdfs + 1))
  cmp -s "$work/old/$1.pdf" "$work/new/$1.pdf" || { echo "DIFFERENT bytes: $1.pdf"; failed=1; }
}

for kind in referral-confirmation record-of-concern blank-record-of-concern chronology recovery-sheet; do
  for variant in plain logo closing; do
    set -- --sample --kind "$kind"
    case "$variant" in
      logo) [ "$kind" != recovery-sheet ] || continue
            set -- "$@" --logo "$work/logo.png" ;;
      closing) [ "$kind" = referral-confirmation ] || continue
               set -- "$@" --closing "Our own closing words, with “quotes”: Ní Bhriain, مرحبا, שלום, Καλημέρα, Привет, नमस्ते, ভাল, 你好." ;;
    esac
    name="$kind-$variant"
    "$new" letter "$@" -o "$work/new/$name.pdf"
    "$old" letter "$@" -o "$work/old/$name.pdf"
    compare_bytes "$name"
    compare_pages "$name"
  done
done

db="$work/cases.db"
"$new" init --database "$db" >/dev/null
"$new" demo --database "$db" --cases 40 >/dev/null
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
  for kind in referral-confirmation record-of-concern chronology; do
    name="CT-DEMO-000$i-$kind"
    "$old" letter --case "CT-DEMO-000$i" --kind "$kind" --database "$db" -o "$work/old/$name.pdf" >/dev/null 2>&1 || continue
    "$new" letter --case "CT-DEMO-000$i" --kind "$kind" --database "$db" -o "$work/new/$name.pdf" >/dev/null
    compare_pages "$name"
  done
done

echo "$pdfs sample PDFs compared byte for byte, $pages pages compared pixel for pixel"
if [ "$failed" -ne 0 ]; then
  echo "The builds make different documents."
  exit 1
fi
echo "Identical."
