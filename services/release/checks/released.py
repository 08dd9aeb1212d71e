"""The bundle as released: its two tables read back from the files, and every message's text.

The checks read what would be published, not the tables the bundle was built from, so a bug in
writing the files is caught too.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from services.release.bundle import Bundle
from services.release.parquet import config_paths


def released_tables(b: Bundle) -> tuple[pa.Table, pa.Table]:
    """The two configs as released (Parquet for Hub tiers, JSONL for download tiers)."""
    from services.release.convert import CONVERSATIONS_SCHEMA, TRAINING_PAIRS_SCHEMA

    if b.channel == "download":
        import msgspec

        def read(name: str, schema: pa.Schema) -> pa.Table:
            rows = [msgspec.json.decode(line) for line in b.files[name].splitlines() if line.strip()]
            return pa.Table.from_pylist(rows, schema=schema)

        return (read("conversations.jsonl", CONVERSATIONS_SCHEMA),
                read("training_pairs.jsonl", TRAINING_PAIRS_SCHEMA))
    def read_config(config: str) -> pa.Table:
        paths = config_paths(config, b.files)
        return pa.concat_tables([pq.read_table(io.BytesIO(b.files[p])) for p in paths])

    return read_config("conversations"), read_config("training_pairs")


def released_texts(conversations: pa.Table) -> Iterator[tuple[str, int | None, str]]:
    """(conversation id, message number, text) for every message that would be released
    (the system prompt has no number; the first user message is 1)."""
    for row in conversations.select(["conversation_id", "messages"]).to_pylist():
        position = 0
        for m in row["messages"]:
            if m["role"] != "system":
                position += 1
            yield row["conversation_id"], position if m["role"] != "system" else None, m["content"]


def excerpt(text: str, start: int, end: int, width: int = 30) -> str:
    """`text[start:end]` with `width` characters of context each side, on one line."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    return ("…" if lo else "") + text[lo:hi].replace("\n", " ") + ("…" if hi < len(text) else "")
