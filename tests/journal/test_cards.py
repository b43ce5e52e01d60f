import csv
from datetime import date, timedelta

import pytest

from journal.rules import attention, cards
from journal.writes import settings, trash
from journal.reads import summary
from journal.errors import ValidationError
from journal.storage.models import Connection, Interaction, Purchase

from .helpers import TODAY, buy, connect, customer, log


@pytest.fixture
def shop(journal):
    settings.update_settings(owner_name="Alex Morgan", signature="Warmly,\nAlex")
    new = customer("Nina New", address="1 Main St\nSpringfield", account_manager="Sam Ortega",
                   account_manager_phone="555 0100")
    buy(new, ago=10, product="Oak table")
    loyal = customer("Lou Loyal", customer_since=TODAY - timedelta(days=5 * 365 + 3))
    buy(loyal, ago=900, product="Bookshelf")
    log(loyal, "thank_you_card", ago=899)
    buy(loyal, ago=8, product="Walnut desk")
    referrer = customer("Rita Referrer", address="2 Side St")
    connect(referrer, new, "referred", ago=12)
    prospect = customer("Pat Prospect", stage="prospect")
    return new, loyal, referrer, prospect


def by_name(found):
    return {c.name: c for c in found}


def test_purchases_not_yet_thanked(shop):
    found = by_name(cards.build_cards(cards.PURCHASES, today=TODAY))
    assert set(found) == {"Nina New", "Lou Loyal"}
    nina, lou = found["Nina New"], found["Lou Loyal"]
    assert nina.message == "Dear Nina,\n\nthank you for choosing the Oak table. We hope it serves you well.\n\nWarmly,\nAlex"
    assert lou.message.startswith("Dear Lou,\n\nthank you for five years with us, and for choosing the Walnut desk again")
    assert "trying" not in lou.message
    assert len(lou.purchase_ids) == 1 and nina.kind == "thank_you_card"
    in_range = cards.build_cards(cards.PURCHASES, start=TODAY - timedelta(days=9), end=TODAY, today=TODAY)
    assert [c.name for c in in_range] == ["Lou Loyal"]


def test_welcome_referrals_quarterly_and_by_hand(shop):
    new, loyal, referrer, prospect = shop
    [welcome] = cards.build_cards(cards.WELCOME, today=TODAY)
    assert welcome.name == "Nina New" and welcome.kind == "welcome_kit"
    assert "Sam Ortega will look after you — call 555 0100 any time." in welcome.message
    [thanks] = cards.build_cards(cards.REFERRALS, today=TODAY)
    assert thanks.name == "Rita Referrer" and "thank you for sending Nina New our way" in thanks.message
    quarterly = [c.name for c in cards.build_cards(cards.QUARTERLY, today=TODAY)]
    assert quarterly == ["Lou Loyal", "Nina New", "Rita Referrer"]  # customers only, by name
    chosen = cards.build_cards(cards.HAND, customer_ids=[prospect.id, loyal.id], today=TODAY)
    assert [c.name for c in chosen] == ["Lou Loyal", "Pat Prospect"]


def test_unknown_placeholder_or_broken_template_is_refused(shop):
    with pytest.raises(ValidationError, match=r"unknown placeholder \{\{ nickname \}\}"):
        cards.build_cards(cards.QUARTERLY, template="Hi {{ nickname }}", today=TODAY)
    with pytest.raises(ValidationError, match="line 1"):
        cards.build_cards(cards.QUARTERLY, template="Hi {{ first_name ", today=TODAY)
    with pytest.raises(ValidationError):
        settings.update_settings(card_template="")


def test_hand_edits_survive_a_new_template(shop):
    found = cards.build_cards(cards.PURCHASES, today=TODAY)
    found[0].message, found[0].edited = "Written by hand", True
    again = cards.rerender(found, "Hello {{ first_name }}")
    assert again[0].message == "Written by hand" and again[1].message == "Hello Nina"


