"""The headline figures of a loaded dataset and the `stats --json` document, from numpy columns.

Kept apart from `services.dataset.stats` (the pandas tables behind the charts) so that `stats` on the
command line never imports pandas: these figures need only the per-conversation columns the
load already computed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import msgspec
import numpy as np

from services.dataset.keys import key_counts
from services.dataset.loader import LoadedDataset
from services.dataset.report import Severity, pretty_json

TRAINABLE_EXAMPLES = 500  # the platform's LoRA readiness rule
DIMENSIONS: dict[str, tuple[str, str, str]] = {
    # dimension → (key column, name column, metadata distribution field)
    "persona": ("persona_key", "persona_name", "personas"),
    "arc": ("arc_key", "arc_name", "emotional_arcs"),
    "topic": ("topic_key", "topic_name", "training_topics"),
}


class QualitySummary(msgspec.Struct):
    avg: float | None
    min: float | None
    max: float | None


class IssueOut(msgspec.Struct):
    severity: Severity
    code: str
    message: str
    where: str
    count: int = 1


class DatasetStats(msgspec.Struct):
    """The `stats --json` document (documented keys first)."""

    conversations: int
    training_pairs: int
    pairs_with_target: int
    personas: dict[str, int]
    emotional_arcs: dict[str, int]
    training_topics: dict[str, int]
    quality: QualitySummary
    human_reviewed_pairs: int
    issues: list[IssueOut]
    source: str = ""
    format: str = ""
    dropped_conversations: int = 0
    turns: dict[str, float] = msgspec.field(default_factory=dict)
    tiers: dict[str, int] = msgspec.field(default_factory=dict)
    empty_persona_arc_cells: list[list[str]] = msgspec.field(default_factory=list)
    key_sources: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)  # dimension → rule → conversations

    def to_json(self) -> str:
        """The document as printed by `stats --json` (documented keys first)."""
        return pretty_json(self)


@dataclass(frozen=True)
class Positions:
    """Each conversation's position among a dimension's known keys, the keys, a display name per key."""

    positions: np.ndarray
    keys: list[str]
    names: list[str]


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), digits)


def _nan_stat(values: np.ndarray, how: str) -> float | None:
    present = values[~np.isnan(values)]
    return float(getattr(np, how)(present)) if len(present) else None


class Kpis(msgspec.Struct, frozen=True):
    """Headline figures for the KPI row, the Quality page and the plain-words summary."""

    conversations: int
    training_pairs: int
    pairs_with_target: int
    supervised_examples: int
    supervised_share: float  # of training pairs
    personas: int
    arcs: int
    topics: int
    quality_avg: float | None  # 1–5; None when no conversation has a score
    human_reviewed_pairs: int
    human_reviewed_share: float  # of training pairs
    trainable: bool  # enough supervised examples for a LoRA run (`TRAINABLE_EXAMPLES`)
    ends_on_user: int  # conversations whose last turn is an unanswered user message


def kpis(ds: LoadedDataset) -> Kpis:
    """Headline figures, from the per-conversation columns the load computed."""
    conv, pairs_cols = ds.columns, ds.pair_columns
    pairs = int(conv.pairs.sum())
    supervised = int(conv.supervised_examples.sum())
    reviewed = int(conv.human_reviewed_pairs.sum())
    return Kpis(
        conversations=len(conv), training_pairs=pairs, pairs_with_target=int(pairs_cols.has_target.sum()),
        supervised_examples=supervised, supervised_share=supervised / pairs if pairs else 0.0,
        personas=len(set(conv.persona_key)), arcs=len(set(conv.arc_key)), topics=len(set(conv.topic_key)),
        quality_avg=_round(_nan_stat(conv.quality, "mean")), human_reviewed_pairs=reviewed,
        human_reviewed_share=reviewed / pairs if pairs else 0.0, trainable=supervised >= TRAINABLE_EXAMPLES,
        ends_on_user=int(conv.ends_on_user.sum()),
    )


def summary_sentence(ds: LoadedDataset) -> str:
    """The dataset in two sentences: how much, how much trainable, how varied, how good."""
    k = kpis(ds)
    words = (f"{k.conversations:,} conversations and {k.training_pairs:,} training pairs, of which "
             f"{k.supervised_examples:,} ({k.supervised_share:.0%}) carry an assistant response and can "
             f"be trained on. ")
    words += (f"{k.personas} personas, {k.arcs} emotional arcs, {k.topics} topics; "
              f"average quality {k.quality_avg} on a 1–5 scale; "
              f"{k.human_reviewed_share:.0%} human-reviewed.")
    return words


def known_keys(ds: LoadedDataset, dimension: str) -> list[str]:
    """Keys present in the data plus keys the file's metadata declares (which may be absent)."""
    key_col, _, dist_field = DIMENSIONS[dimension]
    keys = set(getattr(ds.columns, key_col))
    distribution = ds.file_metadata.scaffolding_distribution if ds.file_metadata else None
    declared = getattr(distribution, dist_field) if distribution else None
    keys |= set(declared or ())
    return sorted(keys)


