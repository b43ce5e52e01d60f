"""Render the README's screenshots offscreen from a fresh demo journal.

    uv run python docs/screenshots.py

Writes docs/images/*.png. Uses a temporary LATELY_HOME, so your journal and
window settings are never touched."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LATELY_HOME"] = tempfile.mkdtemp(prefix="lately-shots-")


def main():
    from PySide6.QtWidgets import QApplication

    from journal.storage import db
    from journal.io import demo
    from journal.rules import lately
    from journal.storage.models import Customer, CustomerSummary
    from ui.common import tasks, theme
    from ui.window.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    theme.apply(app, theme.LIGHT)  # whatever the desktop's scheme; the dark shot is asked for below
    tasks.set_synchronous(True)
    path = db.demo_path()
    db.connect(path)
    demo.populate()
    OUT.mkdir(parents=True, exist_ok=True)

    window = MainWindow(path, demo=True, check_integrity=False)
    window.resize(1680, 980)
    # As a first start on a large screen lays out the list (the offscreen screen is small).
    from ui.customers.customer_list import LAST_VALUE

    window.customer_list.table.horizontalHeader().setSectionHidden(LAST_VALUE, False)
    window.splitter.setSizes([760, 600])
    window.show()
    settle(app, lambda: window.lately.model.rowCount() > 0)  # the panel fills after the first paint
    # A loyal customer with a full history, who is due for something.
    due = {cid for cid, items in lately.read(date.today()).by_customer.items()
           if any(i.reason == "cadence" for i in items)}
    busiest = (Customer.select(Customer.id).join(CustomerSummary, on=(CustomerSummary.customer == Customer.id))
               .where(Customer.id.in_(due), CustomerSummary.purchase_count >= 2, Customer.stage == "customer")
               .order_by(CustomerSummary.lifetime_cents.desc()).first())
    window.open_customer(busiest.id)
    app.processEvents()
    save(window.grab(), "main-window.png")
    save(window.lately.grab(), "lately-panel.png")
    theme.apply(app, theme.DARK)  # View › Appearance › Dark
    app.processEvents()
    save(window.grab(), "main-window-dark.png")
    theme.apply(app, theme.LIGHT)
    app.processEvents()

    from ui.capture.capture import CaptureDialog

    dialog = CaptureDialog(window, customer_id=busiest.id, kind="check_in")
    dialog.summary.setText("Coffee at the showroom: the new walnut range")
    dialog.notes.setPlainText("Loves the finish on the dining table. Their office moves in March;\n"
                              "they will want a quote for six desks. Prefers calls in the morning.")
    dialog.follow_up_in(30)
    dialog.show()
    app.processEvents()
    save(dialog.grab(), "quick-capture.png")
    dialog.saved = True
    dialog.close()

    from ui.search.search_dialog import SearchDialog

    finder = SearchDialog(window)
    finder.box.setText("walnut")
    finder.run_search()
    finder.show()
    app.processEvents()
    save(finder.grab(), "search.png")
    finder.close()

    from ui.io.import_dialog import ImportDialog

    sample = Path(os.environ["LATELY_HOME"]) / "kunden.csv"
    sample.write_bytes(
        "\ufeffName;Firma;E-mail;Kunde seit;Telefon;Notiz\r\n"
        "Jörg Müller;Bäckerei Müller;joerg@example.de;31.12.2019;+49 170 1234567;\"Mag Roggen,\r\nkein Weizen\"\r\n"
        "Anna Schmidt;Schmidt & Söhne;anna@schmidt.example;01.02.2020;;\r\n"
        ";;nobody@example.org;01.02.2020;;\r\n"
        "Eve Klein;;eve@;01.02.2020;;\r\n"
        "Karl Weber;Weber GmbH;karl@weber.example;15.03.2021;+49 30 555;Segeln\r\n".encode("utf-8"))
    importer = ImportDialog(sample, parent=window)
    importer.show()
    app.processEvents()
    save(importer.grab(), "import.png")
    importer.close()

    from ui.cards.card_printing import write_pdf

    window.open_cards()
    cards_window = window.cards_window
    cards_window.resize(1100, 680)
    app.processEvents()
    save(cards_window.grab(), "cards.png")
    pdf = write_pdf(Path(os.environ["LATELY_HOME"]) / "cards.pdf", cards_window.cards[:3], "cards")
    page_png(pdf, "card-page.png")
    cards_window.close()

    graph_window = window.open_graph()
    graph_window.resize(1400, 860)
    graph_window.show()
    app.processEvents()
    graph_window.view.fit()
    app.processEvents()
    save(graph_window.grab(), "graph.png")
    graph_window.close()

    from ui.files.team_dialogs import ConnectDialog

    connect = ConnectDialog(window)
    for field, text in ((connect.host, "db.harbourandpine.example"), (connect.dbname, "studio"),
                        (connect.user, "alex")):
        field.setText(text)
    connect.show()
    app.processEvents()
    save(connect.grab(), "connect.png")
    connect.close()
    window.close()


def page_png(pdf: Path, name: str):
    """The first page of a PDF as the README shows it (pdftoppm, from poppler-utils)."""
    import shutil
    import subprocess

    if not shutil.which("pdftoppm"):
        print(f"skipped {name}: pdftoppm is not installed (apt-get install poppler-utils)")
        return
    target = OUT / name
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(target.with_suffix(""))], check=True)
    print(f"wrote {target.relative_to(ROOT)}")


def settle(app, done, seconds=10.0):
    """Let the event loop run until `done()` (work the window starts after its first paint)."""
    give_up = time.monotonic() + seconds
    while not done():
        if time.monotonic() > give_up:
            raise SystemExit("the window did not settle")
        app.processEvents()
        time.sleep(0.01)


def save(pixmap, name):
    target = OUT / name
    pixmap.save(str(target))
    print(f"wrote {target.relative_to(ROOT)} ({pixmap.width()}x{pixmap.height()})")


if __name__ == "__main__":
    main()
