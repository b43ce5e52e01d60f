"""The owner's settings, stored as key/value rows, read and written as one dataclass."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from journal.writes import changes
from journal.rules import validate
from journal.errors import ValidationError
from journal.rules.kinds import DEFAULT_CADENCE_DAYS
from journal.storage.models import Setting, upsert

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


def get_settings() -> Settings:
    stored = dict(Setting.select(Setting.key, Setting.value).tuples())
    values = {}
    for f in fields(Settings):
        if f.name in stored:
            values[f.name] = int(stored[f.name]) if f.name in _INTS else stored[f.name]
    return Settings(**values)


def update_settings(**values) -> Settings:
    current = get_settings()
    clean = {}
    for key, value in values.items():
        if key not in {f.name for f in fields(Settings)}:
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
    # Only what was set is stored, so an unchanged default (the card template,
    # say) still improves when Lately does.
    with changes.recording():
        changes.watch(Setting, *clean)
        for key, value in clean.items():
            upsert(Setting, ("key",), key=key, value=str(value))
    return replace(current, **clean)
