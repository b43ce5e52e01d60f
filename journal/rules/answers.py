"""What answers an item of the Lately list: the thank-you card occasion its
reason calls for, and the writes that complete it when a note about it is
logged. The panel and the main window ask these; they decide nothing themselves."""

from __future__ import annotations

from dataclasses import dataclass

from journal.rules.kinds import INTRODUCED


@dataclass(frozen=True)
class CardOccasion:
    """A card list to open for an item: the occasion, and whether every
    unthanked purchase counts however old (a purchase item can be months old)."""

    occasion: str
    every_date: bool = False


def card_occasion(reason: str) -> CardOccasion | None:
    """The card occasion that answers `reason`; None when a card chosen by hand fits best."""
    from journal.rules import cards

    if reason in ("unthanked_purchase", "return_customer"):
        return CardOccasion(cards.PURCHASES, every_date=True)
    if reason == "welcome":
        return CardOccasion(cards.WELCOME)
    if reason == "referral_unthanked":
        return CardOccasion(cards.REFERRALS)
    return None


@dataclass(frozen=True)
class FollowUpDone:
    """The promised follow-up is done."""

    interaction_id: int


@dataclass(frozen=True)
class Introduce:
    """The introduction suggested was made: a connection of kind 'introduced'."""

    source_id: int
    target_id: int
    kind: str = INTRODUCED


def completing_writes(item, customer_id: int) -> list[FollowUpDone | Introduce]:
    """The writes that a note logged for `customer_id` about `item` completes,
    in the same undo step as the note. A note about someone else answers nothing
    of this item (the person logging changed the customer in the dialog)."""
    if customer_id != item.customer_id:
        return []
    if item.reason == "follow_up_due" and item.ref_id is not None:
        return [FollowUpDone(item.ref_id)]
    if item.reason == "introduction" and item.other_customer_id is not None:
        return [Introduce(customer_id, item.other_customer_id)]
    return []
