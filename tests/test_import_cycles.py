"""No module of ui/ or journal/ imports itself round a circle: read from their
source, every import counts, at the top of a module or inside a function
(a function-level import only postpones the circle to the first call)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ui", "journal")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def imported_by(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that `name` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from x import y` imports the module x.y when there is one, else a name from x.
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import a.b.c` of a name inside a module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports, as the modules along it, or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    trail: list[str] = []

    def visit(node):
        colour[node] = GREY
        trail.append(node)
        for nxt in sorted(graph[node]):
            if colour[nxt] == GREY:
                return trail[trail.index(nxt):] + [nxt]
            if colour[nxt] == WHITE:
                found = visit(nxt)
                if found:
                    return found
        trail.pop()
        colour[node] = BLACK
        return None

    for node in sorted(graph):
        if colour[node] == WHITE:
            found = visit(node)
            if found:
                return found
    return None


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    known = set(modules)
    # A package's __init__ is imported with any of its modules; its own imports are edges like any other.
    return {name: imported_by(name, path, known) for name, path in modules.items()}


def test_no_module_in_ui_or_journal_imports_itself_round_a_circle():
    graph = import_graph()
    assert {"ui.window.main_window", "ui.files.journal_files", "journal.session", "journal.storage.db"} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, "an import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("sources, cycle", [
    ({"a": "from . import b", "b": "def later():\n    from .a import thing"}, ["pkg.a", "pkg.b", "pkg.a"]),
    ({"a": "import pkg.b", "b": "from pkg.c import x", "c": "from .a import y"}, ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]),
    ({"a": "from . import b", "b": "from .c import x", "c": "import os"}, None),
])
def test_the_check_finds_circles_through_function_level_and_relative_imports(tmp_path, monkeypatch, sources, cycle):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    for name, text in sources.items():
        (tmp_path / "pkg" / f"{name}.py").write_text(text)
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGES"]), "PACKAGES", ("pkg",))
    assert find_cycle(import_graph()) == cycle
