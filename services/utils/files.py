"""Files written whole or not at all: a half-written file never appears under its name."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> Path:
    """Write `data` (bytes, or chunks of them: a file of any size) to a temporary file beside `path`, then
    rename it over `path` (atomic on one disk)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")  # writers never share one
    try:
        with tmp.open("wb") as out:
            for chunk in (data,) if isinstance(data, bytes) else data:
                out.write(chunk)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# A released file as the Hub client takes it: its bytes (a release built in memory) or its path on disk
# (a release folder written by `bundle`, read in chunks, never whole: files grow with the export).
FileSource = bytes | Path
CHUNK = 1 << 20


def _chunks(source: FileSource) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield source
        return
    with Path(source).open("rb") as handle:
        while block := handle.read(CHUNK):
            yield block


def size_of(source: FileSource) -> int:
    """Its size in bytes, without reading a file."""
    return len(source) if isinstance(source, bytes) else Path(source).stat().st_size


def sha256_of(source: FileSource) -> str:
    """Its sha256 (the id the Hub keeps for an LFS file), a file read in 1 MiB chunks."""
    digest = hashlib.sha256()
    for block in _chunks(source):
        digest.update(block)
    return digest.hexdigest()


def git_blob_id(source: FileSource) -> str:
    """Its git blob id (the id the Hub keeps for a regular file): sha1 of `blob <size>\\0<content>`, streamed."""
    digest = hashlib.sha1(b"blob %d\0" % size_of(source))  # git's own object id, not a security hash
    for block in _chunks(source):
        digest.update(block)
    return digest.hexdigest()


def read_whole(source: FileSource) -> bytes:
    """The content, for the small files read whole on purpose (a card, a manifest, a download tier's zip)."""
    return source if isinstance(source, bytes) else Path(source).read_bytes()
