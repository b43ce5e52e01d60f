"""A day after today in an imported file is bad input, as quick capture will
not log one: a purchase dated tomorrow is left out with its line and why; a
customer-since date in the future is left out of its row, the rest of the row
imported, as any other value that cannot be read. From the file and from the
command line (the real main.py in its own process)."""

from datetime import date, timedelta

from journal.io import cli
from journal.io import csv_import as ci
from journal.storage.models import Purchase
from journal.writes import customers

from .test_cli import lately

TODAY, TOMORROW = date.today(), date.today() + timedelta(days=1)


def plan(text: str, fields, **options):
    table = ci.read_table(text.encode("utf-8"))
    mapping = ci.guess_mapping(table.headers, fields)
    if fields is ci.PURCHASE_FIELDS:
        return ci.plan_purchases(table, mapping, "%Y-%m-%d")
    return ci.plan_customers(table, mapping, "%Y-%m-%d", **options)


def test_a_purchase_dated_tomorrow_is_left_out_with_its_line_and_why(journal):
    ada = customers.create_customer(name="Ada Lovelace")
    planned = plan(f"Date,Customer,Product,Amount\n{TODAY},Ada Lovelace,Oak table,100\n"
                   f"{TOMORROW},Ada Lovelace,Walnut desk,200\n", ci.PURCHASE_FIELDS)
    assert [(p.line, p.message, p.imported) for p in planned.problems] == [
        (3, f"Purchase date: '{TOMORROW}' is in the future", False)]
    report = ci.import_purchases(planned)
    assert report.created == 1  # today's: a purchase made today is no future one
    assert [p.product for p in Purchase.select().where(Purchase.customer == ada.id)] == ["Oak table"]


def test_a_customer_since_in_the_future_is_left_out_of_a_row_that_is_imported(journal):
    text = (f"Name,Email,Customer since\nBo Brandt,bo@example.org,{TOMORROW}\n"
            f"Cy Young,cy@example.org,{TODAY}\n")
    planned = plan(text, ci.CUSTOMER_FIELDS)
    assert [(p.line, p.message, p.imported) for p in planned.problems] == [
        (2, f"customer since '{TOMORROW}' is in the future — imported without it", True)]
    ci.import_customers(planned)
    bo = customers.find_by_name("Bo Brandt")
    assert (bo.email, bo.customer_since) == ("bo@example.org", None)  # the rest of the row is kept
    assert customers.find_by_name("Cy Young").customer_since == TODAY
    skipping = plan(text, ci.CUSTOMER_FIELDS, skip_bad_rows=True)  # as the user may ask for any bad value
    assert [(p.line, p.imported) for p in skipping.problems] == [(2, False)]
    assert "is in the future — row skipped" in skipping.problems[0].message


def test_the_command_line_reports_future_dates_per_row(tmp_path, lately_home):
    journal = tmp_path / "journal.sqlite3"
    (tmp_path / "customers.csv").write_text(f"Name,Customer since\nAda Lovelace,{TOMORROW}\n", encoding="utf-8")
    (tmp_path / "purchases.csv").write_text(f"Date,Customer,Product,Amount\n{TODAY},Ada Lovelace,Oak table,100\n"
                                            f"{TOMORROW},Ada Lovelace,Walnut desk,200\n", encoding="utf-8")
    done = lately("import", "customers", tmp_path / "customers.csv", "--db", journal, home=lately_home)
    assert f"Line 2: customer since '{TOMORROW}' is in the future — imported without it" in done.stdout, done.stderr
    assert "Imported 1 new customer." in done.stdout
    done = lately("import", "purchases", tmp_path / "purchases.csv", "--db", journal, home=lately_home)
    assert done.returncode == cli.REFUSED, done.stderr
    assert "Imported 1 new purchase." in done.stdout
    assert f"Line 3: Purchase date: '{TOMORROW}' is in the future" in done.stdout
