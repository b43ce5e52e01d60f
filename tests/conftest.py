import os

# Before anything imports Qt: CI has no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Enum shortcuts such as Qt.DisplayRole (for Qt.ItemDataRole.DisplayRole) fail in
# the tests: PySide6 resolves each use by a search that took 8 us instead of
# 0.7 us, in data() and paint() code run thousands of times a second.
os.environ.setdefault("PYSIDE6_OPTION_PYTHON_ENUM", "0x11")  # Python enums, no shortcuts

import pytest  # noqa: E402

from journal import db  # noqa: E402


@pytest.fixture(autouse=True)
def lately_home(tmp_path, monkeypatch):
    """No test ever touches the real journal folder."""
    home = tmp_path / "lately-home"
    monkeypatch.setenv("LATELY_HOME", str(home))
    return home


@pytest.fixture
def journal(tmp_path):
    """A fresh journal file of the test's own."""
    path = tmp_path / "journal.sqlite3"
    database = db.connect(path)
    yield path
    database.close()
