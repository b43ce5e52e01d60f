"""Team journal locations and the keyring: what is shown and remembered never
holds a password; a password is kept only in a keyring, and only when one is there."""

import pytest

from journal.storage import passwords, team


@pytest.mark.parametrize("location", [
    "postgresql://ada@db.example.com/shop", "postgres://db/shop", "service=shop", "host=db dbname=shop",
    "POSTGRESQL://DB/SHOP"])
def test_server_locations_are_told_from_files(location):
    assert team.is_server(location)


@pytest.mark.parametrize("location", ["journal.sqlite3", "/home/ada/x=y.sqlite3", "C:\\journal.sqlite3", "", None])
def test_files_are_not_servers(location):
    assert not team.is_server(location)


def test_a_password_never_stays_in_a_location():
    assert team.without_password("postgresql://ada:s3cret@db.example.com:5433/shop?sslmode=require") == \
        "postgresql://ada@db.example.com:5433/shop?sslmode=require"
    assert "s3cret" not in team.without_password("host=db dbname=shop password=s3cret")
    assert "s3cret" not in team.without_password("postgresql://db/shop?password=s3cret&sslmode=require")
    assert team.without_password("postgresql://db/shop") == "postgresql://db/shop"


def test_the_title_names_the_database_and_server():
    assert team.place("postgresql://ada@db.example.com/shop").title == "shop on db.example.com"
    assert team.place("postgresql://ada@db.example.com:5433/shop").title == "shop on db.example.com:5433"
    assert team.place("host=/run/postgresql dbname=shop").title == "shop on this computer"
    assert team.place("postgresql://ada@/shop?host=/tmp/sock&port=5499").title == "shop on this computer (port 5499)"
    assert team.place("service=shop").title == "shop"
    assert team.place("service=shop dbname=sales").title == "sales (service shop)"


def test_the_dialogs_fields_make_a_location_libpq_reads():
    location = team.build(host="db.example.com", port="5433", dbname="our shop", user="ada", sslmode="require")
    assert team.parameters(location) == {"host": "db.example.com", "port": "5433", "dbname": "our shop",
                                         "user": "ada", "sslmode": "require"}
    assert team.parameters(team.build(service="shop")) == {"service": "shop"}


def test_a_location_libpq_cannot_read_is_refused_with_a_message():
    with pytest.raises(team.BadLocation, match="cannot read the server location"):
        team.parameters("host=db dbname='unterminated")


def test_the_connection_has_a_short_timeout_unless_the_location_names_one():
    assert team.connect_arguments("postgresql://db/shop")["connect_timeout"] == team.CONNECT_TIMEOUT
    assert "connect_timeout" not in team.connect_arguments("postgresql://db/shop?connect_timeout=20")
    assert team.connect_arguments("service=shop", "s3cret")["password"] == "s3cret"


def test_a_password_is_kept_in_the_keyring_only(memory_keyring, tmp_path):
    key = team.place("postgresql://ada@db.example.com/shop").key
    assert passwords.available()
    assert passwords.remember(key, "s3cret")
    assert passwords.recall(key) == "s3cret"
    assert memory_keyring.kept == {(passwords.SERVICE, "ada@db.example.com:5432/shop"): "s3cret"}
    passwords.forget(key)
    assert passwords.recall(key) is None


def test_without_a_keyring_nothing_is_kept(no_keyring):
    assert not passwords.available()
    assert not passwords.remember("ada@db:5432/shop", "s3cret")
    assert passwords.recall("ada@db:5432/shop") is None
