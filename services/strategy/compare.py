"""Tier figures beside the full dataset, and the three strategies side by side.

The questions the owner asks of each tier: how much, how representative (cells covered,
total-variation distance of its persona / arc / topic mix from the full one), how good,
can it train a LoRA alone, does it capture leads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from services.dataset.loader import LoadedDataset
from services.strategy.plans import CHANNELS, LEAD_CHANNELS, Plan
from services.strategy.presets import PRESET_LABELS, PRESETS
from services.strategy.sampling import TierSelection, dataset_arrays, select_plan

FULL = "full dataset"


def _shares(codes: np.ndarray, k: int) -> np.ndarray:
    counts = np.bincount(codes, minlength=k).astype(float)
    return counts / counts.sum() if counts.sum() else counts


def total_variation(ds: LoadedDataset, indices: np.ndarray, dimension: str) -> float:
    """0 = the tier has the full dataset's mix of this dimension; 1 = nothing in common."""
    a = dataset_arrays(ds)
    k = len(a.keys[dimension])
    if not len(indices):
        return 1.0
    return float(0.5 * np.abs(_shares(a.codes[dimension][indices], k) - _shares(a.codes[dimension], k)).sum())


def cells_covered(ds: LoadedDataset, indices: np.ndarray, rows: str = "persona", cols: str = "arc") -> int:
    """How many distinct (rows, cols) cells the conversations at `indices` cover."""
    a = dataset_arrays(ds)
    cells = a.codes[rows][indices] * len(a.keys[cols]) + a.codes[cols][indices]
    return len(np.unique(cells))


class TierRow(BaseModel):
    """One tier's figures beside the full dataset: one row of the Strategy page's table."""

    tier: str
    channel: str  # the channel's label ("—" for the full dataset)
    conversations: int
    supervised_examples: int
    share_of_examples: float  # of the full dataset's supervised examples
    persona_arc_cells: str  # "covered/possible"
    persona_topic_cells: str
    tv_persona: float  # total-variation distance from the full mix: 0 same, 1 nothing in common
    tv_arc: float
    tv_topic: float
    avg_quality: float | None
    trainable: bool  # enough supervised examples for a LoRA run on their own
    captures_leads: bool
    license: str
    error: str | None = None


def tier_row(ds: LoadedDataset, plan: Plan, name: str, sel: TierSelection | None) -> TierRow:
    """One row of the comparison table (`sel` None: the full dataset)."""
    a = dataset_arrays(ds)
    everything = np.arange(len(a.ids))
    indices = everything if sel is None else sel.indices
    supervised = int(a.supervised.sum()) if sel is None else sel.supervised_examples
    tier = None if sel is None else plan.tier(name)
    quality = a.quality[indices]
    return TierRow(
        tier=name, channel="—" if tier is None else CHANNELS[tier.channel], conversations=len(indices),
        supervised_examples=supervised, share_of_examples=supervised / max(int(a.supervised.sum()), 1),
        persona_arc_cells=f"{cells_covered(ds, indices)}/{cells_covered(ds, everything)}",
        persona_topic_cells=(f"{cells_covered(ds, indices, 'persona', 'topic')}/"
                             f"{cells_covered(ds, everything, 'persona', 'topic')}"),
        tv_persona=round(total_variation(ds, indices, "persona"), 3),
        tv_arc=round(total_variation(ds, indices, "arc"), 3),
        tv_topic=round(total_variation(ds, indices, "topic"), 3),
        avg_quality=round(float(np.nanmean(quality)), 2) if len(quality) and not np.isnan(quality).all() else None,
        trainable=supervised >= plan.trainable_threshold,
        captures_leads=False if tier is None else tier.captures_leads,
        license="—" if tier is None else tier.license, error=None if sel is None else sel.error,
    )


def comparison(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection]) -> pd.DataFrame:
    """The full dataset, then every tier: the Strategy page's table (columns are `TierRow`'s fields)."""
    rows = [tier_row(ds, plan, FULL, None)]
    rows += [tier_row(ds, plan, name, sel) for name, sel in selections.items()]
    return pd.DataFrame([r.model_dump() for r in rows])


def union_examples(selections: dict[str, TierSelection], plan: Plan, channels: set[str]) -> set:
    """The distinct supervised examples handed out through `channels` (id, turn) or (id, None)."""
    out: set = set()
    for name, sel in selections.items():
        if plan.tier(name).channel in channels:
            out |= set(sel.examples) if sel.examples is not None else {(c, None) for c in sel.conversation_ids}
    return out


