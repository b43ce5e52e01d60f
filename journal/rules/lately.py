"""What have I done for them lately? The rules that turn the journal into a
ranked list of whom to attend to, why, and what to do.

gather() reads what the rules need in a few set-based queries (the
per-customer summary row carries the per-customer facts; SQL works out each
customer's cadence and the days of their facts: journal.reads.attention_facts);
evaluate() is pure Python over those inputs, so each rule is tested on
hand-made journals and the benchmark can feed it from raw SQL.

Who the rules look at: archived and deleted customers never appear. Every
rule applies to customers; prospects get follow-ups, unanswered runs,
referral thanks and introductions; former customers only follow-ups and
referral thanks (a former customer who sends someone still deserves thanks)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from typing import NamedTuple

from journal.writes import settings
from journal.rules import words
from journal.writes.customers import OVERDUE, cadence_level, interest_topics
from journal.rules.kinds import KINDS
from journal.reads import attention_facts
from journal.storage.models import Customer, Snooze, database, is_server, parsers, raw_rows, to_date, upsert

THANK_GRACE_DAYS = 3  # a purchase is "not yet thanked" once it is more than this old
WELCOME_WINDOW_DAYS = 30
NEVER_CONTACTED_GRACE_DAYS = 14
UNANSWERED_RUN = 2
FEEDBACK_EVERY_DAYS = 365
REFERRAL_MEMORY_DAYS = 365
MAX_INTRODUCTIONS = 25

# reason key -> (label for the panel, base priority)
REASONS = {
    "never_contacted": ("Never contacted since the first sale", 90),
    "follow_up_due": ("Follow-up due", 85),
    "unthanked_purchase": ("Purchase not thanked", 80),
    "return_customer": ("Return customer to recognise", 75),
    "referral_unthanked": ("Referral not thanked", 70),
    "welcome": ("New customer to welcome", 65),
    "unanswered": ("No answer to your calls", 60),
    "cadence": ("Stay-in-touch cadence passed", 45),
    "only_reactive_sales": ("Only problems and sales lately", 50),
    "no_feedback": ("No feedback asked in a year", 30),
    "introduction": ("Introduction worth making", 20),
}


class AttentionItem(NamedTuple):
    customer_id: int
    customer_name: str
    company: str
    reason: str
    title: str
    evidence: str
    suggestion: str
    action_kind: str  # the interaction kind that answers it, to prefill quick capture
    priority: float
    since: date | None = None
    level: str | None = None  # DUE or OVERDUE for the cadence rule
    ref_id: int | None = None  # the purchase, interaction or connection it is about
    other_customer_id: int | None = None  # the other side of an introduction

    @property
    def reason_label(self) -> str:
        return REASONS[self.reason][0]

    @property
    def log_summary(self) -> str:
        """A first line for the note that answers this item."""
        if self.reason == "follow_up_due":
            return "Followed up: " + self.evidence.split("“", 1)[-1].split("”", 1)[0]
        if self.reason == "introduction":
            return self.suggestion.replace("Introduce", "Introduced", 1)
        return _LOG_SUMMARIES.get(self.action_kind, KINDS[self.action_kind].label)

    @property
    def snooze_key(self) -> str:
        """What a snooze hides: the reason, or for introductions the pair."""
        if self.reason == "introduction":
            return f"introduction:{self.other_customer_id}"
        if self.reason == "follow_up_due":
            return f"follow_up_due:{self.ref_id}"
        return self.reason


_LOG_SUMMARIES = {
    "thank_you_card": "Sent a thank-you card", "welcome_kit": "Sent a welcome kit", "check_in": "Checked in",
    "article": "Sent an article", "feedback": "Asked how we could do better", "gift": "Sent a small gift",
    "call": "Called", "email": "Emailed", "meeting": "Met", "message": "Sent a message",
}


class CustomerFacts(NamedTuple):
    """One customer's facts as the rules read them. The `_at` facts are the
    calendar days of those moments: every rule counts whole days."""
    id: int
    name: str
    company: str
    stage: str
    channel: str
    since: date | None
    cadence_days: int
    interests: tuple[str, ...]
    account_manager: str
    last_outbound_at: date | None
    last_value_at: date | None
    last_value_kind: str | None
    last_feedback_at: date | None
    last_welcome_at: date | None
    last_reactive_sales_at: date | None
    unanswered_count: int
    first_unanswered_at: date | None
    first_purchase_on: date | None
    lifetime_cents: int


class Person(NamedTuple):
    """Someone who could be introduced: their rank in a topic's circle (see
    circle_rank) and the topics (interests and tags) they could be introduced on."""
    rank: tuple
    topics: frozenset[str]


@dataclass(frozen=True)
class Circle:
    """What the introductions read about the members of the topics' circles."""
    names: dict[int, tuple[str, str]]  # customer -> (name, company)
    connected: dict[int, set[int]]  # customer -> the circle members they are connected to, either way
    snoozed: dict[int, set[str]]


