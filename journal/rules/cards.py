"""Thank-you card lists: who should get a card for an occasion, one personal
message each from the owner's template, and marking the cards as sent — each
becomes a thank-you card or welcome-kit note on the customer's timeline and
acknowledges the purchases and referrals it thanks for, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import jinja2
from jinja2 import meta
from nameparser import HumanName
from peewee import JOIN, Case, Tuple, chunked

from journal.writes import settings as settings_service
from journal.writes.customers import customer_since
from journal.errors import JournalError, ValidationError
from journal.rules.kinds import REFERRED
from journal.rules.lately import WELCOME_WINDOW_DAYS, tenure_words
from journal.storage.models import Company, Connection, Customer, CustomerSummary, Interaction, Purchase, now

PURCHASES, WELCOME, QUARTERLY, REFERRALS, HAND = "purchases", "welcome", "quarterly", "referrals", "hand"
OCCASIONS = {
    PURCHASES: "Purchases not yet thanked",
    WELCOME: "New customers to welcome",
    QUARTERLY: "Quarterly appreciation",
    REFERRALS: "Referrals to thank",
    HAND: "Chosen by hand",
}
PLACEHOLDERS = {
    "salutation": "how to greet them: \u201cMr. Perkins\u201d for \u201cMr. Elijah Perkins Jr.\u201d, else "
                  "their first name",
    "first_name": "their first name", "last_name": "their last name", "title": "their title (Mr., Dr.…)",
    "name": "their full name", "company": "their company",
    "tenure": "how long they have been a customer, in words (\u201cfive years\u201d)",
    "is_return_customer": "true for a customer who has bought before or for a year or more",
    "last_product": "what they bought last", "account_manager": "their account manager",
    "account_manager_phone": "the account manager's phone", "owner_name": "your name",
    "business_name": "your business", "signature": "your signature", "occasion": "the occasion's key",
    "referred_names": "whom they referred",
}


@dataclass
class Card:
    customer_id: int
    name: str
    address: str
    occasion: str
    message: str
    purchase_ids: tuple[int, ...] = ()
    connection_ids: tuple[int, ...] = ()
    edited: bool = False
    context: dict = field(default_factory=dict, repr=False)

    @property
    def kind(self) -> str:
        return "welcome_kit" if self.occasion == WELCOME else "thank_you_card"

    @property
    def has_address(self) -> bool:
        return bool(self.address.strip())


# Business names greet as a whole ("Dear Bäckerei Müller GmbH,", not "Dear Bäckerei,").
_COMPANY_WORDS = {"gmbh", "ltd", "limited", "inc", "llc", "llp", "plc", "ag", "sa", "sarl", "bv", "nv", "co", "corp",
                  "kg", "ohg", "ug", "srl", "spa", "pty", "oy", "ab", "as", "aps", "e.v", "ev"}
# Titles used with the first name ("Sir Patrick"), not the last.
_FIRST_NAME_TITLES = {"sir", "dame"}


def name_parts(name: str) -> dict[str, str]:
    """first_name, last_name, title and salutation from a full name, by
    nameparser: "Mr. Elijah Perkins Jr." greets as "Mr. Perkins", "Ada
    Lovelace" as "Ada", "Perkins, Elijah" as "Elijah"; never a bare title."""
    name = " ".join((name or "").split())
    words = [w.strip(".,").casefold() for w in name.split()]
    if len(words) > 1 and words[-1] in _COMPANY_WORDS:
        return {"first_name": name, "last_name": "", "title": "", "salutation": name}
    parsed = HumanName(name)
    title, first, last = parsed.title.strip(), parsed.first.strip(), parsed.last.strip()
    if title and title.casefold().rstrip(".") in _FIRST_NAME_TITLES and first:
        salutation = f"{title} {first}"
    elif title and last:
        salutation = f"{title} {last}"
    elif first and not (len(first) <= 2 and first.endswith(".")):  # "J. R. R. Tolkien" is not "Dear J.,"
        salutation = first
    else:
        without_title = " ".join(p for p in (first, parsed.middle, last, parsed.suffix) if p).strip()
        salutation = without_title or "Sir or Madam"
    return {"first_name": first or salutation, "last_name": last, "title": title, "salutation": salutation}


