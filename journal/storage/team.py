"""Where a team journal lives: a PostgreSQL server named by a URL
(postgresql://user@host:port/dbname?sslmode=require), by key=value connection
parameters (host=... dbname=...), or by a service name from a libpq service
file (service=shop). Credentials follow libpq's own conventions, because the
location is handed to libpq as it is: ~/.pgpass, PGSERVICE and the service
files, PGPASSWORD, sslmode. Lately itself never writes a password to a file:
a location is always kept and shown without one."""

from __future__ import annotations

from dataclasses import dataclass

from journal.errors import JournalError

CONNECT_TIMEOUT = 5  # seconds: an unreachable server is said at once, never a frozen window
SCHEMES = ("postgresql://", "postgres://")
SSL_MODES = ("prefer", "require", "verify-ca", "verify-full", "disable", "allow")


def is_server(location) -> bool:
    """Whether this names a team journal on a server rather than a journal file."""
    if not isinstance(location, str):
        return False
    text = location.strip()
    if text.lower().startswith(SCHEMES):
        return True
    # key=value connection parameters: "service=shop", "host=db dbname=shop"
    return "=" in text and text.split("=", 1)[0].strip() in _KEYWORDS


class BadLocation(JournalError):
    """libpq cannot read the location as it was typed."""


_KEYWORDS = {"service", "host", "hostaddr", "port", "dbname", "user", "sslmode", "passfile", "application_name"}


def parameters(location: str) -> dict[str, str]:
    """libpq's own reading of the location (URL or key=value), as a dict."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        return {k: str(v) for k, v in conninfo_to_dict(_libpq_text(location)).items() if v is not None}
    except Exception as error:  # psycopg.ProgrammingError: libpq could not read it
        raise BadLocation(f"Lately cannot read the server location {without_password(location)!r}: "
                              f"{_without_secret(_first_line(error), location)}") from None


def build(*, host="", port="", dbname="", user="", sslmode="", service="") -> str:
    """A location from the Connect dialog's fields (never with a password)."""
    from psycopg.conninfo import make_conninfo

    fields = {"service": service, "host": host, "port": port, "dbname": dbname, "user": user,
              "sslmode": sslmode}
    return make_conninfo("", **{k: v.strip() for k, v in fields.items() if v and v.strip()})


def without_password(location: str) -> str:
    """The location as it may be shown or remembered: any password taken out."""
    if not isinstance(location, str) or not is_server(location):
        return location
    try:
        params = parameters(location)
    except Exception:  # noqa: BLE001 - a location libpq cannot read is shown with its password cut by hand
        return _cut_url_password(location)
    if "password" not in params:
        return location
    params.pop("password")
    if location.strip().lower().startswith(SCHEMES):
        return _cut_url_password(location)
    from psycopg.conninfo import make_conninfo

    return make_conninfo("", **params)


def _without_secret(text: str, location: str) -> str:
    """`text` (the driver's words about `location`) with the location's password
    taken out: libpq quotes what it could not read, a password included."""
    import re
    from urllib.parse import unquote, urlsplit

    secrets = set()
    try:
        if isinstance(location, str) and location.strip().lower().startswith(SCHEMES):
            password = urlsplit(location.strip()).password
            if password:
                secrets |= {password, unquote(password)}
        else:
            said = re.findall(r"password\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))", location or "")
            secrets |= {quoted or bare for quoted, bare in said}  # password='quoted' or password=bare
    except ValueError:  # an address urllib cannot split: cut what follows "user:" by hand
        found = re.search(r"://[^:/@]*:([^@]*)@", location or "")
        if found:
            secrets |= {found.group(1), unquote(found.group(1))}
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "…")
    return text


def _cut_url_password(location: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(location.strip())
    if parts.password is None:
        query = "&".join(p for p in parts.query.split("&") if not p.lower().startswith("password="))
        return urlunsplit(parts._replace(query=query))
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))


@dataclass(frozen=True)
class Place:
    """A team journal's location in words, for the title and the recent journals."""

    dbname: str
    host: str
    port: str
    user: str
    service: str

    @property
    def title(self) -> str:
        name = self.dbname or self.service or "team journal"
        if self.service and not self.host:  # the server is named in the service file, not here
            return name if name == self.service else f"{name} (service {self.service})"
        return f"{name} on {self.server}"

    @property
    def server(self) -> str:
        other_port = self.port and self.port != "5432"
        if not self.host or self.host.startswith("/"):  # a socket: "this computer:5499" reads as a typo
            return f"this computer (port {self.port})" if other_port else "this computer"
        return f"{self.host}:{self.port}" if other_port else self.host

    @property
    def key(self) -> str:
        """What a remembered password is filed under in the keyring."""
        return f"{self.user or '(default user)'}@{self.host or 'localhost'}:{self.port or '5432'}/{self.dbname}"


