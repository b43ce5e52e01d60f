"""The command line, run as a person or a scheduled task runs it: the real
main.py in its own process."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from journal.io import cli

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

# As LibreOffice saves a German sheet: semicolons, day-first dates, a quoted two-line address.
CUSTOMERS_CSV = (
    "Name;E-Mail;Telefon;Adresse;Kunde seit\r\n"
    "Ada Lovelace;ada@example.org;+44 20 7946 0018;\"12 High St\nLondon\";01.02.2020\r\n"
    "Asa Bad;asa@example;;;\r\n"
    ";nobody@example.org;;;\r\n"
    "Grace Hopper;grace@example.org;;;31.12.2021\r\n"
).encode("utf-8")
PURCHASES_CSV = b"Date,Customer,Product,Amount\n2026-01-05,Ada Lovelace,Oak table,\"1,250.00\"\n"
VCARDS = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alan Turing\r\nN:Turing;Alan;;;\r\nEMAIL;TYPE=INTERNET:alan@example.org\r\n"
          b"END:VCARD\r\n")


def lately(*args, home, stdin=None):
    env = {**os.environ, "LATELY_HOME": str(home)}
    env.pop("QT_QPA_PLATFORM", None)  # no display is needed at all
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, input=stdin)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "customers.csv").write_bytes(CUSTOMERS_CSV)
    (tmp_path / "good.csv").write_bytes(CUSTOMERS_CSV.replace(b"asa@example", b"asa@example.org")
                                        .replace(b";nobody@example.org;;;\r\n", b""))
    (tmp_path / "purchases.csv").write_bytes(PURCHASES_CSV)
    (tmp_path / "cards.vcf").write_bytes(VCARDS)
    return tmp_path


def customers_email(path, name):
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT email FROM customer WHERE name = ?", (name,)).fetchone()[0]
    finally:
        con.close()


def _customers(path):
    con = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM customer WHERE deleted_at IS NULL"))
    finally:
        con.close()


def test_dry_run_reports_the_refused_row_writes_nothing_and_fails(files, lately_home):
    journal = files / "j.sqlite3"
    done = lately("import", "customers", files / "customers.csv", "--dry-run", "--db", journal, home=lately_home)
    assert done.returncode == cli.REFUSED
    assert "Would import 3 new customers." in done.stdout
    # A bad value is left out of its row, which is imported; a row with no name is refused.
    assert "Line 3: e-mail 'asa@example' is not an e-mail address — imported without it" in done.stdout
    assert "1 row would be left out:\n  Line 4: no name, and a customer needs one — left out" in done.stdout
    assert "Dry run: nothing was written." in done.stdout
    assert "1 row of customers.csv would be left out" in done.stderr
    assert "Traceback" not in done.stderr
    assert _customers(journal) == []


def test_import_reports_like_the_window_and_exit_status_says_a_row_was_refused(files, lately_home):
    from journal.io.csv_import import Problem, Report
    from journal.io.import_report import report_text

    journal = files / "j.sqlite3"
    done = lately("--db", journal, "import", "customers", files / "customers.csv", home=lately_home)
    assert done.returncode == cli.REFUSED, done.stderr
    expected = report_text(Report(created=3, problems=[
        Problem(3, "e-mail 'asa@example' is not an e-mail address — imported without it", imported=True),
        Problem(4, "no name, and a customer needs one — left out")]), "customers")
    assert expected in done.stdout
    assert "1 row of customers.csv was left out" in done.stderr
    assert _customers(journal) == ["Ada Lovelace", "Asa Bad", "Grace Hopper"]

    done = lately("import", "purchases", files / "purchases.csv", "--db", journal, home=lately_home)
    assert done.returncode == cli.OK, done.stderr
    assert "Imported 1 new purchase." in done.stdout
    con = sqlite3.connect(journal)
    assert con.execute("SELECT product, amount_cents FROM purchase").fetchall() == [("Oak table", 125000)]
    assert con.execute("SELECT purchase_count FROM customer_summary s JOIN customer c ON c.id = s.customer_id "
                       "WHERE c.name = 'Ada Lovelace'").fetchone() == (1,)
    con.close()

    done = lately("import", "customers", files / "good.csv", "--db", journal, "--fill-in", home=lately_home)
    assert done.returncode == cli.OK, done.stderr
    assert "Imported 0 new customers." in done.stdout
    assert "Merged 3 rows into customers already in the journal." in done.stdout
    assert customers_email(journal, "Asa Bad") == "asa@example.org"  # filled in from the good file

    done = lately("import", "customers", files / "cards.vcf", "--db", journal, home=lately_home)
    assert done.returncode == cli.OK, done.stderr
    assert "Alan Turing" in _customers(journal)


def test_exports_backup_and_check(files, lately_home):
    journal = files / "j.sqlite3"
    assert lately("import", "customers", files / "good.csv", "--db", journal, home=lately_home).returncode == 0
    for what, name in (("customers", "c.csv"), ("interactions", "i.csv"), ("followups", "f.ics"),
                       ("journal", "j.json")):
        done = lately("export", what, files / name, "--db", journal, home=lately_home)
        assert done.returncode == cli.OK, done.stderr
        assert done.stdout.startswith(f"Saved {files / name}")
    assert "Ada Lovelace" in (files / "c.csv").read_text(encoding="utf-8-sig")
    assert json.loads((files / "j.json").read_text())["format"] == "lately-journal"
    assert (files / "f.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")

    done = lately("backup", "--db", journal, home=lately_home)
    assert done.returncode == cli.OK, done.stderr
    [backup] = (files / "backups").iterdir()
    assert done.stdout.strip() == f"Backed up to {backup}"
    assert _customers(backup) == _customers(journal)

    done = lately("check", "--db", journal, home=lately_home)
    assert done.returncode == cli.OK
    assert done.stdout.strip() == "j.sqlite3 is sound: 3 customers, 0 interactions."


def test_default_journal_is_the_apps(files, lately_home):
    done = lately("import", "customers", files / "good.csv", home=lately_home)
    assert done.returncode == cli.OK, done.stderr
    assert _customers(lately_home / "journal.sqlite3") == ["Ada Lovelace", "Asa Bad", "Grace Hopper"]


def _damage_a_page(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=delete")
    con.execute("CREATE TABLE IF NOT EXISTS filler (x TEXT)")
    con.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 400)
    con.commit()
    con.close()
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle:middle + page] = b"\xde\xad\xbe\xef" * (page // 4)
    path.write_bytes(bytes(data))


def test_check_finds_a_damaged_page_and_an_old_journal_is_not_changed(files, lately_home):
    journal = files / "j.sqlite3"
    assert lately("import", "customers", files / "good.csv", "--db", journal, home=lately_home).returncode == 0
    _damage_a_page(journal)
    before = journal.read_bytes()
    done = lately("check", "--db", journal, home=lately_home)
    assert done.returncode == cli.DAMAGED
    assert "j.sqlite3 is" in done.stderr and "damaged" in done.stderr and "Traceback" not in done.stderr
    assert journal.read_bytes() == before

    old = files / "old.sqlite3"
    shutil.copy(FIXTURES / "journal_v1.sqlite3", old)
    before = old.read_bytes()
    done = lately("check", "--db", old, home=lately_home)
    assert done.returncode == cli.OK
    assert "it will be upgraded from schema 1" in done.stdout
    assert old.read_bytes() == before

    garbage = files / "garbage.sqlite3"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    for args in (("check",), ("export", "customers", files / "x.csv"), ("import", "customers", files / "good.csv")):
        done = lately(*args, "--db", garbage, home=lately_home)
        assert done.returncode == cli.DAMAGED, (args, done.stderr)
        assert "garbage.sqlite3 is not a Lately journal or is damaged" in done.stderr
        assert "Traceback" not in done.stderr


def test_bad_input_gives_a_message_never_a_traceback(files, lately_home):
    journal = files / "j.sqlite3"
    png = files / "photo.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    cases = [
        (("import", "customers", files / "missing.csv"), cli.REFUSED, "There is no file at"),
        (("import", "customers", png), cli.REFUSED, ""),
        (("export", "customers", files / "no" / "such" / "folder.csv"), cli.REFUSED, "Could not save"),
        (("check",), cli.REFUSED, "There is no journal at"),
        (("backup",), cli.REFUSED, "There is no journal at"),
        (("export", "contacts", files / "x.csv"), cli.USAGE, "invalid choice"),
    ]
    lately("import", "customers", files / "good.csv", "--db", journal, home=lately_home)
    for args, status, message in cases:
        target = journal if args[0] in ("import", "export") else files / "none.sqlite3"
        done = lately(*args, "--db", target, home=lately_home)
        assert done.returncode == status, (args, done.stdout, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
        assert done.stderr.strip(), args


def test_no_qt_is_imported_for_any_job(files, lately_home):
    journal = files / "j.sqlite3"
    script = f"""
