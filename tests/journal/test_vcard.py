"""vCards as address books write them (tests/fixtures/vcards, see its README):
each card read on its own, every address, e-mail and phone kept with its
label, ORG units kept, 8-bit text decoded by its character set."""

from pathlib import Path

import pytest

from journal.writes import customers
from journal.reads import search
from journal.errors import JournalError
from journal.io import csv_import as ci
from journal.io import vcard
from journal.storage.models import ContactPoint, Interaction

FIXTURES = Path(__file__).parent.parent / "fixtures" / "vcards"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def imported(name: str):
    plan = vcard.plan_cards(fixture(name))
    report = ci.import_customers(plan)
    return plan, report


def note_of(person) -> str:
    return Interaction.get(Interaction.customer == person.id).notes


def test_android_file_with_a_cut_off_photo_and_no_final_end_imports_all_six(journal):
    plan, report = imported("android21.vcf")
    assert report.created == 6 and not plan.problems
    assert [w.message for w in plan.warnings] == [
        "Card 4 (Jörg Müller): imported, but its photo is cut off or damaged (Lately keeps no photos)",
        "Card 6 (Emil Fischer): imported, but it has no END:VCARD (the file may be cut off)",
    ]
    assert [w.line for w in plan.warnings] == [43, 63]  # where those cards begin in the file
    chloe = customers.find_by_name("Chloé Dubois")
    assert chloe.address == "12 rue de l'Église\n42000 Saint-Étienne\nFrance"
    assert chloe.phone == "+33 6 12 34 56 78" and chloe.contacts == (("phone", "home", "+33 1 23 45 67 89"),)
    # Quoted-printable with soft line breaks, the CRLF inside decoded to a new line.
    assert note_of(chloe) == ("Rencontrée au salon « Maison & Objet » à Paris.\n"
                              "Préfère être appelée le matin, jamais après 18 h.\n"
                              "Labels on the card of the main ones: work e-mail, mobile phone, home address")
    jorg = customers.find_by_name("Jörg Müller")
    assert jorg.email == "joerg@example.de" and "photo is cut off" in note_of(jorg)
    assert customers.find_by_name("Emil Fischer").email == "emil@example.de"


def test_outlook_2003_windows_1252_org_with_comma_and_department(journal):
    plan, _ = imported("outlook2003.vcf")
    jorg = customers.find_by_name("Jörg Müller")
    assert jorg.company == "Company, The"
    assert jorg.email == "joerg.mueller@company-the.example" and jorg.phone == "+49 30 1234567"
    assert jorg.address == "Friedrichstraße 12\n10117 Berlin\nDeutschland"  # ADR;WORK;PREF
    assert jorg.contacts == (
        ("email", "", "jm@home.example"),
        ("phone", "mobile", "+49 170 7654321"),
        ("phone", "work fax", "+49 30 1234568"),
        ("address", "home", "Gartenweg 3\n14467 Potsdam\nDeutschland"),
    )
    assert note_of(jorg) == ("Department: Sales\nJob title: Buyer\n"
                             "Met at the fair in Köln € budget 5k.\nPrefers calls before noon.\n"
                             "Labels on the card of the main ones: work phone, work address")
    # No CHARSET and bytes that are not UTF-8: read as Windows-1252, and said so.
    jose = customers.find_by_name("José Gonçalves")
    assert jose.company == "Café Lisboa"
    [warning] = plan.warnings
    assert warning.message.startswith("Card 2 (José Gonçalves): imported, but its text names no character set; "
                                      "read as Windows-1252")
    assert "Windows-1252" in note_of(jose)
    assert "\ufffd" not in repr(customers.list_customers())


def test_apple_contacts_item_labels_and_several_addresses(journal):
    imported("apple30.vcf")
    [john] = customers.list_customers()
    john = customers.get_customer(john.id)
    assert john.name == "Mr. John Richter,James Doe Sr." and john.company == "IBM"
    assert john.email == "john.doe@ibm.example" and john.phone == "905-777-1234"  # type=pref
    assert john.address == "Silicon Alley 5,\nNew York, New York 12345\nUnited States of America"
    assert john.contacts == (
        ("email", "other", "jd@private.example"),
        ("phone", "home", "905-666-1234"),
        ("phone", "mobile", "905-555-1234"),
        ("phone", "work fax", "905-999-1234"),
        ("phone", "assistantphone", "905-222-1234"),
        ("address", "work", "Street 4\nBuilding 6\nFloor 8\nNew York, 12345\nUSA"),
        ("address", "cabin", "Lakeside 1\nLake Placid, NY 12946\nUSA"),
    )
    note = note_of(john)
    assert "Department: Accounting / Payroll" in note and "Birthday: 1970-06-06" in note
    assert 'Favourite colour: blue, then green; likes "quotes"\nSecond line' in note


