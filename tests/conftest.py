import os

# Before anything imports Qt: CI has no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Enum shortcuts such as Qt.DisplayRole (for Qt.ItemDataRole.DisplayRole) fail in
# the tests: PySide6 resolves each use by a search that took 8 us instead of
# 0.7 us, in data() and paint() code run thousands of times a second.
os.environ.setdefault("PYSIDE6_OPTION_PYTHON_ENUM", "0x11")  # Python enums, no shortcuts

import pytest  # noqa: E402

from journal.storage import db  # noqa: E402

pytest_plugins = ("tests.keyrings",)  # memory_keyring and no_keyring, for any test


@pytest.fixture(autouse=True)
def lately_home(tmp_path, monkeypatch):
    """No test ever touches the real journal folder."""
    home = tmp_path / "lately-home"
    monkeypatch.setenv("LATELY_HOME", str(home))
    return home


@pytest.fixture
def journal(tmp_path, backend, request):
    """A fresh journal of the test's own: a file (yields its path), or under
    tests/journal/ also an empty journal on the PostgreSQL server (yields its
    connection string); see tests/postgres.py."""
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        database = db.open_server(server.empty_journal())
        yield server.url
        database.close()
        server.drop_others()
        return
    path = tmp_path / "journal.sqlite3"
    database = db.connect(path)
    yield path
    database.close()


# Every journal test runs on SQLite and on PostgreSQL (tests/postgres.py).
@pytest.fixture
def backend(request):
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server():
    from tests.postgres import ServerForTests

    server = ServerForTests()
    yield server
    server.stop()


def pytest_generate_tests(metafunc):
    from tests.postgres import backends_for

    if "backend" in metafunc.fixturenames and "tests/journal/" in metafunc.definition.nodeid.replace("\\", "/"):
        metafunc.parametrize("backend", backends_for(metafunc.definition.iter_markers()), indirect=True)


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: about the SQLite file itself (damage, WAL, locks, SQLCipher, "
                                       "file backups, a full disk): runs on SQLite only")


def pytest_terminal_summary(terminalreporter):
    from tests.postgres import OFF

    if OFF:
        terminalreporter.write_line("PostgreSQL tests were NOT run (LATELY_TEST_PG=off): SQLite only.", yellow=True)
