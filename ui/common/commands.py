"""Every change the user makes, as an undoable command on the window's QUndoStack:
thin Qt adapters over the core's descriptions of changes (journal/writes/changes.py).

A command runs its write once, in apply(), inside changes.recording(): the
core says which rows changed, with their versions. Undo is changes.undo() of
that, redo changes.redo() of what the undo did; neither captures or restores
values itself, and both refuse (ChangedSince, nothing written) when a row was
changed since by another window or connection.

PySide cannot carry a Python exception out of redo() when QUndoStack.push()
calls it from C++, so a command performs its first action in apply() — where a
ValidationError reaches the dialog and nothing is pushed — and push() records
it. The window's Undo and Redo go through undo_on()/redo_on(), which ask the
core first: a refusal is shown as a message and the stack does not move, so
the command stays done (or undone). Failures past that check (say, the trash
emptied between the check and the write by another process) are reported
through JournalEvents.error and mark the command obsolete."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from journal.writes import changes, connections, customers, interactions, purchases
from journal.errors import ChangedSince, JournalError
from journal.rules import words


class JournalCommand(QUndoCommand):
    def __init__(self, events, text: str):
        super().__init__(text)
        self.events = events
        self._applied = False
        self.customer_id: int | None = None
        self.changeset: changes.ChangeSet | None = None  # what the write (or the last redo) changed
        self.undone: changes.ChangeSet | None = None  # what the last undo changed
        self._done_off_thread: changes.ChangeSet | None = None  # an undo or redo already written (_step)

    # Subclasses implement do(): the write, the first time (it may raise).
    def apply(self):
        with changes.recording() as recorded:
            self.do()
        self.changeset = recorded.changeset
        self._applied = True

    # The writes of an undo and a redo, returning what they changed; on the GUI
    # thread, or on the writer thread for a big step (_step_off_thread).
    def undo_writes(self, progress=None) -> changes.ChangeSet:
        return changes.undo(self.changeset, progress)

    def redo_writes(self, progress=None) -> changes.ChangeSet:
        return changes.redo(self.undone, progress)

    def redo_again(self):
        done, self._done_off_thread = self._done_off_thread, None
        self.changeset = done if done is not None else self.redo_writes()
        self._follow(self.changeset)

    def undo_change(self):
        done, self._done_off_thread = self._done_off_thread, None
        self.undone = done if done is not None else self.undo_writes()
        self._follow(self.undone)

    def _follow(self, done):
        """Undoing or redoing this step bumps the versions of rows other steps on
        the stack describe: where it put a row back as one of them left it, that
        step follows (journal.writes.changes.follow), so undoing it next is not refused."""
        stack = getattr(self, "stack", None)
        if stack is None:
            return
        for index in range(stack.count()):
            for other in _journal_commands(stack.command(index)):
                if other is not self:
                    other.changeset = changes.follow(other.changeset, done)
                    other.undone = changes.follow(other.undone, done)

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
    return push(stack, command)


def push(stack, command: JournalCommand) -> JournalCommand:
    """Put an applied command on the stack (it follows the others' undos and redos)."""
    command.stack = stack
    stack.push(command)
    return command


def _journal_commands(command) -> list[JournalCommand]:
    """The command, or the commands of a macro (a note and what it completed), in the order done."""
    if isinstance(command, JournalCommand):
        return [command]
    return [c for i in range(command.childCount()) for c in _journal_commands(command.child(i))]


def refusal(command, undoing: bool = True) -> str | None:
    """Why undoing (or redoing) this command would be refused, in words; None when it would not."""
    done = [c.changeset if undoing else c.undone for c in _journal_commands(command)]
    if any(d is None for d in done):
        return None  # a command the core cannot describe: its own undo checks
    together = changes.ChangeSet()
    for changeset in (done if undoing else reversed(done)):
        together = together.then(changeset)
    try:
        changes.check(together)
    except ChangedSince as exc:
        return f"Could not {'undo' if undoing else 'redo'} “{command.text()}”: {exc}"
    return None


# Rows an undo or redo may change on the GUI thread; more (thousands of cards
# marked as sent) is written off it, behind a progress dialog with Cancel.
BIG_STEP = 2000


def undo_on(stack, events, parent=None) -> bool:
    """Edit › Undo: undo the last command unless the core refuses, which is
    shown and leaves it done. True when it was undone (or, a big step with a
    `parent` window, when undoing it has begun off the GUI thread)."""
    return _step(stack, events, undoing=True, parent=parent)


def redo_on(stack, events, parent=None) -> bool:
    """Edit › Redo, the same way."""
    return _step(stack, events, undoing=False, parent=parent)


def _step(stack, events, undoing: bool, parent=None) -> bool:
    if not (stack.canUndo() if undoing else stack.canRedo()):
        return False
    if getattr(stack, "stepping_off_thread", False):
        return False  # a big step is being written: the next one waits until the stack has moved
    command = stack.command(stack.index() - 1 if undoing else stack.index())
    message = refusal(command, undoing=undoing)
    if message:
        events.error.emit(message)
        return False
    if parent is not None and _big(command, undoing):
        _step_off_thread(stack, events, command, undoing, parent)
        return True
    _stepped(stack, events, command, undoing)
    return True


def _stepped(stack, events, command, undoing: bool) -> None:
    stack.undo() if undoing else stack.redo()
    done = "Undone" if undoing else "Redone"  # not the save's "Ctrl+Z to undo" still
    events.status.emit(f"{done}: {command.text()}" if command.text() else done)


def _big(command, undoing: bool) -> bool:
    """A step with more rows than the GUI thread should write."""
    if not isinstance(command, JournalCommand) or type(command).undo_change is not JournalCommand.undo_change \
            or type(command).redo_again is not JournalCommand.redo_again:
        return False
    done = command.changeset if undoing else command.undone
    return done is not None and len(done.changes) >= BIG_STEP


def _step_off_thread(stack, events, command: JournalCommand, undoing: bool, parent) -> None:
    """Write the undo (or redo) on the writer thread, then move the stack: the
    command takes what was written instead of writing it again."""
    from ui.common.tasks import run_with_progress

    verb = "Undo" if undoing else "Redo"

    def work(progress):
        return command.undo_writes(progress) if undoing else command.redo_writes(progress)

    def written(done):
        stack.stepping_off_thread = False
        command._done_off_thread = done
        _stepped(stack, events, command, undoing)

    def cancelled():
        stack.stepping_off_thread = False
        events.status.emit(f"{verb} cancelled: nothing was changed")

    def failed(error):
        stack.stepping_off_thread = False
        if isinstance(error, JournalError):
            events.error.emit(f"Could not {verb.lower()} \u201c{command.text()}\u201d: {error}")
        else:
            events.error.emit(f"Could not {verb.lower()} \u201c{command.text()}\u201d ({error}). Nothing was changed.")

    stack.stepping_off_thread = True
    run_with_progress(parent, f"{verb}ing \u201c{command.text()}\u201d\u2026", work, written, failed, writes=True,
                      on_cancelled=cancelled)


class Created(JournalCommand):
    """Something added: undo moves it to the trash, redo brings it back."""

    def __init__(self, events, text, customer_id, create):
        super().__init__(events, text)
        self.customer_id = customer_id
        self._create = create
        self.created_id = None

    def do(self):
        self.created_id = self._create()
        if self.customer_id is None:  # a new customer is the customer concerned
            self.customer_id = self.created_id


class Deleted(JournalCommand):
    """Something moved to the trash: undo restores it."""

    def __init__(self, events, text, customer_id, ident, delete):
        super().__init__(events, text)
        self.customer_id = customer_id
        self.ident = ident
        self._delete = delete

    def do(self):
        self._delete(self.ident)


def LogInteraction(events, customer_id, values: dict) -> Created:  # noqa: N802 - reads like the command it makes
    values = dict(values)
    kind, direction, summary = values.pop("kind"), values.pop("direction"), values.pop("summary")
    return Created(events, f"Log “{summary}”", customer_id,
                   lambda: interactions.log_interaction(customer_id, kind, direction, summary, **values).id)


def DeleteInteraction(events, interaction_id) -> Deleted:  # noqa: N802
    row = interactions.get_interaction(interaction_id)
    return Deleted(events, f"Delete “{row.summary}”", row.customer_id, interaction_id, interactions.delete_interaction)


def AddCustomer(events, values: dict) -> Created:  # noqa: N802
    return Created(events, f"Add {values.get('name', 'customer')}", None,
                   lambda: customers.create_customer(**values).id)


def DeleteCustomer(events, customer_id) -> Deleted:  # noqa: N802
    return Deleted(events, f"Delete {customers.get_customer(customer_id).name}", customer_id, customer_id,
                   customers.delete_customer)


def AddPurchase(events, customer_id, values: dict) -> Created:  # noqa: N802
    return Created(events, f"Log purchase of {values.get('product', '')}", customer_id,
                   lambda: purchases.add_purchase(customer_id, **values).id)


def DeletePurchase(events, customer_id, purchase_id) -> Deleted:  # noqa: N802
    return Deleted(events, "Delete purchase", customer_id, purchase_id, purchases.delete_purchase)


def AddConnection(events, source_id, target_id, kind, **values) -> Created:  # noqa: N802
    return Created(events, "Add connection", source_id,
                   lambda: connections.add_connection(source_id, target_id, kind, **values).id)


def DeleteConnection(events, customer_id, connection_id) -> Deleted:  # noqa: N802
    return Deleted(events, "Delete connection", customer_id, connection_id, connections.delete_connection)


class Edited(JournalCommand):
    """Fields changed: undo puts back what the core says they were."""

    def __init__(self, events, text, customer_id, values: dict, update):
        super().__init__(events, text)
        self.customer_id = customer_id
        self.values, self._update = values, update

    def do(self):
        self._update(self.values)


def EditInteraction(events, interaction_id, values: dict, expected: dict | None = None) -> Edited:  # noqa: N802
    """`expected`: the fields as the person began with them; changed since by someone else, the edit is refused."""
    row = interactions.get_interaction(interaction_id)
    return Edited(events, "Edit interaction", row.customer_id, values,
                  lambda values: interactions.update_interaction(interaction_id, expected, **values))


def EditCustomer(events, customer_id, values: dict, expected: dict | None = None) -> Edited:  # noqa: N802
    """`expected`: the fields as the person began with them; changed since by someone else, the edit is refused."""
    customers.get_customer(customer_id)  # a customer gone since raises here, before anything is pushed
    return Edited(events, "Edit customer details", customer_id, values,
                  lambda values: customers.update_customer(customer_id, expected, **values))


class ArchiveCustomer(JournalCommand):
    def __init__(self, events, customer_id, archived: bool):
        name = customers.get_customer(customer_id).name
        super().__init__(events, f"{'Archive' if archived else 'Unarchive'} {name}")
        self.customer_id = customer_id
        self.archived = archived

    def do(self):
        customers.set_archived(self.customer_id, self.archived)


class Snooze(JournalCommand):
    def __init__(self, events, customer_id, snooze_key, until, label, who=""):
        super().__init__(events, f"Snooze “{label}” for {who}" if who else f"Snooze “{label}”")
        self.customer_id = customer_id
        self.key = snooze_key
        self.until = until

    def do(self):
        from journal.rules import lately

        lately.snooze(self.customer_id, self.key, self.until)


class Written(JournalCommand):
    """A step already written by a background task, which recorded what it
    changed: pushing it writes nothing again; undo and redo go through the core."""

    def __init__(self, events, text: str, changeset: changes.ChangeSet):
        super().__init__(events, text)
        self._written = changeset

    def apply(self):
        self.changeset = self._written
        self._applied = True


class CardsSent(Written):
    """Thank-you cards recorded as sent (thousands take seconds, so off the GUI
    thread): undo takes their timeline entries back to the trash and makes what
    they thanked for wait for thanks again."""

    def __init__(self, events, count: int, changeset: changes.ChangeSet):
        super().__init__(events, f"Record {words.plural(count, 'card')} as sent", changeset)


class Imported(Written):
    """An import, already written by its background task, which recorded what
    it changed (report.changeset): undo takes it back through the import's own
    batched undo, which checks those rows first (journal/io/csv_import.py)."""

    def __init__(self, events, report, what: str):
        super().__init__(events, f"Import {report.created} {what}", report.changeset)
        self.report = report

    def redo_writes(self, progress=None):
        from journal.io import csv_import

        csv_import.redo_import(self.report)
        return self.report.changeset

    def undo_writes(self, progress=None):
        from journal.io import csv_import

        csv_import.undo_import(self.report)
        return self.report.changeset
