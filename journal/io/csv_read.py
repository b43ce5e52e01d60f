"""Reading a CSV file whatever wrote it, as a stream: Excel (Windows-1252 with
semicolons in a German locale, "CSV UTF-8" with a byte-order mark, "Unicode
Text" in UTF-16 with tabs), LibreOffice (any separator, UTF-8 without a mark),
Google and Outlook contact exports. Any bytes give a JournalError that names
the problem, never a traceback: a picture renamed .csv, an Excel workbook, NUL
bytes, a file that mixes encodings (read, with a warning), a cell too long, a
file with only its heading row.

read_table() makes one pass to check the whole file and count its rows, and
keeps only the headings and a sample; Table.iter_rows() reads the file again,
so 300,000 rows never sit in memory at once."""

from __future__ import annotations

import codecs
import csv
import io
import threading
from itertools import islice
from pathlib import Path

from journal.errors import JournalError

CHUNK = 1 << 20
SAMPLE_ROWS = 1000
# Excel writes at most 32,767 characters in a cell; a cell far longer means an
# unclosed quote swallowed the rest of the file, or the file is not a table.
CELL_LIMIT = 4_000_000
csv.field_size_limit(max(csv.field_size_limit(), CELL_LIMIT))

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG picture"), (b"\xff\xd8\xff", "a JPEG picture"), (b"GIF8", "a GIF picture"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a zip archive (an Excel .xlsx or LibreOffice .ods workbook?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls workbook or another Office document"),
    (b"SQLite format 3\x00", "an SQLite database (a Lately journal?)"), (b"\x1f\x8b", "a gzip archive"),
    (b"BEGIN:VCARD", "a vCard file (import it as contacts: choose a .vcf name)"),
)
SAVE_AS_CSV = "Open it in the program that made it and save it as CSV."


class Table:
    """A table of text cells: the headings, how the file was read, and its rows.
    Made from a list of rows (Table(headers, rows, encoding, delimiter)) or by
    read_table() from a file, whose rows are then read again at each pass."""

    def __init__(self, headers: list[str], rows: list[list[str]] | None = None, encoding: str = "UTF-8",
                 delimiter: str = ",", row_count: int | None = 0, sample: list[list[str]] | None = None,
                 warnings: list[str] | None = None, open_text=None):
        self.headers = headers
        self.encoding = encoding
        self.delimiter = delimiter
        self.warnings = list(warnings or [])  # read, but worth a look
        self._rows, self._open = rows, open_text
        if rows is not None:
            self.row_count = sum(1 for r in rows if _has_text(r))
            self.sample = [r for r in rows[:SAMPLE_ROWS] if _has_text(r)]
        else:
            self.row_count, self.sample = row_count, list(sample or [])

    @property
    def streamed(self) -> bool:
        """Whether the rows are read from the file at each pass (not held in memory)."""
        return self._rows is None

    @property
    def rows(self) -> list[list[str]]:
        """Every row with text, in memory: for small tables; passes over a file use iter_rows()."""
        if self._rows is not None:
            return [r for r in self._rows if _has_text(r)]
        return [row for _, row in self.iter_rows()]

    def iter_rows(self):
        """(line, cells) for each row that has any text; line as a spreadsheet
        numbers it (the heading is line 1, a cell with line breaks is one line)."""
        if self._rows is not None:
            for line, row in enumerate(self._rows, start=2):
                if _has_text(row):
                    yield line, row
            return
        with self._open() as handle:
            heading_seen, count = False, 0
            for line, row in enumerate(_guarded(csv.reader(handle, delimiter=self.delimiter)), start=1):
                if _has_text(row):
                    if heading_seen:
                        count += 1
                        yield line, row
                    heading_seen = True
            self.row_count = count  # known once a pass has read every row


def _has_text(row) -> bool:
    for cell in row:
        if cell and not cell.isspace():
            return True
    return False


def _guarded(reader):
    try:
        yield from reader
    except csv.Error as exc:
        raise JournalError(f"Line {reader.line_num}: the file cannot be read as a table ({exc}). "
                           f"A quote mark that is never closed does this. {SAVE_AS_CSV}") from exc


# -- encodings ---------------------------------------------------------------------------------------

_stats = threading.local()


def _windows_1252(error: UnicodeDecodeError):
    """Bytes that are not UTF-8, read as Windows-1252 (what Excel and Outlook
    write on Western Windows), each byte on its own: a file can mix the two."""
    bad = error.object[error.start:error.end]
    counter = getattr(_stats, "counter", None)
    if counter is not None:
        counter.append(error.start)
    return "".join(_cp1252_char(b) for b in bad), error.end


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        return chr(byte)


codecs.register_error("lately-windows-1252", _windows_1252)