def test_marking_as_sent_writes_once_and_clears_the_lately_items(shop):
    new, loyal, referrer, _ = shop
    today = date.today()
    before = {(i.customer_name, i.reason) for i in attention.all_items(today)}
    assert ("Nina New", "unthanked_purchase") in before and ("Rita Referrer", "referral_unthanked") in before
    found = cards.build_cards(cards.PURCHASES, today=today) + cards.build_cards(cards.REFERRALS, today=today)
    assert cards.mark_sent(found).written == 3
    assert Purchase.select().where(Purchase.thanked_by.is_null()).count() == 0
    notes = Interaction.select().where(Interaction.kind == "thank_you_card", Interaction.summary == "Thank-you card sent")
    assert notes.count() == 3
    again = cards.mark_sent(found)  # marking twice doubles nothing
    assert again.written == 0 and not again.interaction_ids and not again.acknowledged
    assert notes.count() == 3
    after = {(i.customer_name, i.reason) for i in attention.all_items(today)}
    assert not after & {("Nina New", "unthanked_purchase"), ("Lou Loyal", "return_customer"),
                        ("Rita Referrer", "referral_unthanked")}


def test_csv_for_mail_merge(shop, tmp_path):
    path = tmp_path / "cards.csv"
    cards.export_csv(cards.build_cards(cards.QUARTERLY, today=TODAY), path)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert [r["name"] for r in rows] == ["Lou Loyal", "Nina New", "Rita Referrer"]
    assert rows[1]["address_line_1"] == "1 Main St" and rows[1]["address_line_2"] == "Springfield"
    assert rows[0]["has_address"] == "NO ADDRESS"
    assert rows[1]["message"].startswith("Dear Nina,")


def test_marking_as_sent_can_be_undone_and_redone(shop):
    today = date.today()
    found = cards.build_cards(cards.PURCHASES, today=today) + cards.build_cards(cards.REFERRALS, today=today)
    waiting = {(c.customer_id, c.occasion) for c in found}
    unthanked = {p.id for p in Purchase.select().where(Purchase.thanked_by.is_null())}
    referrals = {c.id for c in Connection.select().where(Connection.thanked_by.is_null())}
    sent = cards.mark_sent(found)
    notes = Interaction.select().where(Interaction.summary == "Thank-you card sent", Interaction.deleted_at.is_null())
    assert notes.count() == 3

    cards.unmark_sent(sent)
    in_trash = {t.id for t in trash.trash_items() if t.what == "interaction"}
    assert notes.count() == 0 and in_trash >= set(sent.interaction_ids)
    assert {p.id for p in Purchase.select().where(Purchase.thanked_by.is_null())} == unthanked
    assert {c.id for c in Connection.select().where(Connection.thanked_by.is_null())} == referrals
    again = cards.build_cards(cards.PURCHASES, today=today) + cards.build_cards(cards.REFERRALS, today=today)
    assert {(c.customer_id, c.occasion) for c in again} == waiting  # the same cards are waiting again
    assert_summary_is_exact()

    cards.remark_sent(sent)
    assert notes.count() == 3 and Purchase.select().where(Purchase.thanked_by.is_null()).count() == 0
    assert not cards.build_cards(cards.PURCHASES, today=today)
    assert_summary_is_exact()


def assert_summary_is_exact():
    kept = summary.snapshot()
    summary.rebuild_all()
    assert summary.snapshot() == kept


def test_mail_merge_keeps_every_address_line(journal, tmp_path):
    customer("Far Away", address="c/o Studio\nBuilding 2\n12 High St\nSpringfield\nUSA")
    customer("Near By", address="1 Main St")
    path = tmp_path / "merge.csv"
    cards.export_csv(cards.build_cards(cards.QUARTERLY, today=TODAY), path)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    far, near = rows
    assert far["address"] == "c/o Studio\nBuilding 2\n12 High St\nSpringfield\nUSA"
    assert [far[f"address_line_{n}"] for n in range(1, 6)] == ["c/o Studio", "Building 2", "12 High St",
                                                                "Springfield", "USA"]
    assert "address_line_6" not in far
    assert near["address_line_1"] == "1 Main St" and near["address_line_5"] == ""


