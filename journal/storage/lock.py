"""The journal's lock file, without Qt: the command line must not write to a
journal that a Lately window has open, and a window must not open one that a
command-line import is writing.

The window locks `<journal>.lock` with Qt's QLockFile, which creates the file
exclusively, writes "pid, application, host" into it and holds an flock() on it
for as long as the journal is open. This module speaks the same protocol: a
lock file whose flock() can be taken is left over from a crash and is taken
over; one whose flock() is held belongs to a running Lately."""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from journal.errors import JournalError

try:
    import fcntl
except ImportError:  # Windows: only the process id in the file tells
    fcntl = None

COMMAND_LINE = "Lately command line"
STALE_AFTER_S = 30  # as QLockFile: an unlocked file this old is stale even if its process id was reused


@dataclass(frozen=True)
class Holder:
    pid: int | None
    application: str

    def describe(self) -> str:
        who = f"process {self.pid}" if self.pid else "another process"
        if self.application == COMMAND_LINE:
            return f"another Lately command is using it ({who})"
        return f"it is open in Lately ({who})"


class JournalInUse(JournalError):
    def __init__(self, journal: Path, holder: Holder):
        self.holder = holder
        super().__init__(f"{journal} cannot be changed now: {holder.describe()}. "
                         "Close it there and try again.")


def lock_path(journal: Path) -> Path:
    return Path(str(Path(journal).resolve()) + ".lock")


def _read(path: Path) -> Holder:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
    return Holder(pid, lines[1] if len(lines) > 1 else "")


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _flock(fd: int) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def holder(journal: Path) -> Holder | None:
    """Who holds the journal's lock; None when nobody does (no file, or one left by a crash)."""
    path = lock_path(journal)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None
    except OSError:
        return _read(path)  # cannot even open it: treat as held, never take it from someone
    try:
        info = _read(path)
        if not _flock(fd):
            return info
        young = time.time() - os.fstat(fd).st_mtime < STALE_AFTER_S
        # Unlocked: left by a crash, unless its writer has only just created it.
        return info if (young and _alive(info.pid) and info.pid != os.getpid()) else None
    finally:
        os.close(fd)


class CommandLineLock:
    """Held by a command-line job that writes to the journal."""

    def __init__(self, journal: Path):
        self.journal = Path(journal)
        self.path = lock_path(journal)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise JournalInUse naming who has it."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                found = holder(self.journal)
                if found is not None:
                    raise JournalInUse(self.journal, found) from None
                self._remove_stale()
                continue
            _flock(fd)
            if fcntl is not None:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # QLockFile takes both kinds
                except OSError:
                    pass
            os.write(fd, f"{os.getpid()}\n{COMMAND_LINE}\n{socket.gethostname()}\n".encode())
            os.fsync(fd)
            self._fd = fd
            return
        raise JournalInUse(self.journal, _read(self.path))

    def _remove_stale(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            return
        try:
            if _flock(fd):  # nobody took it over meanwhile
                self.path.unlink(missing_ok=True)
        finally:
            os.close(fd)

    def release(self) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
