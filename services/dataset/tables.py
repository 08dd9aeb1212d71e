"""Per-conversation figures as numpy columns, and the two pandas tables built from them on demand.

Aggregated from the per-pair columns of `services.dataset.columns` with numpy (bincount per conversation),
never row by row, because this runs on every load of files with tens of thousands of pairs. The
columns are enough for the load's checks and for `stats`; pandas (a third of a second to import)
is only imported when a page or a plan asks for a table, so the command line starts fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from sys import intern
from typing import TYPE_CHECKING

import numpy as np

from services.dataset import schema
from services.dataset.columns import PairColumns
from services.dataset.keys import UNLABELLED

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_EDGE_CASE_ARCS: frozenset[str] = frozenset({"crisis_to_referral", "hostility_to_boundary",
                                                    "overwhelm_to_triage"})
CRITERIA_COLUMNS: dict[str, str] = {
    "empathy_score": "empathy",
    "clarity_score": "clarity",
    "appropriateness_score": "appropriateness",
    "brand_voice_alignment": "brand_voice",
}
_SCORES = ("quality", *CRITERIA_COLUMNS.values())

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
_CATEGORICAL = ("persona_key", "arc_key", "topic_key")


def tier_of(arc_key: str, edge_case_arcs: Iterable[str] = DEFAULT_EDGE_CASE_ARCS) -> str:
    """`edge_case` for the arcs a generator marks as edge cases, `template` otherwise."""
    return "edge_case" if arc_key in edge_case_arcs else "template"


@dataclass(frozen=True)
class ConversationColumns:
    """Column i describes conversation i, in file order. Text columns are lists, figures arrays;
    field names are the conversation table's column names."""

    conversation_id: list[str]
    persona_key: list[str]
    persona_name: list[str]
    arc_key: list[str]
    arc_name: list[str]
    topic_key: list[str]
    topic_name: list[str]
    tier: list[str]
    turns: np.ndarray
    pairs: np.ndarray
    supervised_examples: np.ndarray
    quality: np.ndarray  # mean over the conversation's scored pairs; NaN where none is scored
    empathy: np.ndarray
    clarity: np.ndarray
    appropriateness: np.ndarray
    brand_voice: np.ndarray
    human_reviewed: np.ndarray
    human_reviewed_pairs: np.ndarray
    start_emotion: list[str | None]
    start_intensity: np.ndarray
    end_emotion: list[str | None]
    end_intensity: np.ndarray
    ends_on_user: np.ndarray
    created_date: list[str | None]

    def __len__(self) -> int:
        return len(self.conversation_id)

    @classmethod
    def concat(cls, parts: list[ConversationColumns]) -> ConversationColumns:
        """Batches' columns as one, in order (a load aggregates a batch of conversations at a time)."""
        if len(parts) == 1:
            return parts[0]
        out: dict[str, object] = {}
        for f in fields(cls):
            values = [getattr(p, f.name) for p in parts]
            out[f.name] = [v for part in values for v in part] if isinstance(values[0], list) \
                else np.concatenate(values)
        return cls(**out)  # type: ignore[arg-type]


def aggregate(conversations: list[schema.Conversation], cols: PairColumns,
              edge_case_arcs: frozenset[str] = DEFAULT_EDGE_CASE_ARCS) -> ConversationColumns:
    """Conversation-level figures from the per-pair columns (numpy only)."""
    metas = [c.conversation_metadata for c in conversations]
    scaffolds = [m.scaffolding for m in metas]  # keys resolved by `services.dataset.keys`: never empty
    # Labels repeat across conversations: one string object each (a load aggregates batch by batch).
    persona_keys = [intern(s.persona_key or UNLABELLED) for s in scaffolds]
    arc_keys = [intern(s.emotional_arc_key or UNLABELLED) for s in scaffolds]
    topic_keys = [intern(s.training_topic_key or UNLABELLED) for s in scaffolds]
    n = len(conversations)
    counts = np.bincount(cols.conversation, minlength=n)
    starts = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
    ends = starts + counts - 1
    scores: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for col in _SCORES:
            values = getattr(cols, col)
            present = ~np.isnan(values)
            total = np.bincount(cols.conversation, weights=np.where(present, values, 0.0), minlength=n)
            seen = np.bincount(cols.conversation, weights=present, minlength=n)
            scores[col] = np.round(total / seen, 4)  # NaN where no pair has a score
    reviewed = np.bincount(cols.conversation, weights=cols.human_reviewed, minlength=n).astype(np.int64)
    emotion_names = [*cols.emotions, None]  # code -1 → the last entry, None
    return ConversationColumns(
        conversation_id=[m.conversation_id for m in metas],
        persona_key=persona_keys,
        persona_name=[intern(s.persona_name or k) for s, k in zip(scaffolds, persona_keys, strict=True)],
        arc_key=arc_keys,
        arc_name=[intern(s.emotional_arc or k) for s, k in zip(scaffolds, arc_keys, strict=True)],
        topic_key=topic_keys,
        topic_name=[intern(s.training_topic or k) for s, k in zip(scaffolds, topic_keys, strict=True)],
        tier=[tier_of(a, edge_case_arcs) for a in arc_keys],
        turns=cols.turn[ends],
        pairs=counts,
        supervised_examples=np.bincount(cols.conversation, weights=cols.has_target, minlength=n).astype(np.int64),
        **scores,
        human_reviewed=reviewed == counts,
        human_reviewed_pairs=reviewed,
        start_emotion=[emotion_names[c] for c in cols.emotion[starts]],
        start_intensity=cols.intensity[starts],
        end_emotion=[emotion_names[c] for c in cols.emotion[ends]],
        end_intensity=cols.intensity[ends],
        ends_on_user=~cols.answered[ends],
        created_date=[m.created_date and intern(m.created_date) for m in metas],
    )


def _text(values: list) -> pd.Series:
    """Python strings kept as they are (object dtype): converting them to Arrow costs more than
    everything else in a column, and these columns are only displayed and compared."""
    import pandas as pd

    return pd.Series(values, dtype=object)


def conversation_frame(conv: ConversationColumns) -> pd.DataFrame:
    """One row per conversation (the table pages, plans and bundles read)."""
    import pandas as pd

    data: dict[str, object] = {}
    for name in CONVERSATION_COLUMNS:
        values = getattr(conv, name)
        if name in _CATEGORICAL:
            data[name] = pd.Categorical(values)
        elif name == "tier":
            data[name] = pd.Categorical(values, categories=["template", "edge_case"])
        elif isinstance(values, list):
            data[name] = _text(values)
        else:
            data[name] = values
    return pd.DataFrame(data)


def turn_frame(cols: PairColumns, conversations: pd.DataFrame) -> pd.DataFrame:
    """One row per turn (training pair), with its conversation's arc and persona."""
    import pandas as pd

    ids = conversations["conversation_id"].tolist()
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
    for key in ("arc_key", "persona_key"):
        turns[key] = pd.Categorical.from_codes(conversations[key].cat.codes.to_numpy()[cols.conversation],
                                               dtype=conversations[key].dtype)
    return turns[list(TURN_COLUMNS)]
