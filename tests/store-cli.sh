#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# caretrail-admin's database commands, end to end, as an administrator uses
# them: init, demo, status, cases, verify, backup, restore, and recover after
# the keyring has lost the key. Failures must exit non-zero with a sentence.
set -eu
: "${CARETRAIL_ADMIN:?}"
# It writes keys into the keyring and removes one: only in a private session.
if [ "${CARETRAIL_IN_SESSION:-}" != 1 ]; then
  echo "store-cli: run it with meson test or tests/run-in-session.sh" >&2
  exit 77
fi
admin=$CARETRAIL_ADMIN
work=$(mktemp -d "${TMPDIR:-/tmp}/store-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
db=$work/records/caretrail.db

fail () { echo "store-cli: $*" >&2; exit 1; }

# init prints the recovery code once.
"$admin" init --database "$db" > "$work/init.out" || fail "init failed"
# Nine groups of four: 32 characters for 160 bits and four check characters.
code=$(sed -n 's/^    \([0-9A-Z]\{4\}\(-[0-9A-Z]\{4\}\)\{8\}\)$/\1/p' "$work/init.out")
[ -n "$code" ] || fail "init printed no recovery code: $(cat "$work/init.out")"

# init refuses to replace a database.
if "$admin" init --database "$db" > /dev/null 2> "$work/err"; then fail "init overwrote a database"; fi
grep -q "already exists" "$work/err" || fail "unclear init error: $(cat "$work/err")"

"$admin" demo --database "$db" --cases 32 > /dev/null || fail "demo failed"

"$admin" status --database "$db" > "$work/status" || fail "status failed"
grep -q "key present and unlocked" "$work/status" || fail "status does not show the keyring: $(cat "$work/status")"
grep -Eq "^  case +32$" "$work/status" || fail "status does not count 32 cases"
grep -Eq "^Audit log: +[0-9]+ entries, last at .*, head [0-9a-f]{64}$" "$work/status" || fail "status shows no audit head"

"$admin" cases --database "$db" > "$work/cases" || fail "cases failed"
[ "$(grep -c '^CT-DEMO-' "$work/cases")" -eq 32 ] || fail "cases did not list 32 cases"
# Printed as read, in the order of the references.
grep '^CT-DEMO-' "$work/cases" | awk '{ print $1 }' | LC_ALL=C sort -c \
  || fail "cases are not listed in the order of their references"
# Every stage of the procedure after "new" is represented.
for state in concern-recorded escalated consulting family-discussion referral-due confirmation-due \
             awaiting-decision outcome-recorded outcome-disputed monitoring allegation-reported lado-due \
             allegation-managed closed-nfa closed; do
  grep -Eq " $state +" "$work/cases" || fail "no demo case in state $state"
done

# The demo cases were made by the procedure engine, so the tools agree about
# them: the next due time `cases` prints (local time, to the minute) is the
# one `next` prints (Europe/London, ISO 8601), or both say there is none.
TZ=Europe/London "$admin" cases --database "$db" > "$work/cases-london" || fail "cases failed"
awk '/^CT-DEMO-/ { print $1, ($3 == "-" ? "none" : $3 " " $4) }' "$work/cases-london" > "$work/due-cases"
: > "$work/due-next"
for ref in $(awk '{ print $1 }' "$work/due-cases"); do
  "$admin" next --database "$db" --case "$ref" > "$work/next" || fail "next --case $ref failed"
  due=$(sed -n 's/^Due: \([0-9-]*\)T\([0-9][0-9]:[0-9][0-9]\).*/\1 \2/p; s/^Due: no deadline$/none/p' "$work/next")
  [ -n "$due" ] || fail "next --case $ref printed no due line: $(cat "$work/next")"
  echo "$ref $due" >> "$work/due-next"
done
diff "$work/due-cases" "$work/due-next" > "$work/due-diff" \
  || fail "cases and next disagree about when demo cases are due: $(cat "$work/due-diff")"
grep -q " none$" "$work/due-cases" || fail "no demo case is without a deadline"
grep -Eq " 20[0-9]{2}-" "$work/due-cases" || fail "no demo case has a deadline"

# Some steps are late and some are not yet due.
"$admin" overdue --database "$db" > "$work/overdue" || fail "overdue failed"
grep -q "^CT-DEMO-" "$work/overdue" || fail "overdue lists no demo case: $(cat "$work/overdue")"
later=0
for ref in $(awk '$2 != "none" { print $1 }' "$work/due-cases"); do
  grep -q "^$ref " "$work/overdue" || later=$((later + 1))
done
[ "$later" -gt 0 ] || fail "every demo deadline has passed; none is still to come"

# Each case's chronology is the engine's, one entry per event: more than one
# per case on average, and the audit log names the events.
chronology=$(sed -n 's/^  chronology *\([0-9]*\)$/\1/p' "$work/status")
[ "${chronology:-0}" -gt 64 ] || fail "the demo wrote only ${chronology:-0} chronology entries for 32 cases"
for action in concern-recorded escalated referral-made confirmation-sent outcome-recorded \
              allegation-reported lado-informed case-closed; do
  [ "$(sqlite3 "$db" "SELECT count(*) FROM audit_log WHERE action = '$action'")" -gt 0 ] \
    || fail "the audit log has no $action entry"
done

"$admin" verify --database "$db" > "$work/verify" || fail "verify failed on a sound database"
grep -q "is intact" "$work/verify" || fail "verify did not say the database is intact"

"$admin" backup --database "$db" "$work/backup.db" > /dev/null || fail "backup failed"
grep -q "Fictionby\|Exampleton\|Imaginary Lane" "$work/backup.db" && fail "names in plaintext in the backup"

# backup writes only to a new regular file (mode 0600), or replaces a
# regular file with --force. Anything else is refused, exit 1, with a
# sentence, and left exactly as it was: an existing file, a symbolic link
# (even to a regular file), a folder, a FIFO, a device.
[ "$(stat -c %a "$work/backup.db")" = 600 ] || fail "the backup is not mode 0600"
refuse_backup () {
  target=$1; want=$2; shift 2
  before=$(stat -c '%F %i %s %Y' "$target" 2>&1; ls -lA "$work" | grep -v ' err$')
  if "$admin" backup --database "$db" "$@" "$target" > /dev/null 2> "$work/err"; then
    fail "backup wrote to $target ($want)"
  else
    rc=$?
  fi
  [ $rc -eq 1 ] || fail "backup to $target: exit $rc, not 1: $(cat "$work/err")"
  grep -q "$want" "$work/err" || fail "backup to $target: unclear error: $(cat "$work/err")"
  after=$(stat -c '%F %i %s %Y' "$target" 2>&1; ls -lA "$work" | grep -v ' err$')
  [ "$before" = "$after" ] || fail "backup to $target changed something: $before / $after"
}
echo "not a backup" > "$work/existing.txt"
refuse_backup "$work/existing.txt" "already exists"
[ "$(cat "$work/existing.txt")" = "not a backup" ] || fail "backup overwrote an existing file"
ln -s "$work/existing.txt" "$work/link.db"
refuse_backup "$work/link.db" "symbolic link"
refuse_backup "$work/link.db" "symbolic link" --force
ln -s "$work/nowhere.db" "$work/dangling.db"
refuse_backup "$work/dangling.db" "symbolic link"
[ ! -e "$work/nowhere.db" ] || fail "backup created a file through a dangling link"
mkdir "$work/folder"
refuse_backup "$work/folder" "is a folder"
refuse_backup "$work/folder" "is a folder" --force
mkfifo "$work/fifo"
refuse_backup "$work/fifo" "not a plain file"
refuse_backup "$work/fifo" "not a plain file" --force
for dev in /dev/null /dev/full; do
  if "$admin" backup --database "$db" --force "$dev" > /dev/null 2> "$work/err"; then
    fail "backup wrote to $dev"
  fi
  grep -q "not a plain file" "$work/err" || fail "backup to $dev: unclear error: $(cat "$work/err")"
  [ -c "$dev" ] || fail "$dev is no longer a character device"
done
# Run as root, the old rename would have turned /dev/full into a file.
if [ "$(id -u)" = 0 ]; then
  [ "$(stat -c %t:%T /dev/full)" = "1:7" ] || fail "/dev/full is not the full device any more"
fi
# --force replaces a regular file, atomically, and leaves no temporary file.
"$admin" backup --database "$db" --force "$work/existing.txt" > /dev/null 2> "$work/err" \
  || fail "backup --force did not replace a regular file: $(cat "$work/err")"
grep -q "not a backup" "$work/existing.txt" && fail "backup --force left the old content"
[ "$(stat -c %a "$work/existing.txt")" = 600 ] || fail "the replaced backup is not mode 0600"
[ -z "$(ls -A "$work" | grep '^\.existing')" ] || fail "backup --force left a temporary file: $(ls -A "$work")"
"$admin" verify --database "$work/existing.txt" > /dev/null || fail "the replacing backup does not verify"
# A folder that does not exist is an error, not a crash.
if "$admin" backup --database "$db" "$work/missing/backup.db" > /dev/null 2> "$work/err"; then
  fail "backup into a missing folder succeeded"
fi
grep -q "cannot be written" "$work/err" || fail "unclear error for a missing folder: $(cat "$work/err")"

# Tampering is caught by verify, with a non-zero exit.
cp "$db" "$work/tampered.db"
sqlite3 "$work/tampered.db" "UPDATE audit_log SET action = 'nothing-to-see' WHERE seq = 10" \
  || fail "could not tamper with the copy"
if "$admin" verify --database "$work/tampered.db" > /dev/null 2> "$work/err"; then
  fail "verify passed a tampered audit log"
fi
grep -q "entry 10 " "$work/err" || fail "verify did not name entry 10: $(cat "$work/err")"

"$admin" restore --database "$db" "$work/backup.db" > "$work/restore" || fail "restore failed"
grep -q "kept as" "$work/restore" || fail "restore did not say where the old database is"
ls "$work/records" | grep -q "before-restore" || fail "restore did not keep the old database"

# An older copy of the file put back by hand is refused by every command,
# with a sentence that says what happened, and left as it was; restoring
# the same copy is the way back, and the audit log records it.
cp "$db" "$work/older.db"
"$admin" backup --database "$db" "$work/backup2.db" > /dev/null || fail "second backup failed"
cp "$work/older.db" "$db"
sum=$(sha256sum "$db" | cut -d' ' -f1)
if "$admin" status --database "$db" > /dev/null 2> "$work/err"; then fail "status opened an older copy"; fi
grep -q "older than the records this computer last wrote" "$work/err" || fail "unclear rollback error: $(cat "$work/err")"
grep -q "caretrail-admin restore" "$work/err" || fail "the rollback error does not say how to go back: $(cat "$work/err")"
if "$admin" verify --database "$db" > /dev/null 2> "$work/err"; then fail "verify passed an older copy"; fi
grep -q "older than the records this computer last wrote" "$work/err" || fail "verify did not report the rollback: $(cat "$work/err")"
[ "$(sha256sum "$db" | cut -d' ' -f1)" = "$sum" ] || fail "a refused open changed the file"
chmod 0644 "$work/older.db"
"$admin" restore --database "$db" "$work/older.db" > /dev/null || fail "restoring the older copy failed"
[ "$(stat -c %a "$db")" = 600 ] || fail "restore left the database readable by others: $(stat -c %a "$db")"
[ "$(sqlite3 "$db" "SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")" = restore-backup ] \
  || fail "the audit log does not end with the restore"
"$admin" verify --database "$db" > /dev/null || fail "verify failed after restoring the older copy"

# Recovery settings outside what Caretrail writes are damage: verify says
# so, and recover refuses at once instead of stretching the code for hours.
cp "$db" "$work/doctored.db"
sqlite3 "$work/doctored.db" "UPDATE meta SET value = x'0000010000000000' WHERE key = 'recovery-opslimit'" \
  || fail "could not doctor the copy"
if "$admin" verify --database "$work/doctored.db" > /dev/null 2> "$work/err"; then fail "verify passed doctored recovery settings"; fi
grep -q "recovery settings" "$work/err" || fail "verify did not report the recovery settings: $(cat "$work/err")"
if echo "$code" | timeout 60 "$admin" recover --database "$work/doctored.db" > /dev/null 2> "$work/err"; then
  fail "recover accepted doctored recovery settings"
fi
grep -q "recovery settings" "$work/err" || fail "recover did not report the recovery settings: $(cat "$work/err")"

# Lose the key, as after a keyring reset.
/usr/bin/python3 - "$db" <<'PY' || fail "could not remove the key (needs gir1.2-secret-1 and python3-gi)"
import sqlite3, sys
import gi
gi.require_version('Secret', '1')
from gi.repository import Secret
con = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
uuid = bytes(con.execute("SELECT value FROM meta WHERE key = 'database-uuid'").fetchone()[0]).decode()
schema = Secret.Schema.new('org.caretrail.Caretrail.MasterKey', Secret.SchemaFlags.NONE,
                           {'database-uuid': Secret.SchemaAttributeType.STRING})
assert Secret.password_clear_sync(schema, {'database-uuid': uuid}, None)
PY

if "$admin" status --database "$db" > /dev/null 2> "$work/err"; then fail "status opened without a key"; fi
grep -q "no longer in the keyring" "$work/err" || fail "unclear key-missing error: $(cat "$work/err")"

if echo "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA" | "$admin" recover --database "$db" > /dev/null 2> "$work/err"; then
  fail "recover accepted a wrong code"
fi
grep -q "does not belong to this database" "$work/err" || fail "unclear wrong-code error: $(cat "$work/err")"

# A mistyped code (one character changed) is refused as a typing mistake.
typo=$(printf '%s' "$code" | sed 's/^0/1/; t; s/^./0/')
if echo "$typo" | "$admin" recover --database "$db" > /dev/null 2> "$work/err"; then
  fail "recover accepted a mistyped code"
fi
grep -q "typing mistake" "$work/err" || fail "a mistyped code is not called a typing mistake: $(cat "$work/err")"

# While it waits for the code, caretrail-admin can leave no core dump: the
# limit is 0 however high the shell's was. (The non-dumpable flag is
# checked by test-store-crypto; /proc shows it only as file ownership,
# which tells nothing when the tests run as root.)
mkfifo "$work/code-pipe"
exec 3<> "$work/code-pipe"
( ulimit -c unlimited 2> /dev/null || ulimit -c "$(ulimit -H -c)"; exec "$admin" recover --database "$db" < "$work/code-pipe" > /dev/null 2>&1 ) &
waiting=$!
limit=""
for _ in $(seq 50); do
  if grep -q '^Name:.*caretrail-admi' "/proc/$waiting/status" 2> /dev/null; then
    limit=$(grep '^Max core file size' "/proc/$waiting/limits")
    echo "$limit" | grep -Eq '^Max core file size +0 +0 ' && break
  fi
  sleep 0.1
done
echo "" >&3
exec 3>&-
wait "$waiting" || true
echo "$limit" | grep -Eq '^Max core file size +0 +0 ' || fail "caretrail-admin can dump core: “$limit”"

echo "$code" | "$admin" recover --database "$db" > /dev/null || fail "recover failed with the right code"
"$admin" verify --database "$db" > /dev/null || fail "records unreadable after recovery"
[ "$(grep -c '^CT-DEMO-' "$work/cases")" -eq "$("$admin" cases --database "$db" | grep -c '^CT-DEMO-')" ] \
  || fail "cases differ after recovery"

# A missing database is an error, not a new file.
if "$admin" status --database "$work/nothing.db" > /dev/null 2> "$work/err"; then fail "status on a missing database succeeded"; fi
[ ! -e "$work/nothing.db" ] || fail "status created a database"
grep -q "There is no Caretrail database" "$work/err" || fail "unclear missing-database error"

echo "ok"
