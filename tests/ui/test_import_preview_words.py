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


def import_with_keys(qtbot, window, monkeypatch, path):
    """Ctrl+I, `path` chosen in the file dialog, and Enter in the preview once it is read."""
    from PySide6.QtWidgets import QFileDialog

    from .test_main_window import drive_dialog, press

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))

    def import_with_enter(dialog):
        qtbot.waitUntil(lambda: dialog.plan is not None, timeout=5000)
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    drive_dialog(qtbot, import_with_enter)
    press(qtbot, window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)


def test_the_first_import_into_an_empty_journal_shows_the_first_customer(qtbot, make_window, monkeypatch,
                                                                          no_modal_boxes):
    """Found in a real window: after importing Outlook's contacts into a new
    journal the page said "Choose a customer on the left" — nobody was shown."""
    window = make_window()
    assert window.current_customer() is None
    import_with_keys(qtbot, window, monkeypatch, FIXTURES / "csv" / "outlook-contacts.csv")
    assert [kind for kind, *_ in no_modal_boxes] == ["information"]  # Import finished
    assert window.page.header.name.text() == "Jörg Müller"  # the file's first row, shown
    assert window.customer_list.current_id() == window.current_customer()


def test_an_import_leaves_the_customer_you_were_looking_at(qtbot, make_window, monkeypatch, no_modal_boxes):
    window = make_window(populate=lambda: customers.create_customer(name="Ada Lovelace"))
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    import_with_keys(qtbot, window, monkeypatch, FIXTURES / "vcards" / "google30.vcf")
    assert window.page.header.name.text() == "Ada Lovelace"
