"""The card's facts: every number the card states, computed from the released Arrow tables.

Nothing numeric on a card is typed by a person: `compute_facts` reads the two tables that go into
the bundle, and the pre-publish check computes them again from the files to compare.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

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


def compute_facts(conversations: pa.Table, pairs: pa.Table, profile: ConsultantProfile | None = None,
                  all_cells: int | None = None) -> CardFacts:
    """The card's facts from the two tables of the bundle (and the advisor's profile)."""
    n = conversations.num_rows
    messages = int(pc.sum(pc.list_value_length(conversations.column("messages"))).as_py() or 0)
    quality = conversations.column("quality")
    cells = len(set(zip(conversations.column("persona_key").to_pylist(), conversations.column("arc_key").to_pylist(),
                        strict=True)))
    reviewed = pc.sum(pairs.column("human_reviewed")).as_py() or 0
    profile = profile or ConsultantProfile()
    principles = list((profile.core_philosophy or {}).values())
    return CardFacts(
        conversations=n, supervised_examples=pairs.num_rows, messages=messages,
        mean_messages=round(messages / n, 1) if n else 0.0,
        personas=_counts(conversations, "persona"), arcs=_counts(conversations, "arc"),
        topics=_counts(conversations, "topic"),
        cells_covered=cells, cells_possible=all_cells or cells,
        edge_case_conversations=int(pc.sum(pc.equal(conversations.column("tier"), "edge_case")).as_py() or 0),
        crisis_conversations=int(pc.sum(pc.equal(conversations.column("arc_key"), "crisis_to_referral")).as_py() or 0),
        quality_avg=_round(pc.mean(quality).as_py()), quality_min=_round(pc.min(quality).as_py()),
        quality_max=_round(pc.max(quality).as_py()),
        human_reviewed_percent=round(100 * reviewed / pairs.num_rows) if pairs.num_rows else 0,
        **_byte_lengths(conversations),
        advisor=profile.name or "the advisor", principles=principles,
    )


TEMPLATE_TOKENS = 16  # per message: what a chat template adds around it (role markers, separators)


def _byte_lengths(conversations: pa.Table) -> dict[str, int]:
    """Conversation lengths in UTF-8 bytes, an upper bound on tokens for byte-level tokenizers (BPE
    with byte fallback spends at most one token per byte), and a max_length that keeps them whole."""
    rows = conversations.column("messages").to_pylist()
    sizes = sorted(sum(len(m["content"].encode("utf-8")) for m in messages) for messages in rows)
    if not sizes:
        return {}
    allowance = TEMPLATE_TOKENS * max(len(messages) for messages in rows)  # the most messages in one
    return {"max_conversation_bytes": sizes[-1], "mean_conversation_bytes": round(sum(sizes) / len(sizes)),
            "p95_conversation_bytes": sizes[min(len(sizes) - 1, math.ceil(0.95 * len(sizes)) - 1)],
            "max_length": -(-(sizes[-1] + allowance) // 256) * 256}  # rounded up to a multiple of 256


def size_category(rows: int) -> str:
    """The Hub's `size_categories` value for a number of rows (the values huggingface_hub's
    `DatasetCardData` documents, up to `n>1T`; there is no `n>1M`)."""
    for limit, label in SIZE_CATEGORIES:
        if rows < limit:
            return label
    return "n>1T"
