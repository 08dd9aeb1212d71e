"""What the dataset contains, as numbers and tidy tables ready for charts.

Every function takes the normalized tables (see `services.tables`) and returns plain data or
long-format DataFrames, so the same figures feed the pages, the CLI and (later) the card.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from services.loader import LoadedDataset
from services.report import Finding
from services.tables import CRITERIA_COLUMNS

TRAINABLE_EXAMPLES = 500  # the platform's LoRA readiness rule
DIMENSIONS: dict[str, tuple[str, str, str]] = {
    # dimension → (key column, name column, metadata distribution field)
    "persona": ("persona_key", "persona_name", "personas"),
    "arc": ("arc_key", "arc_name", "emotional_arcs"),
    "topic": ("topic_key", "topic_name", "training_topics"),
}


class QualitySummary(BaseModel):
    avg: float | None
    min: float | None
    max: float | None


class IssueOut(BaseModel):
    severity: str
    code: str
    message: str
    where: str
    count: int = 1


class DatasetStats(BaseModel):
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
    turns: dict[str, float] = Field(default_factory=dict)
    tiers: dict[str, int] = Field(default_factory=dict)
    empty_persona_arc_cells: list[list[str]] = Field(default_factory=list)


def _counts(series: pd.Series) -> dict[str, int]:
    counts = series.value_counts(sort=False)
    return {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))) if v}


def _round(value: Any, digits: int = 2) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), digits)


def kpis(ds: LoadedDataset) -> dict[str, Any]:
    """Headline figures for the KPI row and the plain-words summary."""
    conv, turns = ds.conversation_table, ds.turn_table
    pairs = int(conv["pairs"].sum())
    supervised = int(conv["supervised_examples"].sum())
    reviewed = int(conv["human_reviewed_pairs"].sum())
    return {
        "conversations": len(conv),
        "training_pairs": pairs,
        "pairs_with_target": int(turns["has_target"].sum()),
        "supervised_examples": supervised,
        "supervised_share": supervised / pairs if pairs else 0.0,
        "personas": int(conv["persona_key"].nunique()),
        "arcs": int(conv["arc_key"].nunique()),
        "topics": int(conv["topic_key"].nunique()),
        "quality_avg": _round(conv["quality"].mean()),
        "human_reviewed_pairs": reviewed,
        "human_reviewed_share": reviewed / pairs if pairs else 0.0,
        "trainable": supervised >= TRAINABLE_EXAMPLES,
        "ends_on_user": int(conv["ends_on_user"].sum()),
    }


def summary_sentence(ds: LoadedDataset) -> str:
    k = kpis(ds)
    words = (f"{k['conversations']:,} conversations and {k['training_pairs']:,} training pairs, of which "
             f"{k['supervised_examples']:,} ({k['supervised_share']:.0%}) carry an assistant response and can "
             f"be trained on. ")
    words += (f"{k['personas']} personas, {k['arcs']} emotional arcs, {k['topics']} topics; "
              f"average quality {k['quality_avg']} on a 1–5 scale; "
              f"{k['human_reviewed_share']:.0%} human-reviewed.")
    return words


def known_keys(ds: LoadedDataset, dimension: str) -> list[str]:
    """Keys present in the data plus keys the file's metadata declares (which may be absent)."""
    key_col, _, dist_field = DIMENSIONS[dimension]
    keys = {str(k) for k in ds.conversation_table[key_col].cat.categories}
    declared = ((ds.file_metadata or {}).get("scaffolding_distribution") or {}).get(dist_field) or {}
    if isinstance(declared, dict):
        keys |= {str(k) for k in declared}
    return sorted(keys)


