"""A colleague at another computer, as a real second process: opens the team
journal at argv[1] and makes the writes named after it, through the same
services the app uses, then exits. For the tests of colleagues' changes
(tests/journal/test_team_changes.py, tests/ui/test_team_live.py).

    python -m tests.colleague LOCATION note CUSTOMER_ID SUMMARY   (prints the note's id)
    python -m tests.colleague LOCATION edit-note NOTE_ID FIELD=VALUE...
    python -m tests.colleague LOCATION customer NAME
    python -m tests.colleague LOCATION cadence DAYS
    python -m tests.colleague LOCATION settings KEY=VALUE...   (as their settings dialog saves them)
    python -m tests.colleague LOCATION settings?   (prints their name and signature, one a line)
    python -m tests.colleague LOCATION customers COUNT
    python -m tests.colleague LOCATION purchase CUSTOMER_ID PRODUCT
    python -m tests.colleague LOCATION connect SOURCE_ID TARGET_ID
    python -m tests.colleague LOCATION edit CUSTOMER_ID FIELD=VALUE...
    python -m tests.colleague LOCATION delete CUSTOMER_ID
    python -m tests.colleague LOCATION draft SUMMARY   (the note they are typing, saved as Lately saves it)
    python -m tests.colleague LOCATION draft?          (prints the summary of their draft)
    python -m tests.colleague LOCATION stream CUSTOMER_ID  (notes "Imported note 1", 2, … one statement each,
                                                        as an import does, until a line or the end of stdin;
                                                        prints the last number)
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from journal.storage import db
    from journal.writes import connections, customers, drafts, interactions, preferences, purchases, settings

    location, what, *rest = argv
    db.open_server(location)
    if what == "note":
        print(interactions.log_interaction(int(rest[0]), "call", "out", rest[1]).id)
    elif what == "edit-note":
        interactions.update_interaction(int(rest[0]), **dict(pair.split("=", 1) for pair in rest[1:]))
    elif what == "customer":
        print(customers.create_customer(name=rest[0]).id)
    elif what == "cadence":
        settings.update_settings(default_cadence_days=int(rest[0]))
    elif what == "settings":
        preferences.save_settings(dict(pair.split("=", 1) for pair in rest))
    elif what == "settings?":
        own = settings.get_settings()
        print(f"{own.owner_name}\n{own.signature}")
    elif what == "customers":
        customers.create_customers([{"name": f"Newcomer {n}"} for n in range(int(rest[0]))])
    elif what == "purchase":
        purchases.add_purchase(int(rest[0]), "2026-11-02", rest[1], 12_500)
    elif what == "connect":
        connections.add_connection(int(rest[0]), int(rest[1]), "referred")
    elif what == "edit":
        customers.update_customer(int(rest[0]), **dict(pair.split("=", 1) for pair in rest[1:]))
    elif what == "delete":
        customers.delete_customer(int(rest[0]))
    elif what == "draft":
        drafts.save_draft(drafts.QUICK_CAPTURE, {"summary": rest[0], "customer_text": ""})
    elif what == "stream":
        import threading

        told = threading.Event()
        threading.Thread(target=lambda: (sys.stdin.readline(), told.set()), daemon=True).start()
        n = 0
        while not told.is_set():
            n += 1
            interactions.log_interaction(int(rest[0]), "email", "in", f"Imported note {n}")
        print(n)
    elif what == "draft?":
        print((drafts.load_draft(drafts.QUICK_CAPTURE) or {}).get("summary", ""))
    else:
        raise SystemExit(f"unknown write {what!r}")
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
