"""The main window driven as a person would: keys and clicks on a real journal file."""

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from journal.writes import customers, interactions, purchases
from journal.storage.models import Interaction
from ui.common import commands
from ui.capture.capture import CaptureDialog
from ui.customers.customer_list import CustomerListModel
from ui.timeline.timeline_view import ENTRY_ROLE, TimelineModel


def people():
    ada = customers.create_customer(name="Ada Lovelace", company="Analytical Engines", interests="poetry")
    customers.create_customer(name="Bob Builder", company="Timber & Co")
    customers.create_customer(name="Grace Hopper", company="Navy Labs", stage="prospect")
    purchases.add_purchase(ada.id, date.today() - timedelta(days=40), "Oak table", 180_000)
    interactions.log_interaction(ada.id, "article", "out", "Sent a poem", occurred_at=datetime.now() - timedelta(days=30))


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key press at window level, as after a person clicks back into the window."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, key, modifier)


def visible_names(window):
    model = window.customer_list.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def timeline_titles(window):
    model = window.page.timeline.model
    heading = Qt.ItemDataRole.UserRole + 2
    return [model.index(r).data() for r in range(model.rowCount()) if not model.index(r).data(heading)]


class DialogDriver:
    """Runs `fill(dialog)` once the next modal dialog is open. A failure inside
    closes the dialog (so the test fails instead of hanging) and is raised again
    by check()."""

    def __init__(self, fill):
        self.fill = fill
        self.error = None
        self.ran = False
        QTimer.singleShot(0, self._run)

    def _run(self):
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, QDialog), "a dialog should be open"
            dialog.activateWindow()
            self.fill(dialog)
        except BaseException as exc:  # noqa: BLE001 - re-raised in check()
            self.error = exc
            if isinstance(dialog, QDialog) and dialog.isVisible():
                QDialog.reject(dialog)
        finally:
            self.ran = True

    def check(self):
        assert self.ran, "no dialog opened"
        if self.error:
            raise self.error


def drive_dialog(qtbot, fill):
    driver = DialogDriver(fill)
    _drivers.append(driver)
    return driver


_drivers: list[DialogDriver] = []


@pytest.fixture(autouse=True)
def dialogs_checked():
    _drivers.clear()
    yield
    for driver in _drivers:
        driver.check()


def test_first_run_explains_what_to_do(make_window):
    window = make_window()
    assert window.central.currentWidget() is window.empty_state
    texts = " ".join(w.text() for w in window.empty_state.findChildren(type(window.no_selection)))
    assert "Your journal is empty" in texts


def test_find_a_customer_by_typing_part_of_the_company(qtbot, make_window):
    window = make_window(populate=people)
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.customer_list.filter_box.hasFocus()
    qtbot.keyClicks(window.customer_list.filter_box, "timber")
    assert visible_names(window) == ["Bob Builder"]
    qtbot.keyClick(window.customer_list.filter_box, Qt.Key.Key_Return)
    assert window.page.header.name.text() == "Bob Builder"
    window.customer_list.filter_box.clear()
    assert len(visible_names(window)) == 3


def test_the_filter_keeps_the_chosen_customer_and_follows_renames(qtbot, make_window):
    window = make_window(populate=people)
    box = window.customer_list.filter_box
    bob = customers.find_by_name("Bob Builder").id
    window.open_customer(bob)
    with qtbot.assertNotEmitted(window.customer_list.customer_selected):
        qtbot.keyClicks(box, "b")  # Bob still matches: he stays chosen, the page stays
    assert visible_names(window) == ["Bob Builder", "Grace Hopper"]  # Navy Labs
    assert window.customer_list.current_id() == bob
    qtbot.keyClicks(box, "ob")
    assert visible_names(window) == ["Bob Builder"]
    window._perform(commands.EditCustomer(window.events, bob, {"name": "Robert Builder"}))
    assert visible_names(window) == ["Robert Builder"]  # no "bob" now, but the customer being edited stays
    assert window.page.header.name.text() == "Robert Builder"
    box.clear()
    qtbot.keyClicks(box, "robert")  # the filter searches the new name
    assert visible_names(window) == ["Robert Builder"]
    box.clear()
    qtbot.keyClicks(box, "  HOP  ")  # case and spaces do not matter
    assert visible_names(window) == ["Grace Hopper"]
    assert window.page.header.name.text() == "Grace Hopper"  # the only match is chosen


