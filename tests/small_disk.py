"""A real small filesystem for full-disk tests: a 2 MB tmpfs mounted for the
test (needs root or CAP_SYS_ADMIN; the test is skipped, saying why, where the
platform does not allow it)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "2m"):
    folder.mkdir(parents=True, exist_ok=True)
    mount = shutil.which("mount")
    if not sys.platform.startswith("linux") or mount is None:
        pytest.skip("a real full disk needs Linux and mount(8)")
    done = subprocess.run([mount, "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not permitted'})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def fill(folder: Path) -> Path:
    """Take every free byte of the filesystem; delete the returned file to free it again."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


@contextlib.contextmanager
def read_only_disk(folder: Path, populate=None):
    """A real read-only filesystem (a tmpfs remounted read-only, after `populate(folder)`
    wrote what it should hold); root can no more write there than anyone."""
    with small_disk(folder, "8m"):
        if populate:
            populate(folder)
        done = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot remount read-only here ({done.stderr.strip()})")
        yield folder
