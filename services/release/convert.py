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
from dataclasses import dataclass, field

import numpy as np
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
CONFIG_SCHEMAS = {"conversations": CONVERSATIONS_SCHEMA, "training_pairs": TRAINING_PAIRS_SCHEMA}  # in card order
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


def _pair_row(conv: schema.Conversation, pair: schema.Pair, user: str, target: str) -> dict:
    """A training pair's flat columns; its message lists (`prompt`, `completion`, `history`) are slices
    of its conversation's messages, cut in Arrow (`_pair_messages`)."""
    s = conv.conversation_metadata.scaffolding
    e = (pair.emotional_context.detected_emotions if pair.emotional_context else None) or schema.DetectedEmotions()
    m = pair.training_metadata or schema.TrainingMetadata()
    q = m.quality_criteria or schema.QualityCriteria()
    return {
        "conversation_id": conv.conversation_metadata.conversation_id, "turn": pair.turn_number,
        "system_prompt": conv.system_prompt,
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


@dataclass
class _Rows:
    """One batch as Python rows: the conversations, the pairs' flat columns, and where each pair's
    answer sits (its conversation's row in the batch; the answer's index among that row's messages;
    whether the row starts with a system message)."""

    conversations: list[dict] = field(default_factory=list)
    pairs: list[dict] = field(default_factory=list)
    pair_row: list[int] = field(default_factory=list)
    pair_answer: list[int] = field(default_factory=list)
    has_system: list[bool] = field(default_factory=list)


def _add_conversation(rows: _Rows, conv: schema.Conversation, fields: dict, kept: int | None) -> None:
    """One conversation's row (left out when it has no supervised example) and its training pairs."""
    messages = _truncate(to_messages(conv), kept)
    by_turn = {p.turn_number: p for p in conv.training_pairs}
    system = 1 if messages and messages[0].role == "system" else 0
    answers = [i for i, m in enumerate(messages) if m.role == "assistant" and m.turn is not None]
    if not answers:
        return  # a conversation with no supervised example has nothing to train on
    row = len(rows.conversations)
    for i in answers:
        turn = messages[i].turn
        assert turn is not None
        rows.pairs.append(_pair_row(conv, by_turn[turn], messages[i - 1].content, messages[i].content))
        rows.pair_row.append(row)
        rows.pair_answer.append(i)
    dialogue = messages[system:]
    rows.has_system.append(bool(system))
    rows.conversations.append({"conversation_id": fields["conversation_id"],
                               "messages": [m.as_dict() for m in messages],
                               **{f: _value(fields[f]) for f in _CONV_FIELDS}, **_as_released(dialogue),
                               "supervised_examples": len(answers)})


def _row_batches(ds: LoadedDataset, sel: TierSelection, size: int) -> Iterator[_Rows]:
    order, answers = _ordered(ds, sel)
    table = ds.conversation_table
    for start in range(0, len(order), size):
        positions = order[start:start + size]
        records = table.iloc[positions][["conversation_id", *_CONV_FIELDS]].to_dict("records")
        rows = _Rows()
        for fields, conv in zip(records, ds.conversations_at(positions), strict=True):
            cid = fields["conversation_id"]
            _add_conversation(rows, conv, fields, None if answers is None else answers.get(cid, 0))
        yield rows


def _slices(values: pa.Array, starts: np.ndarray, sizes: np.ndarray) -> pa.Array:
    """Lists of messages that are slices of `values` (they overlap: each is gathered, in one Arrow take)."""
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    gather = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1] - starts, sizes)
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values.take(pa.array(gather)),
                                    type=pa.list_(MESSAGE))


def _pair_messages(conversations: pa.Table, rows: _Rows) -> dict[str, pa.Array]:
    """Each pair's `prompt` (system, history, the user's message), `completion` (the answer) and
    `history`: slices of its conversation's `messages`, cut without building a Python object per message."""
    messages = conversations.column("messages").combine_chunks()
    row = np.asarray(rows.pair_row, dtype=np.int64)
    base = np.asarray(messages.offsets)[row]
    answer = np.asarray(rows.pair_answer, dtype=np.int64)
    skip = np.asarray(rows.has_system, dtype=np.int64)[row]  # the system message is in the prompt, not the history
    values = messages.values
    return {"prompt": _slices(values, base, answer), "completion": _slices(values, base + answer, np.ones_like(answer)),
            "history": _slices(values, base + skip, answer - 1 - skip)}


def _tables(rows: _Rows) -> tuple[pa.Table, pa.Table]:
    """One batch's two configs as Arrow tables."""
    conversations = to_table(rows.conversations, CONVERSATIONS_SCHEMA)
    nested = _pair_messages(conversations, rows)
    columns = [nested[f.name] if f.name in nested else pa.array([r[f.name] for r in rows.pairs], f.type)
               for f in TRAINING_PAIRS_SCHEMA]
    return conversations, pa.Table.from_arrays(columns, schema=TRAINING_PAIRS_SCHEMA)


def tier_batches(ds: LoadedDataset, sel: TierSelection,
                 size: int = CONVERSATIONS_PER_BATCH) -> Iterator[tuple[pa.Table, pa.Table]]:
    """The tier's two configs as Arrow tables of `size` conversations at a time, in conversation-id order:
    a release of any size is built without ever holding all its rows."""
    for rows in _row_batches(ds, sel, size):
        yield _tables(rows)


def tier_rows(ds: LoadedDataset, sel: TierSelection) -> tuple[list[dict], list[dict]]:
    """(conversation rows, training-pair rows) for one tier, in conversation-id order, all at once (small tiers)."""
    conversations: list[dict] = []
    pairs: list[dict] = []
    for c, p in tier_batches(ds, sel):
        conversations += c.to_pylist()
        pairs += p.to_pylist()
    return conversations, pairs


def to_table(rows: Iterable[dict], arrow_schema: pa.Schema) -> pa.Table:
    """Rows as an Arrow table of the given schema (an empty tier keeps its columns)."""
    rows = list(rows)
    return pa.Table.from_pydict({name: [r[name] for r in rows] for name in arrow_schema.names}, schema=arrow_schema)
