"""Conversations' text on disk, read back memory-mapped: the loaded dataset keeps only their facts.

One Arrow IPC file per loaded export holds each conversation as the loader finished it (keys resolved,
system prompt and context kept), encoded as canonical JSON, one row per conversation in file order.
Arrow IPC rather than Parquet or an embedded engine: a row is read where it lies, zero-copy through the
mapping, with no page to decompress and no query layer; pyarrow is already here for the release files.
(Parquet would decompress a whole page to open one conversation; DuckDB would add a dependency and a
second copy of what Arrow already maps.)

Mapped pages count in the process's resident memory though the kernel keeps them cached, so every read
that walks the file lets go of the pages it passed (`madvise(MADV_DONTNEED)`): a pass over a 5 GB store
stays at its batch's size. A page read again faults back in from the page cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import suppress
from pathlib import Path

import msgspec
import numpy as np
import pyarrow as pa

from services.dataset import schema
from services.dataset.mapped import let_go, open_mapped

SCHEMA = pa.schema([("conversation", pa.binary())])
_decode = msgspec.json.Decoder(schema.Conversation).decode


class StoreWriter:
    """Writes the store a batch at a time (the file is complete only once `close` returns)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sink = pa.OSFile(str(path), "wb")
        self._writer = pa.ipc.new_file(self._sink, SCHEMA)
        self.rows = 0

    def add(self, conversations: Sequence[schema.Conversation]) -> None:
        """Append conversations (finished: what the pages and the bundle will read back)."""
        if conversations:
            encoded = [msgspec.json.encode(c) for c in conversations]
            offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
            np.cumsum([len(e) for e in encoded], out=offsets[1:])
            values = pa.Array.from_buffers(pa.binary(), len(encoded),  # one copy of the bytes, no per-value work
                                           [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))])
            self._writer.write_batch(pa.record_batch([values], schema=SCHEMA))
            self.rows += len(conversations)

    def close(self) -> None:
        """Finish the file (its footer indexes the batches)."""
        self._writer.close()
        self._sink.close()

    def abort(self) -> None:
        """Close and remove a store that will not be finished."""
        with suppress(Exception):
            self.close()
        self.path.unlink(missing_ok=True)


class MappedColumn:
    """The one column of an Arrow IPC file, batch by batch, zero-copy through a map of the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._map = open_mapped(path)
        reader = pa.ipc.open_file(pa.BufferReader(pa.py_buffer(self._map)))
        self.batches = [reader.get_batch(i).column(0) for i in range(reader.num_record_batches)]
        self._starts = np.cumsum([0, *(len(b) for b in self.batches)])

    def __len__(self) -> int:
        return int(self._starts[-1])

    def value(self, position: int) -> object:
        """The value at `position` (over all batches), as a Python object."""
        batch = int(np.searchsorted(self._starts, position, side="right")) - 1
        return self.batches[batch][position - int(self._starts[batch])].as_py()

    def let_go(self) -> None:
        """Drop the mapped pages from this process's resident memory (they stay in the page cache)."""
        let_go(self._map)


class ConversationStore(MappedColumn):
    """The conversations of one loaded export, by position (file order), read from the mapped file."""

    def raw(self, position: int) -> bytes:
        """One conversation's JSON as stored."""
        return self.value(position)  # type: ignore[return-value]

    def get(self, position: int) -> schema.Conversation:
        """One conversation, decoded (Samples, a shared link)."""
        return _decode(self.raw(position))

    def take(self, positions: Sequence[int]) -> list[schema.Conversation]:
        """Conversations at `positions`, in that order; the pages read are let go after."""
        try:
            return [_decode(self.raw(p)) for p in positions]
        finally:
            self.let_go()

    def raw_batches(self) -> Iterator[list[bytes]]:
        """Every conversation's JSON, in store batches, in file order; each batch's pages let go after it."""
        for batch in self.batches:
            yield batch.to_pylist()
            self.let_go()

    def conversations(self) -> Iterator[schema.Conversation]:
        """Every conversation, decoded one at a time, in file order."""
        for batch in self.raw_batches():
            yield from (_decode(raw) for raw in batch)

    def digest(self) -> str:
        """sha256 of `[a,b,…]`, the conversations' JSON as stored: the dataset's fingerprint, streamed once
        and kept beside a store that is kept (`<store>.sha256`)."""
        kept = self.path.with_name(self.path.name + ".sha256")
        with suppress(OSError, UnicodeDecodeError):
            return kept.read_text(encoding="ascii").strip()
        digest = hashlib.sha256(b"[")
        first = True
        for batch in self.raw_batches():
            for raw in batch:
                digest.update(raw if first else b"," + raw)
                first = False
        digest.update(b"]")
        if self.path.exists():
            with suppress(OSError):
                kept.write_text(digest.hexdigest(), encoding="ascii")
        return digest.hexdigest()