_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)


def check_template(text: str) -> jinja2.Template:
    """The template, or a ValidationError naming the unknown placeholder or the
    syntax error — before anything is rendered or printed."""
    try:
        parsed = _ENV.parse(text)
    except jinja2.TemplateSyntaxError as error:
        raise ValidationError("card_template", f"line {error.lineno}: {error.message}") from None
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(PLACEHOLDERS))
    if unknown:
        known = ", ".join(PLACEHOLDERS)
        raise ValidationError("card_template", f"unknown placeholder {{{{ {unknown[0]} }}}} (known: {known})")
    return _ENV.from_string(text)


def render(template: jinja2.Template, context: dict) -> str:
    try:
        text = template.render(**context)
    except jinja2.TemplateError as error:
        raise ValidationError("card_template", str(error)) from None
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return "\n".join(lines)


def build_cards(occasion: str, *, start: date | None = None, end: date | None = None,
                customer_ids=(), template: str | None = None, today: date | None = None) -> list[Card]:
    """One card per recipient for the occasion, with its personalised message."""
    if occasion not in OCCASIONS:
        raise ValidationError("occasion", f"unknown occasion {occasion!r}")
    today = today or date.today()
    owner = settings_service.get_settings()
    compiled = check_template(template if template is not None else owner.card_template)
    recipients = _recipients(occasion, start, end, tuple(customer_ids), today)
    ids = list(recipients)
    people = _people(ids)
    last_products = _last_products(ids)
    referred = sorted({r for _, _, people_referred in recipients.values() for r in people_referred})
    names = {}
    for part in chunked(referred, _CHUNK):
        names.update(Customer.select(Customer.id, Customer.name).where(Customer.id.in_(part)).tuples())
    cards = []
    for cid in sorted(ids, key=lambda c: people[c].name.casefold()):
        person = people[cid]
        purchase_ids, connection_ids, their_referrals = recipients[cid]
        since = customer_since(person.customer_since, person.first_purchase_on, person.created_at, person.stage)
        tenure_days = (today - since).days if since else 0
        bought = person.purchase_count or 0
        is_return = bought >= 2 or bool(bought and tenure_days >= 365)
        context = {
            **name_parts(person.name), "name": person.name,
            "company": person.company_name or "",
            "tenure": tenure_words(max(tenure_days, 1)) if since else "",
            "is_return_customer": is_return, "last_product": last_products.get(cid, ""),
            "account_manager": person.account_manager, "account_manager_phone": person.account_manager_phone,
            "owner_name": owner.owner_name, "business_name": owner.business_name, "signature": owner.signature,
            "occasion": occasion, "referred_names": ", ".join(names.get(r, "someone") for r in their_referrals),
        }
        cards.append(Card(cid, person.name, person.address, occasion, render(compiled, context),
                          tuple(purchase_ids), tuple(connection_ids), context=context))
    return cards


def rerender(cards: list[Card], template: str) -> list[Card]:
    """New messages from an edited template; cards edited by hand keep their text."""
    compiled = check_template(template)
    return [card if card.edited else replace(card, message=render(compiled, card.context)) for card in cards]