def test_log_a_meeting_with_the_keyboard_alone_then_edit_delete_undo(qtbot, make_window):
    window = make_window(populate=people)
    window.customer_list.filter_box.setText("grace")
    qtbot.keyClick(window.customer_list.filter_box, Qt.Key.Key_Return)

    def fill(dialog):
        assert isinstance(dialog, CaptureDialog)
        assert dialog.customer.text() == "Grace Hopper — Navy Labs"  # the current customer, already chosen
        assert dialog.focusWidget() is dialog.summary  # the caret waits in the summary
        qtbot.keyClicks(dialog.summary, "Coffee at the harbour")
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Tab)  # to the notes
        qtbot.keyClicks(dialog.notes, "Wants a quote for shelves")
        dialog.follow_up_in(7)
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return)  # Enter saves

    drive_dialog(qtbot, fill)
    press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert timeline_titles(window)[0] == "Coffee at the harbour"
    row = Interaction.get(Interaction.summary == "Coffee at the harbour")
    assert row.kind == "meeting" and row.direction == "out" and row.notes == "Wants a quote for shelves"
    assert row.follow_up_on == date.today() + timedelta(days=7)

    # Edit: Enter on the entry opens it; change the summary and save with Enter.
    timeline = window.page.timeline
    timeline.list.setFocus()
    timeline.list.setCurrentIndex(timeline.model.index(1))  # row 0 is the month heading

    def edit(dialog):
        assert dialog.windowTitle() == "Edit interaction"
        dialog.summary.selectAll()
        qtbot.keyClicks(dialog.summary, "Coffee and cake at the harbour")
        qtbot.keyClick(dialog.summary, Qt.Key.Key_Return)

    drive_dialog(qtbot, edit)
    qtbot.keyClick(timeline.list, Qt.Key.Key_Return)
    assert timeline_titles(window)[0] == "Coffee and cake at the harbour"

    # Delete with the Delete key, then undo with Ctrl+Z.
    timeline.list.setCurrentIndex(timeline.model.index(1))
    qtbot.keyClick(timeline.list, Qt.Key.Key_Delete)
    assert "Coffee and cake at the harbour" not in timeline_titles(window)
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert timeline_titles(window)[0] == "Coffee and cake at the harbour"
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the edit too
    assert timeline_titles(window)[0] == "Coffee at the harbour"


def test_capture_from_anywhere_finds_customer_by_part_of_name(qtbot, make_window):
    window = make_window(populate=people)
    window.customer_list.table.setFocus()

    def fill(dialog):
        dialog.customer.clear()
        qtbot.keyClicks(dialog.customer, "lovel")
        dialog.kind.set_kind("call")
        dialog.in_button.click()
        qtbot.keyClicks(dialog.summary, "She called about chairs")
        dialog.accept()

    drive_dialog(qtbot, fill)
    window.actions.quick_capture.trigger()
    assert window.page.header.name.text() == "Ada Lovelace"
    assert timeline_titles(window)[0] == "She called about chairs"