@pytest.mark.parametrize("name,salutation,first", [
    ("Mr. Elijah Perkins Jr.", "Mr. Perkins", "Elijah"),
    ("Ada Lovelace", "Ada", "Ada"),
    ("Perkins, Elijah", "Elijah", "Elijah"),
    ("Dr. Martin Luther King Jr.", "Dr. King", "Martin"),
    ("Ms. Mary van der Berg", "Ms. van der Berg", "Mary"),
    ("Sir Patrick Stewart", "Sir Patrick", "Patrick"),
    ("Prof. Dr. Hans Müller", "Prof. Dr. Müller", "Hans"),
    ("Mrs Smith", "Mrs Smith", "Mrs Smith"),
    ("J. R. R. Tolkien", "J. R. R. Tolkien", "J."),
    ("Mr.", "Sir or Madam", "Sir or Madam"),
    ("Bäckerei Müller GmbH", "Bäckerei Müller GmbH", "Bäckerei Müller GmbH"),
    ("Zoë", "Zoë", "Zoë"),
])
def test_salutation_from_a_parsed_name(name, salutation, first):
    parts = cards.name_parts(name)
    assert parts["salutation"] == salutation and parts["first_name"] == first


def test_cards_never_greet_with_a_bare_title(journal):
    settings.update_settings(owner_name="Alex")
    customer("Mr. Elijah Perkins Jr.")
    customer("Mr.")
    found = by_name(cards.build_cards(cards.QUARTERLY, today=TODAY))
    assert found["Mr. Elijah Perkins Jr."].message.startswith("Dear Mr. Perkins,")
    assert found["Mr."].message.startswith("Dear Sir or Madam,")
    assert not any(c.message.startswith("Dear Mr.,") for c in found.values())


def test_an_outlook_card_to_a_mail_merge_greeting_and_envelope(journal, tmp_path):
    """From a contact file as Outlook writes it to the mail-merge row a word processor reads."""
    from pathlib import Path

    from journal.io import csv_import, vcard

    data = (Path(__file__).parent.parent / "fixtures" / "vcards" / "outlook2016.vcf").read_bytes()
    csv_import.import_customers(vcard.plan_cards(data))
    settings.update_settings(owner_name="Alex")
    path = tmp_path / "merge.csv"
    cards.export_csv(cards.build_cards(cards.QUARTERLY, today=TODAY), path)
    [row] = csv.DictReader(path.open(encoding="utf-8-sig", newline=""))
    assert row["salutation"] == "Mr. Perkins" and row["message"].startswith("Dear Mr. Perkins,")
    assert [row[f"address_line_{n}"] for n in range(1, 6)] == [
        "Building 2", "c/o Studio", "12 High St", "Springfield, IL 62701", "United States of America"]


def test_thousands_of_recipients_in_a_few_queries_within_the_parameter_limit(journal):
    """At tens of thousands of customers the cards are read in batches: a few
    queries in all (not one per card for its company), and never more ids in
    one query than the database takes — on SQLite the old default of 999
    variables is set here to prove it."""
    import sqlite3

    from playhouse.test_utils import count_queries

    from journal.storage.models import Company, Customer, database, is_server

    company = Company.create(name="Harbour Joinery")
    with database.atomic():
        Customer.insert_many([{"name": f"Customer {n:04}", "company": company.id if n % 2 else None}
                              for n in range(1200)]).execute()
        ids = [c for (c,) in Customer.select(Customer.id).order_by(Customer.id).tuples()]
        Purchase.insert_many([{"customer": cid, "purchased_on": TODAY - timedelta(days=3), "product": "Oak stool",
                               "amount_cents": 4_500} for cid in ids]).execute()
    if not is_server():
        database.connection().setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    with count_queries() as counted:
        found = cards.build_cards(cards.PURCHASES, template="{{ first_name }} at {{ company }}: {{ last_product }}",
                                  today=TODAY)
    assert len(found) == 1200
    assert found[1].message == "Customer at Harbour Joinery: Oak stool"  # "Customer 0001"
    assert found[0].message == "Customer at : Oak stool"
    assert counted.count < 20


