"""Settings two people share, and the two each keeps as their own.

A setting changed by someone else since the person began (`expected`) is
refused, naming the newer value, and nothing is written: on both backends.
On a team journal your name and signature are yours (`owner_name@<role>`),
falling back to the team's until you set them; the colleague is a real second
process logged in as a role of their own, on the session's real server. A
team journal moved to a file signs as the person who moved it."""

from datetime import date

import pytest

from journal.errors import ChangedSince
from journal.io import move
from journal.rules import cards
from journal.storage import db
from journal.storage.models import Setting, me
from journal.writes import customers, preferences, purchases, settings
from tests.journal.test_team_changes import colleague
from tests.team_server import colleague_login, fresh_database, needs_server  # noqa: F401 - a fixture


def stored() -> dict:
    return dict(Setting.select(Setting.key, Setting.value).tuples())


def test_a_setting_changed_since_is_refused_naming_theirs_and_nothing_is_written(journal):
    settings.update_settings(business_name="Harbour & Pine", default_cadence_days=30)
    before = stored()
    with pytest.raises(ChangedSince) as refused:  # the person opened Settings when it said "Old name"
        preferences.save_settings({"business_name": "Mine", "default_cadence_days": 45}, {},
                                  expected={"business_name": "Old name", "default_cadence_days": 30})
    assert str(refused.value) == ("The business name was changed since you opened the settings: "
                                  "it is now “Harbour & Pine”. Nothing was saved.")
    assert refused.value.fields == ("business_name",) and refused.value.theirs == {"business_name": "Harbour & Pine"}
    assert stored() == before  # not the cadence either: all or nothing

    # Seen, and saved again on purpose (expected: theirs): the person's value replaces it.
    saved = settings.update_settings({"business_name": "Harbour & Pine"}, business_name="Mine")
    assert saved.business_name == settings.get_settings().business_name == "Mine"


def test_a_setting_saved_as_theirs_or_left_alone_is_no_conflict(journal):
    settings.update_settings(currency="EUR", default_cadence_days=30)
    # Both chose the same: nothing to refuse. A setting not being changed is never checked.
    settings.update_settings({"currency": "", "default_cadence_days": 30}, currency="eur", default_cadence_days=60)
    assert (settings.get_settings().currency, settings.get_settings().default_cadence_days) == ("EUR", 60)
    with pytest.raises(ChangedSince) as refused:
        settings.update_settings({"currency": "USD", "default_cadence_days": 7, "signature": ""},
                                 currency="GBP", default_cadence_days=14, signature="Warmly")
    assert str(refused.value) == ("The currency and the stay-in-touch cadence were changed since you opened the "
                                  "settings. Nothing was saved.")
    assert refused.value.fields == ("currency", "default_cadence_days")
    assert settings.get_settings().signature == ""


def test_a_file_has_one_person_its_name_and_signature_are_the_journals(tmp_path):
    db.connect(tmp_path / "journal.sqlite3")
    settings.update_settings(owner_name="Alex", signature="Warmly, Alex")
    assert stored() == {"owner_name": "Alex", "signature": "Warmly, Alex"}
    assert not settings.each_persons_own() and settings.own_settings() == set()
    Setting.create(key="signature@ben", value="Cheers, Ben")  # a team journal's, moved here: not this file's person
    assert settings.get_settings().signature == "Warmly, Alex"
    db.close()


def team_journal_signed_as_the_shop(pg_server, tmp_path, name):
    """A file journal signed "The Shop", moved to the server as a team's; its location."""
    source = tmp_path / f"{name}.sqlite3"
    db.connect(source)
    customer = customers.create_customer(name="Jane Walker", tags=["VIP"]).id
    purchases.add_purchase(customer, date(2026, 11, 2), "Walnut bench", 12_500)
    settings.update_settings(owner_name="Sam Shop", signature="Warmly,\nThe Shop", business_name="The Shop")
    db.close()
    location = fresh_database(pg_server, name)
    move.move_journal(str(source), location)
    return location


def signed(occasion: str = "purchases") -> str:
    [card] = cards.build_cards(occasion, start=date(2026, 11, 1), end=date(2026, 11, 30), today=date(2026, 11, 20))
    return card.message.rsplit("\n\n", 1)[-1]


