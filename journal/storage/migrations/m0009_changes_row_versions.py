"""Version 9: a row version on the rows a person edits, so an undo (and, in
team mode, a save) over a change made since by another window or a colleague
is refused instead of silently overwriting it (journal/writes/changes.py).

The version is bumped by the database itself, by a trigger, so every write
path bumps it: the services, bulk UPDATEs, an import's raw SQL, a merge, the
JSON import. A write that sets the version higher itself (none does today) is
left alone; any other UPDATE of the row makes it one more than it was."""

from peewee import PostgresqlDatabase

# The tables whose rows carry a `version` (journal.storage.models, VersionedMixin's users).
VERSIONED = ("customer", "interaction", "purchase", "connection", "tag", "snooze", "setting")


def up(db):
    for table in VERSIONED:
        if any(c.name == "version" for c in db.get_columns(table)):
            continue  # made by an earlier step from today's model (snooze, step 2), the column with it
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1')
    install(db)


def install(db) -> None:
    """The triggers that bump versions; also run for a new journal."""
    if isinstance(getattr(db, "obj", db), PostgresqlDatabase):
        db.execute_sql(
            "CREATE OR REPLACE FUNCTION lately_bump_version() RETURNS trigger AS $$ BEGIN "
            "IF NEW.version <= OLD.version THEN NEW.version := OLD.version + 1; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql")
        for table in VERSIONED:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_version" ON "{table}"')
            db.execute_sql(f'CREATE TRIGGER "{table}_version" BEFORE UPDATE ON "{table}" '
                           "FOR EACH ROW EXECUTE FUNCTION lately_bump_version()")
        return
    for table in VERSIONED:
        # SQLite cannot change NEW in a BEFORE trigger: the AFTER trigger updates
        # the row once more (recursive triggers are off, and the full-text
        # triggers fire only for their own columns).
        db.execute_sql(
            f'CREATE TRIGGER IF NOT EXISTS "{table}_version" AFTER UPDATE ON "{table}" '
            "FOR EACH ROW WHEN NEW.version <= OLD.version BEGIN "
            f'UPDATE "{table}" SET version = OLD.version + 1 WHERE rowid = NEW.rowid; END')
