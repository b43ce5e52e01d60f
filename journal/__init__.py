"""Lately's core: the journal's data, rules and storage. Never imports Qt."""

__version__ = "0.1.0"


def _peewee_without_its_server_driver() -> None:
    """Import Peewee without letting it load psycopg: Peewee loads the
    PostgreSQL driver at its own import when it is installed, which costs a
    file journal's start-up about 90 ms. A team journal loads it when it
    connects (storage.db.load_server_driver)."""
    import sys

    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return
    sys.modules["psycopg"] = None  # `import psycopg` raises ImportError while this stands
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]


_peewee_without_its_server_driver()
