"""The owner's settings, stored as key/value rows, read and written as one dataclass.

On a team journal (a server) your name and signature (PERSONAL) are each
person's own: stored under `owner_name@<login role>`, falling back to the
team's `owner_name` until the person sets theirs, so cards are signed by
whoever prints them. Everything else is the team's. A journal file has one
person: the plain keys."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from journal.writes import changes
from journal.rules import validate
from journal.errors import ChangedSince, ValidationError
from journal.rules.kinds import DEFAULT_CADENCE_DAYS
from journal.storage.models import Setting, database, me, upsert

DEFAULT_CARD_TEMPLATE = """Dear {{ salutation }},

{% if occasion == "welcome" -%}
welcome aboard! {% if account_manager %}{{ account_manager }} will look after you{% if account_manager_phone %} — call {{ account_manager_phone }} any time{% endif %}.{% endif %}
{%- elif occasion == "referrals" -%}
thank you for sending {{ referred_names }} our way. It means a lot that you trust us with people you know.
{%- elif is_return_customer -%}
thank you for {{ tenure }} with us{% if last_product %}, and for choosing the {{ last_product }} again{% endif %}.
{%- elif last_product -%}
thank you for choosing the {{ last_product }}. We hope it serves you well.
{%- else -%}
thank you for being with us{% if tenure %} for {{ tenure }}{% endif %}.
{%- endif %}

{{ signature or owner_name }}"""


@dataclass(frozen=True)
class Settings:
    owner_name: str = ""
    business_name: str = ""
    signature: str = ""
    default_cadence_days: int = DEFAULT_CADENCE_DAYS
    card_template: str = DEFAULT_CARD_TEMPLATE
    backups_kept: int = 14
    currency: str = ""  # ISO 4217 code of the business's money; "" = the system locale's


_INTS = {"default_cadence_days": (1, 3650), "backups_kept": (1, 1000)}


def _currency(value) -> str:
    code = validate.text("currency", value, max_len=3).upper()
    if code and not re.fullmatch(r"[A-Z]{3}", code):
        raise ValidationError("currency", f"{value!r} is not a currency code such as EUR or USD")
    return code


PERSONAL = ("owner_name", "signature")  # each person's own on a team journal
WORDS = {"owner_name": "your name", "business_name": "the business name", "signature": "the signature",
         "default_cadence_days": "the stay-in-touch cadence", "card_template": "the card template",
         "backups_kept": "the number of backups kept", "currency": "the currency"}
assert set(WORDS) == {f.name for f in fields(Settings)}


def each_persons_own() -> bool:
    """Whether your name and signature are yours alone (a team journal), not the journal's (a file)."""
    return me() is not None


def own_settings() -> set[str]:
    """Which of your name and signature you have set as your own on this team
    journal (the others are the team's until you do); none on a file."""
    who = me()
    if not who:
        return set()
    keys = {own_key(name, who): name for name in PERSONAL}
    return {keys[key] for key, in Setting.select(Setting.key).where(Setting.key.in_(list(keys))).tuples()}


def own_key(name: str, who: str) -> str:
    """The key a person's own value of a PERSONAL setting is stored under."""
    return f"{name}@{who}"


def _key(name: str, who: str | None) -> str:
    return own_key(name, who) if who and name in PERSONAL else name


def _values(stored: dict, who: str | None) -> dict:
    """The settings as this person has them: their own where they set it, else the journal's."""
    values = {}
    for f in fields(Settings):
        key = _key(f.name, who)
        if key in stored or f.name in stored:
            value = stored[key] if key in stored else stored[f.name]
            values[f.name] = int(value) if f.name in _INTS else value
    return values


def get_settings() -> Settings:
    return Settings(**_values(dict(Setting.select(Setting.key, Setting.value).tuples()), me()))


def update_settings(expected: dict | None = None, **values) -> Settings:
    """Store the settings given (on a team journal, your name and signature as
    your own). `expected`: those settings as the person saw them when they
    began (the settings dialog as it opened); one someone else has changed
    since, to anything but what this write gives it, refuses the whole write
    (ChangedSince, nothing written; its `fields` names them and `theirs` gives
    their values now), so a colleague's newer setting is never overwritten unseen."""
    if expected is not None and not isinstance(expected, dict):
        raise ValidationError("settings", "expected are not a set of named values")
    who = me()
    clean = {}
    for key, value in values.items():
        if key not in WORDS:
            raise ValidationError(key, "is not a setting")
        if key in _INTS:
            low, high = _INTS[key]
            clean[key] = validate.whole_number(key, value, minimum=low, maximum=high)
        elif key == "currency":
            clean[key] = _currency(value)
        elif key == "card_template":
            clean[key] = validate.text(key, value, required=True, max_len=20_000)
        else:
            clean[key] = validate.text(key, value, max_len=2_000)
    keys = {name: _key(name, who) for name in clean}
    # Only what was set is stored, so an unchanged default (the card template,
    # say) still improves when Lately does.
    with changes.recording():
        if expected:
            _refuse_if_changed_since(clean, expected, who)
        current = get_settings()
        changes.watch(Setting, *keys.values())
        for name, value in clean.items():
            upsert(Setting, ("key",), key=keys[name], value=str(value))
    return replace(current, **clean)


def take_as_the_files(who: str | None) -> None:
    """A team journal just copied into a file (a move, a backup) by `who`: a
    file has one person, so who made it signs it with their own name and
    signature, which become the file's (their own rows go: the value is the
    file's now, and the team's if the file is moved to a server again). Each
    colleague's own stays as it was, for a move back. Not an undoable change:
    part of making the file."""
    if not who:
        return
    who = validate.text("login", who, max_len=200)  # a login role's name, as the server gives it
    mine = dict(Setting.select(Setting.key, Setting.value)
                .where(Setting.key.in_([own_key(name, who) for name in PERSONAL])).tuples())
    for name in PERSONAL:
        if own_key(name, who) in mine:
            upsert(Setting, ("key",), key=name, value=mine[own_key(name, who)])
    Setting.delete().where(Setting.key.in_(list(mine))).execute()


def _comparable(name: str, value):
    if name in _INTS:
        try:
            return int(value)
        except (TypeError, ValueError):
            return value
    return "" if value is None else str(value)


def _refuse_if_changed_since(clean: dict, expected: dict, who: str | None) -> None:
    names = [name for name in clean if name in expected]
    if not names:
        return
    rows = Setting.select(Setting.key, Setting.value).where(
        Setting.key.in_({*names, *(_key(name, who) for name in names)}))
    if database.obj.for_update:  # a server: a colleague's save of these settings waits for ours
        rows = rows.for_update()
    now = {**{f.name: f.default for f in fields(Settings)}, **_values(dict(rows.tuples()), who)}
    changed = [name for name in names
               if _comparable(name, now[name]) not in (_comparable(name, expected[name]), _comparable(name, clean[name]))]
    if not changed:
        return
    if len(changed) == 1:
        shown = str(now[changed[0]])
        shown = shown if len(shown) <= 60 else shown[:60] + "…"
        now_is = f"“{shown}”" if shown else "empty"
        what = f"{WORDS[changed[0]]} was changed since you opened the settings: it is now {now_is}"
    else:
        listed = [WORDS[name] for name in changed]
        what = f"{', '.join(listed[:-1])} and {listed[-1]} were changed since you opened the settings"
    refusal = ChangedSince(f"{what[0].upper()}{what[1:]}. Nothing was saved.")
    refusal.fields = tuple(changed)  # for the form: where to say it
    refusal.theirs = {name: now[name] for name in changed}
    raise refusal
