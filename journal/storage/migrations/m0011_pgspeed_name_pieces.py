"""Version 11, for team journals on a server (nothing changes in a file): name
completion finds a word inside a name or company through an index of its
three-letter pieces (customer_name_search, kept by the search index's triggers)
instead of reading every customer with ILIKE (journal/reads/search_pg.py,
complete_customers). The search schema's statements are all "if not exists" or
"or replace": run again, they add the table and give the triggers its upkeep."""

from peewee import PostgresqlDatabase


def up(db):
    if not isinstance(getattr(db, "obj", db), PostgresqlDatabase):
        return
    from journal.reads import search_pg

    for statement in search_pg._schema():
        db.execute_sql(statement)
    search_pg.rebuild_names(db)
