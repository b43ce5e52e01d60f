"""Memory freed by large work handed back to the system. Python gives freed
memory to the C library's allocator, and glibc keeps it in the process
(resident) unless asked to return it: after a 50,000-customer journal's
attention list, graph and cards were made, about 100 MB of what they had
freed stayed resident, and the peak went past 400 MB (benchmarks/bench_memory.py).
give_back() asks (malloc_trim), in a few milliseconds; background work calls
it when it ends (ui/common/tasks.py). Elsewhere (macOS, Windows, a C library
without malloc_trim) it does nothing: their allocators return memory on their own."""

from __future__ import annotations

import sys

_trim = None  # the C library's malloc_trim once looked up; False where there is none


def give_back() -> bool:
    """Return freed memory to the system; False where that cannot be asked."""
    global _trim
    if _trim is None:
        _trim = _find_trim()
    if not _trim:
        return False
    _trim(0)
    return True


def _find_trim():
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim  # glibc's; musl has none
    except (OSError, AttributeError):
        return False
