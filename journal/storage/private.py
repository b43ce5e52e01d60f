"""Owner-only files (0600) and folders (0700) for everything that holds the
journal's data or says where it is: the journal and its backups, the lock,
the window settings, exports. Modes are set explicitly, never left to the
umask, and only on what Lately itself creates (never on a folder of the
user's, such as the one a journal is opened from)."""

from __future__ import annotations

import os
from pathlib import Path

FILE, FOLDER = 0o600, 0o700


def make_folder(folder: Path) -> Path:
    """Create `folder` and any missing parents, each 0700; existing ones are left alone."""
    folder = Path(folder)
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for part in reversed(missing):
        try:
            part.mkdir(mode=FOLDER)
        except FileExistsError:
            continue
        os.chmod(part, FOLDER)
    return Path(missing[0]) if missing else folder


def opener(path, flags):
    """For open(..., opener=opener): a new file is owner-only, whatever the umask."""
    fd = os.open(path, flags, FILE)
    try:
        os.fchmod(fd, FILE)  # also when an earlier file of that name was left with wider rights
    except OSError:
        pass
    return fd


def restrict(path: Path) -> None:
    """Make an existing file owner-only (files written by Qt, such as a PDF or the lock)."""
    try:
        os.chmod(path, FILE)
    except FileNotFoundError:
        pass


def touch(path: Path) -> Path:
    """Create `path` owner-only if missing (Qt's QSaveFile keeps an existing file's mode), else restrict it."""
    path = Path(path)
    make_folder(path.parent)
    os.close(opener(path, os.O_CREAT | os.O_WRONLY))
    return path


def fsync_folder(folder: Path) -> None:
    """Make a rename inside `folder` durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not on every platform
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
