"""Version 8: an index in the customer list's first order (by name), so the
list's first page and its count come from the index at any size. On SQLite
the names are in NOCASE order; on PostgreSQL the index holds
lower(name) COLLATE "C" (ASCII letters folded, as NOCASE does), the key
customer_pages sorts by there. customer_pages.install makes the same index
for a new journal."""


def up(db):
    from journal.reads import customer_pages

    customer_pages.install(db)
