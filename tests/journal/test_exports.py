"""Files out: the whole journal as JSON (every table, identical after a round
trip), CSV cells no spreadsheet runs as a formula, files only the owner can
read, and mail-merge rows that keep every address line and greet properly."""

import csv
import json
import stat
from datetime import date, datetime

import pytest

from journal.rules import cards, lately
from journal.writes import connections, customers, interactions, purchases, settings
from journal.storage import db
from journal.errors import JournalError
from journal.io import csv_import as ci
from journal.io import exports
from journal.rules import duplicates
from journal.storage.models import ALL_MODELS, Company, Customer, Draft, GraphPosition, Tag

from .helpers import TODAY


def _every_table():
    """A journal with at least one row in every table the JSON carries."""
    ada = customers.create_customer(
        name="Ada Lovelace", company="Analytical", email="ada@example.org", tags=["vip"], cadence_days=30,
        contacts=[("email", "home", "ada@home.example"), ("address", "work", "Engine Works\nLondon")])
    bob = customers.create_customer(name="Bob Builder", stage="prospect")
    purchases.add_purchase(ada.id, "2026-01-05", "Oak table", 180000)
    interactions.log_interaction(ada.id, "thank_you_card", "out", "Thanks, Ada", occurred_at=datetime(2026, 1, 7, 10))
    connections.add_connection(ada.id, bob.id, "referred", connected_on="2026-01-20")
    customers.update_customer(bob.id, stage="customer")
    settings.update_settings(owner_name="Alex")
    lately.snooze(ada.id, "cadence", "2099-01-01")
    Draft.create(key="capture", payload='{"notes": "half typed"}')
    GraphPosition.create(customer=ada.id, x=12.5, y=-3.25)
    GraphPosition.create(customer=bob.id, x=40.0, y=7.0)
    duplicates.mark_not_duplicates(ada.id, bob.id)


def test_every_model_is_in_the_json_or_said_not_to_be():
    assert set(exports.JSON_TABLES) | set(exports.NOT_IN_JSON) == set(ALL_MODELS)
    assert not set(exports.JSON_TABLES) & set(exports.NOT_IN_JSON)


def test_json_round_trip_carries_every_table_identically(journal, tmp_path):
    _every_table()
    first = tmp_path / "export.json"
    exports.export_json(first)
    a = json.loads(first.read_text(encoding="utf-8"))
    empty = [m._meta.table_name for m in exports.JSON_TABLES if not a["tables"][m._meta.table_name]["rows"]]
    assert empty == []  # so the round trip below proves something for every table
    assert len(a["tables"]["graph_position"]["rows"]) == 2 and len(a["tables"]["contact_point"]["rows"]) == 2
    db.close()
    db.connect(tmp_path / "fresh.sqlite3")
    exports.import_json(first)
    second = tmp_path / "again.json"
    exports.export_json(second)
    b = json.loads(second.read_text(encoding="utf-8"))
    assert a["tables"] == b["tables"]
    assert GraphPosition.select().count() == 2
    assert customers.find_by_name("Ada Lovelace").contacts[1] == ("address", "work", "Engine Works\nLondon")


@pytest.mark.parametrize("what", ["customer", "company", "tag", "deleted customer"])
def test_json_into_a_journal_that_is_not_empty_is_refused(journal, tmp_path, what):
    _every_table()
    path = tmp_path / "export.json"
    exports.export_json(path)
    db.close()
    db.connect(tmp_path / "other.sqlite3")
    if what == "customer":
        customers.create_customer(name="Already Here")
    elif what == "company":
        Company.create(name="Acme")
    elif what == "tag":
        Tag.create(name="friends")
    else:
        customers.delete_customer(customers.create_customer(name="In The Trash").id)
    before = (Customer.select().count(), Company.select().count(), Tag.select().count())
    with pytest.raises(JournalError, match="goes into an empty journal only.*Nothing was imported"):
        exports.import_json(path)
    assert (Customer.select().count(), Company.select().count(), Tag.select().count()) == before


def test_damaged_json_gives_a_message(journal, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "lately-journal", "tables": {
        "customer": {"columns": ["id", "name"], "rows": [[1, "A"], [1, "B"]]}}}), encoding="utf-8")
    with pytest.raises(JournalError, match="damaged in its customer table"):
        exports.import_json(path)
    assert Customer.select().count() == 0


DANGEROUS = ["=1+1", "=cmd|' /C calc'!A0", "@SUM(A1)", '=HYPERLINK("http://evil.example","Click")', "+1+1",
             "-2+3", "'=already quoted", "''+twice"]


@pytest.mark.parametrize("text,cell", [
    ("=1+1", "'=1+1"), ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("+44 20 7946 0958", "'+44 20 7946 0958"),
    ("-12.50", "-12.50"), ("-", "'-"), ("'=x", "''=x"), ("'quoted", "'quoted"), ("plain", "plain"), ("", ""),
])
def test_spreadsheet_cell(text, cell):
    assert exports.spreadsheet_cell(text) == cell
    assert exports.from_spreadsheet_cell(cell) == text


