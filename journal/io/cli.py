"""The command line: the windows' jobs for scripts and scheduled tasks, through
the same services and with the same report text, without Qt.

    main.py import customers|purchases FILE [--dry-run] [--fill-in]
    main.py export customers|interactions|followups|journal FILE
    main.py backup
    main.py check
    main.py move --to TARGET [--from SOURCE]

each with --db PATH (else the default journal). Results go to standard output,
problems to standard error, never a traceback. The exit status says how it went."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

COMMANDS = ("import", "export", "backup", "check", "move")

OK = 0
REFUSED = 1  # a row was left out, or the job could not be done
USAGE = 2  # argparse's own status for a command line it cannot read
DAMAGED = 3  # the journal is damaged or is not a journal
IN_USE = 4  # Lately (or another command) has the journal open for writing
NO_SERVER = 5  # the team journal's server cannot be reached, or refused the connection

EXPORTS = ("customers", "interactions", "followups", "journal")


class Failed(Exception):
    """A message for standard error and the exit status to end with."""

    def __init__(self, message: str, status: int = REFUSED):
        super().__init__(message)
        self.status = status


def is_command(argv: list[str]) -> bool:
    """Whether these arguments ask for a command-line job rather than the window."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--db":
            skip = True
        elif not arg.startswith("-"):
            return arg in COMMANDS
    return False


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="lately", description="Lately's jobs from the command line (without a subcommand, the app opens).",
        epilog="Exit status: 0 done; 1 a row was left out or the job failed; 2 a mistake in the command; "
               "3 the journal is damaged; 4 the journal is open in Lately; 5 the team journal's server cannot be "
               "reached or refused the connection.")
    top.add_argument("--db", metavar="PATH", help="the journal file (default: your journal), or a team journal's "
                     "server: postgresql://user@host/dbname or service=NAME")
    jobs = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def job(name, help_text):
        sub = jobs.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                         help="the journal file, or a team journal: postgresql://user@host/dbname or service=NAME")
        return sub

    imp = job("import", "bring customers (CSV or vCard) or purchases (CSV) in from a file")
    imp.add_argument("what", choices=("customers", "purchases"))
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="say what would be imported; write nothing")
    imp.add_argument("--fill-in", action="store_true",
                     help="fill in what the journal is missing for customers already in it (default: skip them)")
    exp = job("export", "write customers, interactions (CSV), follow-ups (iCalendar) or the whole journal (JSON)")
    exp.add_argument("what", choices=EXPORTS)
    exp.add_argument("file", type=Path)
    job("backup", "copy the journal into its backups folder (the newest ones are kept, as in the app)")
    job("check", "check the journal file for damage")
    add_move_command(jobs)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from journal.storage import db

    from journal.storage import team

    # A team journal's location (postgresql://…, service=…) stays text: it is not a path.
    journal = args.db if args.db and team.is_server(args.db) else (
        Path(args.db).expanduser() if args.db else db.default_path())
    try:
        return {"import": run_import, "export": run_export, "backup": run_backup, "check": run_check,
                "move": run_move}[args.command](journal, args)
    except Failed as failure:
        _say(str(failure))
        return failure.status
    except KeyboardInterrupt:
        _say("Cancelled; nothing was changed.")
        return 130
    except Exception as error:  # noqa: BLE001 - the person at the terminal gets a sentence, not a traceback
        from journal.errors import JournalDamaged, JournalError, JournalTooNew
        from journal.storage.lock import JournalInUse

        if isinstance(journal, str) and team.is_connection_error(error):
            # In plain words, as the window's Connect dialog says it (never the password).
            _say(team.connect_problem(journal, error).for_terminal())
            return NO_SERVER
        if isinstance(error, JournalInUse):
            _say(str(error))
            return IN_USE
        if isinstance(error, JournalDamaged):
            _say(str(error))
            return DAMAGED
        if isinstance(error, (JournalError, JournalTooNew)):
            _say(str(error))
            return REFUSED
        if isinstance(error, OSError):
            _say(f"{error.filename}: {error.strerror}" if error.filename and error.strerror else str(error))
            return REFUSED
        _say(f"Something went wrong that Lately did not expect: {type(error).__name__}: {error}")
        return REFUSED
    finally:
        db.close()


def _say(message: str) -> None:
    print(f"lately: {message}", file=sys.stderr)


