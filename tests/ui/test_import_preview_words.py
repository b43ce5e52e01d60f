"""The import preview of a contacts file, as found by trying the app in a real
window: it said "check how each column is read" above no columns, showed
nobody it would import, and cut a warning off behind a sideways scroll."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.writes import customers
from ui.io.import_dialog import ImportDialog

FIXTURES = Path(__file__).parent.parent / "fixtures"


def open_preview(qtbot, path):
    dialog = ImportDialog(path)
    qtbot.addWidget(dialog)
    dialog.resize(760, 620)  # its own size, as on a 1366x768 screen
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=5000)
    return dialog


def people_shown(dialog):
    table = dialog.people
    return [tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())]


def test_a_contacts_file_shows_who_it_would_import(qtbot, make_window):
    make_window(populate=lambda: customers.create_customer(name="José Gonçalves", company="Café Lisboa"))
    dialog = open_preview(qtbot, FIXTURES / "vcards" / "outlook2003.vcf")
    about = dialog.about.text()
    assert "column" not in about and "Check who is imported" in about
    shown = people_shown(dialog)
    assert shown[0] == ("Jörg Müller", "Company, The", "joerg.mueller@company-the.example", "+49 30 1234567")
    assert shown[1][:2] == ("José Gonçalves", "Café Lisboa")  # already in the journal: listed after, greyed
    assert dialog.people.item(1, 0).toolTip() == "Already in the journal"
    assert dialog.people.isVisible() and dialog.people.rowCount() == 2


def test_a_long_warning_is_wrapped_to_be_read_whole(qtbot, make_window):
    make_window()
    dialog = open_preview(qtbot, FIXTURES / "vcards" / "outlook2003.vcf")
    problems = dialog.problems
    assert problems.count() == 1
    text = problems.item(0).text()
    assert text.endswith("read as Windows-1252 (Western European)") or "Windows-1252" in text
    line = problems.fontMetrics().height()
    rect = problems.visualItemRect(problems.item(0))
    assert problems.fontMetrics().horizontalAdvance(text) > problems.viewport().width()  # too long for a line
    assert rect.height() >= 2 * line and rect.right() <= problems.viewport().width()  # so it wraps
    assert problems.horizontalScrollBar().maximum() == 0 or not problems.horizontalScrollBar().isVisible()


def test_by_keyboard_the_people_come_first_and_enter_imports(qtbot, make_window):
    make_window()
    dialog = open_preview(qtbot, FIXTURES / "vcards" / "outlook2003.vcf")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.skip  # the first choice to make
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is dialog.people  # above it: who is imported, to look through
    with qtbot.waitSignal(dialog.imported, timeout=5000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert customers.find_by_name("Jörg Müller") is not None
