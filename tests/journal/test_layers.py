"""The core's boundaries, checked on its source: journal/ is laid out in its
layers, never imports Qt, and SQLite-only SQL stays in the storage and search
modules, so the rest of the core runs on PostgreSQL too (docs/architecture.md)."""

import ast
import re
from pathlib import Path

JOURNAL = Path(__file__).resolve().parents[2] / "journal"
# Where SQLite's own SQL may live: storage (opening and pragmas, backups and
# checks of the file, the schema steps) and full-text search. (Peewee's
# on_conflict_ignore is portable: it writes ON CONFLICT DO NOTHING for PostgreSQL.)
SQLITE_PLACES = ("storage/", "reads/search.py", "reads/search_pg.py")
# customer_pages.py is not listed: it picks its few pieces that differ by is_server()
# (its _Dialect and _ServerDialect: julianday / date - date, NOCASE / lower() COLLATE "C",
# instr / strpos), none of them SQL the patterns below forbid, so both checks still cover it.
SQLITE_ONLY = [
    (re.compile(r"\b[A-Z]\w*\.replace\("), "Model.replace (INSERT OR REPLACE): use models.upsert"),
    (re.compile(r"on_conflict_replace|insert_or_replace|OR REPLACE|OR IGNORE"),
     "SQLite's conflict clause"),
    (re.compile(r"\bPRAGMA\b|sqlite_master|sqlite_dbpage|\bimport sqlite3\b"), "SQLite's own tables and pragmas"),
    (re.compile(r"\bMATCH\b|\bfts5\b|\bFTS5\b|\browid\b"), "SQLite full-text search"),
]


# And PostgreSQL's own SQL only where the server is opened and searched, and
# in the schema steps' PostgreSQL variants.
SERVER_PLACES = ("storage/db.py", "storage/team.py", "storage/team_changes.py", "storage/migrations/",
                 "reads/search_pg.py")
# The layers (docs/architecture.md): nothing else at the top of journal/.
LAYERS = {"storage", "writes", "reads", "rules", "io"}
TOP_MODULES = {"__init__.py", "errors.py", "session.py"}
SERVER_ONLY = [
    (re.compile(r"\b(to_)?tsvector\b|\bto_tsquery\b|\bts_headline\b|\bts_rank\b|@@"), "PostgreSQL full-text search"),
    (re.compile(r"\bILIKE\b|\bplpgsql\b|\w::\w|\bDISTINCT ON\b"), "PostgreSQL-only SQL (Peewee's .ilike() is portable)"),
    (re.compile(r"\bpg_(catalog|class|namespace|tables|indexes|stat_\w+|terminate_backend|trgm)\b|\bimport psycopg\b|\bfrom psycopg\b"), "PostgreSQL's catalog and driver"),
]


def modules():
    return sorted(p for p in JOURNAL.rglob("*.py"))


def test_the_core_is_laid_out_in_its_layers():
    top = {p.name for p in JOURNAL.iterdir() if not p.name.startswith((".", "__pycache__"))}
    assert top - LAYERS - TOP_MODULES == set(), "journal/ holds only its layers, the session and its errors"
    assert LAYERS <= top and all((JOURNAL / layer / "__init__.py").exists() for layer in LAYERS)
    ui = JOURNAL.parent / "ui"
    assert {p.name for p in ui.glob("*.py")} == {"__init__.py"}, "ui/ is grouped by view: a module belongs in a folder"


def test_the_core_never_imports_qt():
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}, \
                    f"{path.relative_to(JOURNAL.parent)} imports {name}"


def test_sqlite_only_sql_stays_in_storage_and_search():
    found = []
    for path in modules():
        rel = path.relative_to(JOURNAL)
        if rel.as_posix().startswith(SQLITE_PLACES):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            for pattern, what in SQLITE_ONLY:
                if pattern.search(code) and not re.search(r"""["'][^"']*\.replace\(|str\.replace|\w\.replace\(["']""",
                                                            code):
                    found.append(f"journal/{rel}:{number}: {what}: {line.strip()}")
    assert not found, "\n".join(found)


def test_postgresql_only_sql_stays_in_the_server_modules():
    found = []
    for path in modules():
        rel = path.relative_to(JOURNAL)
        if rel.as_posix().startswith(SERVER_PLACES):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            for pattern, what in SERVER_ONLY:
                if pattern.search(code):
                    found.append(f"journal/{rel}:{number}: {what}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_layer_checks_can_fail():
    """Each pattern above finds what it is meant to (so a check that matches nothing cannot pass by accident)."""
    sqlite_samples = ["Setting.replace(key=1).execute()", "q.on_conflict_replace()", "PRAGMA foreign_keys",
                      "WHERE customer_fts MATCH ?"]
    server_samples = ["to_tsvector('simple', name)", "name ILIKE %s", "LANGUAGE plpgsql", "SELECT x::text",
                      "FROM pg_catalog.pg_tables", "import psycopg"]
    assert all(any(p.search(sample) for p, _ in SQLITE_ONLY) for sample in sqlite_samples)
    assert all(any(p.search(sample) for p, _ in SERVER_ONLY) for sample in server_samples)
    assert not any(p.search("Customer.name.ilike(text)") for p, _ in SERVER_ONLY)


def test_schema_steps_are_numbered_once_and_without_gaps():
    """Branches get their step numbers ahead of merging; merged, the steps run 2, 3, 4… with no gap."""
    from journal.storage.migrations import LATEST, STEPS

    assert sorted(STEPS) == list(range(2, LATEST + 1))
    for number, module in STEPS.items():
        assert module.startswith(f"m{number:04d}_") and (JOURNAL / "storage" / "migrations" / f"{module}.py").exists()