def _positions(ds: LoadedDataset, dimension: str) -> tuple[np.ndarray, list[str], list[str]]:
    """Each conversation's position in `known_keys`, the keys, and a display name per key.

    Works on the categorical codes with numpy: these figures are recomputed for every
    tier and filter, so they must stay cheap at 10,000 conversations.
    """
    key_col, name_col, _ = DIMENSIONS[dimension]
    conv = ds.conversation_table
    keys = known_keys(ds, dimension)
    categories = [str(k) for k in conv[key_col].cat.categories]
    index = {k: i for i, k in enumerate(keys)}
    codes = conv[key_col].cat.codes.to_numpy()
    positions = np.array([index[c] for c in categories], dtype=np.int64)[codes] if len(codes) else codes
    names = list(keys)
    if len(codes):
        _, first = np.unique(codes, return_index=True)
        display = conv[name_col].to_numpy(dtype=object)
        for code, row in zip(np.unique(codes), first, strict=True):
            names[index[categories[code]]] = display[row]
    return positions, keys, names


def distribution(ds: LoadedDataset, dimension: str) -> pd.DataFrame:
    """Conversations, supervised examples, share and quality per key of one dimension (zeros included)."""
    conv = ds.conversation_table
    positions, keys, names = _positions(ds, dimension)
    n = len(keys)
    counts = np.bincount(positions, minlength=n)
    supervised = np.bincount(positions, weights=conv["supervised_examples"].to_numpy(), minlength=n)
    quality = conv["quality"].to_numpy()
    present = ~np.isnan(quality)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_quality = (np.bincount(positions, weights=np.where(present, quality, 0.0), minlength=n)
                        / np.bincount(positions, weights=present, minlength=n))
    out = pd.DataFrame({"key": keys, "name": names, "conversations": counts,
                        "supervised_examples": supervised.astype(np.int64), "quality": mean_quality,
                        "share": counts / max(len(conv), 1)})
    return out.sort_values(["conversations", "key"], ascending=[False, True], ignore_index=True)


def pair_kinds(ds: LoadedDataset, dimension: str = "arc") -> pd.DataFrame:
    """Supervised examples and user-only pairs per key: why 'pairs' overstates the trainable data."""
    key_col, name_col, _ = DIMENSIONS[dimension]
    conv = ds.conversation_table
    grouped = conv.groupby(key_col, observed=True).agg(
        name=(name_col, "first"), pairs=("pairs", "sum"), supervised=("supervised_examples", "sum"))
    grouped["user_only"] = grouped["pairs"] - grouped["supervised"]
    long = grouped.rename_axis("key").reset_index().melt(
        id_vars=["key", "name"], value_vars=["supervised", "user_only"], var_name="kind", value_name="n")
    long["kind"] = long["kind"].map({"supervised": "supervised example (has a response)",
                                     "user_only": "user-only turn (no response)"})
    return long.rename(columns={"n": "pairs"})


def coverage(ds: LoadedDataset, rows: str = "persona", cols: str = "arc") -> pd.DataFrame:
    """Long table of every (row, col) cell with its number of conversations, empty cells included."""
    r_pos, r_keys, r_names = _positions(ds, rows)
    c_pos, c_keys, c_names = _positions(ds, cols)
    counts = np.bincount(r_pos * len(c_keys) + c_pos, minlength=len(r_keys) * len(c_keys))
    cells = pd.DataFrame({
        rows: np.repeat(r_keys, len(c_keys)), cols: np.tile(c_keys, len(r_keys)),
        "conversations": counts,
        f"{rows}_name": np.repeat(np.array(r_names, dtype=object), len(c_keys)),
        f"{cols}_name": np.tile(np.array(c_names, dtype=object), len(r_keys)),
    })
    cells["empty"] = cells["conversations"] == 0
    return cells


def empty_cells(cells: pd.DataFrame, rows: str = "persona", cols: str = "arc") -> list[tuple[str, str]]:
    empty = cells[cells["empty"]]
    return list(zip(empty[rows], empty[cols], strict=True))


def quality_scores(ds: LoadedDataset) -> pd.DataFrame:
    """Number of conversations per quality score (rounded to 0.1)."""
    q = ds.conversation_table["quality"].dropna().round(1)
    return q.value_counts().sort_index().rename_axis("quality").rename("conversations").reset_index()


