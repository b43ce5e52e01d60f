"""A believable small business for the demo journal, and a scale journal for
benchmarks, from a fixed seed. Dates are relative to `today` so the demo always
has customers who are due, overdue, new, silent or unanswered.

The business: Harbour & Pine, a small furniture and interiors studio."""

from __future__ import annotations

import random
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from . import search, settings, summary
from .errors import JournalError
from .models import (Company, Connection, Customer, CustomerSummary, CustomerTag, Interaction, Purchase, Tag,
                     database)

TOPICS = [
    "wine", "cycling", "sustainability", "local history", "gardening", "jazz", "marketing", "coffee",
    "photography", "sailing", "architecture", "running", "cooking", "export", "interior design",
    "craft beer", "ceramics", "vintage cars", "yoga", "fundraising",
]
PRODUCTS = [
    ("Oak dining table", 180_000), ("Design consultation", 25_000), ("Armchair reupholstery", 42_000),
    ("Walnut bookshelf", 95_000), ("Linen curtains", 38_000), ("Lighting plan", 60_000),
    ("Office fit-out", 450_000), ("Maintenance visit", 8_000), ("Rug cleaning", 12_000),
    ("Kitchen stools (4)", 64_000), ("Custom wardrobe", 320_000), ("Cushion set", 9_500),
]
MANAGERS = [("Sam Ortega", "+1 555 0100"), ("Priya Nair", "+1 555 0101"), ("Jonas Weber", "+1 555 0102")]
PROFILES = ["loyal"] * 30 + ["neglected"] * 18 + ["silent"] * 8 + ["unanswered"] * 7 + ["reactive"] * 8 \
    + ["new"] * 8 + ["prospect"] * 12 + ["former"] * 6 + ["occasional"] * 13


@dataclass
class _Ids:
    interaction: int = 0
    purchase: int = 0


class _Builder:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.ids = _Ids()
        self.interactions: list[tuple] = []
        self.purchases: list[list] = []
        # What each customer's summary is computed from, kept after their rows are written.
        self.contacts: dict[int, list[tuple]] = {}
        self.bought: dict[int, list[tuple]] = {}

    def moment(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(8, 18), self.rng.choice((0, 15, 30, 45))))

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def interact(self, cid, day, kind, direction, summary_text, notes="", follow_up=None, done=False) -> int:
        self.ids.interaction += 1
        at = self.moment(day)
        self.interactions.append((self.ids.interaction, cid, at, kind, direction, summary_text, notes,
                                  follow_up, done, at, at))
        self.contacts.setdefault(cid, []).append((at, kind, direction))
        return self.ids.interaction

    def buy(self, cid, day, thank=True, thank_delay=(1, 6)) -> None:
        product, price = self.rng.choice(PRODUCTS)
        amount = int(price * self.rng.uniform(0.8, 1.25)) // 100 * 100
        self.ids.purchase += 1
        row = [self.ids.purchase, cid, day, product, amount, None, datetime.combine(day, time(9))]
        self.purchases.append(row)
        self.bought.setdefault(cid, []).append((day, amount))
        thanks_day = day + timedelta(days=self.rng.randint(*thank_delay))
        if thank and thanks_day <= self.today:
            row[5] = self.interact(cid, thanks_day, "thank_you_card", "out", f"Thank-you card for the {product.lower()}",
                                   self.rng.choice(["", "Handwritten, mentioned the delivery team.", ""]))
        return product


REACTIVE = [
    ("support", "Fixed a wobbly table leg"), ("support", "Scratch on the bookshelf, sent a touch-up kit"),
    ("support", "Repaired a drawer runner"), ("urgent", "Needed curtains before a party"),
    ("urgent", "Delivery date moved: needed the table by Friday"),
]
SALES = [
    ("pitch", "Showed the new walnut range"), ("quote", "Quote for a second room"),
    ("quote", "Quote for new cushions"), ("negotiation", "Agreed terms for the fit-out"),
]
_NOTES = [
    "", "", "", "Prefers mornings. Mentioned a second site next year.",
    "Very happy with the finish; asked about matching chairs.", "Their daughter is starting university.",
    "Busy season for them until March.", "Wants fewer emails, calls are fine.",
    "Asked us to keep an eye out for reclaimed timber.",
]