def _recipients(occasion, start, end, chosen, today) -> dict[int, tuple[list, list, list]]:
    """customer id -> (purchase ids it thanks for, connection ids, referred customer ids)."""
    live = (Customer.deleted_at.is_null()) & (Customer.archived == False)  # noqa: E712
    result: dict[int, tuple[list, list, list]] = {}
    if occasion == PURCHASES:
        query = (Purchase.select(Purchase.id, Purchase.customer_id).join(Customer)
                 .where(live, Purchase.thanked_by.is_null(), Purchase.deleted_at.is_null()))
        if start:
            query = query.where(Purchase.purchased_on >= start)
        if end:
            query = query.where(Purchase.purchased_on <= end)
        for pid, cid in query.tuples():
            result.setdefault(cid, ([], [], []))[0].append(pid)
    elif occasion == REFERRALS:
        query = (Connection.select(Connection.id, Connection.source_id, Connection.target_id)
                 .join(Customer, on=(Connection.source == Customer.id))
                 .where(live, Connection.kind == REFERRED, Connection.thanked_by.is_null(),
                        Connection.deleted_at.is_null()))
        for conn, source, target in query.tuples():
            entry = result.setdefault(source, ([], [], []))
            entry[1].append(conn)
            entry[2].append(target)
    elif occasion == WELCOME:
        window = today - timedelta(days=WELCOME_WINDOW_DAYS)
        query = (Customer.select(Customer.id, Customer.customer_since, CustomerSummary.first_purchase_on,
                                 CustomerSummary.last_welcome_at)
                 .join(CustomerSummary, on=(CustomerSummary.customer == Customer.id))
                 .where(live, Customer.stage == "customer", CustomerSummary.first_purchase_on >= window))
        for cid, since, first, welcomed in query.tuples():
            if (since is None or since >= first) and (welcomed is None or welcomed.date() < first):
                result[cid] = ([], [], [])
    elif occasion == QUARTERLY:
        for (cid,) in Customer.select(Customer.id).where(live, Customer.stage == "customer").tuples():
            result[cid] = ([], [], [])
    else:
        for (cid,) in Customer.select(Customer.id).where(live, Customer.id.in_(chosen)).tuples():
            result[cid] = ([], [], [])
    return result


# Ids per IN list: the whole list at once would pass SQLite's and PostgreSQL's
# limits on parameters at tens of thousands of recipients.
_CHUNK = 500


def _people(ids) -> dict:
    """What a card needs of each recipient, read in a few queries (not one per
    card for the company)."""
    people = {}
    for part in chunked(ids, _CHUNK):
        query = (Customer.select(Customer.id, Customer.name, Customer.address, Customer.customer_since,
                                 Customer.created_at, Customer.stage, Customer.account_manager,
                                 Customer.account_manager_phone, Company.name.alias("company_name"),
                                 CustomerSummary.first_purchase_on, CustomerSummary.purchase_count)
                 .join(Company, JOIN.LEFT_OUTER, on=(Customer.company == Company.id))
                 .switch(Customer)
                 .join(CustomerSummary, JOIN.LEFT_OUTER, on=(CustomerSummary.customer == Customer.id))
                 .where(Customer.id.in_(part)))
        people.update((row.id, row) for row in query.namedtuples())
    return people


def _last_products(ids) -> dict[int, str]:
    """customer id -> what they bought last."""
    result = {}
    for part in chunked(ids, _CHUNK):
        rows = (Purchase.select(Purchase.customer_id, Purchase.product)
                .where(Purchase.customer.in_(part), Purchase.deleted_at.is_null())
                .order_by(Purchase.purchased_on, Purchase.id).tuples())
        result.update(rows)
    return result


@dataclass(frozen=True)
class SentCards:
    """What mark_sent() recorded, so that unmark_sent() can take it back."""

    written: int  # cards newly put on a timeline
    interaction_ids: tuple[int, ...]  # those timeline entries
    # (Purchase or Connection, row id, interaction id): each purchase and referral
    # this marking acknowledged, whatever entry (new or already there) thanks for it
    acknowledged: tuple[tuple[type, int, int], ...]
    customer_ids: tuple[int, ...]


