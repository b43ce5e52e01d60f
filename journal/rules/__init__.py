"""Rules: what the journal decides (attention, duplicates, cards, wording), from plain data."""
