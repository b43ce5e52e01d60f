"""Version 7: customers in name order (any case) as a covering index, so a
picker given only short words walks it and stops after a page. SQLite only:
on PostgreSQL the pickers match case-insensitively and sort what matched
(search_pg.complete_customers), so no index is made there (as for a new
journal: search.install_name_order does nothing on a server)."""


def up(db):
    from journal.reads import search

    search.install_name_order(db)