def _regular_contact(b: _Builder, cid, interests, start: date, end: date, count: int, value_share=0.5):
    """Ordinary life of a relationship between two dates."""
    span = max((end - start).days, 1)
    for _ in range(count):
        day = start + timedelta(days=b.rng.randint(0, span))
        roll = b.rng.random()
        topic = b.rng.choice(interests) if interests else "the showroom"
        if roll < value_share:
            kind, text = b.rng.choice([
                ("article", f"Sent an article on {topic}"), ("check_in", "Checked in on how the furniture is holding up"),
                ("gift", "Dropped off a small plant for the office"), ("check_in", "Quick check-in call"),
                ("feedback", "Asked how we could serve them better"),
            ])
            b.interact(cid, day, kind, "out", text, b.rng.choice(_NOTES))
        elif roll < 0.75:
            kind, text = b.rng.choice([
                ("meeting", "Met at the showroom"), ("call", f"Chatted about {topic}"),
                ("email", "Emailed about delivery dates"), ("message", "Message about opening hours"),
            ])
            b.interact(cid, day, kind, b.rng.choice(["out", "in"]), text, b.rng.choice(_NOTES))
        elif roll < 0.88:
            kind, text = b.rng.choice(REACTIVE)
            b.interact(cid, day, kind, "in", text)
        else:
            kind, text = b.rng.choice(SALES)
            b.interact(cid, day, kind, "out", text)


def _story(b: _Builder, cid, profile, interests, intensity: float, manager):
    rng = b.rng
    if profile == "prospect":
        day = b.days_ago(5, 200)
        b.interact(cid, day, "meeting", "in", "Walked into the showroom", "Looking for a dining table.")
        b.interact(cid, day + timedelta(days=2), "quote", "out", "Quote for a dining table",
                   follow_up=min(day + timedelta(days=14), b.today))
        return "prospect"
    if profile == "new":
        day = b.days_ago(4, 28)
        b.buy(cid, day, thank=rng.random() < 0.5)
        return "customer"
    first = b.days_ago(200, 720)
    b.buy(cid, first, thank=profile != "silent" or rng.random() < 0.3, thank_delay=(0, 0) if profile == "silent" else (1, 6))
    if profile != "silent" and rng.random() < 0.8:
        b.interact(cid, first + timedelta(days=rng.randint(5, 12)), "welcome_kit", "out",
                   f"Welcome kit with {manager[0]}'s contact details")
    if profile == "silent":
        return "customer"
    if profile == "former":
        _regular_contact(b, cid, interests, first, first + timedelta(days=120), int(4 * intensity))
        return "former"
    last_value_gap = {"loyal": (5, 60), "occasional": (30, 120), "neglected": (140, 260),
                      "unanswered": (100, 200), "reactive": (200, 320)}[profile]
    contact_end = b.days_ago(*last_value_gap)
    _regular_contact(b, cid, interests, first, contact_end, int(rng.randint(6, 16) * intensity),
                     value_share=0.6 if profile == "loyal" else 0.35)
    for _ in range(rng.randint(0, 3 if profile == "loyal" else 1)):
        day = first + timedelta(days=rng.randint(30, max((b.today - first).days, 31)))
        if day < b.today:
            b.buy(cid, day, thank=rng.random() < 0.85)
    if profile == "loyal":
        b.interact(cid, b.days_ago(1, 30), "check_in", "out", "Checked in after the delivery",
                   follow_up=b.days_ago(-20, 3), done=rng.random() < 0.3)
    if profile == "reactive":
        for _ in range(rng.randint(2, 4)):
            kind, text = rng.choice(REACTIVE + SALES)
            b.interact(cid, b.days_ago(5, 120), kind, "in" if kind in ("support", "urgent") else "out", text)
    if profile == "unanswered":
        b.interact(cid, b.days_ago(40, 60), "meeting", "in", "They stopped by about a bookshelf")
        for days in sorted(rng.sample(range(3, 38), rng.randint(2, 4)), reverse=True):
            b.interact(cid, b.today - timedelta(days=days), rng.choice(["call", "email"]), "out",
                       rng.choice(["Left a voicemail about the bookshelf", "Emailed the bookshelf sketches"]))
    return "customer"