@dataclass
class Inputs:
    """What the rules read, by customer, so one customer's part can be read
    again and replaced after a change (journal.rules.attention). Read, used and
    let go: the attention state keeps only what introductions and the health
    figures need again."""

    customers: dict[int, CustomerFacts]
    unthanked_purchases: dict[int, list[tuple[date, int, str]]]  # customer -> (date, purchase, product)
    follow_ups: dict[int, list[tuple[int, date, str, str]]]  # customer -> (interaction, due, summary, kind)
    # referrer -> (date, connection, referred, the referred's name; None if archived or deleted)
    unthanked_referrals: dict[int, list[tuple[date, int, int, str | None]]]
    snoozed: dict[int, set[str]]  # customer -> snooze keys
    health_codes: dict[int, int]  # every customer at the customer stage -> their part in the health figures (health_codes)
    people: dict[int, Person]  # who could be introduced, the most valuable first after a full gather
    members: dict[str, set[int]] | None = None  # topic -> its people (a full gather only)
    circles: dict[str, list[int]] | None = None  # topic -> its few most valuable people (a full gather only)
    circle: Circle | None = None  # what the introductions read about them (a full gather only)


def gather(today: date, customer_ids=None) -> Inputs:
    """The rules' inputs for every customer, or for `customer_ids` (their
    referrals as the referrer). Call inside db.snapshot() to read them as of one
    moment."""
    ids = None if customer_ids is None else sorted(customer_ids)
    default = settings.get_settings().default_cadence_days
    facts = build_facts(raw_rows(attention_facts.customers(default, ids)))
    inputs = _small_inputs(today, ids)
    inputs.customers = facts
    inputs.health_codes = health_codes(facts, today)
    inputs.people = _people(facts, _tags(ids))
    if ids is None:
        inputs.members, inputs.circles = topic_index(inputs.people)
        inputs.circle = read_circle(today, inputs.circles, facts, inputs.snoozed)
    return inputs


def _small_inputs(today: date, ids) -> Inputs:
    """Inputs with everything but the customers' facts, health codes and people."""
    purchases = raw_rows(attention_facts.unthanked_purchases(today - timedelta(days=THANK_GRACE_DAYS), ids))
    follow_ups = raw_rows(attention_facts.follow_ups_due(today, ids))
    referrals = raw_rows(attention_facts.unthanked_referrals(today - timedelta(days=REFERRAL_MEMORY_DAYS), ids))
    return Inputs(
        customers={},
        unthanked_purchases=_by_customer((c, (to_date(on), p, name)) for c, on, p, name in purchases),
        follow_ups=_by_customer((c, (i, to_date(on), text, kind)) for c, i, on, text, kind in follow_ups),
        unthanked_referrals=_by_customer((s, (to_date(on), c, t, n)) for s, on, c, t, n in referrals),
        snoozed=_by_customer(raw_rows(attention_facts.snoozes(today, ids)), set),
        health_codes={},
        people={},
    )


def _by_customer(pairs, kind=list) -> dict:
    result = defaultdict(kind)
    add = (lambda key, value: result[key].append(value)) if kind is list else (lambda key, value: result[key].add(value))
    for key, value in pairs:
        add(key, value)
    return dict(result)


