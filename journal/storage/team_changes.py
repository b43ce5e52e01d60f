"""Colleagues' changes to a team journal, as they are made: the server says
which customers each write changed (PostgreSQL's LISTEN/NOTIFY), so every
other window refreshes within a second rather than at its next start.

The server does the telling itself, with a trigger after each statement on
the tables a person writes (install(), schema step 13): every write path is
heard — the services, a bulk import's SQL, the command line in another
process, a colleague's psql. A notification is sent when its transaction
commits, never for one rolled back, and carries:
- `origin`: the Lately process whose connection wrote (set on each of its
  connections, ORIGIN), so a window does not refresh again for its own writes;
- `user`: the login role that wrote (session_user: a person's own role even
  when `ALTER ROLE … SET role` makes them act as the team's group role);
- `ids`: the customers the statement touched, or "*" when it may have touched
  many (a tag, a setting, a company renamed, or too many ids to list);
- `schema`: the journal's schema, since one database may hold several
  journals and a channel is the whole database's;
- `table`: the table written (a graph position moved matters only to the graph).

A Listener holds its own connection in a thread of its own and reports each
colleague's change to a callback; when its connection is lost it connects
again and reports "anything may have changed" (what was said meanwhile is not
kept by the server). No Qt here: the window's side is ui/files/team_changes.py."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass

from journal.storage.models import is_server

CHANNEL = "lately_changes"

# This process, as the origin of its connections' writes (set on each: db.ServerDatabase._connect).
ORIGIN = uuid.uuid4().hex

# Each table a person writes, with the columns that name the customers a row is
# about; none: a row that may matter to many customers (a tag's cadence, the
# default cadence, a company's name).
WATCHED = {
    "customer": ("id",),
    "interaction": ("customer_id",),
    "purchase": ("customer_id",),
    "connection": ("source_id", "target_id"),
    "stage_change": ("customer_id",),
    "customer_tag": ("customer_id",),
    "contact_point": ("customer_id",),
    "snooze": ("customer_id",),
    "graph_position": ("customer_id",),
    "not_duplicate": ("first_id", "second_id"),
    "tag": (),
    "setting": (),
    "company": (),
}

# A new tag or company matters to nobody yet (the customer given it is told with their
# own row); renaming one, or a tag's cadence, matters to all who have it.
NEW_ROWS_UNTOLD = {"tag", "company"}

# Longer lists of ids are sent as "*" (a notification's payload must stay under 8,000 bytes).
MOST_IDS_TEXT = 7000

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION lately_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parts text[] := '{{}}';
  ids text;
  c text;
BEGIN
  IF TG_NARGS = 0 THEN
    IF TG_OP = 'DELETE' THEN
      EXECUTE 'SELECT CASE WHEN EXISTS (SELECT 1 FROM lately_old) THEN ''*'' END' INTO ids;
    ELSE
      EXECUTE 'SELECT CASE WHEN EXISTS (SELECT 1 FROM lately_new) THEN ''*'' END' INTO ids;
    END IF;
  ELSE
    FOREACH c IN ARRAY TG_ARGV LOOP
      IF TG_OP <> 'DELETE' THEN parts := parts || format('SELECT %%I FROM lately_new', c); END IF;
      IF TG_OP <> 'INSERT' THEN parts := parts || format('SELECT %%I FROM lately_old', c); END IF;
    END LOOP;
    EXECUTE format('SELECT string_agg(DISTINCT x::text, '','') FROM (%%s) AS t(x) WHERE x IS NOT NULL',
                   array_to_string(parts, ' UNION ALL ')) INTO ids;
    IF length(ids) > {MOST_IDS_TEXT} THEN ids := '*'; END IF;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM pg_notify('{CHANNEL}', json_build_object(
      'origin', current_setting('lately.origin', true), 'user', session_user::text, 'schema', TG_TABLE_SCHEMA,
      'table', TG_TABLE_NAME, 'ids', ids)::text);
  END IF;
  RETURN NULL;
END $$"""

