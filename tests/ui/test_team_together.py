"""Two people at work on one team journal, the colleague a real second process
(tests/colleague.py). Editing one customer's details: a colleague's save shows
in the form's untouched fields while the person types, is never put back by the
person's save, and a field both changed is refused with the newer value named —
the person's typing kept, and saved over theirs only when they save again.
Typing notes: each person's draft is their own."""

import gc

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from journal.writes import customers, drafts, interactions
from tests.journal.test_team_changes import colleague
from tests.team_server import colleague_login, needs_server  # noqa: F401 - a fixture

from .focus_helpers import in_modal
from .test_main_window import visible_names
from .test_team_live import start_editing_the_name, team_window

pytestmark = [pytest.mark.real_threads, needs_server]


def test_a_colleagues_change_to_another_field_shows_and_is_not_put_back_by_the_save(make_window, qtbot, pg_server,
                                                                                       tmp_path):
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=12)
    chosen = window.current_customer()
    name = customers.get_customer(chosen).name
    field = start_editing_the_name(window, qtbot, " Jr")

    colleague(location, "edit", chosen, "phone=555 0177")
    phone = window.page.details.fields["phone"]
    qtbot.waitUntil(lambda: phone.text() == "555 0177", timeout=15_000)  # the untouched field shows theirs
    assert field.text() == f"{name} Jr" and QApplication.focusWidget() is field

    qtbot.keyClick(field, Qt.Key.Key_Return)
    saved = customers.get_customer(chosen)
    assert (saved.name, saved.phone) == (f"{name} Jr", "555 0177")
    assert window.page.details.errors.messages() == []


def test_a_field_both_changed_is_refused_naming_theirs_then_saved_again_on_purpose(make_window, qtbot, pg_server,
                                                                                  tmp_path):
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=12)
    chosen = window.current_customer()
    name = customers.get_customer(chosen).name
    field = start_editing_the_name(window, qtbot, " Jr")

    colleague(location, "edit", chosen, f"name={name} Sr", "email=sr@example.org")
    qtbot.waitUntil(lambda: f"{name} Sr" in visible_names(window), timeout=15_000)
    assert field.text() == f"{name} Jr"  # the typing stays while theirs comes in
    assert window.page.details.fields["email"].text() == "sr@example.org"

    qtbot.keyClick(field, Qt.Key.Key_Return)
    [said] = window.page.details.errors.messages()  # under the name field, in sight
    assert said.startswith(f"{name} Sr's name was changed since you began: it is now “{name} Sr”. Nothing was saved.")
    assert "save again" in said
    assert not window.page.details.general_error.isVisible()
    label = window.page.details.errors._labels["name"][0]
    assert label.isVisible() and not label.visibleRegion().isEmpty()
    assert customers.get_customer(chosen).name == f"{name} Sr"  # theirs stands
    assert field.text() == f"{name} Jr" and QApplication.focusWidget() is field
    assert window.undo_stack.count() == 0

    qtbot.keyClick(field, Qt.Key.Key_Return)  # seen, and saved again: the person's name replaces theirs
    saved = customers.get_customer(chosen)
    assert (saved.name, saved.email) == (f"{name} Jr", "sr@example.org")
    assert window.page.details.errors.messages() == []
    assert window.undo_stack.count() == 1


def test_the_note_being_typed_is_the_persons_own_draft_never_a_colleagues(make_window, qtbot, pg_server, tmp_path,
                                                                          colleague_login):  # noqa: F811
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=5)
    ben = colleague_login.at(location)
    colleague(ben, "draft", "Ben's half-written note")  # Ben's Lately keeps the note he is typing

    def type_a_note(dialog):
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.summary, timeout=5000)
        gc.collect()
        qtbot.keyClicks(dialog.summary, "Ada's own note")
        qtbot.waitUntil(lambda: (drafts.load_draft(drafts.QUICK_CAPTURE) or {}).get("summary") == "Ada's own note",
                        timeout=5000)  # saved as typed, as her own draft
        assert colleague(ben, "draft?") == "Ben's half-written note"
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    in_modal(qtbot, window.actions.quick_capture.trigger, type_a_note)
    assert drafts.load_draft(drafts.QUICK_CAPTURE) is None  # her note is saved, her draft gone
    assert colleague(ben, "draft?") == "Ben's half-written note"  # his is still there for him


def test_a_colleague_deleting_the_one_customer_found_leaves_the_find_not_an_empty_journal(make_window, qtbot, pg_server,
                                                                                       tmp_path):
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=8)
    chosen = window.current_customer()
    name = customers.get_customer(chosen).name
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    find = window.customer_list.filter_box
    assert QApplication.focusWidget() is find
    gc.collect()
    qtbot.keyClicks(find, name)
    qtbot.waitUntil(lambda: visible_names(window) == [name], timeout=5000)

    colleague(location, "delete", chosen)
    qtbot.waitUntil(lambda: window.current_customer() is None, timeout=15_000)
    assert window.central.currentWidget() is window.splitter  # not "Your journal is empty"
    assert f"No customer matches “{name}”" in window.no_selection.text()
    assert QApplication.focusWidget() is find and find.text() == name


