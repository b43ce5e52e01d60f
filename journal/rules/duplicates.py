"""Possible duplicates: customers who share an e-mail address (whatever its
case), a phone number (however it is written, with or without the country
prefix), or a nearly identical name in the same company ("Jon Smith" and
"John Smith", "Smith, John" and "John Smith"). Customers are grouped by those
keys first, so 5,000 customers never mean 12 million comparisons. Pairs the
owner said are different people are remembered and not suggested again."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import combinations

from peewee import JOIN, fn

from journal.rules import validate
from journal.errors import Cancelled, ValidationError
from journal.storage.models import Company, Customer, NotDuplicate

SAME_EMAIL, SAME_PHONE, SAME_NAME, SIMILAR_NAME = "same e-mail", "same phone", "same name", "similar name"
_STRENGTH = {SAME_EMAIL: 0, SAME_PHONE: 1, SAME_NAME: 2, SIMILAR_NAME: 3}
NAME_SIMILARITY = 0.85  # difflib ratio of the normalised names: "jon smith" / "john smith" is 0.95
_BIG_BLOCK = 150  # a company this large is compared by surname, not every pair
_TITLES = frozenset("mr mrs ms miss mx dr prof sir dame herr frau jr sr ii iii iv phd md".split())


@dataclass(frozen=True)
class DuplicatePair:
    first_id: int  # the lower id
    second_id: int
    first_name: str
    second_name: str
    first_company: str
    second_company: str
    reasons: tuple[str, ...]  # strongest first

    @property
    def reason_text(self) -> str:
        return ", ".join(self.reasons)


@lru_cache(maxsize=16384)
def name_key(name: str) -> str:
    """A name as compared: "Smith, John" and "Dr. John  Smith" both "john smith"."""
    if "," in name:
        last, _, first = name.partition(",")
        if first.strip() and not re.search(r"\b(jr|sr|ii|iii|iv|phd|md)\b\.?$", first.strip(), re.IGNORECASE):
            name = f"{first} {last}"
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = [w for w in re.findall(r"[^\W_]+", text) if w not in _TITLES]
    return " ".join(words)


def phone_keys(phone: str) -> frozenset[str]:
    """The national number of a phone, however it was written: "+44 20 7946 0018",
    "0044 20 7946 0018" and "020 7946 0018" share "2079460018". A number written
    without a prefix may also be an international one without its "+"."""
    import phonenumbers

    text = re.split(r"(?i)\s*(?:ext\.?|extension|x|#)\s*\d+\s*$", phone.strip())[0]
    digits = re.sub(r"\D", "", text)
    if len(digits) < 6:
        return frozenset()
    keys = set()
    international = text.lstrip().startswith("+") or digits.startswith("00")
    if international:
        try:
            number = phonenumbers.parse("+" + digits.removeprefix("00") if digits.startswith("00") else text, None)
            keys.add(str(number.national_number))
        except phonenumbers.NumberParseException:
            keys.add(digits.removeprefix("00"))
    else:
        keys.add(digits.lstrip("0"))
        if digits.startswith("0") or len(digits) < 11:  # a national number, not one missing its "+"
            return frozenset(k for k in keys if len(k) >= 6)
        try:  # 15551234567 is +1 555 123 4567 written without its plus
            number = phonenumbers.parse("+" + digits, None)
            if phonenumbers.is_possible_number(number):
                keys.add(str(number.national_number))
        except phonenumbers.NumberParseException:
            pass
    return frozenset(k for k in keys if len(k) >= 6)


def _skeleton(word: str) -> str:
    """A surname's consonants, once each in a row: Müller, Mueller and Muller are
    all "mlr", Smith and Smyth "smth" (for grouping, not for deciding)."""
    consonants = re.sub(r"[aeiouy]", "", word) or word
    return re.sub(r"(.)\1+", r"\1", consonants)


def _similar(a: str, b: str, matcher: SequenceMatcher | None = None) -> bool:
    """Near-identical names. Pass a matcher whose second sequence is already `b`
    to compare many names against one (difflib indexes the second once)."""
    if a == b or _initial_matches(a, b):
        return True
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < NAME_SIMILARITY:
        return False
    if matcher is None:
        matcher = SequenceMatcher(None, a, b)
    else:
        matcher.set_seq1(a)
    return matcher.quick_ratio() >= NAME_SIMILARITY and matcher.ratio() >= NAME_SIMILARITY


def _similar_pairs(ids, people, wanted=lambda a, b: True):
    """Pairs among `ids` with different but near-identical names. RapidFuzz's
    ratio (2 x the longest common subsequence over both lengths, in C++) is
    never below difflib's, so it picks the few candidates difflib then decides:
    a block of 1,000 names is a million comparisons."""
    from rapidfuzz import fuzz, process

    keyed = sorted((cid, name_key(people[cid][1])) for cid in ids)
    keys = [key for _, key in keyed]
    by_initial = defaultdict(list)  # (surname, first initial) -> places, for "J Smith" and "John Smith"
    for at, key in enumerate(keys):
        words = key.split()
        if len(words) >= 2:
            by_initial[(words[-1], words[0][0])].append(at)
    cutoff = NAME_SIMILARITY * 100 - 0.01  # (the same bound, clear of rounding)
    matcher = SequenceMatcher(None, autojunk=False)
    for j, (b, kb) in enumerate(keyed):
        candidates = {at for _, _, at in process.extract(kb, keys, scorer=fuzz.ratio, score_cutoff=cutoff,
                                                            limit=None) if at < j}
        words = kb.split()
        if len(words) >= 2:
            candidates.update(at for at in by_initial[(words[-1], words[0][0])] if at < j)
        if not candidates:
            continue
        matcher.set_seq2(kb)
        for at in sorted(candidates):
            a, ka = keyed[at]
            if ka != kb and wanted(a, b) and _similar(ka, kb, matcher):
                yield a, b


def _initial_matches(a: str, b: str) -> bool:
    """"J Smith" and "John Smith": the same surname, one first name an initial of the other."""
    wa, wb = a.split(), b.split()
    if len(wa) < 2 or len(wb) < 2 or wa[-1] != wb[-1]:
        return False
    fa, fb = wa[0], wb[0]
    return (len(fa) == 1 or len(fb) == 1) and fa[0] == fb[0]


class _Progress:
    """progress(done, total) about every half percent of the work, not once per
    customer: at 50,000 customers a report each time would cost as much as the
    comparing. Callers test `done >= next` themselves before calling at(), so
    the customers in between cost one comparison. A report that returns False
    (or raises Cancelled) stops the work."""

    def __init__(self, progress, total: int):
        self.progress, self.total = progress, max(total, 1)
        self.every = max(self.total // 200, 1)
        self.next = 0 if progress is not None else float("inf")

    def at(self, done: int) -> None:
        self.next = done + self.every
        if self.progress(min(done, self.total), self.total) is False:
            raise Cancelled()


def find_duplicates(*, include_dismissed: bool = False, progress=None) -> list[DuplicatePair]:
    """Every pair of live customers who may be the same person, most certain first.
    progress(done, total), if given, hears how far it is (and may stop it: see pairs_of)."""
    rows = list(
        Customer.select(Customer.id, Customer.name, Customer.company_id, Company.name, Customer.email, Customer.phone)
        .join(Company, JOIN.LEFT_OUTER, on=(Customer.company == Company.id))
        .where(Customer.deleted_at.is_null())
        .tuples()
    )
    return pairs_of(rows, set() if include_dismissed else dismissed_pairs(), progress=progress)


def pairs_of(rows, dismissed: set[tuple[int, int]], *, progress=None) -> list[DuplicatePair]:
    """Pairs from (id, name, company id, company name, email, phone) rows.
    progress(done, total) hears about every half percent; when it returns False
    or raises Cancelled, the work stops there (Cancelled) and nothing is returned.
    The first third is reading each customer's keys, the rest comparing names."""
    ticks = _Progress(progress, 3 * len(rows))
    people = {row[0]: row for row in rows}
    reasons: dict[tuple[int, int], set[str]] = defaultdict(set)

    def pair_up(ids, reason):
        for a, b in combinations(sorted(set(ids)), 2):
            reasons[(a, b)].add(reason)

    by_email, by_phone, by_name = defaultdict(list), defaultdict(list), defaultdict(list)
    by_company, by_surname = defaultdict(list), defaultdict(list)
    for done, (cid, name, company_id, _, email, phone) in enumerate(rows):
        if done >= ticks.next:
            ticks.at(done)
        if email and email.strip():
            by_email[email.strip().casefold()].append(cid)
        for key in phone_keys(phone or ""):
            by_phone[key].append(cid)
        key = name_key(name)
        if key:
            by_name[key].append(cid)
            if company_id is not None:
                by_company[company_id].append(cid)
            by_surname[_skeleton(key.split()[-1])].append(cid)
    for ids in by_email.values():
        pair_up(ids, SAME_EMAIL)
    for ids in by_phone.values():
        pair_up(ids, SAME_PHONE)
    for ids in by_name.values():
        # The same name at two different companies is more likely two people.
        for a, b in combinations(sorted(ids), 2):
            ca, cb = people[a][2], people[b][2]
            if ca is None or cb is None or ca == cb:
                reasons[(a, b)].add(SAME_NAME)
    surname_blocks = [ids for ids in by_surname.values()  # one of the two has no company (yet)
                      if len(ids) <= 1000 and any(people[cid][2] is None for cid in ids)]
    # The comparing is the other two thirds, shared by the customers it goes through.
    compared = max(sum(map(len, by_company.values())) + sum(map(len, surname_blocks)), 1)
    seen = 0

    def comparing(block):
        nonlocal seen
        done = len(rows) + 2 * len(rows) * seen // compared
        if done >= ticks.next:
            ticks.at(done)
        seen += len(block)
        return block
    for ids in by_company.values():
        blocks = [ids]
        if len(ids) > _BIG_BLOCK:  # compare within surname initials instead of every pair
            by_initial = defaultdict(list)
            for cid in ids:
                by_initial[name_key(people[cid][1]).split()[-1][:1]].append(cid)
            blocks = list(by_initial.values())
        for block in blocks:
            for pair in _similar_pairs(comparing(block), people):
                reasons[pair].add(SIMILAR_NAME)
    for ids in surname_blocks:  # compare within similar surnames
        for pair in _similar_pairs(comparing(ids), people, lambda a, b: people[a][2] is None or people[b][2] is None):
            reasons[pair].add(SIMILAR_NAME)
    if ticks.progress is not None:
        ticks.at(ticks.total)
    found = []
    for (a, b), why in reasons.items():
        if (a, b) in dismissed:
            continue
        ra, rb = people[a], people[b]
        found.append(DuplicatePair(a, b, ra[1], rb[1], ra[3] or "", rb[3] or "",
                                   tuple(sorted(why, key=_STRENGTH.__getitem__))))
    found.sort(key=lambda p: (_STRENGTH[p.reasons[0]], -len(p.reasons), p.first_name.casefold(), p.first_id,
                              p.second_id))
    return found