_EVENTS = (("insert", "INSERT", "NEW TABLE AS lately_new"),
           ("update", "UPDATE", "OLD TABLE AS lately_old NEW TABLE AS lately_new"),
           ("delete", "DELETE", "OLD TABLE AS lately_old"))


def install(db) -> None:
    """The function and triggers that tell colleagues' windows of each write;
    on a server only (a file has one writer at a time: its lock). Run again,
    they are made anew."""
    if not is_server(db):
        return
    db.execute_sql(_FUNCTION)  # (its %% are psycopg's way of writing %)
    for table, columns in WATCHED.items():
        arguments = ", ".join(f"'{c}'" for c in columns)
        for name, event, transition in _EVENTS:
            trigger = f"{table}_tell_{name}"
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{table}"')
            if event == "INSERT" and table in NEW_ROWS_UNTOLD:
                continue
            # Transition tables allow one event per trigger, hence three.
            db.execute_sql(f'CREATE TRIGGER "{trigger}" AFTER {event} ON "{table}" REFERENCING {transition} '
                           f"FOR EACH STATEMENT EXECUTE FUNCTION lately_notify_changes({arguments})")


_WRITE_MARK = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint"


def write_mark(db) -> int | None:
    """Where the server's writes have got to (the next transaction id to be
    given out, which only a write takes); None for a file. Taken before a
    window reads the journal, for its Listener's `since`."""
    if not is_server(db):
        return None
    return db.execute_sql(_WRITE_MARK).fetchone()[0]


def _write_mark(conn) -> int:
    return conn.execute(_WRITE_MARK).fetchone()[0]


# The transaction ids this process took for its own scratch work: the Lately
# panel's temporary tables, which take one like any write. A Listener's check
# for writes made before it listened counts every other id as a colleague's.
_scratch: set[int] = set()
_scratch_lock = threading.Lock()


def scratch_write(db) -> None:
    """Call inside a transaction that wrote only temporary tables: its id is not
    a colleague's write (nothing for a file)."""
    if is_server(db):
        xid = db.execute_sql("SELECT txid_current_if_assigned()").fetchone()[0]
        if xid is not None:
            with _scratch_lock:
                _scratch.add(int(xid))


def _written_since(conn, since: int) -> bool:
    """Whether anyone but this process's scratch work wrote after `since`."""
    mark = _write_mark(conn)
    with _scratch_lock:
        return any(xid not in _scratch for xid in range(since, mark))


def mark_connection(conn) -> None:
    """Say on a new server connection (psycopg's) that its writes are this process's."""
    conn.execute("SELECT set_config('lately.origin', %s, false)", [ORIGIN])


@dataclass(frozen=True)
class Change:
    """What one colleague's write changed: `ids` the customers, or None when it
    may have been anyone; `user` the role that wrote, "" when not known;
    `tables` the tables written, None when not known (any)."""
    user: str
    ids: frozenset[int] | None
    tables: frozenset[str] | None = None

    def merged(self, other: Change) -> Change:
        """Both, as one change of this one's user."""
        ids = None if self.ids is None or other.ids is None else self.ids | other.ids
        if ids is not None and len(ids) > MOST_IDS_REPORTED:
            ids = None
        tables = None if self.tables is None or other.tables is None else self.tables | other.tables
        return Change(self.user, ids, tables)


@dataclass(frozen=True)
class Told:
    """A notification as the server sent it: which process wrote (None: not a
    Lately), the journal's schema (a database may hold several) and the change."""
    origin: str | None
    schema: str
    change: Change


def parse(payload: str) -> Told | None:
    """A notification's payload read; None if it is not one of ours."""
    try:
        said = json.loads(payload)
        ids = said["ids"]
        change = Change(str(said.get("user") or ""),
                        None if ids == "*" else frozenset(int(i) for i in str(ids).split(",") if i),
                        frozenset((str(said["table"]),)) if said.get("table") else None)
        return Told(said.get("origin") or None, str(said["schema"]), change)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


