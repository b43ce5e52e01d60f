"""Backups of the journal file with SQLite's online backup API: consistent even
while the app writes, kept in a `backups` folder beside the journal, pruned to
the number the settings keep. Restoring first backs up the current file, and a
damaged file is moved aside, never overwritten or deleted.

Like db.py this works on the SQLite file itself (a PostgreSQL journal would be
backed up with pg_dump instead)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from journal.storage import crypto
from journal.errors import Cancelled, JournalDamaged, JournalError
from journal.storage.private import fsync_folder, make_folder
# (Listed in backup_files.py, which crypto.py needs too; imported here for every caller of backups.)
from journal.storage.backup_files import DAMAGED, SUFFIX, Backup, _name, _parse, backups_dir, list_backups  # noqa: F401

STEP_PAGES = 4096  # 16 MB a step at 4 KiB pages: progress and Cancel a few times a second


def make_backup(journal_path: Path, reason: str = "", now: datetime | None = None, progress=None) -> Backup:
    """Copy the journal into the backups folder, consistently, without stopping
    writers, and check the copy before it counts. `progress(done_pages,
    total_pages)` may return False to cancel.

    The copy is taken from one read snapshot held for the whole backup (WAL lets
    writers go on meanwhile), so a write in between never restarts it: with
    SQLite's backup API stepping through an unpinned source, every write by
    another connection sends it back to page 1, and under steady typing it never
    finished. A copy that fails SQLite's quick check is kept, named "-damaged",
    and JournalDamaged is raised: it never counts as a backup, so it never pushes
    a sound one out."""
    journal_path = Path(journal_path)
    now = (now or datetime.now()).replace(microsecond=0)
    folder = backups_dir(journal_path)
    target = folder / _name(journal_path, now, reason)
    partial = target.with_name(target.name + ".partial")
    try:
        _private_folder(folder)
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        _copy_from_one_snapshot(journal_path, partial, progress)
        problem = _problem(partial)
        if problem:
            target = folder / _name(journal_path, now, f"{reason}-{DAMAGED}" if reason else DAMAGED)
        _fsync(partial)
        os.replace(partial, target)
        fsync_folder(folder)
    except (OSError, *crypto.errors()) as exc:
        _discard(partial)
        raise JournalError(f"Could not back up the journal to {folder}: {exc}") from exc
    except BaseException:
        _discard(partial)
        raise
    if problem:
        raise JournalDamaged(f"{journal_path.name} is damaged ({problem}), so this copy is not a backup: it is kept "
                             f"as {target.name}, and your earlier backups are untouched.")
    return _parse(journal_path, target)


def _copy_from_one_snapshot(journal_path: Path, partial: Path, progress) -> None:
    source = crypto.connect(journal_path, readonly=True)
    try:
        destination = crypto.connect(partial, like=journal_path)  # an encrypted journal's copy is encrypted
    except BaseException:
        source.close()
        raise
    source.isolation_level = destination.isolation_level = None  # transactions as written below
    try:
        source.execute("PRAGMA busy_timeout = 5000")
        source.execute("BEGIN")  # the snapshot: pinned by the first read, held until the copy is done
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        destination.execute("PRAGMA synchronous = OFF")  # fsynced once, at the end
        destination.execute("PRAGMA journal_mode = OFF")  # a new file: nothing to roll back to

        def report(status, remaining, total):
            if progress and progress(total - remaining, total) is False:
                raise Cancelled("The backup was cancelled; nothing was written.")

        source.backup(destination, pages=STEP_PAGES, progress=report)
        source.execute("COMMIT")
        destination.execute("PRAGMA journal_mode = delete")  # one self-contained file
    finally:
        destination.close()
        source.close()


def _private_folder(folder: Path) -> None:
    make_folder(folder)
    os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask, and an older folder may be 0755


def _problem(path: Path) -> str | None:
    """SQLite's quick check of the copy; None when it is sound."""
    try:
        con = crypto.connect(path, readonly=True)
    except crypto.errors() as exc:
        return str(exc)
    try:
        result = con.execute("PRAGMA quick_check(1)").fetchone()[0]
        return None if result == "ok" else " ".join(result.split())
    except crypto.errors() as exc:
        return str(exc)
    finally:
        con.close()


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def prune(journal_path: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` sound backups, and apart from them the newest `keep`
    copies of a damaged journal: a damaged copy never pushes a sound backup out.
    Returns what was removed."""
    removed = []
    found = list_backups(journal_path)
    for kind in ([b for b in found if not b.damaged], [b for b in found if b.damaged]):
        for backup in kind[max(keep, 1):]:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def backup_if_due(journal_path: Path, keep: int, now: datetime | None = None) -> Backup | None:
    """The daily backup: taken when there is none from today yet. A damaged
    journal's copy is kept (and JournalDamaged raised) without pruning anything."""
    now = now or datetime.now()
    existing = list_backups(journal_path)
    if existing and existing[0].taken_at.date() == now.date():
        return None
    made = make_backup(journal_path, "daily", now)
    prune(journal_path, keep)
    return made


def is_sound(path: Path) -> bool:
    try:
        con = crypto.connect(path, readonly=True)
        try:
            ok = con.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
            return ok and bool(con.execute("SELECT 1 FROM sqlite_master WHERE name='schema_version'").fetchone())
        finally:
            con.close()
    except crypto.errors():
        return False


def newest_sound_backup(journal_path: Path) -> Backup | None:
    return next((b for b in list_backups(journal_path) if not b.damaged and is_sound(b.path)), None)


def restore(backup: Backup, journal_path: Path, now: datetime | None = None) -> Path | None:
    """Put `backup` in place of the journal, which must be closed. The current
    file is first backed up (if sound) or moved aside as damaged; returns where
    the old file went."""
    journal_path = Path(journal_path)
    now = (now or datetime.now()).replace(microsecond=0)
    if not is_sound(backup.path):
        raise JournalError(f"The backup from {backup.label} is itself damaged; choose another.")
    kept = None
    if journal_path.exists():
        if is_sound(journal_path):
            kept = make_backup(journal_path, "before-restore", now).path
        else:
            kept = journal_path.with_name(f"{journal_path.stem}-damaged-{now:%Y%m%d-%H%M%S}{SUFFIX}")
            os.replace(journal_path, kept)
            for extra in ("-wal", "-shm"):
                side = journal_path.with_name(journal_path.name + extra)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + extra))
    incoming = journal_path.with_name(journal_path.name + ".restoring")
    fd = os.open(incoming, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        with open(backup.path, "rb") as source, os.fdopen(fd, "wb") as target:
            while chunk := source.read(1 << 20):
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
    except OSError as exc:
        incoming.unlink(missing_ok=True)
        raise JournalError(f"Could not restore {backup.path.name}: {exc}") from exc
    for extra in ("-wal", "-shm"):  # they belong to the file being replaced
        journal_path.with_name(journal_path.name + extra).unlink(missing_ok=True)
    os.replace(incoming, journal_path)
    return kept
