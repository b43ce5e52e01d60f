"""What have I done for them lately? The rules that turn the journal into a
ranked list of whom to attend to, why, and what to do.

The rules, for a customer (tests/journal/test_lately.py holds each one's edges):
- a purchase not thanked after THANK_GRACE_DAYS: a thank-you, or recognising a
  return customer (a repeat purchase, or a customer for a year or more);
- a follow-up due today or before, and not done;
- a referral made in the last REFERRAL_MEMORY_DAYS and not thanked;
- UNANSWERED_RUN or more reaches in a row with no answer;
- a first purchase in the last WELCOME_WINDOW_DAYS with no welcome kit since;
- no contact from us since the first purchase, more than NEVER_CONTACTED_GRACE_DAYS ago;
- only support or sales contact within two cadences, no value given in them;
- else the stay-in-touch cadence passed since value was last given (or since
  they became a customer): due at the cadence, overdue at one and a half;
- feedback not asked for FEEDBACK_EVERY_DAYS, as a customer for that long;
- an introduction between two people who share an interest or a tag.

read() runs them in one snapshot: the rules about one customer's facts in SQL
over the per-customer summary row (journal.reads.attention_facts.customer_rules),
returning only what they found; follow-ups and referrals as read; introductions
here. An item's words are made when it is shown (AttentionItem.evidence).

Who the rules look at: archived and deleted customers never appear. Every
rule applies to customers; prospects get follow-ups, unanswered runs,
referral thanks and introductions; former customers only follow-ups and
referral thanks (a former customer who sends someone still deserves thanks)."""

from __future__ import annotations

import heapq
from bisect import insort
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from typing import NamedTuple

from journal.writes import settings
from journal.rules import words
from journal.writes.customers import DUE, OVERDUE, interest_topics
from journal.rules.kinds import KINDS
from journal.reads import attention_facts
from journal.storage.models import Customer, Snooze, database, raw_rows, to_date, upsert

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
    """One thing to do for one customer. The rules find it with the numbers its
    words need (`detail`, by reason: see _WORDING); the words are made when the
    item is shown, so the tens of thousands of items of a large journal cost a
    small tuple each, not three sentences."""
    customer_id: int
    customer_name: str
    company: str
    reason: str
    p6: int  # priority in sixths: REASONS' base * 6 plus up to 60 for urgency (one step a day)
    since: date | None = None
    level: str | None = None  # DUE or OVERDUE for the cadence rule
    ref_id: int | None = None  # the purchase, interaction or connection it is about
    other_customer_id: int | None = None  # the other side of an introduction
    detail: tuple = ()

    @property
    def priority(self) -> float:
        return self.p6 / 6

    @property
    def reason_label(self) -> str:
        return REASONS[self.reason][0]

    @property
    def title(self) -> str:
        if self.reason == "cadence":
            return "Overdue: stay in touch" if self.level == OVERDUE else "Due: stay in touch"
        if self.reason == "introduction":
            return f"Introduce to {self.detail[1]}"
        return REASONS[self.reason][0]

    @property
    def evidence(self) -> str:
        return _WORDING[self.reason](self)[0]

    @property
    def suggestion(self) -> str:
        return _WORDING[self.reason](self)[1]

    @property
    def action_kind(self) -> str:
        """The interaction kind that answers it, to prefill quick capture."""
        return _WORDING[self.reason](self)[2]

    @property
    def log_summary(self) -> str:
        """A first line for the note that answers this item."""
        if self.reason == "follow_up_due":
            return "Followed up: " + self.detail[1] if self.detail[1] else "Followed up"
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


# --- the words of each reason: (evidence, suggestion, action kind) from an item's detail ------------------------

def _unanswered_words(i: AttentionItem):
    count, channel = i.detail
    return (f"{words.plural(count, 'time')} you reached out since {_on(i.since)} with no reply",
            f"Try another way than before (they prefer {channel}); ask if there is a better time or channel",
            {"phone": "call", "visit": "meeting", "letter": "gift"}.get(channel, channel))


