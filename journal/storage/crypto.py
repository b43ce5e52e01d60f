"""Encryption at rest, per journal: a journal protected with a passphrase is a
SQLCipher 4 file (every page, the WAL and the backups encrypted; AES-256, the
key derived from the passphrase by PBKDF2-HMAC-SHA512). A plain journal stays an
ordinary SQLite file and never loads SQLCipher.

The passphrases that opened a journal this session are held in this module's
memory only, never written anywhere: background threads, backups and reopening
after a restore need them. Opening a connection derives SQLCipher's key from
the passphrase once per file (256,000 PBKDF2 rounds, ~0.1 s) and hands SQLCipher
the derived key after that, so a background task's connection opens at once.

Protecting, changing the passphrase and removing the protection all write the
journal anew with sqlcipher_export, check the copy, and put it in place of the
old file in one rename; the journal's backups follow it."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from journal.errors import JournalDamaged, JournalError
from journal.storage.private import fsync_folder

SQLITE_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16  # SQLCipher keeps the key's salt in the first 16 bytes of the file
KDF_ITERATIONS = 256_000  # SQLCipher 4's defaults: PBKDF2-HMAC-SHA512, a 256-bit key
KEY_BYTES = 32
MIN_PASSPHRASE = 8
WRONG_PASSPHRASE = "That passphrase does not open this journal."

_passphrases: list[str] = []  # newest first; memory only
_derived: dict[tuple[str, bytes], str] = {}  # (passphrase, salt) -> SQLCipher's raw key form
_rewriting: set[Path] = set()  # journals being written anew: no one else may open them meanwhile


class PassphraseNeeded(JournalError):
    """The journal is encrypted and no passphrase given this session opens it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(f"{self.path.name} is protected with a passphrase.")


class Busy(JournalError):
    """The journal is being written anew (protected, re-keyed or unprotected)."""

    def __init__(self, path: Path):
        super().__init__(f"{Path(path).name} is being rewritten with its new protection; try again in a moment.")


class WrongPassphrase(JournalError):
    def __init__(self):
        super().__init__(WRONG_PASSPHRASE)


# -- recognising an encrypted file ------------------------------------------------------------------
# What db.connect found in the journal it opened: (path, device, inode, salt or
# None for plain). Once SQLite has a file open, this process must not open and
# close it by other means: closing any descriptor of a file drops every POSIX
# lock the process holds on it, SQLite's included (another process could then
# take the journal's WAL away). So the open journal's header is read once, before
# SQLite opens it, and remembered for as long as the same file is at that path.
_journal: tuple[Path, int, int, bytes | None] | None = None


def journal_key(path: Path) -> str | None:
    """key_for(path), for db.connect, which is about to open the journal at `path`."""
    global _journal
    path = Path(path)
    _journal = None
    key = key_for(path)
    found = os.stat(path)
    _journal = (path.resolve(), found.st_dev, found.st_ino, _salt(path) if key else None)
    return key


def _known(path: Path) -> tuple[bool, bytes | None] | None:
    """(encrypted, salt) of the journal db.connect opened, if `path` is that file."""
    if _journal is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    where, device, inode, salt = _journal
    if (found.st_dev, found.st_ino) == (device, inode) and Path(path).resolve() == where:
        return salt is not None, salt
    return None


def is_encrypted(path: Path) -> bool:
    """Whether `path` looks like a SQLCipher file: no SQLite header, and a first
    page that does not compress (a plain journal damaged at its start still has
    its schema's text in page 1; encrypted pages are indistinguishable from noise)."""
    known = _known(path)
    if known is not None:
        return known[0]
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # SQLite itself will say what is wrong with it
    if len(head) < 1024 or head.startswith(SQLITE_HEADER):
        return False
    import zlib  # only for a file that is not plain SQLite

    return len(zlib.compress(head)) > 0.9 * len(head)


def _salt(path: Path) -> bytes:
    known = _known(path)
    if known is not None and known[1] is not None:
        return known[1]
    with open(path, "rb") as handle:
        return handle.read(SALT_BYTES)


# -- SQLCipher, loaded only for an encrypted journal ------------------------------------------------
def driver():
    """SQLCipher's DB-API module, as Peewee's playhouse.sqlcipher_ext imports it."""
    from playhouse import sqlcipher_ext

    module = sqlcipher_ext.sqlcipher
    _quiet(module)
    return module


@lru_cache(maxsize=1)
def _quiet(module) -> None:
    # SQLCipher logs each failed page decryption to stderr; a wrong passphrase
    # is answered by Lately's own message instead.
    con = module.connect(":memory:")
    con.execute("PRAGMA cipher_log_level = NONE")
    con.close()


