"""Settings on a team journal, by keys in a shown window, the colleague a real
second process logged in as a role of their own (tests/colleague.py). Your
name and signature are your own, under their own heading: the cards you print
are signed with yours, and a colleague setting theirs changes nothing of
yours. A setting both of you changed is refused under its field, naming
theirs, and saved over theirs only when you save again. On a file the dialog
is as it always was."""

import gc
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from journal.writes import customers, purchases, settings
from tests.journal.test_team_changes import colleague
from tests.team_server import colleague_login, needs_server  # noqa: F401 - a fixture
from ui.common import format as fmt
from ui.window.settings_dialog import SettingsDialog

from .focus_helpers import focused, in_modal
from .modal_helpers import when_open
from .test_cards_letters import open_cards
from .test_team_live import team_window

TEAMS = "Warmly,\nAlex Morgan\nHarbour & Pine"  # the demo journal's signature, the team's once moved to the server


def labels(dialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]


def replace_text(qtbot, widget, text: str) -> None:
    assert focused() is widget
    gc.collect()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


@pytest.mark.real_threads
@needs_server
def test_your_signature_is_your_own_and_a_colleague_setting_theirs_leaves_yours(make_window, qtbot, pg_server,
                                                                                 tmp_path, colleague_login):  # noqa: F811
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=12)
    ben = colleague_login.at(location)
    chosen = customers.create_customer(name="Zelda Quince", address="1 Quay Street").id
    purchases.add_purchase(chosen, date.today() - timedelta(days=3), "Oak table", 180_000)

    cards = open_cards(qtbot, window)
    assert cards.message.toPlainText().rstrip().endswith(TEAMS)
    assert cards.unsigned.isVisible() and "the team's signature, not one of your own" in cards.unsigned.text()
    seen = {}

    def sign(dialog):
        seen["focus"], seen["labels"] = focused(), labels(dialog)
        replace_text(qtbot, dialog.signature, "Best wishes, Ada")
        qtbot.keyClick(focused(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        replace_text(qtbot, dialog.owner, "Ada Byron")
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    when_open(qtbot, SettingsDialog, sign)
    qtbot.keyClick(focused(), Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # Set signature…
    qtbot.waitUntil(lambda: "focus" in seen, timeout=5000)
    assert seen["focus"] is seen["focus"].window().signature
    assert "Yours on this team journal" in seen["labels"] and "The team's, shared by everyone" in seen["labels"]
    assert any("Until you change them, these are the team's." in text for text in seen["labels"])
    assert (settings.get_settings().owner_name, settings.get_settings().signature) == ("Ada Byron", "Best wishes, Ada")
    assert colleague(ben, "settings?") == f"Alex Morgan\n{TEAMS}"  # his are still the team's
    qtbot.waitUntil(lambda: cards.message.toPlainText().rstrip().endswith("Best wishes, Ada"), timeout=5000)
    assert not cards.unsigned.isVisible()

    # Ben sets his own, and a currency for everyone: the window hears it; the currency is the team's, your
    # signature stays yours.
    said = window.statusBar().currentMessage
    colleague(ben, "settings", "owner_name=Ben", "signature=Cheers, Ben", "currency=EUR")
    qtbot.waitUntil(lambda: colleague_login.role in said(), timeout=15_000)
    assert "€" in fmt.money(12_500)  # the window's formats installed again with the team's currency
    assert settings.get_settings().signature == "Best wishes, Ada"
    qtbot.waitUntil(lambda: cards.message.toPlainText().strip() != "", timeout=5000)  # the cards, written again
    assert cards.message.toPlainText().rstrip().endswith("Best wishes, Ada") and not cards.unsigned.isVisible()
    assert colleague(ben, "settings?") == "Ben\nCheers, Ben"


@pytest.mark.real_threads
@needs_server
def test_a_setting_both_changed_is_refused_under_its_field_naming_theirs_then_saved_again(
        make_window, qtbot, pg_server, tmp_path, colleague_login):  # noqa: F811
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=4)
    ben = colleague_login.at(location)
    cadence = settings.get_settings().default_cadence_days

    def rename_while_ben_does(dialog):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
        replace_text(qtbot, dialog.business, "Ada's Workshop")
        colleague(ben, "settings", "business_name=Ben's Workshop", f"default_cadence_days={cadence + 9}")
        qtbot.keyClick(dialog.business, Qt.Key.Key_Return)

        assert dialog.isVisible()  # refused: the dialog stays, with the person's typing
        [message] = dialog.errors.messages()
        assert message.startswith("The business name was changed since you opened the settings: it is now "
                                  "“Ben's Workshop”. Nothing was saved.")
        assert "save again" in message
        label = dialog.errors._labels["business_name"][0]  # under the field, in sight
        assert label.isVisible() and not label.visibleRegion().isEmpty()
        assert QApplication.focusWidget() is dialog.business and dialog.business.text() == "Ada's Workshop"
        assert dialog.cadence.value() == cadence + 9  # the setting left alone shows theirs
        assert settings.get_settings().business_name == "Ben's Workshop"

        qtbot.keyClick(dialog.business, Qt.Key.Key_Return)  # seen, and saved again on purpose
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    in_modal(qtbot, window.actions.settings.trigger, rename_while_ben_does)
    saved = settings.get_settings()
    assert (saved.business_name, saved.default_cadence_days) == ("Ada's Workshop", cadence + 9)


def test_on_a_file_the_settings_are_as_they_always_were(make_window, qtbot):
    window = make_window()

    def look(dialog):
        assert not dialog.team
        assert "Yours on this team journal" not in labels(dialog)
        assert QApplication.focusWidget() is dialog.owner  # the first field, as before
        qtbot.keyClick(dialog.owner, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.business
        replace_text(qtbot, dialog.business, "Harbour & Pine")
        qtbot.keyClick(dialog.business, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    in_modal(qtbot, window.actions.settings.trigger, look)
    assert settings.get_settings().business_name == "Harbour & Pine"
