"""Every change the user makes, as an undoable command on the window's QUndoStack.

PySide cannot carry a Python exception out of redo() when QUndoStack.push()
calls it from C++, so a command performs its first action in apply() — where a
ValidationError reaches the dialog and nothing is pushed — and push() records
it. Later undo/redo failures (say, restoring a connection that was added again
meanwhile) are reported through JournalEvents.error and mark the command
obsolete."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from journal import connections, customers, interactions, purchases
from journal.errors import JournalError
from journal import words


class JournalCommand(QUndoCommand):
    def __init__(self, events, text: str):
        super().__init__(text)
        self.events = events
        self._applied = False
        self.customer_id: int | None = None

    # Subclasses implement do() (the first time, may raise), redo_again(), undo_change().
    def apply(self):
        self.do()
        self._applied = True

    def redo(self):
        if self._applied:  # the first redo() is push() recording what apply() did
            self._applied = False
            self._notify()
            return
        self._guarded(self.redo_again)

    def undo(self):
        self._guarded(self.undo_change)

    def _guarded(self, step):
        try:
            step()
        except JournalError as exc:
            self.setObsolete(True)
            self.events.error.emit(f"Could not {self.text().lower()}: {exc}")
        self._notify()

    def _notify(self):
        self.events.changed.emit(self.customer_id)


def perform(stack, command: JournalCommand) -> JournalCommand:
    """Apply the command (raising on bad input, nothing recorded) and put it on the stack."""
    command.apply()
    stack.push(command)
    return command


class Created(JournalCommand):
    """Something added: undo moves it to the trash, redo brings it back."""

    def __init__(self, events, text, customer_id, create, delete, restore):
        super().__init__(events, text)
        self.customer_id = customer_id
        self._create, self._delete, self._restore = create, delete, restore
        self.created_id = None

    def do(self):
        self.created_id = self._create()
        if self.customer_id is None:  # a new customer is the customer concerned
            self.customer_id = self.created_id

    def redo_again(self):
        self._restore(self.created_id)

    def undo_change(self):
        self._delete(self.created_id)


class Deleted(JournalCommand):
    """Something moved to the trash: undo restores it."""

    def __init__(self, events, text, customer_id, ident, delete, restore):
        super().__init__(events, text)
        self.customer_id = customer_id
        self.ident = ident
        self._delete, self._restore = delete, restore

    def do(self):
        self._delete(self.ident)

    redo_again = do

    def undo_change(self):
        self._restore(self.ident)


def LogInteraction(events, customer_id, values: dict) -> Created:  # noqa: N802 - reads like the command it makes
    values = dict(values)
    kind, direction, summary = values.pop("kind"), values.pop("direction"), values.pop("summary")
    return Created(events, f"Log {summary}", customer_id,
                   lambda: interactions.log_interaction(customer_id, kind, direction, summary, **values).id,
                   interactions.delete_interaction, interactions.restore_interaction)


def DeleteInteraction(events, interaction_id) -> Deleted:  # noqa: N802
    row = interactions.get_interaction(interaction_id)
    return Deleted(events, f"Delete “{row.summary}”", row.customer_id, interaction_id,
                   interactions.delete_interaction, interactions.restore_interaction)


def AddCustomer(events, values: dict) -> Created:  # noqa: N802
    return Created(events, f"Add {values.get('name', 'customer')}", None,
                   lambda: customers.create_customer(**values).id,
                   customers.delete_customer, customers.restore_customer)


def DeleteCustomer(events, customer_id) -> Deleted:  # noqa: N802
    return Deleted(events, f"Delete {customers.get_customer(customer_id).name}", customer_id, customer_id,
                   customers.delete_customer, customers.restore_customer)


def AddPurchase(events, customer_id, values: dict) -> Created:  # noqa: N802
    return Created(events, f"Log purchase of {values.get('product', '')}", customer_id,
                   lambda: purchases.add_purchase(customer_id, **values).id,
                   purchases.delete_purchase, purchases.restore_purchase)


def DeletePurchase(events, customer_id, purchase_id) -> Deleted:  # noqa: N802
    return Deleted(events, "Delete purchase", customer_id, purchase_id,
                   purchases.delete_purchase, purchases.restore_purchase)


def AddConnection(events, source_id, target_id, kind, **values) -> Created:  # noqa: N802
    return Created(events, "Add connection", source_id,
                   lambda: connections.add_connection(source_id, target_id, kind, **values).id,
                   connections.delete_connection, connections.restore_connection)


def DeleteConnection(events, customer_id, connection_id) -> Deleted:  # noqa: N802
    return Deleted(events, "Delete connection", customer_id, connection_id,
                   connections.delete_connection, connections.restore_connection)


class Edited(JournalCommand):
    """Fields changed: undo puts back what they were."""

    def __init__(self, events, text, customer_id, changes: dict, before: dict, update):
        super().__init__(events, text)
        self.customer_id = customer_id
        self.changes, self.before, self._update = changes, before, update

    def do(self):
        self._update(self.changes)

    redo_again = do

    def undo_change(self):
        self._update(self.before)


def EditInteraction(events, interaction_id, changes: dict) -> Edited:  # noqa: N802
    row = interactions.get_interaction(interaction_id)
    return Edited(events, "Edit interaction", row.customer_id, changes, {f: getattr(row, f) for f in changes},
                  lambda values: interactions.update_interaction(interaction_id, **values))


def EditCustomer(events, customer_id, changes: dict) -> Edited:  # noqa: N802
    current = customers.get_customer(customer_id)
    return Edited(events, "Edit customer details", customer_id, changes, {f: getattr(current, f) for f in changes},
                  lambda values: customers.update_customer(customer_id, **values))


class ArchiveCustomer(JournalCommand):
    def __init__(self, events, customer_id, archived: bool):
        name = customers.get_customer(customer_id).name
        super().__init__(events, f"{'Archive' if archived else 'Unarchive'} {name}")
        self.customer_id = customer_id
        self.archived = archived

    def do(self):
        customers.set_archived(self.customer_id, self.archived)

    redo_again = do

    def undo_change(self):
        customers.set_archived(self.customer_id, not self.archived)


class Snooze(JournalCommand):
    def __init__(self, events, customer_id, snooze_key, until, label):
        super().__init__(events, f"Snooze “{label}”")
        self.customer_id = customer_id
        self.key = snooze_key
        self.until = until

    def do(self):
        from journal import lately

        lately.snooze(self.customer_id, self.key, self.until)

    redo_again = do

    def undo_change(self):
        from journal import lately

        lately.unsnooze(self.customer_id, self.key)


class CardsSent(JournalCommand):
    """Thank-you cards recorded as sent: undo takes their timeline entries back to
    the trash and makes what they thanked for wait for thanks again."""

    def __init__(self, events, chosen):
        super().__init__(events, f"Record {words.plural(len(chosen), 'card')} as sent")
        self.chosen = list(chosen)
        self.sent = None

    def do(self):
        from journal import cards

        self.sent = cards.mark_sent(self.chosen)

    def redo_again(self):
        from journal import cards

        cards.remark_sent(self.sent)

    def undo_change(self):
        from journal import cards

        cards.unmark_sent(self.sent)


class Imported(JournalCommand):
    """An import, already written by its background task: undo takes it back
    (what it created goes to the trash, what it filled in is as it was)."""

    def __init__(self, events, report, what: str):
        super().__init__(events, f"Import {report.created} {what}")
        self.report = report

    def do(self):
        pass  # the import itself ran off the GUI thread, in one transaction

    def redo_again(self):
        from journal.io import csv_import

        csv_import.redo_import(self.report)

    def undo_change(self):
        from journal.io import csv_import

        csv_import.undo_import(self.report)
