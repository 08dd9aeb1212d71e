"""Content a buyer would notice: near-empty answers, and selected conversations with nothing to train on."""

from __future__ import annotations

import pyarrow as pa

from services.release.checks.released import released_texts
from services.release.checks.report import CheckResult, Place, found
from services.strategy.sampling import TierSelection

SHORT_RESPONSE = 40  # characters


def check_responses(conversations: pa.Table, selection: TierSelection) -> list[CheckResult]:
    """Warns about assistant messages under `SHORT_RESPONSE` characters and conversations left out."""
    short = [Place(conversation_id=cid, turn=turn, excerpt=text[:80])
             for cid, turn, text in released_texts(conversations)
             if turn is not None and turn % 2 == 0 and len(text.strip()) < SHORT_RESPONSE]
    released = set(conversations.column("conversation_id").to_pylist())
    empty = [Place(conversation_id=cid, detail="no supervised example: left out of the release")
             for cid in selection.conversation_ids if cid not in released]
    return [
        found("short responses", "warn", short,
              f"{len(short)} assistant responses shorter than {SHORT_RESPONSE} characters" if short
              else "no empty or very short response"),
        found("conversations without an example", "warn", empty,
              f"{len(empty)} selected conversations have no supervised example" if empty
              else "every conversation carries a supervised example"),
    ]