def mark_sent(cards: list[Card], sent_on: date | None = None, progress=None) -> SentCards:
    """Record every card on its customer's timeline and acknowledge what it
    thanks for, all in one transaction. A card already recorded (same customer,
    kind, day and text) is not recorded again. What it changed: run it inside
    changes.recording() (the window's command does). `progress(done, total)`
    hears how many cards are written; raising Cancelled there keeps nothing."""
    from journal.writes import changes, interactions
    from journal.reads import summary

    from journal.rules import validate

    if not isinstance(cards, (list, tuple)) or not all(isinstance(card, Card) for card in cards):
        raise ValidationError("cards", "must be a list of cards")
    for card in cards:
        validate.ident("customer", card.customer_id)
        validate.idents("purchase", card.purchase_ids)
        validate.idents("connection", card.connection_ids)
        validate.text("message", card.message, max_len=100_000)
    sent_on = validate.as_date("sent on", sent_on, required=False) or date.today()
    moment = datetime.combine(sent_on, time(12)) if sent_on != date.today() else now()
    day_start = datetime.combine(sent_on, time.min)
    customer_ids = tuple(dict.fromkeys(c.customer_id for c in cards))
    with changes.recording():
        # Cards already on a timeline (same customer, kind, day and text) are not recorded again.
        existing: dict[tuple, int] = {}
        kinds = sorted({card.kind for card in cards})
        for part in chunked(customer_ids, _CHUNK):
            query = (Interaction.select(Interaction.id, Interaction.customer_id, Interaction.kind, Interaction.notes)
                     .where(Interaction.customer.in_(part), Interaction.kind.in_(kinds),
                            Interaction.deleted_at.is_null(), Interaction.occurred_at >= day_start,
                            Interaction.occurred_at < day_start + timedelta(days=1))
                     .order_by(Interaction.id))
            for row_id, cid, kind, notes in query.tuples():
                existing.setdefault((cid, kind, notes), row_id)
        new: dict[tuple, int] = {}  # what is written now -> its place in `entries`
        entries = []
        for card in cards:
            key = (card.customer_id, card.kind, card.message)
            if key not in existing and key not in new:
                new[key] = len(entries)
                title = "Welcome kit sent" if card.kind == "welcome_kit" else "Thank-you card sent"
                entries.append((card.customer_id, dict(kind=card.kind, direction="out", summary=title,
                                                       notes=card.message)))
        made = interactions.log_many(entries, moment, progress)
        existing.update((key, made[at]) for key, at in new.items())
        entry_of = [existing[(card.customer_id, card.kind, card.message)] for card in cards]

        # What each card names and is still waiting for thanks, thanked by that card's entry
        # (the first card that names it). A thank-you just written took its customer's own already.
        thanked_by: dict[type, dict[int, int]] = {}
        for model, named in ((Purchase, "purchase_ids"), (Connection, "connection_ids")):
            owner: dict[int, int] = {}
            for card, entry in zip(cards, entry_of):
                for row in getattr(card, named):
                    owner.setdefault(row, entry)
            waiting = []
            for part in chunked(sorted(owner), _CHUNK):
                waiting += [r for (r,) in model.select(model.id)
                            .where(model.id.in_(part), model.thanked_by.is_null()).tuples()]
            changes.watch(model, *waiting, fields=("thanked_by",))
            for part in chunked(waiting, 300):  # an IN list and a CASE: within 999 parameters
                model.update(thanked_by=Case(model.id, [(r, owner[r]) for r in part])) \
                    .where(model.id.in_(part), model.thanked_by.is_null()).execute()
            thanked_by[model] = {r: owner[r] for r in waiting}
        acknowledged = []
        for card, entry in zip(cards, entry_of):
            for model, named in ((Purchase, card.purchase_ids), (Connection, card.connection_ids)):
                for row in sorted(named):
                    if thanked_by[model].pop(row, None) == entry:
                        acknowledged.append((model, row, entry))
        summary.refresh(*customer_ids)
    return SentCards(len(made), tuple(made), tuple(acknowledged), customer_ids)