def test_a_note_on_a_customer_a_colleague_deleted_meanwhile_stays_open_and_says_so(make_window, qtbot, pg_server,
                                                                                   tmp_path):
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=8)
    chosen = window.current_customer()
    name = customers.get_customer(chosen).name

    def write_while_they_delete(dialog):
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.summary, timeout=5000)
        gc.collect()
        qtbot.keyClicks(dialog.summary, "Talked about the walnut table")
        colleague(location, "delete", chosen)
        qtbot.waitUntil(lambda: window.current_customer() is None, timeout=15_000)  # their delete came in
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert dialog.isVisible()  # nothing typed is lost
        assert dialog.errors.messages() == [f"Customer: {name} is in the trash now: Edit › Trash brings them back"]
        assert dialog.summary.text() == "Talked about the walnut table"

    in_modal(qtbot, window.actions.quick_capture.trigger, write_while_they_delete)


def test_a_note_both_edited_is_refused_at_its_field_then_saved_again_on_purpose(make_window, qtbot, pg_server,
                                                                               tmp_path):
    from .test_main_window import timeline_titles
    from .test_timeline_keys import current_title, tab_into_timeline

    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=5)
    chosen = window.current_customer()
    note = int(colleague(location, "note", chosen, "Walnut table call"))
    qtbot.waitUntil(lambda: "Walnut table call" in timeline_titles(window), timeout=15_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    timeline = tab_into_timeline(qtbot, window)
    for _ in range(40):  # down the feed to the note (the demo's own notes may be later)
        if current_title(timeline) == "Walnut table call":
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert current_title(timeline) == "Walnut table call"

    def edit_while_they_edit(dialog):
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        assert QApplication.focusWidget() is dialog.summary
        gc.collect()
        qtbot.keyClick(dialog.summary, Qt.Key.Key_End)
        qtbot.keyClicks(dialog.summary, " about the legs")
        colleague(location, "edit-note", note, "summary=Walnut table call, ben's words", "notes=They want oak")
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert dialog.isVisible()
        assert dialog.errors.messages() == ["Summary: changed since you began: it is now “Walnut table call, "
                                            "ben's words”. Nothing was saved; save again to put yours in its place"]
        assert QApplication.focusWidget() is dialog.summary
        assert dialog.summary.text() == "Walnut table call about the legs"
        assert interactions.get_interaction(note).summary == "Walnut table call, ben's words"  # theirs stands

        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # on purpose
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    in_modal(qtbot, lambda: qtbot.keyClick(timeline.list, Qt.Key.Key_Return), edit_while_they_edit)
    saved = interactions.get_interaction(note)
    assert (saved.summary, saved.notes) == ("Walnut table call about the legs", "They want oak")  # theirs kept


def test_the_customer_shown_deleted_by_a_colleague_is_said_in_the_status_bar(make_window, qtbot, pg_server, tmp_path):
    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=6)
    user = pg_server.admin.execute("SELECT session_user").fetchone()[0]
    chosen = window.current_customer()
    name = customers.get_customer(chosen).name
    colleague(location, "delete", chosen)
    qtbot.waitUntil(lambda: window.current_customer() is None, timeout=15_000)
    assert window.statusBar().currentMessage() == (f"{name} is in the trash now ({user}'s change): "
                                                   "Edit › Trash brings them back.")
    assert name not in visible_names(window)


def test_saving_again_what_the_journal_tidied_is_not_taken_for_a_colleagues_change(make_window, qtbot):
    """A file journal is enough: the person's own save, tidied (a tag typed twice),
    must not leave an edit behind that a second save would find changed since."""
    window = make_window(populate=lambda: customers.create_customer(name="Ada Lovelace"))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    details = window.page.details
    qtbot.waitUntil(lambda: QApplication.focusWidget() is details.fields["name"])
    gc.collect()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    tags = details.fields["tags"]
    assert QApplication.focusWidget() is tags
    qtbot.keyClicks(tags, "vip, VIP,  trade ")
    qtbot.keyClick(tags, Qt.Key.Key_Return)
    assert customers.get_customer(window.current_customer()).tags == ("trade", "vip")
    assert tags.text() == "trade, vip" and details.changes() == {}  # the form shows what was saved
    qtbot.keyClick(tags, Qt.Key.Key_Return)
    assert details.errors.messages() == []
    assert window.statusBar().currentMessage() == "Nothing to save"


def test_settings_saved_keep_a_colleagues_change_to_another_setting(make_window, qtbot, pg_server, tmp_path):
    from journal.writes import settings

    window, location = team_window(make_window, qtbot, pg_server, tmp_path, customers=4)
    cadence = settings.get_settings().default_cadence_days

    def rename_while_they_change_the_cadence(dialog):
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is dialog.owner
        gc.collect()
        qtbot.keyClick(dialog.owner, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.owner, "Ada Byron")
        colleague(location, "cadence", cadence + 11)
        qtbot.keyClick(dialog.owner, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    in_modal(qtbot, window.actions.settings.trigger, rename_while_they_change_the_cadence)
    saved = settings.get_settings()
    assert (saved.owner_name, saved.default_cadence_days) == ("Ada Byron", cadence + 11)