def _open(journal: Path, *, create: bool = False):
    """Open the journal as the app does (the same session): an older one is
    backed up, then upgraded; every page is checked first. A team journal's
    password comes from libpq: ~/.pgpass, PGPASSWORD or a service file."""
    from journal.storage import team
    from journal.session import Journal

    if team.is_server(journal):
        return team.open_journal(journal)
    if not create and not journal.exists():
        raise Failed(f"There is no journal at {journal}.")
    Journal(journal).open(check_integrity=True)


# --- import ---------------------------------------------------------------------------

def run_import(journal: Path, args) -> int:
    from journal.storage.lock import CommandLineLock

    if not args.file.is_file():
        raise Failed(f"There is no file at {args.file}.")
    from contextlib import nullcontext

    from journal.storage import team

    # A server keeps writers apart itself; a file needs the lock.
    with nullcontext() if team.is_server(journal) else CommandLineLock(journal):
        _open(journal, create=True)
        plan, report, source = import_file(args.what, args.file, dry_run=args.dry_run, fill_in=args.fill_in)
        from journal.io.import_report import preview_text, report_text

        print(f"{args.file.name}: {source}.")
        if report is None:
            print("Dry run: nothing was written.")
            print(preview_text(plan, args.what, fill_in=args.fill_in))
            problems = plan.problems
        else:
            print(report_text(report, args.what))
            problems = report.problems
    # A value left out of a row that was imported is in the report; a row left out fails the job.
    refused = [p for p in problems if not getattr(p, "imported", False)]
    if refused:
        from journal.rules import words

        verb = ("was" if len(refused) == 1 else "were") if report else "would be"
        _say(f"{words.plural(len(refused), 'row')} of {args.file.name} {verb} left out (listed above).")
        return REFUSED
    return OK


def import_file(what: str, path: Path, *, dry_run: bool, fill_in: bool):
    """The one place the command line calls the import services: read, plan,
    and (unless a dry run) write. Returns (plan, report or None, what was read)."""
    from journal.rules import words
    from journal.io import csv_import as ci

    if what == "customers" and path.suffix.lower() in (".vcf", ".vcard"):
        from journal.io import vcard

        plan = vcard.plan_cards(path.read_bytes())
        source = words.plural(len(plan.new) + len(plan.duplicates) + len(plan.refused), "contact card")
    else:
        table = ci.read_table(path)  # streamed: a large file is never all in memory
        fields = ci.CUSTOMER_FIELDS if what == "customers" else ci.PURCHASE_FIELDS
        mapping = ci.guess_mapping(table.headers, fields)
        date_field = "customer_since" if what == "customers" else "purchased_on"
        column = next((i for i, f in mapping.items() if f == date_field), None)
        date_format = ci.guess_date_format([r[column] for r in table.sample if column is not None and column < len(r)])
        if what == "customers":
            plan = ci.plan_customers(table, mapping, date_format)
        else:
            plan = ci.plan_purchases(table, mapping, date_format)
        separator = {",": "commas", ";": "semicolons", "\t": "tabs"}.get(table.delimiter, "bars")
        columns = ", ".join(f"{table.headers[i] or f'column {i + 1}'} as {f}" for i, f in mapping.items() if f)
        source = (f"{words.plural(table.row_count, 'row')}, {table.encoding}, separated by {separator}; "
                  f"read {columns or 'no column Lately knows'}")
        if table.warnings:  # read, but worth a look (a file that mixes encodings)
            source += ". " + " ".join(table.warnings)
    if dry_run:
        return plan, None, source
    if what == "customers":
        report = ci.import_customers(plan, duplicates="merge" if fill_in else "skip")
    else:
        report = ci.import_purchases(plan)
    return plan, report, source


# --- export, backup, check ---------------------------------------------------------------

def _reading(journal: Path):
    """Open for a job that only reads: with the lock when it is free (so an older
    journal can be upgraded first), else beside the open window (WAL lets a
    reader see everything committed)."""
    from journal.storage import team
    from journal.storage.lock import CommandLineLock, JournalInUse

    if team.is_server(journal):
        _open(journal)
        return None
    lock = CommandLineLock(journal)
    try:
        lock.acquire()
    except JournalInUse:
        lock = None
    try:
        _open(journal)
    except BaseException:
        if lock:
            lock.release()
        raise
    return lock


