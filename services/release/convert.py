"""A tier's selection → the two release configs as Arrow tables with explicit schemas.

- `conversations` (default): one row per conversation, `messages` in the chat format TRL's
  SFTTrainer and the Hub viewer expect (see services.dataset.chat), plus scaffolding and quality.
- `training_pairs`: one row per supervised example. `prompt` / `completion` are TRL's
  conversational prompt-completion form (SFTTrainer reads them as they are, the loss on the
  answer); beside them, the source pair flattened for people who want columns. `history` is the
  conversation before that turn, rebuilt from the turns: the source's own history without its
  repeated user message (the loader does not keep the source's copy).

A tier counted in supervised examples (EQ-100) keeps only its selected answered turns, which
are the first k of each conversation: its conversation rows stop after the k-th answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd
import pyarrow as pa

from services.dataset import schema
from services.dataset.chat import ChatMessage, to_messages
from services.dataset.loader import LoadedDataset
from services.strategy.sampling import TierSelection

MESSAGE = pa.struct([("role", pa.string()), ("content", pa.string())])
CONVERSATIONS_SCHEMA = pa.schema([
    ("conversation_id", pa.string()),
    ("messages", pa.list_(MESSAGE)),
    ("persona_key", pa.string()), ("persona_name", pa.string()),
    ("arc_key", pa.string()), ("arc_name", pa.string()),
    ("topic_key", pa.string()), ("topic_name", pa.string()),
    ("tier", pa.string()),
    ("quality", pa.float64()), ("empathy", pa.float64()), ("clarity", pa.float64()),
    ("appropriateness", pa.float64()), ("brand_voice", pa.float64()),
    ("turns", pa.int32()), ("supervised_examples", pa.int32()),
    ("start_emotion", pa.string()), ("start_intensity", pa.float64()),
    ("end_emotion", pa.string()), ("end_intensity", pa.float64()),
])
TRAINING_PAIRS_SCHEMA = pa.schema([
    # TRL's conversational prompt-completion form, read as is by `SFTTrainer` (loss on the completion):
    # `prompt` = system prompt, the history, the user's message; `completion` = the assistant's answer.
    ("prompt", pa.list_(MESSAGE)), ("completion", pa.list_(MESSAGE)),
    ("conversation_id", pa.string()), ("turn", pa.int32()),
    ("system_prompt", pa.string()),
    ("history", pa.list_(MESSAGE)),
    ("user_input", pa.string()), ("target_response", pa.string()),
    ("persona_key", pa.string()), ("arc_key", pa.string()), ("topic_key", pa.string()),
    ("emotion_primary", pa.string()), ("emotion_secondary", pa.string()),
    ("emotion_intensity", pa.float64()), ("emotion_confidence", pa.float64()), ("emotion_valence", pa.string()),
    ("quality_score", pa.float64()), ("empathy_score", pa.float64()), ("clarity_score", pa.float64()),
    ("appropriateness_score", pa.float64()), ("brand_voice_alignment", pa.float64()),
    ("human_reviewed", pa.bool_()),
    ("difficulty_level", pa.string()), ("key_learning_objective", pa.string()),
    ("emotional_progression_target", pa.string()),
])
_CONV_FIELDS = ("persona_key", "persona_name", "arc_key", "arc_name", "topic_key", "topic_name", "tier", "quality",
                "empathy", "clarity", "appropriateness", "brand_voice", "turns", "start_emotion", "start_intensity",
                "end_emotion", "end_intensity")


def _value(v: object) -> object:
    """pandas' missing values (NaN, NA) become nulls."""
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def _truncate(messages: list[ChatMessage], answers: int | None) -> list[ChatMessage]:
    """Keep the messages up to the `answers`-th assistant message (None: all)."""
    if answers is None:
        return messages
    seen = 0
    for i, m in enumerate(messages):
        if m.role == "assistant":
            seen += 1
            if seen == answers:
                return messages[: i + 1]
    return messages


def _pair_row(conv: schema.Conversation, pair: schema.Pair, history: list[ChatMessage], user: str,
              target: str) -> dict:
    s = conv.conversation_metadata.scaffolding
    e = (pair.emotional_context.detected_emotions if pair.emotional_context else None) or schema.DetectedEmotions()
    m = pair.training_metadata or schema.TrainingMetadata()
    q = m.quality_criteria or schema.QualityCriteria()
    system = [{"role": "system", "content": conv.system_prompt}] if conv.system_prompt else []
    return {
        "prompt": [*system, *(h.as_dict() for h in history), {"role": "user", "content": user}],
        "completion": [{"role": "assistant", "content": target}],
        "conversation_id": conv.conversation_metadata.conversation_id, "turn": pair.turn_number,
        "system_prompt": conv.system_prompt,
        "history": [h.as_dict() for h in history],
        "user_input": user, "target_response": target,
        "persona_key": s.persona_key, "arc_key": s.emotional_arc_key, "topic_key": s.training_topic_key,
        "emotion_primary": e.primary, "emotion_secondary": e.secondary, "emotion_intensity": e.intensity,
        "emotion_confidence": e.primary_confidence, "emotion_valence": e.valence,
        "quality_score": m.quality_score, "empathy_score": q.empathy_score, "clarity_score": q.clarity_score,
        "appropriateness_score": q.appropriateness_score, "brand_voice_alignment": q.brand_voice_alignment,
        "human_reviewed": bool(m.human_reviewed),
        "difficulty_level": m.difficulty_level, "key_learning_objective": m.key_learning_objective,
        "emotional_progression_target": m.emotional_progression_target,
    }


