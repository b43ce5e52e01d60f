"""PDFs of cards and of the list, read back with a PDF text extractor."""

import unicodedata

import pytest
from pypdf import PdfReader

from journal.rules import cards
from journal.errors import JournalError
from ui.cards.card_printing import CARDS, LIST, write_pdf


def hand_made():
    return [
        cards.Card(1, "Ada Lovelace", "12 Marylebone Road\nLondon", "hand",
                   "Dear Ada,\n\nthank you for five years with us.\n\nWarmly,\nAlex"),
        cards.Card(2, "Jörg Müller", "", "hand", "Lieber Jörg,\n\ndanke für die Treue!\n\nAlex"),
        cards.Card(3, "Grace Hopper", "1 Navy Yard", "hand", "Dear Grace, " + "thank you again. " * 120),
    ]


def text_of(path):
    """Each page's words, one a line; NFKC turns typographic ligatures (ﬁ) back into letters."""
    return ["\n".join(unicodedata.normalize("NFKC", page.extract_text()).split())
            for page in PdfReader(str(path)).pages]


def test_one_card_a_page_with_each_name_and_message(qtbot, tmp_path):
    path = write_pdf(tmp_path / "cards.pdf", hand_made(), CARDS, "US 4 × 6 in")
    pages = text_of(path)
    assert len(pages) == 3
    assert path.stat().st_mode & 0o777 == 0o600  # names and addresses: the owner's only
    assert "Ada," in pages[0] and "five\nyears" in pages[0]
    assert "Jörg," in pages[1] and "Treue!" in pages[1]
    assert pages[2].count("again.") == 120  # a long message shrinks, never cut


def test_the_list_has_names_addresses_messages_and_flags_missing_addresses(qtbot, tmp_path):
    path = write_pdf(tmp_path / "list.pdf", hand_made(), LIST)
    text = " ".join(" ".join(page.split("\n")) for page in text_of(path))
    for expected in ("Ada Lovelace", "12 Marylebone Road", "Jörg Müller", "NO POSTAL ADDRESS", "Grace Hopper",
                     "1 without a postal address", "Treue!"):
        assert expected in text


def test_nothing_to_print_or_a_cancel_leaves_no_file(qtbot, tmp_path):
    with pytest.raises(JournalError, match="no cards"):
        write_pdf(tmp_path / "none.pdf", [], CARDS)
    with pytest.raises(JournalError, match="Cancelled"):
        write_pdf(tmp_path / "cancelled.pdf", hand_made(), CARDS, progress=lambda done, total: done < 2)
    assert list(tmp_path.iterdir()) == []
