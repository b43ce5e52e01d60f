"""Cancel cancels, on real worker threads: the person presses the progress
dialog's Cancel while the work is midway (an Event makes sure of that, no
sleeps), and the journal is as it was and no file is left behind."""

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QPushButton

from journal.writes import customers
from journal.storage import db
from journal.reads import summary
from journal.io import csv_import as ci
from journal.io import exports
from journal.storage.models import Customer, CustomerTag, Interaction, Purchase
from ui.common import tasks
from ui.io.import_dialog import ImportDialog

from .focus_helpers import in_modal
from .test_cards_view import shop
from .test_main_window import people

pytestmark = pytest.mark.real_threads


class Midway:
    """Wraps a function that takes progress=: at its `at`-th progress report
    the worker says it is midway and waits until the test lets it go on."""

    def __init__(self, at=3):
        self.at, self.calls = at, 0
        self.midway, self.resume = threading.Event(), threading.Event()

    def wrap(self, function):
        def wrapped(*args, progress=None, **kwargs):
            if progress is None:  # passed by position, last
                *args, progress = args
            def reporting(done, total):
                self.calls += 1
                if self.calls == self.at:
                    self.midway.set()
                    assert self.resume.wait(30), "the test never let the work go on"
                return progress(done, total)
            return function(*args, progress=reporting, **kwargs)
        return wrapped

    def press_cancel(self, qtbot, parent):
        """Wait until the work is midway and its progress dialog shows, press its
        Cancel button, then let the work go on (to its next progress report)."""
        qtbot.waitUntil(self.midway.is_set, timeout=20_000)
        [handle] = tasks.running_with_progress()
        dialog = handle.dialog
        assert isinstance(dialog, QProgressDialog) and dialog.parent() is parent
        qtbot.waitUntil(dialog.isVisible, timeout=5000)
        button = dialog.findChild(QPushButton)
        assert button.text() == "Cancel" and button.isEnabled()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and "Cancelling" in dialog.labelText()  # up until the work has stopped
        assert not button.isEnabled()
        self.resume.set()
        qtbot.waitUntil(lambda: not tasks.running_with_progress(), timeout=30_000)
        assert not [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]


def journal_state():
    return (
        sorted(Customer.select(Customer.id, Customer.name, Customer.email, Customer.deleted_at).tuples()),
        sorted(Interaction.select(Interaction.id, Interaction.deleted_at).tuples()),
        sorted(CustomerTag.select(CustomerTag.customer, CustomerTag.tag).tuples()),
        summary.snapshot(),
    )


def big_csv(tmp_path, rows=3000):
    path = tmp_path / "many.csv"
    path.write_text("Name,Company,E-mail,Notes,Tags\n" + "".join(
        f"Person {n},Firm {n % 40},p{n}@example.org,likes {n},vip\n" for n in range(rows)), encoding="utf-8")
    return path


def test_cancel_an_import_midway_leaves_the_journal_as_it_was(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(populate=people)
    before = journal_state()
    midway = Midway()
    monkeypatch.setattr(ci, "import_customers", midway.wrap(ci.import_customers))
    dialog = ImportDialog(big_csv(tmp_path), "customers", window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=20_000)  # the preview runs off the GUI thread
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    midway.press_cancel(qtbot, dialog)
    assert journal_state() == before
    assert "cancelled" in dialog.summary.text() and dialog.isVisible()  # back in the dialog, nothing written
    assert not getattr(dialog, "report", None)


def test_cancel_a_customer_export_leaves_no_file(qtbot, make_window, tmp_path, monkeypatch, no_modal_boxes):
    def many():
        people()
        customers.create_customers([{"name": f"Person {n}"} for n in range(2000)])

    window = make_window(populate=many)
    target = tmp_path / "out" / "customers.csv"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    midway = Midway(at=2)
    monkeypatch.setattr(exports, "export_customers_csv", midway.wrap(exports.export_customers_csv))
    window.files.export_file("customers")
    midway.press_cancel(qtbot, window)
    assert list(target.parent.iterdir()) == []
    assert "cancelled" in window.statusBar().currentMessage()
    assert not [box for box in no_modal_boxes if box[0] in ("warning", "critical")]


def test_an_export_that_reports_no_progress_is_still_cancelled(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(populate=people)
    target = tmp_path / "out" / "journal.json"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    midway = Midway()
    written = exports.export_json

    def export_json(path):  # the JSON export says nothing while it writes: Cancel comes in the middle
        midway.midway.set()
        assert midway.resume.wait(30)
        return written(path)

    monkeypatch.setattr(exports, "export_json", export_json)
    window.files.export_file("journal")
    midway.press_cancel(qtbot, window)
    assert list(target.parent.iterdir()) == []


def test_cancel_a_whole_journal_import_leaves_the_journal_empty(qtbot, make_window, tmp_path, monkeypatch):
    first = tmp_path / "first.sqlite3"
    db.connect(first)
    people()
    customers.create_customers([{"name": f"Person {n}", "tags": ["vip"]} for n in range(500)])
    exported = tmp_path / "journal.json"
    exports.export_json(exported)
    db.close()
    window = make_window(path=tmp_path / "empty.sqlite3")
    before = journal_state()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(exported), ""))
    midway = Midway(at=5)
    monkeypatch.setattr(exports, "import_json", midway.wrap(exports.import_json))
    window.files.import_journal_json()
    midway.press_cancel(qtbot, window)
    assert journal_state() == before and Customer.select().count() == 0
    assert "as it was" in window.statusBar().currentMessage()


