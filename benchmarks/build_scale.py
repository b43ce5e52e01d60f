"""Build (or rebuild) the scale journals and say how long it took.

    nice uv run python benchmarks/build_scale.py --size 50k [--rebuild]
"""

from __future__ import annotations

import sys

from _harness import scale_journal, scale_path, size_arg

if __name__ == "__main__":
    size = size_arg()
    path = scale_path(size)
    if "--rebuild" in sys.argv and path.exists():
        path.unlink()
    print(scale_journal(size))
