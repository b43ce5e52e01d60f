"""Drafts on a team journal are each person's own (journal.writes.drafts:
the key carries the login role), and a merge rewrites every person's card
draft that names the customer merged away, not only the merging person's."""

import json

from journal.storage.models import Draft, me
from journal.writes import drafts, merge

from .helpers import customer


def test_a_draft_is_keyed_by_the_person_on_a_server_and_by_the_dialog_in_a_file(journal, backend):
    drafts.save_draft(drafts.QUICK_CAPTURE, {"summary": "half typed"})
    [key] = [k for (k,) in Draft.select(Draft.key).tuples()]
    who = me()
    assert (who is None) == (backend == "sqlite")
    assert key == (f"quick_capture@{who}" if who else "quick_capture")
    assert drafts.load_draft(drafts.QUICK_CAPTURE) == {"summary": "half typed"}


def test_a_merge_rewrites_a_colleagues_card_draft_too(journal):
    keep, other = customer("Jon Smith"), customer("Smith, John")
    drafts.save_draft(drafts.THANK_YOU_CARDS, {"messages": [[other.id, "purchases", "Mine"]], "hand_picked": []})
    Draft.create(key="thank_you_cards@ben", payload=json.dumps(  # as ben's Lately saved his
        {"messages": [[other.id, "hand", "Ben's words"]], "hand_picked": [other.id]}))
    merge.merge_customers(keep.id, other.id)
    assert drafts.load_draft(drafts.THANK_YOU_CARDS)["messages"] == [[keep.id, "purchases", "Mine"]]
    bens = json.loads(Draft.get_by_id("thank_you_cards@ben").payload)
    assert bens == {"messages": [[keep.id, "hand", "Ben's words"]], "hand_picked": [keep.id]}
