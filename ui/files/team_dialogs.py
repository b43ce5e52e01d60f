"""File › Connect to a team journal…: where the server is (host, port,
database, user; or a URL or a libpq service name), the password (kept in the
operating system's keyring only when asked, and only where there is one),
sslmode. Connecting runs in a thread with a short timeout, so a server that
does not answer is said in the dialog within seconds and the window never
freezes; the dialog stays open to correct what was typed."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLayout, QLineEdit, QPlainTextEdit,
    QPushButton, QVBoxLayout,
)

from journal.storage import passwords, team

from ui.common.forms import ErrorLabel, buttons_left_to_right, chain_tabs

RECENT_KEY = "team/recent"
RECENT_KEPT = 8
URL_NOTE = ("Lately connects with the URL or service: the fields above show what it names. "
            "Clear it to use the fields.")
NO_KEYRING = ("There is no keyring on this computer, so the password will not be remembered: "
              "you will type it each time (or keep it in ~/.pgpass).")


def _settings() -> QSettings:
    """The window's own settings file (owner-only), under LATELY_HOME in tests."""
    from journal.storage import db
    from journal.storage.private import touch

    return QSettings(str(touch(db.data_dir() / "window.ini")), QSettings.Format.IniFormat)


def recent_locations() -> list[str]:
    value = _settings().value(RECENT_KEY, []) or []
    return [v for v in ([value] if isinstance(value, str) else list(value)) if team.is_server(v)]


LAST_KEY = "team/last"  # the team journal the window was last on, if it was on one (never a password)


def last_team_location() -> str | None:
    """The team journal to open at start, when the window was last on one."""
    value = _settings().value(LAST_KEY, "") or ""
    return value if isinstance(value, str) and team.is_server(value) else None


def remember_last(session) -> None:
    """The window is on `session` now: a team journal is opened again at the
    next start; a journal file (not the demo) means the file journal is."""
    if session.demo:
        return
    settings = _settings()
    if session.is_server:
        settings.setValue(LAST_KEY, team.without_password(session.location))
    else:
        settings.remove(LAST_KEY)
    settings.sync()


def remember_location(location: str) -> None:
    """The newest first; always without a password."""
    shown = team.without_password(location)
    kept = [shown] + [v for v in recent_locations() if v != shown]
    settings = _settings()
    settings.setValue(RECENT_KEY, kept[:RECENT_KEPT])
    settings.sync()