def test_thousands_of_cards_marked_as_sent_within_the_parameter_limit(journal):
    """Marking every customer's card as sent refreshes their summaries in batches."""
    import sqlite3

    from journal.storage.models import Customer, CustomerSummary, database, is_server

    with database.atomic():
        Customer.insert_many([{"name": f"Customer {n:04}", "stage": "customer"} for n in range(1200)]).execute()
    if not is_server():
        database.connection().setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    found = cards.build_cards(cards.QUARTERLY, template="Dear {{ first_name }}", today=TODAY)
    assert len(found) == 1200
    sent = cards.mark_sent(found, sent_on=TODAY)
    assert sent.written == 1200
    assert CustomerSummary.select().where(CustomerSummary.last_outbound_at.is_null(False)).count() == 1200


def many_cards_waiting(count=1200):
    """`count` customers who each bought something, a third of them referred by
    the one before: that many purchase cards and a third as many referral cards."""
    from journal.storage.models import Customer, database

    with database.atomic():
        Customer.insert_many([{"name": f"Customer {n:04}", "stage": "customer"} for n in range(count)]).execute()
        ids = [c for (c,) in Customer.select(Customer.id).order_by(Customer.id).tuples()]
        Purchase.insert_many([{"customer": cid, "purchased_on": TODAY - timedelta(days=3), "product": "Oak stool",
                               "amount_cents": 4_500} for cid in ids]).execute()
        Connection.insert_many([{"source": a, "target": b, "kind": "referred", "connected_on": TODAY - timedelta(days=2)}
                                for a, b in zip(ids[::3], ids[1::3])]).execute()
        summary.rebuild_all()  # (written around the services)
    found = cards.build_cards(cards.PURCHASES, today=TODAY) + cards.build_cards(cards.REFERRALS, today=TODAY)
    assert len(found) == count + count // 3
    return found


def journal_rows() -> dict:
    """Every row a person's journal holds (the summaries are derived), without
    the bookkeeping of when and how often a row was written."""
    from journal.storage.models import ALL_MODELS, CustomerSummary, SchemaVersion

    rows = {}
    for model in ALL_MODELS:
        if model in (CustomerSummary, SchemaVersion):
            continue
        key = [model._meta.primary_key] if not model._meta.composite_key else \
            [getattr(model, n) for n in model._meta.primary_key.field_names]
        rows[model._meta.table_name] = [{k: v for k, v in row.items() if k not in ("version", "updated_at")}
                                        for row in model.select().order_by(*key).dicts()]
    return rows


def test_thousands_of_cards_are_marked_as_sent_a_few_statements_per_table(journal):
    """One INSERT per batch of timeline entries, not one per card (9,131 cards
    at 50,000 customers were 9,131 statements)."""
    from playhouse.test_utils import count_queries

    found = many_cards_waiting()
    with count_queries() as counted:
        sent = cards.mark_sent(found, sent_on=TODAY)
    assert sent.written == len(found)
    statements = [r.msg[0] for r in counted.get_queries()]
    inserts = [s for s in statements if s.lstrip().upper().startswith('INSERT INTO "INTERACTION"')]
    assert 1 <= len(inserts) <= len(found) // 50, len(inserts)
    assert len(statements) < 200, len(statements)
    assert Interaction.select().where(Interaction.kind == "thank_you_card").count() == len(found)
    assert Purchase.select().where(Purchase.thanked_by.is_null()).count() == 0
    assert Connection.select().where(Connection.thanked_by.is_null()).count() == 0
    # Each entry is the card's own: its customer, its text.
    texts = {(c.customer_id, c.message) for c in found}
    assert {(i.customer_id, i.notes) for i in Interaction.select().where(Interaction.id.in_(sent.interaction_ids))} \
        == texts
    assert_summary_is_exact()


