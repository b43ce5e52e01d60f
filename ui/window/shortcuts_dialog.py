"""Help › Keyboard shortcuts (F1): every key of the menus, read from the menus
themselves so the list never disagrees with them, then the keys that act
inside the views (a list, the timeline, quick capture), which no menu shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMenu, QTreeWidget, QTreeWidgetItem, QVBoxLayout

IN_THE_VIEWS = (
    ("Anywhere", (
        ("Tab, Shift+Tab", "The next or the previous field or button"),
        ("Alt + the underlined letter", "The field, button or menu with that letter"),
        ("Esc", "Cancel a dialog (quick capture asks before dropping notes)"),
        ("Shift+F10, Menu key", "The menu of the row or field with the focus"),
    )),
    ("Customer list", (
        ("Up, Down", "Move through the customers found while you type in the find box"),
        ("Enter", "Open the customer found"),
    )),
    ("Timeline", (
        ("Up, Down, Home, End", "Move from entry to entry"),
        ("Enter", "Edit the note"),
        ("Delete", "Move the entry to the trash (Ctrl+Z brings it back)"),
    )),
    ("Quick capture", (
        ("Enter", "Save (from any line)"),
        ("Ctrl+Enter", "Save from the notes, where Enter starts a new line"),
    )),
    ("Lately panel", (
        ("Ctrl+1, F6", "Into the panel's list (Ctrl+1 again hides the panel)"),
        ("Up, Down, Home, End", "Move from item to item (End: the last read so far; the next are read)"),
        ("Enter", "Open the customer"),
        ("Shift+F10, Menu key", "Log what I did, Open, Add to the cards, Snooze"),
    )),
    ("Search everything", (
        ("Up, Down", "Move through the results"),
        ("Enter", "Open the customer, at that note"),
    )),
    ("Referral graph", (
        ("+, −, 0", "Zoom in, zoom out, fit everything"),
        ("Type a name, or Ctrl+F", "Find a customer; Enter opens them"),
    )),
)


def plain(text: str) -> str:
    """A menu's text as read: without the & of its mnemonic."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def usual(keys: QKeySequence) -> bool:
    """Ctrl (Command on a Mac) with a key, or one of the function keys every keyboard has."""
    combination = keys[0]
    return bool(combination.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier) or (
        Qt.Key.Key_F1.value <= combination.key().value <= Qt.Key.Key_F12.value)  # (F14 is X11's Undo key)


def menu_shortcuts(menu_bar) -> list[tuple[str, list[tuple[str, str]]]]:
    """(menu title, [(keys, action text)]) for every menu with an action that has keys."""
    groups = []

    def walk(menu: QMenu, title: str):
        rows = []
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{title} › {plain(action.text())}")
            elif not action.isSeparator() and action.shortcuts():
                # The keys a person presses; not the platform's extra bindings for keys few
                # keyboards have ("Open", "Undo") or old habits (Alt+Backspace).
                shown = [k for k in action.shortcuts() if usual(k)] or action.shortcuts()[:1]
                keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in shown)
                rows.append((keys, plain(action.text())))
        if rows:
            groups.append((title, rows))

    for action in menu_bar.actions():
        if isinstance(action, QAction) and action.menu() is not None:
            walk(action.menu(), plain(action.text()))
    return groups


class ShortcutsDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(700, 620)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Keys", "What they do"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Keyboard shortcuts")
        for title, rows in [*menu_shortcuts(window.menuBar()), *IN_THE_VIEWS]:
            group = QTreeWidgetItem(self.tree, [title])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFirstColumnSpanned(True)
            for keys, what in rows:
                QTreeWidgetItem(group, [keys, what])
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The keys of every menu, then those that work inside the views."))
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.tree.setFocus()

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, keys, what) as listed."""
        found = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            for r in range(group.childCount()):
                found.append((group.text(0), group.child(r).text(0), group.child(r).text(1)))
        return found
