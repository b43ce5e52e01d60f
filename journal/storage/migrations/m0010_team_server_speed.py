"""Version 10, for team journals on a server (nothing changes in a file):
lately_fold, the search index's folding of text, takes a short path for text
that is all ASCII: the same result, fifteen times faster, so indexing a moved
or rebuilt journal of 200,000 interactions takes seconds rather than half a
minute (journal/reads/search_pg.py, fold_function). And name completion reads
an index of the names (lower(name)) for the customers whose name starts with
what was typed, instead of every customer (search_pg.NAME_PREFIX_INDEX)."""

from peewee import PostgresqlDatabase


def up(db):
    if not isinstance(getattr(db, "obj", db), PostgresqlDatabase):
        return
    from journal.reads import search_pg

    db.execute_sql(search_pg.fold_function())
    db.execute_sql(search_pg.NAME_PREFIX_INDEX)
