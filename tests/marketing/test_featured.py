"""Featured conversations: best by quality, shared out by the release's arc mix, stable."""

from __future__ import annotations

from collections import Counter

from services.marketing.featured import featured


def _row(cid: str, arc: str, quality: float, answered: bool = True) -> dict:
    messages = [{"role": "user", "content": "q"}] + ([{"role": "assistant", "content": "a"}] if answered else [])
    return {"conversation_id": cid, "arc_key": arc, "quality": quality, "messages": messages}


def test_the_arc_mix_of_the_release_is_kept():
    rows = [_row(f"a{i}", "a", 4.9) for i in range(6)] + [_row(f"b{i}", "b", 3.0 + i / 10) for i in range(4)]
    picks = featured(rows, n=5)
    assert Counter(p[0] for p in picks) == {"a": 3, "b": 2}  # 60 % / 40 % of the release
    assert picks[:3] == ["a0", "a1", "a2"]  # best first; ties by id
    assert picks[3:] == ["b3", "b2"]  # each arc gives its best


def test_unanswered_conversations_are_never_featured_and_small_tiers_give_what_they_have():
    rows = [_row("x", "a", 5.0, answered=False), _row("y", "a", 2.0)]
    assert featured(rows, n=5) == ["y"]
    assert featured([], n=5) == []
