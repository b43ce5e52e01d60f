"""Imports and exports with files shaped like the ones real programs write."""

import csv
import json
from datetime import date, datetime

import pytest

from journal.writes import customers, interactions, purchases
from journal.storage import db
from journal.reads import search
from journal.errors import JournalError
from journal.io import csv_import as ci
from journal.io import exports, vcard
from journal.storage.models import Customer, Interaction, Purchase

from .helpers import customer


def table(text: str, encoding="utf-8", bom=False) -> ci.Table:
    data = text.encode(encoding)
    return ci.read_table((b"\xef\xbb\xbf" if bom else b"") + data)


def test_excel_csv_with_bom_semicolons_quoted_newlines(journal):
    t = table('Name;Company;E-mail;Address;Customer since\r\n'
              'Zoë Ærø;"Bäckerei; Müller";zoe@example.org;"Hauptstr. 5\r\n50667 Köln";31/12/2019\r\n'
              'Bob;;bob@example.org;;01/02/2020\r\n', bom=True)
    assert (t.encoding, t.delimiter, t.headers) == ("UTF-8 with BOM", ";", ["Name", "Company", "E-mail", "Address",
                                                                             "Customer since"])
    mapping = ci.guess_mapping(t.headers, ci.CUSTOMER_FIELDS)
    assert mapping == {0: "name", 1: "company", 2: "email", 3: "address", 4: "customer_since"}
    fmt = ci.guess_date_format([r[4] for r in t.rows])
    assert fmt == "%d/%m/%Y"
    plan = ci.plan_customers(t, mapping, fmt)
    assert [line for line, _ in plan.new] == [2, 3] and not plan.problems
    report = ci.import_customers(plan)
    assert report.created == 2
    zoe = customers.find_by_name("Zoë Ærø")
    assert zoe.company == "Bäckerei; Müller" and zoe.address == "Hauptstr. 5\n50667 Köln"
    assert zoe.customer_since == date(2019, 12, 31)


def test_latin1_file_with_first_and_last_names_and_thousands(journal):
    t = table("First name,Last name,Email,Stage\nJosé,Müller,jose@example.org,Lead\nAnne,Ørsted,,Active\n",
              encoding="cp1252")
    assert t.encoding == "Latin-1 (Windows)"
    plan = ci.plan_customers(t, ci.guess_mapping(t.headers, ci.CUSTOMER_FIELDS))
    ci.import_customers(plan)
    assert {(c.name, c.stage) for c in customers.list_customers()} == {("José Müller", "prospect"),
                                                                        ("Anne Ørsted", "customer")}


def test_a_bad_value_leaves_its_row_and_the_row_is_imported(journal):
    t = table("name,email,customer since,phone\nGood One,good@example.org,2020-01-05,1\n,nobody@example.org,2020-01-05,2\n"
              "Asa Bad Mail,asa@example,2020-01-05,+46 8 123\nBad Date,bad@example.org,31 Feb 2020,4\nGood Two,,,\n")
    plan = ci.plan_customers(t, ci.guess_mapping(t.headers, ci.CUSTOMER_FIELDS), "%Y-%m-%d")
    assert [(p.line, p.message, p.imported) for p in plan.problems] == [
        (3, "no name, and a customer needs one — left out", False),
        (4, "e-mail 'asa@example' is not an e-mail address — imported without it", True),
        (5, "customer since '31 Feb 2020' is not a date this file uses — imported without it", True),
    ]
    report = ci.import_customers(plan)
    assert report.created == 4 and len(report.problems) == 3
    assert sorted(c.name for c in customers.list_customers()) == ["Asa Bad Mail", "Bad Date", "Good One", "Good Two"]
    asa = customers.find_by_name("Asa Bad Mail")
    assert (asa.email, asa.phone) == ("", "+46 8 123")  # her name and phone are not lost with the e-mail
    assert str(customers.find_by_name("Bad Date").customer_since) == "None"

    # Or the person prefers to skip such rows (the preview offers it), and keep what is not imported in a note:
    t = table("name,email\nAsa,asa@example\nBo,bo@example.org\n")
    skipping = ci.plan_customers(t, {0: "name", 1: "email"}, skip_bad_rows=True)
    assert [(p.line, p.message) for p in skipping.problems] == [
        (2, "e-mail 'asa@example' is not an e-mail address — row skipped")]
    assert [v["name"] for _, v in skipping.new] == ["Bo"]
    keeping = ci.plan_customers(table("name,email\nAsa2,asa@example\n"), {0: "name", 1: "email"}, keep_unmapped=True)
    assert keeping.new[0][1]["_note"] == "Not imported (e-mail 'asa@example' is not an e-mail address): asa@example"


