"""Any input to any public write service either succeeds or is refused with the
journal's own error, and a refusal leaves the journal byte-for-byte as it was
(its SQL dump); nothing else escapes, and the journal stays sound.

The services and their input strategies are in service_calls.py (all of
Unicode, ids over the whole integer range and of the wrong types, numbers of
thousands of digits, far and time-zoned dates). LATELY_FUZZ_EXAMPLES raises the
examples per service; benchmarks/soak_services.py runs 20,000 calls."""

import inspect
import os
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.writes import connections, customers, interactions, purchases
from journal.storage import db
from journal.reads import search
from journal.errors import JournalError

from tests.postgres import backends_for

from .service_calls import OTHER_MODULES, READS, SERVICE_MODULES, WRITES, name
from .soundness import dump, problems

FUZZ = settings(max_examples=int(os.environ.get("LATELY_FUZZ_EXAMPLES", "40")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def seed_journal() -> None:
    """A few of everything, some in the trash, so ids 1-40 often exist."""
    people = [customers.create_customer(name=n, tags=["vip"] if n < "C" else []).id
              for n in ("Ada", "Bob", "Cleo", "Dan", "Eve", "Finn")]
    for n, cid in enumerate(people):
        row = interactions.log_interaction(cid, "call", "out", f"Call {n}", occurred_at=date(2026, 1, 1 + n))
        purchases.add_purchase(cid, date(2026, 2, 1 + n), "Chair", 100 * (n + 1))
        if n % 2:
            interactions.delete_interaction(row.id)
    connections.add_connection(people[0], people[1], "referred", connected_on=date(2026, 1, 5))
    connections.add_connection(people[2], people[3], "colleague", connected_on=date(2026, 1, 5))
    customers.delete_customer(people[-1])


@pytest.fixture(scope="module", params=backends_for(()))
def fuzz_journal(request, tmp_path_factory):
    if request.param == "postgresql":  # the same fuzzing on the server (tests/postgres.py)
        database = db.open_server(request.getfixturevalue("pg_server").empty_journal())
    else:
        database = db.connect(tmp_path_factory.mktemp("fuzz") / "journal.sqlite3")
    seed_journal()
    yield
    assert problems() == []
    database.close()


def attempt(service, args, kwargs):
    before = dump()
    try:
        service(*args, **kwargs)
    except JournalError:  # refused with a message: fine, if nothing changed
        assert dump() == before, f"{name(service)} refused the input but changed the journal"


def test_every_module_of_the_journal_is_known():
    import pkgutil

    import journal

    modules = {m.name for m in pkgutil.walk_packages(journal.__path__, "journal.")
               if not m.ispkg and not m.name.startswith("journal.storage.migrations.")}
    known = {m.__name__ for m in SERVICE_MODULES} | set(OTHER_MODULES)
    assert modules - known == set(), "a new module: add it to SERVICE_MODULES (and WRITES) or OTHER_MODULES"


def test_every_public_function_is_a_known_write_or_read():
    """A new service must be added to WRITES (and so to the fuzzing) or to READS."""
    writes = {(f.__module__, f.__name__) for f in WRITES}
    for module in SERVICE_MODULES:
        public = {n for n, f in vars(module).items() if callable(f) and not inspect.isclass(f)
                  and getattr(f, "__module__", None) == module.__name__ and not n.startswith("_")}
        known = {n for m, n in writes if m == module.__name__} | READS.get(module, set())
        assert public - known == set(), f"{module.__name__}: add to WRITES or READS in service_calls.py"
        assert known - public == set(), f"{module.__name__}: no longer public"


@pytest.mark.parametrize("service", list(WRITES), ids=name)
@FUZZ
@given(data=st.data())
def test_any_input_is_saved_or_refused_leaving_the_journal_as_it_was(fuzz_journal, service, data):
    args, kwargs = data.draw(WRITES[service], label="call")
    attempt(service, args, kwargs)


@settings(FUZZ, max_examples=150)
@given(text=st.text(st.characters(exclude_categories=())))
def test_search_takes_any_text(fuzz_journal, text):
    search.search(text)