def assert_as_before_but_the_entries_trashed(rows, before, sent):
    """Every row as it was `before`; the entries the marking wrote are in the trash, and only they are new."""
    trashed = set(sent.interaction_ids)
    assert all(row["deleted_at"] is not None for row in rows["interaction"] if row["id"] in trashed)
    rows["interaction"] = [row for row in rows["interaction"] if row["id"] not in trashed]
    assert rows == before


def test_thousands_of_cards_undone_and_redone_exactly(journal):
    from journal.writes import changes

    found = many_cards_waiting()
    before = journal_rows()
    with changes.recording() as recorded:
        sent = cards.mark_sent(found, sent_on=TODAY)
    marked = journal_rows()
    undone = changes.undo(recorded.changeset)
    assert_as_before_but_the_entries_trashed(journal_rows(), before, sent)
    assert_summary_is_exact()
    changes.redo(undone)
    assert journal_rows() == marked
    assert_summary_is_exact()


def test_cancel_midway_through_thousands_of_cards_keeps_nothing(journal):
    from journal.errors import Cancelled

    found = many_cards_waiting()
    before = journal_rows()
    told = []

    def progress(done, total):
        told.append((done, total))
        if len(told) == 2:  # a batch is written by now
            raise Cancelled()

    with pytest.raises(Cancelled):
        cards.mark_sent(found, sent_on=TODAY, progress=progress)
    assert told[0][0] > 0 and told[0][1] == len(found)
    assert journal_rows() == before
    assert_summary_is_exact()


def test_thousands_of_cards_unmarked_and_marked_again_a_few_statements_per_table_exactly(journal):
    """unmark_sent and remark_sent (a script's undo and redo of marking) in
    batches too: not a transaction, a summary and a dozen statements per card."""
    from playhouse.test_utils import count_queries

    found = many_cards_waiting()
    before = journal_rows()
    sent = cards.mark_sent(found, sent_on=TODAY)
    marked = journal_rows()
    with count_queries() as counted:
        cards.unmark_sent(sent)
    assert counted.count < 200, counted.count
    assert_as_before_but_the_entries_trashed(journal_rows(), before, sent)
    assert_summary_is_exact()
    with count_queries() as counted:
        cards.remark_sent(sent)
    assert counted.count < 200, counted.count
    assert journal_rows() == marked
    assert_summary_is_exact()


@pytest.mark.parametrize("order", ["later first", "earlier first"])
def test_thank_yous_restored_together_acknowledge_as_one_after_the_other(journal, order):
    """Each restored thank-you takes what its customer bought up to its day and
    is still waiting, in the order given, as restore_interaction one by one."""
    from journal.writes import interactions

    ada = customer("Ada Lovelace")
    bought = {ago: buy(ada, ago=ago, product=f"Stool {ago}").id for ago in (10, 5, 1)}
    earlier, later = log(ada, "thank_you_card", ago=7).id, log(ada, "thank_you_card", ago=3).id
    interactions.delete_interactions([earlier, later])
    assert Purchase.select().where(Purchase.thanked_by.is_null()).count() == 3
    interactions.restore_interactions([later, earlier] if order == "later first" else [earlier, later])
    thanked = {p.id: p.thanked_by_id for p in Purchase.select()}
    if order == "later first":
        assert thanked == {bought[10]: later, bought[5]: later, bought[1]: None}
    else:
        assert thanked == {bought[10]: earlier, bought[5]: later, bought[1]: None}
    assert_summary_is_exact()
