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


class LogInteraction(JournalCommand):
    def __init__(self, events, customer_id, values: dict):
        super().__init__(events, f"Log {values.get('summary', 'interaction')}")
        self.customer_id = customer_id
        self.values = values
        self.interaction_id = None

    def do(self):
        values = dict(self.values)
        row = interactions.log_interaction(self.customer_id, values.pop("kind"), values.pop("direction"),
                                           values.pop("summary"), **values)
        self.interaction_id = row.id

    def redo_again(self):
        interactions.restore_interaction(self.interaction_id)

    def undo_change(self):
        interactions.delete_interaction(self.interaction_id)


class EditInteraction(JournalCommand):
    FIELDS = ("occurred_at", "kind", "direction", "summary", "notes", "follow_up_on", "follow_up_done")

    def __init__(self, events, interaction_id, changes: dict):
        super().__init__(events, "Edit interaction")
        before = interactions.get_interaction(interaction_id)
        self.customer_id = before.customer_id
        self.interaction_id = interaction_id
        self.before = {f: getattr(before, f) for f in self.FIELDS}
        self.changes = changes

    def do(self):
        interactions.update_interaction(self.interaction_id, **self.changes)

    redo_again = do

    def undo_change(self):
        interactions.update_interaction(self.interaction_id, **self.before)


class DeleteInteraction(JournalCommand):
    def __init__(self, events, interaction_id):
        row = interactions.get_interaction(interaction_id)
        super().__init__(events, f"Delete “{row.summary}”")
        self.customer_id = row.customer_id
        self.interaction_id = interaction_id

    def do(self):
        interactions.delete_interaction(self.interaction_id)

    redo_again = do

    def undo_change(self):
        interactions.restore_interaction(self.interaction_id)


class AddCustomer(JournalCommand):
    def __init__(self, events, values: dict):
        super().__init__(events, f"Add {values.get('name', 'customer')}")
        self.values = values

    def do(self):
        self.customer_id = customers.create_customer(**self.values).id

    def redo_again(self):
        customers.restore_customer(self.customer_id)

    def undo_change(self):
        customers.delete_customer(self.customer_id)


class EditCustomer(JournalCommand):
    def __init__(self, events, customer_id, changes: dict):
        super().__init__(events, "Edit customer details")
        before = customers.get_customer(customer_id)
        self.customer_id = customer_id
        self.before = {f: getattr(before, f) for f in changes}
        self.changes = changes

    def do(self):
        customers.update_customer(self.customer_id, **self.changes)

    redo_again = do

    def undo_change(self):
        customers.update_customer(self.customer_id, **self.before)


class DeleteCustomer(JournalCommand):
    def __init__(self, events, customer_id):
        name = customers.get_customer(customer_id).name
        super().__init__(events, f"Delete {name}")
        self.customer_id = customer_id

    def do(self):
        customers.delete_customer(self.customer_id)

    redo_again = do

    def undo_change(self):
        customers.restore_customer(self.customer_id)


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


class AddPurchase(JournalCommand):
    def __init__(self, events, customer_id, values: dict):
        super().__init__(events, f"Log purchase of {values.get('product', '')}")
        self.customer_id = customer_id
        self.values = values
        self.purchase_id = None

    def do(self):
        self.purchase_id = purchases.add_purchase(self.customer_id, **self.values).id

    def redo_again(self):
        purchases.restore_purchase(self.purchase_id)

    def undo_change(self):
        purchases.delete_purchase(self.purchase_id)


class DeletePurchase(JournalCommand):
    def __init__(self, events, customer_id, purchase_id):
        super().__init__(events, "Delete purchase")
        self.customer_id = customer_id
        self.purchase_id = purchase_id

    def do(self):
        purchases.delete_purchase(self.purchase_id)

    redo_again = do

    def undo_change(self):
        purchases.restore_purchase(self.purchase_id)


class AddConnection(JournalCommand):
    def __init__(self, events, source_id, target_id, kind, **values):
        super().__init__(events, "Add connection")
        self.customer_id = source_id
        self.args = (source_id, target_id, kind)
        self.values = values
        self.connection_id = None

    def do(self):
        self.connection_id = connections.add_connection(*self.args, **self.values).id

    def redo_again(self):
        connections.restore_connection(self.connection_id)

    def undo_change(self):
        connections.delete_connection(self.connection_id)


class DeleteConnection(JournalCommand):
    def __init__(self, events, customer_id, connection_id):
        super().__init__(events, "Delete connection")
        self.customer_id = customer_id
        self.connection_id = connection_id

    def do(self):
        connections.delete_connection(self.connection_id)

    redo_again = do

    def undo_change(self):
        connections.restore_connection(self.connection_id)


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