def positions(ds: LoadedDataset, dimension: str) -> Positions:
    """Where each conversation falls among `known_keys` (numpy: cheap at 10,000 conversations)."""
    key_col, name_col, _ = DIMENSIONS[dimension]
    keys = known_keys(ds, dimension)
    index = {k: i for i, k in enumerate(keys)}
    values = getattr(ds.columns, key_col)
    at = np.fromiter((index[k] for k in values), dtype=np.int64, count=len(values))
    names = list(keys)
    seen: set[int] = set()
    for position, name in zip(at.tolist(), getattr(ds.columns, name_col), strict=True):
        if position not in seen:  # a key's display name is its first conversation's
            seen.add(position)
            names[position] = name
    return Positions(at, keys, names)


def persona_arc_cells(ds: LoadedDataset) -> int:
    """How many persona × arc cells hold at least one conversation (a card's "of N combinations")."""
    return len(set(zip(ds.columns.persona_key, ds.columns.arc_key, strict=True)))


def empty_cells(ds: LoadedDataset, rows: str = "persona", cols: str = "arc") -> list[tuple[str, str]]:
    """The (row key, column key) cells no conversation falls in, row by row."""
    r, c = positions(ds, rows), positions(ds, cols)
    counts = np.bincount(r.positions * len(c.keys) + c.positions, minlength=len(r.keys) * len(c.keys))
    return [(r.keys[i // len(c.keys)], c.keys[i % len(c.keys)]) for i in np.flatnonzero(counts == 0)]


def _counts(values: list[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))


def dataset_stats(ds: LoadedDataset) -> DatasetStats:
    """The documented `stats --json` object."""
    conv = ds.columns
    k = kpis(ds)
    turns = conv.turns
    return DatasetStats(
        conversations=len(conv), training_pairs=k.training_pairs,
        pairs_with_target=k.pairs_with_target,
        personas=_counts(conv.persona_key), emotional_arcs=_counts(conv.arc_key),
        training_topics=_counts(conv.topic_key),
        quality=QualitySummary(avg=_round(_nan_stat(conv.quality, "mean"), 3),
                               min=_round(_nan_stat(conv.quality, "min"), 3),
                               max=_round(_nan_stat(conv.quality, "max"), 3)),
        human_reviewed_pairs=k.human_reviewed_pairs,
        issues=[IssueOut(severity=f.severity, code=f.code, message=f.message, where=f.where, count=f.count)
                for f in ds.report.findings],
        source=ds.name, format=ds.format, dropped_conversations=len(ds.report.dropped_conversations),
        turns={"min": int(turns.min()), "max": int(turns.max()), "mean": round(float(turns.mean()), 3)},
        tiers=_counts(conv.tier),
        empty_persona_arc_cells=[list(c) for c in empty_cells(ds)],
        key_sources=key_counts(ds.key_provenance),
    )