def populate(n_customers=150, *, seed=7, today: date | None = None, intensity=1.0, n_connections=None,
             extra_purchases=0, whale_entries=0, owner=True, reference=False) -> dict:
    """Fill an empty journal. Returns the counts written.

    Rows are written in chunks of customers as they are made (so 2,000,000
    interactions never sit in memory at once) with the driver's executemany,
    the search indexes' triggers off, and the search indexes and customer
    summaries built once at the end: the same journal, minutes faster.
    `reference=True` writes the same rows the slow way instead (Peewee's
    insert_many with the triggers on, then summary.rebuild_all), for the test
    that the two journals are equal."""
    from faker import Faker

    if Customer.select().exists():
        raise JournalError("The demo data goes into an empty journal only; this one already has customers.")
    today = today or date.today()
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    b = _Builder(rng, today)
    write = _bulk if reference else _fast_insert

    companies = [fake.unique.company() for _ in range(max(n_customers // 6, 3))]
    tags = ["vip", "trade", "neighbour", "press", "architect"]
    customers, tag_links = [], []
    counts = dict(customers=0, interactions=0, purchases=0, connections=0)

    def flush():
        # Parents before children: customers, then interactions, then the
        # purchases whose thank-you cards they are.
        write(Customer, customers, _CUSTOMER_FIELDS)
        write(CustomerTag, tag_links, [CustomerTag.customer, CustomerTag.tag])
        write(Interaction, b.interactions, _INTERACTION_FIELDS)
        write(Purchase, [tuple(p) for p in b.purchases], _PURCHASE_FIELDS)
        counts["customers"] += len(customers)
        counts["interactions"] += len(b.interactions)
        counts["purchases"] += len(b.purchases)
        for rows in (customers, tag_links, b.interactions, b.purchases):
            rows.clear()

    with database.atomic(), (nullcontext() if reference else search.bulk_load()):
        founded = datetime.combine(today - timedelta(days=730), time(9))
        write(Company, [(i + 1, name, founded) for i, name in enumerate(companies)],
              [Company.id, Company.name, Company.created_at])
        write(Tag, [(i + 1, t, 30 if t == "vip" else None) for i, t in enumerate(tags)],
              [Tag.id, Tag.name, Tag.cadence_days])
        for cid in range(1, n_customers + 1):
            profile = rng.choice(PROFILES)
            interests = rng.sample(TOPICS, rng.randint(0, 3))
            manager = rng.choice(MANAGERS)
            stage = _story(b, cid, profile, interests, intensity, manager)
            company = rng.randrange(len(companies)) + 1 if rng.random() < 0.45 else None
            name = fake.name()
            created = datetime.combine(today - timedelta(days=730), time(9))
            customers.append((
                cid, name, company, fake.email() if rng.random() < 0.9 else "",
                fake.phone_number() if rng.random() < 0.8 else "",
                fake.address() if rng.random() < 0.85 else "",
                rng.choice(["email", "email", "phone", "visit", "message", "letter"]), stage, ", ".join(interests),
                manager[0], manager[1], rng.choice([None] * 8 + [30, 60, 180]),
                (today - timedelta(days=rng.randint(800, 3000))) if rng.random() < 0.15 and stage == "customer" else None,
                created, created, False,
            ))
            if rng.random() < 0.25:
                tag_links.append((cid, rng.randrange(len(tags)) + 1))
            if not reference and len(customers) >= _CHUNK:
                flush()
        flush()

        connections = _connections(rng, n_customers, n_connections if n_connections is not None else n_customers // 3,
                                   today)
        write(Connection, connections, [
            Connection.source, Connection.target, Connection.kind, Connection.connected_on, Connection.note,
            Connection.thanked_by, Connection.created_at])
        counts["connections"] = len(connections)
        for _ in range(extra_purchases):
            b.buy(rng.randint(1, n_customers), b.days_ago(1, 700), thank=rng.random() < 0.9)
        if whale_entries:
            _regular_contact(b, 1, ["sailing"], today - timedelta(days=3650), today - timedelta(days=1), whale_entries)
        flush()
        if owner:
            settings.update_settings(owner_name="Alex Morgan", business_name="Harbour & Pine",
                                     signature="Warmly,\nAlex Morgan\nHarbour & Pine",
                                     currency="USD")  # an American studio (Faker's en_US people)
        if reference:
            summary.rebuild_all()
        else:  # from the rows as they were made, instead of reading them all back
            rows = []
            for cid in range(1, n_customers + 1):
                # In time order, ties in the order written (ids), as summary reads them.
                contacts = sorted(b.contacts.pop(cid, ()), key=lambda r: r[0])
                rows.append((cid, *summary.compute(contacts, b.bought.pop(cid, ())).values()))
                if len(rows) >= 10 * _CHUNK:
                    write(CustomerSummary, rows, _SUMMARY_FIELDS)
                    rows.clear()
            write(CustomerSummary, rows, _SUMMARY_FIELDS)
        from .db import continue_ids

        continue_ids()  # the rows above brought their own ids (a server's sequences move past them)
    return counts


_CHUNK = 2000  # customers written at a time
_CUSTOMER_FIELDS = [
    Customer.id, Customer.name, Customer.company, Customer.email, Customer.phone, Customer.address,
    Customer.channel, Customer.stage, Customer.interests, Customer.account_manager,
    Customer.account_manager_phone, Customer.cadence_days, Customer.customer_since,
    Customer.created_at, Customer.updated_at, Customer.archived]
_INTERACTION_FIELDS = [
    Interaction.id, Interaction.customer, Interaction.occurred_at, Interaction.kind, Interaction.direction,
    Interaction.summary, Interaction.notes, Interaction.follow_up_on, Interaction.follow_up_done,
    Interaction.created_at, Interaction.updated_at]
_SUMMARY_FIELDS = [CustomerSummary.customer] + [getattr(CustomerSummary, name) for name in summary.compute((), ())]
_PURCHASE_FIELDS = [
    Purchase.id, Purchase.customer, Purchase.purchased_on, Purchase.product, Purchase.amount_cents,
    Purchase.thanked_by, Purchase.created_at]


def _fast_insert(model, rows, fields):
    """INSERT with the driver's executemany: Peewee's insert_many builds SQL text
    value by value, which was three quarters of the time of a 200,000-row load.
    Values go to the driver as Peewee would pass them (dates, datetimes, bools)."""
    if not rows:
        return
    given = set(fields)
    # A column whose table gives the same default itself (the row versions' DEFAULT 1) needs nothing here.
    defaults = [f for f in model._meta.sorted_fields if f not in given and f.default is not None
                and not any(str(getattr(c, "sql", "")).startswith("DEFAULT") for c in f.constraints or ())]
    if defaults:  # Peewee fills these in; here the caller must (a callable default would differ row by row)
        raise ValueError(f"{model.__name__}: give {', '.join(f.name for f in defaults)} explicitly")
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    marks = ", ".join([database.param] * len(fields))
    cursor = database.cursor()
    cursor.executemany(f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})', rows)


def _connections(rng, n_customers, count, today):
    seen, rows = set(), []
    # A few generous referrers make the graph look like real word of mouth.
    hubs = rng.sample(range(1, n_customers + 1), max(n_customers // 25, 2))
    attempts = 0
    while len(rows) < count and attempts < count * 20:
        attempts += 1
        kind = rng.choices(["referred", "introduced", "colleague"], weights=[6, 3, 2])[0]
        source = rng.choice(hubs) if rng.random() < 0.5 else rng.randint(1, n_customers)
        target = rng.randint(1, n_customers)
        key = (kind, *sorted((source, target))) if kind != "referred" else (kind, source, target)
        if source == target or key in seen:
            continue
        seen.add(key)
        on = today - timedelta(days=rng.randint(1, 700))
        rows.append((source, target, kind, on, "", None, datetime.combine(on, time(9))))
    return rows


def _bulk(model, rows, fields, batch=2000):
    for start in range(0, len(rows), batch):
        model.insert_many(rows[start:start + batch], fields=fields).execute()


SCALES = {
    # 40 interactions a customer, a tenth of them with a purchase beyond their
    # story's, and one customer with 5,000 timeline entries.
    "5k": dict(n_customers=5000, intensity=4.4, n_connections=3000, extra_purchases=12_500, whale_entries=5000),
    "50k": dict(n_customers=50_000, intensity=4.4, n_connections=30_000, extra_purchases=125_000,
                whale_entries=5000),
}


def populate_scale(seed=11, today: date | None = None, size: str = "5k") -> dict:
    """A journal for the benchmarks: "5k" is 5,000 customers, ~200,000
    interactions, ~20,000 purchases and 3,000 connections; "50k" ten times
    that (~2,000,000 interactions, 30,000 connections)."""
    return populate(**SCALES[size], seed=seed, today=today, owner=False)
