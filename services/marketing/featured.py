"""The conversations worth featuring: the best by quality, in the release's own arc mix.

A featured list that were all one arc would misrepresent the release; so the picks are shared
out among the arcs by their share of the release (largest remainder), and each arc gives its
highest-quality conversations (ties: the conversation id, so the list is stable).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.dataset.loader import LoadedDataset

FEATURED = 5


def _shares(counts: Counter[str], n: int) -> dict[str, int]:
    total = sum(counts.values())
    raw = {k: v * n / total for k, v in counts.items()}
    picks = {k: math.floor(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (-(raw[k] - picks[k]), -counts[k], k))[:n - sum(picks.values())]:
        picks[k] += 1
    return picks


def featured(rows: list[dict[str, Any]], n: int = FEATURED) -> list[str]:
    """Up to `n` conversation ids from the released rows, best first, in the release's arc mix."""
    return best([r for r in rows if any(m["role"] == "assistant" for m in r["messages"])], n)


def best(answered: list[dict[str, Any]], n: int = FEATURED) -> list[str]:
    """Up to `n` of these conversations (each answered at least once: `conversation_id`, `arc_key`,
    `quality`), best first, in their arc mix. Facts alone: a tier of any size is ranked without its text."""
    if not answered:
        return []
    n = min(n, len(answered))
    by_arc: dict[str, list[dict[str, Any]]] = {}
    for row in answered:
        by_arc.setdefault(row["arc_key"], []).append(row)
    ranked = {arc: sorted(group, key=lambda r: (-(r["quality"] or 0), r["conversation_id"]))
              for arc, group in by_arc.items()}
    picks = _shares(Counter({arc: len(group) for arc, group in by_arc.items()}), n)
    chosen = [r for arc, group in ranked.items() for r in group[:picks[arc]]]
    return [r["conversation_id"] for r in sorted(chosen, key=lambda r: (-(r["quality"] or 0), r["conversation_id"]))]


def released_facts(ds: LoadedDataset, conversation_ids: list[str]) -> list[dict[str, Any]]:
    """The facts `best` ranks (and a list shows) of a tier's released conversations, in release order: their
    id, persona, arc and quality (None where not scored), from the loaded facts, not the text."""
    rows = ds.conversation_table.iloc[[ds.positions[cid] for cid in conversation_ids]]
    facts = rows[["conversation_id", "persona_name", "arc_name", "arc_key", "quality"]].astype(object)
    return facts.where(facts.notna(), None).to_dict("records")
