import pytest

from journal.writes import customers, interactions
from journal.reads import search

from .helpers import customer, log


@pytest.fixture
def people(journal):
    ada = customer("Ada Lovelace", company="Analytical Engines", interests="mathematics, poetry")
    bob = customer("Bob Builder", interests="timber")
    log(ada, summary="Lunch at the harbour", notes="She wants a walnut bookshelf")
    log(bob, summary="Delivered the oak table")
    return ada, bob


def names(text):
    return [(h.customer_name, h.is_customer) for h in search.search(text)]


def test_prefix_matching_over_names_companies_interests_and_notes(people):
    assert names("lov") == [("Ada Lovelace", True)]
    assert names("analyt") == [("Ada Lovelace", True)]
    assert names("poet") == [("Ada Lovelace", True)]
    assert names("walnut book") == [("Ada Lovelace", False)]
    assert names("oak") == [("Bob Builder", False)]


def test_snippet_marks_the_matching_words(people):
    hit = search.search("walnut")[0]
    assert f"{search.MARK_START}walnut{search.MARK_END}" in hit.snippet
    assert hit.when is not None and hit.interaction_id is not None


@pytest.mark.parametrize("text", ['"', "AND", "OR NOT", "name:ada", "a*b", "NEAR(a b)", "'; DROP TABLE customer;--",
                                  "(((", "ünïcödé", "   ", "^", "-ada"])
def test_any_text_is_safe(people, text):
    search.search(text)  # never raises


def test_diacritics_are_ignored(journal):
    customer("Zoë Müller")
    assert names("zoe muller") == [("Zoë Müller", True)]


def test_index_follows_edits_deletes_and_restores(people):
    ada, bob = people
    note = search.search("walnut")[0].interaction_id
    interactions.update_interaction(note, notes="Now she wants cherry")
    assert names("walnut") == [] and names("cherry") == [("Ada Lovelace", False)]
    interactions.delete_interaction(note)
    assert names("cherry") == []
    interactions.restore_interaction(note)
    assert names("cherry") == [("Ada Lovelace", False)]
    customers.update_customer(bob.id, name="Robert Builder", company="Timberland")
    assert names("robert") == [("Robert Builder", True)] and names("timberland") == [("Robert Builder", True)]
    customers.delete_customer(ada.id)
    assert names("lovelace") == [] and names("cherry") == []


def test_company_rename_reaches_the_index(people):
    from journal.storage.models import Company

    Company.update(name="Difference Engines").where(Company.name == "Analytical Engines").execute()
    assert names("difference") == [("Ada Lovelace", True)]
    assert names("analytical") == []


def test_fts_query_quotes_every_word():
    assert search.fts_query('ada "lov') == '"ada" "lov"*'
    assert search.fts_query("  ") is None


def test_customers_are_found_by_any_part_of_their_name_or_company(journal):
    from journal.writes import customers

    customers.create_customer(name="Martha Mullins", company="Acme Bakery")
    customers.create_customer(name="Jane Tester", company="Mullin & Co")
    hits = search.search("ullin")
    assert [(h.customer_name, h.is_customer) for h in hits] == [("Jane Tester", True), ("Martha Mullins", True)]
    assert hits[1].snippet == f"Martha M{search.MARK_START}ullin{search.MARK_END}s — Acme Bakery"
    assert [h.customer_name for h in search.search("mullins")] == ["Martha Mullins"]  # the word itself, once


def test_completion_follows_edits_renames_archives_deletes_and_restores(people):
    """Inside a name or company (on a server through an index the triggers keep):
    every change a person makes reaches it, case ignored, archived customers kept."""
    from journal.storage.models import Company

    def completed(text):
        return [c.name for c in search.complete_customers(text)]

    ada, bob = people
    assert completed("ELAC") == ["Ada Lovelace"] and completed("lytic eng") == ["Ada Lovelace"]
    customers.update_customer(bob.id, name="Robert Uilder", company="Timberland")
    assert completed("uilder") == ["Robert Uilder"] and completed("mberl") == ["Robert Uilder"]
    assert completed("build") == [] and completed("il") == ["Robert Uilder"]
    Company.update(name="Difference Engines").where(Company.name == "Analytical Engines").execute()
    assert completed("erence") == ["Ada Lovelace"] and completed("lytic") == []
    customers.set_archived(ada.id)
    assert completed("ovel") == ["Ada Lovelace"]
    assert [(c.company, c.archived) for c in search.complete_customers("ovel")] == [("Difference Engines", True)]
    assert [c.archived for c in search.complete_customers("ov")] == [True]  # short words: another path
    customers.set_archived(ada.id, False)
    assert [c.archived for c in search.complete_customers("ovel")] == [False]
    customers.set_archived(ada.id)
    customers.delete_customer(ada.id)
    assert completed("ovel") == [] and completed("ngin") == [] and completed("e") == ["Robert Uilder"]
    customers.restore_customer(ada.id)
    assert completed("ovel") == ["Ada Lovelace"] and completed("e") == ["Ada Lovelace", "Robert Uilder"]
    assert completed("ovel") == [c.name for c in search.complete_customers("ovel", exclude=bob.id)]
    assert completed("lace") and search.complete_customers("lace", exclude=ada.id) == []


