"""Moving about the main window by keys, as desktop programs do: F6 and
Shift+F6 go from pane to pane (the customer list, the customer's page, the
Lately panel), and Shift+F10 opens the menu of what has the focus, where the
platform gives no Menu key of its own (most laptops; Qt only answers the Menu
key itself on Linux and macOS)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QApplication, QWidget


def first_focusable(container: QWidget) -> QWidget | None:
    """The first widget inside `container` that Tab would stop at, in the focus
    chain's order (or the container itself if it takes the focus)."""
    if _takes_tab(container):
        return container
    widget = container.nextInFocusChain()
    while widget is not None and widget is not container:
        if container.isAncestorOf(widget) and _takes_tab(widget):
            return widget
        widget = widget.nextInFocusChain()
    return None


def _takes_tab(widget: QWidget) -> bool:
    return widget.isVisible() and widget.isEnabled() and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def target_in(pane: QWidget, target: QWidget | None) -> QWidget | None:
    """What takes the keys in `pane`: `target`, or the pane's first field when
    it is None or hidden (a list behind an empty state); None if nothing can."""
    return target if target is not None and _takes_tab(target) else first_focusable(pane)


def go_to_pane(panes: list[tuple[QWidget, QWidget | None]], step: int) -> QWidget | None:
    """Focus the pane `step` panes on (1 the next, -1 the one before) from the
    one that has the focus, round the ends; `panes`: (the pane, the widget to
    focus in it, or None), its first field when that widget is None or hidden
    (another tab, an empty state); panes hidden or without a field skipped.
    Returns what took the focus."""
    shown = [(pane, target_in(pane, target)) for pane, target in panes if pane.isVisible()]
    shown = [(pane, target) for pane, target in shown if target is not None]
    if not shown:
        return None
    focus = QApplication.focusWidget()
    here = next((at for at, (pane, _) in enumerate(shown)
                 if focus is not None and (pane is focus or pane.isAncestorOf(focus))), None)
    at = (0 if step > 0 else len(shown) - 1) if here is None else (here + step) % len(shown)
    target = shown[at][1]
    focus_in_its_window(target, Qt.FocusReason.TabFocusReason if step > 0 else Qt.FocusReason.BacktabFocusReason)
    return target


def focus_in_its_window(widget: QWidget, reason: Qt.FocusReason) -> None:
    """The focus to `widget`, its window made the active one first (a floating
    panel is a window of its own: a widget in a window that is not active does
    not take the focus)."""
    window = widget.window()
    if not window.isActiveWindow():
        window.activateWindow()
        window.raise_()
    widget.setFocus(reason)


def open_context_menu() -> bool:
    """Shift+F10: the menu of the widget with the focus, as the Menu key opens
    it: of a list's current row (scrolled into view; a list with no current
    row, whose item has just left, opens none: a point in it would be someone
    else's row), at a field's text cursor, else in the widget's middle. A
    widget with no menu of its own passes it to the one it is in, as Qt does."""
    widget = QApplication.focusWidget()
    while widget is not None and widget.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu:
        widget = widget.parentWidget()
    if widget is None or widget.contextMenuPolicy() == Qt.ContextMenuPolicy.PreventContextMenu:
        return False
    target = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
    where = None
    if isinstance(widget, QAbstractItemView):
        current = widget.currentIndex()
        if not current.isValid():
            return False
        widget.scrollTo(current)
        rect = widget.visualRect(current).intersected(target.rect())
        where = rect.center() if rect.isValid() else None
    if where is None:
        cursor = widget.inputMethodQuery(Qt.InputMethodQuery.ImCursorRectangle)
        cursor = cursor.toRect() if hasattr(cursor, "toRect") else cursor
        if hasattr(cursor, "isValid") and cursor.isValid() and not cursor.isEmpty():
            spot = target.mapFrom(widget, cursor.center())
            where = spot if target.rect().contains(spot) else None
    if where is None:
        where = QPoint(target.width() // 2, target.height() // 2)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, where, target.mapToGlobal(where),
                              Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, event)
    return True


def install_menu_key(*windows: QWidget) -> None:
    """Shift+F10 for the whole application from now on (made once: for the
    start-up's dialogs, before any main window, and every window after), and
    for `windows` at once, before the focus is in them."""
    app = QApplication.instance()
    key = app.findChild(MenuKey) or MenuKey(app)
    for window in windows:
        key.cover(window)


class MenuKey(QObject):
    """Shift+F10 in every window of the application, dialogs too: each window
    the focus enters gets a shortcut for open_context_menu (a shortcut of the
    main window alone is shut out while a dialog is modal). No watching of
    every event, only of where the focus goes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        if QApplication.focusWidget() is not None:
            self.cover(QApplication.focusWidget().window())

    def _focus_changed(self, _old, new) -> None:
        if new is not None:
            self.cover(new.window())

    def cover(self, window: QWidget) -> None:
        # Not a popup's (a completer's list) nor a floating panel's: Qt counts
        # them in the window under them, whose shortcut would then be a second.
        if window.property("lately-menu-key") or window.windowType() not in (Qt.WindowType.Window,
                                                                            Qt.WindowType.Dialog):
            return
        from PySide6.QtGui import QKeySequence, QShortcut

        window.setProperty("lately-menu-key", True)
        QShortcut(QKeySequence("Shift+F10"), window).activated.connect(open_context_menu)