def test_duplicates_by_email_or_name_and_company_are_skipped_or_merged(journal):
    customer("Ada Lovelace", company="Analytical", email="ada@example.org")
    customer("Bob", company="Timber")
    t = table("name,company,email,phone,tags\nAda L.,,ADA@example.org,123,vip\nBob,Timber,,555,\nCy,,cy@x.org,,\n"
              "Cy,,cy@x.org,,\n")
    plan = ci.plan_customers(t, ci.guess_mapping(t.headers, ci.CUSTOMER_FIELDS))
    assert [(line, why) for line, _, _, why in plan.duplicates] == [
        (2, "same e-mail as an existing customer"), (3, "same name and company as an existing customer")]
    assert [p.message for p in plan.problems] == ["repeats line 4 — left out"]
    skipped = ci.import_customers(plan, duplicates="skip")
    assert (skipped.created, skipped.skipped) == (1, 2)
    assert customers.find_by_name("Ada Lovelace").phone == ""
    merged = ci.import_customers(ci.plan_customers(t, ci.guess_mapping(t.headers, ci.CUSTOMER_FIELDS)),
                                 duplicates="merge")
    assert merged.merged == 4  # both Cy rows now match the Cy the first import created
    ada = customers.find_by_name("Ada Lovelace")
    assert ada.phone == "123" and ada.tags == ("vip",) and ada.company == "Analytical"  # filled, not overwritten


def test_an_import_can_be_taken_back_and_done_again(journal):
    from journal.reads import summary
    from journal.writes import trash

    ada = customer("Ada Lovelace", company="Analytical", email="ada@example.org", tags=["trade"])
    t = table("name,company,email,phone,tags\nAda L.,,ada@example.org,123,vip\nCy,,cy@x.org,,\nDee,Acme,,,\n")
    report = ci.import_customers(ci.plan_customers(t, ci.guess_mapping(t.headers, ci.CUSTOMER_FIELDS)),
                                 duplicates="merge")
    assert (report.created, report.merged) == (2, 1)
    p = table("Customer,Date,Product,Amount\nCy,2026-01-15,Lamp,89\nAda Lovelace,2026-01-16,Desk,900\n")
    bought = ci.import_purchases(ci.plan_purchases(p, ci.guess_mapping(p.headers, ci.PURCHASE_FIELDS)))
    assert bought.created == 2

    ci.undo_import(bought)
    ci.undo_import(report)
    assert [c.name for c in customers.list_customers()] == ["Ada Lovelace"]
    again = customers.get_customer(ada.id)
    assert (again.phone, again.tags) == ("", ("trade",))  # filled-in fields are as they were
    assert purchases.purchases_of(ada.id) == []
    assert {(i.what, i.label) for i in trash.trash_items()} >= {("customer", "Cy"), ("customer", "Dee"),
                                                                 ("purchase", "Desk"), ("purchase", "Lamp")}
    kept = summary.snapshot()
    summary.rebuild_all()
    assert summary.snapshot() == kept

    ci.redo_import(report)
    ci.redo_import(bought)
    assert sorted(c.name for c in customers.list_customers()) == ["Ada Lovelace", "Cy", "Dee"]
    again = customers.get_customer(ada.id)
    assert (again.phone, again.tags) == ("123", ("trade", "vip"))
    assert [b.product for b in purchases.purchases_of(ada.id)] == ["Desk"]
    assert summary.snapshot()[ada.id]["lifetime_cents"] == 90000


def test_import_is_all_or_nothing_when_cancelled(journal):
    t = table("name\n" + "".join(f"Person {n}\n" for n in range(50)))
    plan = ci.plan_customers(t, {0: "name"})
    with pytest.raises(JournalError, match="cancelled; nothing was imported"):
        ci.import_customers(plan, progress=lambda done, total: done < 30)
    assert Customer.select().count() == 0