def test_words_are_split_where_people_split_them(journal):
    """The same on both backends: a word inside an e-mail address, either half
    of a hyphenated or apostrophed word, punctuation typed or not."""
    ann = customer("Ann O'Brien", interests="follow-up calls")
    log(ann, summary="Wrote to ann@acme-tools.com about the quote")
    assert names("acme") == [("Ann O'Brien", False)]
    assert names("tools") == [("Ann O'Brien", False)]
    assert names("brien") == [("Ann O'Brien", True)]
    assert names("o'brien") == [("Ann O'Brien", True)]
    assert names("follow up") == [("Ann O'Brien", True)]
    assert names("obrien") == []  # FTS5 sees the words o and brien, not obrien
    [hit] = [h for h in search.search("acme") if not h.is_customer]
    assert f"{search.MARK_START}acme" in hit.snippet.lower()


def test_every_word_must_match_and_only_the_last_is_a_prefix(people):
    assert names("ada poetry") == [("Ada Lovelace", True)]
    assert names("ada timber") == []
    assert names("oak lun") == []  # oak is in one note, lunch in another
    assert names("harbour lun") == [("Ada Lovelace", False)]


def test_names_sort_and_fold_as_sqlite_sorts_and_folds_them(journal):
    """The customer list by lower(name) in code point order (SQLite's lower() folds ASCII only), on both backends."""
    from journal.writes import customers as service

    for name in ("bob", "Émile", "Al", "al b", "Zed", "ål"):
        service.create_customer(name=name)
    assert [c.name for c in service.list_customers()] == ["Al", "al b", "bob", "Zed", "Émile", "ål"]
    assert [c.name for c in search.complete_customers("Émi")] == ["Émile"]


def test_notes_come_newest_written_first_on_both_backends(journal):
    """The same contract on SQLite and on a team server: notes in the order they
    were written, newest first, whatever how often the word appears in each
    (ranking every note that holds a common word would read them all)."""
    ada = customer("Ada Lovelace")
    first = interactions.log_interaction(ada.id, "call", "out", "Walnut, walnut, walnut table").id
    second = interactions.log_interaction(ada.id, "call", "out", "Asked about the walnut shelf").id
    third = interactions.log_interaction(ada.id, "meeting", "out", "Showroom visit", notes="walnut chairs").id
    notes = [hit.interaction_id for hit in search.search("walnut") if not hit.is_customer]
    assert notes == [third, second, first]


def test_a_page_holds_customers_then_names_holding_the_words_then_notes_each_in_the_room_left(journal):
    """The customers found come first, then those whose name or company holds
    the words inside it (asked for the room the customers left, those already
    found skipped), then the notes, newest first, for the room still left:
    the same page on both backends (on a server one statement makes it)."""
    sailors = [customer(name) for name in ("Sailor Ann", "Sailor Bob", "Sailor Cy")]
    notes = [log(person, summary="Sailor club meeting").id for person in sailors][::-1]
    tom = customer("Tom Tailoring", company="Bluesailors Ltd")  # the word inside a company's name
    ann, bob, cy = (("Sailor " + name, None) for name in ("Ann", "Bob", "Cy"))
    expected = {
        1: [ann], 2: [ann, bob], 3: [ann, bob, cy],
        4: [ann, bob, cy, notes[0]],  # one asked of the names: Sailor Ann, found already
        5: [ann, bob, cy, *notes[:2]],
        7: [ann, bob, cy, ("Tom Tailoring", None), *notes],  # four asked: Tom is the fourth
        50: [ann, bob, cy, ("Tom Tailoring", None), *notes],
    }
    for limit, page in expected.items():
        hits = search.search("sailor", limit=limit)
        assert [hit.interaction_id if hit.interaction_id else (hit.customer_name, None) for hit in hits] == page
    [named] = [hit for hit in search.search("sailor") if hit.customer_id == tom.id]
    assert named.snippet == "Tom Tailoring — Blue\x02sailor\x03s Ltd" and named.is_customer
    assert [hit.interaction_id for hit in search.search("SAILOR CLUB", limit=2)] == notes[:2]  # two words, no names


def test_notes_of_a_customer_in_the_trash_are_not_found_and_come_back_with_them(journal):
    """On both backends, whichever way a note comes to belong to a customer in
    the trash (on a server the index leaves out their notes, so a search walks
    it alone)."""
    from journal.storage.models import Interaction

    ada, bob = customer("Ada Lovelace"), customer("Bob Builder")
    kept = log(ada, summary="Walnut shelf").id
    moved = log(bob, summary="Walnut table").id

    def found():
        return [(hit.interaction_id, hit.customer_name) for hit in search.search("walnut")]

    assert found() == [(moved, "Bob Builder"), (kept, "Ada Lovelace")]
    customers.delete_customer(ada.id)
    assert found() == [(moved, "Bob Builder")]
    Interaction.update(customer=ada.id).where(Interaction.id == moved).execute()  # a note moved into the trash
    assert found() == []
    customers.restore_customer(ada.id)
    assert found() == [(moved, "Ada Lovelace"), (kept, "Ada Lovelace")]
    customers.delete_customers([ada.id, bob.id])
    assert found() == []
    customers.restore_customers([ada.id, bob.id])
    Interaction.update(customer=bob.id).where(Interaction.id == moved).execute()
    assert found() == [(moved, "Bob Builder"), (kept, "Ada Lovelace")]
