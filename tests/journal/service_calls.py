"""Every public write service of journal/, with Hypothesis strategies for any
input a caller could pass: all of Unicode (lone surrogates, NUL), ids over the
whole integer range and of the wrong types, numbers of thousands of digits, far
and time-zoned dates. Shared by tests/journal/test_fuzz.py and the soak script
benchmarks/soak_services.py.

WRITES names each write service and how to call it; READS names the public
functions that only read (or only compute). test_fuzz checks that every public
function of SERVICE_MODULES is in one of the two, so a new service cannot be
forgotten."""

from __future__ import annotations

from datetime import date, timedelta, timezone

from hypothesis import strategies as st

from journal.rules import cards, duplicates, lately
from journal.writes import changes, connections, customers, drafts, interactions, merge, preferences, purchases, settings, trash
from journal.reads import graph
from journal.writes.customers import EDITABLE
from journal.rules.kinds import CHANNELS, CONNECTION_KINDS, DIRECTIONS, KINDS, STAGES
from journal.storage.models import Connection, Purchase

# csv_import and vcard are planned and checked row by row before they reach
# create_customers()/add_purchase() (covered here); csv_import is being
# rewritten on another branch with its own tests. import_json takes a file.
SERVICE_MODULES = (customers, interactions, purchases, connections, lately, settings, drafts, trash, cards, graph,
                   merge, duplicates, changes, preferences)
# The other modules of journal/, and why their functions are not fuzzed here. A
# module missing from both lists fails test_fuzz: a new service module (a merge
# of customers, say) must join SERVICE_MODULES and WRITES.
OTHER_MODULES = {
    "journal.storage.backups": "copies the file; its own tests",
    "journal.storage.db": "opens the file", "journal.storage.models": "tables", "journal.errors": "errors",
    "journal.rules.validate": "the validators themselves", "journal.rules.kinds": "constants", "journal.io.demo": "demo data",
    "journal.reads.search": "reads (fuzzed by test_search_takes_any_text); rebuild() is maintenance",
    "journal.reads.search_pg": "search on a PostgreSQL server, called through journal.reads.search",
    "journal.reads.summary": "derived rows, written inside the services' transactions",
    "journal.reads.timeline": "reads", "journal.io": "package",
    "journal.reads.customer_pages": "reads (the customer list's pages; test_customer_pages)",
    "journal.reads.attention_facts": "reads for the Lately rules (test_attention, test_lately)",
    "journal.reads.attention_items": "the Lately items made in temporary tables (test_attention_items, test_attention)",
    "journal.io.csv_import": "rows are planned and checked, then saved by create_customers/add_purchase; "
                             "rewritten on another branch with its own tests",
    "journal.io.vcard": "plans cards for create_customers", "journal.io.exports": "writes files; import_json takes a file",
    "journal.storage.migrations": "schema steps, run at open",
    "journal.writes.contacts": "contact points, written inside create/update_customer (their `contacts` value is fuzzed) "
                        "and an import's transaction",
    "journal.io.cli": "the command line; tests/journal/test_cli.py runs it", "journal.storage.lock": "the lock file",
    "journal.storage.crypto": "SQLCipher keys and files; tests/journal/test_crypto.py",
    "journal.session": "opens, checks, migrates and closes a journal; tests/journal/test_session.py",
    "journal.storage.backup_files": "lists backup files; tests/journal/test_backups.py",
    "journal.storage.file_check": "reads a file read-only", "journal.storage.private": "file modes", "journal.rules.words": "formatting",
    "journal.storage.bulk": "many new rows in a few statements, inside a service's transaction (test_cards)",
    "journal.storage.team_changes": "colleagues' changes told by the server; tests/journal/test_team_changes.py",
    "journal.rules.answers": "decides what answers a Lately item; writes nothing",
    "journal.rules.attention": "reads and computes the attention list; tests/journal/test_attention.py",
    "journal.io.import_report": "words", "journal.io.csv_read": "reads bytes; its own Hypothesis test",
    "journal.io.vcard_lines": "reads bytes; its own tests",
    "journal.io.move": "copies a whole journal into an empty one; tests/journal/test_move.py",
    "journal.storage.team": "server locations in words; tests/journal/test_team.py",
    "journal.storage.passwords": "the keyring; tests/journal/test_team.py",
    "journal.storage.open_items": "the attention list's partial indexes (schema step 15); test_attention_items",
}

# --- the world's inputs ---------------------------------------------------------