# --- "these are different people" ----------------------------------------------------

def dismissed_pairs() -> set[tuple[int, int]]:
    return set(NotDuplicate.select(NotDuplicate.first_id, NotDuplicate.second_id).tuples())


def mark_not_duplicates(a: int, b: int):
    """Remember that these two are different people."""
    a, b = validate.ident("customer", a), validate.ident("customer", b)
    if a == b:
        raise ValidationError("customer", "a customer is always the same person as themselves")
    first, second = sorted((a, b))
    from journal.writes import changes

    with changes.recording() as recorded:
        for cid in (first, second):
            if not Customer.select().where(Customer.id == cid).exists():
                raise ValidationError("customer", f"there is no customer with id {cid}")
        pair = (NotDuplicate.first == first) & (NotDuplicate.second == second)
        changes.watch_where(NotDuplicate, pair)
        NotDuplicate.insert(first=first, second=second).on_conflict_ignore().execute()
        changes.created_where(NotDuplicate, pair)
    return recorded.changeset


def unmark_not_duplicates(a: int, b: int):
    from journal.writes import changes

    first, second = sorted((validate.ident("customer", a), validate.ident("customer", b)))
    with changes.recording() as recorded:
        pair = (NotDuplicate.first == first) & (NotDuplicate.second == second)
        changes.watch_where(NotDuplicate, pair)
        NotDuplicate.delete().where(pair).execute()
    return recorded.changeset


# --- before a new customer is added -------------------------------------------------------

def already_there(name: str, email: str = "") -> list[tuple[int, str, str]]:
    """Customers in the journal (not in the trash) who look like the one about to
    be added: (id, name, why) for the same e-mail, any case, or the same name
    written another way ("Tester, Jane" for "Jane Tester"). Asks the names
    index, so it stays quick at any size."""
    from journal.reads import search

    found: dict[int, tuple[str, str]] = {}
    email = (email or "").strip()
    if email:
        for cid, other in (Customer.select(Customer.id, Customer.name)
                           .where(Customer.deleted_at.is_null(), Customer.email != "",
                                  fn.lower(Customer.email) == email.lower()).tuples()):
            found[cid] = (other, "the same e-mail")
    key = name_key(name or "")
    if key:
        for choice in search.complete_customers(" ".join(key.split()[-1:]), 200):
            if choice.id not in found and name_key(choice.name) == key:
                found[choice.id] = (choice.name, "the same name")
    return [(cid, other, why) for cid, (other, why) in found.items()]
