"""Memory freed by large work is handed back to the system (ui/common/memory.py):
the resident size of this very process, read from the kernel, falls once it is."""

import sys

import pytest

from ui.common import memory

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's; elsewhere a no-op")


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@linux
def test_what_large_work_let_go_of_goes_back_to_the_system():
    if not memory.give_back():
        pytest.skip("this C library has no malloc_trim")
    # 60 MB of blocks the C library's allocator serves (too big for Python's own),
    # then all but every 500th let go: no free end of the heap to return by itself.
    blocks = [bytearray(4000) for _ in range(15_000)]
    kept = blocks[::500]
    del blocks
    before = resident_mb()
    assert memory.give_back()
    after = resident_mb()
    assert before - after > 30, (before, after)
    assert len(kept) == 30
