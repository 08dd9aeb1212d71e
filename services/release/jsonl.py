"""A download tier's configs as JSON Lines (the zip's `conversations.jsonl` and `training_pairs.jsonl`),
written batch by batch as the rows stream by."""

from __future__ import annotations

import msgspec
import pyarrow as pa

from services.release.sinks import Sink


def jsonl_bytes(table: pa.Table) -> bytes:
    """A table as JSON Lines, one row per line (download tiers)."""
    return b"".join(msgspec.json.encode(row) + b"\n" for row in table.to_pylist())


class JsonlWriter:
    """A download tier's config as JSON Lines, written batch by batch."""

    def __init__(self, sink: Sink, path: str) -> None:
        self.path, self._sink, self._handle = path, sink, sink.open(path)

    def write(self, table: pa.Table) -> None:
        """Append the rows."""
        self._handle.write(jsonl_bytes(table))

    def close(self) -> list[str]:
        """Finish the file; its path."""
        self._handle.close()
        return [self.path]

    def abort(self) -> None:
        """Close the file after a failure."""
        self._handle.close()