import sys
import main
jobs = [["import", "customers", {str(files / 'good.csv')!r}, "--dry-run"],
        ["import", "customers", {str(files / 'good.csv')!r}],
        ["import", "purchases", {str(files / 'purchases.csv')!r}],
        ["export", "customers", {str(files / 'c.csv')!r}], ["export", "journal", {str(files / 'j.json')!r}],
        ["export", "followups", {str(files / 'f.ics')!r}], ["export", "interactions", {str(files / 'i.csv')!r}],
        ["backup"], ["check"]]
codes = [main.main([*job, "--db", {str(journal)!r}]) for job in jobs]
print(codes, sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "ui")))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LATELY_HOME": str(lately_home)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[0, 0, 0, 0, 0, 0, 0, 0, 0] []"


def test_without_a_command_main_still_starts_the_app():
    assert not cli.is_command([])
    assert not cli.is_command(["--demo"])
    assert not cli.is_command(["--db", "import"])  # a journal file called "import"
    assert not cli.is_command(["--measure-startup", "--db", "x.sqlite3"])
    assert cli.is_command(["--db", "x.sqlite3", "check"])
    assert cli.is_command(["export", "journal", "x.json"])
    done = subprocess.run([sys.executable, "main.py", "--version"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("Lately ")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs a process that can be killed")
def test_a_lock_left_by_a_killed_command_is_taken_over(files, lately_home):
    journal = files / "j.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from journal.storage.lock import CommandLineLock; "
         f"CommandLineLock({str(journal)!r}).acquire(); print('locked', flush=True); sys.stdin.read()"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        done = lately("import", "customers", files / "good.csv", "--db", journal, home=lately_home)
        assert done.returncode == cli.IN_USE
        assert "another Lately command is using it" in done.stderr
        holder.kill()
        holder.wait(timeout=30)
        done = lately("import", "customers", files / "good.csv", "--db", journal, home=lately_home)
        assert done.returncode == cli.OK, done.stderr
        assert not Path(str(journal) + ".lock").exists()
    finally:
        holder.kill()
        holder.wait(timeout=30)
        holder.stdout.close()
        holder.stdin.close()


def test_an_older_journal_is_backed_up_before_an_import_upgrades_it(files, lately_home):
    old = files / "old.sqlite3"
    shutil.copy(FIXTURES / "journal_v1.sqlite3", old)
    done = lately("import", "customers", files / "good.csv", "--db", old, home=lately_home)
    assert done.returncode == cli.OK, done.stderr
    [backup] = (files / "backups").iterdir()
    assert backup.name.endswith("-before-upgrade-from-v1.sqlite3")
    assert _customers(backup) == ["Alan Turing", "Grace Hopper"]
    assert "Grace Hopper" in _customers(old) and "Ada Lovelace" in _customers(old)


def test_check_and_export_tell_the_same_numbers_and_the_trash_beside_them(journal, tmp_path, lately_home):
    """`check` counts what an export writes, and says the trash apart: on a file
    and on a team journal alike."""
    from journal.storage import db
    from journal.writes import customers, interactions

    people = [customers.create_customer(name=name) for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing")]
    notes = [interactions.log_interaction(c.id, "call", "out", f"Called {c.name}") for c in people]
    interactions.log_interaction(people[0].id, "email", "out", "Sent the article")
    customers.delete_customer(people[2].id)  # Alan and his note go to the trash
    interactions.delete_interaction(notes[1].id)  # and one of Grace's notes
    db.close()

    done = lately("check", "--db", journal, home=lately_home)
    assert done.returncode == cli.OK, done.stderr
    assert ": 2 customers (+1 in the trash), 2 interactions (+2 in the trash)" in done.stdout

    said = lately("export", "customers", tmp_path / "c.csv", "--db", journal, home=lately_home)
    assert said.returncode == cli.OK, said.stderr
    assert said.stdout.strip() == f"Saved {tmp_path / 'c.csv'} (2 customers, not the 1 in the trash)."
    assert (tmp_path / "c.csv").read_text(encoding="utf-8-sig").count("\n") == 1 + 2
    said = lately("export", "interactions", tmp_path / "i.csv", "--db", journal, home=lately_home)
    assert said.stdout.strip() == f"Saved {tmp_path / 'i.csv'} (2 interactions, not the 2 in the trash)."