def errors() -> tuple:
    """The exceptions a connection from connect() may raise, for except clauses;
    SQLCipher's are only there once it has been loaded."""
    found = (sqlite3.Error, PassphraseNeeded, Busy, JournalDamaged)
    loaded = sys.modules.get("sqlcipher3.dbapi2")
    return found + (loaded.Error,) if loaded is not None else found


@lru_cache(maxsize=4)
def database_class(base):
    """`base` (the Peewee database class db.py opens journals with) reading and
    writing through SQLCipher: Peewee's own SqlCipherDatabase on that base."""
    from playhouse.sqlcipher_ext import _SqlCipherDatabase

    driver()
    return type("Encrypted" + base.__name__, (_SqlCipherDatabase, base), {})


def _raw_key(passphrase: str, salt: bytes) -> str:
    """SQLCipher's key for this file, in the form that skips its key derivation
    (the same PBKDF2 it would run, run once here instead of on every connection)."""
    found = _derived.get((passphrase, salt))
    if found is None:
        import hashlib  # only for an encrypted journal

        key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES)
        found = _derived[(passphrase, salt)] = f"x'{key.hex()}'"
    return found


def _keyed(path: Path, key: str, readonly: bool = False):
    """A SQLCipher connection to `path` with `key` (a raw key or a passphrase)."""
    sqlcipher = driver()
    target = f"file:{urllib.parse.quote(str(path))}?mode=ro" if readonly else str(path)
    con = sqlcipher.connect(target, uri=readonly, isolation_level=None, check_same_thread=False)
    try:
        con.execute("PRAGMA key = '{}'".format(key.replace("'", "''")))
    except BaseException:
        con.close()
        raise
    return con


def _opens(path: Path, passphrase: str) -> bool:
    sqlcipher = driver()
    con = _keyed(path, _raw_key(passphrase, _salt(path)), readonly=True)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher.DatabaseError as exc:
        if "not a database" in str(exc):  # what SQLCipher says for a wrong key
            return False
        raise
    finally:
        con.close()


def _passphrase_for(path: Path) -> str:
    known = list(_passphrases)  # (another thread may be adding one)
    for passphrase in known:
        if _opens(path, passphrase):
            return passphrase
    for passphrase in known:
        _refuse_if_damaged(path, passphrase)
    raise PassphraseNeeded(path)


def _refuse_if_damaged(path: Path, passphrase: str) -> None:
    """SQLCipher cannot tell a wrong key from a damaged first page. But when the
    passphrase opens the journal's own newest backups, it is the right one, and
    the journal is damaged: say so, so that recovery can offer those backups."""
    from journal.storage.backup_files import list_backups

    newest = [b.path for b in list_backups(path) if is_encrypted(b.path)][:2]
    for backup in newest:
        try:
            right = _opens(backup, passphrase)
        except (OSError, driver().Error):
            continue
        if right:
            raise JournalDamaged(f"{path.name} does not open with the passphrase that opens its backups, "
                                 "so the file is damaged.")


# -- what the rest of the journal asks ------------------------------------------------------------
def key_for(path: Path) -> str | None:
    """The key SQLCipher needs for the journal at `path`, None for a plain file.
    Raises PassphraseNeeded when no passphrase given this session opens it."""
    path = Path(path)
    if not is_encrypted(path):
        return None
    try:
        return _raw_key(_passphrase_for(path), _salt(path))
    except (OSError, driver().Error) as exc:
        raise JournalDamaged(f"{path.name} is not a Lately journal or is damaged ({exc})") from exc


def passphrase_for(path: Path) -> str | None:
    """The passphrase given this session that opens the journal at `path`
    (None for a plain file), for handing to Lately's own second process (a
    move) through a pipe. Raises PassphraseNeeded when none opens it."""
    path = Path(path)
    if not is_encrypted(path):
        return None
    return _passphrase_for(path)


def needs_passphrase(path: Path) -> bool:
    """Whether the journal at `path` is encrypted with a passphrase not yet given."""
    try:
        key_for(path)
    except PassphraseNeeded:
        return True
    except JournalError:
        return False  # damaged: opening it will say so
    return False


def unlock(path: Path, passphrase: str) -> None:
    """Remember `passphrase` for this session if it opens the journal at `path`;
    WrongPassphrase if it does not; JournalDamaged (remembering it) if it opens
    the journal's backups but not the journal."""
    path = Path(path)
    if is_encrypted(path) and not _opens(path, passphrase):
        try:
            _refuse_if_damaged(path, passphrase)
        except JournalError:
            remember(passphrase)  # right, for the backups that recovery will offer
            raise
        raise WrongPassphrase()
    remember(passphrase)


def opens(path: Path, passphrase: str) -> bool:
    """Whether `passphrase` opens the encrypted journal at `path` (a check before
    changing or removing its protection)."""
    return is_encrypted(path) and _opens(Path(path), passphrase)