def _welcome_words(i: AttentionItem):
    manager, = i.detail
    who = f" with {manager}'s name and phone" if manager else ""
    return (f"First purchase on {_on(i.since)}, no welcome kit yet", f"Send a welcome kit{who}, after the thank-you note",
            "welcome_kit")


def _never_words(i: AttentionItem):
    days, = i.detail
    return (f"First purchase {words.plural(days, 'day')} ago; you have not been in touch since",
            "Check in on how it is going — not a sales call", "check_in")


def _starved_words(i: AttentionItem):
    window, topic = i.detail
    gift, kind = _gift(topic)
    return (f"Only support or sales contact in the last {words.plural(window, 'day')}",
            f"Give something with no sale attached: {gift.lower()}, an introduction, "
            "or a check-in that is not a sales call", kind)


def _cadence_words(i: AttentionItem):
    days, cadence, value_kind, topic = i.detail
    if value_kind is not None:
        last = f"Last value given {words.plural(days, 'day')} ago ({KINDS[value_kind].label.lower()})"
    else:
        last = f"No value given in {words.plural(days, 'day')} as a customer"
    return (f"{last}; cadence {words.plural(cadence, 'day')}", *_gift(topic))


def _feedback_words(i: AttentionItem):
    days, asked = i.detail
    last = f"Last asked {_on(asked)}" if asked else f"Never asked, a customer for {tenure_words(days)}"
    return last, "Ask how the relationship could be better", "feedback"


def _purchase_words(i: AttentionItem):
    count, product, tenure = i.detail
    bought = ((f"Bought {product} on {_on(i.since)}" if product else f"A purchase on {_on(i.since)}") if count == 1 else
              f"{words.plural(count, 'purchase')} not thanked, the first on {_on(i.since)}")
    if i.reason == "return_customer":
        tenure = tenure_words(max(tenure, 1))
        return f"{bought}; a customer for {tenure}", f"Send a card thanking them for {tenure} with you", "thank_you_card"
    return f"{bought}, not thanked yet", "Send a personal thank-you card", "thank_you_card"


def _follow_up_words(i: AttentionItem):
    late, summary_text, kind = i.detail
    when = "today" if late == 0 else f"{words.plural(late, 'day')} ago" if late > 1 else "yesterday"
    promise = f"Follow-up on “{summary_text}”" if summary_text else "A follow-up"
    return (f"{promise} was due {when}", "Follow up as you promised",
            kind if kind != "note" else "check_in")


def _referral_words(i: AttentionItem):
    names, = i.detail
    return (f"Referred {words.listed(names)} (since {_on(i.since)})",
            "Thank them for the referral — a card or a small gift", "thank_you_card")


def _introduction_words(i: AttentionItem):
    cares, other, tagged = i.detail
    # A tag is a label the owner gave them ("architect", "vip"), not something
    # they care about: said apart from their interests.
    said = ([f"Both care about {words.listed(cares)}"] if cares else []) + \
           ([f"{'b' if cares else 'B'}oth tagged {words.listed(f'“{t}”' for t in tagged)}"] if tagged else [])
    return "; ".join(said), f"Introduce {i.customer_name} to {other}", "introduction"


_WORDING = {
    "unanswered": _unanswered_words, "welcome": _welcome_words, "never_contacted": _never_words,
    "only_reactive_sales": _starved_words, "cadence": _cadence_words, "no_feedback": _feedback_words,
    "unthanked_purchase": _purchase_words, "return_customer": _purchase_words, "follow_up_due": _follow_up_words,
    "referral_unthanked": _referral_words, "introduction": _introduction_words,
}


def _gift(topic: str | None) -> tuple[str, str]:
    """Something of value to give a customer (their first interest, if any), and the kind to log it as."""
    if topic:
        return f"Forward something on {topic}", "article"
    return "Check in on how things are going", "check_in"


def _on(day) -> str:
    """A day in the user's format ('5 Mar 2026', 'Mar 5, 2026'); see journal.rules.words."""
    return words.day(day)