SPECIAL_TEXT = ["", " ", "\x00", "\ud800", "a\udfffb", "\ud83d", "😀", "e\u0301", "\u202e", "\r\n", "\x00Ada\x00",
                "Ada\ud800Lovelace", "NULL", "'; DROP TABLE customer; --", "\ufeff", "\U0010ffff"]
texts = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),  # every code point, surrogates included
    st.text(max_size=300),
    st.sampled_from(SPECIAL_TEXT),
    st.builds(lambda n, c: c * n, st.integers(10_001, 12_000), st.sampled_from("ab\x00")),  # over the limits
)
HUGE = ["9" * 4301, "-" + "9" * 5000, 2**63, 2**63 - 1, 2**64, -(2**63), 2**1000]
# Built, not listed: Python cannot repr an int of 4,301+ digits, nor can Hypothesis's report.
huge_numbers = st.one_of(st.sampled_from(HUGE), st.builds(lambda n: "1" * n, st.integers(19, 6000)),
                         st.builds(lambda n, sign: sign * 10**n, st.integers(4301, 6000), st.sampled_from([1, -1])),
                         st.integers(min_value=2**62))
numbers = st.one_of(st.integers(), huge_numbers, st.floats(), st.decimals(allow_nan=True),
                    st.text(st.characters(codec="ascii"), max_size=12))
OFFSETS = st.builds(lambda m: timezone(timedelta(minutes=m)), st.integers(-(23 * 60 + 59), 23 * 60 + 59))
FAR = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31", "0001-01-01", "2200-12-31T23:59:59-14:00",
       "1900-01-01T00:00:00+14:00", "2024-02-30", "2026-06-15", "2026-06-15 10:30", "15/06/2026", "2026-W24-1",
       "+002026-06-15", "2026-06-15T10:30:00.123456+05:30", "2026-06-15T25:00"]
when = st.one_of(st.dates(), st.datetimes(), st.datetimes(timezones=OFFSETS), st.sampled_from(FAR),
                 st.builds(lambda d: d.isoformat(), st.datetimes(timezones=OFFSETS)), st.text(max_size=30),
                 st.integers(), st.none(), st.floats())