def run_export(journal: Path, args) -> int:
    from journal.io import exports
    from journal.rules import words

    lock = _reading(journal)
    target = args.file.expanduser()
    try:
        if args.what == "customers":
            count = words.plural(exports.export_customers_csv(target), "customer") + _left_out("customer")
        elif args.what == "interactions":
            count = words.plural(exports.export_interactions_csv(target), "interaction") + _left_out("interaction")
        elif args.what == "followups":
            count = f"{exports.export_follow_ups_ics(target)} follow-ups"
        else:
            exports.export_json(target)
            count = "the whole journal"
    except OSError as error:
        raise Failed(f"Could not save {target}: {error.strerror or error}.") from None
    finally:
        if lock:
            lock.release()
    print(f"Saved {target} ({count}).")
    return OK


def _left_out(table: str) -> str:
    """', not the 3 in the trash': so an export and `check` tell the same numbers."""
    from journal.rules import words
    from journal.storage import db
    from journal.storage.file_check import journal_counts

    trash = journal_counts(db.database.execute_sql)[f"{table}_trash"]
    return f", not the {words.number(trash)} in the trash" if trash else ""


def _counted(counts: dict[str, int]) -> str:
    """'5,000 customers (+3 in the trash), 200 interactions': what an export
    writes, and beside it what is in the trash."""
    from journal.rules import words

    def one(table):
        trash = counts[f"{table}_trash"]
        return words.plural(counts[table], table) + (f" (+{words.number(trash)} in the trash)" if trash else "")

    return f"{one('customer')}, {one('interaction')}"


def run_backup(journal: Path, args) -> int:
    from journal.storage import backups, team

    if team.is_server(journal):
        return _back_up_team_journal(journal)
    if not journal.exists():
        raise Failed(f"There is no journal at {journal}.")
    made = backups.make_backup(journal, "manual")
    backups.prune(journal, _backups_kept(journal))
    print(f"Backed up to {made.path}")
    return OK


def _backups_kept(journal: Path) -> int:
    from journal.storage.file_check import read_setting
    from journal.writes.settings import Settings

    try:
        return int(read_setting(journal, "backups_kept") or Settings.backups_kept)
    except ValueError:
        return Settings.backups_kept


def run_check(journal: Path, args) -> int:
    """SQLite's full integrity check and foreign-key check, read-only: the file is never changed."""
    from journal.storage import team

    if team.is_server(journal):
        return _check_team_journal(journal)
    from journal.errors import JournalDamaged
    from journal.storage.file_check import check_file
    from journal.storage.migrations import LATEST

    if not journal.exists():
        raise Failed(f"There is no journal at {journal}.")
    try:
        version, counts = check_file(journal)
    except JournalDamaged as error:
        raise Failed(str(error), DAMAGED) from None
    if version > LATEST:
        raise Failed(f"{journal.name} was written by a newer version of Lately (schema {version}); "
                     "update Lately to check it.")
    later = f"; it will be upgraded from schema {version} when Lately opens it" if version < LATEST else ""
    print(f"{journal.name} is sound: {_counted(counts)}{later}.")
    return OK


# --- move ----------------------------------------------------------------------------------

def add_move_command(jobs) -> None:
    move = jobs.add_parser(
        "move", help="copy a journal into an empty team server database, or from a server into a new file",
        description="Copy the whole journal (every table, the trash, settings, graph positions) in one "
                    "transaction, and check every table's row count and checksum before it is committed. "
                    "The target must be an empty PostgreSQL database or a file that does not exist yet. "
                    "A server's password comes from libpq: ~/.pgpass, PGPASSWORD or a service file.")
    move.add_argument("--from", dest="source", metavar="SOURCE",
                      help="a journal file or a postgresql:// location (default: --db, else your journal)")
    move.add_argument("--to", dest="target", metavar="TARGET", required=True,
                      help="postgresql://user@host/dbname (an empty database), service=NAME, or a new file")
    move.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="the journal file to move")
    move.add_argument("--progress", action="store_true", help=argparse.SUPPRESS)  # for the app: lines to follow
    move.add_argument("--passphrase-stdin", action="store_true",
                      help="a journal file protected with a passphrase: read the passphrase from the first line "
                           "of standard input (without this, a terminal asks for it)")


