"""The trash after a restart: bring things back, or empty it for good."""

from PySide6.QtWidgets import QMessageBox

from journal.writes import customers, interactions
from journal.storage.models import Customer, Interaction

from .test_main_window import drive_dialog, people


def test_restore_and_empty_the_trash(qtbot, make_window, monkeypatch):
    def populate():
        people()
        ada = customers.find_by_name("Ada Lovelace")
        note = interactions.log_interaction(ada.id, "call", "out", "Call to forget")
        interactions.delete_interaction(note.id)
        customers.delete_customer(customers.find_by_name("Bob Builder").id)

    window = make_window(populate=populate)  # as after a restart: nothing on the undo stack
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    seen = {}

    def use(dialog):
        seen["rows"] = sorted(dialog.list.item(i).text().split("   ·")[0] for i in range(dialog.list.count()))
        bob = next(i for i in range(dialog.list.count()) if "Bob Builder" in dialog.list.item(i).text())
        dialog.list.item(bob).setSelected(True)
        dialog.restore_button.click()
        seen["after_restore"] = dialog.list.count()
        dialog.empty_button.click()
        seen["message"] = dialog.message.text()
        dialog.reject()

    drive_dialog(qtbot, use)
    window.actions.trash.trigger()
    assert seen["rows"] == ["Customer: Bob Builder", "Note: Call to forget"]
    assert seen["after_restore"] == 1
    assert seen["message"] == "Removed 1 for good."
    assert "Bob Builder" in [window.customer_list.model.customer_at(r).name
                             for r in range(window.customer_list.model.rowCount())]
    assert Interaction.select().where(Interaction.summary == "Call to forget").count() == 0
    assert Customer.select().count() == 3