def test_capture_shows_the_problem_beside_the_field_and_keeps_the_text(qtbot, make_window):
    window = make_window(populate=people)
    seen = {}

    def fill(dialog):
        dialog.customer.setText("zz-nobody")
        qtbot.keyClicks(dialog.notes, "Important words")
        dialog.accept()
        seen["errors"] = dialog.errors.messages()
        seen["open"] = dialog.isVisible()
        seen["notes"] = dialog.notes.toPlainText()
        dialog.customer.setText("Bob")
        dialog.accept()
        seen["summary_error"] = dialog.errors.messages()
        dialog.summary.setText("Met at the fair")
        when = dialog.when.date()
        dialog.follow_up.setChecked(True)
        dialog.follow_up_date.setDate(when.addDays(-2))
        dialog.accept()
        seen["follow_error"] = dialog.errors.messages()
        dialog.follow_up.setChecked(False)
        dialog.accept()

    drive_dialog(qtbot, fill)
    window.quick_capture()
    assert seen["errors"] == ["Customer: no customer matches “zz-nobody”"]
    assert seen["open"] and seen["notes"] == "Important words"
    assert seen["summary_error"] == ["Summary: must not be empty"]
    assert "is before the interaction itself" in seen["follow_error"][0]
    assert Interaction.select().where(Interaction.summary == "Met at the fair").count() == 1


def test_escape_with_notes_asks_first_and_draft_survives_a_crash(qtbot, make_window, no_modal_boxes, tmp_path,
                                                                   monkeypatch):
    window = make_window(populate=people)

    def fill(dialog):
        qtbot.keyClicks(dialog.notes, "Half a thought")
        dialog.save_draft()  # what the typing timer does
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    drive_dialog(qtbot, fill)
    window.quick_capture()
    assert no_modal_boxes[-1][1] == "Discard this note?"

    # A draft left behind (as by a crash) is offered on the next start.
    from journal.writes import drafts

    drafts.save_draft("quick_capture", {"customer_text": "Ada Lovelace — Analytical Engines", "kind": "call",
                                        "direction": "in", "summary": "Rang about the table",
                                        "notes": "Typed before the crash", "occurred_at": "2026-01-02T10:00:00"})
    restored = {}

    def check(dialog):
        restored["notes"] = dialog.notes.toPlainText()
        restored["customer"] = dialog.customer.text()
        dialog.accept()

    no_modal_boxes.clear()
    from PySide6.QtWidgets import QMessageBox

    from .modal_helpers import when_open

    when_open(qtbot, QMessageBox, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return))  # Yes, continue it
    when_open(qtbot, CaptureDialog, check)
    window._offer_draft()
    assert restored == {"notes": "Typed before the crash", "customer": "Ada Lovelace — Analytical Engines"}
    assert drafts.load_draft("quick_capture") is None
    assert Interaction.get(Interaction.summary == "Rang about the table").notes == "Typed before the crash"


def test_new_customer_details_and_archive(qtbot, make_window):
    window = make_window(populate=people)

    def fill(dialog):
        qtbot.keyClicks(dialog.name, "Katherine Johnson")
        qtbot.keyClicks(dialog.email, "not-an-email")
        dialog.accept()
        assert dialog.errors.messages() == ["Email: 'not-an-email' is not an email address"]
        dialog.email.setText("kj@example.org")
        dialog.accept()

    drive_dialog(qtbot, fill)
    window.actions.new_customer.trigger()
    assert window.page.header.name.text() == "Katherine Johnson"

    details = window.page.details
    window.actions.edit_details.trigger()
    details.fields["interests"].setText("orbits, chess")
    details.fields["cadence_days"].setValue(0)
    details.fields["email"].setText("broken@")
    qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
    assert details.errors.messages() == ["Email: 'broken@' is not an email address"]
    details.fields["email"].setText("kj@nasa.example")
    qtbot.mouseClick(details.save_button, Qt.MouseButton.LeftButton)
    saved = customers.find_by_name("Katherine Johnson")
    assert saved.interests == "orbits, chess" and saved.email == "kj@nasa.example"

    window.actions.archive.trigger()
    assert "Katherine Johnson" not in visible_names(window)
    window.undo_stack.undo()
    assert "Katherine Johnson" in visible_names(window)