def place(location: str) -> Place:
    params = parameters(location)
    return Place(dbname=params.get("dbname", ""), host=params.get("host", ""), port=params.get("port", ""),
                 user=params.get("user", ""), service=params.get("service", ""))


def connect_arguments(location: str, password: str | None = None, *, listening: bool = False) -> dict:
    """What psycopg.connect gets besides the location itself, which goes to
    libpq whole (so .pgpass, service files and sslmode work as in psql): a
    short connect timeout, and for a listening connection its keepalives
    (LISTEN_KEEPALIVES), each unless the location names its own."""
    params = parameters(location)
    wanted = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "Lately",
              **(LISTEN_KEEPALIVES if listening else {})}
    extra = {key: value for key, value in wanted.items() if key not in params}
    if password:
        extra["password"] = password
    return extra


def server_database(location: str, password: str | None = None):
    """The journal's server database (db.ServerDatabase) for `location`, not
    yet connected and not bound to the models."""
    from journal.storage.db import ServerDatabase

    return ServerDatabase(_libpq_text(location), **connect_arguments(location, password))


# The listening connection only waits: without these a link gone dead (a laptop asleep, the
# network changed) would go unnoticed for the system's two hours. (A server on this computer's
# own socket has no link to lose; libpq leaves them out there.)
LISTEN_KEEPALIVES = {"keepalives": "1", "keepalives_idle": "30", "keepalives_interval": "10",
                     "keepalives_count": "3", "tcp_user_timeout": "60000"}


def listening_connection(location: str, password: str | None = None):
    """A connection of its own (psycopg's, autocommit) for hearing colleagues'
    changes to the team journal at `location` (journal.storage.team_changes.Listener),
    which finds out within about a minute that its link has gone dead."""
    import psycopg

    return psycopg.connect(_libpq_text(location), autocommit=True,
                           **connect_arguments(location, password, listening=True))


def _libpq_text(location: str) -> str:
    text = location.strip()
    return "postgresql://" + text[len("postgres://"):] if text.lower().startswith("postgres://") else text


