"""Version 12, for team journals on a server (nothing changes in a file): a
search asks for the customers it finds and those whose name holds its words
in one statement, through two functions the server plans once per connection
for every word (lately_find_customers, lately_complete_names in
journal/reads/search_pg.py, finders): planning the customers' statement for
each word cost more than running it. And the index of name pieces
(customer_name_search) holds what a picker shows of each customer (name,
company, archived), kept by the search index's triggers, so a page of names
is read from it alone. And the index of notes holds only those of customers
out of the trash (they leave and come back with their customer), so a
search walks it without joining every note it reads to its customer. The
search schema's statements are all "if not exists" or "or replace": run
again, they make the table anew, give the triggers its upkeep and add the
functions."""

from peewee import PostgresqlDatabase


def up(db):
    if not isinstance(getattr(db, "obj", db), PostgresqlDatabase):
        return
    from journal.reads import search_pg

    db.execute_sql("DROP TABLE IF EXISTS customer_name_search")
    for statement in search_pg._schema():
        db.execute_sql(statement)
    search_pg.rebuild_names(db)
    db.execute_sql("DELETE FROM interaction_search s USING interaction i JOIN customer c ON c.id = i.customer_id "
                   "WHERE s.interaction_id = i.id AND c.deleted_at IS NOT NULL")
