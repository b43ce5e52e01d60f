"""Version 12, for team journals on a server (nothing changes in a file): the
customers' part of a search and name completion's word-inside-a-name lookup
run as functions the server plans once per connection for every word
(lately_find_customers, lately_complete_names in journal/reads/search_pg.py,
finders): planning them each time cost more than running them."""

from peewee import PostgresqlDatabase


def up(db):
    if not isinstance(getattr(db, "obj", db), PostgresqlDatabase):
        return
    from journal.reads import search_pg

    for statement in search_pg.finders():
        db.execute_sql(statement)
