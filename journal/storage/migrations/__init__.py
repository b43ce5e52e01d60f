"""Schema versions. A new journal gets the current schema, stamped LATEST.
An older journal is brought forward one numbered step at a time, each step in
its own transaction with its version recorded, so an interrupted upgrade
resumes where it stopped. A journal from a newer Lately is refused."""

from __future__ import annotations

import importlib

from journal.errors import JournalTooNew
from journal.storage.models import ALL_MODELS, SchemaVersion

# Step N upgrades a version N-1 journal to version N: module mNNNN_*.up(db).
STEPS = {
    2: "m0002_cadence_snooze_drafts",
    3: "m0003_graph_positions",
    4: "m0004_contact_points",
    5: "m0005_not_duplicates",
    6: "m0006_customer_names",
    7: "m0007_scale_rest_name_order",
    8: "m0008_scale_list_customer_order",
    9: "m0009_changes_row_versions",
    10: "m0010_team_server_speed",
    11: "m0011_pgspeed_name_pieces",
    12: "m0012_pgspeed_generic_finders",
    13: "m0013_team_changes_told",
    14: "m0014_team_authors",
    15: "m0015_attention_open_items",
}
LATEST = max(STEPS, default=1)


def current_version(db) -> int | None:
    """The journal's schema version; None for a file with no tables at all."""
    if not db.table_exists("schema_version"):
        return None if not db.get_tables() else 0
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def bring_up_to_date(db, before_step=None) -> list[int]:
    """Migrate to LATEST; returns the steps applied. `before_step(version)` is
    called before the first step (the backup hook)."""
    from journal.reads import search

    version = current_version(db)
    if version is None:
        with db.atomic():
            db.create_tables(ALL_MODELS)
            search.install(db)
            from journal.reads import customer_pages

            customer_pages.install(db)
            importlib.import_module(f"{__name__}.m0009_changes_row_versions").install(db)
            from journal.storage import team_changes

            team_changes.install(db)
            importlib.import_module(f"{__name__}.m0014_team_authors").install(db)
            from journal.storage import open_items

            open_items.install(db)
            SchemaVersion.create(version=LATEST)
        return []
    if version > LATEST:
        raise JournalTooNew(
            f"This journal was written by a newer version of Lately (schema {version}; "
            f"this version knows up to {LATEST}). Update Lately to open it."
        )
    if version == 0:
        from journal.errors import JournalDamaged

        raise JournalDamaged("This SQLite file is not a Lately journal (it has no schema version).")
    applied = []
    for step in sorted(s for s in STEPS if s > version):
        if before_step and not applied:
            before_step(version)
        module = importlib.import_module(f"{__name__}.{STEPS[step]}")
        with db.atomic():
            module.up(db)
            SchemaVersion.create(version=step)
        applied.append(step)
    return applied
