"""Field-level error messages: a red line under the field that a
ValidationError names, cleared as soon as the user edits again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QFormLayout, QLabel, QWidget

from journal.errors import ValidationError

from ui.common import theme


class ErrorLabel(QLabel):
    """A line under a field: a problem in the scheme's red, or (tone="success")
    what went well in its green. The colour follows View › Appearance, and each
    message brings its own tone (a problem after a success is red again)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._tone = "overdue"
        self._recolour()
        theme.notifier().changed.connect(self._recolour)
        self.setWordWrap(True)
        self.hide()

    def _recolour(self, *_):
        self.setStyleSheet(f"color: {theme.color(self._tone).name()};")

    def show_message(self, text: str, tone: str = "overdue") -> None:
        if tone != self._tone:
            self._tone = tone
            self._recolour()
        self.setText(text)
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()


class FormErrors:
    """Maps the field names services use to the error label under their widget."""

    def __init__(self, fallback: ErrorLabel):
        self._labels: dict[str, tuple[ErrorLabel, QWidget | None]] = {}
        self.fallback = fallback

    @staticmethod
    def _key(field: str) -> str:
        return field.replace(" ", "_").replace("-", "_").lower()

    def register(self, label: ErrorLabel, widget: QWidget | None, *fields: str) -> None:
        for field in fields:
            self._labels[self._key(field)] = (label, widget)

    def show(self, error: ValidationError) -> QWidget | None:
        """Show the message beside its field; returns the widget to focus."""
        return self.show_message(error.field, str(error))

    def show_message(self, field: str, text: str) -> QWidget | None:
        """Show `text` beside the field named; returns the widget to focus."""
        self.clear()
        label, widget = self._labels.get(self._key(field), (self.fallback, None))
        label.show_message(text)
        return widget

    def clear(self) -> None:
        self.fallback.clear_message()
        for label, _ in self._labels.values():
            label.clear_message()

    def messages(self) -> list[str]:
        labels = dict.fromkeys(label for label, _ in self._labels.values())  # one label may serve several names
        shown = [label.text() for label in labels if label.isVisible()]
        return shown + ([self.fallback.text()] if self.fallback.isVisible() else [])


def labelled(widget: QWidget, error: ErrorLabel) -> QWidget:
    """A widget with its error label beneath, as one form row."""
    from PySide6.QtWidgets import QVBoxLayout

    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box


def _box(layout_class, items, stretch_end: bool) -> QWidget:
    box = QWidget()
    layout = layout_class(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for item in items:
        widget, stretch = item if isinstance(item, tuple) else (item, 0)
        layout.addWidget(widget, stretch)
    if stretch_end:
        layout.addStretch(1)
    return box


def hbox(*items, stretch_end: bool = True) -> QWidget:
    """Widgets side by side with no margins; (widget, stretch) gives one the slack."""
    from PySide6.QtWidgets import QHBoxLayout

    return _box(QHBoxLayout, items, stretch_end)


def vbox(*items) -> QWidget:
    """Widgets one above the other with no margins; (widget, stretch) gives one the slack."""
    from PySide6.QtWidgets import QVBoxLayout

    return _box(QVBoxLayout, items, False)


class DateEdit(QDateEdit):
    """A date field where Tab goes to the next field, as in any desktop form;
    the day, month and year are reached with the arrow keys or by typing."""

    def focusNextPrevChild(self, next):
        return QWidget.focusNextPrevChild(self, next)


class DateTimeEdit(QDateTimeEdit):
    """A date and time field where Tab goes to the next field (see DateEdit)."""

    def focusNextPrevChild(self, next):
        return QWidget.focusNextPrevChild(self, next)


def buddy_label(text: str, widget: QWidget) -> QLabel:
    """A form label whose underlined letter focuses the input itself (a label
    given to QFormLayout.addRow would point at the row's wrapper widget)."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def tab_stops(widget: QWidget) -> list[QWidget]:
    """The widgets Tab can reach in `widget`, itself included, in the order they were built."""
    found = [widget] if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.focusProxy() is None else []
    for child in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if not child.isWindow():
            found += tab_stops(child)
    return found


def form_tab_stops(form: QFormLayout) -> list[QWidget]:
    """The inputs of a form layout row by row, left to right."""
    found = []
    for row in range(form.rowCount()):
        for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                     QFormLayout.ItemRole.SpanningRole):
            item = form.itemAt(row, role)
            if item is not None and item.widget() is not None:
                found += tab_stops(item.widget())
            elif item is not None and item.layout() is not None:
                layout = item.layout()
                for n in range(layout.count()):
                    if layout.itemAt(n).widget() is not None:
                        found += tab_stops(layout.itemAt(n).widget())
    return found


def chain_tabs(*widgets: QWidget) -> None:
    """Tab visits `widgets` in this order (the visual one): Qt's default is the
    order they were built in, which puts a button box made first before the rows."""
    ordered = list(dict.fromkeys(widgets))
    for first, second in zip(ordered, ordered[1:]):
        QWidget.setTabOrder(first, second)


def buttons_left_to_right(box) -> list[QWidget]:
    """A QDialogButtonBox's buttons in the order the platform lays them out."""
    layout = box.layout()  # rebuilt in the platform's order whenever a button is added
    found = [layout.itemAt(n).widget() for n in range(layout.count())]
    return [button for button in found if button in box.buttons()]


def enter_outside_buttons(event) -> bool:
    """Whether a key press is Enter on anything but a button: dialogs where Enter
    must not press the default button (a merge, say) accept and drop it."""
    from PySide6.QtWidgets import QApplication, QPushButton

    if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(
            QApplication.focusWidget(), QPushButton):
        event.accept()
        return True
    return False