def test_purchase_and_connection_from_the_customer_page(qtbot, make_window):
    window = make_window(populate=people)
    window.customer_list.select(customers.find_by_name("Bob Builder").id)

    def purchase(dialog):
        dialog.product.setText("Walnut shelf")
        dialog.amount.setText("-5")
        dialog.accept()
        assert dialog.errors.messages() == ["Amount: must not be negative"]
        dialog.amount.setText("1,250.50")
        dialog.accept()

    drive_dialog(qtbot, purchase)
    window.page.purchase_button.click()
    assert window.page.header.purchases.value.text().startswith("1 purchase")
    assert timeline_titles(window)[0] == "Bought Walnut shelf"

    def connect(dialog):
        dialog.other.setText("Bob")
        dialog.accept()
        assert dialog.errors.messages() == ["Customer: no customer matches “Bob”"]
        dialog.other.setText("Grace")
        dialog.referred_them.setChecked(True)
        dialog.accept()

    drive_dialog(qtbot, connect)
    window.page.connect_button.click()
    assert "Grace Hopper referred Bob Builder" in timeline_titles(window)


def test_window_restores_size_splitter_and_last_customer(qtbot, make_window, tmp_path):
    window = make_window(populate=people)
    window.lately.close()  # as on a small screen; the offscreen screen is 800 x 600

    def resized():  # the layout lets go of the dock's width once Qt has processed the close
        window.resize(760, 560)
        return window.width() == 760

    qtbot.waitUntil(resized)
    window.customer_list.select(customers.find_by_name("Grace Hopper").id)
    window.splitter.setSizes([300, 450])
    sizes = window.splitter.sizes()
    window.close()
    again = make_window(path=tmp_path / "journal.sqlite3")
    assert again.page.header.name.text() == "Grace Hopper"
    assert again.size().width() == 760
    assert not again.lately.isVisible()
    assert again.splitter.sizes() == sizes


def test_item_models_pass_the_model_tester(qtmodeltester, make_window):
    make_window(populate=people)
    model = CustomerListModel()
    model.reload()
    qtmodeltester.check(model)
    model.set_filter("a")
    qtmodeltester.check(model)
    model.set_filter("")
    model.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    timeline = TimelineModel()
    ada = customers.find_by_name("Ada Lovelace")
    timeline.show_customer(ada.id)
    qtmodeltester.check(timeline)


def test_timeline_of_5000_entries_loads_in_pages(qtbot, make_window):
    def many():
        c = customers.create_customer(name="Busy Bee")
        start = datetime(2020, 1, 1, 9)
        from journal.storage.models import Interaction as I
        rows = [dict(customer=c.id, occurred_at=start + timedelta(hours=7 * n), kind="call", direction="out",
                     summary=f"Call {n}") for n in range(5000)]
        with I._meta.database.atomic():
            for chunk in range(0, 5000, 500):
                I.insert_many(rows[chunk:chunk + 500]).execute()

    window = make_window(populate=many)
    model = window.page.timeline.model
    assert model.total == 5000
    first_rows = model.rowCount()
    assert first_rows < 200  # one page and its month headings, not 5,000 rows
    assert model.index(1).data(ENTRY_ROLE).title == "Call 4999"
    window.page.timeline.list.scrollToBottom()
    while model.canFetchMore():
        model.fetchMore()
    entries = [model.index(r).data(ENTRY_ROLE) for r in range(model.rowCount())]
    titles = [e.title for e in entries if not isinstance(e, tuple)]
    assert len(titles) == 5000 and titles[-1] == "Call 0"


def test_clicking_a_column_header_sorts_and_keeps_the_selection(qtbot, make_window):
    window = make_window(populate=people)
    table = window.customer_list.table
    header = table.horizontalHeader()
    window.customer_list.select(customers.find_by_name("Bob Builder").id)

    def click(column):
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    from ui.customers.customer_list import COMPANY, NAME
    click(COMPANY)
    assert [window.customer_list.model.index(r, COMPANY).data() for r in range(3)] == \
        ["Analytical Engines", "Navy Labs", "Timber & Co"]
    click(COMPANY)
    assert visible_names(window) == ["Bob Builder", "Grace Hopper", "Ada Lovelace"]
    assert table.currentIndex().data() == "Bob Builder"  # still the selected customer
    click(NAME)
    assert visible_names(window) == ["Ada Lovelace", "Bob Builder", "Grace Hopper"]


