"""Normalized tables: one row per conversation, one row per turn (training pair).

Built from the per-pair columns of `services.columns` with numpy (bincount per conversation),
never row by row, because this runs on every load of files with tens of thousands of pairs.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from services import schema
from services.columns import PairColumns

DEFAULT_EDGE_CASE_ARCS: frozenset[str] = frozenset({"crisis_to_referral", "hostility_to_boundary",
                                                    "overwhelm_to_triage"})
CRITERIA_COLUMNS: dict[str, str] = {
    "empathy_score": "empathy",
    "clarity_score": "clarity",
    "appropriateness_score": "appropriateness",
    "brand_voice_alignment": "brand_voice",
}

CONVERSATION_COLUMNS = (
    "conversation_id", "persona_key", "persona_name", "arc_key", "arc_name", "topic_key", "topic_name",
    "tier", "turns", "pairs", "supervised_examples", "quality", *CRITERIA_COLUMNS.values(),
    "human_reviewed", "human_reviewed_pairs", "start_emotion", "start_intensity", "end_emotion",
    "end_intensity", "ends_on_user", "created_date",
)
TURN_COLUMNS = (
    "conversation_id", "turn", "speaker", "has_target", "user_chars", "target_chars", "emotion",
    "intensity", "quality", *CRITERIA_COLUMNS.values(), "human_reviewed", "arc_key", "persona_key",
)


def tier_of(arc_key: str, edge_case_arcs: Iterable[str] = DEFAULT_EDGE_CASE_ARCS) -> str:
    return "edge_case" if arc_key in edge_case_arcs else "template"


def _text(values: list) -> pd.Series:
    """Python strings kept as they are (object dtype): converting them to Arrow costs more than
    everything else in a column, and these columns are only displayed and compared."""
    return pd.Series(values, dtype=object)


def build_tables(conversations: list[schema.Conversation], cols: PairColumns,
                 edge_case_arcs: frozenset[str] = DEFAULT_EDGE_CASE_ARCS) -> dict[str, pd.DataFrame]:
    """Both tables; conversation-level figures are aggregated from the per-pair columns."""
    metas = [c.conversation_metadata for c in conversations]
    scaffolds = [m.scaffolding for m in metas]
    ids = [m.conversation_id for m in metas]
    turns = pd.DataFrame({
        "conversation_id": pd.Categorical.from_codes(cols.conversation, categories=pd.Index(ids, dtype=object)),
        "turn": cols.turn,
        "speaker": pd.Categorical.from_codes(cols.answered.astype(np.int8), categories=["user", "assistant"]),
        "has_target": cols.has_target,
        "user_chars": cols.user_chars,
        "target_chars": cols.target_chars,
        "emotion": pd.Categorical.from_codes(cols.emotion, categories=pd.Index(cols.emotions, dtype=object)),
        "intensity": cols.intensity,
        "quality": cols.quality,
        **{col: getattr(cols, col) for col in CRITERIA_COLUMNS.values()},
        "human_reviewed": cols.human_reviewed,
    }, copy=False)

    arc_keys = [s.emotional_arc_key for s in scaffolds]
    n = len(conversations)
    counts = np.bincount(cols.conversation, minlength=n)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    ends = starts + counts - 1
    conv = pd.DataFrame({
        "conversation_id": _text(ids),
        "persona_key": pd.Categorical([s.persona_key for s in scaffolds]),
        "persona_name": _text([s.persona_name or s.persona_key for s in scaffolds]),
        "arc_key": pd.Categorical(arc_keys),
        "arc_name": _text([s.emotional_arc or s.emotional_arc_key for s in scaffolds]),
        "topic_key": pd.Categorical([s.training_topic_key for s in scaffolds]),
        "topic_name": _text([s.training_topic or s.training_topic_key for s in scaffolds]),
        "tier": pd.Categorical([tier_of(a, edge_case_arcs) for a in arc_keys], categories=["template", "edge_case"]),
        "turns": cols.turn[ends],
        "pairs": counts,
        "supervised_examples": np.bincount(cols.conversation, weights=cols.has_target, minlength=n).astype(np.int64),
    })
    with np.errstate(invalid="ignore", divide="ignore"):
        for col in ("quality", *CRITERIA_COLUMNS.values()):
            values = getattr(cols, col)
            present = ~np.isnan(values)
            total = np.bincount(cols.conversation, weights=np.where(present, values, 0.0), minlength=n)
            seen = np.bincount(cols.conversation, weights=present, minlength=n)
            conv[col] = np.round(total / seen, 4)  # NaN where no pair has a score
    reviewed = np.bincount(cols.conversation, weights=cols.human_reviewed, minlength=n).astype(np.int64)
    conv["human_reviewed"] = reviewed == counts
    conv["human_reviewed_pairs"] = reviewed
    emotion_names = np.array([*cols.emotions, None], dtype=object)  # code -1 → the last entry, None
    conv["start_emotion"] = _text(list(emotion_names[cols.emotion[starts]]))
    conv["start_intensity"] = cols.intensity[starts]
    conv["end_emotion"] = _text(list(emotion_names[cols.emotion[ends]]))
    conv["end_intensity"] = cols.intensity[ends]
    conv["ends_on_user"] = ~cols.answered[ends]
    conv["created_date"] = _text([m.created_date for m in metas])
    turns["arc_key"] = pd.Categorical.from_codes(conv["arc_key"].cat.codes.to_numpy()[cols.conversation],
                                                 dtype=conv["arc_key"].dtype)
    turns["persona_key"] = pd.Categorical.from_codes(conv["persona_key"].cat.codes.to_numpy()[cols.conversation],
                                                     dtype=conv["persona_key"].dtype)
    return {"conversations": conv[list(CONVERSATION_COLUMNS)], "turns": turns[list(TURN_COLUMNS)]}
