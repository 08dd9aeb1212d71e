"""Content a buyer would notice: near-empty answers, and selected conversations with nothing to train on."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from services.release.checks.released import released_texts
from services.release.checks.report import CheckResult, Place, Places
from services.strategy.sampling import TierSelection

SHORT_RESPONSE = 40  # characters


def check_responses(conversations: pa.Table | Iterable[pa.Table], selection: TierSelection) -> list[CheckResult]:
    """Warns about assistant messages under `SHORT_RESPONSE` characters and conversations left out
    (the rows read a batch at a time)."""
    short, empty = Places(), Places()
    released: set[str] = set()
    for batch in [conversations] if isinstance(conversations, pa.Table) else conversations:
        for cid, turn, text in released_texts(batch):
            if turn is not None and turn % 2 == 0 and len(text.strip()) < SHORT_RESPONSE:
                short.add(Place(conversation_id=cid, turn=turn, excerpt=text[:80]))
        released.update(batch.column("conversation_id").to_pylist())
    for cid in selection.conversation_ids:
        if cid not in released:
            empty.add(Place(conversation_id=cid, detail="no supervised example: left out of the release"))
    return [
        short.result("short responses", "warn",
                     f"{short.count} assistant responses shorter than {SHORT_RESPONSE} characters" if short.count
                     else "no empty or very short response"),
        empty.result("conversations without an example", "warn",
                     f"{empty.count} selected conversations have no supervised example" if empty.count
                     else "every conversation carries a supervised example"),
    ]
