"""The bundle as released, for the checks: its configs read back from the files a thousand rows at a
time (`services.release.read_back`), and every message's text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa

from services.release.bundle import Bundle
from services.release.read_back import config_batches


def released_batches(b: Bundle, config: str, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """A bundle's config as released, batch by batch."""
    return config_batches(b.channel, b.files, config, columns)


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