def test_cancel_a_cards_pdf_leaves_no_file(qtbot, make_window, tmp_path, monkeypatch):
    from ui.cards import cards_view

    window = make_window(populate=shop)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    target = tmp_path / "out" / "cards.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    midway = Midway(at=1)
    write_pdf = cards_view.write_pdf
    monkeypatch.setattr(cards_view, "write_pdf",
                        lambda path, cards, kind, size, progress: midway.wrap(write_pdf)(path, cards, kind, size,
                                                                                         progress=progress))
    window.actions.cards.trigger()
    view = window.cards_window
    qtbot.waitUntil(lambda: bool(view.cards), timeout=10_000)  # found off the GUI thread
    view.do_pdf()
    midway.press_cancel(qtbot, view)
    assert list(target.parent.iterdir()) == []
    assert "no PDF was written" in view.error.text()


def test_work_that_finishes_before_it_hears_cancel_reports_done(qtbot, make_window):
    window = make_window(populate=people)
    results, go = [], threading.Event()
    handle = tasks.run_with_progress(window, "Working…", lambda progress: go.wait(30) and "finished",
                                     results.append, results.append, on_cancelled=lambda: results.append("cancelled"))
    qtbot.waitUntil(handle.dialog.isVisible, timeout=5000)
    qtbot.mouseClick(handle.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    go.set()
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert results == ["finished"]  # it never reported progress again, so it could not stop


def test_the_preview_reads_off_the_gui_thread_and_a_new_choice_cancels_the_old_one(qtbot, make_window, tmp_path,
                                                                                    monkeypatch):
    window = make_window(populate=people)
    midway = Midway(at=1)
    planned = []
    plan_customers = ci.plan_customers

    def plan(*args, **kwargs):
        planned.append(kwargs["skip_bad_rows"])
        return midway.wrap(plan_customers)(*args, **kwargs)

    monkeypatch.setattr(ci, "plan_customers", plan)
    dialog = ImportDialog(big_csv(tmp_path, rows=12_000), "customers", window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(midway.midway.is_set, timeout=20_000)
    assert dialog.summary.text() == "Reading the file…"
    assert not dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.skip_rows, Qt.MouseButton.LeftButton)  # changes the choice meanwhile
    midway.resume.set()
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=30_000)
    assert planned == [False, True]
    assert "<b>12,000</b> new customers" in dialog.summary.text() and "12,000 rows" in dialog.about.text()


def test_cancel_marking_cards_as_sent_records_nothing(qtbot, make_window, monkeypatch):
    from journal.rules import cards

    window = make_window(populate=shop)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    midway = Midway(at=1)
    monkeypatch.setattr(cards, "mark_sent", midway.wrap(cards.mark_sent))
    window.actions.cards.trigger()
    view = window.cards_window
    qtbot.waitUntil(lambda: bool(view.cards), timeout=10_000)
    before = journal_state()
    thanked = sorted(Purchase.select(Purchase.id, Purchase.thanked_by).tuples())
    view.buttons["sent"].setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    midway.press_cancel(qtbot, view)
    assert journal_state() == before
    assert sorted(Purchase.select(Purchase.id, Purchase.thanked_by).tuples()) == thanked
    assert "no card was recorded" in view.error.text()
    assert not window.undo_stack.canUndo()
    assert view.buttons["sent"].isEnabled()  # to try again


def seven_hundred_buyers():
    from datetime import date, timedelta

    from journal.storage.models import database

    with database.atomic():
        Customer.insert_many([{"name": f"Buyer {n:03}", "stage": "customer"} for n in range(700)]).execute()
        Purchase.insert_many([{"customer": cid, "purchased_on": date.today() - timedelta(days=4), "product": "Lamp",
                               "amount_cents": 8_900} for (cid,) in Customer.select(Customer.id).tuples()]).execute()
        summary.rebuild_all()  # (written around the services)


