"""Spreadsheets and contact exports as Excel, LibreOffice, Google and Outlook
write them (tests/fixtures/csv, made by build.py there), imported and checked
field by field; and files that are no table at all, refused with a message."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.writes import customers
from journal.reads import summary
from journal.errors import JournalError
from journal.io import csv_import as ci
from journal.io import csv_read
from journal.storage.models import Interaction

FIXTURES = Path(__file__).parent.parent / "fixtures" / "csv"


def import_file(name, **options):
    table = ci.read_table(FIXTURES / name)
    mapping = ci.guess_mapping(table.headers, ci.CUSTOMER_FIELDS)
    since = [i for i, f in mapping.items() if f == "customer_since"]
    fmt = ci.guess_date_format([r[since[0]] for r in table.sample]) if since else None
    plan = ci.plan_customers(table, mapping, fmt, **{"keep_unmapped": True, **options})
    return table, plan, ci.import_customers(plan)


def note_of(name):
    found = customers.find_by_name(name)
    return "\n---\n".join(i.notes for i in Interaction.select().where(Interaction.customer == found.id))


def test_excel_german_windows_1252_with_semicolons(journal):
    table, _, report = import_file("excel-german-windows-1252-semicolons.csv")
    assert (table.encoding, table.delimiter) == ("Latin-1 (Windows)", ";")
    assert report.created == 3
    jorg = customers.find_by_name("Jörg Müller")
    assert (jorg.company, jorg.email, jorg.phone) == ("Bäckerei Müller & Söhne", "joerg@baeckerei-mueller.de",
                                                      "+49 221 123456")
    assert jorg.address == "Hauptstraße 5\n50667 Köln\nDeutschland"  # street, number, postcode, city: in order
    assert jorg.customer_since == date(2019, 12, 31)
    assert note_of("Jörg Müller") == 'Mag Roggen,\nkein Weizen.\nSagt "Servus".\nUmsatz: 1.234,56'
    # Åsa's e-mail has no domain: she is imported without it, and the report says so for her line.
    asa = customers.find_by_name("Åsa Ström")
    assert asa.email == "" and asa.address == "Drottninggatan 12\n111 51 Stockholm\nSchweden"
    assert [(p.line, p.message) for p in report.problems] == [
        (3, "e-mail 'asa@example' is not an e-mail address — imported without it")]
    assert "asa@example" in note_of("Åsa Ström")  # what was written is still on her timeline


def test_excel_csv_utf8_with_bom_and_multiline_notes(journal):
    table, _, report = import_file("excel-csv-utf8-bom.csv")
    assert (table.encoding, table.delimiter) == ("UTF-8 with BOM", ",")
    assert report.created == 3
    zoe = customers.find_by_name("Zoë Ærø")
    assert zoe.address == "Jægersborggade 7\n2200 København N\nDenmark" and zoe.tags == ("cycling", "vip")
    assert note_of("Zoë Ærø") == "Met at the fair.\nWants a cargo bike."
    assert customers.find_by_name("Ελένη Παπαδοπούλου").address == "Αθήνα\nGreece"
    assert customers.find_by_name("李小龙").phone == "+86 10 1234 5678"


def test_excel_unicode_text_is_utf16_with_tabs(journal):
    table, _, report = import_file("excel-unicode-text-utf16.csv")
    assert (table.encoding, table.delimiter, report.created) == ("UTF-16 (Unicode text)", "\t", 2)
    assert customers.find_by_name("Zoë Ærø").email == "zoe@example.dk"


@pytest.mark.parametrize("name,delimiter", [("libreoffice-utf8-semicolons.csv", ";"),
                                            ("libreoffice-utf8-tabs.csv", "\t")])
def test_libreoffice_utf8_without_bom(journal, name, delimiter):
    table, _, report = import_file(name)
    assert (table.encoding, table.delimiter, report.created) == ("UTF-8", delimiter, 2)
    jorg = customers.find_by_name("Jörg Müller")  # Vorname + Nachname
    assert (jorg.company, jorg.email) == ("Bäckerei Müller", "joerg@example.de")
    assert note_of("Jörg Müller") == "Zwei Zeilen\nin einer Zelle"


def test_google_contacts_csv(journal):
    table, _, report = import_file("google-contacts.csv")
    mapping = ci.guess_mapping(table.headers, ci.CUSTOMER_FIELDS)
    assert mapping[table.headers.index("E-mail 1 - Value")] == "email"
    assert mapping[table.headers.index("Address 1 - Formatted")] is None  # the parts are mapped instead
    assert report.created == 2 and not report.problems
    elijah = customers.find_by_name("Mr. Elijah Perkins Jr.")
    assert (elijah.company, elijah.email, elijah.phone) == ("Perkins Hardware", "elijah@perkins.example",
                                                            "+1 217-555-0142")
    assert elijah.address == "12 High St\nSpringfield, IL 62701\nUSA"
    assert elijah.tags == ("Friends", "Hardware")  # not Google's own "* myContacts"
    note = note_of("Mr. Elijah Perkins Jr.")
    assert note.startswith("Prefers calls in the morning.\nKids: Amy, Joe.")
    assert "E-mail 2 - Value: eli.perkins@mail.example" in note and "Birthday: 1975-04-12" in note
    assert "Address 1 - Formatted" not in note
    assert customers.find_by_name("Ada Lovelace").tags == ()


def test_older_gmail_export(journal):
    import_file("gmail-contacts-older.csv")
    grace = customers.find_by_name("Grace Hopper")
    assert (grace.company, grace.email, grace.phone, grace.tags) == ("Navy Labs", "grace@navy.example", "555-0100",
                                                                     ("Navy",))
    assert note_of("Grace Hopper").startswith("Invented the compiler.")


def test_outlook_export(journal):
    table, _, report = import_file("outlook-contacts.csv")
    assert (table.encoding, table.delimiter, report.created) == ("Latin-1 (Windows)", ",", 2)
    jorg = customers.find_by_name("Jörg Müller")
    assert (jorg.company, jorg.email, jorg.phone, jorg.tags) == (
        "Bäckerei Müller", "joerg@baeckerei-mueller.de", "+49 221 123456", ("Kunden", "VIP"))
    assert jorg.address == "Hauptstraße 5\n50667 Köln\nDeutschland"
    note = note_of("Jörg Müller")
    assert note.startswith("Liefert samstags.\nRuft lieber an.")
    assert "Home Street: Gartenweg 3" in note and "Mobile Phone: +49 170 1234567" in note
    assert "0/0/00" not in note and "Normal" not in note and "Unspecified" not in note  # Outlook's empty values
    # Outlook's own bookkeeping is no note: how an address is routed, the display name it made, the initials.
    assert "SMTP" not in note and "Type" not in note and "Display Name" not in note and "J.M." not in note
    # What Outlook knows about the person still lands: a second e-mail, gender, who referred them, its user fields.
    for line in ("E-mail 2 Address: j.mueller@privat.example", "Gender: Male", "Referred By: Anna Schmidt",
                 "User 1: Stammkunde seit 2009", "Title: Herr", "Department: Einkauf", "Job Title: Inhaber"):
        assert line in note
    elijah = customers.find_by_name("Elijah Perkins Jr.")
    assert elijah.address == "c/o Studio\nBuilding 2\n12 High St\nSpringfield, IL 62701\nUSA"


def test_imported_customers_and_notes_are_found_and_the_index_keeps_working(journal):
    from journal.reads import search

    import_file("excel-german-windows-1252-semicolons.csv")
    assert [h.customer_name for h in search.search("Lefèvre")] == ["François Lefèvre"]
    assert [(h.customer_name, h.is_customer) for h in search.search("Roggen")] == [("Jörg Müller", False)]
    table = ci.read_table(b"name,notes\n" + b"".join(b"Person %d,walnut\n" % n for n in range(1200)))
    with pytest.raises(ci.Cancelled):
        ci.import_customers(ci.plan_customers(table, {0: "name", 1: "notes"}), progress=lambda d, t: d < 1000)
    assert search.search("walnut") == []
    customers.create_customer(name="Walnut Wanda")  # one at a time again, indexed by the triggers
    assert [h.customer_name for h in search.search("walnut")] == ["Walnut Wanda"]
    ada = customers.create_customer(name="Ada Lovelace", email="ada@example.org")
    merged = ci.plan_customers(ci.read_table(b"name,email,notes\nAda,ada@example.org,oak shelves\n"),
                               {0: "name", 1: "email", 2: "notes"})
    ci.import_customers(merged, duplicates="merge")
    assert [(h.customer_id, h.is_customer) for h in search.search("shelves")] == [(ada.id, False)]
    assert summary.snapshot() == (summary.rebuild_all() or summary.snapshot())
    search.rebuild()
    assert [h.customer_name for h in search.search("Roggen")] == ["Jörg Müller"]


def test_unmapped_columns_stay_out_of_the_note_when_asked(journal):
    import_file("excel-german-windows-1252-semicolons.csv", keep_unmapped=False)
    assert note_of("Jörg Müller") == 'Mag Roggen,\nkein Weizen.\nSagt "Servus".'
    assert note_of("François Lefèvre") == ""


def test_several_columns_for_the_postal_address_are_joined(journal):
    data = "Name,Address line 1,Address line 2,City,Postcode\nAda,Flat 2,12 Marylebone Rd,London,NW1 5LR\n"
    table = ci.read_table(data.encode())
    plan = ci.plan_customers(table, {0: "name", 1: "address", 2: "address", 3: "city", 4: "postcode"})
    assert plan.new[0][1]["address"] == "Flat 2\n12 Marylebone Rd\nNW1 5LR London"
    assert ci.format_address({"street": "Marylebone Rd", "house_number": "12", "city": "London",
                              "postcode": "NW1 5LR", "country": "United Kingdom"}) == \
        "12 Marylebone Rd\nLondon\nNW1 5LR\nUnited Kingdom"


# -- duplicates merged into the customer already in the journal ------------------------------------------

def test_merge_into_the_existing_customer_keeps_differences_in_a_note_and_undoes(journal):
    ada = customers.create_customer(name="Ada Lovelace", company="Analytical", email="ada@example.org",
                                    phone="+44 20 1111")
    before = (customers.get_customer(ada.id), summary.snapshot())
    data = ("Name,Company,Email,Phone,Address,Notes\n"
            "Ada L.,Engines Ltd,ADA@example.org,+44 20 2222,12 Marylebone Rd,Likes poetry\n")
    table = ci.read_table(data.encode())
    plan = ci.plan_customers(table, ci.guess_mapping(table.headers, ci.CUSTOMER_FIELDS))
    assert [(line, existing, why) for line, _, existing, why in plan.duplicates] == [
        (2, ada.id, "same e-mail as an existing customer")]
    report = ci.import_customers(plan, duplicates="merge")
    assert (report.created, report.merged) == (0, 1)
    merged = customers.get_customer(ada.id)
    assert (merged.name, merged.company, merged.phone, merged.address) == (
        "Ada Lovelace", "Analytical", "+44 20 1111", "12 Marylebone Rd")  # empty field filled, others kept
    [note] = Interaction.select().where(Interaction.customer == ada.id)
    assert note.notes == ("Line 2 of the imported file holds other values:\nName: Ada L. (the journal keeps "
                          "Ada Lovelace)\nCompany: Engines Ltd (the journal keeps Analytical)\n"
                          "Phone: +44 20 2222 (the journal keeps +44 20 1111)\n\nLikes poetry")
    assert summary.snapshot() == (summary.rebuild_all() or summary.snapshot())
    ci.undo_import(report)
    # The undo is itself an edit: updated_at is its moment, a second later when the clock ticks between.
    assert replace(customers.get_customer(ada.id), updated_at=None) == replace(before[0], updated_at=None)
    assert Interaction.select().where(Interaction.customer == ada.id, Interaction.deleted_at.is_null()).count() == 0
    assert summary.snapshot() == before[1]
    ci.redo_import(report)
    assert customers.get_customer(ada.id).address == "12 Marylebone Rd"
    assert Interaction.select().where(Interaction.customer == ada.id, Interaction.deleted_at.is_null()).count() == 1


def test_extras_of_a_row_go_through_the_one_hook(journal, monkeypatch):
    table = ci.Table(["name"], [["Katherine Johnson"]])
    plan = ci.plan_customers(table, {0: "name"})
    plan.new[0][1].update(_note="From her card", _emails=["kj@nasa.example", "k@home.example"])
    ci.import_customers(plan)
    assert note_of("Katherine Johnson") == "From her card\n\nEmails: kj@nasa.example, k@home.example"
    stored = []
    monkeypatch.setattr(ci, "store_customer_extras", lambda cid, extras: stored.append((cid, extras)) or "")
    plan = ci.plan_customers(ci.Table(["name"], [["Mary Jackson"]]), {0: "name"})
    plan.new[0][1]["_addresses"] = [("work", "1 NASA Way")]
    [created] = ci.import_customers(plan).customer_ids
    assert stored == [(created, {"_addresses": [("work", "1 NASA Way")]})]


# -- bytes that are not a table ---------------------------------------------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
       b"\x00\x00\x00\x19IDATx\x9cc\xfc\xff\xff?\x03%\x80\x89\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x00\x00"
       b"\x00\x00IEND\xaeB`\x82")


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"\xef\xbb\xbf\r\n \r\n", "empty"),
    (PNG, "not a text file: it is a PNG picture"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "not a text file: it is a zip archive"),
    (b"name,email\nAda,ada@example.org\x00\x00\n", "NUL bytes"),
    (b"name,email\r\n", "only its heading row"),
    (b"\n\n;;;\n", "no rows"),
])
def test_files_that_are_no_table_are_refused_with_a_message(journal, data, message):
    with pytest.raises(JournalError, match=message):
        ci.read_table(data)


def test_a_nul_byte_far_into_the_file_is_found(journal, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"name\n" + b"Ada\n" * 400_000 + b"Bo\x00b\n")
    with pytest.raises(JournalError, match="NUL byte at byte 1,600,008"):
        ci.read_table(path)


def test_utf8_mark_followed_by_windows_1252_is_read_with_a_warning(journal):
    data = b"\xef\xbb\xbfName,City\r\nZo\xc3\xab,K\xc3\xb8benhavn\r\nJ\xf6rg M\xfcller,K\xf6ln\r\n"
    table = ci.read_table(data)
    assert table.encoding == "UTF-8 with BOM"
    assert table.warnings == ["The file mixes encodings: 3 places are not UTF-8 (the first on line 3); they were "
                              "read as Windows-1252. Check the accents in those rows."]
    plan = ci.plan_customers(table, {0: "name", 1: "city"})
    assert [v["name"] for _, v in plan.new] == ["Zoë", "Jörg Müller"]
    assert plan.new[1][1]["address"] == "Köln"


def test_a_cell_over_131072_characters_is_reported_not_a_traceback(journal):
    huge = "x" * 200_000
    table = ci.read_table(f"name,notes,phone\nAda,{huge},123\nBo,short,\n".encode())
    plan = ci.plan_customers(table, {0: "name", 1: "notes", 2: "phone"})
    assert [v["name"] for _, v in plan.new] == ["Ada", "Bo"]
    assert [(p.line, p.message) for p in plan.problems] == [
        (2, "the note is too long (200,000 characters, at most 100,000) — imported without it")]
    assert plan.new[0][1]["phone"] == "123"
    table = ci.read_table(f"name,phone\nAda,{'1' * 300}\n".encode())
    plan = ci.plan_customers(table, {0: "name", 1: "phone"})
    assert [p.message for p in plan.problems] == [
        "phone is too long (300 characters, at most 200) — imported without it"]


def test_an_unclosed_quote_that_swallows_the_file_is_reported(journal):
    table = ci.read_table(b'name,notes\nAda,"never closed\n' + b"x" * 100 + b"\n" * 10 + b"Bo,fine\n")
    plan = ci.plan_customers(table, {0: "name", 1: "notes"})  # one long cell: Ada, with the rest as her note
    assert [v["name"] for _, v in plan.new] == ["Ada"]
    endless = b'name,notes\nAda,"' + b"y" * (csv_read.CELL_LIMIT + 10)
    with pytest.raises(JournalError, match="quote mark that is never closed"):
        ci.plan_customers(ci.read_table(endless), {0: "name", 1: "notes"})


def _preview_as_the_dialog_does(data: bytes):
    """What the import dialog runs on a file: read it, guess the mapping, plan."""
    try:
        table = ci.read_table(data)
        mapping = ci.guess_mapping(table.headers, ci.CUSTOMER_FIELDS)
        return ci.plan_customers(table, mapping, keep_unmapped=True)
    except JournalError as error:
        assert str(error)
        return error


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_any_bytes_give_a_plan_or_a_message(journal, data):
    assert isinstance(_preview_as_the_dialog_does(data), (ci.Plan, JournalError))


_cell = st.one_of(st.text(alphabet=list('ab éü"\n\r\t,;|@.\x00\u2028ß李'), max_size=30),
                  st.sampled_from(["a@b.org", "asa@example", "31.12.2019", "prospect", "vip; fair", "x" * 300]))
_csv_text = st.builds(
    lambda header, rows, sep, end, bom, encoding: (
        (b"\xef\xbb\xbf" if bom else b"") +
        end.join(sep.join(r) for r in [header] + rows).encode(encoding, errors="replace")),
    st.lists(st.sampled_from(["Name", "E-mail", "Notes", "City", "PLZ", "Customer since", "Stage", "Tags", "",
                              "First Name", "Last Name", "Phone", "x"]), min_size=1, max_size=6),
    st.lists(st.lists(_cell, max_size=7), max_size=8),
    st.sampled_from([",", ";", "\t", "|"]), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans(),
    st.sampled_from(["utf-8", "cp1252", "utf-16"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_csv_text)
def test_csv_shaped_text_gives_a_plan_or_a_message_and_imports(journal, data):
    result = _preview_as_the_dialog_does(data)
    assert isinstance(result, (ci.Plan, JournalError))
    if isinstance(result, ci.Plan) and len(result.new):
        report = ci.import_customers(result)
        assert report.created == len(result.new)
        ci.undo_import(report)


def test_a_nul_in_any_cell_is_dropped_on_both_backends(journal):
    """A NUL character in a UTF-16 file's cells (a broken export; Hypothesis
    found it in a tag) is no text: SQLite would keep it and PostgreSQL refuse
    the whole import. It is dropped from every cell, as the services drop it."""
    data = "Name,E-mail,Tags,Notes\nAda Lovelace,ada\x00@example.org,vi\x00p,likes\x00 engines\n".encode("utf-16")
    plan = _preview_as_the_dialog_does(data)
    assert isinstance(plan, ci.Plan) and len(plan.new) == 1
    report = ci.import_customers(plan)
    assert report.created == 1
    ada = customers.get_customer(customers.find_by_name("Ada Lovelace").id)
    assert ada.email == "ada@example.org" and ada.tags == ("vip",)
    assert "likes engines" in Interaction.get(Interaction.customer == ada.id).notes