def tenure_words(days: int) -> str:
    """'five years', 'a year', 'eight months': the way a person says it on a card."""
    names = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    years = days // 365
    if years >= 1:
        return "a year" if years == 1 else f"{names[years] if years < len(names) else years} years"
    months = max(days // 30, 1)
    return "a month" if months == 1 else f"{names[months]} months"


class Person(NamedTuple):
    """Someone who could be introduced: their rank in a topic's circle (see
    circle_rank), the topics (interests and tags) they could be introduced on,
    and which of those are only tags (not among their interests)."""
    rank: tuple
    topics: frozenset[str]
    tagged: frozenset[str] = frozenset()


def _topics_of(interests: str, tags: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(every topic, those only tagged) of someone with these interests and tags."""
    cares = frozenset(interest_topics(interests))
    tagged = frozenset(tags) - cares
    return cares | tagged, tagged


@dataclass(frozen=True)
class Circle:
    """What the introductions read about the members of the topics' circles."""
    names: dict[int, tuple[str, str]]  # customer -> (name, company)
    connected: dict[int, set[int]]  # customer -> the circle members they are connected to, either way
    snoozed: dict[int, set[str]]


@dataclass
class Found:
    """The rules run for every customer, or for a few (read()): what
    journal.rules.attention keeps of them."""
    by_customer: dict[int, list[AttentionItem]]  # every customer's items but introductions, in sort_key order
    health_codes: dict[int, int]  # every customer at the customer stage -> their part in the health figures
    people: dict[int, Person]  # who could be introduced, the most valuable first
    names: dict[int, tuple[str, str]]  # customer -> (name, company) of those who could be introduced
    snoozed: dict[int, set[str]]  # customer -> snooze keys


def _p6(reason: str, urgency_days: int = 0) -> int:
    """A priority in sixths: the reason's base and a sixth more for each day of urgency, up to ten."""
    return REASONS[reason][1] * 6 + min(max(urgency_days, 0), 60)


def read(today: date, customer_ids=None) -> Found:
    """Run the rules for every live customer, or for `customer_ids` (their
    referrals as the referrer). The rules that need one customer's facts run in
    SQL (journal.reads.attention_facts.customer_rules) and return what they
    found; follow-ups and referrals are read as they are. Call inside
    db.snapshot() to read as of one moment."""
    ids = None if customer_ids is None else sorted(customer_ids)
    purchases = raw_rows(attention_facts.unthanked_purchases(today - timedelta(days=THANK_GRACE_DAYS), ids))
    follow_ups = raw_rows(attention_facts.follow_ups_due(today, ids))
    referrals = raw_rows(attention_facts.unthanked_referrals(today - timedelta(days=REFERRAL_MEMORY_DAYS), ids))
    snoozed = _by_customer(raw_rows(attention_facts.snoozes(today, ids)), set)
    tags = _tags(ids)
    t = today.toordinal()
    days = {}

    def day(age):  # the day `age` days before today: one date object per distinct day
        found = days.get(age)
        if found is None:
            found = days[age] = date.fromordinal(t - age)
        return found

    by_customer, codes, people, names, shared = {}, {}, [], {}, {}
    extra = defaultdict(list)  # customer -> follow-ups and referrals (read apart from the customers)
    for cid, iid, due, summary_text, kind in follow_ups:
        due = to_date(due)
        extra[cid].append(("follow_up_due", t - due.toordinal(), iid, (summary_text, kind)))
    for cid, group in _by_customer((s, (to_date(on), c, n)) for s, on, c, _, n in referrals).items():
        group.sort(key=lambda r: r[:2])
        on, connection, _ = group[0]
        extra[cid].append(("referral_unthanked", t - on.toordinal(), connection,
                           tuple(n if n is not None else "someone" for _, _, n in group)))
    bought = _by_customer((c, (to_date(on), p, product)) for c, on, p, product in purchases)
    # Every customer's row, one at a time as the database returns them: at
    # 50,000 customers, holding them all at once raised the app's peak memory.
    rows = database.execute(attention_facts.customer_rules(
        today, settings.get_settings().default_cadence_days, ids, unanswered_run=UNANSWERED_RUN,
        welcome_window=WELCOME_WINDOW_DAYS, never_grace=NEVER_CONTACTED_GRACE_DAYS, feedback_every=FEEDBACK_EVERY_DAYS))
    for row in rows:
        cid, name, company, flags, interests, lifetime, since_age, buy_age = row[:8]
        customer = flags & _CUSTOMER
        if customer:
            codes[cid] = flags // attention_facts.HEALTH & 7
        if customer or flags & _PROSPECT:
            key = (interests, tags.get(cid, ()))
            topics = shared.get(key)
            if topics is None:
                topics = shared[key] = _topics_of(*key)
            if topics[0]:
                people.append(Person((not customer, -lifetime, cid), *topics))
                names[cid] = (name, company)
        rules = flags & _ANY_RULE
        more = extra.pop(cid, None)
        purchases = bought.get(cid) if customer else None
        if not rules and more is None and purchases is None:
            continue
        items = []
        if purchases:
            items.append(_purchase_item(cid, name, company, purchases, since_age, buy_age, t, day))
        if rules:
            items += _rule_items(row, rules, day)
        for reason, age, ref, detail in more or ():
            if reason == "follow_up_due":
                items.append(AttentionItem(cid, name, company, reason, _p6(reason, age), day(age), None, ref, None,
                                           (age, *detail)))
            else:
                items.append(AttentionItem(cid, name, company, reason, _p6(reason, age), day(age), None, ref, None,
                                           (detail,)))
        hidden = snoozed.get(cid)
        if hidden:
            items = [i for i in items if i.snooze_key not in hidden]
        if items:
            if len(items) > 1:
                items.sort(key=_within_customer)
            by_customer[cid] = items
    return Found(by_customer, codes, _ranked(people), names, snoozed)


_RULE = attention_facts.RULE_BITS
_ANY_RULE = sum(_RULE.values())
_CUSTOMER, _PROSPECT = attention_facts.STAGE_BITS["customer"], attention_facts.STAGE_BITS["prospect"]


def _rule_items(row: tuple, rules: int, day) -> list[AttentionItem]:
    """The items of the rules SQL found to hold for one customer (a row of
    attention_facts.customer_rules; `rules` its RULE_BITS)."""
    (cid, name, company, _, interests, _, since_age, buy_age, value_age, cadence, reactive_age, feedback_age,
     unanswered, unanswered_age, channel, manager, value_kind) = row
    items = []
    if rules & _RULE["cadence"]:
        age = value_age if value_age is not None else since_age
        topic = interest_topics(interests)[:1]
        items.append(AttentionItem(cid, name, company, "cadence", _p6("cadence", age - cadence), day(age - cadence),
                                   OVERDUE if rules & _RULE["overdue"] else DUE, None, None,
                                   (age, cadence, value_kind, topic[0] if topic else None)))
    if rules & _RULE["no_feedback"]:
        items.append(AttentionItem(cid, name, company, "no_feedback", _p6("no_feedback"), None, None, None, None,
                                   (since_age, None if feedback_age is None else day(feedback_age))))
    if rules & _RULE["unanswered"]:
        items.append(AttentionItem(cid, name, company, "unanswered", _p6("unanswered", unanswered_age),
                                   day(unanswered_age), None, None, None, (unanswered, channel)))
    if rules & _RULE["welcome"]:
        items.append(AttentionItem(cid, name, company, "welcome", _p6("welcome", buy_age), day(buy_age), None, None,
                                   None, (manager,)))
    if rules & _RULE["never_contacted"]:
        items.append(AttentionItem(cid, name, company, "never_contacted", _p6("never_contacted", buy_age),
                                   day(buy_age), None, None, None, (buy_age,)))
    if rules & _RULE["only_reactive_sales"]:
        topic = interest_topics(interests)[:1]
        items.append(AttentionItem(cid, name, company, "only_reactive_sales", _p6("only_reactive_sales", reactive_age),
                                   None, None, None, None, (2 * cadence, topic[0] if topic else None)))
    return items


def _purchase_item(cid: int, name: str, company: str, purchases: list[tuple[date, int, str]], since_age: int | None,
                   buy_age: int | None, t: int, day) -> AttentionItem:
    """One item per customer with unthanked purchases: recognising a return
    customer when any of them is a repeat (or they have been a customer for a
    year), else a plain thank-you; `t` is today's ordinal."""
    purchases.sort()
    oldest_on, oldest_id, product = purchases[0]
    newest_age = t - purchases[-1][0].toordinal()
    tenure_then = since_age - newest_age if since_age is not None else 0  # a customer this long when they bought
    reason = ("return_customer" if (buy_age is not None and newest_age < buy_age) or tenure_then >= 365
              else "unthanked_purchase")
    age = t - oldest_on.toordinal()
    # The card is written today: it thanks them for how long they have been a customer now.
    return AttentionItem(cid, name, company, reason, _p6(reason, age), day(age), None, oldest_id, None,
                         (len(purchases), product, since_age or 0))


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


def _ranked(people: list[Person]) -> dict[int, Person]:
    """By customer, the most valuable first (circle_rank). One integer per person
    sorts several times faster than the rank tuples (lifetimes and ids are far below 2**62)."""
    people.sort(key=lambda p: (p.rank[0] << 126) + ((p.rank[1] + (1 << 62)) << 63) + p.rank[2])
    return {person.rank[2]: person for person in people}


def health_codes(today: date, customer_ids=None) -> dict[int, int]:
    """Each customer's part in the health figures: 1 for a customer (not a
    prospect nor a former one), plus 2 if they had value from us within their
    cadence, plus 4 if they have not heard from us since their first sale."""
    return read(today, customer_ids).health_codes


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
    """Every customer's items, the introductions and the health figures' parts.
    Call inside db.snapshot()."""
    found = read(today)
    members, circles = topic_index(found.people)
    circle = read_circle(today, circles, found.names, found.snoozed)
    return Everything(found.by_customer, introductions(found.people, circles, circle), found.health_codes,
                      found.people, members, circles)


# Names compare with their letters A to Z in small letters and every other
# character as it is, as the database's lower() orders them on both backends
# (journal.reads.attention_items, and the customer list): the same order wherever
# the list is made.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def name_key(name: str) -> str:
    return name.translate(_ASCII_LOWER)


def sort_key(item: AttentionItem):
    """Most pressing first; ties by name (name_key), then down to the customer
    and the item, so the order never depends on the order the rows were read in."""
    return (-item.p6, name_key(item.customer_name), item.customer_id, item.reason, item.ref_id or 0,
            item.other_customer_id or 0)


def _within_customer(item: AttentionItem):
    """sort_key among one customer's items."""
    return -item.p6, item.reason, item.ref_id or 0, item.other_customer_id or 0


def in_order(by_customer: dict[int, list[AttentionItem]], more=()) -> list[AttentionItem]:
    """Every item of `by_customer` (each customer's in sort_key order) and `more`,
    in sort_key order. Tens of thousands of items: the customers are sorted by
    name once and their items dealt into one list per priority, which then
    come in sort_key order without comparing items."""
    named = sorted((name_key(items[0].customer_name), cid) for cid, items in by_customer.items())
    buckets = defaultdict(list)
    for _, cid in named:
        for item in by_customer[cid]:
            buckets[item.p6].append(item)
    result = []
    for p6 in sorted(buckets, reverse=True):
        result += buckets[p6]
    for item in more:
        insort(result, item, key=sort_key)
    return result


INTRODUCTION_CIRCLE = 8  # the most valuable members of a topic who are paired with each other


def circle_rank(people: dict[int, Person]):
    """Sort key of a customer in a topic's circle: the first is the most valuable
    (customers before prospects, then by lifetime value)."""
    return lambda cid: people[cid].rank


def topic_index(people: dict[int, Person]) -> tuple[dict[str, set[int]], dict[str, list[int]]]:
    """Each topic's people, and its circle: its few most valuable people, most
    valuable first. `people` must be in rank order, as read() gives them."""
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


def read_circle(today: date, circles: dict[str, list[int]], names: dict[int, tuple[str, str]] | None = None,
                snoozed: dict[int, set[str]] | None = None) -> Circle:
    """The names, connections and snoozes of everyone in a circle (inside the
    caller's snapshot); names and snoozes from a full read()'s, when given."""
    ids = sorted({cid for circle in circles.values() for cid in circle})
    connected = defaultdict(set)
    if not ids:
        return Circle({}, {}, {})
    for a, b in attention_facts.connected_among(ids):
        connected[a].add(b)
        connected[b].add(a)
    names = ({cid: names[cid] for cid in ids} if names is not None else
             {cid: (name, company) for cid, name, company in attention_facts.names(ids)})
    if snoozed is not None:
        snoozed = {cid: snoozed[cid] for cid in ids if cid in snoozed}
    else:
        snoozed = _by_customer(raw_rows(attention_facts.snoozes(today, ids)), set)
    return Circle(names, dict(connected), snoozed)


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
            candidates[pair] = (-len(shared), pa.rank[1] + pb.rank[1], sorted(pair), shared,
                                shared & pa.tagged & pb.tagged)
    chosen, used = [], set()
    for pair, (count, _, _, shared, tagged) in sorted(candidates.items(), key=lambda kv: kv[1][:3]):
        count = -count
        if used & pair:
            continue
        used |= pair
        a, b = sorted(pair, key=circle_rank(people))
        (name, company), (other, _) = circle.names[a], circle.names[b]
        # What both care about (an interest of either), and what both are only tagged.
        chosen.append(AttentionItem(a, name, company, "introduction", _p6("introduction", count * 6), None, None, None,
                                    b, (tuple(sorted(shared - tagged)), other, tuple(sorted(tagged)))))
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


def health(today: date) -> Health:
    """Where the business stands: customers who had value from us within their
    cadence, and those who have not heard from us since their first sale."""
    return health_of(health_codes(today).values())


def health_of(codes) -> Health:
    customers = within = silent = 0
    for code in codes:
        customers += 1
        within += code >> 1 & 1
        silent += code >> 2 & 1
    return Health(customers, within, silent)


def item_of_row(row: tuple) -> AttentionItem:
    """An item from a row of journal.reads.attention_items.page (SPIKE)."""
    cid, name, company, reason, p6, since, level, ref_id, other_id, n1, n2, s1, s2 = row
    since = date.fromordinal(since) if since is not None else None
    if reason == "cadence":
        topic = interest_topics(s2 or "")[:1]
        detail = (n1, n2, s1, topic[0] if topic else None)
    elif reason == "no_feedback":
        detail = (n1, date.fromordinal(n2) if n2 is not None else None)
    elif reason == "unanswered":
        detail = (n1, s1)
    elif reason == "welcome":
        detail = (s1,)
    elif reason == "never_contacted":
        detail = (n1,)
    elif reason == "only_reactive_sales":
        topic = interest_topics(s2 or "")[:1]
        detail = (n1, topic[0] if topic else None)
    elif reason in ("unthanked_purchase", "return_customer"):
        detail = (n1, s1, n2)
    elif reason == "follow_up_due":
        detail = (n1, s1, s2)
    elif reason == "referral_unthanked":
        detail = (tuple(s1.split("\x1f")),)
    elif reason == "introduction":
        cares, _, tagged = s1.partition("\x1e")
        detail = (tuple(cares.split("\x1f")) if cares else (), s2, tuple(tagged.split("\x1f")) if tagged else ())
    else:
        raise ValueError(reason)
    return AttentionItem(cid, name, company, reason, p6, since, level, ref_id, other_id, detail)


def introduction_rows(items: list[AttentionItem]) -> list[tuple]:
    """The introductions as attention_items.put_introductions takes them."""
    # The topics both care about, then (after \x1e) those both are only tagged.
    return [(i.customer_id, i.customer_name, i.company, i.p6, i.other_customer_id,
             "\x1f".join(i.detail[0]) + ("\x1e" + "\x1f".join(i.detail[2]) if i.detail[2] else ""), i.detail[1])
            for i in items]


def people_of(customer_ids=None) -> dict[int, Person]:
    """Who could be introduced (customers and prospects with an interest or a
    tag), most valuable first: from the rows build_items made, as read() finds them."""
    from journal.reads import attention_items

    tags = _tags(None if customer_ids is None else sorted(customer_ids))
    return _persons(attention_items.people(customer_ids), tags)


def persons(rows) -> dict[int, Person]:
    """The people of rows of attention_items.people (in their order), with their tags."""
    return _persons(rows, _tags(sorted({row[0] for row in rows})) if rows else {})


def _persons(rows, tags: dict[int, tuple[str, ...]]) -> dict[int, Person]:
    people, shared = {}, {}
    for cid, customer, interests, lifetime in rows:
        key = (interests, tags.get(cid, ()))
        topics = shared.get(key)
        if topics is None:
            topics = shared[key] = _topics_of(*key)
        if topics[0]:
            people[cid] = Person((not customer, -lifetime, cid), *topics)
    return people


# A topic that at most this many people could be introduced on is read whole;
# the others' circles are filled from the most valuable people down, read a
# few hundred at a time (people_and_circles).
SMALL_TOPIC = 200
FIRST_READ = 512


@dataclass(frozen=True)
class Circles:
    """What people_and_circles() found."""
    people: dict[int, Person]  # those read: every circle's members, and the people ranked above them
    circles: dict[str, list[int]]  # topic -> its few most valuable people, most valuable first
    interests: dict[str, frozenset[str]]  # each way interests are written among the people -> its topics


def people_and_circles() -> Circles:
    """Each topic's circle (topic_index's), without reading everyone who could
    be introduced: how many people each topic has is counted in the database
    (by the way interests are written, and by tag); a topic of at most
    SMALL_TOPIC is read whole, and the others' circles are filled from the most
    valuable people down until each has INTRODUCTION_CIRCLE. At 50,000 customers
    that reads a few thousand of 38,000 people."""
    from journal.reads import attention_items

    counted = attention_items.interests_counted()
    interests = {text: frozenset(interest_topics(text)) for text, _ in counted}
    size = defaultdict(int)
    for text, n in counted:
        for topic in interests[text]:
            size[topic] += n
    tag_topics = {}
    for tag_id, name, n in attention_items.tags_counted():
        tag_topics[tag_id] = name.lower()
        size[name.lower()] += n  # (at most twice each person's: enough to tell the small topics)
    small = {topic for topic, n in size.items() if n <= SMALL_TOPIC}
    people, circles = {}, defaultdict(list)
    if small:
        rows = attention_items.people_with({text for text, topics in interests.items() if topics & small},
                                           {tag for tag, topic in tag_topics.items() if topic in small})
        for cid, person in persons(rows).items():
            people[cid] = person
            for topic in person.topics & small:
                if len(circles[topic]) < INTRODUCTION_CIRCLE:
                    circles[topic].append(cid)
    unfilled = set(size) - small
    offset, limit = 0, FIRST_READ
    while unfilled:
        rows = attention_items.people_ranked(offset, limit)
        for cid, person in persons(rows).items():
            people.setdefault(cid, person)
            for topic in person.topics & unfilled:
                circles[topic].append(cid)
                if len(circles[topic]) == INTRODUCTION_CIRCLE:
                    unfilled.discard(topic)
        if len(rows) < limit:
            break
        offset, limit = offset + limit, limit * 4
    return Circles(people, {topic: circle for topic, circle in circles.items() if circle}, interests)


def circle_again(topic: str, interests: dict[str, frozenset[str]]) -> dict[int, Person]:
    """The circle of `topic` read from the database, its people most valuable
    first; `interests`: every way interests are written among the people, with
    their topics (Circles.interests)."""
    from journal.reads import attention_items

    return persons(attention_items.people_with({text for text, topics in interests.items() if topic in topics},
                                               attention_items.tags_named(topic), limit=INTRODUCTION_CIRCLE))


def build_items(today: date, customer_ids=None) -> None:
    """Every item but introductions into the connection's temporary table
    (journal.reads.attention_items), for everyone or made again for `customer_ids`."""
    from journal.reads import attention_items

    attention_items.build(today, settings.get_settings().default_cadence_days,
                          bases={reason: base for reason, (_, base) in REASONS.items()}, unanswered_run=UNANSWERED_RUN,
                          welcome_window=WELCOME_WINDOW_DAYS, never_grace=NEVER_CONTACTED_GRACE_DAYS,
                          feedback_every=FEEDBACK_EVERY_DAYS, thank_grace=THANK_GRACE_DAYS,
                          referral_memory=REFERRAL_MEMORY_DAYS, customer_ids=customer_ids)