def test_cancel_midway_through_hundreds_of_cards_records_none(qtbot, make_window, monkeypatch):
    """Cancel pressed once hundreds of the cards' entries are written (in
    batches, in the worker's one transaction): every one of them goes."""
    from journal.rules import cards

    window = make_window(populate=seven_hundred_buyers)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    reported = []

    def telling(function):
        def wrapped(*args, progress, **kwargs):
            return function(*args, progress=lambda done, total: (reported.append(done), progress(done, total))[1],
                            **kwargs)
        return wrapped

    midway = Midway(at=2)
    monkeypatch.setattr(cards, "mark_sent", telling(midway.wrap(cards.mark_sent)))
    window.actions.cards.trigger()
    view = window.cards_window
    qtbot.waitUntil(lambda: len(view.cards) == 700, timeout=20_000)
    before = journal_state()
    view.buttons["sent"].setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    midway.press_cancel(qtbot, view)
    qtbot.waitUntil(lambda: "no card was recorded" in view.error.text(), timeout=20_000)
    assert 0 < reported[-1] < 700  # cancelled midway, with entries already written
    assert journal_state() == before
    assert Purchase.select().where(Purchase.thanked_by.is_null()).count() == 700
    assert not window.undo_stack.canUndo() and view.buttons["sent"].isEnabled()


def _mark_shop_cards_as_sent(qtbot, window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.actions.cards.trigger()
    view = window.cards_window
    qtbot.waitUntil(lambda: bool(view.cards), timeout=10_000)
    view.buttons["sent"].setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.undo_stack.index() == 1, timeout=10_000)
    view.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _cards_on_timelines():
    return Interaction.select().where(Interaction.kind == "thank_you_card", Interaction.deleted_at.is_null()).count()


def test_a_big_undo_and_redo_run_off_the_gui_thread(qtbot, make_window, monkeypatch):
    """Undoing thousands of cards takes seconds: past BIG_STEP rows (3 here)
    Ctrl+Z writes on the writer thread behind a progress dialog, then the
    stack moves; Ctrl+Shift+Z the same."""
    from ui.common import commands

    from journal.writes import changes

    monkeypatch.setattr(commands, "BIG_STEP", 3)
    window = make_window(populate=shop)
    _mark_shop_cards_as_sent(qtbot, window, monkeypatch)
    assert _cards_on_timelines() == 2
    threads = []
    undo = changes.undo
    monkeypatch.setattr(changes, "undo", lambda *a, **k: threads.append(threading.get_ident()) or undo(*a, **k))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # impatient
    qtbot.waitUntil(lambda: window.undo_stack.index() == 0, timeout=10_000)
    assert _cards_on_timelines() == 0 and Purchase.select().where(Purchase.thanked_by.is_null()).count() == 2
    assert window.statusBar().currentMessage().startswith("Undone: Record 2 cards as sent")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.undo_stack.index() == 1, timeout=10_000)
    assert _cards_on_timelines() == 2 and Purchase.select().where(Purchase.thanked_by.is_null()).count() == 0
    assert len(threads) == 2 and threading.get_ident() not in threads  # both written off the GUI thread, once each


def test_cancel_a_big_undo_changes_nothing(qtbot, make_window, monkeypatch):
    from journal.writes import changes
    from ui.common import commands

    monkeypatch.setattr(commands, "BIG_STEP", 3)
    window = make_window(populate=shop)
    _mark_shop_cards_as_sent(qtbot, window, monkeypatch)
    before = journal_state()
    midway = Midway(at=1)
    monkeypatch.setattr(changes, "undo", midway.wrap(changes.undo))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    midway.press_cancel(qtbot, window)
    assert journal_state() == before and _cards_on_timelines() == 2
    assert window.undo_stack.index() == 1  # still done: Ctrl+Z may be pressed again
    assert window.statusBar().currentMessage() == "Undo cancelled: nothing was changed"


def test_undoing_a_big_import_runs_off_the_gui_thread(qtbot, make_window, tmp_path, monkeypatch, no_modal_boxes):
    from journal.io import csv_import
    from ui.common import commands

    window = make_window(populate=people)
    before = journal_state()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(big_csv(tmp_path, rows=300)), ""))

    def import_it(dialog):
        qtbot.waitUntil(dialog.import_button.isEnabled, timeout=20_000)  # the preview runs off the GUI thread
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30_000)

    in_modal(qtbot, lambda: window.files.import_file("customers"), import_it)
    qtbot.waitUntil(lambda: window.undo_stack.index() == 1, timeout=30_000)
    assert Customer.select().count() == len(before[0]) + 300
    assert len(window.undo_stack.command(0).changeset.changes) >= commands.BIG_STEP // 10
    monkeypatch.setattr(commands, "BIG_STEP", 100)
    threads = []
    undo = csv_import.undo_import
    monkeypatch.setattr(csv_import, "undo_import", lambda *a: threads.append(threading.get_ident()) or undo(*a))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.undo_stack.index() == 0, timeout=30_000)
    assert Customer.select().where(Customer.deleted_at.is_null()).count() == len(before[0])  # the 300 in the trash
    assert threads and threading.get_ident() not in threads