flags = st.one_of(st.booleans(), st.integers(), st.text(max_size=4), st.none())
anything = st.one_of(st.none(), flags, numbers, texts, st.binary(max_size=20), when,
                     st.lists(st.one_of(st.none(), texts, st.integers()), max_size=3),
                     st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def ids(real=st.integers(1, 40), hashable=False):
    """Ids: mostly ones that may exist, then the whole integer range and the wrong types."""
    wrong = [st.integers(), st.sampled_from([0, -1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1]), st.booleans(),
             st.floats(allow_nan=False), st.none(), st.text(max_size=4), st.sampled_from(["1", b"1", 1.0]),
             st.tuples(real), st.decimals(allow_nan=False, places=0)]
    if not hashable:
        wrong.append(st.lists(real, max_size=2))
    return st.one_of(real, real, real, *wrong)


def id_lists():
    return st.one_of(st.lists(ids(), max_size=4), st.lists(st.integers(1, 40), max_size=8), st.sets(st.integers(1, 40)),
                     st.none(), st.integers(), texts)


kinds = st.one_of(st.sampled_from(list(KINDS)), texts, st.none(), st.integers())
directions = st.one_of(st.sampled_from(list(DIRECTIONS)), anything)
tags = st.one_of(st.lists(st.one_of(texts, st.none(), st.integers(), st.just("\x00")), max_size=4), texts,
                 st.just(["\x00"]), st.just([None]), st.just(["vip", "VIP", " "]), st.integers(), st.none())

CUSTOMER_FIELDS = {
    "name": st.one_of(texts, st.sampled_from(["Ada", "Bob Builder"])), "company": texts, "email": st.one_of(
        texts, st.just("ada@example.org")), "phone": texts, "address": texts,
    "channel": st.one_of(st.sampled_from(list(CHANNELS)), anything), "stage": st.one_of(st.sampled_from(list(STAGES)),
                                                                                         anything),
    "interests": texts, "account_manager": texts, "account_manager_phone": texts,
    "cadence_days": st.one_of(st.integers(0, 4000), numbers, st.none()), "customer_since": when, "tags": tags,
    "contacts": st.one_of(st.lists(st.tuples(st.one_of(st.sampled_from(["email", "phone", "address"]), texts),
                                             texts, st.one_of(texts, st.just("a@example.org"))), max_size=3),
                          anything),
    "shoe_size": anything,
}
assert set(CUSTOMER_FIELDS) >= set(EDITABLE)  # every editable field is tried
customer_values = st.fixed_dictionaries({}, optional=CUSTOMER_FIELDS)
interaction_changes = st.fixed_dictionaries({}, optional={
    "occurred_at": when, "kind": kinds, "direction": directions, "summary": texts, "notes": texts,
    "follow_up_on": when, "follow_up_done": flags, "customer": ids(),
})
purchase_changes = st.fixed_dictionaries({}, optional={
    "purchased_on": when, "product": texts, "amount_cents": st.one_of(st.integers(0, 10**6), numbers), "id": ids(),
})
setting_changes = st.fixed_dictionaries({}, optional={
    "owner_name": texts, "business_name": texts, "signature": texts, "default_cadence_days": numbers,
    "card_template": st.one_of(texts, st.just("Dear {{ first_name }}")), "backups_kept": numbers, "theme": anything,
    "currency": st.one_of(texts, st.sampled_from(["EUR", "usd", "E1R", ""]), anything),
})
card_list = st.lists(st.builds(
    cards.Card, customer_id=ids(), name=texts, address=texts,
    occasion=st.one_of(st.sampled_from(list(cards.OCCASIONS)), texts), message=texts,
    purchase_ids=st.one_of(st.tuples(), st.lists(ids(), max_size=3).map(tuple), anything),
    connection_ids=st.one_of(st.tuples(), st.lists(ids(), max_size=3).map(tuple), anything),
), max_size=3)
sent_cards = st.one_of(
    st.builds(cards.SentCards, written=st.integers(0, 3), interaction_ids=st.lists(ids(), max_size=3).map(tuple),
              acknowledged=st.lists(st.tuples(st.sampled_from([Purchase, Connection]), ids(), ids()), max_size=2)
              .map(tuple), customer_ids=st.lists(ids(), max_size=3).map(tuple)),
    anything)
trash_items = st.one_of(
    st.builds(trash.TrashItem, what=st.one_of(st.sampled_from(["customer", "interaction", "purchase", "connection"]),
                                             texts), id=ids(), label=texts, deleted_at=st.datetimes()),
    anything)
# Change sets are made by the services; these are ones no service made (unknown
# tables, rows that are not there, versions that are not theirs).
change_sets = st.builds(changes.ChangeSet, st.lists(st.one_of(st.builds(
    changes.Change, table=st.one_of(st.sampled_from(["customer", "interaction", "purchase", "setting", "snooze"]),
                                    texts),
    row_id=ids(hashable=True), before=st.one_of(st.none(), st.just({"name": "Ada"}), anything),
    after=st.one_of(st.none(), st.just({"name": "Bob"}), anything), version=st.one_of(st.integers(0, 5), anything)),
    anything), max_size=3).map(tuple))
positions = st.one_of(st.dictionaries(ids(hashable=True), st.one_of(st.tuples(numbers, numbers), anything), max_size=4), anything)


def call(*args, **kwargs):
    """A strategy of (args, kwargs) from strategies."""
    return st.tuples(st.tuples(*args), st.fixed_dictionaries(kwargs))


def kwargs_call(head, values):
    return st.tuples(st.tuples(*head), values)


WRITES = {
    customers.create_customer: kwargs_call((), customer_values),
    customers.create_customers: call(st.one_of(st.lists(customer_values, max_size=3), anything)),
    customers.update_customer: kwargs_call((ids(),), customer_values),
    customers.set_archived: call(ids(), flags),
    customers.delete_customer: call(ids()),
    customers.restore_customer: call(ids()),
    customers.delete_customers: call(id_lists()),
    customers.restore_customers: call(id_lists()),
    customers.set_tag_cadence: call(st.one_of(texts, st.just("vip"), st.none(), st.integers()), numbers),
    interactions.log_interaction: call(ids(), kinds, directions, texts, notes=texts, occurred_at=when,
                                       follow_up_on=when),
    interactions.log_many: call(st.one_of(st.lists(st.tuples(ids(), st.fixed_dictionaries(
        {"kind": kinds, "direction": directions, "summary": texts, "notes": texts})), max_size=3), anything), when),
    interactions.update_interaction: kwargs_call((ids(),), interaction_changes),
    interactions.set_follow_up_done: call(ids(), flags),
    interactions.delete_interaction: call(ids()),
    interactions.restore_interaction: call(ids()),
    interactions.delete_interactions: call(id_lists()),
    interactions.restore_interactions: call(id_lists()),
    purchases.add_purchase: call(ids(), when, texts, st.one_of(st.integers(0, 10**6), numbers)),
    purchases.update_purchase: kwargs_call((ids(),), purchase_changes),
    purchases.delete_purchase: call(ids()),
    purchases.restore_purchase: call(ids()),
    purchases.delete_purchases: call(id_lists()),
    purchases.restore_purchases: call(id_lists()),
    purchases.parse_amount: call(st.one_of(texts, numbers, st.sampled_from(["1e3", "12,50", "$1,250.00", "1.2.3"])),
                                 st.one_of(st.sampled_from([None, ".", ","]), anything)),
    connections.add_connection: call(ids(), ids(), st.one_of(st.sampled_from(list(CONNECTION_KINDS)), anything),
                                     connected_on=when, note=st.one_of(texts, anything)),
    connections.delete_connection: call(ids()),
    connections.restore_connection: call(ids()),
    lately.snooze: call(ids(), st.one_of(st.just("cadence"), texts, anything),
                        st.one_of(st.dates(min_value=date.today()), when)),
    lately.unsnooze: call(ids(), st.one_of(st.just("cadence"), texts, anything)),
    settings.update_settings: kwargs_call((), setting_changes),
    settings.take_as_the_files: call(st.one_of(st.none(), texts, st.just("ben"))),
    preferences.save_settings: call(st.one_of(setting_changes, anything),
                                 st.one_of(st.dictionaries(st.one_of(texts, st.just("vip"), st.integers(), st.none()), numbers,
                                                           max_size=3), st.none(), anything),
                                 st.one_of(st.none(), setting_changes, anything)),  # expected: as the dialog showed them
    drafts.save_draft: call(st.one_of(st.just("quick_capture"), texts, anything),
                            st.one_of(st.dictionaries(st.text(max_size=5), anything, max_size=3), anything)),
    drafts.discard_draft: call(st.one_of(st.just("quick_capture"), texts, anything)),
    trash.empty_trash: call(),
    trash.restore: call(trash_items),
    cards.mark_sent: call(st.one_of(card_list, anything), st.one_of(st.none(), when)),
    cards.unmark_sent: call(sent_cards),
    cards.remark_sent: call(sent_cards),
    graph.save_positions: call(positions),
    merge.merge_customers: call(ids(), ids()),
    merge.undo_merge: call(anything),
    merge.redo_merge: call(anything),
    duplicates.mark_not_duplicates: call(ids(), ids()),
    duplicates.unmark_not_duplicates: call(ids(), ids()),
    changes.undo: call(st.one_of(change_sets, anything)),
    changes.redo: call(st.one_of(change_sets, anything)),
}

READS = {
    customers: {"interest_topics", "validate_fields", "get_customer", "find_by_name", "all_tags", "tag_cadences",
                "effective_cadence", "cadence_level", "list_customers", "names_and_companies", "customer_rows", "customer_since", "cadence_tag"},
    merge: {"customer_references", "strategy_of", "plan_merge", "display"},
    duplicates: {"name_key", "phone_keys", "find_duplicates", "pairs_of", "dismissed_pairs", "already_there"},
    interactions: {"get_interaction", "reciprocity"},
    purchases: {"validate_purchase", "purchases_of", "format_cents"},
    connections: {"connections_of"},
    lately: {"read", "everyone", "in_order", "tenure_words", "health", "health_of",
             "health_codes", "introductions", "sort_key", "topic_index", "topic_circles", "circle_rank", "read_circle",
             "item_of_row", "introduction_rows", "people_of", "build_items", "name_key", "persons",
             "people_and_circles", "circle_again"},
    settings: {"get_settings"},
    drafts: {"load_draft", "every_key"},
    trash: {"trash_items"},
    cards: {"check_template", "render", "build_cards", "rerender", "export_csv", "name_parts", "address_lines"},
    graph: {"graph_data", "build", "top_referrers", "saved_positions", "layout"},
    # Not reads, but the services' own means of saying what they touch (and
    # check(), which reads): called only inside a service's transaction.
    changes: {"recording", "watch", "watch_where", "created", "created_where", "check", "follow"},
}
READS[settings] |= {"each_persons_own", "own_settings", "own_key"}  # your own name and signature on a team journal


def name(service) -> str:
    return f"{service.__module__.rsplit('.', 1)[-1]}.{service.__name__}"