def test_purchases_with_us_dates_and_thousands_separators(journal):
    ada = customer("Ada Lovelace", email="ada@example.org")
    customer("Bob Builder")
    t = table('Customer,Email,Date,Product,Amount\nAda Lovelace,ada@example.org,12/31/2025,Oak table,"1,250.50"\n'
              "Bob Builder,,01/15/2026,Lamp,€ 89\nNobody,,01/15/2026,Lamp,89\nBob Builder,,01/15/2026,Lamp,-5\n")
    mapping = ci.guess_mapping(t.headers, ci.PURCHASE_FIELDS)
    assert mapping == {0: "customer", 1: "email", 2: "purchased_on", 3: "product", 4: "amount"}
    fmt = ci.guess_date_format([r[2] for r in t.rows])
    assert fmt == "%m/%d/%Y"
    plan = ci.plan_purchases(t, mapping, fmt)
    assert [p.message for p in plan.problems] == [
        "Customer: no customer 'Nobody' in the journal; import customers first", "Amount: must not be negative"]
    report = ci.import_purchases(plan)
    assert report.created == 2
    [bought] = purchases.purchases_of(ada.id)
    assert (bought.purchased_on, bought.amount_cents) == (date(2025, 12, 31), 125050)
    from journal.reads import summary

    assert summary.snapshot()[ada.id]["lifetime_cents"] == 125050


def test_empty_and_garbage_files(journal):
    with pytest.raises(JournalError, match="empty"):
        ci.read_table(b"   \n")
    with pytest.raises(JournalError, match="not a text file"):
        ci.read_table(b"\x00\x01\x02garbage")


VCARDS = b"""BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6rg
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=B6rg M=C3=BCller
ORG:B\xc3\xa4ckerei M\xc3\xbcller
TEL;CELL:+49 170 1234567
EMAIL;INTERNET:joerg@example.de
ADR;HOME:;;Hauptstr. 5;K\xc3\xb6ln;;50667;Germany
NOTE;ENCODING=QUOTED-PRINTABLE:Likes=20rye=0D=0Abread
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Grace Hopper
N:Hopper;Grace;;;
ORG:Navy Labs;Compilers
EMAIL;TYPE=INTERNET,WORK:grace@navy.example
TEL;TYPE=WORK:+1 555 0100
TEL;TYPE=CELL:+1 555 0101
END:VCARD
BEGIN:VCARD
VERSION:4.0
FN:Ada Lovelace
N:Lovelace;Ada;;;
EMAIL;TYPE=work:ada@example.org
NOTE:Poetry of science
END:VCARD
"""


def test_vcards_21_30_40_in_one_file(journal):
    cards = vcard.read_cards(VCARDS)
    assert [c.name for c in cards] == ["Jörg Müller", "Grace Hopper", "Ada Lovelace"]
    assert cards[0].address == "Hauptstr. 5\n50667 Köln\nGermany"
    assert cards[1].company == "Navy Labs" and cards[1].phone == "+1 555 0100"
    assert cards[1].contacts == [("phone", "mobile", "+1 555 0101")] and cards[1].notes[0] == "Department: Compilers"
    report = ci.import_customers(vcard.plan_cards(VCARDS))
    assert report.created == 3
    jorg = customers.find_by_name("Jörg Müller")
    assert jorg.email == "joerg@example.de" and jorg.company == "Bäckerei Müller"
    note = Interaction.get(Interaction.customer == jorg.id)
    assert note.kind == "note" and note.notes == ("Likes rye\nbread\n"
                                                  "Labels on the card of the main ones: mobile phone, home address")
    assert search.search("rye")[0].customer_name == "Jörg Müller"


def test_not_a_vcard(journal):
    with pytest.raises(JournalError):
        vcard.read_cards(b"hello, world")


