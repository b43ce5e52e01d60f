"""Every QAction of the main window, built in one place with the platform's
standard shortcuts where one exists."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtGui import QAction, QKeySequence


def build_actions(window) -> SimpleNamespace:
    def action(text, slot=None, shortcut=None, tip=None, checkable=False, fallback=None):
        act = QAction(text, window)
        if isinstance(shortcut, QKeySequence.StandardKey):
            # The platform's own keys; where it has none (Quit and Preferences on
            # some Linux desktops), the usual ones.
            act.setShortcuts(QKeySequence.keyBindings(shortcut) or ([QKeySequence(fallback)] if fallback else []))
        elif shortcut is not None:
            act.setShortcuts([QKeySequence(shortcut)])
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(f"{tip} ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})" if act.shortcut() else tip)
        act.setCheckable(checkable)
        if slot:
            act.triggered.connect(slot)
        return act

    undo = window.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
    redo = window.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
    # The stack's own undo() would undo blindly: ask the core first (a refusal is
    # shown and the command stays done). Text and enabled state stay the stack's.
    from shiboken6 import isValid

    from ui.common import commands

    undo.triggered.disconnect()
    undo.triggered.connect(lambda: commands.undo_on(window.undo_stack, window.events, window))
    redo.triggered.disconnect()
    redo.triggered.connect(lambda: commands.redo_on(window.undo_stack, window.events, window))
    # On the toolbar just "Undo" and "Redo" (the stack's text, "Undo Log
    # "Followed up: …"", grew with every summary and pushed Redo off the bar);
    # the Edit menu and the tooltips name what they would undo.
    undo.setIconText("Undo")
    redo.setIconText("Redo")
    # Their tooltips name what they would undo and the key, like every toolbar button's.
    for act, verb, changed in ((undo, "Undo", window.undo_stack.undoTextChanged),
                               (redo, "Redo", window.undo_stack.redoTextChanged)):
        def tip(text, act=act, verb=verb):
            if not isValid(act):  # the window closing: its stack says it is clean once more
                return
            key = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            act.setToolTip(f"{verb} {text} ({key})" if text else f"{verb} ({key})")
        changed.connect(tip)
        tip("")
    return SimpleNamespace(
        quick_capture=action("&Log interaction…", lambda: window.quick_capture(window.current_customer()), "Ctrl+L",
                             "Write down what happened with a customer"),
        new_customer=action("&New customer…", window.new_customer, QKeySequence.StandardKey.New, "Add a customer"),
        find=action("&Find customer", window.focus_find, QKeySequence.StandardKey.Find,
                    "Find a customer by name or company"),
        search=action("&Search everything…", window.search_everything, "Ctrl+K",
                      "Search customers, interests and every note"),
        graph=action("Referral &graph…", lambda: window.open_graph(), "Ctrl+G",
                     "Who referred whom, whom you introduced, and where your business comes from"),
        cards=action("&Thank-you cards…", lambda: window.open_cards(), "Ctrl+T",
                     "Personal thank-you cards for an occasion: print them, then mark them sent"),
        add_to_cards=action("Add to thank-you card&s", lambda: window.card_for_current(), "Ctrl+Shift+T",
                            "Put this customer on the thank-you card list"),
        log_purchase=action("Log &purchase…", window.log_purchase, "Ctrl+Shift+P", "Record what they bought"),
        connect=action("&Connect…", window.add_connection, "Ctrl+Shift+K",
                       "Record a referral, an introduction or colleagues"),
        edit_details=action("&Edit details", window.edit_details, "Ctrl+E", "Edit the customer's details"),
        archive=action("&Archive / unarchive", window.toggle_archive, None, "Hide or show this customer in lists"),
        delete_customer=action("&Delete customer", window.delete_customer, None,
                               "Move the customer to the trash (undo with Ctrl+Z)"),
        merge_with=action("&Merge with…", lambda: window.merge_with(), None,
                          "Merge another record of the same person into this customer (undo with Ctrl+Z)"),
        possible_duplicates=action("Possible d&uplicates…", window.find_duplicates, None,
                                   "Customers who may be the same person: merge them or keep them apart"),
        show_archived=action("Show &archived customers", window.set_show_archived, None,
                             "Include archived customers in the list", checkable=True),
        open_journal=action("&Open journal…", window.files.choose_journal, QKeySequence.StandardKey.Open,
                            "Open another journal file"),
        new_journal=action("New &journal…", window.files.create_journal, None, "Start an empty journal in a new file"),
        import_customers=action("Import &customers…", lambda: window.files.import_file("customers"), "Ctrl+I",
                                "Bring customers in from a spreadsheet (CSV) or contacts (vCard)"),
        import_purchases=action("Import p&urchases…", lambda: window.files.import_file("purchases"), None,
                                "Bring purchases in from a spreadsheet (CSV)"),
        import_journal=action("Import a &whole journal (JSON)…", window.files.import_journal_json, None,
                              "Load a Lately JSON export into this empty journal"),
        export_customers=action("&Customers (CSV)…", lambda: window.files.export_file("customers")),
        export_interactions=action("&Interactions (CSV)…", lambda: window.files.export_file("interactions")),
        export_journal=action("The whole &journal (JSON)…", lambda: window.files.export_file("journal")),
        export_follow_ups=action("&Follow-ups (iCalendar)…", lambda: window.files.export_file("follow_ups")),
        backup_now=action("&Back up now", window.files.backup_now, "Ctrl+Shift+B",
                          "Copy the journal into its backups folder"),
        restore_backup=action("&Restore a backup…", window.files.choose_backup, None,
                              "Put a backup in place of the journal (the journal is backed up first)"),
        protect=action("&Protect with a passphrase…", window.files.protect_journal, None,
                       "Encrypt the journal and its backups: they open only with the passphrase"),
        change_passphrase=action("C&hange passphrase…", window.files.change_passphrase, None,
                                 "Change the passphrase of this journal and its backups"),
        remove_protection=action("Remove passphrase &protection…", window.files.remove_protection, None,
                                 "Store the journal and its backups unencrypted again"),
        connect_team=action("Connect to a &team journal…", lambda: window.connect_team(), None,
                            "Open a journal the whole team shares, on a PostgreSQL server"),
        move_to_server=action("&Move this journal to a team server…", lambda: window.move_to_server(), None,
                              "Copy this journal into an empty database on a PostgreSQL server, checked table by table"),
        move_to_file=action("Copy this team journal to a &file…", lambda: window.move_to_file(), None,
                            "Copy the team journal into a new journal file, checked table by table"),
        open_demo=action("Open the &demo journal", window.files.open_demo, None,
                         "Explore Lately with a small business's made-up customers"),
        leave_demo=action("Lea&ve the demo journal", window.files.leave_demo, None,
                          "Back to the journal you had open before the demo"),
        trash=action("&Trash…", window.open_trash, None, "See what was deleted, bring it back, or empty the trash"),
        settings=action("Setti&ngs…", window.edit_settings, QKeySequence.StandardKey.Preferences,
                        "Your name and signature, default and tag cadences", fallback="Ctrl+,"),
        quit=action("&Quit", window.close, QKeySequence.StandardKey.Quit, fallback="Ctrl+Q"),
        about=action("&About Lately", window.about),
        lately_list=action("Go to the Lately l&ist", window.go_to_lately, "Ctrl+1",
                           "The Lately list with the keys in it (the panel shown); from the list, the panel hidden"),
        next_pane=action("&Next pane", lambda: window.next_pane(1), "F6",
                         "To the next of the customer list, the customer's page and the Lately panel"),
        previous_pane=action("P&revious pane", lambda: window.next_pane(-1), "Shift+F6",
                             "To the previous of the customer list, the customer's page and the Lately panel"),
        shortcuts=action("&Keyboard shortcuts", window.show_shortcuts, QKeySequence.StandardKey.HelpContents,
                         "Every key of Lately in one list", fallback="F1"),
        undo=undo,
        redo=redo,
    )
