"""Version 8: an index in the customer list's first order (by name), so the
list's first page and its count come from the index at any size."""


def up(db):
    from journal.reads import customer_pages

    customer_pages.install(db)
