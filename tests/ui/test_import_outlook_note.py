"""Outlook's contacts, imported by keys as a new user would: the note on each
customer's timeline says what Outlook knew about the person, not Outlook's
own bookkeeping ("E-mail Type: SMTP", the display name it made up)."""

from journal.storage.models import Interaction
from journal.writes import customers

from .test_import_preview_words import FIXTURES, import_with_keys


def test_an_outlook_export_leaves_its_bookkeeping_out_of_the_note(qtbot, make_window, monkeypatch):
    window = make_window()
    import_with_keys(qtbot, window, monkeypatch, FIXTURES / "csv" / "outlook-contacts.csv")
    qtbot.waitUntil(lambda: window.page.header.name.text() == "Jörg Müller", timeout=5000)
    jorg = customers.find_by_name("Jörg Müller")
    note = Interaction.get(Interaction.customer == jorg.id).notes
    assert note.startswith("Liefert samstags.\nRuft lieber an.")
    for bookkeeping in ("E-mail Type", "SMTP", "Display Name", "E-mail 2 Type", "Initials"):
        assert bookkeeping not in note
    assert "E-mail 2 Address: j.mueller@privat.example" in note and "Referred By: Anna Schmidt" in note
    elijah = customers.find_by_name("Elijah Perkins Jr.")
    assert "SMTP" not in Interaction.get(Interaction.customer == elijah.id).notes
