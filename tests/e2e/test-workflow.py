#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the real caretrail binary over the accessibility bus, as a screen
# reader user would, through the whole procedure: set up, record a concern,
# escalate, decide that concerns remain with the "family member may be
# responsible" exception, refer, generate and save the confirmation letter,
# mark it sent, record the outcome, close the case. Then it checks the
# records with caretrail-admin and the saved PDF with pdftotext.
#
# Run inside tests/run-in-session.sh (Xvfb, D-Bus, unlocked keyring).
# Screenshots of each step go to $CARETRAIL_BUILD_ROOT/tests/e2e-screenshots.

import datetime
import json
import os
import re
import struct
import subprocess
import sys
import time
import zlib

try:
    import pyatspi
except ImportError:
    print("1..0 # SKIP python3-pyatspi is not installed")
    sys.exit(77)

CARETRAIL = os.environ["CARETRAIL"]
ADMIN = os.environ["CARETRAIL_ADMIN"]
BUILD = os.environ.get("CARETRAIL_BUILD_ROOT", ".")
SHOTS = os.path.join(BUILD, "tests", "e2e-screenshots")
HOME = os.environ["HOME"]
TIMEOUT = 30

step_number = 0


def log(message):
    print("# " + message, flush=True)


def fail(message):
    print("not ok 1 - " + message, flush=True)
    screenshot("failure")
    # What was there instead, to tell a broken app from a stale test.
    try:
        for window in app:
            log("window %r" % window.name)
            for node in walk(window):
                if node.getRoleName() in ("push button", "text", "entry", "combo box", "check box"):
                    log("  %s %r" % (node.getRoleName(), node.name))
    except Exception:
        pass
    sys.exit(1)


# Screenshots {{{

def write_png(path, width, height, rgb):
    def chunk(kind, data):
        out = struct.pack(">I", len(data)) + kind + data
        return out + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\0" + rgb[y * width * 3:(y + 1) * width * 3] for y in range(height))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def screenshot(name):
    """Saves the whole virtual screen as a PNG, from xwd's dump."""
    global step_number
    step_number += 1
    os.makedirs(SHOTS, exist_ok=True)
    dump = subprocess.run(["xwd", "-root", "-silent"], capture_output=True).stdout
    if len(dump) < 100:
        log("screenshot %s failed" % name)
        return
    fields = struct.unpack(">25I", dump[:100])
    header_size, _, _, depth, width, height = fields[:6]
    byte_order, bits_per_pixel, bytes_per_line = fields[7], fields[11], fields[12]
    ncolors = fields[19]
    offset = header_size + ncolors * 12
    step = bits_per_pixel // 8
    if step not in (3, 4):
        log("screenshot %s: %d bits per pixel is not handled" % (name, bits_per_pixel))
        return
    rgb = bytearray(width * height * 3)
    for y in range(height):
        row = dump[offset + y * bytes_per_line: offset + y * bytes_per_line + width * step]
        base = y * width * 3
        if byte_order == 0:  # LSBFirst: B G R (X)
            rgb[base + 0:base + width * 3:3] = row[2::step]
            rgb[base + 1:base + width * 3:3] = row[1::step]
            rgb[base + 2:base + width * 3:3] = row[0::step]
        else:  # MSBFirst: (X) R G B
            lead = step - 3
            rgb[base + 0:base + width * 3:3] = row[lead + 0::step]
            rgb[base + 1:base + width * 3:3] = row[lead + 1::step]
            rgb[base + 2:base + width * 3:3] = row[lead + 2::step]
    path = os.path.join(SHOTS, "%02d-%s.png" % (step_number, name))
    write_png(path, width, height, bytes(rgb))
    log("screenshot " + path)

# }}}

# Finding things {{{

app = None


def walk(node, depth=0):
    if node is None or depth > 80:
        return
    yield node
    try:
        children = list(node)
    except Exception:
        return
    for child in children:
        yield from walk(child, depth + 1)


def names_match(accessible, name, exact):
    n = accessible.name or ""
    if exact:
        return n == name
    # GTK 4.8 names a button by its accessible label followed by its text,
    # which keeps the mnemonic underscore ("_Save Save").
    return n.startswith(name) or n.replace("_", "").startswith(name)


