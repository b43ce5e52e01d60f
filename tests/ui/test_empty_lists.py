"""An empty list says so inside itself, readable on either scheme: seen in a
real window, the empty trash, the duplicates finder that found nobody and an
import preview with nothing left out were each a blank white box."""

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from ui.common import theme
from ui.io.import_dialog import ImportDialog

from .test_appearance import restore_look, strongest_contrast  # noqa: F401 - a fixture
from .test_main_window import drive_dialog, people

SCHEMES = (theme.LIGHT, theme.DARK)


def hint_drawn(view, scheme) -> float:
    """How strongly the words in the empty list stand out from its background."""
    viewport = view.viewport()
    assert theme.scheme_of(viewport.palette()) == scheme
    background = viewport.palette().color(QPalette.ColorRole.Base)
    return strongest_contrast(viewport.grab().toImage(), background)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_an_empty_trash_says_so(scheme, qtbot, make_window, restore_look):  # noqa: F811
    window = make_window(populate=people)
    window.appearance_actions[scheme].trigger()
    seen = {}

    def look(dialog):
        seen["rows"] = dialog.list.count()
        seen["words"] = dialog.empty_hint.text if dialog.empty_hint.showing() else None
        seen["contrast"] = hint_drawn(dialog.list, scheme)
        dialog.reject()

    driver = drive_dialog(qtbot, look)
    window.actions.trash.trigger()
    driver.check()
    assert seen["rows"] == 0
    assert seen["words"] == "The trash is empty."
    assert seen["contrast"] >= 4.5, f"{scheme}: the words are drawn at {seen['contrast']:.2f}:1"


def test_the_trash_shows_no_hint_over_what_it_holds(qtbot, make_window):
    from journal.writes import customers

    def populate():
        people()
        customers.delete_customer(customers.find_by_name("Bob Builder").id)

    window = make_window(populate=populate)
    seen = {}

    def look(dialog):
        seen["rows"] = dialog.list.count()
        seen["hint"] = dialog.empty_hint.showing()
        dialog.reject()

    driver = drive_dialog(qtbot, look)
    window.actions.trash.trigger()
    driver.check()
    assert seen == {"rows": 1, "hint": False}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_duplicates_found_says_so_in_the_list(scheme, qtbot, make_window, restore_look):  # noqa: F811
    window = make_window(populate=people)
    window.appearance_actions[scheme].trigger()
    seen = {}

    def look(dialog):
        qtbot.waitUntil(lambda: dialog.progress_row.isHidden(), timeout=5000)  # done looking
        seen["rows"] = dialog.list.topLevelItemCount()
        seen["words"] = dialog.empty_hint.text if dialog.empty_hint.showing() else None
        seen["contrast"] = hint_drawn(dialog.list, scheme)
        dialog.reject()

    driver = drive_dialog(qtbot, look)
    window.actions.possible_duplicates.trigger()
    driver.check()
    assert seen["rows"] == 0
    assert seen["words"] == "No possible duplicates."
    assert seen["contrast"] >= 4.5


@pytest.mark.parametrize("scheme", SCHEMES)
def test_an_import_with_nothing_left_out_says_so(scheme, qtbot, make_window, tmp_path, restore_look):  # noqa: F811
    window = make_window()
    window.appearance_actions[scheme].trigger()
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nGrace Hopper,grace@example.com\nAlan Turing,alan@example.com\n", encoding="utf-8")
    dialog = ImportDialog(path, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=5000)
    assert dialog.problems.count() == 0
    assert dialog.problems_hint.showing()
    assert "every row can be imported" in dialog.problems_hint.text
    assert hint_drawn(dialog.problems, scheme) >= 4.5
    QApplication.processEvents()


def test_an_import_with_rows_left_out_lists_them_without_the_hint(qtbot, make_window, tmp_path):
    make_window()
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nGrace Hopper,grace@example.com\n,nobody@example.com\n", encoding="utf-8")
    dialog = ImportDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=5000)
    assert dialog.problems.count() == 1
    assert not dialog.problems_hint.showing()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_one_to_thank_says_so_in_the_list(scheme, qtbot, make_window, restore_look):  # noqa: F811
    from journal.writes import customers

    window = make_window(populate=lambda: customers.create_customer(name="Ada Lovelace"))  # nothing bought yet
    window.appearance_actions[scheme].trigger()
    window.actions.cards.trigger()
    view = window.cards_window
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.recipients_hint.showing(), timeout=5000)
    assert view.recipients.count() == 0
    assert view.recipients_hint.text.startswith("No one to thank for this occasion.")
    assert hint_drawn(view.recipients, scheme) >= 4.5
    view.close()


def test_one_possible_duplicate_is_one_pair(qtbot, make_window):
    """Seen in a real window: '1 pairs of customers may be the same person.'"""
    from journal.writes import customers

    def populate():
        customers.create_customer(name="John Smith", company="Acme", email="john@acme.example")
        customers.create_customer(name="Jon Smith", company="Acme", email="JOHN@acme.example")

    window = make_window(populate=populate)
    seen = {}

    def look(dialog):
        qtbot.waitUntil(lambda: dialog.progress_row.isHidden(), timeout=5000)
        seen["rows"] = dialog.list.topLevelItemCount()
        seen["status"] = dialog.status.text()
        seen["hint"] = dialog.empty_hint.showing()
        dialog.reject()

    driver = drive_dialog(qtbot, look)
    window.actions.possible_duplicates.trigger()
    driver.check()
    assert seen["rows"] == 1 and not seen["hint"]
    assert seen["status"].startswith("1 pair of customers may be the same person.")


def test_the_settings_hint_is_as_wide_as_the_fields(qtbot, make_window):
    """Seen in a real window: the words under 'Stay in touch every' wrapped at
    two thirds of the form's width, a ragged column beside full-width fields."""
    window = make_window()
    seen = {}

    def look(dialog):
        from PySide6.QtWidgets import QLabel

        hint = next(label for label in dialog.findChildren(QLabel) if "own cadence wins" in label.text())
        seen["hint"] = hint.width()
        seen["field"] = dialog.business.width()
        dialog.reject()

    driver = drive_dialog(qtbot, look)
    window.actions.settings.trigger()
    driver.check()
    assert seen["hint"] == seen["field"]
