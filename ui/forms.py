"""Field-level error messages: a red line under the field that a
ValidationError names, cleared as soon as the user edits again."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from journal.errors import ValidationError

from . import theme


class ErrorLabel(QLabel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet(f"color: {theme.color('overdue').name()};")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str) -> None:
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
        self.clear()
        label, widget = self._labels.get(self._key(error.field), (self.fallback, None))
        label.show_message(str(error))
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