@needs_server
def test_each_person_signs_with_their_own_and_the_teams_until_they_set_it(pg_server, tmp_path, colleague_login):  # noqa: F811
    location = team_journal_signed_as_the_shop(pg_server, tmp_path, "own")
    ben = colleague_login.at(location)
    db.open_server(location)
    try:
        assert settings.each_persons_own() and settings.own_settings() == set()
        assert signed() == "Warmly,\nThe Shop"  # as before: nobody has set their own yet
        assert colleague(ben, "settings?") == "Sam Shop\nWarmly,\nThe Shop"

        colleague(ben, "settings", "owner_name=Ben", "signature=Cheers,\nBen", "business_name=The Shop Ltd")
        assert colleague(ben, "settings?") == "Ben\nCheers,\nBen"
        assert signed() == "Warmly,\nThe Shop"  # his own is not yours
        assert settings.get_settings().business_name == "The Shop Ltd"  # the team's: everyone's

        # Yours, saved as the settings dialog saves it: what you saw (the team's) is what is expected,
        # and a colleague's own signature set meanwhile is no change to yours.
        preferences.save_settings({"owner_name": "Ada", "signature": "Best,\nAda"}, {},
                                  expected={"owner_name": "Sam Shop", "signature": "Warmly,\nThe Shop"})
        assert settings.own_settings() == {"owner_name", "signature"}
        assert signed() == "Best,\nAda"
        assert colleague(ben, "settings?") == "Ben\nCheers,\nBen"
        you, his = me(), colleague_login.role
        assert {k: v for k, v in stored().items() if k.partition("@")[0] in settings.PERSONAL} == {
            "owner_name": "Sam Shop", "signature": "Warmly,\nThe Shop",  # the team's, kept for who has none
            f"owner_name@{you}": "Ada", f"signature@{you}": "Best,\nAda",
            f"owner_name@{his}": "Ben", f"signature@{his}": "Cheers,\nBen"}

        # The team's settings are still the team's: one both changed is refused, theirs named.
        with pytest.raises(ChangedSince) as refused:
            settings.update_settings({"business_name": "The Shop"}, business_name="Shop & Co")
        assert "it is now “The Shop Ltd”" in str(refused.value)
    finally:
        db.close()


@needs_server
def test_a_setting_a_colleague_saved_meanwhile_is_refused_in_one_transaction(pg_server, tmp_path,
                                                                            colleague_login):  # noqa: F811
    location = team_journal_signed_as_the_shop(pg_server, tmp_path, "both")
    ben = colleague_login.at(location)
    db.open_server(location)
    try:
        opened = settings.get_settings()  # the person opens Settings…
        colleague(ben, "settings", "currency=EUR", "default_cadence_days=21")  # …and Ben saves his meanwhile
        with pytest.raises(ChangedSince) as refused:
            preferences.save_settings({"currency": "USD"}, {"VIP": "14"}, expected={"currency": opened.currency})
        assert "it is now “EUR”" in str(refused.value)
        assert settings.get_settings().currency == "EUR" and customers.all_tags() == [("VIP", None)]  # nothing of it written
        # A colleague's change to another setting is no conflict, and stays.
        preferences.save_settings({"business_name": "Mine"}, {}, expected={"business_name": opened.business_name})
        assert (settings.get_settings().business_name, settings.get_settings().default_cadence_days) == ("Mine", 21)
    finally:
        db.close()


@needs_server
def test_a_team_journal_moved_to_a_file_signs_as_who_moved_it_and_back_the_others_keep_theirs(
        pg_server, tmp_path, colleague_login):  # noqa: F811
    location = team_journal_signed_as_the_shop(pg_server, tmp_path, "moved")
    ben = colleague_login.at(location)
    colleague(ben, "settings", "signature=Cheers,\nBen")
    db.open_server(location)
    try:
        settings.update_settings(signature="Best,\nAda")
    finally:
        db.close()

    path = tmp_path / "mine.sqlite3"
    move.move_journal(location, str(path))  # moved by you
    db.connect(path)
    try:
        assert signed() == "Best,\nAda"  # a file has one person: the one who made it
        assert settings.get_settings().owner_name == "Sam Shop"  # you had no name of your own: the team's
        assert stored()["signature"] == "Best,\nAda" and f"signature@{colleague_login.role}" in stored()
        settings.update_settings(signature="Best wishes,\nAda")  # the file's person changes it
    finally:
        db.close()

    back = fresh_database(pg_server, "back")
    move.move_journal(str(path), back)  # a file moved to a server: its signature is the team's
    assert colleague(colleague_login.at(back), "settings?") == "Sam Shop\nCheers,\nBen"  # his own came along
    db.open_server(back)
    try:
        assert signed() == "Best wishes,\nAda" and settings.own_settings() == set()
    finally:
        db.close()


@needs_server
def test_undoing_your_signature_after_it_changed_elsewhere_names_it_as_yours(pg_server, tmp_path):
    import psycopg

    from journal.writes import changes

    location = team_journal_signed_as_the_shop(pg_server, tmp_path, "undo")
    db.open_server(location)
    try:
        with changes.recording() as recorded:
            settings.update_settings(signature="Best,\nAda")
        with psycopg.connect(location, autocommit=True) as elsewhere:  # you, at the command line say
            elsewhere.execute("UPDATE setting SET value = 'Yours,\nAda' WHERE key = %s", [f"signature@{me()}"])
        with pytest.raises(ChangedSince, match="Your signature was changed since: it is now “Yours,\nAda”"):
            changes.undo(recorded.changeset)
        assert settings.get_settings().signature == "Yours,\nAda"
    finally:
        db.close()