def _as_released(dialogue: list[ChatMessage]) -> dict[str, object]:
    """The columns that describe the row's own messages, not the source conversation's: a cut
    conversation (a tier counted in examples) or one whose unanswered last user turn was dropped
    holds fewer turns, and ends on another emotion, than its source."""
    users = [m for m in dialogue if m.role == "user"]
    first, last = (users[0], users[-1]) if users else (None, None)
    return {"turns": len(dialogue),
            "start_emotion": first.emotion if first else None, "start_intensity": first.intensity if first else None,
            "end_emotion": last.emotion if last else None, "end_intensity": last.intensity if last else None}


CONVERSATIONS_PER_BATCH = 500  # rows built as Python objects at a time: a few tens of MB at most


def _ordered(ds: LoadedDataset, sel: TierSelection) -> tuple[list[int], dict[str, int] | None]:
    """The selected rows in conversation-id order, and each conversation's kept answers (None: all)."""
    answers: dict[str, int] | None = None
    if sel.examples is not None:
        answers = {}
        for cid, _ in sel.examples:
            answers[cid] = answers.get(cid, 0) + 1
    ids = ds.conversation_table["conversation_id"].to_numpy()
    return sorted((int(i) for i in sel.indices), key=lambda i: ids[i]), answers


def _conversation_rows(conv: schema.Conversation, fields: dict, kept: int | None) -> tuple[dict | None, list[dict]]:
    """One conversation's row (None when it has no supervised example) and its training-pair rows."""
    messages = _truncate(to_messages(conv), kept)
    by_turn = {p.turn_number: p for p in conv.training_pairs}
    dialogue = [m for m in messages if m.role != "system"]
    pairs = []
    for i, m in enumerate(dialogue):
        if m.role == "assistant" and m.turn is not None:
            pairs.append(_pair_row(conv, by_turn[m.turn], dialogue[: i - 1], dialogue[i - 1].content, m.content))
    if not pairs:
        return None, pairs  # a conversation with no supervised example has nothing to train on
    row = {"conversation_id": fields["conversation_id"], "messages": [m.as_dict() for m in messages],
           **{f: _value(fields[f]) for f in _CONV_FIELDS}, **_as_released(dialogue),
           "supervised_examples": len(pairs)}
    return row, pairs


def _row_batches(ds: LoadedDataset, sel: TierSelection, size: int) -> Iterator[tuple[list[dict], list[dict]]]:
    order, answers = _ordered(ds, sel)
    table = ds.conversation_table
    for start in range(0, len(order), size):
        records = table.iloc[order[start:start + size]][["conversation_id", *_CONV_FIELDS]].to_dict("records")
        conversations, pairs = [], []
        for fields in records:
            cid = fields["conversation_id"]
            row, rows = _conversation_rows(ds.by_id[cid], fields, None if answers is None else answers.get(cid, 0))
            pairs += rows
            if row is not None:
                conversations.append(row)
        yield conversations, pairs


def tier_batches(ds: LoadedDataset, sel: TierSelection,
                 size: int = CONVERSATIONS_PER_BATCH) -> Iterator[tuple[pa.Table, pa.Table]]:
    """The tier's two configs as Arrow tables of `size` conversations at a time, in conversation-id order:
    a release of any size is built without ever holding all its rows."""
    for conversations, pairs in _row_batches(ds, sel, size):
        yield to_table(conversations, CONVERSATIONS_SCHEMA), to_table(pairs, TRAINING_PAIRS_SCHEMA)


def tier_rows(ds: LoadedDataset, sel: TierSelection) -> tuple[list[dict], list[dict]]:
    """(conversation rows, training-pair rows) for one tier, in conversation-id order, all at once (small tiers)."""
    conversations: list[dict] = []
    pairs: list[dict] = []
    for c, p in _row_batches(ds, sel, max(len(sel.indices), 1)):
        conversations += c
        pairs += p
    return conversations, pairs


def to_table(rows: Iterable[dict], arrow_schema: pa.Schema) -> pa.Table:
    """Rows as an Arrow table of the given schema (an empty tier keeps its columns)."""
    rows = list(rows)
    return pa.Table.from_pydict({name: [r[name] for r in rows] for name in arrow_schema.names}, schema=arrow_schema)