def test_csv_cells_are_neutralised_and_read_back_exactly(journal, tmp_path):
    for n, text in enumerate(DANGEROUS):
        customers.create_customer(name=f"Person {n}", interests=text, account_manager=text,
                                  phone="+44 20 7946 0958" if n == 0 else "-5")
    path = tmp_path / "customers.csv"
    exports.export_customers_csv(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    cells = {r["name"]: r for r in rows}
    for n, text in enumerate(DANGEROUS):
        kept = text.strip()  # the service trims what is saved
        assert cells[f"Person {n}"]["interests"] == "'" + kept
        assert cells[f"Person {n}"]["interests"][:1] not in "=+-@\t\r"
    assert cells["Person 0"]["phone"] == "'+44 20 7946 0958"  # text in a spreadsheet, still readable
    assert cells["Person 1"]["phone"] == "-5"  # a plain negative number runs nothing
    # Lately's own import reads the file back to the same values.
    db.close()
    db.connect(tmp_path / "fresh.sqlite3")
    table = ci.read_table(path.read_bytes())
    mapping = ci.guess_mapping(table.headers, ci.CUSTOMER_FIELDS)
    mapping[table.headers.index("interests")] = "interests"
    report = ci.import_customers(ci.plan_customers(table, mapping))
    assert report.created == len(DANGEROUS)
    for n, text in enumerate(DANGEROUS):
        person = customers.find_by_name(f"Person {n}")
        assert person.interests == text.strip() and person.account_manager == text.strip()
    assert customers.find_by_name("Person 0").phone == "+44 20 7946 0958"


def test_interactions_csv_is_neutralised_too(journal, tmp_path):
    ada = customers.create_customer(name="Ada")
    interactions.log_interaction(ada.id, "call", "out", "=HYPERLINK(\"x\")", notes="@SUM(A1)")
    path = tmp_path / "i.csv"
    exports.export_interactions_csv(path)
    [row] = csv.DictReader(path.open(encoding="utf-8-sig", newline=""))
    assert row["summary"] == "'=HYPERLINK(\"x\")" and row["notes"] == "'@SUM(A1)"


def test_customers_csv_has_the_other_contacts(journal, tmp_path):
    _every_table()
    exports.export_customers_csv(tmp_path / "c.csv")
    rows = {r["name"]: r for r in csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8-sig", newline=""))}
    assert rows["Ada Lovelace"]["other_contacts"] == "Home e-mail: ada@home.example\nWork address: Engine Works, London"
    assert rows["Bob Builder"]["other_contacts"] == ""


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_export_files_are_the_owners_only(journal, tmp_path):
    _every_table()
    interactions.log_interaction(Customer.get().id, "quote", "out", "Quote", occurred_at=datetime(2026, 2, 1, 9),
                                 follow_up_on=date(2026, 2, 15))
    (tmp_path / "c.csv").write_text("old")
    (tmp_path / "c.csv").chmod(0o644)  # an older export with wider rights is replaced by a private one
    exports.export_customers_csv(tmp_path / "c.csv")
    exports.export_interactions_csv(tmp_path / "i.csv")
    exports.export_json(tmp_path / "j.json")
    exports.export_follow_ups_ics(tmp_path / "f.ics")
    cards.export_csv(cards.build_cards(cards.QUARTERLY, today=TODAY), tmp_path / "m.csv")
    assert {p.name: mode(p) for p in tmp_path.glob("*.*") if p.suffix != ".sqlite3" and "sqlite" not in p.name} \
        == {"c.csv": 0o600, "i.csv": 0o600, "j.json": 0o600, "f.ics": 0o600, "m.csv": 0o600}


def test_any_cell_is_safe_and_comes_back_exactly():
    from hypothesis import given
    from hypothesis import strategies as st

    starts = st.sampled_from(["", "=", "+", "-", "@", "\t", "\r", "'", "''", "'=", "-1", "+44 "])

    @given(starts, st.text(max_size=30))
    def check(start, rest):
        text = start + rest
        cell = exports.spreadsheet_cell(text)
        assert exports.from_spreadsheet_cell(cell) == text
        assert not cell.startswith(("=", "+", "@", "\t", "\r")) and (
            not cell.startswith("-") or exports._NEGATIVE_NUMBER.fullmatch(cell))

    check()


def test_customers_csv_says_customer_since_as_the_app_shows_it(journal, tmp_path):
    """A customer with no date of their own has been one since their first purchase."""
    import csv as csv_module

    bought = customers.create_customer(name="Bought Once")
    purchases.add_purchase(bought.id, "2025-03-04", "Chair", 10000)
    customers.create_customer(name="Recorded", customer_since="2020-01-02")
    path = tmp_path / "customers.csv"
    exports.export_customers_csv(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        since = {row["name"]: row["customer_since"] for row in csv_module.DictReader(handle)}
    assert since == {"Bought Once": "2025-03-04", "Recorded": "2020-01-02"}
