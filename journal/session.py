"""One open journal: where it is, opening it (checked, backed up before an
upgrade, migrated, the demo filled), and closing it. The window holds one, the
command line can too; neither needs to know how a journal is opened.

A journal is found at a location: a file path, or a team journal's server
(a PostgreSQL URL or libpq key=value string: `_open_server()` beside
`_open_file()`), whose `path` is then the file that stands for it on this
computer (its lock, its backups folder, the window's state). Everything
file-specific (backups, passphrase protection, restoring) is said so below. The window switches to any session with JournalFiles.switch_to."""

from __future__ import annotations

import os
from pathlib import Path

from journal.storage import db
from journal.errors import JournalLocked


class Journal:
    """A journal session. `lock` is anything with acquire() -> bool, release(),
    cannot_write() -> str | None and owner() -> str (the window's lock file);
    without one the session takes no lock (tests, scripts that only read).
    `locked`: the caller has already taken `lock`."""

    def __init__(self, location: str | os.PathLike, *, demo: bool = False, lock=None, locked: bool = False,
                 password: str | None = None):
        from journal.storage import team

        self.is_server = team.is_server(location)
        # A server's address is kept without a password; one typed in the
        # Connect dialog lives only here, in memory, for reconnecting.
        self.location = team.without_password(str(location)) if self.is_server else location
        self.address = str(location) if self.is_server else None  # what libpq is given, as written (in memory only)
        self.password = password
        self.demo = demo and not self.is_server
        self.lock = lock
        self._locked = locked and lock is not None

    @classmethod
    def the_demo(cls, lock_for=None) -> Journal:
        """The demo journal, in its own folder beside the real one."""
        path = db.demo_path()
        return cls(path, demo=True, lock=lock_for(path) if lock_for else None)

    def __repr__(self) -> str:
        return f"Journal({str(self.location)!r}{', demo' if self.demo else ''})"

    # -- where it is ------------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        """The journal's file; for a team journal, the file that stands for it on
        this computer (its lock, its backups folder, the window's state)."""
        if self.is_server:
            from journal.storage import team

            return team.local_path(self.location)
        return Path(self.location).expanduser()

    @property
    def name(self) -> str:
        """What a person calls it: the file's name, or the server's database."""
        if self.is_server:
            from journal.storage import team

            return f"{team.place(self.location).title} (team journal)"
        return self.path.name

    def is_at(self, location: str | os.PathLike) -> bool:
        """True when `location` is this journal (another spelling of the same file included)."""
        from journal.storage import team

        if team.is_server(location) or self.is_server:
            return self.is_server and team.is_server(location) and \
                team.without_password(str(location)).strip() == str(self.location).strip()
        return Path(location).expanduser().resolve() == self.path.resolve()

    # -- the lock -------------------------------------------------------------------------------
    def acquire(self) -> None:
        """Take the journal's lock, or raise JournalLocked saying who has it or
        why it cannot be taken. An OSError (the folder cannot even be made) passes."""
        if self.lock is None or self._locked:
            return
        if not self.lock.acquire():
            why = self.lock.cannot_write()
            raise JournalLocked(why or f"{self.location} is already open in Lately ({self.lock.owner()}).",
                                by_another=why is None)
        self._locked = True

    def release(self) -> None:
        if self.lock is not None and self._locked:
            self.lock.release()
            self._locked = False

    # -- opening and closing ----------------------------------------------------------------------
    def open(self, *, new_in_empty: bool = False, check_integrity: bool = False) -> None:
        """Open the journal and make it the one every model uses. Raises
        JournalDamaged, JournalEmpty, JournalReadOnly or JournalTooNew (nothing
        is changed then). An older journal is backed up before it is upgraded;
        a new demo journal is filled with the demo business. Without
        check_integrity only the header is read: check() does the rest, in the
        background, so a large journal opens at once."""
        if self.is_server:
            self._open_server()
        else:
            self._open_file(new_in_empty=new_in_empty, check_integrity=check_integrity)
        if self.demo:
            self.fill_demo()

    def _open_file(self, *, new_in_empty: bool, check_integrity: bool) -> None:
        from journal.storage import backups

        path = self.path

        def back_up_first(version):
            backups.make_backup(path, f"before-upgrade-from-v{version}")

        db.close()  # whatever was open before (or the stand-in while the file was rewritten)
        db.connect(path, before_migration=back_up_first, check_integrity=check_integrity,
                   new_in_empty=new_in_empty)

    def _open_server(self) -> None:
        """Connect (a short timeout: an unreachable server raises ServerUnavailable
        at once) and bring the schema up to date; before an upgrade, the whole
        journal is backed up into this team journal's backups folder, as File ›
        Back up now does (a journal file), so a failed upgrade loses nothing."""
        from journal.storage import team

        db.close()
        team.open_journal(self.address, self.password, before_migration=self._back_up_before_upgrade)

    def _back_up_before_upgrade(self, version: int) -> None:
        from datetime import datetime

        from journal.io import move
        from journal.storage import backups
        from journal.storage.private import make_folder

        folder = make_folder(backups.backups_dir(self.path))
        name = backups._name(self.path, datetime.now().replace(microsecond=0), f"before-upgrade-from-v{version}")
        move.back_up_before_upgrade(self.address, self.password, folder / name)

    def fill_demo(self) -> None:
        """The demo business, once: a demo journal that has customers keeps them."""
        from journal.io import demo as demo_data
        from journal.storage.models import Customer

        if not Customer.select().exists():
            demo_data.populate()

    def check(self) -> str | None:
        """SQLite's check of every page; None when the journal is sound."""
        return db.integrity_problem()

    def close(self) -> None:
        """Close the database; the lock stays held (see release())."""
        db.close()

    def set_aside(self) -> None:
        """Close the file and point every model at an empty in-memory stand-in,
        so nothing can read or write the journal while it is replaced."""
        from peewee import SqliteDatabase

        from journal.storage.models import database

        db.close()
        database.initialize(SqliteDatabase(":memory:"))

    def end(self) -> None:
        """Close the database and give up the lock."""
        self.close()
        self.release()

    # -- file journals: backups and protection -----------------------------------------------------
    def backups_kept(self) -> int:
        from journal.writes import settings

        return settings.get_settings().backups_kept

    def restore(self, backup) -> Path | None:
        """Put `backup` in place of the journal (the journal as it was is backed
        up first) and open it again, restored or, when that failed, as it was.
        Returns the name the journal as it was is kept under."""
        from journal.storage import backups

        self.close()
        try:
            return backups.restore(backup, self.path)
        finally:
            self.open()

    def needs_passphrase(self) -> bool:
        from journal.storage import crypto

        return crypto.needs_passphrase(self.path)

    def is_protected(self) -> bool:
        from journal.storage import crypto

        return crypto.is_encrypted(self.path)

    def passphrase(self) -> str | None:
        """The passphrase this session opened the journal file with (None for a
        plain file or a team journal), for handing to Lately's own second process."""
        if self.is_server:
            return None
        from journal.storage import crypto

        return crypto.passphrase_for(self.path)

    def change_protection(self, old: str | None, new: str | None, progress=None):
        """Encrypt, re-key or decrypt the journal and its backups; the journal must be set aside first."""
        from journal.storage import crypto

        return crypto.change_protection(self.path, old, new, progress)
