"""Words and numbers as a person writes them: plurals, and the formatters the app installs."""

from datetime import date, datetime

import pytest

from journal.rules import words


@pytest.fixture(autouse=True)
def plain_words():
    words.use()
    yield
    words.use()


@pytest.mark.parametrize("count,singular,expected", [
    (0, "customer", "0 customers"), (1, "customer", "1 customer"), (2, "customer", "2 customers"),
    (1, "entry", "1 entry"), (3, "entry", "3 entries"), (2, "match", "2 matches"), (1, "day", "1 day"),
    (5000, "customer", "5,000 customers"), (-1, "day", "-1 days"),
])
def test_a_count_agrees_with_its_noun(count, singular, expected):
    assert words.plural(count, singular) == expected


def test_an_irregular_plural_can_be_given():
    assert words.plural(2, "person") == "2 people"
    assert words.plural(2, "cactus", "cacti") == "2 cacti"
    assert words.noun(1, "has", "have") == "has" and words.noun(3, "has", "have") == "have"


def test_plain_forms_are_unambiguous_everywhere():
    assert words.day(date(2026, 3, 5)) == "5 Mar 2026"
    assert words.day(datetime(2026, 3, 5, 23, 59)) == "5 Mar 2026"
    assert words.day(None) == ""
    assert words.money(123456) == "1,234.56"
    assert words.money(-150) == "-1.50"


def test_the_app_can_install_its_own_forms_and_take_them_back():
    words.use(day=lambda d: f"{d:%m/%d/%Y}", number=lambda n: f"{n:_}", money=lambda c: f"€{c // 100}")
    assert words.day(date(2026, 3, 5)) == "03/05/2026"
    assert words.plural(5000, "customer") == "5_000 customers"
    assert words.money(49200) == "€492"
    words.use()
    assert words.plural(5000, "customer") == "5,000 customers"
