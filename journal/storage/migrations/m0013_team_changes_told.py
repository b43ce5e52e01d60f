"""Version 13, for team journals on a server (nothing changes in a file): each
write tells the other windows on the journal which customers it changed, by a
trigger after every statement on the tables a person writes
(journal/storage/team_changes.py), so a colleague's note, customer or
purchase shows within a second instead of at the next start."""


def up(db):
    from journal.storage import team_changes

    team_changes.install(db)
