"""Real damage for tests: overwrite one page of the file itself."""

import os


def damage_the_page_holding(path, marker: bytes) -> int:
    """Overwrite, in the file itself, the table b-tree leaf page that holds `marker`;
    returns its page number. The journal must be closed (its WAL checkpointed)."""
    data = path.read_bytes()
    size = int.from_bytes(data[16:18], "big")  # the page size, from the file header
    for number in range(1, len(data) // size):
        page = data[number * size:(number + 1) * size]
        if page[0] == 0x0D and marker in page:  # 0x0D: a table b-tree leaf
            with open(path, "r+b") as handle:
                handle.seek(number * size)
                handle.write(os.urandom(size))
            return number + 1
    raise AssertionError("no leaf page holds the marker")
