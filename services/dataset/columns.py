"""One pass over every decoded pair, producing the per-pair facts as columns.

Tens of thousands of decoded pairs are scattered Python objects; walking them once instead of
once per column or per check keeps the load within a small factor of the JSON decode itself
(see benchmarks/bench_load.py). Tables (`services.dataset.tables`) and checks
(`services.dataset.validation`) only read these columns.

The same pass releases each pair's views into the file's buffer (history, system prompt,
context block): by then they have served their one purpose, the duplicated-message check.
The conversation keeps owned copies of its system prompt and context (`_keep_conversation_parts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec
import numpy as np

from services.dataset import schema
from services.dataset.keys import PairKeys

_NO_EMOTION = schema.DetectedEmotions()
_NO_META = schema.TrainingMetadata()
_NO_CRITERIA = schema.QualityCriteria()


class _LastHistory(msgspec.Struct, gc=False):
    role: str | None = None
    content: str | None = None


_last_history = msgspec.json.Decoder(_LastHistory)


@dataclass(frozen=True)
class PairColumns:
    """Row i describes pair i, in file order; `conversation` indexes the conversation list."""

    conversation: np.ndarray
    turn: np.ndarray
    answered: np.ndarray  # target_response is not null (the format's assistant half of a turn)
    has_target: np.ndarray  # ... and not blank: a supervised example
    user_chars: np.ndarray
    target_chars: np.ndarray
    emotion: np.ndarray  # codes into `emotions` (-1: none recorded)
    emotions: list[str]
    intensity: np.ndarray
    quality: np.ndarray
    empathy: np.ndarray
    clarity: np.ndarray
    appropriateness: np.ndarray
    brand_voice: np.ndarray
    human_reviewed: np.ndarray
    repeats_user: np.ndarray  # the last history entry is current_user_input again
    foreign_id: np.ndarray  # the pair's own conversation_id is set and is not its conversation's
    bad_system_prompts: int = 0
    bad_history: list[tuple[str, int]] = field(default_factory=list)  # (conversation, turn): last entry unreadable
    # What each conversation's pairs say about its keys; read by the key resolution, then emptied.
    pair_keys: list[PairKeys | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.turn)


def _keep_conversation_parts(conv: schema.Conversation, prompts: dict[bytes, str | None]) -> bool:
    """Owned copies of the first pair's system prompt and context; False if the prompt is not text.

    `prompts` shares one decoded string per distinct prompt (the platform uses one for all).
    """
    first = conv.training_pairs[0]
    ok = True
    if conv.system_prompt is None and first.system_prompt is not None:
        raw = bytes(first.system_prompt)
        if raw not in prompts:
            try:
                prompts[raw] = msgspec.json.decode(raw, type=str | None)
            except (msgspec.DecodeError, UnicodeDecodeError):  # ValidationError included; the view's bytes
                prompts[raw] = None                              # were skipped by the decode, never checked
                ok = False
        conv.system_prompt = prompts[raw]
    if conv.context is None and first.conversation_metadata is not None:
        conv.context = _canonical(first.conversation_metadata)
    elif conv.context is not None:
        conv.context = conv.context.copy()
    return ok


def _canonical(raw: msgspec.Raw) -> msgspec.Raw | None:
    """An owned, layout-independent copy of a view (compact, keys sorted): the dataset's
    fingerprint must not change when the same export is saved pretty instead of compact."""
    try:
        return msgspec.Raw(msgspec.json.encode(msgspec.json.decode(raw), order="sorted"))
    except (msgspec.DecodeError, UnicodeDecodeError):  # bytes the load skipped over, never checked
        return None


_FIELDS = ("conversation", "turn", "answered", "has_target", "user_chars", "target_chars", "emotion", "intensity",
           "quality", "empathy", "clarity", "appropriateness", "brand_voice", "human_reviewed", "repeats_user",
           "foreign_id")
_INTS = ("conversation", "turn", "user_chars", "target_chars", "emotion")
_FLAGS = ("answered", "has_target", "human_reviewed", "repeats_user", "foreign_id")
_FLOATS = ("intensity", "quality", "empathy", "clarity", "appropriateness", "brand_voice")


def extract(conversations: list[schema.Conversation]) -> PairColumns:
    """Per-pair columns (numpy) of a batch of conversations, in one pass over the decoded structs."""
    # One flat list, one `extend` per pair, then a strided slice per column: about three
    # times faster than a tuple per pair transposed with zip(*rows).
    flat: list = []
    extend = flat.extend
    last_of = _last_history.decode
    prompts: dict[bytes, str | None] = {}
    bad_prompts = 0
    bad_history: list[tuple[str, int]] = []
    empty: list = []  # shared: nothing appends to a released history
    emotions: dict[str | None, int] = {None: -1}
    code = emotions.setdefault
    pair_keys: list[PairKeys | None] = []
    for index, conv in enumerate(conversations):
        bad_prompts += not _keep_conversation_parts(conv, prompts)
        cid = conv.conversation_metadata.conversation_id
        labels = PairKeys()
        pair_keys.append(labels)
        note_labels = labels.note
        for p in conv.training_pairs:  # the hot loop: kept flat on purpose
            ctx = p.emotional_context
            e = (ctx.detected_emotions if ctx is not None else None) or _NO_EMOTION
            m = p.training_metadata or _NO_META
            q = m.quality_criteria or _NO_CRITERIA
            t = p.target_response
            repeats = False
            if t is not None and p.conversation_history:
                try:  # a view decoded only here: its shape was never checked
                    last = last_of(p.conversation_history[-1])
                    repeats = last.role == "user" and last.content == p.current_user_input
                except (msgspec.DecodeError, UnicodeDecodeError):  # not a {role, content} object of text
                    bad_history.append((cid, p.turn_number))
            pid = p.conversation_id
            extend((index, p.turn_number, t is not None, bool(t and not t.isspace()), len(p.current_user_input),
                    len(t) if t else 0, code(e.primary, len(emotions) - 1), e.intensity, m.quality_score,
                    q.empathy_score, q.clarity_score, q.appropriateness_score, q.brand_voice_alignment,
                    bool(m.human_reviewed), repeats, pid is not None and pid != cid))
            if p.conversation_metadata is not None:
                note_labels(p.conversation_metadata, p.turn_number)
            p.conversation_history = empty
            # Freed once read (the schema declares these views with a None default for this).
            p.system_prompt = None  # type: ignore[assignment]
            p.conversation_metadata = None  # type: ignore[assignment]
        labels.release()
    width = len(_FIELDS)
    column = {name: flat[i::width] for i, name in enumerate(_FIELDS)}
    arrays: dict[str, np.ndarray] = {
        **{name: np.fromiter(column[name], dtype=np.int64, count=len(column[name])) for name in _INTS},
        **{name: np.fromiter(column[name], dtype=bool, count=len(column[name])) for name in _FLAGS},
        **{name: np.array(column[name], dtype=np.float64) for name in _FLOATS},  # None becomes NaN
    }
    return PairColumns(**arrays, emotions=[name for name in emotions if name is not None],
                       bad_system_prompts=bad_prompts, bad_history=bad_history, pair_keys=pair_keys)


def concat(parts: list[PairColumns], sizes: list[int]) -> PairColumns:
    """Batches' columns as one (a load extracts a batch of conversations at a time): conversation
    indexes shifted past the batches before (`sizes`: each batch's conversations), emotion codes
    renumbered into one list of names."""
    if len(parts) == 1:
        return parts[0]
    emotions: dict[str, int] = {}
    codes, conversation, shift = [], [], 0
    for part, size in zip(parts, sizes, strict=True):
        table = np.array([emotions.setdefault(e, len(emotions)) for e in part.emotions] + [-1], dtype=np.int64)
        codes.append(table[part.emotion])  # -1 indexes the appended -1: none recorded
        conversation.append(part.conversation + shift)
        shift += size
    arrays = {name: np.concatenate([getattr(p, name) for p in parts]) for name in _FIELDS
              if name not in ("conversation", "emotion")}
    return PairColumns(conversation=np.concatenate(conversation), emotion=np.concatenate(codes),
                       **arrays,  # type: ignore[arg-type]
                       emotions=list(emotions), bad_system_prompts=sum(p.bad_system_prompts for p in parts),
                       bad_history=[place for p in parts for place in p.bad_history])