def given_per_conversation(ds: LoadedDataset, items: set) -> dict[str, int]:
    """Supervised examples given away per conversation, from a union of whole conversations
    (turn None) and single pairs."""
    a = dataset_arrays(ds)
    given: dict[str, int] = {}
    whole = {cid for cid, turn in items if turn is None}
    for cid in whole:
        given[cid] = int(a.supervised[a.position[cid]])
    for cid, turn in items:
        if turn is not None and cid not in whole:
            given[cid] = given.get(cid, 0) + 1
    return given


class StrategySummary(BaseModel):
    """What a plan gives away, for what, and what it keeps: the owner's questions, answered.

    Each field's title is the question as the Strategy page and the README ask it.
    """

    strategy: str = Field(title="strategy")
    free_examples: int = Field(title="free, no email (examples)")
    email_examples: int = Field(title="free for an email (examples)")
    kept_conversations: int = Field(title="kept back (conversations)")
    kept_examples: int = Field(title="kept back (examples)")
    trainable_without_email: bool = Field(title="trainable without an email")
    trainable_without_paying: bool = Field(title="trainable without paying")
    captures_leads: bool = Field(title="captures leads")
    feedback_channel: str = Field(title="feedback channel")


def strategy_summary(ds: LoadedDataset, plan: Plan, selections: dict[str, TierSelection]) -> StrategySummary:
    """What a plan gives away, for what, and what it keeps."""
    a = dataset_arrays(ds)
    open_ = union_examples(selections, plan, {"hub_public"})
    for_email = union_examples(selections, plan, set(LEAD_CHANNELS))
    given = given_per_conversation(ds, open_ | for_email)
    kept = [np.asarray(sel.indices, dtype=np.int64) for name, sel in selections.items()
            if plan.tier(name).channel == "private"]
    private = np.unique(np.concatenate(kept)) if kept else np.zeros(0, dtype=np.int64)  # rows, not ids: 100k fast
    given_rows = np.fromiter((a.position[c] for c in given), dtype=np.int64, count=len(given))
    given_kept = np.isin(given_rows, private)
    kept_examples = int(a.supervised[private].sum()) - sum(v for v, inside in zip(given.values(), given_kept,
                                                                                  strict=True) if inside)
    given_n = sum(given.values())
    open_n = sum(given_per_conversation(ds, open_).values())
    email_n = sum(given_per_conversation(ds, for_email).values())
    released = [t for t in plan.tiers if t.channel != "private"]
    feedback = []
    if any(t.calls_to_action.feedback_url and t.channel.startswith("hub") for t in released):
        feedback.append("Hub discussions")
    if any(t.channel == "download" or t.calls_to_action.landing_page_url for t in released):
        feedback.append("landing page")
    return StrategySummary(
        strategy=plan.name, free_examples=open_n, email_examples=email_n,
        kept_conversations=len(private) - int(given_kept.sum()), kept_examples=kept_examples,
        trainable_without_email=open_n >= plan.trainable_threshold,
        trainable_without_paying=given_n >= plan.trainable_threshold,
        captures_leads=any(plan.tier(n).captures_leads and s.conversations for n, s in selections.items()),
        feedback_channel=" + ".join(feedback) or "none",
    )


def preset_comparison(ds: LoadedDataset, seed: int | None = None) -> list[StrategySummary]:
    """The three strategies, each summarised under its preset's label, so the owner can decide at a glance."""
    out = []
    for key, make in PRESETS.items():
        plan = make() if seed is None else make(seed=seed)
        summary = strategy_summary(ds, plan, select_plan(ds, plan))
        out.append(summary.model_copy(update={"strategy": PRESET_LABELS[key]}))
    return out


def composition(ds: LoadedDataset, selections: dict[str, TierSelection], dimension: str) -> pd.DataFrame:
    """Share of each key of a dimension in every tier and in the full dataset (long format)."""
    a = dataset_arrays(ds)
    k = len(a.keys[dimension])
    frames = [(FULL, np.arange(len(a.ids)))] + [(n, s.indices) for n, s in selections.items()]
    rows = []
    for name, indices in frames:
        shares = _shares(a.codes[dimension][indices], k)
        rows += [{"tier": name, "key": a.keys[dimension][i], "share": float(shares[i])} for i in range(k)]
    return pd.DataFrame(rows)


def questions_table(summaries: list[StrategySummary]) -> pd.DataFrame:
    """The strategies as the owner reads them: one row per question, one column per strategy."""
    def cell(value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    questions = {name: f.title for name, f in StrategySummary.model_fields.items() if name != "strategy"}
    return pd.DataFrame({"question": list(questions.values()),
                         **{s.strategy: [cell(getattr(s, name)) for name in questions] for s in summaries}})
