"""The merge comparison shows every field without scrolling when the screen
has the room. Seen on a 1920 × 1080 screen: the 760 × 520 dialog hid a third
of the fields (customer since, tags, …) behind a scroll bar."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.writes import customers

from .test_main_window import drive_dialog
from .test_merge_dialog import _id


def two_full_records():
    """The same person twice, each record filled in, as after an import from two address books."""
    for name, street in (("John Smith", "12 High Street"), ("Jon Smith", "Flat 4, 12 High Street")):
        customers.create_customer(
            name=name, company="Acme Furniture and Interiors", email="john@acme.example", phone="+44 20 7946 0018",
            address=f"{street}\nMarylebone\nLondon NW1 6XE\nUnited Kingdom",
            interests=("oak and walnut, mid-century chairs, the new showroom, sailing at weekends, their daughter's "
                       "wedding in June, a second office in Leeds next spring, hand-finished veneers, repairs"),
            account_manager="Sam Ortega", account_manager_phone="+1 555 0100", cadence_days=45,
            tags=["vip", "architect", "trade"])


def test_every_field_compared_shows_at_once(qtbot, make_window):
    window = make_window(populate=two_full_records)
    window.customer_list.select(_id("John Smith"))
    seen = {}

    def fill(dialog):
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        before = dialog.height()
        qtbot.keyClicks(QApplication.focusWidget(), "Jon Smith")
        popup = dialog.picker.completer().popup()
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        table = dialog.table
        seen["rows"] = table.rowCount()
        seen["grew"] = dialog.height() > before
        seen["scrolls"] = table.verticalScrollBar().maximum()
        seen["fits_the_screen"] = dialog.frameGeometry().height() <= dialog.screen().availableGeometry().height()
        dialog.reject()

    driver = drive_dialog(qtbot, fill)
    window.actions.merge_with.trigger()
    driver.check()
    assert seen["rows"] >= 12
    assert seen == {"rows": seen["rows"], "grew": True, "scrolls": 0, "fits_the_screen": True}  # taller, all of it
