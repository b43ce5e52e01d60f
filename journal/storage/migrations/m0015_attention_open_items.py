"""Version 15: three partial indexes that hold only what the attention list
looks for among everything a journal keeps: the purchases not thanked, the
referrals not thanked and the follow-ups not done (a few percent of the
rows). The list's full computation reads each of them in customer order from
its index alone, instead of looking every row up in the table
(journal.reads.attention_items; at 50,000 customers and 2,000,000 notes the
follow-ups were 7,000 rows fetched one by one from the notes). The same on
both backends (journal.storage.open_items, which also makes them for a new
journal)."""


def up(db):
    from journal.storage import open_items

    open_items.install(db)
