"""The card's example conversation, picked while a tier's rows stream by (nothing holds the tier)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa


class ExamplePicker:
    """The card's example, chosen while the rows stream by: the featured conversation if it is in the
    tier, else the first with two answers (else the first); its first two exchanges."""

    COLUMNS = ("conversation_id", "messages", "persona_name", "arc_name", "topic_name")

    def __init__(self, featured: str | None) -> None:
        self.featured = featured
        self._featured: dict[str, Any] | None = None
        self._two_answers: dict[str, Any] | None = None
        self._first: dict[str, Any] | None = None

    def offer(self, conversations: pa.Table) -> None:
        """One batch of rows, in release order."""
        if self._featured is not None or not conversations.num_rows:
            return
        ids = conversations.column("conversation_id").to_pylist()
        if self.featured not in ids and self._two_answers is not None:
            return  # nothing this batch can change
        rows = conversations.select(list(self.COLUMNS)).to_pylist()
        self._first = self._first or rows[0]
        if self.featured in ids:
            self._featured = rows[ids.index(self.featured)]
        self._two_answers = self._two_answers or next(
            (row for row in rows if sum(m["role"] == "assistant" for m in row["messages"]) >= 2), None)

    def example(self) -> dict[str, Any] | None:
        """What the card shows (None for an empty tier)."""
        chosen = self._featured or self._two_answers or self._first
        if chosen is None:
            return None
        dialogue = [m for m in chosen["messages"] if m["role"] != "system"][:4]
        return {"persona": chosen["persona_name"], "arc": chosen["arc_name"], "topic": chosen["topic_name"],
                "messages": dialogue, "conversation_id": chosen["conversation_id"]}
