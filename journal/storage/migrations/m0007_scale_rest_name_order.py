"""Version 7: customers in name order (any case) as a covering index, so a
picker given only short words walks it and stops after a page."""


def up(db):
    from journal.reads import search

    search.install_name_order(db)