def test_google_export_folded_lines_custom_labels_and_groups(journal):
    imported("google30.vcf")
    grace = customers.find_by_name("Grace Hopper")
    assert grace.tags == ("VIP",)  # Google's "myContacts" group is on every contact: not a tag
    assert grace.email == "grace@navy.example" and grace.address == "1 Navy Way\nArlington, VA 22202\nUS"
    assert ("address", "summer house", "12 Elm St\nSpringfield, IL 62701\nUS") in grace.contacts
    assert ("email", "home", "grace.hopper@home.example") in grace.contacts
    assert "Web site (profile): https://navy.example/people/grace-hopper/the-very-long-profile-page-address" \
        in note_of(grace)  # unfolded across the 75-octet fold


def test_evolution_fold_inside_a_utf8_character(journal):
    data = fixture("evolution30.vcf")
    assert b"\xc3\r\n \xbc" in data or any(b"\r\n " + bytes([b]) in data for b in range(0x80, 0xc0))
    imported("evolution30.vcf")
    umit = customers.find_by_name("Ümit Straße")
    assert umit.company == "Bäckerei Straße" and umit.address == "Hohe Straße 1\n50667 Köln\nNRW\nDeutschland"
    assert ("address", "home", "Am Grüngürtel 7\n50933 Köln\nNRW\nDeutschland") in umit.contacts
    assert "Düsseldorf und Münster, immer freitags" in note_of(umit)


def test_thunderbird_and_vcard_4(journal):
    imported("thunderbird40.vcf")
    ada = customers.find_by_name("Ada Lovelace")
    assert ada.email == "ada@analytical.example" and ada.company == "Analytical Engines Ltd"
    assert ("address", "work", "Analytical Engine Works\nUnit 3\nMarylebone\nNW1 5LR\nUnited Kingdom") \
        in ada.contacts
    kj = customers.find_by_name("Katherine Johnson")
    assert kj.phone == "+1-757-555-0100" and kj.contacts == (("phone", "work", "+1-757-555-0199 ext. 102"),)


def test_broken_and_nameless_cards_are_reported_by_position(journal):
    data = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nobody\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Half Card\r\nTEL:+1 555\r\n/9j/4AAQSkZJRgABAQAAAQABAAD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Last One\r\nEMAIL:last@example.org\r\nEND:VCARD\r\n")
    plan = vcard.plan_cards(data)
    assert [(p.line, p.message) for p in plan.problems] == [
        (5, "Card 2: has no name, organisation or e-mail — not imported")]
    assert [w.message for w in plan.warnings] == [
        "Card 3 (Half Card): imported, but a line that is not a vCard property was left out: "
        "'/9j/4AAQSkZJRgABAQAAAQABAAD'; it has no END:VCARD (the file may be cut off)"]
    report = ci.import_customers(plan)
    assert report.created == 3 and customers.find_by_name("Last One").email == "last@example.org"


def test_a_bad_email_on_a_card_goes_to_the_note_and_the_next_one_is_primary(journal):
    data = b"BEGIN:VCARD\nVERSION:3.0\nFN:Asa\nEMAIL;TYPE=pref:asa@example\nEMAIL:asa@example.org\nEND:VCARD\n"
    plan, _ = imported_bytes(data)
    asa = customers.find_by_name("Asa")
    assert asa.email == "asa@example.org" and "E-mail as written on the card: asa@example" in note_of(asa)
    assert "'asa@example' is not an e-mail address" in plan.warnings[0].message


def imported_bytes(data: bytes):
    plan = vcard.plan_cards(data)
    return plan, ci.import_customers(plan)


def test_importing_a_duplicate_with_merge_adds_its_contacts_and_undo_takes_them_back(journal):
    customers.create_customer(name="Grace Hopper", email="grace@navy.example")
    plan = vcard.plan_cards(fixture("google30.vcf"))
    assert len(plan.duplicates) == 1
    report = ci.import_customers(plan, duplicates="merge")
    grace = customers.find_by_name("Grace Hopper")
    assert ("address", "summer house", "12 Elm St\nSpringfield, IL 62701\nUS") in grace.contacts
    ci.undo_import(report)
    assert customers.find_by_name("Grace Hopper").contacts == ()


