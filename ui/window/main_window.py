"""The main window: the customer list beside the selected customer's page, the
Lately panel as a dock, menus and a toolbar; every change through the undo stack."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QPalette, QUndoStack
from PySide6.QtWidgets import (
    QApplication, QLabel, QMainWindow, QMessageBox, QPushButton, QSplitter, QStackedWidget, QToolBar, QVBoxLayout,
    QWidget,
)

from peewee import DatabaseError

from journal import __version__
from journal.writes import customers, drafts, interactions
from journal.storage import db, models
from journal.writes import settings as journal_settings
from journal.errors import ChangedSince, NotFound, ValidationError
from journal.session import Journal
from journal.rules import words

from ui.common import commands
from ui.common import format as fmt
from ui.common import icons
from ui.files import team_changes, team_mode
from ui.files.team_changes import ColleagueChanges
from ui.window.actions import build_actions
from ui.customers.customer_list import CustomerList
from ui.customers.customer_page import CustomerPage
from ui.common.errors import describe_save_error
from ui.common.events import JournalEvents
from ui.files.journal_files import JournalFiles
from ui.lately.lately_panel import LatelyPanel
from ui.common.selection import CurrentCustomer
from ui.common.tasks import run_with_progress, wait_for_background
from ui.common.theme import title_font


class EmptyState(QWidget):
    """What a new user sees: what Lately is for and the first two things to do."""

    def __init__(self, window):
        super().__init__()
        title = QLabel("Your journal is empty")
        title.setFont(title_font(self.font(), 1.8))
        text = QLabel(
            "Lately keeps what you do for each customer — thank-you cards, check-ins, introductions —\n"
            "and tells you whom you have not done anything for lately.\n\n"
            "Start by adding a customer you met recently, then log what happened (Ctrl+L).")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, in either scheme
        add = QPushButton("Add your first customer")
        add.clicked.connect(window.new_customer)
        demo = QPushButton("Explore the demo journal")
        demo.clicked.connect(window.files.open_demo)
        for button in (add, demo):  # Enter presses the one with the focus, as in a dialog (else only Space)
            button.setAutoDefault(True)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (title, text):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(demo, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)


class MainWindow(QMainWindow):
    first_painted = Signal()
    _list_room_chosen = False  # True once restored or dragged: then the divider stays where the user put it
    START_ANYWAY_MS = 3000  # shown but not painted by then (started minimised, say): start the rest anyway

    def __init__(self, journal: Journal | str | Path, *, demo: bool = False, check_integrity: bool = True,
                 lock=None, daily_backup: bool = True):
        """`journal`: the open session, or the path of a journal already opened
        (and locked with `lock`, when given) by the caller."""
        super().__init__()
        self._painted = self._started = False
        session = journal if isinstance(journal, Journal) else Journal(journal, demo=demo, lock=lock, locked=True)
        self.events = JournalEvents(self)
        self.undo_stack = QUndoStack(self)
        self.files = JournalFiles(session, self, self.events, self.undo_stack)
        self.files.raise_requested.connect(self.bring_to_front)
        self.current = CurrentCustomer(self)
        self.actions = build_actions(self)

        self.customer_list = CustomerList()
        self.page = CustomerPage()
        self.no_selection = QLabel("Choose a customer on the left, or press Ctrl+N to add one.",
                                   alignment=Qt.AlignmentFlag.AlignCenter)
        self.no_selection.setWordWrap(True)
        self._choose_a_customer = self.no_selection.text()  # said again once a find matches someone
        self.page_stack = QStackedWidget()
        self.page_stack.addWidget(self.no_selection)
        self.page_stack.addWidget(self.page)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.customer_list)
        self.splitter.addWidget(self.page_stack)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        self.splitter.setChildrenCollapsible(False)
        self.empty_state = EmptyState(self)
        self.central = QStackedWidget()
        self.central.addWidget(self.empty_state)
        self.central.addWidget(self.splitter)
        self.setCentralWidget(self.central)
        self.lately = LatelyPanel(self)
        self.lately.setMinimumWidth(300)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.lately)
        self.colleagues = ColleagueChanges(self)  # a team journal: colleagues' changes shown as they are made
        self._menus()
        self._update_protection_actions()
        self._connect()
        self.statusBar()
        self._first_size()
        self._restore_state()
        self.colleagues.follow(self.session)  # before the journal is read: nothing a colleague writes meanwhile is missed
        self._load()
        self._check_on_start = check_integrity
        if daily_backup:
            QTimer.singleShot(1500, self.files, self.files.daily_backup)

    # -- the journal session ----------------------------------------------------------------------
    @property
    def session(self) -> Journal:
        return self.files.session

    @property
    def journal_path(self) -> Path:
        return self.session.path

    @property
    def is_demo(self) -> bool:
        return self.session.demo

    def recover(self, problem: str):
        """Offer a backup or another journal (the database-error watch calls this)."""
        self.files.recover(problem)

    def _journal_opened(self):
        """Another journal, or this one restored: nothing of what was shown stays."""
        self.undo_stack.clear()
        self.current.set(None)
        self.page.forget()
        self.customer_list.forget_find()
        self._journal_reopened()
        QTimer.singleShot(0, self, self._offer_draft)  # a note left half-typed there (or moved there with it)

    def _journal_reopened(self):
        self.colleagues.follow(self.session)
        self._load()
        self.lately.list.start_over()  # another journal: neither the item nor the place of the one before
        self.lately.refresh()
        self._update_protection_actions()

    def _update_protection_actions(self):
        protected = self.files.is_protected()
        for action, shown in ((self.actions.protect, not protected), (self.actions.change_passphrase, protected),
                              (self.actions.remove_protection, protected)):
            action.setVisible(shown)
            action.setEnabled(shown)
        for action, shown in ((self.actions.leave_demo, self.is_demo), (self.actions.open_demo, not self.is_demo)):
            action.setVisible(shown)
            action.setEnabled(shown)
        team_mode.update_actions(self)  # a team journal: no passphrase, no restore; move to a file instead

    # -- after the first paint: the window comes first, then the work that can wait ----------------
    def showEvent(self, event):
        super().showEvent(event)
        QTimer.singleShot(self.START_ANYWAY_MS, self, self._after_first_paint)  # (not once the window is gone)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if not self._list_room_chosen:  # until the user drags the divider, the list keeps its columns whole
            QTimer.singleShot(0, self, self._give_the_list_room)

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self._after_first_paint)

    def _after_first_paint(self):
        if self._started:
            return
        self._started = True
        if self._painted:
            self.first_painted.emit()
        if not self.isVisible():  # closed at once (lately --measure-startup)
            return
        self._give_the_list_room()
        self.lately.refresh()
        if self._check_on_start:
            self.files.check_integrity()
        self.files.listen()  # a second launch can now bring this window to the front
        self._offer_draft()

    # -- building -------------------------------------------------------------------------------
    def _menus(self):
        a = self.actions
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for item in (a.new_journal, a.open_journal, a.connect_team, a.open_demo, a.leave_demo, None, a.import_customers,
                     a.import_purchases, a.import_journal):
            file_menu.addSeparator() if item is None else file_menu.addAction(item)
        export_menu = file_menu.addMenu("&Export")
        for item in (a.export_customers, a.export_interactions, a.export_journal, a.export_follow_ups):
            export_menu.addAction(item)
        for item in (None, a.backup_now, a.restore_backup, a.move_to_server, a.move_to_file, None, a.protect,
                     a.change_passphrase, a.remove_protection, None, a.quit):
            file_menu.addSeparator() if item is None else file_menu.addAction(item)
        edit_menu = bar.addMenu("&Edit")
        for item in (a.undo, a.redo, None, a.find, a.search, None, a.trash, a.settings):
            edit_menu.addSeparator() if item is None else edit_menu.addAction(item)
        customer_menu = bar.addMenu("&Customer")
        for item in (a.new_customer, a.quick_capture, a.log_purchase, a.connect, None, a.cards, a.add_to_cards,
                     None, a.edit_details, a.archive, a.delete_customer, None, a.merge_with, a.possible_duplicates):
            customer_menu.addSeparator() if item is None else customer_menu.addAction(item)
        self.view_menu = bar.addMenu("&View")
        toggle = self.lately.toggleViewAction()
        toggle.setText("&Lately panel")
        toggle.triggered.connect(self._lately_toggled)
        self.lately.visibilityChanged.connect(self._lately_shown)
        self.view_menu.addAction(toggle)
        self.view_menu.addAction(a.lately_list)
        self.view_menu.addAction(a.next_pane)
        self.view_menu.addAction(a.previous_pane)
        self.view_menu.addSeparator()
        self.view_menu.addAction(a.show_archived)
        self._sort_menu(self.view_menu.addMenu("&Sort customers by"))
        self.view_menu.addAction(a.graph)
        self._appearance_menu(self.view_menu.addMenu("A&ppearance"))  # (&a is for archived)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a.shortcuts)
        help_menu.addAction(a.about)
        # Shift+F10: the menu of what has the focus, on every platform (only the
        # Menu key opens it on Linux and macOS, and most laptops have none), in
        # this window and in the dialogs it opens.
        from ui.window import panes

        panes.install_menu_key(self)
        toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        icons.dress_actions(a, toolbar)  # pictures beside the words, redrawn light or dark
        for item in (a.quick_capture, a.new_customer, a.search, a.cards, a.graph, None, a.undo, a.redo):
            toolbar.addSeparator() if item is None else toolbar.addAction(item)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _sort_menu(self, menu):
        """The list's sort, for the keyboard (the headings take no focus): each
        column in its natural order, reversed when chosen again; checked as the
        headings are clicked too."""
        from PySide6.QtGui import QActionGroup

        from ui.customers import customer_list as cl

        labels = {cl.NAME: "&Name", cl.COMPANY: "&Company", cl.STAGE: "&Stage", cl.SINCE: "Customer s&ince",
                  cl.LAST_CONTACT: "&Last contact", cl.LAST_VALUE: "Last value &given", cl.OVERDUE: "&Overdue"}
        group = QActionGroup(menu)
        self.sort_actions = {}
        for column, text in labels.items():
            action = menu.addAction(text)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked, c=column: self.customer_list.choose_sort(c))
            group.addAction(action)
            self.sort_actions[column] = action
        header = self.customer_list.table.horizontalHeader()

        def show_sort(column, _order):
            if column in self.sort_actions:
                self.sort_actions[column].setChecked(True)

        header.sortIndicatorChanged.connect(show_sort)
        show_sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _appearance_menu(self, menu):
        """System follows the desktop's scheme; Light and Dark hold regardless."""
        from PySide6.QtGui import QActionGroup

        from ui.common import theme

        group = QActionGroup(menu)
        chosen = theme.chosen_appearance()
        self.appearance_actions = {}
        for key, text in theme.APPEARANCES.items():
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(key == chosen)
            action.triggered.connect(lambda _checked, k=key: theme.set_appearance(k))
            group.addAction(action)
            self.appearance_actions[key] = action

    def _connect(self):
        self.files.opened.connect(self._journal_opened)
        self.files.reopened.connect(self._journal_reopened)
        self.customer_list.customer_selected.connect(self.current.set)
        self.customer_list.found_nobody.connect(self._found_nobody)
        self.current.changed.connect(self._follow_current)
        self.lately.follow(self.current)
        self.customer_list.columns_fitted.connect(self._give_the_list_room)  # measured after the first paint
        self.events.changed.connect(self._journal_changed)
        self.colleagues.changed.connect(self._colleagues_changed)
        self.events.error.connect(self._show_error)
        self.events.status.connect(lambda text: self.statusBar().showMessage(text, 6000))
        page = self.page
        page.log_requested.connect(lambda: self.quick_capture(self.current_customer()))
        page.purchase_requested.connect(self.log_purchase)
        page.connection_requested.connect(self.add_connection)
        page.archive_requested.connect(self.toggle_archive)
        page.details_save_requested.connect(self._save_details)
        page.timeline.edit_requested.connect(self.edit_interaction)
        page.timeline.delete_requested.connect(self.delete_entry)
        page.timeline.follow_up_done_requested.connect(self._follow_up_done)
        self.events.changed.connect(self.lately.refresh_soon)  # the customer changed: only what it affects
        self.lately.open_requested.connect(self.open_customer)
        self.lately.log_requested.connect(self.act_on)
        self.lately.snooze_requested.connect(self.snooze)
        self.lately.card_requested.connect(self.add_to_cards)
        self.undo_stack.indexChanged.connect(self._update_actions)
        self._update_actions()

    def _first_size(self):
        """Most of the screen on a first start (restored geometry wins later)."""
        screen = QApplication.primaryScreen()
        area = screen.availableGeometry() if screen else None
        width = min(1600, int(area.width() * 0.92)) if area else 1440
        height = min(980, int(area.height() * 0.92)) if area else 900
        if area and area.width() < 1500:  # a laptop screen (1366 × 768): all of it, less the window's frame
            width, height = area.width() - 16, area.height() - 48
        self.resize(max(width, 900), max(height, 600))

    def _settings(self) -> QSettings:
        from journal.storage.private import touch

        return QSettings(str(touch(db.data_dir() / "window.ini")), QSettings.Format.IniFormat)  # owner-only

    def _restore_state(self):
        settings = self._settings()
        # Docks first: a hidden dock no longer widens the minimum size the geometry must fit.
        state = settings.value("state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        geometry = settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = settings.value("splitter")
        self._list_room_chosen = isinstance(splitter, QByteArray)
        self.splitter.splitterMoved.connect(lambda *_: setattr(self, "_list_room_chosen", True))
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([560, 440])  # proportions: the list gets a little more
        if not isinstance(state, QByteArray):
            self.resizeDocks([self.lately], [340], Qt.Orientation.Horizontal)
        columns = settings.value("customer_columns")
        if isinstance(columns, QByteArray):
            self.customer_list.restore_header_state(columns)

    def _give_the_list_room(self):
        """On a first start, the list pane as wide as its name, company and overdue
        columns need, when the customer's page can spare it."""
        if self._list_room_chosen:
            return
        needed = self.customer_list.needed_width()
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if sizes[0] < needed and total - needed >= self.page_stack.minimumSizeHint().width():
            self.splitter.setSizes([needed, total - needed])

    def closeEvent(self, event):
        settings = self._settings()
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        settings.setValue("splitter", self.splitter.saveState())
        settings.setValue("customer_columns", self.customer_list.header_state())
        settings.setValue(self._last_customer_key(), self.current_customer() or 0)
        settings.sync()
        self.colleagues.stop()
        wait_for_background()
        if getattr(self, "graph_window", None) is not None:
            self.graph_window.view.canvas.wait()  # a picture being made reports to the view before it goes
        self.files.release()
        super().closeEvent(event)

    def _last_customer_key(self) -> str:
        # A digest of the path, the same in every process (hash() of a str is salted per process).
        import hashlib

        digest = hashlib.sha256(str(self.journal_path.resolve()).encode()).hexdigest()[:16]
        return "last_customer/" + ("demo" if self.is_demo else digest)

    def _load(self):
        # The platform adds the application's name ("journal.sqlite3 — Lately"): say it once.
        self.setWindowTitle("Demo journal" if self.is_demo else self.files.session.name)
        fmt.install(journal_settings.get_settings().currency)
        self.customer_list.reload()
        self._update_empty_state()
        last = int(self._settings().value(self._last_customer_key(), 0) or 0)
        if not (last and self.customer_list.select(last, emit=False)) and self.customer_list.model.rowCount():
            self.customer_list.table.selectRow(0)
        self.current.set(self.customer_list.current_id())

    def _update_empty_state(self):
        found = self.customer_list  # a find or a tag that matches nobody (any more) is not an empty journal
        empty = (found.model.rowCount() == 0 and not self.actions.show_archived.isChecked()
                 and not found.filter_box.text().strip() and found.model.tag is None)
        self.central.setCurrentWidget(self.empty_state if empty else self.splitter)

    # -- reacting -----------------------------------------------------------------------------------
    def current_customer(self) -> int | None:
        return self.current.id

    def _follow_current(self, customer_id: int | None) -> None:
        """The list's selection, the page and the actions follow the current customer."""
        if customer_id is None:
            self.no_selection.setText(self.customer_list.why_nobody() or self._choose_a_customer)
            self.page_stack.setCurrentWidget(self.no_selection)
        else:
            self.customer_list.select(customer_id, emit=False)
            try:
                self.page.show_customer(customer_id)
            except NotFound:  # gone meanwhile (deleted in another window, say)
                self.page_stack.setCurrentWidget(self.no_selection)
                self.current.set(None)
            else:
                self.page_stack.setCurrentWidget(self.page)
        self._update_actions()

    def _found_nobody(self, why: str) -> None:
        """The find box matches nobody: no customer is current, so nothing acts on
        one, and the page says why; the list brings them back when it matches again."""
        if why:
            self.current.set(None)
            self.no_selection.setText(why)

    def _journal_changed(self, customer_id):
        focus = customer_id if customer_id is not None else self.current.id
        self.customer_list.refresh(customer_id)
        self._update_empty_state()
        if focus is not None and self.customer_list.model.row_of(focus) is not None:
            if focus == self.current.id:
                self._follow_current(focus)  # the same customer, changed: their page shows the change
            else:
                self.current.set(focus)  # the customer the change was about becomes the current one
        elif self.current.id is not None and self.customer_list.model.row_of(self.current.id) is None:
            self.current.set(None)
        self._update_actions()
        cards_window = getattr(self, "cards_window", None)
        if cards_window is not None and cards_window.isVisible():  # who is waiting for a card may have changed
            cards_window.rebuild()

    def _colleagues_changed(self, change, users):
        """A colleague changed the team journal (`change.ids`: the customers,
        None: maybe anyone): what shows it is read again. Unlike the user's own
        change, the selection stays where the user put it, and so does the
        list's scroll. A graph position moved matters only to the graph."""
        ids, tables = change.ids, change.tables
        if tables is None or "setting" in tables:
            fmt.install(journal_settings.get_settings().currency)  # a colleague chose the currency, say
        gone = None
        if tables is None or tables - {"graph_position", "not_duplicate"}:
            gone = self._colleagues_changed_customers(ids, tables)
        graph_window = getattr(self, "graph_window", None)
        if graph_window is not None and (tables is None or tables & {"customer", "connection", "graph_position"}):
            graph_window.reload()  # off the GUI thread; its places kept
        about = None
        if ids is not None and len(ids) == 1:
            try:
                about = customers.get_customer(next(iter(ids))).name
            except NotFound:  # deleted, or gone for good
                pass
        said = (team_changes.deleted_words(gone, users) if gone else  # why the page they had open went away
                team_changes.status_words(users, about, models.me()))
        self.statusBar().showMessage(said, 6000)

    def _colleagues_changed_customers(self, ids, tables) -> str | None:
        """The list, the page shown, the Lately panel and the cards read again;
        the name of the customer shown if a colleague moved them to the trash."""
        self.customer_list.refresh_elsewhere()
        self._update_empty_state()
        current, gone = self.current.id, None
        if current is not None and (ids is None or current in ids):
            try:
                self.page.show_customer(current)  # their page and timeline; details being edited are kept
            except NotFound:  # a colleague deleted them: say why their page went away
                gone = self.page._customer.name if self.page._customer is not None else "The customer shown"
                self.current.set(None)
        if ids is None:
            self.lately.refresh_soon(None)
        else:
            for customer_id in ids:
                self.lately.refresh_soon(customer_id)
        self._update_actions()
        cards_window = getattr(self, "cards_window", None)
        if cards_window is not None and cards_window.isVisible() and (  # who is waiting for a card
                tables is None or tables & {"customer", "purchase", "connection", "interaction", "setting"}):
            cards_window.rebuild()
        return gone

    def _update_actions(self, *_):
        has = self.current_customer() is not None
        for act in (self.actions.log_purchase, self.actions.connect, self.actions.edit_details,
                    self.actions.archive, self.actions.delete_customer, self.actions.add_to_cards,
                    self.actions.merge_with):
            act.setEnabled(has)

    def _show_error(self, message: str):
        self.statusBar().showMessage(message, 10000)
        QMessageBox.warning(self, "Lately", message)

    def _perform(self, command, done_message: str | None = None):
        """Run an undoable command; ValidationError goes back to the dialog that asked."""
        commands.perform(self.undo_stack, command)
        self.customer_list.forget_typing()  # Ctrl+Z in the find box now takes back this change
        if done_message:
            self.events.status.emit(done_message)
        return command

    # -- actions ------------------------------------------------------------------------------------
    def quick_capture(self, customer_id=None, kind="meeting", summary="", draft=None, also=None):
        """`also(customer_id)` returns further commands that complete the note (a
        follow-up marked done, a connection made); they share its undo step."""
        from ui.capture.capture import CaptureDialog

        def save(cid, values):
            log = commands.LogInteraction(self.events, cid, values)
            if also:
                log.apply()  # a ValidationError here leaves the stack untouched
                self.undo_stack.beginMacro(log.text())
                try:
                    commands.push(self.undo_stack, log)
                    for command in also(cid):
                        self._perform(command)
                finally:
                    self.undo_stack.endMacro()
            else:
                self._perform(log)
            self.events.status.emit(f"Logged “{values['summary']}” — Ctrl+Z to undo")
            self.current.set(cid)  # (already so when the change showed them)

        dialog = CaptureDialog(self, customer_id=customer_id, kind=kind, summary=summary,
                               on_save=save)
        if draft:
            dialog.restore_draft(draft)
        self.capture_dialog = dialog  # reachable by tests and by a second shortcut press
        dialog.exec()
        self.capture_dialog = None
        dialog.deleteLater()  # a child of the window: it would stay, hidden, as long as the window

    def act_on(self, item):
        """Log what was done about an attention item, prefilled from it."""
        from journal.rules import answers

        def completing(cid):
            return [commands.EditInteraction(self.events, write.interaction_id, {"follow_up_done": True})
                    if isinstance(write, answers.FollowUpDone) else
                    commands.AddConnection(self.events, write.source_id, write.target_id, write.kind)
                    for write in answers.completing_writes(item, cid)]

        self.open_customer(item.customer_id)
        self.quick_capture(item.customer_id, kind=item.action_kind, summary=item.log_summary, also=completing)

    def open_cards(self):
        from ui.cards.cards_view import CardsWindow

        if getattr(self, "cards_window", None) is None:
            def record_sent(chosen, done, failed, cancelled):
                # Off the GUI thread, behind a progress dialog with Cancel: thousands of cards take seconds.
                def work(progress):
                    from journal.rules import cards
                    from journal.writes import changes

                    with changes.recording() as recorded:
                        sent = cards.mark_sent(chosen, progress=progress)
                    return sent, recorded.changeset

                def written(result):
                    sent, changeset = result
                    self._perform(commands.CardsSent(self.events, len(chosen), changeset))
                    done(sent.written)

                run_with_progress(self.cards_window, f"Recording {words.plural(len(chosen), 'card')} as sent\u2026",
                                  work, written, failed, writes=True, on_cancelled=cancelled)

            self.cards_window = CardsWindow(self, record_sent=record_sent)
            self.cards_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # not kept, hidden, once closed
            self.cards_window.addActions([self.actions.undo, self.actions.redo])  # Ctrl+Z works there too
            self.cards_window.sent.connect(
                lambda n: self.events.status.emit(f"Recorded {words.plural(n, 'card')} as sent — Ctrl+Z to undo"))
            self.cards_window.finished.connect(lambda *_: setattr(self, "cards_window", None))
        self.cards_window.show()
        self.cards_window.raise_()
        return self.cards_window

    def open_graph(self):
        from ui.graph.graph_view import GraphWindow

        if getattr(self, "graph_window", None) is None:
            self.graph_window = GraphWindow(self)
            self.graph_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # and all it holds
            self.graph_window.customer_chosen.connect(self.open_customer)
            self.graph_window.connect_requested.connect(self.connect_in_graph)
            self.graph_window.finished.connect(lambda *_: setattr(self, "graph_window", None))
        self.graph_window.show()
        self.graph_window.raise_()
        return self.graph_window

    def connect_in_graph(self, source: int, target: int):
        """A connection drawn in the graph goes through the same checks as any other."""
        from ui.customers.dialogs import ConnectionDialog

        if source == target:
            try:
                self._perform(commands.AddConnection(self.events, source, target, "referred"))
            except ValidationError as error:
                self._show_error(str(error))
            return
        name = customers.get_customer(source).name
        dialog = ConnectionDialog(source, name, self.graph_window, on_save=lambda s, t, k, v:
                                  self._perform(commands.AddConnection(self.events, s, t, k, **v), "Connection added"))
        if target:
            dialog.other.set_customer(target)
        if dialog.exec() and self.graph_window is not None:
            self.graph_window.reload()
        dialog.deleteLater()

    def card_for_current(self):
        cid = self.current_customer()
        if cid is not None:
            window = self.open_cards()
            window.add_customer(cid)

    def add_to_cards(self, item):
        """From the Lately panel: the occasion that item calls for, or a hand-picked card."""
        from journal.rules import answers

        window = self.open_cards()
        occasion = answers.card_occasion(item.reason)
        if occasion is not None:
            if occasion.every_date:
                window.in_range.setChecked(False)
            window.set_occasion(occasion.occasion)
        window.show_customer(item.customer_id)  # once the occasion's cards are written, off the GUI thread

    def snooze(self, item, until):
        self._perform(commands.Snooze(self.events, item.customer_id, item.snooze_key, until, item.title,
                                      who=item.customer_name),
                      f"Snoozed {item.customer_name} until {fmt.day(until)} — Ctrl+Z to undo")

    def open_customer(self, customer_id: int):
        """Select and show a customer; an archived one turns on showing archived customers."""
        if self.customer_list.model.row_of(customer_id) is None and not self.actions.show_archived.isChecked():
            self.actions.show_archived.setChecked(True)
            self.set_show_archived(True)
        if self.customer_list.select(customer_id, emit=False):
            self.current.set(customer_id)

    def edit_interaction(self, interaction_id: int):
        from ui.capture.capture import CaptureDialog

        try:
            row = interactions.get_interaction(interaction_id)
        except NotFound:
            return

        began = {"row": row}  # what the person's changes replace: as opened; once told of a newer change, that

        def save(_cid, values):
            changes = {k: v for k, v in values.items() if getattr(row, k) != v}  # only what they changed is sent
            if changes:
                expected = {k: getattr(began["row"], k) for k in changes}
                try:
                    self._perform(commands.EditInteraction(self.events, interaction_id, changes, expected),
                                  "Saved your changes — Ctrl+Z to undo")
                except ChangedSince as refusal:  # a colleague's newer change: said at its field; saving again
                    began["row"] = interactions.get_interaction(interaction_id)  # puts the person's in its place
                    raise ValidationError(refusal.field, f"{refusal.reason}; save again to put yours in its "
                                                         "place") from None

        dialog = CaptureDialog(self, editing=row, on_save=save)
        self.capture_dialog = dialog
        dialog.exec()
        self.capture_dialog = None
        dialog.deleteLater()

    def delete_entry(self, source: str, ident: int):
        """Delete a note, purchase or connection from the timeline; Ctrl+Z brings it back."""
        if source == "interaction":
            command = commands.DeleteInteraction(self.events, ident)
        elif source == "purchase":
            command = commands.DeletePurchase(self.events, self.current_customer(), ident)
        else:
            command = commands.DeleteConnection(self.events, self.current_customer(), ident)
        self._perform(command, f"{command.text()} — Ctrl+Z to undo")

    def _follow_up_done(self, interaction_id: int):
        self._perform(commands.EditInteraction(self.events, interaction_id, {"follow_up_done": True}),
                      "Follow-up marked done")

    def new_customer(self):
        from ui.customers.dialogs import NewCustomerDialog

        created = {}

        def save(values):
            from journal.rules import duplicates

            like = duplicates.already_there(values.get("name", ""), values.get("email", ""))
            if like and like != created.get("confirmed"):
                names = "; ".join(f"{name} ({why})" for _, name, why in like[:3])
                answer = QMessageBox.question(
                    dialog, "Already in the journal?",
                    f"The journal already has {names}. Add {values.get('name', '').strip()} as another customer?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
                if answer != QMessageBox.StandardButton.Yes:
                    raise ValidationError("name", f"already in the journal: {names}. Change the name or e-mail, "
                                                  "or Cancel and open them")
                created["confirmed"] = like
            created["command"] = self._perform(commands.AddCustomer(self.events, values), f"Added {values['name']}")

        dialog = NewCustomerDialog(self, on_save=save)
        if dialog.exec() and created:
            self.current.set(created["command"].customer_id)
        dialog.deleteLater()

    def _save_details(self, changes: dict):
        cid = self.current_customer()
        if cid is None or not changes:
            self.events.status.emit("Nothing to save")
            return
        try:
            self._perform(commands.EditCustomer(self.events, cid, changes, self.page.details.began_with(changes)),
                          "Details saved — Ctrl+Z to undo")
            self.page.details.show_customer(customers.get_customer(cid))  # as saved (tidied), no edit left over
        except ValidationError as error:
            self.page.details.show_error(error)
        except ChangedSince as refusal:  # a colleague changed a field being edited: theirs stays, and shows
            self.page.details.refused(refusal, customers.get_customer(cid))
        except (OSError, DatabaseError) as error:
            self.page.details.general_error.show_message(describe_save_error(error))

    def log_purchase(self):
        from ui.customers.dialogs import PurchaseDialog

        cid = self.current_customer()
        if cid is None:
            return
        name = customers.get_customer(cid).name
        dialog = PurchaseDialog(name, self, on_save=lambda values: self._perform(
            commands.AddPurchase(self.events, cid, values), f"Purchase logged for {name}"))
        dialog.currency_chosen.connect(self._settings_saved)  # (the currency, chosen with the first purchase)
        dialog.exec()
        dialog.deleteLater()

    def add_connection(self):
        from ui.customers.dialogs import ConnectionDialog

        cid = self.current_customer()
        if cid is None:
            return
        name = customers.get_customer(cid).name
        dialog = ConnectionDialog(cid, name, self, on_save=lambda s, t, k, v: self._perform(
            commands.AddConnection(self.events, s, t, k, **v), "Connection added"))
        dialog.exec()
        dialog.deleteLater()

    def edit_details(self):
        if self.current_customer() is not None:
            self.page.show_details().fields["name"].setFocus()

    def toggle_archive(self):
        cid = self.current_customer()
        if cid is None:
            return
        archived = not customers.get_customer(cid).archived
        command = commands.ArchiveCustomer(self.events, cid, archived)
        self._perform(command, f"{command.text()} — Ctrl+Z to undo")

    def delete_customer(self):
        cid = self.current_customer()
        if cid is None:
            return
        command = commands.DeleteCustomer(self.events, cid)
        self._perform(command, f"{command.text()}: moved to the trash — Ctrl+Z to undo")

    def merge_with(self, other_id: int | None = None, keep_id: int | None = None) -> bool:
        """Customer › Merge with…: choose the other record of the same person,
        confirm, merge (Ctrl+Z undoes it). True when merged."""
        from ui.customers.merge_dialog import MergeCustomers, MergeDialog

        keep = keep_id if keep_id is not None else self.current_customer()
        if keep is None:
            return False

        def close_cards():
            if getattr(self, "cards_window", None) is not None:
                self.cards_window.close()

        def merge(keep_id, other_id):
            command = self._perform(MergeCustomers(self.events, keep_id, other_id, before=close_cards))
            self.events.status.emit(f"Merged {command.result.other_name} into {command.result.keep_name} "
                                    "— Ctrl+Z to undo")
            self.open_customer(keep_id)

        dialog = MergeDialog(keep, self, other_id=other_id, on_merge=merge)
        self.merge_dialog = dialog  # reachable by tests
        merged = bool(dialog.exec())
        self.merge_dialog = None
        dialog.deleteLater()
        return merged

    def find_duplicates(self):
        """Customer › Possible duplicates…: merge each pair, or say they are different people."""
        from ui.customers.merge_dialog import DuplicatesDialog, NotDuplicates

        dialog = DuplicatesDialog(
            self, on_merge=lambda keep, other: self.merge_with(other, keep),
            on_not_duplicates=lambda pair: self._perform(NotDuplicates(self.events, pair),
                                                         "Marked as different people — Ctrl+Z to undo"))
        dialog.addActions([self.actions.undo, self.actions.redo])  # Ctrl+Z works there too
        self.events.changed.connect(dialog.refresh)
        self.duplicates_dialog = dialog  # reachable by tests
        try:
            dialog.exec()
        finally:
            self.events.changed.disconnect(dialog.refresh)
            self.duplicates_dialog = None
            dialog.deleteLater()

    def set_show_archived(self, checked: bool):
        self.customer_list.model.include_archived = checked
        self.customer_list.reload()
        self._update_empty_state()

    def open_trash(self):
        from ui.customers.trash_dialog import TrashDialog

        dialog = TrashDialog(self)

        def changed():
            # What Ctrl+Z would bring back may now be gone for good, or back already.
            self.undo_stack.clear()
            self.events.changed.emit(None)

        dialog.changed.connect(changed)
        self.trash_dialog = dialog  # reachable by tests
        dialog.exec()
        self.trash_dialog = None
        dialog.deleteLater()

    def search_everything(self):
        from ui.search.search_dialog import SearchDialog

        dialog = SearchDialog(self)
        dialog.chosen.connect(self.reveal)
        self.search_dialog = dialog  # reachable by tests
        dialog.exec()
        self.search_dialog = None
        dialog.deleteLater()

    def reveal(self, customer_id: int, interaction_id=None):
        """Show the customer, and the note if one was chosen."""
        self.open_customer(customer_id)
        if interaction_id is not None:
            self.page.tabs.setCurrentWidget(self.page.timeline)
            self.page.timeline.reveal_entry("interaction", interaction_id)

    def edit_settings(self):
        from ui.window.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self, on_saved=self._settings_saved)
        dialog.exec()
        dialog.deleteLater()

    def _settings_saved(self):
        fmt.install(journal_settings.get_settings().currency)  # the currency may have changed
        self.events.changed.emit(None)

    def _lately_toggled(self, shown: bool) -> None:
        """View › Lately panel shows the panel with the keyboard in its list (a
        page of work to go through), and hides it (_lately_shown)."""
        from ui.window import panes

        if shown:
            panes.focus_in_its_window(self.lately.list, Qt.FocusReason.ShortcutFocusReason)

    def go_to_lately(self) -> None:
        """Ctrl+1, as an IDE's key for one of its panels: the keys into the Lately
        list, the panel shown first if it was hidden; pressed in the panel, it
        hides the panel (the keys go back to the customer list: _lately_shown).
        (Before, it only showed or hid the panel: at start, with the panel
        open, the key that was to go into it made it go.)"""
        from ui.window import panes

        focus = QApplication.focusWidget()
        if self.lately.isVisible():
            target = panes.target_in(self.lately, self.lately.list)  # (behind an empty state: its first field)
            if target is None or (focus is not None and self.lately.isAncestorOf(focus)):
                self.lately.setVisible(False)  # (with nothing in it to take the keys: a plain show or hide)
                return
        else:
            self.lately.setVisible(True)
            target = panes.target_in(self.lately, self.lately.list)
        if target is not None:
            panes.focus_in_its_window(target, Qt.FocusReason.ShortcutFocusReason)

    def _lately_shown(self, visible: bool) -> None:
        """The panel hidden (Ctrl+1, its close button) while it had the keys: they
        go to the customer list, not to whatever came next in Qt's focus chain.
        (When it goes, the focus is still in it.)"""
        focus = QApplication.focusWidget()
        if not visible and focus is not None and self.lately.isAncestorOf(focus) and self.customer_list.isVisible():
            self.customer_list.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _panes(self):
        # (the timeline's list hidden, on the Details tab or with no customer: the page's first field)
        return [(self.empty_state, None), (self.customer_list, self.customer_list.table),
                (self.page_stack, self.page.timeline.list), (self.lately, self.lately.list)]

    def next_pane(self, step: int = 1):
        """F6 (Shift+F6 back): the customer list, the customer's page, the Lately panel, round."""
        from ui.window import panes

        panes.go_to_pane(self._panes(), step)

    def focus_find(self):
        self.central.setCurrentWidget(self.splitter)
        self.customer_list.filter_box.setFocus()
        self.customer_list.filter_box.selectAll()

    def bring_to_front(self):
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _offer_draft(self):
        draft = drafts.load_draft(drafts.QUICK_CAPTURE)
        if not draft or not (draft.get("notes") or draft.get("summary")):
            return
        who = draft.get("customer_text") or "a customer"
        from ui.capture.draft_offer import continue_draft

        if continue_draft(self, who):  # (Escape too: see there)
            self.quick_capture(draft=draft)
        else:
            drafts.discard_draft(drafts.QUICK_CAPTURE)

    def connect_team(self):
        team_mode.connect_from_window(self)

    def move_to_server(self):
        team_mode.move_to_server(self)

    def move_to_file(self):
        team_mode.move_to_file(self)

    def show_shortcuts(self):
        from ui.window.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.exec()
        dialog.deleteLater()

    def about(self):
        QMessageBox.about(self, "About Lately",
                          f"<h3>Lately {__version__}</h3><p>What have I done for them lately?</p>"
                          f"<p>Your journal: <code>{self.journal_path}</code></p>")