def _opener(source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return lambda: io.BytesIO(data)
    path = Path(source)
    return lambda: open(path, "rb")


def _check_not_binary(head: bytes) -> None:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise JournalError(f"This is not a text file: it is {what}. Lately imports spreadsheets saved as CSV.")
    if b"\x00" in head:
        raise JournalError(f"This is not a text file: it holds NUL bytes (the first at byte "
                           f"{head.index(0) + 1:,}). {SAVE_AS_CSV}")
    controls = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    if controls > max(8, len(head) // 100):
        raise JournalError(f"This is not a text file: it holds {controls} control characters in its first "
                           f"{len(head):,} bytes. {SAVE_AS_CSV}")


def _survey(open_binary) -> tuple[str, str, list[str]]:
    """Look at every byte once: (Python codec, what to call it, warnings)."""
    with open_binary() as handle:
        head = handle.read(CHUNK)
        if not head.strip(b" \t\r\n\xef\xbb\xbf"):
            raise JournalError("The file is empty.")
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16", "UTF-16 (Unicode text)", []
        _check_not_binary(head)
        has_bom = head.startswith(codecs.BOM_UTF8)
        decoder = codecs.getincrementaldecoder("utf-8")("lately-windows-1252")
        _stats.counter = bad = []  # offsets are per chunk: only the count and the first are used
        offset, chunk, first_bad = 0, head, None
        try:
            while chunk:
                if offset and b"\x00" in chunk:
                    raise JournalError(f"This is not a text file: it holds a NUL byte at byte "
                                       f"{offset + chunk.index(0) + 1:,}. {SAVE_AS_CSV}")
                before = len(bad)
                decoder.decode(chunk)
                if first_bad is None and len(bad) > before:
                    first_bad = offset + bad[before]
                offset += len(chunk)
                chunk = handle.read(CHUNK)
            decoder.decode(b"", final=True)
        finally:
            _stats.counter = None
    if not bad:
        return ("utf-8-sig", "UTF-8 with BOM", []) if has_bom else ("utf-8", "UTF-8", [])
    if has_bom:
        return "utf-8-sig", "UTF-8 with BOM", [_mixed_warning(open_binary, len(bad), first_bad)]
    if _has_utf8_sequences(open_binary):
        return "utf-8", "UTF-8", [_mixed_warning(open_binary, len(bad), first_bad)]
    return "windows-1252", "Latin-1 (Windows)", []


def _has_utf8_sequences(open_binary) -> bool:
    """Whether any multi-byte UTF-8 character decodes cleanly (a file that is all
    Windows-1252 has none; one that mixes the two has some)."""
    import re

    sequence = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
    with open_binary() as handle:
        while chunk := handle.read(CHUNK):
            if sequence.search(chunk):
                return True
    return False


def _mixed_warning(open_binary, count: int, first: int) -> str:
    with open_binary() as handle:
        line = handle.read(first).count(b"\n") + 1
    return (f"The file mixes encodings: {count:,} places are not UTF-8 (the first on line {line:,}); "
            "they were read as Windows-1252. Check the accents in those rows.")


def _text_stream(open_binary, codec: str):
    errors = "lately-windows-1252" if codec.startswith("utf-8") else "replace"
    if codec == "windows-1252":
        codec, errors = "cp1252", "lately-windows-1252"
    return io.TextIOWrapper(open_binary(), encoding=codec, errors=errors, newline="")


# -- separators ---------------------------------------------------------------------------------------

def _delimiter(sample: str) -> str:
    """Commas, semicolons (Excel in much of Europe), tabs or bars: the one that
    splits the first lines into the same number of cells, most often."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    best, best_score = ",", (-1, -1)
    for candidate in ",;\t|":
        counts = [len(next(csv.reader([line], delimiter=candidate), [])) for line in lines[:20]]
        if not counts or counts[0] < 2:
            continue
        agreeing = sum(1 for c in counts if c == counts[0])
        score = (agreeing, counts[0])
        if score > best_score:
            best, best_score = candidate, score
    if best_score == (-1, -1):
        try:
            return csv.Sniffer().sniff(sample[:20_000], delimiters=",;\t|").delimiter
        except csv.Error:
            return ","
    return best


def read_table(source) -> Table:
    """Decode and split a CSV file (its bytes, or its path), whatever program
    wrote it. Raises JournalError naming the problem for anything that is not a
    table of text."""
    open_binary = _opener(source)
    try:
        codec, encoding, warnings = _survey(open_binary)
        with _text_stream(open_binary, codec) as handle:
            sample_text = handle.read(64_000)
        delimiter = _delimiter(sample_text)

        def open_text():
            return _text_stream(open_binary, codec)

        with open_text() as handle:
            rows = _guarded(csv.reader(handle, delimiter=delimiter))
            headers = next((r for r in rows if _has_text(r)), None)
            if headers is None:
                raise JournalError("The file has no rows.")
            sample = [r for r in islice(rows, SAMPLE_ROWS) if _has_text(r)]
            # Counted here only when the sample is the whole file; otherwise the
            # first full pass (the preview's plan) counts, so a large file is read once less.
            complete = next(rows, None) is None
    except (UnicodeError, OSError) as exc:
        raise JournalError(f"The file cannot be read: {exc}") from exc
    if not sample:
        raise JournalError("The file has only its heading row and no rows under it: nothing to import.")
    count = len(sample) if complete else None
    return Table([h.strip() for h in headers], None, encoding, delimiter, count, sample, warnings, open_text)
