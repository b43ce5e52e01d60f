"""One Lately per journal: a lock file beside the journal (a lock left by a
crashed process is recognised as stale and taken over), and a local socket
through which a second launch asks the running window to come to the front."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal

# QtNetwork is imported where it is used: the server starts after the window's
# first paint, and loading the module before it would delay every start.


SHOWN_ELSEWHERE = "shown elsewhere"  # another window has the journal, and came to the front

def _server_name(journal_path: Path) -> str:
    digest = hashlib.sha1(str(Path(journal_path).resolve()).encode()).hexdigest()[:16]
    return f"lately-{digest}"


class JournalLock(QObject):
    """Held while a window has the journal open."""

    raise_requested = Signal()

    def __init__(self, journal_path: Path, parent=None):
        super().__init__(parent)
        self.journal_path = Path(journal_path).resolve()
        self._lock_path = str(self.journal_path) + ".lock"
        self._lock = QLockFile(self._lock_path)
        self._server = None

    def acquire(self) -> bool:
        """Take the lock (a stale one is taken over); listen() then lets a second
        launch reach this one."""
        from journal.storage.private import make_folder, restrict

        make_folder(self.journal_path.parent)
        if not self._lock.tryLock(100):
            return False  # see cannot_write() for why
        restrict(Path(self._lock_path))  # it says which process has which journal: owner-only
        return True

    def cannot_write(self) -> str | None:
        """After a refused acquire(): why, when it was not another process but the
        folder (read-only, or a full disk); None when another Lately holds the lock."""
        error = self._lock.error()
        if error in (QLockFile.LockError.NoError, QLockFile.LockError.LockFailedError):
            return None
        folder = self.journal_path.parent
        if error != QLockFile.LockError.PermissionError:
            import shutil

            try:
                full = shutil.disk_usage(folder).free == 0
            except OSError:
                full = False
            if full:
                return (f"The disk is full: Lately cannot open {self.journal_path.name}, because it cannot write "
                        f"even its small lock file in {folder}. Nothing was changed. Free some space, then start "
                        "Lately again.")
            return (f"Lately cannot write its lock file beside {self.journal_path.name} in {folder}. Nothing was "
                    "changed. Check that the folder can be written to, then start Lately again.")
        return (f"Lately cannot open {self.journal_path.name} here: its folder {folder} is read-only, and "
                "Lately keeps its lock and write-ahead log beside the journal. Nothing was changed. Copy the "
                "journal to a folder you can write to and open the copy, or choose another journal.")

    def listen(self) -> None:
        from PySide6.QtNetwork import QLocalServer

        if self._server is not None:
            return
        name = _server_name(self.journal_path)
        QLocalServer.removeServer(name)  # a socket left by a crashed owner; we hold the lock now
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._knock)
        self._server.listen(name)

    def release(self) -> None:
        if self._server:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def owner(self) -> str:
        """Who holds the lock, in words: "Lately, process 4242 on this computer"."""
        info = self._lock.getLockInfo()
        # PySide6 6.11 returns (pid, host, app), pid 0 when unknown; older ones led with an ok flag.
        if len(info) == 4:
            ok, pid, host, _app = info
        else:
            pid, host, _app = info
            ok = bool(pid)
        if not ok:
            return "another window"
        import socket

        where = "this computer" if not host or host == socket.gethostname() else host
        return f"process {pid} on {where}"

    def _knock(self):
        while self._server and self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.disconnected.connect(connection.deleteLater)
            self.raise_requested.emit()


def ask_running_instance_to_show(journal_path: Path, patience: float = 2.0) -> bool:
    """True when a running Lately on this journal answered and will come to the
    front. A window that is still starting listens within moments, so a missing
    server is asked again for up to `patience` seconds."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    give_up = time.monotonic() + patience
    while True:
        socket.connectToServer(_server_name(journal_path))
        if socket.waitForConnected(1000):
            break
        if time.monotonic() >= give_up:
            return False
        time.sleep(0.1)
    socket.write(b"show\n")
    socket.waitForBytesWritten(500)
    socket.disconnectFromServer()
    return True
