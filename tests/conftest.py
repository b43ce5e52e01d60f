import os

# Before anything imports Qt: CI has no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