def is_connection_error(error: BaseException) -> bool:
    """A connection the server refused or never answered (wrapped by Peewee or db.ServerUnavailable)."""
    import psycopg

    seen = error
    while seen is not None:
        if isinstance(seen, psycopg.OperationalError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def is_connection_lost(error: BaseException) -> bool:
    """The server dropped the connection or does not answer again (not a
    statement it refused): libpq's own connection errors, SQLSTATE class 08,
    or 57P (the server shutting down, the backend terminated)."""
    import psycopg

    from journal.errors import ServerUnavailable

    seen = error
    while seen is not None:
        if isinstance(seen, ServerUnavailable):
            return True
        if isinstance(seen, psycopg.OperationalError):
            state = getattr(seen, "sqlstate", None)
            return state is None or state.startswith(("08", "57P"))
        seen = seen.__cause__ or seen.__context__
    return False


def lost_message(location: str, error: BaseException, saving: bool = True) -> str:
    """What to tell a person whose team journal's server went away mid-session
    (`saving`: as a save failed; else as the views could not read)."""
    try:
        name = place(location).title
    except Exception:  # noqa: BLE001
        name = without_password(location)
    reason = _lost_reason(lost_details(error))
    if not saving:
        return (f"Lately lost its connection to the team journal {name} ({reason.rstrip('.')}). Nothing is lost: "
                "what was not saved yet is still on screen. Once the server is back, Lately connects again by "
                "itself: press Retry, or simply go on then.")
    return (f"Lately lost its connection to the team journal {name} ({reason.rstrip('.')}). Nothing was saved "
            "just now, and nothing is lost: what you typed is still on screen. Once the server is back, Lately "
            "connects again by itself at your next step; try again then.")


def lost_details(error: BaseException) -> str:
    """The driver's own words for a lost connection (for Show Details): the root cause's."""
    cause = error
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__
    return "\n".join(line.strip() for line in str(cause).splitlines() if line.strip()) or type(cause).__name__


def _lost_reason(details: str) -> str:
    """Why the connection went, in plain words (libpq's are kept for Show Details)."""
    text = " ".join(details.split()).lower()
    if "administrator command" in text or "terminating connection" in text:
        return "the server ended the connection"
    if "shutting down" in text or "starting up" in text or "in recovery" in text:
        return "the server is restarting"
    if "not currently accepting connections" in text:
        return "the server takes no connections to it just now"
    if "timeout" in text or "timed out" in text:
        return "it did not answer in time"
    if "resolve host" in text or "translate host name" in text or "name or service not known" in text:
        return "its address cannot be found on the network"
    if ("connection refused" in text or "no such file or directory" in text or "cannot reach" in text
            or "could not open the team journal" in text):
        return "it does not answer"
    if "closed the connection" in text or "connection reset" in text or "broken pipe" in text:
        return "the server closed the connection"
    return "the connection was cut"


def describe_lost(error: BaseException) -> str | None:
    """lost_message for the journal open now, when `error` is its server going away; else None."""
    from journal.storage.models import database, is_server

    if not is_server() or not is_connection_lost(error):
        return None
    return lost_message(database.obj.database, error)


def unreachable_message(location: str, error: Exception) -> str:
    """What to tell a person whose server could not be reached or refused them
    (in plain words; connect_problem also gives the driver's own)."""
    return connect_problem(location, error).message


@dataclass(frozen=True)
class ConnectProblem:
    """Why connecting failed: `message`, a plain sentence naming the server and
    what to do; `details`, the driver's own words (for Show Details); `field`,
    the Connect dialog's field to correct ("host", "port", "dbname", "user",
    "password"), or "" when none is to blame."""

    message: str
    details: str
    field: str = ""
    terminal: str = ""  # for a terminal, where there is no Show Details, when it differs from `message`

    def for_terminal(self) -> str:
        """The sentence for a terminal: the driver's words only where Lately cannot tell what they mean."""
        return self.terminal or self.message


def connect_problem(location: str, error: BaseException) -> ConnectProblem:
    """libpq's reasons ("connection failed: … failed: FATAL:  password
    authentication failed for user …") said as a person would: which server,
    what happened, what to do. libpq gives no SQLSTATE for a refused
    connection, so its (English) words are read."""
    import re

    if isinstance(error, JournalError) and error.__cause__ is not None:  # db.ServerUnavailable: the driver's words
        error = error.__cause__
    details = "\n".join(line.strip() for line in str(error).strip().splitlines() if line.strip()) \
        or type(error).__name__
    details = _without_secret(details, location)
    text = " ".join(details.split()).lower()
    try:
        where = place(location)
        name, server = where.title, where.server
        user, dbname, host, port = where.user, where.dbname, where.host, where.port or "5432"
    except Exception:  # noqa: BLE001
        name = server = without_password(location)
        user = dbname = host = ""
        port = "5432"
    said = re.search(r'(?:role|user) "([^"]*)"', details)
    user = said.group(1) if said else user
    who = f"the user {user}" if user else "your user name"
    said = re.search(r'database "([^"]*)" does not exist', details)
    dbname = said.group(1) if said else dbname

    def problem(message, field="", terminal=""):
        return ConnectProblem(message, details, field, terminal)

    journal = f"the team journal {dbname}" if dbname else "the team journal"
    said = re.search(r'invalid (?:integer value|port number):? "([^"]*)"', details)
    ports = [p.strip() for p in str(port).split(",")]  # libpq takes one port per host, comma-separated
    bad_port = said.group(1) if said else next((p for p in ports if p and not p.isdigit()), None)
    if bad_port:  # (with a computer's name, libpq looks the port up itself and blames the computer)
        return problem(f"The address given for {journal} says port \u201c{bad_port}\u201d, which is not a port "
                       "number. Correct the port (5432 unless whoever runs the server says otherwise).", "port")

    if "password authentication failed" in text:
        return problem(f"The server on {server} did not accept the password for {who}. Type the password again "
                       "(or correct it in your ~/.pgpass file); whoever runs the server can set a new one.",
                       "password")
    if "no password supplied" in text or "password is required" in text:
        return problem(f"The server on {server} asks for a password for {who}. Type it in the Password field "
                       "(or keep it in your ~/.pgpass file).", "password")
    if "does not exist" in text and 'database "' in text:
        return problem(f"The server on {server} answered, but it has no database named \u201c{dbname}\u201d. Check the "
                       "database name, or ask whoever runs the server to create it.", "dbname")
    if "does not exist" in text and 'role "' in text:
        return problem(f"The server on {server} has no user named \u201c{user}\u201d. Check the user name, or ask "
                       "whoever runs the server to create a login for you.", "user")
    if "no pg_hba.conf entry" in text or "pg_hba.conf rejects" in text:
        return problem(f"The server on {server} does not let {who} connect to {dbname or 'this database'} from this "
                       "computer. Ask whoever runs the server to allow it (in its pg_hba.conf file).")
    if "permission denied for database" in text or "not permitted to log in" in text:
        return problem(f"The server on {server} does not let {who} open {dbname or 'this database'}. Ask whoever runs "
                       "the server to give you access.", "user")
    if "connection refused" in text:
        return problem(f"Lately cannot reach the team journal {name}: nothing answers on port {port} there. Check "
                       "the server's address and port, and that the server is running (whoever runs it can "
                       "tell).", "host")
    if "no such file or directory" in text and "socket" in text:
        return problem(f"Lately cannot reach the team journal {name}: no PostgreSQL server is running on this "
                       "computer. Start it, or type the address of the computer it runs on.", "host")
    if "resolve host" in text or "translate host name" in text or "name or service not known" in text:
        return problem(f"Lately cannot reach the team journal {name}: there is no computer named {host or server} "
                       "on the network. Check the server's address for typing mistakes, and that this computer "
                       "is online.", "host")
    if "timeout expired" in text or "timed out" in text:
        return problem(f"Lately cannot reach the team journal {name}: the server did not answer within "
                       f"{CONNECT_TIMEOUT} seconds. Check that this computer is online and the server is running, "
                       "then try again.", "host")
    said = re.search(r'definition of service "([^"]*)" not found', details)
    if said:
        return problem(f"There is no service named \u201c{said.group(1)}\u201d in your PostgreSQL service file "
                       "(~/.pg_service.conf, or the file PGSERVICEFILE names). Check the name, or give the server's "
                       "address instead.")
    if "server does not support ssl" in text or ("ssl" in text and "required" in text):
        return problem(f"The server on {server} and Lately do not agree on a secure (SSL) connection. Choose another "
                       "Security setting, or ask whoever runs the server which one it needs.")
    if "certificate" in text:
        return problem(f"Lately could not check the certificate of the server on {server}, so it did not connect. "
                       "Ask whoever runs the server for its certificate, or choose another Security setting.")
    if "too many connections" in text or "connection slots" in text:
        return problem(f"The server on {server} has as many connections open as it allows. Try again in a moment, "
                       "or ask whoever runs the server to allow more.")
    if "starting up" in text or "shutting down" in text or "in recovery" in text:
        return problem(f"The server on {server} is starting up or shutting down just now. Try again in a moment.")
    check = "Check the server's address, that it is running, and your user name and password"
    return problem(f"Lately cannot reach the team journal {name}. {check}; Show Details says what the server "
                   "answered.", terminal=f"Lately cannot reach the team journal {name}; the server answered: "
                   f"\u201c{_without_secret(_first_line(error), location)}\u201d. {check}.")


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    if lines[0].lower().startswith("connection failed: ") and len(lines[0]) > 19:
        lines[0] = lines[0][19:]  # psycopg's wrapper around libpq's own sentence
    # libpq's reason, then its hint ("Is the server running…?"), as sentences
    return " ".join(_sentence(line) for line in lines[:2]).rstrip(".")


def local_path(location: str):
    """A team journal's place on this computer: a folder of its own for its
    backups, the one-window lock and the window's remembered state. Never a
    journal: the journal is on the server."""
    import hashlib
    import re

    from journal.storage.db import data_dir

    where = place(location)
    digest = hashlib.sha256(without_password(location).strip().encode()).hexdigest()[:12]
    name = re.sub(r"[^\w.-]+", "-", where.dbname or where.service or "team").strip("-.") or "team"
    return data_dir() / "team" / f"{name}-{digest}" / f"{name}.sqlite3"


EMPTY, JOURNAL, FOREIGN = "empty", "journal", "foreign"


@dataclass(frozen=True)
class Probe:
    """What a connection found at a location: an empty database, a Lately
    journal (with its schema version), or some other database's tables."""

    state: str
    version: int = 0
    tables: tuple[str, ...] = ()


def probe(location: str, password: str | None = None) -> Probe:
    """Connect (with the short timeout), look, and disconnect. For a thread:
    the models are not touched. Raises the driver's error when the server
    cannot be reached or refuses the login."""
    server = server_database(location, password)
    server.connect()
    try:
        tables = tuple(server.get_tables())
        if not tables:
            return Probe(EMPTY)
        if "schema_version" not in tables:
            return Probe(FOREIGN, tables=tables)
        version = server.execute_sql("SELECT max(version) FROM schema_version").fetchone()[0] or 0
        return Probe(JOURNAL, version, tables)
    finally:
        server.close()


def open_journal(location: str, password: str | None = None, before_migration=None):
    """Connect to the team journal and make it the database every model uses,
    bringing its schema up to date (an empty database becomes a new journal);
    `before_migration(old_version)` is called before an upgrade's first step."""
    from psycopg.conninfo import make_conninfo

    from journal.storage.db import open_server

    text = _libpq_text(location)
    return open_server(make_conninfo(text, password=password) if password else text, before_migration)