def _populated():
    ada = customer("Ada Lovelace", company="Analytical", email="ada@example.org", tags=["vip", "press"],
                   interests="poetry", cadence_days=30, customer_since="2019-04-01")
    bob = customer("Bob Builder", stage="prospect")
    purchases.add_purchase(ada.id, "2026-01-05", "Oak table", 180000)
    card = interactions.log_interaction(ada.id, "thank_you_card", "out", "Thanks, Ada",
                                        occurred_at=datetime(2026, 1, 7, 10), notes="Handwritten ✍")
    interactions.log_interaction(bob.id, "quote", "out", "Quote for shelves", occurred_at=datetime(2026, 2, 1, 9),
                                 follow_up_on=date(2026, 2, 15))
    interactions.delete_interaction(interactions.log_interaction(bob.id, "call", "out", "Deleted call").id)
    from journal.writes import connections, settings
    from journal.rules import lately

    connections.add_connection(ada.id, bob.id, "referred", connected_on="2026-01-20")
    customers.update_customer(bob.id, stage="customer")
    settings.update_settings(owner_name="Alex", signature="Warmly,\nAlex")
    lately.snooze(ada.id, "cadence", "2099-01-01")
    return ada, bob, card


def test_json_round_trip_gives_an_identical_journal(journal, tmp_path):
    _populated()
    first = tmp_path / "export.json"
    exports.export_json(first)
    db.close()
    db.connect(tmp_path / "fresh.sqlite3")
    counts = exports.import_json(first)
    assert counts["customer"] == 2 and counts["interaction"] == 3
    second = tmp_path / "again.json"
    exports.export_json(second)
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    assert a["tables"] == b["tables"]
    assert search.search("handwritten")[0].customer_name == "Ada Lovelace"
    assert customers.find_by_name("Ada Lovelace").tags == ("press", "vip")
    with pytest.raises(JournalError, match="empty journal only"):
        exports.import_json(first)


def test_json_import_refuses_other_files(journal, tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    with pytest.raises(JournalError, match="not a Lately JSON export"):
        exports.import_json(other)


def test_csv_exports_open_in_python_csv(journal, tmp_path):
    _populated()
    path = tmp_path / "customers.csv"
    assert exports.export_customers_csv(path) == 2
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert rows[0]["name"] == "Ada Lovelace" and rows[0]["tags"] == "press, vip" and rows[0]["cadence_days"] == "30"
    path = tmp_path / "interactions.csv"
    assert exports.export_interactions_csv(path) == 2
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert [r["summary"] for r in rows] == ["Thanks, Ada", "Quote for shelves"]
    assert rows[0]["kind"] == "Thank-you card" and rows[0]["notes"] == "Handwritten ✍"


def test_follow_ups_calendar_parses_back(journal, tmp_path):
    from icalendar import Calendar

    _populated()
    path = tmp_path / "follow-ups.ics"
    assert exports.export_follow_ups_ics(path) == 1
    calendar = Calendar.from_ical(path.read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Follow up with Bob Builder: Quote for shelves"
    assert event.decoded("dtstart") == date(2026, 2, 15)


def test_cancelled_export_leaves_no_file(journal, tmp_path):
    for n in range(600):
        customer(f"P{n}")
    path = tmp_path / "customers.csv"
    with pytest.raises(JournalError, match="cancelled"):
        exports.export_customers_csv(path, progress=lambda done, total: False)
    assert list(tmp_path.glob("customers.csv*")) == []
    assert Purchase.select().count() == 0


@pytest.mark.parametrize("text,decimal,cents", [
    ("1,234", ".", 123400), ("1,23", ",", 123), ("1.5", ".", 150), ("1.5", ",", 1500), ("1.234,56", ",", 123456),
    ("1,234.56", ".", 123456), ("€ 12,5", ",", 1250),
])
def test_amount_format_chosen(text, decimal, cents):
    assert purchases.parse_amount(text, decimal) == cents


def test_amount_format_refuses_what_does_not_fit():
    from journal.errors import ValidationError

    with pytest.raises(ValidationError, match="more than two decimals"):
        purchases.parse_amount("1.234", ".")
    with pytest.raises(ValidationError, match="more than one decimal separator"):
        purchases.parse_amount("1.2.3", ".")


def test_vcard_keeps_every_email(journal):
    data = (b"BEGIN:VCARD\nVERSION:3.0\nFN:Many Mails\nEMAIL:one@example.org\nEMAIL:two@example.org\n"
            b"EMAIL:three@example.org\nEND:VCARD\n")
    ci.import_customers(vcard.plan_cards(data))
    person = customers.find_by_name("Many Mails")
    assert person.email == "one@example.org"
    assert person.contacts == (("email", "", "two@example.org"), ("email", "", "three@example.org"))
