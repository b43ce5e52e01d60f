"""Walking a window's focus chain with real Tab presses and comparing it with
where its inputs are on screen."""

from __future__ import annotations

import functools
import re

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QDialog, QLabel, QMenuBar, QPushButton, QRadioButton, QWidget,
)


def owner(widget: QWidget | None) -> QWidget | None:
    """The input a focused inner widget belongs to (a spin box's line edit, say)."""
    while widget is not None and widget.parentWidget() is not None and widget.parentWidget().focusProxy() is widget:
        widget = widget.parentWidget()
    return widget


def focused() -> QWidget | None:
    return owner(QApplication.focusWidget())


def walk_tabs(qtbot, limit: int = 80) -> list[QWidget]:
    """Press Tab from the focused widget until focus comes back to it."""
    start = focused()
    assert start is not None, "nothing has focus"
    chain = [start]
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = focused()
        if now is start:
            return chain
        assert now not in chain, f"Tab is stuck in {describe(now)}: {describe_all(chain + [now])}"
        chain.append(now)
    raise AssertionError(f"Tab never came back: {describe_all(chain)}")


def tab_stops(window: QWidget) -> list[QWidget]:
    """Every input Tab should reach: shown, enabled, taking Tab focus. Of a group
    of radio buttons only the checked one is a stop (arrows move inside a group)."""
    found = []
    for widget in window.findChildren(QWidget):
        if (widget.isWindow() or not widget.isVisibleTo(window) or not widget.isEnabled()
                or widget.focusProxy() is not None or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        if isinstance(widget, QRadioButton) and widget.autoExclusive() and not widget.isChecked():
            siblings = [w for w in widget.parentWidget().findChildren(QRadioButton) if w.isChecked()]
            if siblings:
                continue
        found.append(owner(widget))
    return list(dict.fromkeys(found))


def _rect(widget: QWidget, window: QWidget):
    top_left = widget.mapTo(window, QPoint(0, 0))
    return top_left.x(), top_left.y(), top_left.x() + widget.width(), top_left.y() + widget.height()


def visual_order(window: QWidget, widgets: list[QWidget]) -> list[QWidget]:
    """Reading order: a widget wholly above another comes first; side by side,
    the left one. Buttons of the window's button row last."""
    def compare(a, b):
        ax, ay, ar, ab = _rect(a, window)
        bx, by, br, bb = _rect(b, window)
        if ab <= by + 2:
            return -1
        if bb <= ay + 2:
            return 1
        return (ax > bx) - (ax < bx) or (ay > by) - (ay < by)

    return sorted(widgets, key=functools.cmp_to_key(compare))


def describe(widget) -> str:
    if widget is None:
        return "None"
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    return f"{type(widget).__name__}({text!r})" if isinstance(text, str) and text else type(widget).__name__


def describe_all(widgets) -> str:
    return ", ".join(describe(w) for w in widgets)


def check_focus_chain(qtbot, window: QWidget, first: QWidget) -> list[QWidget]:
    """The window opened with `first` focused, and Tab visits every input in
    visual order and comes back."""
    qtbot.waitUntil(lambda: focused() is not None and focused().window() is window, timeout=3000)
    assert focused() is first, f"opened with focus on {describe(focused())}, not {describe(first)}"
    assert not isinstance(first, QPushButton), "a button has the first focus"
    chain = walk_tabs(qtbot)
    missing = [w for w in tab_stops(window) if w not in chain]
    assert not missing, f"Tab never reaches {describe_all(missing)}"
    expected = visual_order(window, chain)
    start = expected.index(first)  # Tab goes round: the chain starts wherever the window opened
    expected = expected[start:] + expected[:start]
    assert chain == expected, f"\nTab order:    {describe_all(chain)}\nvisual order: {describe_all(expected)}"
    return chain


def mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def check_mnemonics(qtbot, window: QWidget) -> int:
    """Every underlined letter is used once, and Alt+letter on a label puts the
    focus in its own input. Returns how many labels were tried."""
    used = {}
    for bar in window.findChildren(QMenuBar):  # Alt+F opens the File menu: a label may not take F too
        for action in bar.actions():
            if mnemonic(action.text()):
                used[mnemonic(action.text())] = bar
    for widget in window.findChildren(QWidget):
        if isinstance(widget, (QLabel, QAbstractButton)) and widget.isVisibleTo(window):
            letter = mnemonic(widget.text())
            if letter:
                assert letter not in used, f"Alt+{letter} is both {describe(used[letter])} and {describe(widget)}"
                used[letter] = widget
    tried = 0
    for letter, widget in used.items():
        if not isinstance(widget, QLabel):
            continue
        buddy = widget.buddy()
        assert buddy is not None, f"{describe(widget)} underlines a letter but focuses nothing"
        assert buddy.focusPolicy() & Qt.FocusPolicy.TabFocus or buddy.focusProxy(), \
            f"{describe(widget)} points at {describe(buddy)}, which takes no focus"
        if not buddy.isEnabled():
            continue
        qtbot.keyClick(QApplication.focusWidget(), letter, Qt.KeyboardModifier.AltModifier)
        assert focused() is owner(buddy.focusProxy() or buddy) or focused() is buddy, \
            f"Alt+{letter} ({describe(widget)}) moved focus to {describe(focused())}, not {describe(buddy)}"
        tried += 1
    return tried


def in_modal(qtbot, open_it, inspect):
    """Run inspect(dialog) once the modal dialog open_it() opens is up, then close it."""
    outcome = {}

    def run():
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, QDialog), "a dialog should be open"
            dialog.activateWindow()
            qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
            inspect(dialog)
        except BaseException as exc:  # noqa: BLE001 - raised again below, after the dialog is closed
            outcome["error"] = exc
        finally:
            outcome["ran"] = True
            if isinstance(dialog, QDialog) and dialog.isVisible():
                QDialog.reject(dialog)

    QTimer.singleShot(0, run)
    open_it()
    assert outcome.get("ran"), "no dialog opened"
    if "error" in outcome:
        raise outcome["error"]


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)