def remember(passphrase: str) -> None:
    if passphrase in _passphrases:
        _passphrases.remove(passphrase)
    _passphrases.insert(0, passphrase)


def forget(passphrase: str | None = None) -> None:
    """Forget one passphrase (all of them without an argument)."""
    for known in [p for p in _passphrases if passphrase is None or p == passphrase]:
        _passphrases.remove(known)
    for pair in [pair for pair in _derived if passphrase is None or pair[0] == passphrase]:
        del _derived[pair]


def connect(path: Path, readonly: bool = False, like: Path | None = None):
    """A DB-API connection to a journal file or a backup: sqlite3 for a plain
    file, SQLCipher with the session's passphrase for an encrypted one. With
    `like`, `path` is a new file keyed like the journal at `like` (the copy of
    an encrypted journal is encrypted)."""
    path = Path(path)
    for journal in (path, like):
        if journal is not None and Path(journal).resolve() in _rewriting:
            raise Busy(journal)
    if like is not None:
        if not is_encrypted(like):
            return sqlite3.connect(path)
        return _keyed(path, _passphrase_for(Path(like)))  # a new file: its own salt, the same passphrase
    if not is_encrypted(path):
        if readonly:
            return sqlite3.connect(f"file:{urllib.parse.quote(str(path))}?mode=ro", uri=True)
        return sqlite3.connect(path)
    return _keyed(path, key_for(path), readonly=readonly)


# -- protecting, changing, removing -------------------------------------------------------------
@dataclass
class Rewritten:
    """What a change of protection did to the journal's backups."""

    backups: list[Path] = field(default_factory=list)
    left_as_they_were: list[Path] = field(default_factory=list)


def change_protection(journal_path: Path, old: str | None, new: str | None, progress=None) -> Rewritten:
    """Write the journal (which must be closed) anew, encrypted with `new` (None:
    plain SQLite), given `old` (None when it is plain now); then its backups, so
    backups never stay readable beside a protected journal nor unreadable beside
    a plain one. `progress(done, total)` may return False to cancel until the
    journal is replaced, which leaves every file as it was; from then on its
    backups are finished too."""
    from journal.storage.backup_files import list_backups

    journal_path = Path(journal_path)
    _refuse_if_open(journal_path)
    if new is not None and len(new) < MIN_PASSPHRASE:
        raise JournalError(f"A passphrase needs at least {MIN_PASSPHRASE} characters.")
    if old is not None and not opens(journal_path, old):
        raise WrongPassphrase()
    if old is None and is_encrypted(journal_path):
        raise JournalError(f"{journal_path.name} is already protected with a passphrase.")
    files = [journal_path] + [b.path for b in list_backups(journal_path)]
    meter = _Meter(progress, sum(_size(p) for p in files))
    global _journal
    _rewriting.add(journal_path.resolve())
    try:
        _rewrite(journal_path, old, new, meter)
        _journal = None  # that file is gone; db.connect reads the new one
        if new is not None:
            remember(new)
        return _rewrite_backups(files[1:], old, new, meter)
    finally:
        _rewriting.discard(journal_path.resolve())


def _refuse_if_open(journal_path: Path) -> None:
    from journal.storage.models import database

    opened = database.obj
    if (opened is not None and not opened.is_closed() and opened.database not in ("", ":memory:")
            and Path(opened.database).resolve() == journal_path.resolve()):
        raise JournalError(f"{journal_path.name} must be closed before its protection changes.")


def _rewrite_backups(files: list[Path], old: str | None, new: str | None, meter) -> Rewritten:
    meter.cancellable = False  # the journal is changed: its backups must follow, or they stay in the old form
    report = Rewritten()
    for backup in files:
        try:
            plain = not is_encrypted(backup)
            current = None if plain else old if old is not None and _opens(backup, old) else False
        except (OSError, *errors()):
            current = False  # unreadable: damaged
        if current is False:  # under another passphrase, or damaged
            report.left_as_they_were.append(backup)
        elif current == new:  # already as it should be (a plain backup beside a plain journal)
            pass
        else:
            try:
                _rewrite(backup, current, new, meter)
            except (OSError, JournalError, *errors()):
                report.left_as_they_were.append(backup)
            else:
                report.backups.append(backup)
                continue
        meter.skip(backup)
    if old is not None and old != new:
        forget(old)
    return report


class _Cancelled(JournalError):
    def __init__(self):
        super().__init__("Cancelled: nothing was changed.")