def _tags(customer_ids=None) -> dict[int, tuple[str, ...]]:
    result = defaultdict(list)
    for cid, name in raw_rows(attention_facts.tags(customer_ids)):
        result[cid].append(name.lower())
    return {cid: tuple(names) for cid, names in result.items()}


def _person(c: CustomerFacts, tags: dict[int, tuple[str, ...]], shared: dict) -> Person | None:
    """Who could be introduced; the many customers with the same topics share one set of them."""
    if c.stage != "customer" and c.stage != "prospect":
        return None
    key = (c.interests, tags.get(c.id, ()))
    topics = shared.get(key)
    if topics is None:
        topics = shared[key] = frozenset(c.interests) | frozenset(key[1])
    return Person((c.stage != "customer", -c.lifetime_cents, c.id), topics) if topics else None


def _ranked(people: list[Person]) -> dict[int, Person]:
    """By customer, the most valuable first (circle_rank). One integer per person
    sorts several times faster than the rank tuples (lifetimes and ids are far below 2**62)."""
    people.sort(key=lambda p: (p.rank[0] << 126) + ((p.rank[1] + (1 << 62)) << 63) + p.rank[2])
    return {person.rank[2]: person for person in people}


def _people(facts: dict[int, CustomerFacts], tags: dict[int, tuple[str, ...]]) -> dict[int, Person]:
    shared = {}
    return _ranked([p for p in (_person(c, tags, shared) for c in facts.values()) if p is not None])


def _health_code(c: CustomerFacts, t: int) -> int:
    first = c.first_purchase_on
    return (1 + (2 if c.last_value_at and t - c.last_value_at.toordinal() < c.cadence_days else 0)
            + (4 if first and (c.last_outbound_at is None or c.last_outbound_at < first) else 0))


def health_codes(facts: dict[int, CustomerFacts], today: date) -> dict[int, int]:
    """Each customer's part in the health figures: 1 for a customer (not a
    prospect nor a former one), plus 2 if they had value from us within their
    cadence, plus 4 if they have not heard from us since their first sale."""
    t = today.toordinal()
    return {c.id: _health_code(c, t) for c in facts.values() if c.stage == "customer"}


def build_facts(rows) -> dict[int, CustomerFacts]:
    """CustomerFacts from attention_facts.customers rows (shared with the benchmark)."""
    return {c.id: c for c in _facts(rows)}


def _facts(rows):
    """CustomerFacts one at a time from attention_facts.customers rows."""
    d = (lambda v: v) if is_server() else parsers("")[1]  # days: ISO text in SQLite, dates from the server
    for (cid, name, company, stage, channel, since, cadence, interests, manager, last_out, last_value,
         last_value_kind, last_feedback, last_welcome, last_rs, unanswered, first_unanswered, first_purchase,
         lifetime) in rows:
        yield CustomerFacts(
            cid, name, company, stage, channel, since and d(since), cadence, interest_topics(interests), manager,
            last_out and d(last_out), last_value and d(last_value), last_value_kind,
            last_feedback and d(last_feedback), last_welcome and d(last_welcome), last_rs and d(last_rs),
            unanswered, first_unanswered and d(first_unanswered), first_purchase and d(first_purchase), lifetime)


@dataclass
class Everything:
    """The rules run for everyone (everyone()): what journal.rules.attention keeps."""
    by_customer: dict[int, list[AttentionItem]]  # every customer's items but introductions
    introductions: list[AttentionItem]
    health_codes: dict[int, int]
    people: dict[int, Person]
    members: dict[str, set[int]]
    circles: dict[str, list[int]]


