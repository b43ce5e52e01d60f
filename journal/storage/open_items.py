"""The three partial indexes that hold only what the attention list looks for
among everything a journal keeps (schema step 15): the purchases not thanked,
the referrals not thanked and the follow-ups not done, a few percent of the
rows. journal.reads.attention_items reads them with the same conditions, word
for word, so that both backends see they may (a partial index serves only a
statement whose conditions imply its own)."""

from journal.rules.kinds import REFERRED

# `{t}`: the table's name or alias in the statement.
UNTHANKED_PURCHASE = "{t}.thanked_by_id IS NULL AND {t}.deleted_at IS NULL"
UNTHANKED_REFERRAL = f"{{t}}.kind = '{REFERRED}' AND {{t}}.thanked_by_id IS NULL AND {{t}}.deleted_at IS NULL"
OPEN_FOLLOW_UP = "{t}.follow_up_on IS NOT NULL AND {t}.follow_up_done = FALSE AND {t}.deleted_at IS NULL"
# (name, table, columns, rows)
INDEXES = (("purchase_unthanked", "purchase", "customer_id, purchased_on, id", UNTHANKED_PURCHASE),
           ("connection_referral_unthanked", "connection", "source_id, connected_on, id", UNTHANKED_REFERRAL),
           ("interaction_follow_up_open", "interaction", "follow_up_on, customer_id, id", OPEN_FOLLOW_UP))


def install(db) -> None:
    """Make the indexes (a new journal, and schema step 15)."""
    for name, table, columns, where in INDEXES:
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}) WHERE {where.format(t=table)}")


def table_of(index: str) -> str:
    return next(table for name, table, _, _ in INDEXES if name == index)
