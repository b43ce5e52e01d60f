"""Lately's core: the journal's data, rules and storage. Never imports Qt."""

__version__ = "0.1.0"
