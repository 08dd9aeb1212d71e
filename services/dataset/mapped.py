"""Files read through a memory map, let go of as they are read.

Mapped pages count in the process's resident memory though the kernel keeps them in its page cache, so a
pass over a mapped file larger than memory looks like a process of that size. `let_go` drops them from the
process (`madvise(MADV_DONTNEED)`); a page read again faults back in from the cache.
"""

from __future__ import annotations

import mmap
from contextlib import suppress
from pathlib import Path


def open_mapped(path: Path) -> mmap.mmap:
    """`path` mapped read-only (the map stays valid if the file is then removed)."""
    with path.open("rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def let_go(mapped: mmap.mmap | None) -> None:
    """Drop the map's pages from this process's resident memory (a no-op where the system cannot)."""
    if mapped is not None and hasattr(mmap, "MADV_DONTNEED"):
        with suppress(OSError, ValueError):
            mapped.madvise(mmap.MADV_DONTNEED)