def test_settings_set_default_and_tag_cadences(qtbot, make_window):
    def populate():
        people()
        customers.update_customer(customers.find_by_name("Bob Builder").id, tags=["vip"])

    window = make_window(populate=populate)

    def fill(dialog):
        dialog.owner.setText("Alex Morgan")
        dialog.cadence.setValue(45)
        dialog.kept.setValue(7)
        dialog.tags.item(0, 1).setText("often")
        dialog.accept()
        assert dialog.errors.messages() == ["Cadence days: 'often' is not a whole number"]
        dialog.tags.item(0, 1).setText("14")
        dialog.accept()

    drive_dialog(qtbot, fill)
    window.actions.settings.trigger()
    from journal.writes import settings

    assert settings.get_settings().owner_name == "Alex Morgan"
    assert settings.get_settings().backups_kept == 7
    model = window.customer_list.model
    cadences = {model.customer_at(r).name: model.customer_at(r).cadence_days for r in range(model.rowCount())}
    assert cadences == {"Ada Lovelace": 45, "Bob Builder": 14, "Grace Hopper": 45}


def test_quit_and_settings_have_keys_on_every_platform(make_window):
    window = make_window()
    assert window.actions.quit.shortcuts() and window.actions.settings.shortcuts()


def test_a_change_to_one_customer_refreshes_only_their_row(qtbot, make_window):
    window = make_window(populate=people)
    model = window.customer_list.model
    grace = customers.find_by_name("Grace Hopper").id
    window.open_customer(grace)
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        window._perform(commands.LogInteraction(window.events, grace, dict(
            kind="check_in", direction="out", summary="Checked in", occurred_at=datetime.now())))
    row = model.customer_at(model.row_of(grace))
    assert row.last_value_kind == "check_in"
    with qtbot.assertNotEmitted(model.modelReset):
        window._perform(commands.EditCustomer(window.events, grace, {"name": "Aaron Grace"}))
    assert visible_names(window) == ["Aaron Grace", "Ada Lovelace", "Bob Builder"]  # re-sorted by name
    assert window.page.header.name.text() == "Aaron Grace"
    with qtbot.waitSignal(model.modelReset):  # archiving takes them off the list: the list changes
        window.actions.archive.trigger()
    assert "Aaron Grace" not in visible_names(window)


def test_purchases_and_connections_can_be_deleted_from_the_timeline_and_undone(qtbot, make_window):
    def populate():
        people()
        from journal.writes import connections as links

        links.add_connection(customers.find_by_name("Ada Lovelace").id, customers.find_by_name("Bob Builder").id,
                             "referred")

    window = make_window(populate=populate)
    window.open_customer(customers.find_by_name("Ada Lovelace").id)
    timeline = window.page.timeline

    def select(title):
        row = next(r for r in range(timeline.model.rowCount()) if timeline.model.index(r).data() == title)
        timeline.list.setCurrentIndex(timeline.model.index(row))

    select("Ada Lovelace referred Bob Builder")
    qtbot.keyClick(timeline.list, Qt.Key.Key_Delete)
    select("Bought Oak table")
    qtbot.keyClick(timeline.list, Qt.Key.Key_Delete)
    assert "Bought Oak table" not in timeline_titles(window)
    assert "Ada Lovelace referred Bob Builder" not in timeline_titles(window)
    assert window.page.header.purchases.value.text() == "None yet"
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert {"Bought Oak table", "Ada Lovelace referred Bob Builder"} <= set(timeline_titles(window))
    assert window.page.header.purchases.value.text().startswith("1 purchase")
