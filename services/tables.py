"""Normalized tables: one row per conversation, one row per turn (training pair).

Built column by column in one pass over the decoded pairs (no per-row dicts), because this
runs on every load of files with tens of thousands of pairs.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from services import schema

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


_NO_EMOTION = schema.DetectedEmotions()
_NO_META = schema.TrainingMetadata()
_NO_CRITERIA = schema.QualityCriteria()


def _turn_table(conversations: list[schema.Conversation]) -> pd.DataFrame:
    """One row per pair, built with one list comprehension per column (fast in CPython)."""
    pairs = [p for c in conversations for p in c.training_pairs]
    codes = [i for i, c in enumerate(conversations) for _ in c.training_pairs]
    ids = [c.conversation_metadata.conversation_id for c in conversations]
    emotions = [(p.emotional_context.detected_emotions if p.emotional_context else None) or _NO_EMOTION
                for p in pairs]
    metas = [p.training_metadata or _NO_META for p in pairs]
    criteria = [m.quality_criteria or _NO_CRITERIA for m in metas]
    targets = [p.target_response for p in pairs]
    columns: dict[str, object] = {
        "conversation_id": pd.Categorical.from_codes(codes, categories=pd.Index(ids, dtype=object)),
        "turn": [p.turn_number for p in pairs],
        "speaker": pd.Categorical(["user" if t is None else "assistant" for t in targets],
                                  categories=["user", "assistant"]),
        "has_target": [bool(t and not t.isspace()) for t in targets],
        "user_chars": [len(p.current_user_input) for p in pairs],
        "target_chars": [len(t) if t else 0 for t in targets],
        "emotion": pd.Categorical([e.primary for e in emotions]),
        "intensity": pd.array([e.intensity for e in emotions], dtype="Float64").astype("float64"),
        "quality": pd.array([m.quality_score for m in metas], dtype="Float64").astype("float64"),
        "human_reviewed": [bool(m.human_reviewed) for m in metas],
    }
    for attr, col in CRITERIA_COLUMNS.items():
        columns[col] = pd.array([getattr(c, attr) for c in criteria], dtype="Float64").astype("float64")
    return pd.DataFrame(columns)


def build_tables(conversations: list[schema.Conversation],
                 edge_case_arcs: frozenset[str] = DEFAULT_EDGE_CASE_ARCS) -> dict[str, pd.DataFrame]:
    """Both tables; conversation-level figures are aggregated from the turn table."""
    turns = _turn_table(conversations)
    metas = [c.conversation_metadata for c in conversations]
    scaffolds = [m.scaffolding for m in metas]
    first = [c.training_pairs[0] for c in conversations]
    last = [c.training_pairs[-1] for c in conversations]

    def emotion(pair: schema.Pair) -> schema.DetectedEmotions:
        return (pair.emotional_context.detected_emotions if pair.emotional_context else None) or _NO_EMOTION

    arc_keys = [s.emotional_arc_key for s in scaffolds]
    conv = pd.DataFrame({
        "conversation_id": [m.conversation_id for m in metas],
        "persona_key": pd.Categorical([s.persona_key for s in scaffolds]),
        "persona_name": [s.persona_name or s.persona_key for s in scaffolds],
        "arc_key": pd.Categorical(arc_keys),
        "arc_name": [s.emotional_arc or s.emotional_arc_key for s in scaffolds],
        "topic_key": pd.Categorical([s.training_topic_key for s in scaffolds]),
        "topic_name": [s.training_topic or s.training_topic_key for s in scaffolds],
        "tier": pd.Categorical([tier_of(a, edge_case_arcs) for a in arc_keys], categories=["template", "edge_case"]),
        "turns": [p.turn_number for p in last],
        "pairs": [len(c.training_pairs) for c in conversations],
    })
    grouped = turns.groupby("conversation_id", observed=False, sort=False)
    sums = grouped[["has_target", "human_reviewed"]].sum()
    means = grouped[["quality", *CRITERIA_COLUMNS.values()]].mean().round(4)
    conv["supervised_examples"] = sums["has_target"].to_numpy()
    conv["quality"] = means["quality"].to_numpy()
    for col in CRITERIA_COLUMNS.values():
        conv[col] = means[col].to_numpy()
    conv["human_reviewed_pairs"] = sums["human_reviewed"].to_numpy()
    conv["human_reviewed"] = conv["human_reviewed_pairs"] == conv["pairs"]
    conv["start_emotion"] = [emotion(p).primary for p in first]
    conv["start_intensity"] = pd.array([emotion(p).intensity for p in first], dtype="Float64").astype("float64")
    conv["end_emotion"] = [emotion(p).primary for p in last]
    conv["end_intensity"] = pd.array([emotion(p).intensity for p in last], dtype="Float64").astype("float64")
    conv["ends_on_user"] = [p.target_response is None for p in last]
    conv["created_date"] = [m.created_date for m in metas]
    codes = turns["conversation_id"].cat.codes.to_numpy()
    for col in ("arc_key", "persona_key"):
        turns[col] = pd.Categorical.from_codes(conv[col].cat.codes.to_numpy()[codes], dtype=conv[col].dtype)
    return {"conversations": conv[list(CONVERSATION_COLUMNS)], "turns": turns[list(TURN_COLUMNS)]}
