"""A release's configs read back from its files, a thousand rows at a time: what the checks read (the
files as they would be published, so a bug in writing them is caught too) and what a small tier's
previews show. Parquet for Hub tiers, JSON Lines for download tiers; files as bytes or on disk."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import msgspec
import pyarrow as pa

from services.release.convert import CONFIG_SCHEMAS
from services.release.parquet import config_paths, parquet_file
from services.utils.files import FileSource

ROWS_PER_BATCH = 1000  # rows read at a time: a few MB of text, whatever the size of the row groups


def _jsonl_lines(source: FileSource) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield from source.splitlines()
        return
    with Path(source).open("rb") as handle:
        yield from handle


def _jsonl_batches(source: FileSource, schema: pa.Schema, columns: list[str] | None) -> Iterator[pa.Table]:
    def table(rows: list[object]) -> pa.Table:
        whole = pa.Table.from_pylist(rows, schema=schema)
        return whole.select(columns) if columns else whole

    rows: list[object] = []
    for line in _jsonl_lines(source):
        if line.strip():
            rows.append(msgspec.json.decode(line))
        if len(rows) >= ROWS_PER_BATCH:
            yield table(rows)
            rows = []
    if rows:
        yield table(rows)


def config_batches(channel: str, files: Mapping[str, FileSource], config: str,
                   columns: list[str] | None = None) -> Iterator[pa.Table]:
    """One config as released, `ROWS_PER_BATCH` rows at a time; only `columns` if given."""
    if channel == "download":
        yield from _jsonl_batches(files[f"{config}.jsonl"], CONFIG_SCHEMAS[config], columns)
        return
    for path in config_paths(config, files):
        for batch in parquet_file(files[path]).iter_batches(batch_size=ROWS_PER_BATCH, columns=columns):
            yield pa.Table.from_batches([batch])


def released_table(channel: str, files: Mapping[str, FileSource], config: str) -> pa.Table:
    """One config as released, whole (small tiers; an empty config keeps its columns)."""
    batches = list(config_batches(channel, files, config))
    return pa.concat_tables(batches) if batches else CONFIG_SCHEMAS[config].empty_table()


def released_row(channel: str, files: Mapping[str, FileSource], conversation_ids: list[str],
                 conversation_id: str) -> tuple[int, dict] | None:
    """One conversation's `conversations` row as released, and its position (the viewer's row number),
    read from the files a batch at a time (the tier is never held); None if the tier does not hold it."""
    try:
        position = conversation_ids.index(conversation_id)
    except ValueError:
        return None
    for batch in config_batches(channel, files, "conversations"):
        ids = batch.column("conversation_id").to_pylist()
        if conversation_id in ids:
            return position, batch.slice(ids.index(conversation_id), 1).to_pylist()[0]
    return None
