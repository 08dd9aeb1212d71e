"""The card's facts: every number the card states, computed from the released Arrow tables.

Nothing numeric on a card is typed by a person: a `FactsTally` gathers what the facts need of the rows
as the bundle writes them (every column but the messages, a few bytes a row), and the pre-publish check
gathers them again from the written files to compare.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from services.dataset.schema import ConsultantProfile

SIZE_CATEGORIES = ((10**3, "n<1K"), (10**4, "1K<n<10K"), (10**5, "10K<n<100K"), (10**6, "100K<n<1M"),
                   (10**7, "1M<n<10M"), (10**8, "10M<n<100M"), (10**9, "100M<n<1B"), (10**10, "1B<n<10B"),
                   (10**11, "10B<n<100B"), (10**12, "100B<n<1T"))


class Generator(BaseModel):
    """What generated the conversations, as the export's metadata says: a reader weighs the model
    provider's terms beside the dataset's license."""

    model: str | None = None  # the export's `target_model`
    format: str | None = None  # its `format_spec`
    version: str | None = None


class LabelCount(BaseModel):
    """One persona, arc or topic of a release: its name as readers know it, its key as the data files
    spell it (`persona_key`, `arc_key`, `topic_key`: what a filter needs), and its conversations."""

    name: str
    key: str
    conversations: int


class CardFacts(BaseModel):
    """Everything numeric (or counted) that the card states, computed from the released tables."""

    conversations: int
    supervised_examples: int
    messages: int
    mean_messages: float
    personas: list[LabelCount]
    arcs: list[LabelCount]
    topics: list[LabelCount]
    cells_covered: int
    cells_possible: int
    edge_case_conversations: int
    crisis_conversations: int
    quality_avg: float | None
    quality_min: float | None
    quality_max: float | None
    human_reviewed_percent: int
    ai_generated_percent: int = 100  # the format is synthetic: every conversation is generated
    max_conversation_bytes: int = 0  # UTF-8 bytes of a conversation's message texts: tokens ≤ bytes
    mean_conversation_bytes: int = 0
    p95_conversation_bytes: int = 0
    max_length: int = 0  # a max_length that keeps every conversation whole (bytes + template allowance)
    advisor: str = "the advisor"
    principles: list[str] = Field(default_factory=list)

    def numbers(self) -> set[str]:
        """Every number the card may state, as the template formats them."""
        values: list[Any] = [self.conversations, self.supervised_examples, self.messages, self.mean_messages,
                             self.cells_covered, self.cells_possible, self.edge_case_conversations,
                             self.crisis_conversations, self.quality_avg, self.quality_min, self.quality_max,
                             self.human_reviewed_percent, self.ai_generated_percent, self.max_conversation_bytes,
                             self.mean_conversation_bytes, self.p95_conversation_bytes, self.max_length,
                             len(self.personas),
                             len(self.arcs), len(self.topics)]
        values += [label.conversations for group in (self.personas, self.arcs, self.topics) for label in group]
        return {fmt_number(v) for v in values if v is not None}

    def label_text(self) -> str:
        """Every name and key the card prints (their digits are not figures: '529' in a topic's key)."""
        return " ".join(f"{label.name} {label.key}" for group in (self.personas, self.arcs, self.topics)
                        for label in group)


def fmt_number(value: Any) -> str:
    """A number as the card prints it: thousands separated, at most two decimals."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def _counts(table: pa.Table, dimension: str) -> list[LabelCount]:
    """Conversations per label, most first; a key's name is the first its conversations give."""
    keys = table.column(f"{dimension}_key").to_pylist()
    names = table.column(f"{dimension}_name").to_pylist()
    counts = Counter(keys)
    shown: dict[str, str] = {}
    for key, name in zip(keys, names, strict=True):
        shown.setdefault(key, str(name or key))
    return sorted((LabelCount(name=shown[k], key=str(k), conversations=n) for k, n in counts.items()),
                  key=lambda label: (-label.conversations, label.name, label.key))


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def light_columns(conversations: pa.Table) -> pa.Table:
    """What the facts need of a batch of `conversations` rows: every column but the messages, and for
    each row its message count and the UTF-8 bytes of its message texts. Small beside the rows: the
    facts of a release of any size are computed from these, gathered batch by batch."""
    messages = conversations.column("messages").combine_chunks()
    counts = pc.list_value_length(messages).fill_null(0)
    lengths = pc.binary_length(pc.struct_field(pc.list_flatten(messages), "content")).fill_null(0)
    offsets = np.asarray(messages.offsets)
    cumulative = np.concatenate([[0], np.cumsum(np.asarray(lengths, dtype=np.int64))])
    text_bytes = cumulative[offsets[1:] - offsets[0]] - cumulative[offsets[:-1] - offsets[0]]
    light = conversations.drop_columns(["messages"])
    return light.append_column("message_count", counts.cast(pa.int64())).append_column(
        "text_bytes", pa.array(text_bytes, pa.int64()))


class FactsTally:
    """The facts' inputs gathered batch by batch: the light columns of every conversation row, and the
    training pairs' count and human-reviewed count."""

    def __init__(self) -> None:
        self._light: list[pa.Table] = []
        self.pairs = 0
        self.reviewed = 0

    def add(self, conversations: pa.Table, pairs: pa.Table | None = None) -> None:
        """One batch: its conversation rows (and its training-pair rows)."""
        self._light.append(light_columns(conversations))
        if pairs is not None:
            self.add_pairs(pairs)

    def add_pairs(self, pairs: pa.Table) -> None:
        """Training-pair rows (their `human_reviewed` column is all the facts read of them)."""
        self.pairs += pairs.num_rows
        self.reviewed += int(pc.sum(pairs.column("human_reviewed")).as_py() or 0)

    @property
    def light(self) -> pa.Table:
        """Every conversation row's light columns (what the coverage image needs too)."""
        if not self._light:
            from services.release.convert import CONVERSATIONS_SCHEMA

            return light_columns(CONVERSATIONS_SCHEMA.empty_table())
        return pa.concat_tables(self._light)

    def facts(self, profile: ConsultantProfile | None = None, all_cells: int | None = None) -> CardFacts:
        """The card's facts from everything added."""
        return facts_from(self.light, self.pairs, self.reviewed, profile, all_cells)


def facts_from(light: pa.Table, pair_rows: int, reviewed: int, profile: ConsultantProfile | None = None,
               all_cells: int | None = None) -> CardFacts:
    """The card's facts from the conversations' light columns (`light_columns`) and the pairs' counts."""
    n = light.num_rows
    messages = int(pc.sum(light.column("message_count")).as_py() or 0)
    quality = light.column("quality")
    cells = len(set(zip(light.column("persona_key").to_pylist(), light.column("arc_key").to_pylist(), strict=True)))
    profile = profile or ConsultantProfile()
    principles = list((profile.core_philosophy or {}).values())
    return CardFacts(
        conversations=n, supervised_examples=pair_rows, messages=messages,
        mean_messages=round(messages / n, 1) if n else 0.0,
        personas=_counts(light, "persona"), arcs=_counts(light, "arc"),
        topics=_counts(light, "topic"),
        cells_covered=cells, cells_possible=all_cells or cells,
        edge_case_conversations=int(pc.sum(pc.equal(light.column("tier"), "edge_case")).as_py() or 0),
        crisis_conversations=int(pc.sum(pc.equal(light.column("arc_key"), "crisis_to_referral")).as_py() or 0),
        quality_avg=_round(pc.mean(quality).as_py()), quality_min=_round(pc.min(quality).as_py()),
        quality_max=_round(pc.max(quality).as_py()),
        human_reviewed_percent=round(100 * reviewed / pair_rows) if pair_rows else 0,
        **_byte_lengths(light),
        advisor=profile.name or "the advisor", principles=principles,
    )


TEMPLATE_TOKENS = 16  # per message: what a chat template adds around it (role markers, separators)


def _byte_lengths(light: pa.Table) -> dict[str, int]:
    """Conversation lengths in UTF-8 bytes, an upper bound on tokens for byte-level tokenizers (BPE
    with byte fallback spends at most one token per byte), and a max_length that keeps them whole."""
    if not light.num_rows:
        return {}
    sizes = np.sort(np.asarray(light.column("text_bytes").to_numpy(), dtype=np.int64))
    allowance = TEMPLATE_TOKENS * int(pc.max(light.column("message_count")).as_py())  # the most messages in one
    largest = int(sizes[-1])
    return {"max_conversation_bytes": largest, "mean_conversation_bytes": round(int(sizes.sum()) / len(sizes)),
            "p95_conversation_bytes": int(sizes[min(len(sizes) - 1, math.ceil(0.95 * len(sizes)) - 1)]),
            "max_length": -(-(largest + allowance) // 256) * 256}  # rounded up to a multiple of 256


def size_category(rows: int) -> str:
    """The Hub's `size_categories` value for a number of rows (the values huggingface_hub's
    `DatasetCardData` documents, up to `n>1T`; there is no `n>1M`)."""
    for limit, label in SIZE_CATEGORIES:
        if rows < limit:
            return label
    return "n>1T"
