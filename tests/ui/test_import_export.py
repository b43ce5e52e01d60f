"""The import dialog's preview and report, and the export menu, on real files."""

import csv
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from journal.writes import customers
from journal.storage.models import Customer, Interaction
from ui.io.import_dialog import ImportDialog

from .test_main_window import drive_dialog, people, press, visible_names

SPREADSHEET = ("\ufeffName;Firma;E-mail;Kunde seit;Notiz\r\n"
               "Jörg Müller;Bäckerei Müller;joerg@example.de;31.12.2019;\"Mag Roggen,\r\nkein Weizen\"\r\n"
               "Ada Lovelace;Analytical Engines;ada@example.org;01.02.2020;\r\n"
               ";;nobody@example.org;01.02.2020;\r\n"
               "Eve;;eve@;01.02.2020;\r\n")


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_preview_mapping_and_report(qtbot, make_window, tmp_path, monkeypatch, no_modal_boxes):
    window = make_window(populate=people)
    path = write(tmp_path, "kunden.csv", SPREADSHEET)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen = {}

    def use(dialog):
        assert isinstance(dialog, ImportDialog)
        seen["about"] = dialog.about.text()
        seen["mapping"] = dialog.mapping()
        seen["date"] = dialog.date_format.currentText()
        seen["before"] = dialog.summary.text()
        seen["problems"] = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
        dialog.merge.setChecked(True)
        dialog.import_button.click()

    drive_dialog(qtbot, use)
    window.actions.import_customers.trigger()
    assert "kunden.csv" in seen["about"] and "UTF-8 with BOM" in seen["about"] and "semicolons" in seen["about"]
    assert seen["mapping"] == {0: "name", 1: "company", 2: "email", 3: "customer_since", 4: "notes"}
    assert seen["date"] == "31.12.2026"
    assert "<b>2</b> new customers" in seen["before"] and "<b>1</b> customer already in the journal" in seen["before"]
    assert seen["problems"] == ["Line 4: no name, and a customer needs one — left out",
                                "Line 5: e-mail 'eve@' is not an e-mail address — imported without it",
                                "Line 3: Ada Lovelace — same name and company as an existing customer"]
    jorg = customers.find_by_name("Jörg Müller")
    assert jorg.company == "Bäckerei Müller" and str(jorg.customer_since) == "2019-12-31"
    [note] = Interaction.select().where(Interaction.customer == jorg.id)
    assert note.kind == "note" and note.notes == "Mag Roggen,\nkein Weizen"  # the Notiz column, on the timeline
    assert customers.find_by_name("Eve").email == ""  # imported without the e-mail that is none
    assert customers.find_by_name("Ada Lovelace").email == "ada@example.org"  # filled in, as asked
    report = [text for kind, title, text in no_modal_boxes if kind == "information"][0]
    assert report.startswith("Imported 2 new customers.")
    assert "Line 5: e-mail 'eve@' is not an e-mail address — imported without it" in report
    assert "Jörg Müller" in [window.customer_list.model.customer_at(r).name
                             for r in range(window.customer_list.model.rowCount())]

    # The wrong file? Ctrl+Z takes the whole import back; Ctrl+Shift+Z does it again.
    assert "Ctrl+Z to undo" in window.statusBar().currentMessage()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Jörg Müller" not in visible_names(window)
    assert customers.find_by_name("Ada Lovelace").email == ""  # as it was before the import filled it in
    window.actions.redo.trigger()
    assert "Jörg Müller" in visible_names(window)
    assert customers.find_by_name("Ada Lovelace").email == "ada@example.org"


def test_nothing_to_import_disables_the_button(qtbot, make_window, tmp_path):
    make_window(populate=people)
    path = write(tmp_path, "same.csv", "name,company\nBob Builder,Timber & Co\n")
    dialog = ImportDialog(path)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    dialog.merge.setChecked(True)
    assert dialog.import_button.isEnabled()


