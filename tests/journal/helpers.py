"""Small builders for hand-made journals."""

from datetime import date, datetime, time, timedelta

from journal.writes import connections, customers, interactions, purchases

TODAY = date(2026, 6, 15)


def days_ago(n: int, hour: int = 10) -> datetime:
    return datetime.combine(TODAY - timedelta(days=n), time(hour))


def customer(name="Ada Lovelace", **values):
    return customers.create_customer(name=name, **values)


def log(c, kind="call", direction="out", ago=0, summary="Talked", **extra):
    return interactions.log_interaction(c.id, kind, direction, summary, occurred_at=days_ago(ago), **extra)


def buy(c, ago=0, product="Oak table", cents=100_00):
    return purchases.add_purchase(c.id, (TODAY - timedelta(days=ago)), product, cents)


def connect(a, b, kind="referred", ago=0):
    return connections.add_connection(a.id, b.id, kind, connected_on=TODAY - timedelta(days=ago))
