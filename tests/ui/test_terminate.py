"""SIGTERM — a logout, a shutdown, `kill` — closes Lately as Quit does, as found
by trying the app in a real window: the process just died, so the window's
layout and last customer were not kept, the journal's lock was left behind, and
the last moments of a note being typed were lost. Two real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from journal.storage import db
from journal.writes import customers, drafts

DRIVER = Path(__file__).with_name("terminate_driver.py")


def run_driver(home: Path, step: str, journal: Path, *more: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LATELY_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(DRIVER), step, str(journal), *more], env=env, capture_output=True,
                          text=True, timeout=120)


def journal_with_ada(tmp_path) -> Path:
    path = tmp_path / "journal.sqlite3"
    db.connect(path)
    customers.create_customer(name="Ada Lovelace", company="Analytical Engines")
    db.close()
    return path


@pytest.mark.parametrize("sent", ["SIGTERM", "SIGINT"])  # SIGINT: Ctrl+C in the terminal it was started from
def test_sigterm_quits_as_quit_does(tmp_path, lately_home, sent):
    path = journal_with_ada(tmp_path)
    done = run_driver(lately_home, "idle", path, sent)
    assert done.returncode == 0, (done.returncode, done.stderr)  # closed, not killed (-15)
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr
    settings = QSettings(str(lately_home / "window.ini"), QSettings.Format.IniFormat)
    assert settings.value("geometry") is not None  # the layout was saved
    assert any(key.startswith("last_customer/") for key in settings.allKeys())
    assert not Path(str(path) + ".lock").exists()  # the lock was given back


def test_sigterm_while_typing_a_note_keeps_all_of_it_as_a_draft(tmp_path, lately_home):
    path = journal_with_ada(tmp_path)
    done = run_driver(lately_home, "typing", path)
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    db.connect(path)
    try:
        draft = drafts.load_draft(drafts.QUICK_CAPTURE)
    finally:
        db.close()
    assert draft and draft["summary"] == "Called about the oak table"  # offered at the next start
