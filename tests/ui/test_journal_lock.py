"""The command line and the window honour one lock: real second processes, one
holding the window's QLockFile, one holding the command line's lock."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journal.io import cli
from journal.storage.lock import lock_path
from ui.window.single_instance import JournalLock

ROOT = Path(__file__).resolve().parents[2]
CSV = b"Name,Email\nAda Lovelace,ada@example.org\n"

APP_HOLDS = """
import sys
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
app.setApplicationName("Lately")
from ui.window.single_instance import JournalLock
lock = JournalLock(sys.argv[1])
print(lock.acquire(), flush=True)
sys.stdin.read()
lock.release()
"""
COMMAND_HOLDS = """
import sys
from journal.storage.lock import CommandLineLock
lock = CommandLineLock(sys.argv[1])
lock.acquire()
print("True", flush=True)
sys.stdin.read()
lock.release()
"""


def _hold(script: str, journal: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", script, str(journal)], cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "True"
    return process


def _end(process: subprocess.Popen, kill=False) -> None:
    if kill:
        process.kill()
    else:
        process.stdin.close()
    process.wait(timeout=30)
    process.stdout.close()
    if process.stdin and not process.stdin.closed:
        process.stdin.close()


def lately(*args, home):
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "LATELY_HOME": str(home)})


@pytest.fixture
def journal(tmp_path, lately_home):
    (tmp_path / "c.csv").write_bytes(CSV)
    path = tmp_path / "j.sqlite3"
    assert lately("import", "customers", tmp_path / "c.csv", "--db", path, home=lately_home).returncode == 0
    return path


def test_an_import_is_refused_while_the_window_has_the_journal(journal, tmp_path, lately_home):
    app = _hold(APP_HOLDS, journal)
    try:
        before = journal.read_bytes()
        done = lately("import", "customers", tmp_path / "c.csv", "--db", journal, home=lately_home)
        assert done.returncode == cli.IN_USE
        assert f"it is open in Lately (process {app.pid})" in done.stderr
        assert "Close it there and try again." in done.stderr and "Traceback" not in done.stderr
        assert journal.read_bytes() == before
        # Reading beside the open window is safe (WAL): scheduled exports and backups still run.
        assert lately("export", "customers", tmp_path / "x.csv", "--db", journal, home=lately_home).returncode == 0
        assert lately("backup", "--db", journal, home=lately_home).returncode == 0
        assert lately("check", "--db", journal, home=lately_home).returncode == 0
        assert lock_path(journal).exists()  # the window's lock was left alone
    finally:
        _end(app)
    assert lately("import", "customers", tmp_path / "c.csv", "--db", journal, home=lately_home).returncode == 0


def test_the_window_cannot_take_a_journal_a_command_is_writing(journal):
    command = _hold(COMMAND_HOLDS, journal)
    try:
        assert not JournalLock(journal).acquire()
        old = time.time() - 3600  # an old lock file is still held while its process holds it
        os.utime(lock_path(journal), (old, old))
        assert not JournalLock(journal).acquire()
    finally:
        _end(command)
    window = JournalLock(journal)
    assert window.acquire()
    window.release()


def test_locks_left_by_killed_processes_are_taken_over(journal, tmp_path, lately_home):
    _end(_hold(APP_HOLDS, journal), kill=True)
    assert lock_path(journal).exists()
    done = lately("import", "customers", tmp_path / "c.csv", "--db", journal, home=lately_home)
    assert done.returncode == cli.OK, done.stderr

    _end(_hold(COMMAND_HOLDS, journal), kill=True)
    assert lock_path(journal).exists()
    window = JournalLock(journal)
    assert window.acquire()
    window.release()