def test_not_a_vcard_and_utf16(journal):
    with pytest.raises(JournalError, match="No contact cards"):
        vcard.read_card_file(b"hello, world")
    data = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ærø\r\nEND:VCARD\r\n".encode("utf-16")
    assert [c.name for c in vcard.read_cards(data)] == ["Zoë Ærø"]


def test_contacts_go_to_the_trash_and_back_with_their_customer(journal):
    from journal.writes import trash

    imported("google30.vcf")
    grace = customers.find_by_name("Grace Hopper")
    assert ContactPoint.select().count() == 3
    customers.delete_customer(grace.id)
    customers.restore_customer(grace.id)
    assert len(customers.get_customer(grace.id).contacts) == 3
    customers.delete_customer(grace.id)
    trash.empty_trash()
    assert ContactPoint.select().count() == 0
    assert not search.search("Grace")


def test_iso_8859_1_names_and_an_agent_card_inside(journal):
    data = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1:Müller;Jörg\r\n"
            "FN;CHARSET=ISO-8859-1:Jörg Müller\r\nTEL;WORK:+49 30 1\r\n"
            "AGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Assistant\r\nEMAIL:pa@example.org\r\nEND:VCARD\r\n"
            "END:VCARD\r\n").encode("latin-1")
    read = vcard.read_card_file(data)
    assert [c.name for c in read.cards] == ["Jörg Müller"] and not read.problems
    assert read.cards[0].warnings == []  # the character set was given, nothing was guessed
    assert read.cards[0].email == "" and read.cards[0].contacts == []  # the assistant's card is not Jörg's


def test_the_same_person_twice_in_one_file_names_the_first_card(journal):
    data = (b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEMAIL:ada@example.org\nEND:VCARD\n"
            b"BEGIN:VCARD\nVERSION:3.0\nFN:Ada L.\nEMAIL:ada@example.org\nEND:VCARD\n")
    plan = vcard.plan_cards(data)
    assert [(p.line, p.message) for p in plan.problems] == [(6, "Card 2 (Ada L.): repeats card 1 (Ada) — left out")]


@pytest.mark.parametrize("seed", range(3))
def test_random_damage_gives_messages_never_a_traceback(journal, seed):
    """Every fixture cut, with bytes flipped, at many places: a plan or a JournalError, nothing else."""
    import random

    rng = random.Random(seed)
    for path in sorted(FIXTURES.glob("*.vcf")):
        data = bytearray(path.read_bytes())
        for _ in range(15):
            damaged = bytearray(data[:rng.randrange(1, len(data) + 1)])
            for _ in range(rng.randrange(0, 6)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            try:
                plan = vcard.plan_cards(bytes(damaged))
            except JournalError:
                continue
            assert all(p.message for p in plan.problems)


def test_values_too_long_for_a_field_go_whole_into_the_note(journal):
    long_name, long_tag = "N" * 250, "T" * 70
    data = (f"BEGIN:VCARD\nVERSION:3.0\nFN:{long_name}\nCATEGORIES:{long_tag},friends\n"
            f"TEL;TYPE=WORK:{'9' * 210}\nEND:VCARD\n").encode()
    plan, report = imported_bytes(data)
    assert report.created == 1 and not plan.problems
    [row] = customers.list_customers()
    person = customers.get_customer(row.id)
    assert person.name == "N" * 200 and person.tags == ("friends",) and person.phone == "9" * 200
    note = note_of(person)
    assert f"Name in full: {long_name}" in note and f"Categories: {long_tag}" in note and "9" * 210 in note


def test_a_card_merged_into_the_customer_already_there_keeps_its_note_and_contacts(journal):
    first = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n"
    again = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nTITLE:Countess\r\n"
             b"TEL;TYPE=WORK:+44 20 7946 0018\r\nTEL;TYPE=HOME:+44 20 7946 0019\r\nEND:VCARD\r\n")
    ci.import_customers(vcard.plan_cards(first))
    ada = customers.find_by_name("Ada Lovelace")
    plan = vcard.plan_cards(again)
    assert len(plan.duplicates) == 1 and plan.duplicates[0][1].get("_note")
    report = ci.import_customers(plan, duplicates="merge")
    notes = [i.notes for i in Interaction.select().where(Interaction.customer == ada.id)]
    assert any("Countess" in n for n in notes), notes  # the job title is not lost in a merge
    assert customers.get_customer(ada.id).phone  # filled in from the card
    ci.undo_import(report)
    assert not customers.get_customer(ada.id).phone