def everyone(today: date) -> Everything:
    """Every customer's items, from one pass over the customers as the database
    returns them: no customer's facts are kept once their items are made (at
    50,000 customers, holding everyone's facts at once was most of the memory
    the list took to make). Call inside db.snapshot()."""
    inputs = _small_inputs(today, None)
    by_customer, codes, people, shared = {}, {}, [], {}
    t = today.toordinal()
    tags = _tags()
    rows = database.execute(attention_facts.customers(settings.get_settings().default_cadence_days))
    for c in _facts(rows):
        found = _items_of(c, inputs, today)
        if found:
            by_customer[c.id] = found
        if c.stage == "customer":
            codes[c.id] = _health_code(c, t)
        person = _person(c, tags, shared)
        if person is not None:
            people.append(person)
    people = _ranked(people)
    members, circles = topic_index(people)
    circle = read_circle(today, circles, snoozed=inputs.snoozed)
    return Everything(by_customer, introductions(people, circles, circle), codes, people, members, circles)


def attention_items(today: date | None = None) -> list[AttentionItem]:
    today = today or date.today()
    from journal.storage.db import snapshot

    with snapshot():  # one consistent view
        found = everyone(today)
    items = [i for items in found.by_customer.values() for i in items] + found.introductions
    items.sort(key=sort_key)
    return items


def sort_key(item: AttentionItem):
    """Most pressing first; ties broken down to the customer, so the order never
    depends on the order the rows were read in."""
    return (-item.priority, item.customer_name.lower(), item.reason, item.ref_id or 0, item.customer_id,
            item.other_customer_id or 0)


def evaluate(inputs: Inputs, today: date) -> list[AttentionItem]:
    """Every item from a full gather()."""
    items: list[AttentionItem] = []
    for cid in inputs.customers:
        items += customer_items(inputs, cid, today)
    items += introductions(inputs.people, inputs.circles, inputs.circle)
    items.sort(key=sort_key)
    return items


def customer_items(inputs: Inputs, cid: int, today: date) -> list[AttentionItem]:
    """Every item about one customer but introductions (which weigh everyone against each other)."""
    c = inputs.customers.get(cid)
    return [] if c is None else _items_of(c, inputs, today)


def _items_of(c: CustomerFacts, inputs: Inputs, today: date) -> list[AttentionItem]:
    cid = c.id
    items = []
    bought = inputs.unthanked_purchases.get(cid)
    if bought and c.stage == "customer":
        items.append(_purchase_item(c, bought, today))
    for iid, due, summary_text, kind in sorted(inputs.follow_ups.get(cid, ())):  # whatever order SQL gave
        items.append(_follow_up_item(c, iid, due, summary_text, kind, today))
    referred = inputs.unthanked_referrals.get(cid)
    if referred:
        items.append(_referral_item(c, referred, today))
    items += _customer_rules(c, today)
    snoozed = inputs.snoozed.get(cid)
    if snoozed:
        items = [i for i in items if i.snooze_key not in snoozed]
    return items


def _item(c: CustomerFacts, reason: str, evidence: str, suggestion: str, action_kind: str, urgency_days: int = 0,
          *, title=None, since=None, level=None, ref_id=None, other_customer_id=None) -> AttentionItem:
    label, base = REASONS[reason]
    priority = base + min(max(urgency_days, 0), 60) / 6
    return AttentionItem(c.id, c.name, c.company, reason, title or label, evidence, suggestion, action_kind, priority,
                         since, level, ref_id, other_customer_id)


def _on(day) -> str:
    """A day in the user's format ('5 Mar 2026', 'Mar 5, 2026'); see journal.rules.words."""
    return words.day(day)


def _days(since, today) -> int:
    """Whole days from `since` (a date or datetime) to `today`."""
    return today.toordinal() - since.toordinal()


