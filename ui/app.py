"""Starting the application: the Qt application, the look, the journal, the window."""

from __future__ import annotations

import sys
from pathlib import Path

from journal import db
from journal.errors import JournalDamaged, JournalTooNew


def open_journal(path: Path, *, demo: bool = False):
    """Open a journal for the window (the integrity check runs in the background);
    a new demo journal is filled with the demo business first."""
    database = db.connect(path, check_integrity=False)
    if demo:
        from journal import demo as demo_data
        from journal.models import Customer

        if not Customer.select().exists():
            demo_data.populate()
    return database


def run(db_path: str | None = None, demo: bool = False) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from . import theme
    from .icons import app_icon
    from .main_window import MainWindow

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Lately")
    app.setApplicationDisplayName("Lately")
    app.setWindowIcon(app_icon())
    theme.apply(app)

    path = db.demo_path() if demo else Path(db_path).expanduser() if db_path else db.default_path()
    try:
        open_journal(path, demo=demo)
    except JournalTooNew as error:
        QMessageBox.critical(None, "Lately", str(error))
        return 1
    except JournalDamaged as error:
        QMessageBox.critical(None, "Lately cannot open this journal",
                             f"{error}\n\nThe file has not been changed. Open another journal with "
                             "--db PATH, or restore a backup.")
        return 1
    window = MainWindow(path, demo=demo)
    window.show()
    return app.exec()
