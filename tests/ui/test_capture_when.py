"""Quick capture's When, as found by trying the app in a real window: Up in the
day of "When" (a slip while reaching for the summary) logged a meeting for
tomorrow without a word — a contact in the future, counted as the last one."""

from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.storage.models import Interaction
from journal.writes import customers, interactions

from .test_main_window import drive_dialog, people, press


def test_up_in_the_day_of_when_stops_at_today(qtbot, make_window):
    window = make_window(populate=people)
    window.open_customer(customers.find_by_name("Ada Lovelace").id)

    def slip(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # &When
        assert QApplication.focusWidget() is dialog.when or dialog.when.isAncestorOf(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Home)  # the day, the first section
        for _ in range(3):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # &Summary
        qtbot.keyClicks(QApplication.focusWidget(), "Quick call")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    drive_dialog(qtbot, slip)
    press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    logged = Interaction.get(Interaction.summary == "Quick call")
    assert logged.occurred_at.date() <= date.today()  # not tomorrow, nor the day after


def test_an_entry_already_in_the_future_keeps_its_date_when_edited(qtbot, make_window):
    def with_a_planned_meeting():
        people()
        ada = customers.find_by_name("Ada Lovelace").id
        interactions.log_interaction(ada, "meeting", "out", "Planned visit",
                                     occurred_at=datetime.now().replace(second=0, microsecond=0) + timedelta(days=5))

    window = make_window(populate=with_a_planned_meeting)
    row = Interaction.get(Interaction.summary == "Planned visit")
    window.open_customer(row.customer_id)

    def edit(dialog):
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
        qtbot.keyClicks(QApplication.focusWidget(), " to the shop")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    drive_dialog(qtbot, edit)
    window.edit_interaction(row.id)
    again = Interaction.get_by_id(row.id)
    assert again.summary == "Planned visit to the shop" and again.occurred_at == row.occurred_at