def _check_sent(sent) -> None:
    from journal.rules import validate

    if not isinstance(sent, SentCards):
        raise ValidationError("cards", f"{type(sent).__name__} is not a record of cards sent")
    _exist(Interaction, "interaction", validate.idents("interaction", sent.interaction_ids))
    _exist(Customer, "customer", validate.idents("customer", sent.customer_ids))
    named = {Purchase: set(), Connection: set(), Interaction: set()}
    for entry in sent.acknowledged:
        if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] in (Purchase, Connection)):
            raise ValidationError("cards", f"{validate.shown(entry)} is not something a card thanks for")
        row, interaction_id = validate.idents("acknowledged", entry[1:])
        named[entry[0]].add(row)
        named[Interaction].add(interaction_id)
    for model, ids in named.items():  # a few queries, however many were acknowledged
        _exist(model, model.__name__.lower(), ids)


def _exist(model, what: str, ids) -> None:
    """A record of cards sent names rows that are still there (emptying the trash removes them)."""
    wanted = sorted(set(ids))
    found = set()
    for part in chunked(wanted, _CHUNK):
        found.update(r for (r,) in model.select(model.id).where(model.id.in_(part)).tuples())
    if missing := [r for r in wanted if r not in found]:
        raise ValidationError(what, f"there is no {what} with id {missing[0]}")


def unmark_sent(sent: SentCards) -> None:
    """Undo mark_sent(): its timeline entries go to the trash (which releases
    what they thanked for) and what it acknowledged is waiting for thanks again."""
    from journal.writes import changes, interactions

    with changes.recording():  # checked inside: the trash could be emptied in between
        _check_sent(sent)
        interactions.delete_interactions(sent.interaction_ids)  # (their customers' summaries too)
        for model, acknowledged in _by_model(sent.acknowledged).items():
            for part in chunked(acknowledged, _CHUNK // 2):  # (row, entry) pairs: within 999 parameters
                still = Tuple(model.id, model.thanked_by).in_(part)  # still thanked by the entry that thanked it
                changes.watch_where(model, still, fields=("thanked_by",))
                model.update(thanked_by=None).where(still).execute()


def remark_sent(sent: SentCards) -> None:
    """Redo mark_sent() after unmark_sent(): the same entries come back from the trash."""
    from journal.writes import changes, interactions

    with changes.recording():  # checked inside: the trash could be emptied in between
        _check_sent(sent)
        interactions.restore_interactions(sent.interaction_ids)  # (their customers' summaries too)
        for model, acknowledged in _by_model(sent.acknowledged).items():
            for part in chunked(acknowledged, _CHUNK // 2):
                waiting = model.id.in_([row for row, _ in part]) & model.thanked_by.is_null()
                changes.watch_where(model, waiting, fields=("thanked_by",))
                # A row named twice is thanked by the first entry naming it, as one after the other would.
                model.update(thanked_by=Case(model.id, part)).where(waiting).execute()


def _by_model(acknowledged) -> dict:
    """(row, entry) pairs of each table, in the order recorded."""
    pairs: dict = {}
    for model, row, interaction_id in acknowledged:
        pairs.setdefault(model, []).append((row, interaction_id))
    return pairs


def address_lines(address: str) -> list[str]:
    return [line.strip() for line in (address or "").splitlines() if line.strip()]


def export_csv(cards: list[Card], path: Path) -> None:
    """For a word processor's mail merge: one row a card, with the greeting, the
    whole address in one multi-line field and in lines 1…N, N the longest
    address in this batch (so none loses its country). Cells are safe for
    spreadsheets and the file is the owner's only."""
    from journal.io.exports import SafeWriter, open_private

    partial = Path(path).with_name(Path(path).name + ".partial")
    longest = max([len(address_lines(card.address)) for card in cards] + [1])
    try:
        with open_private(partial, encoding="utf-8-sig") as handle:
            out = SafeWriter(handle)
            out.writerow(["name", "salutation", "address", *[f"address_line_{n}" for n in range(1, longest + 1)],
                          "message", "has_address"])
            for card in cards:
                lines = address_lines(card.address)
                greeting = card.context.get("salutation") or name_parts(card.name)["salutation"]
                out.writerow([card.name, greeting, "\n".join(lines), *(lines + [""] * longest)[:longest],
                              card.message, "yes" if card.has_address else "NO ADDRESS"])
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise JournalError(f"Could not write {path}: {error}") from error