def find_all(role=None, name=None, root=None, exact=False):
    found = []
    for node in walk(root or app):
        try:
            if role is not None and node.getRoleName() != role:
                continue
            if name is not None and not names_match(node, name, exact):
                continue
            found.append(node)
        except Exception:
            continue
    return found


def wait_for(role=None, name=None, root=None, exact=False, timeout=TIMEOUT, last=False,
             role_in=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = find_all(role, name, root, exact)
        if role_in is not None:
            found = [f for f in found if f.getRoleName() in role_in]
        if found:
            return found[-1] if last else found[0]
        time.sleep(0.3)
    fail("nothing with role %r and name %r appeared" % (role, name))


def wait_gone(role, name, timeout=TIMEOUT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not find_all(role, name):
            return
        time.sleep(0.3)
    fail("%r %r did not go away" % (role, name))


def windows():
    return [w for w in app if w is not None]


def newest_window(title_prefix):
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        for w in reversed(windows()):
            if (w.name or "").startswith(title_prefix):
                return w
        time.sleep(0.3)
    fail("no window titled %r appeared" % title_prefix)

# }}}

# Doing things {{{

def activate(node):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "activate", "press", "toggle"):
            action.doAction(i)
            time.sleep(0.4)
            return
    if action.nActions > 0:
        action.doAction(0)
        time.sleep(0.4)
        return
    # Some widgets (check buttons in GTK 4.8) offer no action: focus them and
    # press Space, as a keyboard user would.
    node.queryComponent().grabFocus()
    time.sleep(0.3)
    pyatspi.Registry.generateKeyboardEvent(65, None, pyatspi.KEY_PRESSRELEASE)  # space
    time.sleep(0.4)


def click(name, root=None, role="push button"):
    button = wait_for(role, name, root)
    deadline = time.time() + TIMEOUT
    while not button.getState().contains(pyatspi.STATE_SENSITIVE):
        if time.time() > deadline:
            fail("the button %r stayed disabled" % name)
        time.sleep(0.3)
    activate(button)


def type_into(name, text, root=None):
    field = wait_for("text", name, root) if find_all("text", name, root) else \
        wait_for("entry", name, root)
    editable = field.queryEditableText()
    editable.setTextContents(text)
    time.sleep(0.1)


def choose(name, option, root=None):
    """Presses the answer @option of the question called @name."""
    question = wait_for(None, name, root, exact=True)
    button = wait_for(None, option, question, exact=True, role_in=("push button", "toggle button", "radio button"))
    activate(button)


def text_of(node):
    t = node.queryText()
    return t.getText(0, t.characterCount)

# }}}


def save_with_file_chooser(path):
    """Answers GTK's own Save dialog (there is no portal in the test
    session): types the full path as the name and saves."""
    chooser = newest_window("Save as PDF")
    name_field = None
    for node in walk(chooser):
        try:
            if node.getRoleName() in ("text", "entry") and "EditableText" in pyatspi.listInterfaces(node):
                name_field = node
                break
        except Exception:
            continue
    if name_field is None:
        fail("the Save dialog has no name field")
    name_field.queryEditableText().setTextContents(path)
    time.sleep(0.3)
    screenshot("save-dialog")
    click("Save", chooser)


def wait_for_pdf(path, timeout=TIMEOUT):
    """Waits until PATH holds a whole PDF: the file appears while it is still
    being written, so its existence alone says nothing."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 64))
                if b"%%EOF" in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def admin(*args):
    result = subprocess.run([ADMIN] + list(args), capture_output=True, text=True)
    log("caretrail-admin %s -> %d" % (" ".join(args), result.returncode))
    for line in (result.stdout + result.stderr).splitlines():
        log("  " + line)
    return result


def main():
    global app

    print("1..1", flush=True)
    # CARETRAIL_E2E_WRAPPER runs the app under a debugger or valgrind.
    wrapper = os.environ.get("CARETRAIL_E2E_WRAPPER", "").split()
    process = subprocess.Popen(wrapper + [CARETRAIL], stdout=sys.stderr, stderr=sys.stderr)
    try:
        run(process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def run(process):
    global app

    deadline = time.time() + TIMEOUT
    while app is None and time.time() < deadline:
        for candidate in pyatspi.Registry.getDesktop(0):
            if candidate is not None and (candidate.name or "").lower() == "caretrail":
                app = candidate
        time.sleep(0.3)
    if app is None:
        fail("caretrail did not appear on the accessibility bus")

    # First start: the setup assistant.
    wait_for("label", "Welcome to Caretrail", exact=True)
    time.sleep(0.5)
    screenshot("setup-welcome")
    click("Set up")

    type_into("Organisation name", "Riverside Family Mediation")
    type_into("Organisation address", "1 Example Street, Exampletown EX1 2MP")
    type_into("Organisation telephone", "01632 960000")
    type_into("Organisation email", "office@riverside.example")
    screenshot("setup-organisation")
    click("Next")

    type_into("Designated safeguarding officer’s name", "Dana Officer")
    type_into("Designated safeguarding officer’s contact", "dana.officer@riverside.example")
    type_into("Deputy’s name", "Lee Deputy")
    type_into("Deputy’s contact", "01632 960001")
    type_into("Safeguarding board member’s name", "Sam Board")
    type_into("Safeguarding board member’s contact", "sam.board@riverside.example")
    screenshot("setup-people")
    click("Next")

    screenshot("setup-office")
    click("Next")

    type_into("Authority 1 name", "Exampleshire Children’s Services")
    type_into("Authority 1 area", "Exampleshire")
    type_into("Authority 1 telephone", "01632 960999")
    type_into("Authority 1 secure email", "mash@exampleshire.example")
    type_into("Authority 1 out-of-hours number", "01632 960998")
    screenshot("setup-authorities")
    click("Create records")

    # The code is shown once, in groups of four letters and digits.
    deadline = time.time() + 60
    code = None
    while code is None and time.time() < deadline:
        for label in find_all("label"):
            if re.fullmatch(r"[A-Z0-9]{4}( [A-Z0-9]{4}){3,}\s*", (label.name or "").replace("\n", " ")):
                code = label.name
        time.sleep(0.3)
    if code is None:
        fail("no recovery code was shown")
    screenshot("setup-recovery-code")

    click("Save recovery sheet")
    sheet = os.path.join(HOME, "recovery-sheet.pdf")
    save_with_file_chooser(sheet)
    if not wait_for_pdf(sheet):
        fail("the recovery sheet was not saved")
    log("recovery sheet saved")

    click("Start using Caretrail")
    confirm = newest_window("")
    click("I Have Kept It")

    wait_for("label", "No Cases Yet", exact=True)
    time.sleep(0.5)
    screenshot("main-window-empty")

    # Record a concern (the header button; Ctrl+N does the same).
    click("Record a concern", role="push button")
    form = newest_window("Record a Concern")
    choose("Is a child at immediate risk?", "No", form)
    type_into("Raised by", "Pat Keyworker", form)
    type_into("Child’s given names", "Alex Jordan", form)
    type_into("Child’s family name", "Brown", form)
    type_into("Child’s other names", "AJ", form)
    type_into("Child’s date of birth", "14/07/2015", form)
    type_into("Child’s address", "2 Example Road, Exampletown", form)
    type_into("Local authority area where the child lives", "Exampleshire", form)
    type_into("What was seen or heard", "Alex arrived with a bruise on the left forearm, about 3 cm across.", form)
    type_into("The child’s own words", "Dad grabbed me when I dropped my plate.", form)
    type_into("Injuries", "Bruise on the left forearm, purple, about 3 cm.", form)
    type_into("Actions already taken", "Pat wrote down what Alex said and told the DSO at once.", form)
    # The concern came in three hours ago and is being typed up now; the
    # escalation happened two hours ago. Clocks run from when each happened.
    raised = datetime.datetime.now() - datetime.timedelta(hours=3)
    escalated = raised + datetime.timedelta(hours=1)
    type_into("Date the concern was raised", raised.strftime("%d/%m/%Y"), form)
    type_into("Time the concern was raised", raised.strftime("%H:%M"), form)
    screenshot("concern-form")
    click("Save concern", form)
    wait_gone("push button", "Save concern")

    wait_for("label", "Alex Jordan Brown", exact=True)
    time.sleep(0.8)
    screenshot("case-page-concern-recorded")

    def do_step(row_title, answers, choices=(), window_title=None, when=None):
        click(row_title, role="push button")
        dialog = newest_window(window_title or "")
        for label, value in choices:
            choose(label, value, dialog)
        for label, value in answers:
            type_into(label, value, dialog)
        if when is not None:
            type_into("When it happened", when.strftime("%d/%m/%Y"), dialog)
            type_into("Time it happened", when.strftime("%H:%M"), dialog)
        time.sleep(0.5)
        screenshot("step-" + row_title.lower().replace(" ", "-").replace("’", ""))
        click("Save step", dialog)
        wait_gone("push button", "Save step")
        time.sleep(0.8)

    do_step("Record the escalation",
            [("Line manager it was discussed with", "Jo Manager"),
             ("What was agreed", "Concerns remain; the DSO will decide today.")],
            window_title="Escalate the Concern", when=escalated)
    screenshot("case-page-escalated")

    # The deadline to decide runs from when the escalation happened, not
    # from when it was typed in.
    reference = re.search(r"CT-\d{4}-\d{4}", admin("cases").stdout)
    if reference is None:
        fail("caretrail-admin cases lists no reference")
    escalated_case = json.loads(admin("show", "--case", reference.group(0), "--json").stdout)
    clocks = {clock["id"]: clock for clock in escalated_case["clocks"]}
    if "decision" not in clocks:
        fail("no clock runs after the escalation: %r" % escalated_case["clocks"])
    if not clocks["decision"]["started-at"].startswith(escalated.strftime("%Y-%m-%dT%H:%M")):
        fail("the decision clock started at %r, not when the escalation happened" % clocks["decision"]["started-at"])
    if clocks["decision"]["period"] != "our-default":
        fail("the decision clock is not shown as our default: %r" % clocks["decision"])
    log("the decision clock runs from when the escalation happened")

    do_step("Concerns remain",
            [("Why concerns remain", "An unexplained injury and a disclosure naming a parent."),
             ("Reason a family member might be responsible", "Alex said their father grabbed them.")],
            choices=[("Might a family member be responsible for the harm?", "Yes"),
                     ("Might telling the family put someone in danger?", "No"),
                     ("Might telling the family interfere with a criminal investigation?", "No")],
            window_title="Concerns Remain")
    screenshot("case-page-concerns-remain")

    do_step("Record the referral",
            [("How the referral was made", "By telephone to the MASH"),
             ("Who took the referral", "Chris Social Worker"),
             ("Their reference", "MASH-2026-4471"),
             ("What was shared", "The concern, Alex's words, the injury and the family's details."),
             ("Reason for referring without consent", "A family member may be responsible; telling the family could put Alex at risk.")],
            choices=[("The family’s consent", "Not sought"),
                     ("Was the person who raised the concern told of the referral?", "Yes"),
                     ("Were they encouraged to refer it themselves too?", "Yes")],
            window_title="Make the Referral")
    screenshot("case-page-referred")

    # The people in Alex's life: the father, named in Alex's words.
    click("Add a parent, carer or other adult")
    person = newest_window("Add a Parent, Carer or Other Adult")
    type_into("Given names", "Jamie", person)
    type_into("Family name", "Brown", person)
    type_into("Address", "2 Example Road, Exampletown", person)
    type_into("Relationship to Alex Jordan Brown (mother, stepfather…)", "Father", person)
    choose("Has parental responsibility for Alex Jordan Brown", "Yes", person)
    choose("Lives in the same household as Alex Jordan Brown", "Yes", person)
    choose("May be responsible for the harm to Alex Jordan Brown", "Yes", person)
    choose("Has contact with other children", "No", person)
    screenshot("person-form")
    click("Save the person’s details", person)
    wait_gone("push button", "Save the person’s details")
    wait_for("label", "Father of Alex Jordan Brown, has parental responsibility", exact=False)
    log("the father is recorded with parental responsibility")

    # The written confirmation: generate, preview, save, mark as sent.
    click("Write the Confirmation Letter")
    preview = newest_window("Confirmation of a safeguarding referral")
    wait_for(None, "Page 1 of", preview, timeout=60)
    time.sleep(0.5)
    screenshot("letter-preview")
    click("Save as PDF", preview)
    letter = os.path.join(HOME, "confirmation.pdf")
    save_with_file_chooser(letter)
    if not wait_for_pdf(letter):
        fail("the confirmation letter was not saved")
    text = subprocess.run(["pdftotext", letter, "-"], capture_output=True, text=True).stdout
    text = " ".join(text.split())  # a sentence may wrap across lines
    for expected in ("Alex", "Brown", "MASH-2026-4471", "Chris Social Worker",
                     "Riverside Family Mediation", "Dana Officer", "Jamie Brown", "Father",
                     "Has parental responsibility",
                     "We do not believe this person has access to other children."):
        if expected not in text:
            fail("the saved letter does not mention %r" % expected)
    log("saved letter checked with pdftotext")

    # The letter lacks details the authority needs (the child's school,
    # the referrer's view of the risk, …): it is a draft, marked so on every
    # page, and cannot be marked as sent until each gap is filled or
    # explained. Explaining them produces the letter again, final.
    if "DRAFT" not in text:
        fail("a letter with details missing is not marked as a draft")
    click("Mark as sent", preview)
    draft = newest_window("This Letter Is a Draft")
    time.sleep(0.5)
    screenshot("letter-draft-gaps")
    # The referral's own gaps open the step that adds them to the referral.
    wait_for("push button", "Add Details to the Referral", draft)
    explanations = find_all("text", None, draft)
    if not explanations:
        fail("the draft's gaps offer no way to explain them")
    for field in explanations:
        field.queryEditableText().setTextContents("Not known to us yet (e2e).")
        time.sleep(0.1)
    click("Record the Explanations", draft)
    wait_gone("push button", "Record the Explanations")
    deadline = time.time() + TIMEOUT
    while len([w for w in windows() if (w.name or "").startswith("Confirmation of a safeguarding referral")]) != 1 \
            and time.time() < deadline:
        time.sleep(0.3)
    preview = newest_window("Confirmation of a safeguarding referral")
    wait_for(None, "Page 1 of", preview, timeout=60)
    time.sleep(0.5)
    screenshot("letter-preview-final")
    log("the draft's gaps were explained and the letter produced again")
    click("Mark as sent", preview)
    sent = newest_window("Record the Written Confirmation")
    choose("How it was confirmed", "By secure email", sent)
    type_into("Details, such as the address or the portal’s reference",
              "mash@exampleshire.example", sent)
    screenshot("mark-sent")
    click("Save step", sent)
    wait_gone("push button", "Save step")
    time.sleep(0.8)
    screenshot("case-page-confirmed")

    do_step("Record the local authority’s decision",
            [("Who gave the decision", "Chris Social Worker"),
             ("Reasons given", "A strategy discussion is being held.")],
            choices=[("The local authority’s decision", "Child protection enquiry")],
            window_title="Record the Outcome")

    do_step("Close the case",
            [("Why the case is closed", "The local authority has taken the lead under a child protection enquiry."),
             ("Support and information given to the person who raised it, and what they were told of the outcome",
              "Pat was thanked, offered supervision, and told the local authority is making enquiries.")],
            window_title="Close the Case")
    screenshot("case-page-closed")

    # What an inspector asks for: the case's chronology as a report, kept
    # with the case like its letters.
    # (GTK 4.8 gives a menu button's action to the button inside it, named
    # by its text.)
    activate(wait_for("push button", "New Report"))
    activate(wait_for(None, "Chronology Report", role_in=("menu item", "push button", "check menu item")))
    report = newest_window("Case chronology")
    wait_for(None, "Page 1 of", report, timeout=60)
    screenshot("chronology-report")
    if find_all("push button", "Mark as sent", report):
        fail("a report offers Mark as Sent, which is a step of the referral only")
    click("Close", report)
    log("chronology report made and shown")

    # The chronology on the case page, read as a screen reader reads it:
    # every step, in order, with the exception and its reason.
    chronology = wait_for("list", "Chronology", exact=True)
    entries = []
    descriptions = {}
    for row in chronology:
        if row is not None and row.name:
            entries.append(row.name)
            descriptions[row.name] = row.description or ""
    log("chronology: " + " | ".join(entries))
    expected = ["Concern recorded", "Concern discussed with the line manager",
                "Decided that concerns remain", "Referral for", "Referral confirmed in writing",
                "The local authority", "Case closed"]
    position = 0
    for entry in entries:
        if position < len(expected) and entry.startswith(expected[position]):
            position += 1
    if position != len(expected):
        fail("the chronology does not hold every step in order: %r" % entries)
    if not any("family member might be responsible" in e for e in entries):
        fail("the chronology does not record the family-member exception")

    # The escalation was recorded two hours after it happened: the chronology
    # says when it happened, who recorded it, and when it was written up.
    escalation_rows = [e for e in entries if e.startswith("Concern discussed with the line manager")]
    if not escalation_rows:
        fail("no escalation in the chronology")
    described = descriptions[escalation_rows[0]]
    if escalated.strftime("%H:%M") not in described or "written up" not in described \
            or "Dana Officer" not in described:
        fail("the escalation entry does not say when it happened, who recorded it and when it "
             "was written up: %r" % described)
    log("the escalation shows when it happened and when it was written up")

    # Check what was kept, with the administration tool.
    time.sleep(1)
    cases_out = admin("cases").stdout
    reference = re.search(r"CT-\d{4}-\d{4}", cases_out)
    if reference is None:
        fail("caretrail-admin cases lists no reference: %r" % cases_out)
    shown = admin("show", "--case", reference.group(0), "--json")
    if shown.returncode != 0:
        fail("caretrail-admin show failed: %s" % shown.stderr)
    case = json.loads(shown.stdout)
    steps = {entry["step"]: entry for entry in case["chronology"]}
    when = escalated.strftime("%Y-%m-%dT%H:%M")
    if not steps["escalated"]["at"].startswith(when):
        fail("the escalation is timed %r, not when it happened (%s)" % (steps["escalated"]["at"], when))
    if not steps["concern-recorded"]["at"].startswith(raised.strftime("%Y-%m-%dT%H:%M")):
        fail("the concern is timed %r, not when it was raised" % steps["concern-recorded"]["at"])
    if steps["escalated"]["who"] != "Dana Officer" or not steps["escalated"].get("staff-id"):
        fail("the escalation is not signed by the member of staff: %r" % steps["escalated"])
    log("caretrail-admin show: the steps are timed from when they happened and signed")
    process_cases = admin("cases")
    if process_cases.returncode != 0 or "closed" not in process_cases.stdout:
        fail("caretrail-admin cases does not show the case as closed")
    verify = admin("verify")
    if verify.returncode != 0:
        fail("caretrail-admin verify failed")
    status = admin("status")
    if status.returncode != 0:
        fail("caretrail-admin status failed")
    counts = {}
    for line in status.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    for kind, least in (("case", 1), ("child", 1), ("concern", 1), ("referral", 1),
                        ("document", 1), ("chronology", 7), ("staff", 3), ("agency", 1),
                        ("person", 1), ("relationship", 1)):
        if counts.get(kind, 0) < least:
            fail("caretrail-admin status shows %d %s records, expected at least %d"
                 % (counts.get(kind, 0), kind, least))
    audit = [l for l in status.stdout.splitlines() if l.strip().startswith("Audit log:")]
    if not audit or int(audit[0].split()[2]) < 20:
        fail("the audit log does not hold an entry for every change: %r" % audit)

    print("ok 1 - the whole procedure, from setup to a closed case", flush=True)


if __name__ == "__main__":
    main()