def test_vcard_import_from_the_menu(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(populate=people)
    path = write(tmp_path, "contacts.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Katherine Johnson\nORG:NASA\n"
                                           "EMAIL:kj@nasa.example\nEND:VCARD\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    drive_dialog(qtbot, lambda dialog: dialog.import_button.click())
    window.actions.import_customers.trigger()
    assert customers.find_by_name("Katherine Johnson").company == "NASA"


def test_exports_from_the_menu(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(populate=people)
    targets = iter([tmp_path / "c.csv", tmp_path / "j.json"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(next(targets)), ""))
    window.actions.export_customers.trigger()
    window.actions.export_journal.trigger()
    rows = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8-sig")))
    assert sorted(r["name"] for r in rows) == ["Ada Lovelace", "Bob Builder", "Grace Hopper"]
    assert json.loads((tmp_path / "j.json").read_text())["format"] == "lately-journal"
    assert Customer.select().count() == 3


def test_a_picture_renamed_csv_gets_a_message(qtbot, make_window, tmp_path, monkeypatch, no_modal_boxes):
    from tests.journal.test_csv_files import PNG

    window = make_window(populate=people)
    path = tmp_path / "customers.csv"
    path.write_bytes(PNG)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions.import_customers.trigger()
    [(kind, title, text)] = no_modal_boxes
    assert (kind, title) == ("warning", "Cannot import this file") and "not a text file" in text
    assert Customer.select().count() == 3


def test_rows_with_a_bad_value_imported_without_it_or_skipped(qtbot, make_window, tmp_path, monkeypatch,
                                                              no_modal_boxes):
    window = make_window(populate=people)
    path = write(tmp_path, "contacts.csv", "Name,E-mail,Street,Postcode,City,Birthday\r\n"
                                          "Asa Berg,asa@example,Drottninggatan 12,111 51,Stockholm,1980-04-01\r\n"
                                          "Bo Ek,bo@example.org,,,Uppsala,\r\n", encoding="utf-8-sig")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen = {}

    def use(dialog):
        assert [dialog.columns.cellWidget(i, 2).currentText() for i in range(6)] == [
            "Name", "Email", "Address: street", "Address: postcode", "Address: city", "Don't import"]
        combo = dialog.columns.cellWidget(4, 2)
        assert [combo.itemText(i) for i in range(combo.count())].count("Address: country") == 1
        seen["first"] = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
        seen["summary"] = dialog.summary.text()
        # The person would rather skip such rows: a click on "Skip those rows"…
        qtbot.mouseClick(dialog.skip_rows, Qt.MouseButton.LeftButton)
        seen["skipping"] = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
        # …and back; then the birthday column is not wanted in the note either.
        qtbot.mouseClick(dialog.without_value, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.keep_unmapped, Qt.MouseButton.LeftButton)
        assert not dialog.keep_unmapped.isChecked()
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    drive_dialog(qtbot, use)
    window.actions.import_customers.trigger()
    assert seen["first"] == ["Line 2: e-mail 'asa@example' is not an e-mail address — imported without it"]
    assert "<b>2</b> new customers" in seen["summary"] and "<b>1</b> value that cannot be read" in seen["summary"]
    assert seen["skipping"] == ["Line 2: e-mail 'asa@example' is not an e-mail address — row skipped"]
    asa = customers.find_by_name("Asa Berg")
    assert (asa.email, asa.address) == ("", "Drottninggatan 12\n111 51 Stockholm")
    assert Interaction.select().where(Interaction.customer == asa.id).count() == 0  # no note asked for
    report = [text for kind, title, text in no_modal_boxes if kind == "information"][0]
    assert "1 value was left out of a row that was imported:" in report
    assert "Line 2: e-mail 'asa@example' is not an e-mail address — imported without it" in report


def test_a_file_that_mixes_encodings_is_previewed_with_a_warning(qtbot, make_window, tmp_path):
    make_window(populate=people)
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\xef\xbb\xbfName,City\r\nZo\xc3\xab,K\xc3\xb8benhavn\r\nJ\xf6rg M\xfcller,K\xf6ln\r\n")
    dialog = ImportDialog(path)
    qtbot.addWidget(dialog)
    assert "mixes encodings" in dialog.summary.text() and "<b>2</b> new customers" in dialog.summary.text()

def test_android_vcards_with_a_cut_off_photo_from_the_menu(qtbot, make_window, tmp_path, monkeypatch,
                                                           no_modal_boxes):
    from pathlib import Path

    window = make_window(populate=people)
    path = tmp_path / "contacts.vcf"
    path.write_bytes((Path(__file__).parent.parent / "fixtures" / "vcards" / "android21.vcf").read_bytes())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen = {}

    def use(dialog):
        seen["summary"] = dialog.summary.text()
        seen["problems"] = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
        dialog.import_button.click()

    drive_dialog(qtbot, use)
    window.actions.import_customers.trigger()
    assert "<b>6</b> new customers" in seen["summary"] and "<b>2</b> cards imported with a warning" in seen["summary"]
    assert seen["problems"] == [
        "Line 43: Card 4 (Jörg Müller): imported, but its photo is cut off or damaged (Lately keeps no photos)",
        "Line 63: Card 6 (Emil Fischer): imported, but it has no END:VCARD (the file may be cut off)"]
    assert {"Jörg Müller", "Emil Fischer", "Chloé Dubois"} <= set(visible_names(window))
    assert customers.find_by_name("Chloé Dubois").contacts == (("phone", "home", "+33 1 23 45 67 89"),)


def test_whole_journal_json_into_a_journal_with_customers_is_refused(qtbot, make_window, tmp_path, monkeypatch,
                                                                     no_modal_boxes):
    from journal.io import exports

    window = make_window(populate=people)
    path = tmp_path / "journal.json"
    exports.export_json(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions.import_journal.trigger()
    qtbot.waitUntil(lambda: bool(no_modal_boxes))
    [(kind, _, text)] = no_modal_boxes
    assert kind in ("warning", "critical") and "goes into an empty journal only" in text
    assert "Nothing was imported" in text and Customer.select().count() == 3