# More customers than this changed at once are reported as "anyone" (the window reads everything again).
MOST_IDS_REPORTED = 1000


def together(changes: list[Change]) -> list[Change]:
    """`changes` as one per person, in the order first heard: their customers
    together, or None (anyone) when any said so or there are too many to name."""
    merged: dict[str, Change] = {}
    for change in changes:
        before = merged.get(change.user)
        merged[change.user] = change if before is None else before.merged(change)
    return list(merged.values())


EVERYTHING = Change("", None)  # said after the listener lost its connection: anything may have changed


_log = logging.getLogger(__name__)


def _is_connection_error(exc: BaseException) -> bool:
    import psycopg

    return isinstance(exc, (psycopg.OperationalError, ConnectionError, TimeoutError))


class Listener:
    """Listens for colleagues' changes on a connection and thread of its own
    (`connect()` makes the connection: journal.storage.team.listening_connection),
    calling `report(change)` from that thread for each write by another
    process to the same journal. stop() ends it."""

    WAIT = 0.5  # seconds between looks at whether to stop
    TOGETHER = 0.05  # what arrives within this after a first change is reported with it
    # Seconds before each try to connect again, then every 5: a colleague's change shows within
    # seconds of the server's return even after a long outage (a refused connection costs nothing).
    AGAIN_AFTER = (1, 2, 5)

    def __init__(self, connect, report, since: int | None = None):
        """`since`: write_mark() taken before the window read the journal: a
        write committed after it and before the listener listens is reported
        as "anything may have changed" once it listens."""
        self.connect, self.report, self.since = connect, report, since
        self._stop = threading.Event()
        self.listening = threading.Event()  # set while its connection listens
        self._heard = False
        self._thread = threading.Thread(target=self._run, name="lately-team-changes", daemon=True)

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self, wait: float = 5.0) -> None:
        """Stop listening; wait up to `wait` seconds for the thread to end (it
        looks every WAIT seconds; 0: do not wait, it ends on its own)."""
        self._stop.set()
        if wait and self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(wait)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        tries, lost = 0, False
        while not self._stop.is_set():
            self._heard = False
            try:
                self._listen(again=lost)
                return
            except Exception as exc:  # the server went away, or never answered: connect again after a while
                if self._stop.is_set():
                    return  # stopped meanwhile (whoever it reported to may be gone)
                if not _is_connection_error(exc):
                    _log.warning("listening for colleagues' changes failed; trying again", exc_info=True)
                lost = True
                tries = 0 if self._heard else tries  # it had been listening: try again soon
                if self._stop.wait(self.AGAIN_AFTER[min(tries, len(self.AGAIN_AFTER) - 1)]):
                    return
                tries += 1

    def _listen(self, again: bool) -> None:
        conn = self.connect()
        try:
            schema = conn.execute("SELECT current_schema()").fetchone()[0]  # where this journal's tables are
            conn.execute(f"LISTEN {CHANNEL}")
            self._heard = True
            self.listening.set()
            if again or (self.since is not None and _written_since(conn, self.since)):
                self.report(EVERYTHING)  # what was said while it was away, or before it listened, is lost
            while not self._stop.is_set():
                first = list(conn.notifies(timeout=self.WAIT, stop_after=1))
                if first:  # and what comes right behind it: an import's thousands of statements, say
                    heard = first + list(conn.notifies(timeout=self.TOGETHER))
                    ours = [told.change for told in map(parse, (n.payload for n in heard))
                            if told is not None and told.origin != ORIGIN and told.schema == schema]
                    for change in together(ours):
                        if self._stop.is_set():
                            break  # stopped meanwhile: whoever it reported to may be gone
                        self.report(change)
                if conn.closed or conn.broken:
                    raise ConnectionError("the team journal's server closed the connection")
        finally:
            self.listening.clear()
            conn.close()
