"""Typed models of the platform's export formats (`brightrun-lora-v4`).

These are msgspec Structs, not pydantic models, on purpose: they sit on the hot path of
decoding exports of hundreds of megabytes, where msgspec decodes only the declared fields
and skips the rest in C. They are untracked by the cyclic GC (they never form cycles).
Bulky parts the studio rarely reads (each pair's full history, its repeated context block
and system prompt) are decoded as `Raw`: zero-copy views into the file, which the loader
reads once and then releases (see `services.dataset.columns`).

Three shapes are modelled:
- full training file: `training_file_metadata`, `consultant_profile`, `conversations[]`
- JSONL variant: a `{"_meta": {...}}` line, then one pair (with a target) per line
- enriched conversation file: `dataset_metadata`, `input_parameters`, `training_pairs`
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta, Raw, Struct

# The ranges the format defines. A value outside them is not data the studio can use: the loader
# drops it with a located finding (or the conversation, where the field is required). Bounds on
# integers also keep numpy's int64 columns and JSON output safe from 10**30-sized values.
MAX_TURNS = 100_000
Turn = Annotated[int, Meta(ge=0, le=MAX_TURNS)]
Count = Annotated[int, Meta(ge=0, le=10**12)]
Unit = Annotated[float, Meta(ge=0.0, le=1.0)]  # intensity and confidence: 0–1
Score = Annotated[float, Meta(ge=1.0, le=5.0)]  # quality and its criteria: the platform's 1–5 scale
Key = Annotated[str, Meta(min_length=1)]


class DetectedEmotions(Struct, gc=False):
    primary: str | None = None
    secondary: str | None = None
    intensity: Unit | None = None
    primary_confidence: Unit | None = None
    valence: str | None = None


class EmotionalContext(Struct, gc=False):
    detected_emotions: DetectedEmotions | None = None


class QualityCriteria(Struct, gc=False):
    empathy_score: Score | None = None
    clarity_score: Score | None = None
    appropriateness_score: Score | None = None
    brand_voice_alignment: Score | None = None


class TrainingMetadata(Struct, gc=False):
    quality_score: Score | None = None
    quality_criteria: QualityCriteria | None = None
    human_reviewed: bool | None = None
    difficulty_level: str | None = None
    key_learning_objective: str | None = None
    emotional_progression_target: str | None = None


class PairContext(Struct, gc=False):
    """The context block repeated in every pair (names and keys of the scaffolding). The early
    exports carry the keys only here (`persona_archetype`, `emotional_arc_key`, `training_topic_key`)."""

    client_persona: str | None = None
    persona_archetype: str | None = None
    emotional_arc: str | None = None
    emotional_arc_key: str | None = None
    training_topic: str | None = None
    training_topic_key: str | None = None
    session_context: str | None = None


class Pair(Struct, gc=False):
    """One training pair: a turn of the conversation (user-only when `target_response` is null)."""

    turn_number: Turn
    current_user_input: str
    target_response: str | None = None
    emotional_context: EmotionalContext | None = None
    training_metadata: TrainingMetadata | None = None
    conversation_history: list[Raw] = []
    system_prompt: Raw = None  # type: ignore[assignment]
    conversation_metadata: Raw = None  # type: ignore[assignment]
    id: str | None = None
    conversation_id: str | None = None


class Scaffolding(Struct, gc=False):
    """A conversation's labels. Every one is optional: labels are metadata, and a conversation whose
    turns are readable is never dropped for a missing one. The platform's first exports leave the
    keys empty (`""`) and fill the names; `services.dataset.keys` resolves what is missing."""

    persona_key: str | None = None
    emotional_arc_key: str | None = None
    training_topic_key: str | None = None
    persona_name: str | None = None
    emotional_arc: str | None = None
    training_topic: str | None = None


class ConversationMetadata(Struct, gc=False):
    conversation_id: Key
    scaffolding: Scaffolding = msgspec.field(default_factory=Scaffolding)
    total_turns: Turn | None = None
    quality_tier: str | None = None
    created_date: str | None = None


class Conversation(Struct, gc=False):
    conversation_metadata: ConversationMetadata
    training_pairs: list[Pair]
    # Not in the file's conversation object: filled by the loader from the first pair, so the
    # conversation keeps what the converters need once the file's buffer is released.
    system_prompt: str | None = None
    context: Raw = None  # type: ignore[assignment]  # the pairs' repeated conversation_metadata block


class TrainingFile(Struct, gc=False):
    conversations: list[Conversation]
    training_file_metadata: Raw = None  # type: ignore[assignment]
    consultant_profile: Raw = None  # type: ignore[assignment]


class TrainingFileRaw(Struct, gc=False):
    """Same file, conversations left undecoded: used to isolate conversations that fail."""

    conversations: list[Raw]
    training_file_metadata: Raw = None  # type: ignore[assignment]
    consultant_profile: Raw = None  # type: ignore[assignment]


class InputParameters(Struct, gc=False):
    persona_key: str | None = None
    emotional_arc_key: str | None = None
    training_topic_key: str | None = None
    persona_name: str | None = None
    emotional_arc_name: str | None = None
    training_topic_name: str | None = None


class DatasetMetadata(Struct, gc=False):
    dataset_name: str | None = None
    total_turns: Turn | None = None
    quality_tier: str | None = None
    created_date: str | None = None


class EnrichedFile(Struct, gc=False):
    training_pairs: list[Pair]
    input_parameters: InputParameters = msgspec.field(default_factory=InputParameters)
    dataset_metadata: DatasetMetadata | None = None
    consultant_profile: Raw = None  # type: ignore[assignment]


class JsonlPair(Struct, gc=False):
    """A line of `training.jsonl`: a pair whose `conversation_id` names its conversation."""

    conversation_id: str
    turn_number: Turn
    current_user_input: str
    conversation_metadata: PairContext = msgspec.field(default_factory=PairContext)
    target_response: str | None = None
    emotional_context: EmotionalContext | None = None
    training_metadata: TrainingMetadata | None = None
    conversation_history: list[Raw] = []
    system_prompt: Raw = None  # type: ignore[assignment]
    id: str | None = None


class QualitySummary(Struct, gc=False):
    avg_quality_score: float | None = None
    min_quality_score: float | None = None
    max_quality_score: float | None = None
    human_reviewed_count: Count | None = None
    human_reviewed_percentage: float | None = None


class ScaffoldingDistribution(Struct, gc=False):
    """Conversations per key, as the file's metadata declares them (may disagree with the file)."""

    personas: dict[str, Count] | None = None
    emotional_arcs: dict[str, Count] | None = None
    training_topics: dict[str, Count] | None = None


class FileMetadata(Struct, gc=False, omit_defaults=True):
    """`training_file_metadata` (or the JSONL `_meta` line): every field optional, every one typed,
    so that a wrong value costs that value (a finding), never a crash where it is read."""

    file_name: str | None = None
    dataset_name: str | None = None
    version: str | None = None
    format_spec: str | None = None
    target_model: str | None = None
    vertical: str | None = None
    created_date: str | None = None
    last_updated: str | None = None
    total_conversations: Count | None = None
    total_training_pairs: Count | None = None
    quality_summary: QualitySummary | None = None
    scaffolding_distribution: ScaffoldingDistribution | None = None


class ConsultantProfile(Struct, gc=False, omit_defaults=True):
    """The advisor the conversations were written for; the card names them and their principles."""

    name: str | None = None
    business: str | None = None
    expertise: str | None = None
    years_experience: Count | None = None
    core_philosophy: dict[str, str] | None = None


def decode_raw(raw: Raw | None, as_type: Any = Any) -> Any:
    """Decode a `Raw` field on demand; None stays None."""
    if raw is None:
        return None
    return msgspec.json.decode(raw, type=as_type)