def say_connect_problem(parent, problem: team.ConnectProblem) -> None:
    """A connection that failed outside the Connect dialog (opening a journal
    just moved to a server): the plain sentence, the server's words behind
    the box's own Show Details."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, "Could not connect to the team journal", problem.message,
                      QMessageBox.StandardButton.Ok, parent)
    box.setDetailedText(problem.details)
    box.exec()


class _Relay(QObject):
    finished = Signal(object, object)  # (result, error)


def run_in_thread(fn, on_finished) -> _Relay:
    """fn() in a plain thread (it touches no model, so no journal connection
    is needed); on_finished(result, error) on the GUI thread. Keep the relay."""
    relay = _Relay()
    relay.finished.connect(on_finished)

    def work():
        try:
            result, error = fn(), None
        except Exception as exc:  # noqa: BLE001 - delivered to the dialog, never lost in a thread
            result, error = None, exc
        try:
            relay.finished.emit(result, error)
        except RuntimeError:  # the dialog is gone
            pass

    threading.Thread(target=work, name="lately-connect", daemon=True).start()
    return relay


class ConnectDialog(QDialog):
    """Accepted once a connection worked: then location, password and probe say what it found."""

    def __init__(self, parent=None, location: str = "", problem: str | team.ConnectProblem = "",
                 offer_file: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Connect to a team journal")
        self.setMinimumWidth(480)
        self.location = self.password = self.probe = None
        self.chose_file = False  # offer_file: the person chose to open their journal file instead
        self._relay = None
        self._own = None  # what the person typed in the fields, while a URL overrides them
        intro = QLabel("A journal the whole team shares, on a PostgreSQL server. Ask whoever runs the server "
                       "for its address, the database and your own user name.")
        intro.setWordWrap(True)
        form = QFormLayout()
        self.recent = QComboBox()
        recent = recent_locations()
        self.recent.addItem("")
        self.recent.addItems(recent)
        self.host = QLineEdit()
        self.host.setPlaceholderText("db.example.com")
        self.port = QLineEdit()
        self.port.setPlaceholderText("5432")
        self.dbname = QLineEdit()
        self.user = QLineEdit()
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("from ~/.pgpass if left empty")
        self.keep = QCheckBox("Re&member the password in this computer's keyring")
        self.sslmode = QComboBox()
        self.sslmode.addItems(team.SSL_MODES)
        self.url = QLineEdit()
        self.url.setPlaceholderText("postgresql://you@host/dbname, or service=name")
        if recent:
            form.addRow(self._label("R&ecent", self.recent), self.recent)
        form.addRow(self._label("&Host", self.host), self.host)
        form.addRow(self._label("P&ort", self.port), self.port)
        form.addRow(self._label("&Database", self.dbname), self.dbname)
        form.addRow(self._label("&User", self.user), self.user)
        form.addRow(self._label("&Password", self.secret), self.secret)
        form.addRow("", self.keep)
        form.addRow(self._label("&SSL", self.sslmode), self.sslmode)
        form.addRow(self._label("Or a U&RL or service", self.url), self.url)
        # A URL wins over the fields: so they never say something else, they show what it names, greyed.
        self.url_note = QLabel(URL_NOTE)
        self.url_note.setWordWrap(True)
        self.url_note.hide()
        form.addRow("", self.url_note)
        self.keyring_note = QLabel(NO_KEYRING)
        self.keyring_note.setWordWrap(True)
        if not passwords.available():
            self.keep.setChecked(False)
            self.keep.setEnabled(False)
        else:
            self.keyring_note.hide()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.error = ErrorLabel()
        # The server's own words, for whoever runs it, behind a button: the sentence above says it plainly.
        self.details_button = QPushButton("Show De&tails")
        self.details_button.setAutoDefault(False)
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._show_details)
        self.details_button.hide()
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setAccessibleName("What the server answered")
        self.details.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.details.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("&Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.try_to_connect)
        self.buttons.rejected.connect(self.reject)
        if offer_file:  # at start, on the team journal last open: the file journal is the way out
            self.file_button = self.buttons.addButton("Open a &file journal instead",
                                                      QDialogButtonBox.ButtonRole.ActionRole)
            self.file_button.clicked.connect(self._open_file_instead)
        layout = QVBoxLayout(self)
        # A long message (libpq's reasons are) grows the dialog instead of squeezing its fields.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details)
        layout.addWidget(self.buttons)
        self.connect_button.setDefault(True)  # (once in the dialog) Enter in a field connects, never cancels
        # Top to bottom, then the buttons as drawn: Tab from the last field reaches Connect, not Cancel
        # (made first), where Enter would have closed the dialog. Hidden ones are passed over.
        chain_tabs(*([self.recent] if self.recent.parent() is not None else []),  # shown only with recent journals
                   self.host, self.port, self.dbname, self.user, self.secret, self.keep, self.sslmode,
                   self.url, self.details_button, self.details, *buttons_left_to_right(self.buttons))
        self.recent.currentTextChanged.connect(self._fill_from)
        self.url.textChanged.connect(self._follow_url)
        for field in (self.host, self.port, self.dbname, self.user, self.secret, self.url):
            field.textEdited.connect(lambda _: self._clear_problem())
        if location:
            self._fill_from(team.without_password(location))
        if problem:
            self._problem(problem)
        field = self._field_to_correct(problem) if location else None
        (field or (self.recent if recent and not location else self.host if not location else self.secret)).setFocus()

    def _open_file_instead(self):
        self.chose_file = True
        self.reject()

    @staticmethod
    def _label(text, widget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def _fill_from(self, location: str) -> None:
        """A remembered location fills the fields (and its password, when the keyring has it)."""
        if not location:
            return
        try:
            params = team.parameters(location)
        except team.BadLocation:
            self.url.setText(location)
            return
        if set(params) - {"host", "port", "dbname", "user", "sslmode"}:
            self.url.setText(location)  # the fields follow it (_follow_url)
        else:
            self.url.clear()
            self.host.setText(params.get("host", ""))
            self.port.setText(params.get("port", ""))
            self.dbname.setText(params.get("dbname", ""))
            self.user.setText(params.get("user", ""))
            index = self.sslmode.findText(params.get("sslmode", "prefer"))
            self.sslmode.setCurrentIndex(max(index, 0))
        kept = passwords.recall(team.place(location).key)
        self.secret.setText(kept or "")
        self.keep.setChecked(bool(kept))

    def _url_given(self) -> bool:
        return bool(self.url.text().strip())

    def _follow_url(self, text: str) -> None:
        """While a URL or service is given, the fields it overrides show what it
        names (empty where it names nothing, or cannot be read yet) and take no
        typing; cleared, they are back as the person left them."""
        given = self._url_given()
        if self.url_note.isVisibleTo(self) != given:
            self.url_note.setVisible(given)
            self.adjustSize()  # room for the line, never squeezing the fields
        for widget in self._location_fields():
            widget.setEnabled(not given and self._relay is None)
        if not given:
            if self._own is not None:
                self._show_fields(self._own)
                self._own = None
            return
        if self._own is None:
            self._own = {"host": self.host.text(), "port": self.port.text(), "dbname": self.dbname.text(),
                         "user": self.user.text(), "sslmode": self.sslmode.currentText()}
        params = {}
        if team.is_server(text.strip()):
            try:
                params = team.parameters(text.strip())
            except team.BadLocation:
                pass
        self._show_fields(params)

    def _show_fields(self, values: dict) -> None:
        self.host.setText(values.get("host", ""))
        self.port.setText(values.get("port", ""))
        self.dbname.setText(values.get("dbname", ""))
        self.user.setText(values.get("user", ""))
        self.sslmode.setCurrentIndex(max(self.sslmode.findText(values.get("sslmode", "prefer")), 0))

    def _location_fields(self):
        return (self.host, self.port, self.dbname, self.user, self.sslmode)

    def typed_location(self) -> str:
        url = self.url.text().strip()
        if url:
            return url
        ssl = self.sslmode.currentText()
        return team.build(host=self.host.text(), port=self.port.text(), dbname=self.dbname.text(),
                          user=self.user.text(), sslmode="" if ssl == "prefer" else ssl)

    def try_to_connect(self) -> None:
        if self._relay is not None:
            return  # already connecting
        location = self.typed_location()
        port = self.port.text().strip()
        if not self.url.text().strip():
            if not self.dbname.text().strip():
                self._refuse(self.dbname, "Which database? Type its name (the person who runs the server knows it).")
                return
            if port and not (port.isdigit() and 0 < int(port) < 65536):
                self._refuse(self.port, f"{port} is not a port number: it is a number up to 65535, usually 5432.")
                return
        elif not team.is_server(location):
            self._refuse(self.url, "That is not a server location: it starts with postgresql:// "
                                   "(or is service=name, or host=… dbname=…).")
            return
        try:
            where = team.place(location).title
        except team.BadLocation as error:
            self._refuse(self.url, str(error))
            return
        password = self.secret.text() or None
        self._busy(True, f"Connecting to {where}…")

        def finished(found, error):
            self._relay = None
            self._busy(False, "")
            if error is not None:
                problem = team.connect_problem(location, error)
                self._problem(problem)
                field = self._field_to_correct(problem)
                if field is not None:
                    field.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            if found.state == team.FOREIGN:
                self._problem(
                    f"{where} holds other tables ({', '.join(found.tables[:4])}), not a Lately journal. "
                    "Choose the team journal's database, or an empty one for a new team journal.")
                return
            self.location, self.password, self.probe = location, password, found
            key = team.place(location).key
            if self.keep.isChecked() and password:
                passwords.remember(key, password)
            elif not self.keep.isChecked():
                passwords.forget(key)
            remember_location(location)
            self.accept()

        self._relay = run_in_thread(lambda: team.probe(location, password), finished)

    def _problem(self, problem: str | team.ConnectProblem) -> None:
        """The problem in a plain sentence; the server's own words behind Show Details."""
        message, details = (problem.message, problem.details) if isinstance(problem, team.ConnectProblem) \
            else (problem, "")
        self.error.show_message(message)
        self.details.setPlainText(details)
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(details))
        self.adjustSize()  # taller for a long reason, never squeezing the fields

    def _clear_problem(self) -> None:
        self.error.clear_message()
        self.details_button.setChecked(False)
        self.details_button.hide()

    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText("Hide De&tails" if shown else "Show De&tails")
        self.adjustSize()

    def _field_to_correct(self, problem) -> QLineEdit | None:
        """The field the problem names (the URL field when the location was typed there)."""
        field = getattr(problem, "field", "")
        if not field:
            return None
        if field != "password" and self.url.text().strip():
            return self.url
        return {"host": self.host, "port": self.port, "dbname": self.dbname, "user": self.user,
                "password": self.secret}.get(field)

    def _refuse(self, field: QLineEdit, message: str) -> None:
        self._problem(message)
        field.setFocus()

    def _busy(self, busy: bool, text: str) -> None:
        self.status.setText(text)
        self.connect_button.setEnabled(not busy)
        for widget in (self.recent, self.secret, self.keep, self.url):
            widget.setEnabled(not busy and (widget is not self.keep or passwords.available()))
        for widget in self._location_fields():
            widget.setEnabled(not busy and not self._url_given())
        if not busy:  # back where the person corrects what was typed
            (self.url if self.url.text().strip() else self.host).setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        # A connection still being tried is left to time out on its own; its answer goes nowhere.
        if self._relay is not None:
            self._relay.finished.disconnect()
            self._relay = None
        super().reject()
