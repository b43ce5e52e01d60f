from datetime import date, timedelta

import pytest

from ui.common import format as fmt

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize("days,long,short", [
    (None, "never", "—"), (-3, "in 3 days", "ahead"), (0, "today", "today"), (1, "yesterday", "yesterday"),
    (13, "13 days ago", "13 d"), (14, "2 weeks ago", "2 wk"), (59, "8 weeks ago", "8 wk"),
    (60, "2 months ago", "2 mo"), (729, "24 months ago", "24 mo"), (730, "2 years ago", "2 yr"),
])
def test_ages_read_the_same_long_and_short(days, long, short):
    when = None if days is None else TODAY - timedelta(days=days)
    assert fmt.ago(when, TODAY) == long
    assert fmt.ago_short(when, TODAY) == short


def test_money_and_days():
    assert fmt.money(123456) == "1,234.56"
    assert fmt.day(date(2026, 3, 5)) == "5 Mar 2026"