class _Meter:
    """Progress in bytes written across the journal and its backups."""

    def __init__(self, progress, total: int):
        self.progress, self.total, self.done, self.last = progress, max(total, 1), 0, 0.0
        self.cancellable = True

    def report(self, extra: int = 0, force: bool = False) -> bool:
        if self.progress is None:
            return True
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return True
        self.last = now
        going_on = self.progress(min(self.done + extra, self.total), self.total) is not False
        return going_on or not self.cancellable

    def skip(self, path: Path):
        self.done += _size(path)
        self.report(force=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size + sum(path.with_name(path.name + s).stat().st_size
                                         for s in ("-wal",) if path.with_name(path.name + s).exists())
    except OSError:
        return 0


def _rewrite(path: Path, old: str | None, new: str | None, meter: _Meter) -> None:
    """sqlcipher_export `path` into a new file keyed with `new`, check it, and put
    it in place of `path` in one rename. The old file's WAL is checkpointed
    first and removed with it: nothing of the old form is left beside the new."""
    sqlcipher = driver()
    incoming = path.with_name(path.name + ".rekeying")
    try:
        incoming.unlink(missing_ok=True)  # left by a crash: never the only copy of anything
        os.close(os.open(incoming, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
    except OSError as exc:
        raise JournalError(f"Could not write beside {path.name} in {path.parent} ({exc.strerror}); "
                           "nothing was changed.") from None
    size = _size(path)
    try:
        source = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False)
        try:
            if old is not None:
                source.execute(f"PRAGMA key = \"{_raw_key(old, _salt(path))}\"")
            source.execute("PRAGMA busy_timeout = 5000")
            version = source.execute("PRAGMA user_version").fetchone()[0]
            source.execute("ATTACH DATABASE ? AS rewritten KEY ?", (str(incoming), new or ""))

            def tick():
                written = incoming.stat().st_size if incoming.exists() else 0
                return 0 if meter.report(min(written, size)) else 1  # non-zero interrupts the export

            source.set_progress_handler(tick, 20_000)
            source.execute("BEGIN IMMEDIATE")  # no write can slip in between the export and the rename
            try:
                source.execute("SELECT sqlcipher_export('rewritten')")
                source.execute(f"PRAGMA rewritten.user_version = {int(version)}")
                changed_before = source.execute("PRAGMA data_version").fetchone()[0]
                source.execute("COMMIT")
            finally:
                source.set_progress_handler(None, 0)
                if source.in_transaction:
                    source.execute("ROLLBACK")
            source.execute("DETACH DATABASE rewritten")
            _check_copy(source, incoming, new)
            busy, _, _ = source.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy or source.execute("PRAGMA data_version").fetchone()[0] != changed_before:
                raise JournalError(f"{path.name} is in use by another program; nothing was changed. "
                                   "Close it there and try again.")
        finally:
            source.close()
        for extra in ("-wal", "-shm"):  # the WAL is empty now: all of it is in the copy
            side = path.with_name(path.name + extra)
            if side.exists() and extra == "-wal" and side.stat().st_size:
                raise JournalError(f"{path.name} is in use by another program; nothing was changed.")
            side.unlink(missing_ok=True)
        with open(incoming, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(incoming, path)
        fsync_folder(path.parent)
    except sqlcipher.OperationalError as exc:
        incoming.unlink(missing_ok=True)
        if "interrupt" in str(exc):
            raise _Cancelled() from None
        raise JournalError(f"Could not rewrite {path.name} ({exc}); nothing was changed.") from None
    except (OSError, sqlcipher.Error) as exc:
        incoming.unlink(missing_ok=True)
        raise JournalError(f"Could not rewrite {path.name} ({exc}); nothing was changed.") from None
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    meter.done += size
    meter.report(force=True)


def _check_copy(source, incoming: Path, new: str | None) -> None:
    """The copy opens with the new key, SQLite finds it sound, and every table
    holds as many rows as in the journal (read in the same snapshot)."""
    copy = _keyed(incoming, _raw_key(new, _salt(incoming))) if new is not None else sqlite3.connect(incoming)
    try:
        problem = copy.execute("PRAGMA quick_check(1)").fetchone()[0]
        if problem != "ok":
            raise JournalError(f"The new copy is not sound ({problem}); nothing was changed.")
        tables = [name for (name,) in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for name in tables:
            quoted = '"' + name.replace('"', '""') + '"'
            if (source.execute(f"SELECT count(*) FROM main.{quoted}").fetchone()
                    != copy.execute(f"SELECT count(*) FROM main.{quoted}").fetchone()):
                raise JournalError(f"The new copy lost rows of {name}; nothing was changed.")
        for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"):
            quoted = '"' + name.replace('"', '""') + '"'
            copy.execute(f"INSERT INTO {quoted}({quoted}) VALUES ('integrity-check')")
    except (sqlite3.Error, driver().Error) as exc:
        raise JournalError(f"The new copy cannot be read back ({exc}); nothing was changed.") from None
    finally:
        copy.close()