def criteria_long(ds: LoadedDataset) -> pd.DataFrame:
    """One row per (conversation, criterion, score) for distribution charts."""
    conv = ds.conversation_table
    cols = list(CRITERIA_COLUMNS.values())
    long = conv[["conversation_id", "persona_key", "arc_key", *cols]].melt(
        id_vars=["conversation_id", "persona_key", "arc_key"], value_vars=cols,
        var_name="criterion", value_name="score")
    return long.dropna(subset=["score"])


def criteria_distribution(ds: LoadedDataset) -> pd.DataFrame:
    """Conversations per criterion and score (rounded to 0.1): the chart's data stays small at any size."""
    long = criteria_long(ds)
    long["score"] = long["score"].round(1)
    return long.groupby(["criterion", "score"]).size().rename("conversations").reset_index()


def quality_by(ds: LoadedDataset, dimension: str) -> pd.DataFrame:
    """Mean quality and criteria per key of one dimension."""
    key_col, name_col, _ = DIMENSIONS[dimension]
    cols = ["quality", *CRITERIA_COLUMNS.values()]
    out = ds.conversation_table.groupby(key_col, observed=True).agg(
        name=(name_col, "first"), conversations=("conversation_id", "size"),
        **{c: (c, "mean") for c in cols})
    return out.rename_axis("key").reset_index().round(3)


def turns_per_conversation(ds: LoadedDataset) -> pd.DataFrame:
    conv = ds.conversation_table
    counts = conv.groupby("turns").agg(conversations=("conversation_id", "size"),
                                       ends_on_user=("ends_on_user", "sum"))
    return counts.reset_index()


def intensity_by_turn(ds: LoadedDataset) -> pd.DataFrame:
    """Mean emotion intensity at each turn number for each arc (where any was recorded)."""
    turns = ds.turn_table.dropna(subset=["intensity"])
    out = turns.groupby(["arc_key", "turn"], observed=True).agg(
        intensity=("intensity", "mean"), pairs=("intensity", "size")).reset_index()
    out["arc_key"] = out["arc_key"].astype(str)
    out["intensity"] = out["intensity"].round(3)
    return out


def emotion_shift(ds: LoadedDataset) -> pd.DataFrame:
    """Start and end intensity per arc: does the arc actually move the client?"""
    conv = ds.conversation_table
    out = conv.groupby("arc_key", observed=True).agg(
        name=("arc_name", "first"), start=("start_intensity", "mean"), end=("end_intensity", "mean"),
        conversations=("conversation_id", "size"))
    return out.rename_axis("arc_key").reset_index().round(3)


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    rows = [{"severity": f.severity, "count": f.count, "what": f.message, "where": f.where,
             "code": f.code} for f in findings]
    return pd.DataFrame(rows, columns=["severity", "count", "what", "where", "code"])


def dataset_stats(ds: LoadedDataset) -> DatasetStats:
    """The documented `stats --json` object."""
    conv = ds.conversation_table
    k = kpis(ds)
    q = conv["quality"]
    turns = conv["turns"]
    cells = coverage(ds)
    return DatasetStats(
        conversations=k["conversations"], training_pairs=k["training_pairs"],
        pairs_with_target=k["pairs_with_target"],
        personas=_counts(conv["persona_key"].astype(str)),
        emotional_arcs=_counts(conv["arc_key"].astype(str)),
        training_topics=_counts(conv["topic_key"].astype(str)),
        quality=QualitySummary(avg=_round(q.mean(), 3), min=_round(q.min(), 3), max=_round(q.max(), 3)),
        human_reviewed_pairs=k["human_reviewed_pairs"],
        issues=[IssueOut(severity=f.severity, code=f.code, message=f.message, where=f.where, count=f.count)
                for f in ds.report.findings],
        source=ds.name, format=ds.format, dropped_conversations=len(ds.report.dropped_conversations),
        turns={"min": int(turns.min()), "max": int(turns.max()), "mean": round(float(turns.mean()), 3)},
        tiers=_counts(conv["tier"].astype(str)),
        empty_persona_arc_cells=[list(c) for c in empty_cells(cells)],
    )
