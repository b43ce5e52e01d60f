"""Version 8: a trigram index of customer names and companies, so pickers
complete on any part of either without reading every customer."""


def up(db):
    from journal.reads import search

    search.install_names(db)
