"""Where a journal's backups are and what they are called: the listing that
both making backups (backups.py) and changing a journal's protection
(crypto.py, which rewrites the backups too) need, below both of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SUFFIX = ".sqlite3"
DAMAGED = "damaged"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str
    size: int

    @property
    def damaged(self) -> bool:
        """A copy of a journal that was already damaged: kept, never offered as a backup."""
        return self.reason == DAMAGED or self.reason.endswith("-" + DAMAGED)

    @property
    def label(self) -> str:
        why = f" ({self.reason.replace('-', ' ')})" if self.reason else ""
        return f"{self.taken_at:%d %b %Y, %H:%M}{why}"


def backups_dir(journal_path: Path) -> Path:
    return Path(journal_path).parent / "backups"


def _name(journal_path: Path, when: datetime, reason: str) -> str:
    stem = Path(journal_path).stem
    tail = f"-{reason}" if reason else ""
    return f"{stem}-{when:%Y%m%d-%H%M%S}{tail}{SUFFIX}"


def _parse(journal_path: Path, path: Path) -> Backup | None:
    stem = Path(journal_path).stem + "-"
    name = path.name
    if not (name.startswith(stem) and name.endswith(SUFFIX)):
        return None
    middle = name[len(stem):-len(SUFFIX)]
    try:
        taken = datetime.strptime(middle[:15], "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    return Backup(path, taken, middle[16:], path.stat().st_size)


def list_backups(journal_path: Path) -> list[Backup]:
    """Newest first."""
    folder = backups_dir(journal_path)
    if not folder.is_dir():
        return []
    found = [b for p in folder.iterdir() if p.is_file() for b in [_parse(journal_path, p)] if b]
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)