def tenure_words(days: int) -> str:
    """'five years', 'a year', 'eight months': the way a person says it on a card."""
    names = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    years = days // 365
    if years >= 1:
        return "a year" if years == 1 else f"{names[years] if years < len(names) else years} years"
    months = max(days // 30, 1)
    return "a month" if months == 1 else f"{names[months]} months"


def _purchase_item(c: CustomerFacts, purchases: list[tuple[date, int, str]], today: date) -> AttentionItem:
    """One item per customer with unthanked purchases: recognising a return
    customer when any of them is a repeat, else a plain thank-you."""
    purchases = sorted(purchases)
    oldest_on, oldest_id, _ = purchases[0]
    newest_on, _, newest_product = purchases[-1]
    tenure_days = _days(c.since, newest_on) if c.since else 0
    is_return = (c.first_purchase_on is not None and newest_on > c.first_purchase_on) or tenure_days >= 365
    bought = (f"Bought {newest_product} on {_on(newest_on)}" if len(purchases) == 1 else
              f"{words.plural(len(purchases), 'purchase')} not thanked, the first on {_on(oldest_on)}")
    if is_return:
        tenure = tenure_words(max(tenure_days, 1))
        return _item(c, "return_customer", f"{bought}; a customer for {tenure}",
                     f"Send a card thanking them for {tenure} with you — never 'thanks for trying us'",
                     "thank_you_card", _days(oldest_on, today), since=oldest_on, ref_id=oldest_id)
    return _item(c, "unthanked_purchase", f"{bought}, not thanked yet", "Send a personal thank-you card",
                 "thank_you_card", _days(oldest_on, today), since=oldest_on, ref_id=oldest_id)


def _follow_up_item(c: CustomerFacts, iid: int, due: date, summary_text: str, kind: str, today: date) -> AttentionItem:
    late = _days(due, today)
    when = "today" if late == 0 else f"{words.plural(late, 'day')} ago" if late > 1 else "yesterday"
    return _item(c, "follow_up_due", f"Follow-up on “{summary_text}” was due {when}", "Follow up as you promised",
                 kind if kind != "note" else "check_in", late, since=due, ref_id=iid)


def _referral_item(c: CustomerFacts, referrals: list[tuple[date, int, int, str | None]], today: date
                   ) -> AttentionItem:
    referrals = sorted(referrals, key=lambda r: r[:3])
    names = [name if name is not None else "someone" for _, _, _, name in referrals]
    on, conn_id, _, _ = referrals[0]
    return _item(c, "referral_unthanked", f"Referred {', '.join(names)} (since {_on(on)})",
                 "Thank them for the referral — a card or a small gift", "thank_you_card",
                 _days(on, today), since=on, ref_id=conn_id)


def _customer_rules(c: CustomerFacts, today: date) -> list[AttentionItem]:
    items = []
    stage = c.stage
    if stage != "customer" and stage != "prospect":
        return items
    t = today.toordinal()
    if c.unanswered_count >= UNANSWERED_RUN:
        items.append(_item(
            c, "unanswered",
            f"{words.plural(c.unanswered_count, 'time')} you reached out since {_on(c.first_unanswered_at)} with no reply",
            f"Try another way than before (they prefer {c.channel}); ask if there is a better time or channel",
            {"phone": "call", "visit": "meeting", "letter": "gift"}.get(c.channel, c.channel),
            t - c.first_unanswered_at.toordinal(), since=c.first_unanswered_at))
    if stage != "customer":
        return items

    first_buy = c.first_purchase_on
    first_buy_age = t - first_buy.toordinal() if first_buy else None
    # New: the first purchase is recent and they were not a customer before it.
    if (first_buy and first_buy_age <= WELCOME_WINDOW_DAYS and c.since >= first_buy
            and (c.last_welcome_at is None or c.last_welcome_at < first_buy)):
        who = f" with {c.account_manager}'s name and phone" if c.account_manager else ""
        items.append(_item(c, "welcome", f"First purchase on {_on(first_buy)}, no welcome kit yet",
                           f"Send a welcome kit{who}, after the thank-you note", "welcome_kit",
                           first_buy_age, since=first_buy))

    never = (first_buy is not None and first_buy_age > NEVER_CONTACTED_GRACE_DAYS
             and (c.last_outbound_at is None or c.last_outbound_at < first_buy))
    if never:
        items.append(_item(c, "never_contacted",
                           f"First purchase {words.plural(first_buy_age, 'day')} ago; you have not been in touch since",
                           "Check in on how it is going — not a sales call", "check_in", first_buy_age,
                           since=first_buy))

    cadence = c.cadence_days
    window = 2 * cadence
    value_age = t - c.last_value_at.toordinal() if c.last_value_at else None
    reactive_age = t - c.last_reactive_sales_at.toordinal() if c.last_reactive_sales_at else None
    starved = reactive_age is not None and reactive_age <= window and (value_age is None or value_age > window)
    if starved:
        gift, kind = _gift(c)
        items.append(_item(c, "only_reactive_sales", f"Only support or sales contact in the last {words.plural(window, 'day')}",
                           f"Give something with no sale attached: {gift.lower()}, an introduction, "
                           "or a check-in that is not a sales call", kind, reactive_age))

    since_age = t - c.since.toordinal() if c.since else None
    days = value_age if value_age is not None else since_age
    if days is not None and not never and not starved:
        level = cadence_level(days, cadence)
        if level:
            if value_age is not None:
                last = f"Last value given {words.plural(days, 'day')} ago ({KINDS[c.last_value_kind].label.lower()})"
            else:
                last = f"No value given in {words.plural(days, 'day')} as a customer"
            items.append(_item(
                c, "cadence", f"{last}; cadence {words.plural(cadence, 'day')}", *_gift(c), days - cadence,
                title="Overdue: stay in touch" if level == OVERDUE else "Due: stay in touch",
                level=level, since=date.fromordinal(t - days + cadence)))

    if since_age is not None and since_age >= FEEDBACK_EVERY_DAYS and (
            c.last_feedback_at is None or t - c.last_feedback_at.toordinal() >= FEEDBACK_EVERY_DAYS):
        last = (f"Last asked {_on(c.last_feedback_at)}" if c.last_feedback_at
                else f"Never asked, a customer for {tenure_words(since_age)}")
        items.append(_item(c, "no_feedback", last, "Ask how the relationship could be better", "feedback"))
    return items


def _gift(c: CustomerFacts) -> tuple[str, str]:
    """Something of value to give this customer, and the kind to log it as."""
    if c.interests:
        return f"Forward something on {c.interests[0]}", "article"
    return "Check in on how things are going", "check_in"


INTRODUCTION_CIRCLE = 8  # the most valuable members of a topic who are paired with each other


def circle_rank(people: dict[int, Person]):
    """Sort key of a customer in a topic's circle: the first is the most valuable
    (customers before prospects, then by lifetime value)."""
    return lambda cid: people[cid].rank


def topic_index(people: dict[int, Person]) -> tuple[dict[str, set[int]], dict[str, list[int]]]:
    """Each topic's people, and its circle: its few most valuable people, most
    valuable first. `people` must be in rank order, as gather() reads them."""
    members, circles = defaultdict(set), defaultdict(list)
    for cid, person in people.items():
        for topic in person.topics:
            members[topic].add(cid)
            circle = circles[topic]
            if len(circle) < INTRODUCTION_CIRCLE:
                circle.append(cid)
    return dict(members), dict(circles)


def topic_circles(people: dict[int, Person], members: dict[str, set[int]], topics) -> dict[str, list[int]]:
    """The circles of `topics`, ranked again from their members."""
    rank = circle_rank(people)
    return {topic: heapq.nsmallest(INTRODUCTION_CIRCLE, members[topic], key=rank)
            for topic in topics if members.get(topic)}


def read_circle(today: date, circles: dict[str, list[int]], facts: dict[int, CustomerFacts] | None = None,
                snoozed: dict[int, set[str]] | None = None) -> Circle:
    """The names, connections and snoozes of everyone in a circle (inside the
    caller's snapshot); names and snoozes from a full gather's `facts` and
    `snoozed`, when given."""
    ids = sorted({cid for circle in circles.values() for cid in circle})
    connected = defaultdict(set)
    if not ids:
        return Circle({}, {}, {})
    for a, b in attention_facts.connected_among(ids):
        connected[a].add(b)
        connected[b].add(a)
    names = ({cid: (facts[cid].name, facts[cid].company) for cid in ids} if facts is not None else
             {cid: (name, company) for cid, name, company in attention_facts.names(ids)})
    if snoozed is not None:
        snoozed = {cid: snoozed[cid] for cid in ids if cid in snoozed}
    else:
        snoozed = _by_customer(raw_rows(attention_facts.snoozes(today, ids)), set)
    return Circle(names, dict(connected), snoozed)


class _Named(NamedTuple):
    id: int
    name: str
    company: str


def introductions(people: dict[int, Person], circles: dict[str, list[int]], circle: Circle) -> list[AttentionItem]:
    """Pairs who share an interest or a tag and are not connected, at least one a
    customer. Bounded: the few most valuable people of each topic are paired,
    the best-matched pairs kept, and nobody suggested twice."""
    candidates = {}
    for members in circles.values():
        for a, b in combinations(members, 2):
            pair = frozenset((a, b))
            if pair in candidates or b in circle.connected.get(a, ()):
                continue
            pa, pb = people[a], people[b]
            if pa.rank[0] and pb.rank[0]:  # neither is a customer
                continue
            shared = pa.topics & pb.topics
            candidates[pair] = (-len(shared), pa.rank[1] + pb.rank[1], sorted(pair), shared)
    chosen, used = [], set()
    for pair, (count, _, _, shared) in sorted(candidates.items(), key=lambda kv: kv[1][:3]):
        count, shared = -count, sorted(shared)
        if used & pair:
            continue
        used |= pair
        a, b = sorted(pair, key=circle_rank(people))
        ca, cb = _Named(a, *circle.names[a]), _Named(b, *circle.names[b])
        chosen.append(_item(ca, "introduction", f"Both care about {', '.join(shared)}",
                            f"Introduce {ca.name} to {cb.name}", "introduction", count * 6,
                            title=f"Introduce to {cb.name}", other_customer_id=b))
        if len(chosen) >= MAX_INTRODUCTIONS:
            break
    return [i for i in chosen if i.snooze_key not in circle.snoozed.get(i.customer_id, ())]


# --- acting on items ---------------------------------------------------------

def snooze(customer_id: int, snooze_key: str, until):
    from journal.writes import changes
    from journal.rules import validate
    from journal.errors import ValidationError

    customer_id = validate.ident("customer", customer_id)
    snooze_key = validate.text("reason", snooze_key, required=True, max_len=500)
    until = validate.as_date("snooze until", until)
    if until <= date.today():
        raise ValidationError("snooze_until", f"{until:%Y-%m-%d} is not in the future")
    with changes.recording() as recorded:
        if not Customer.select().where(Customer.id == customer_id, Customer.deleted_at.is_null()).exists():
            raise ValidationError("customer", f"there is no customer with id {customer_id}")
        this = (Snooze.customer == customer_id) & (Snooze.reason == snooze_key)
        changes.watch_where(Snooze, this)
        upsert(Snooze, ("customer", "reason"), customer=customer_id, reason=snooze_key, until=until)
        changes.created_where(Snooze, this)
    return recorded.changeset


def unsnooze(customer_id: int, snooze_key: str):
    from journal.writes import changes
    from journal.rules import validate

    customer_id = validate.ident("customer", customer_id)
    snooze_key = validate.text("reason", snooze_key, required=True, max_len=500)
    with changes.recording() as recorded:
        this = (Snooze.customer == customer_id) & (Snooze.reason == snooze_key)
        changes.watch_where(Snooze, this)
        Snooze.delete().where(this).execute()
    return recorded.changeset


@dataclass(frozen=True)
class Health:
    customers: int
    within_cadence: int
    silent_since_first_sale: int

    @property
    def within_cadence_share(self) -> float:
        return self.within_cadence / self.customers if self.customers else 0.0

    @property
    def silent_share(self) -> float:
        return self.silent_since_first_sale / self.customers if self.customers else 0.0


def health(inputs: Inputs, today: date) -> Health:
    """Where the business stands: customers who had value from us within their
    cadence, and those who have not heard from us since their first sale."""
    return health_of(inputs.health_codes.values())


def health_of(codes) -> Health:
    customers = within = silent = 0
    for code in codes:
        customers += 1
        within += code >> 1 & 1
        silent += code >> 2 & 1
    return Health(customers, within, silent)
