"""What the dataset contains, as tidy pandas tables ready for charts.

Every function takes a loaded dataset and returns a long-format DataFrame, so the same figures
feed the pages and the card. The headline figures and the `stats --json` document, which need no
pandas, are in `services.dataset.summary`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.dataset import summary
from services.dataset.loader import LoadedDataset
from services.dataset.report import Finding
from services.dataset.summary import DIMENSIONS
from services.dataset.tables import CRITERIA_COLUMNS


def _positions(ds: LoadedDataset, dimension: str) -> tuple[np.ndarray, list[str], list[str]]:
    found = summary.positions(ds, dimension)
    return found.positions, found.keys, found.names


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
    """The (row, column) cells of a coverage frame that no conversation falls in."""
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
    """Conversations per number of turns, for the histogram."""
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
    """The findings as a table for the page and its download."""
    rows = [{"severity": f.severity, "count": f.count, "what": f.message, "where": f.where,
             "code": f.code} for f in findings]
    return pd.DataFrame(rows, columns=["severity", "count", "what", "where", "code"])