def run_move(journal: Path, args) -> int:
    import signal

    from journal.storage import team
    from journal.errors import Cancelled
    from journal.io import move

    source = args.source or str(journal)
    stop = []
    # Cancel (the app's, or a terminal's Ctrl+C) is asked between batches, so the
    # target's one transaction is rolled back cleanly and the target stays empty.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.append(True))
    if args.progress:
        print("listening", flush=True)  # the app sends its Cancel from now on

    def progress(done, total, table):
        if args.progress:
            print(f"progress {done} {total} {table}", flush=True)

    lock = None
    if not team.is_server(source):
        path = Path(source).expanduser()
        if not path.is_file():
            raise Failed(f"There is no journal at {path}.")
        _unlock(path, args.passphrase_stdin)
        lock = _reading(path)  # brings an older journal up to date first, as the app would
        from journal.storage import db

        db.close()
    try:
        report = move.move_journal(source, args.target, progress=progress, cancelled=lambda: bool(stop))
    except move.MoveRefused as refused:
        raise Failed(str(refused)) from None
    except Cancelled as cancelled:
        _say(str(cancelled))
        return 130
    except Exception as error:
        if team.is_connection_error(error):
            where = args.target if team.is_server(args.target) else source
            raise Failed(team.connect_problem(where, error).for_terminal(), NO_SERVER) from None
        raise
    finally:
        if lock:
            lock.release()
    print(move.describe(report))
    return OK


def _unlock(path: Path, from_stdin: bool) -> None:
    """A journal file protected with a passphrase: the passphrase from standard
    input's first line (how the app hands it over: a pipe, never a file or the
    command line), else asked at a terminal. Nothing is asked of a plain file."""
    from journal.storage import crypto

    if not crypto.is_encrypted(path):
        if from_stdin:
            sys.stdin.readline()  # said, and not needed
        return
    if from_stdin:
        passphrase = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        import getpass

        passphrase = getpass.getpass(f"Passphrase for {path.name}: ")
    else:
        raise Failed(f"{path.name} is protected with a passphrase: give it on standard input with "
                     "--passphrase-stdin, or run the command at a terminal, which asks for it.")
    try:
        crypto.unlock(path, passphrase)
    except crypto.WrongPassphrase:
        raise Failed(f"That passphrase does not open {path.name}; nothing was moved.") from None


def _back_up_team_journal(location: str) -> int:
    """One REPEATABLE READ snapshot of the team journal, as a journal file
    (owner-only) in its own backups folder on this computer, as File › Back up now."""
    from datetime import datetime

    from journal.storage import backups, team
    from journal.io import move
    from journal.storage.private import make_folder

    local = team.local_path(location)
    folder = make_folder(backups.backups_dir(local))
    target = folder / backups._name(local, datetime.now().replace(microsecond=0), "team")
    try:
        move.move_journal(location, str(target))
    except Exception as error:
        if team.is_connection_error(error):
            raise Failed(team.connect_problem(location, error).for_terminal(), NO_SERVER) from None
        raise
    print(f"Backed up to {target}")
    return OK


def _check_team_journal(location: str) -> int:
    """On a server: it answers, it holds a Lately journal of a schema this
    Lately knows. (The server checks its own pages; there is no file here.)"""
    from journal.storage import team
    from journal.storage.file_check import journal_counts
    from journal.storage.migrations import LATEST

    try:
        found = team.probe(location)
    except Exception as error:
        if team.is_connection_error(error):
            raise Failed(team.connect_problem(location, error).for_terminal(), NO_SERVER) from None
        raise
    where = team.place(location).title
    if found.state != team.JOURNAL:
        raise Failed(f"{where} holds no Lately journal" + (f" (it holds {', '.join(found.tables[:4])})."
                                                            if found.tables else " (it is empty)."), DAMAGED)
    if found.version > LATEST:
        raise Failed(f"{where} was written by a newer version of Lately (schema {found.version}); update Lately.")
    server = team.server_database(location)
    server.connect()
    try:
        counts = journal_counts(server.execute_sql)
    finally:
        server.close()
    later = f"; it will be upgraded from schema {found.version} when Lately opens it" if found.version < LATEST else ""
    print(f"{where} answers: {_counted(counts)}{later}. (The server checks its own pages.)")
    return OK
