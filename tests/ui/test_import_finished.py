"""The import's report, as a new user met it: "Import finished" came up over the
import window, still open behind it, two modal windows stacked. Now the import
window closes first and the report comes up alone over the main window, with
what was imported, what was left out and why."""

from PySide6.QtWidgets import QApplication, QMessageBox

from journal.writes import customers
from ui.io.import_dialog import ImportDialog

from .test_import_preview_words import FIXTURES, import_with_keys


def test_the_report_comes_once_the_import_window_is_closed(qtbot, make_window, monkeypatch, tmp_path):
    window = make_window(populate=lambda: customers.create_customer(name="Jörg Müller", company="Bäckerei Müller"))
    shown = []

    def information(parent, title, text, *args, **kwargs):
        open_imports = [w for w in QApplication.topLevelWidgets() if isinstance(w, ImportDialog) and w.isVisible()]
        shown.append((parent, title, text, open_imports, QApplication.activeModalWidget()))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "information", information)
    import_with_keys(qtbot, window, monkeypatch, FIXTURES / "csv" / "outlook-contacts.csv")
    [(parent, title, text, open_imports, modal)] = shown
    assert (parent, title) == (window, "Import finished")
    assert open_imports == [] and modal is None  # nothing under it but the main window
    assert text.startswith("Imported 1 new customer.")  # Elijah; Jörg is already in the journal
    assert "Skipped 1 customer already in the journal." in text
    assert customers.find_by_name("Elijah Perkins Jr.") is not None
