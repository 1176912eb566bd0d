#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Times producing the referral confirmation letter two ways, in one run:
#   1. Caretrail: render the sample letter 100 times (bench-letters).
#   2. The office's usual way: a Word document of the same letter turned into
#      a PDF by LibreOffice (soffice --headless --convert-to pdf), one letter
#      per run as a person would, and also many letters in one run.
# Prints both and the ratio. The Word document is made by LibreOffice itself
# from an HTML copy of the letter's text (taken from Caretrail's PDF), so the
# two hold the same words.
#
# Usage: bench/bench-letters.sh [BUILD_DIR] ; LETTERS=100 LO_RUNS=5 LO_BATCH=20
# Needs: poppler-utils, and libreoffice-writer-nogui (benchmark only).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-}
if [ -z "$build" ]; then
  for d in "$here"/../_build*; do
    if [ -x "$d/bench/bench-letters" ]; then build=$d; break; fi
  done
fi
bench="$build/bench/bench-letters"
[ -x "$bench" ] || { echo "bench-letters not found; build first (meson compile -C BUILD_DIR)" >&2; exit 1; }
command -v soffice >/dev/null || { echo "soffice not found: apt-get install libreoffice-writer-nogui" >&2; exit 1; }
command -v pdftotext >/dev/null || { echo "pdftotext not found: apt-get install poppler-utils" >&2; exit 1; }

letters=${LETTERS:-100}
lo_runs=${LO_RUNS:-5}
lo_batch=${LO_BATCH:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
profile="file://$work/lo-profile"

now_ms () { date +%s%N | awk '{ printf "%.3f", $1 / 1000000 }'; }

echo "== Caretrail: $letters referral letters"
"$bench" "$letters" "$work/letter.pdf" | tee "$work/ours.txt"
ours=$(sed -n 's/^per letter: //p' "$work/ours.txt" | awk '{ print $1 }')
pages=$(pdfinfo "$work/letter.pdf" | sed -n 's/^Pages: *//p')

# The same letter as HTML, one paragraph per block of text.
pdftotext -enc UTF-8 "$work/letter.pdf" - | awk '
  BEGIN { print "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Confirmation of a safeguarding referral</title></head><body>"; para = "" }
  function flush() { if (para != "") { print "<p>" para "</p>"; para = "" } }
  /^\f/ { sub(/^\f/, "") }
  /^[[:space:]]*$/ { flush(); next }
  { gsub(/&/, "\\&amp;"); gsub(/</, "\\&lt;"); gsub(/>/, "\\&gt;"); para = (para == "" ? $0 : para "<br>" $0) }
  END { flush(); print "</body></html>" }' > "$work/letter.html"

# LibreOffice makes the Word document (not timed), and is run once so its
# profile exists before timing starts.
soffice -env:UserInstallation="$profile" --headless --infilter="HTML (StarWriter)" \
  --convert-to "docx:MS Word 2007 XML" --outdir "$work" "$work/letter.html" >/dev/null 2>&1
[ -s "$work/letter.docx" ] || { echo "LibreOffice did not produce letter.docx" >&2; exit 1; }
soffice -env:UserInstallation="$profile" --headless --convert-to pdf \
  --outdir "$work/warm" "$work/letter.docx" >/dev/null 2>&1

echo
echo "== LibreOffice: Word document to PDF, one letter per run, $lo_runs runs"
start=$(now_ms)
i=0
while [ "$i" -lt "$lo_runs" ]; do
  soffice -env:UserInstallation="$profile" --headless --convert-to pdf \
    --outdir "$work/lo" "$work/letter.docx" >/dev/null 2>&1
  i=$((i + 1))
done
end=$(now_ms)
[ -s "$work/lo/letter.pdf" ] || { echo "LibreOffice did not produce a PDF" >&2; exit 1; }
lo_single=$(awk -v s="$start" -v e="$end" -v n="$lo_runs" 'BEGIN { printf "%.1f", (e - s) / n }')
echo "per letter: $lo_single ms"
echo "pages: $(pdfinfo "$work/lo/letter.pdf" | sed -n 's/^Pages: *//p') (Caretrail: $pages)"

echo
echo "== LibreOffice: $lo_batch Word documents to PDF in one run"
mkdir -p "$work/batch"
i=0
while [ "$i" -lt "$lo_batch" ]; do cp "$work/letter.docx" "$work/batch/letter-$i.docx"; i=$((i + 1)); done
start=$(now_ms)
soffice -env:UserInstallation="$profile" --headless --convert-to pdf \
  --outdir "$work/batch-out" "$work"/batch/*.docx >/dev/null 2>&1
end=$(now_ms)
made=$(ls "$work/batch-out" | wc -l)
[ "$made" -eq "$lo_batch" ] || { echo "LibreOffice made $made of $lo_batch PDFs" >&2; exit 1; }
lo_batch_ms=$(awk -v s="$start" -v e="$end" -v n="$lo_batch" 'BEGIN { printf "%.1f", (e - s) / n }')
echo "per letter: $lo_batch_ms ms"

echo
echo "== Summary"
echo "Caretrail:                     $ours ms a letter (target: under 12 ms)"
echo "LibreOffice, one per run:      $lo_single ms a letter"
echo "LibreOffice, $lo_batch in one run:     $lo_batch_ms ms a letter"
awk -v o="$ours" -v s="$lo_single" -v b="$lo_batch_ms" 'BEGIN {
  printf "Ratio, one per run:            %.0fx faster (target: at least 100x)\n", s / o;
  printf "Ratio, batch:                  %.0fx faster\n", b / o }'
