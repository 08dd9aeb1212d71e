"""The bundle as released: its two configs read back from the files, batch by batch, and every message's text.

The checks read what would be published, not the tables the bundle was built from, so a bug in
writing the files is caught too. They read a thousand rows at a time, so a release of any size is
checked in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyarrow as pa

from services.release.bundle import Bundle
from services.release.parquet import config_paths, parquet_file
from services.utils.files import FileSource

ROWS_PER_BATCH = 1000  # rows read at a time: a few MB of text, whatever the size of the row groups


def _schema(config: str) -> pa.Schema:
    from services.release.convert import CONVERSATIONS_SCHEMA, TRAINING_PAIRS_SCHEMA

    return CONVERSATIONS_SCHEMA if config == "conversations" else TRAINING_PAIRS_SCHEMA


def _jsonl_lines(source: FileSource) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield from source.splitlines()
        return
    with Path(source).open("rb") as handle:
        yield from handle


def _jsonl_batches(source: FileSource, schema: pa.Schema, columns: list[str] | None) -> Iterator[pa.Table]:
    import msgspec

    rows: list[object] = []
    for line in _jsonl_lines(source):
        if line.strip():
            rows.append(msgspec.json.decode(line))
        if len(rows) >= ROWS_PER_BATCH:
            table = pa.Table.from_pylist(rows, schema=schema)
            yield table.select(columns) if columns else table
            rows = []
    if rows:
        table = pa.Table.from_pylist(rows, schema=schema)
        yield table.select(columns) if columns else table


def config_batches(channel: str, files: Mapping[str, FileSource], config: str,
                   columns: list[str] | None = None) -> Iterator[pa.Table]:
    """One config as released, `ROWS_PER_BATCH` rows at a time; only `columns` if given."""
    if channel == "download":
        yield from _jsonl_batches(files[f"{config}.jsonl"], _schema(config), columns)
        return
    for path in config_paths(config, files):
        for batch in parquet_file(files[path]).iter_batches(batch_size=ROWS_PER_BATCH, columns=columns):
            yield pa.Table.from_batches([batch])


def released_batches(b: Bundle, config: str, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """A bundle's config as released, batch by batch."""
    return config_batches(b.channel, b.files, config, columns)


def released_table(channel: str, files: Mapping[str, FileSource], config: str) -> pa.Table:
    """One config as released, whole (small tiers; an empty config keeps its columns)."""
    batches = list(config_batches(channel, files, config))
    return pa.concat_tables(batches) if batches else _schema(config).empty_table()


def released_texts(conversations: pa.Table | Iterable[pa.Table]) -> Iterator[tuple[str, int | None, str]]:
    """(conversation id, message number, text) for every message that would be released
    (the system prompt has no number; the first user message is 1)."""
    for batch in [conversations] if isinstance(conversations, pa.Table) else conversations:
        for row in batch.select(["conversation_id", "messages"]).to_pylist():
            position = 0
            for m in row["messages"]:
                if m["role"] != "system":
                    position += 1
                yield row["conversation_id"], position if m["role"] != "system" else None, m["content"]


def excerpt(text: str, start: int, end: int, width: int = 30) -> str:
    """`text[start:end]` with `width` characters of context each side, on one line."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    return ("…" if lo else "") + text[lo:hi].replace("\n", " ") + ("…" if hi < len(text) else "")
