"""Moving a journal from the window: Lately's own `move` command in a real
second process, its progress in a dialog, and Cancel that really stops it."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from journal.io import demo
from tests.journal.test_move import TODAY, table_rows
from ui.files import team_mode

pytestmark = pytest.mark.real_threads


def test_a_move_runs_in_a_second_process_with_progress(make_window, qtbot, tmp_path):
    window = make_window(populate=lambda: demo.populate(60, today=TODAY))
    target = tmp_path / "moved" / "journal.sqlite3"
    target.parent.mkdir()
    outcome = {}
    seen = []
    process = team_mode.run_move(window, "Moving the journal…", str(window.journal_path), str(target), None,
                                 lambda said: outcome.setdefault("done", said),
                                 lambda message: outcome.setdefault("failed", message),
                                 lambda: outcome.setdefault("cancelled", True))
    dialog = window.move_dialog
    process.readyReadStandardOutput.connect(lambda: seen.append((dialog.value(), dialog.maximum())))
    qtbot.waitUntil(lambda: bool(outcome), timeout=60_000)
    assert "failed" not in outcome, outcome
    assert "every table's row count and checksum match" in outcome["done"]
    assert any(0 < value <= maximum for value, maximum in seen)  # the dialog followed the rows
    assert table_rows(window.journal_path) == table_rows(target)
    assert window.isEnabled()
    del process


def test_cancel_stops_the_move_and_makes_no_file(make_window, qtbot, tmp_path):
    window = make_window(populate=lambda: demo.populate(150, today=TODAY))
    target = tmp_path / "never.sqlite3"
    outcome = {}
    team_mode.run_move(window, "Moving the journal…", str(window.journal_path), str(target), None,
                       lambda said: outcome.setdefault("done", said),
                       lambda message: outcome.setdefault("failed", message),
                       lambda: outcome.setdefault("cancelled", True))
    dialog = window.move_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    button = dialog.findChild(QPushButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Cancelling" in dialog.labelText() and not button.isEnabled()
    qtbot.waitUntil(lambda: bool(outcome), timeout=60_000)
    assert outcome == {"cancelled": True}
    assert sorted(p.name for p in tmp_path.iterdir() if "never" in p.name) == []


def test_a_refused_move_says_why(make_window, qtbot, tmp_path):
    window = make_window()
    target = tmp_path / "there.sqlite3"
    target.write_bytes(b"someone's file")
    outcome = {}
    team_mode.run_move(window, "Moving the journal…", str(window.journal_path), str(target), None,
                       lambda said: outcome.setdefault("done", said),
                       lambda message: outcome.setdefault("failed", message),
                       lambda: outcome.setdefault("cancelled", True))
    qtbot.waitUntil(lambda: bool(outcome), timeout=60_000)
    assert "already exists" in outcome["failed"] and "Traceback" not in outcome["failed"]
    assert target.read_bytes() == b"someone's file"
