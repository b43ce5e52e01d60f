"""Version 14: who wrote each note, purchase and connection (`written_by`).
On a team journal's server the column's default is the login role of the
connection that inserts the row (session_user: a person's own role, even when
`ALTER ROLE … SET role` makes them act as the team's group role), so every
write path records it — the services, imports, the command line, psql — and
nobody can write it in someone else's name by leaving it out. A journal file
has one writer: its rows have none (NULL), as do the rows written before this
step. A journal moved between a file and a server keeps what it has."""

from journal.storage.models import is_server

TABLES = ("interaction", "purchase", "connection")


def up(db):
    collate = ' COLLATE "C"' if is_server(db) else ""  # as db.ServerDatabase.create_tables makes text columns
    for table in TABLES:
        if not any(c.name == "written_by" for c in db.get_columns(table)):
            db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "written_by" VARCHAR(255){collate}')
    install(db)


def install(db) -> None:
    """The server's default for the column; also run for a new journal."""
    if is_server(db):
        for table in TABLES:
            db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "written_by" SET DEFAULT session_user')
