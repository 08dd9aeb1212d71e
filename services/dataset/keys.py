"""Each conversation's persona, arc and topic keys: resolved from what the export holds, never invented.

Labels are metadata. The platform's first `brightrun-lora-v4` exports (December 2025) leave the
scaffolding keys empty and fill the names, while every training pair carries the keys in its own
context block; Supabase rows often hold NULL key columns with the keys in `scaffolding_snapshot`.
A conversation whose turns are readable therefore always loads, and each of its three keys comes
from the first of these rules that gives one (`KeySource`):

1. `scaffolding` — the conversation's own key (its scaffolding block, or an enriched file's
   `input_parameters`);
2. `database` — the Supabase row's key (its column, its `scaffolding_snapshot`, its foreign key);
3. `pairs` — the key its training pairs carry (`persona_archetype`, `emotional_arc_key`,
   `training_topic_key`), when every pair that carries one agrees;
4. `scaffolding_names` — the key of the platform's scaffolding row whose name matches the
   conversation's name (Supabase's tables or a scaffolding file; case and punctuation ignored);
5. `name_slug` — a slug of the name (`Shame → Acceptance` → `shame_to_acceptance`);
6. `unlabelled` — no key and no name: the label `unlabelled`, with a warning.

Which rule supplied each key is kept (`KeyProvenance`), and the report says it: an information
finding per rule ("keys recovered from training pairs for 3 of 3 conversations"), a located warning
where pairs disagree with their conversation (or with each other), a warning per unlabelled one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from services.dataset import schema
from services.dataset.report import Tally, ValidationReport

UNLABELLED = "unlabelled"
Dimension = Literal["persona", "arc", "topic"]
DIMENSIONS: tuple[Dimension, ...] = ("persona", "arc", "topic")
KeySource = Literal["scaffolding", "database", "pairs", "scaffolding_names", "name_slug", "unlabelled"]
RECOVERED_FROM: dict[KeySource, str] = {  # how a finding names each rule that recovers a key
    "database": "the database row (its key columns or scaffolding_snapshot)",
    "pairs": "training pairs",
    "scaffolding_names": "the scaffolding's names",
    "name_slug": "a slug of the name",
}
# What each dimension is called where it lives: the scaffolding block (key, name) and a pair's context.
_SCAFFOLD_FIELDS: dict[Dimension, tuple[str, str]] = {
    "persona": ("persona_key", "persona_name"),
    "arc": ("emotional_arc_key", "emotional_arc"),
    "topic": ("training_topic_key", "training_topic"),
}
PAIR_KEY_FIELDS: dict[Dimension, str] = {
    "persona": "persona_archetype", "arc": "emotional_arc_key", "topic": "training_topic_key"}
_FROM_A_KEY: frozenset[KeySource] = frozenset({"scaffolding", "database", "pairs", "scaffolding_names"})
_ARROWS = re.compile(r"\s*(?:→|->|⟶|➔|=>)\s*")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _words(text: str) -> str:
    """Lower-case ASCII words joined by `_`: accents folded, arrows read as 'to', punctuation dropped."""
    text = _ARROWS.sub(" to ", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return _NOT_WORD.sub("_", text).strip("_")


def slug(name: str) -> str:
    """A key from a name: `Shame → Acceptance` → `shame_to_acceptance` ('' when nothing is left)."""
    return _words(name)


def _present(value: object) -> str | None:
    """A label that says something: text with more than whitespace."""
    return value.strip() if isinstance(value, str) and value.strip() else None


class _PairLabels(msgspec.Struct, gc=False):
    """The keys and names one pair's context block carries (the rest of the block is skipped)."""

    persona_archetype: str | None = None
    emotional_arc_key: str | None = None
    training_topic_key: str | None = None
    client_persona: str | None = None
    emotional_arc: str | None = None
    training_topic: str | None = None


_pair_labels = msgspec.json.Decoder(_PairLabels)


@dataclass
class PairKeys:
    """What a conversation's pairs say about its labels: each key with the first turn that carries it,
    and the first name of each dimension."""

    keys: dict[Dimension, dict[str, int]] = field(default_factory=lambda: {d: {} for d in DIMENSIONS})
    names: dict[Dimension, str] = field(default_factory=dict)
    _last: msgspec.Raw | None = None  # the block read last: pairs usually repeat it byte for byte

    def note(self, raw: msgspec.Raw, turn: int) -> None:
        """Read one pair's context block (a view never checked by the load: anything unreadable is skipped).
        A block equal to the previous one says nothing new and is not decoded again (a memcmp, not a parse)."""
        if raw == self._last:
            return
        self._last = raw
        self._read(raw, turn)

    def release(self) -> None:
        """Drop the view into the file's buffer (the loader unmaps the file once the load is done)."""
        self._last = None

    def _read(self, raw: msgspec.Raw, turn: int) -> None:
        try:
            labels = _pair_labels.decode(raw)
        except (msgspec.DecodeError, UnicodeDecodeError):  # ValidationError included
            return
        for dim, key_field in PAIR_KEY_FIELDS.items():
            key = _present(getattr(labels, key_field))
            if key is not None:
                self.keys[dim].setdefault(key, turn)
        for dim, name in (("persona", labels.client_persona), ("arc", labels.emotional_arc),
                          ("topic", labels.training_topic)):
            if dim not in self.names and (text := _present(name)) is not None:
                self.names[dim] = text


RecordedKeys = tuple[str | None, str | None, str | None]
"""A database row's (persona, arc, topic) keys, any of them missing."""


@dataclass(frozen=True)
class ScaffoldingNames:
    """The platform's scaffolding as names → key, per dimension (from Supabase's tables or a file).

    A persona is known by its name ('David Chen'), its archetype ('The Pragmatic Optimist') and the
    two joined as the exports write them ('David Chen - The Pragmatic Optimist'); every row is also
    known by its key. Matching ignores case, accents and punctuation.
    """

    by_dimension: Mapping[Dimension, Mapping[str, str]]
    names_by_key: Mapping[Dimension, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Mapping[Dimension, Iterable[tuple[str, Sequence[str | None]]]]) -> ScaffoldingNames:
        """From (key, [names…]) per dimension; the first name is the row's display name. A name two
        rows share points at neither (it cannot say which)."""
        index: dict[Dimension, dict[str, str]] = {}
        display: dict[Dimension, dict[str, str]] = {}
        for dim, entries in rows.items():
            seen: dict[str, str | None] = {}
            shown: dict[str, str] = {}
            for key, names in entries:
                usable = [n for n in names if _present(n)]
                if usable:
                    shown[key] = usable[0].strip()  # type: ignore[union-attr]  # _present checked it
                for alias in {_words(key), *(_words(n) for n in usable)}:  # type: ignore[arg-type]
                    if alias:
                        seen[alias] = key if seen.get(alias, key) == key else None
            index[dim] = {alias: key for alias, key in seen.items() if key is not None}
            display[dim] = shown
        return cls(index, display)

    def key_for(self, dim: Dimension, name: str) -> str | None:
        """The key whose row bears this name, trying the whole name, then each side of ' - '."""
        known = self.by_dimension.get(dim, {})
        candidates = [name, *name.split(" - ", 1)] if " - " in name else [name]
        for candidate in candidates:
            if (key := known.get(_words(candidate))) is not None:
                return key
        return None

    def name_for(self, dim: Dimension, key: str) -> str | None:
        """The display name of a key's row, if the scaffolding has one."""
        return self.names_by_key.get(dim, {}).get(key)


class KeyProvenance(msgspec.Struct, frozen=True, gc=False):
    """Which rule supplied each of a conversation's three keys."""

    persona: KeySource
    arc: KeySource
    topic: KeySource


@dataclass
class _Findings:
    """Tallies for the report, filled conversation by conversation."""

    recovered: dict[KeySource, Tally] = field(default_factory=dict)
    recovered_dims: dict[KeySource, set[Dimension]] = field(default_factory=dict)
    disagree: Tally = field(default_factory=lambda: Tally("{}"))
    unlabelled: Tally = field(default_factory=lambda: Tally("{}"))


def _disagreement(cid: str, dim: Dimension, chosen: str | None, keys: dict[str, int]) -> str | None:
    """Where the pairs disagree with the conversation's key (or, without one, with each other)."""
    field_name = PAIR_KEY_FIELDS[dim]
    if chosen is not None:
        other = [(turn, key) for key, turn in keys.items() if key != chosen]
        if not other:
            return None
        turn, key = min(other)
        return (f"conversation {cid}, turn {turn}: `{field_name}` is `{key}`, the conversation's "
                f"{dim} key is `{chosen}`")
    if len(keys) > 1:
        listed = ", ".join(f"`{k}` (from turn {t})" for k, t in sorted(keys.items(), key=lambda kv: kv[1]))
        return f"conversation {cid}: its pairs' `{field_name}` disagree: {listed}"
    return None


def _resolve_one(dim: Dimension, own: str | None, recorded: str | None, pairs: PairKeys | None, name: str | None,
                 names: ScaffoldingNames | None) -> tuple[str, KeySource]:
    """The key of one dimension by the rules above, and the rule that gave it."""
    if own is not None:
        return own, "scaffolding"
    if recorded is not None:
        return recorded, "database"
    pair_keys = pairs.keys[dim] if pairs is not None else {}
    if len(pair_keys) == 1:
        return next(iter(pair_keys)), "pairs"
    if name is not None:
        if names is not None and (key := names.key_for(dim, name)) is not None:
            return key, "scaffolding_names"
        if made := slug(name):
            return made, "name_slug"
    return UNLABELLED, "unlabelled"


class KeyResolver:
    """Resolves keys a batch of conversations at a time, tallying for one report at the end (`emit`)."""

    def __init__(self, names: ScaffoldingNames | None = None, recorded: Mapping[str, RecordedKeys] | None = None):
        self.names = names
        self.recorded = recorded or {}
        self.found = _Findings()
        self.total = 0

    def resolve(self, conversations: Sequence[schema.Conversation],
                pair_keys: Sequence[PairKeys | None]) -> list[KeyProvenance]:
        """Fill these conversations' scaffolding keys (and missing names) in place; how, per conversation."""
        self.total += len(conversations)
        return [self._one(conv, pairs) for conv, pairs in zip(conversations, pair_keys, strict=True)]

    def emit(self, report: ValidationReport) -> None:
        """The findings on every conversation resolved so far."""
        _emit(self.found, self.total, report)

    def _one(self, conv: schema.Conversation, pairs: PairKeys | None) -> KeyProvenance:
        found, names = self.found, self.names
        meta = conv.conversation_metadata
        cid = meta.conversation_id
        scaffold = meta.scaffolding
        row = self.recorded.get(cid, (None, None, None))
        sources: dict[Dimension, KeySource] = {}
        unnamed: list[Dimension] = []
        for position, dim in enumerate(DIMENSIONS):
            key_field, name_field = _SCAFFOLD_FIELDS[dim]
            own = _present(getattr(scaffold, key_field))
            name = _present(getattr(scaffold, name_field)) or (pairs.names.get(dim) if pairs else None)
            key, source_rule = _resolve_one(dim, own, _present(row[position]), pairs, name, names)
            sources[dim] = source_rule
            if pairs is not None and (where := _disagreement(cid, dim, key if source_rule != "name_slug"
                                                             and source_rule != "unlabelled" else None,
                                                             pairs.keys[dim])):
                found.disagree.add(where)
            if source_rule == "unlabelled":
                unnamed.append(dim)
            elif source_rule != "scaffolding":
                found.recovered.setdefault(source_rule, Tally("{}"))
                found.recovered_dims.setdefault(source_rule, set()).add(dim)
            setattr(scaffold, key_field, key)
            shown = name or (names.name_for(dim, key) if names is not None else None)
            setattr(scaffold, name_field, shown)
        for rule in {s for s in sources.values() if s in RECOVERED_FROM}:
            recovered = [f"{d} `{getattr(scaffold, _SCAFFOLD_FIELDS[d][0])}`" for d in DIMENSIONS if sources[d] == rule]
            found.recovered[rule].add(f"conversation {cid}: " + ", ".join(recovered))
        if unnamed:
            found.unlabelled.add(f"conversation {cid}: no {' / '.join(unnamed)} key or name")
        meta.scaffolding = scaffold
        return KeyProvenance(sources["persona"], sources["arc"], sources["topic"])


def resolve(conversations: Sequence[schema.Conversation], pair_keys: Sequence[PairKeys | None],
            report: ValidationReport, names: ScaffoldingNames | None = None,
            recorded: Mapping[str, RecordedKeys] | None = None) -> list[KeyProvenance]:
    """Fill every conversation's scaffolding keys (and missing names) in place; report how.

    `pair_keys[i]` is what conversation i's pairs say (None: nothing read); `recorded` maps a
    conversation id to its database row's keys.
    """
    resolver = KeyResolver(names, recorded)
    provenance = resolver.resolve(conversations, pair_keys)
    resolver.emit(report)
    return provenance


def _emit(found: _Findings, total: int, report: ValidationReport) -> None:
    for rule, tally in found.recovered.items():
        dims = [d for d in DIMENSIONS if d in found.recovered_dims[rule]]
        tally.emit(report, "info", "keys_recovered",
                   f"keys recovered from {RECOVERED_FROM[rule]} for {tally.count:,} of {total:,} conversations "
                   f"({', '.join(dims)}): their own scaffolding key was missing or empty")
    found.disagree.emit(report, "warning", "pair_keys_disagree",
                        f"{found.disagree.count:,} places where training pairs carry a key that disagrees with "
                        "their conversation's; the conversation's key is used")
    found.unlabelled.emit(report, "warning", "conversation_unlabelled",
                          f"{found.unlabelled.count:,} conversations have neither a key nor a name for a persona, "
                          f"arc or topic: labelled `{UNLABELLED}` there; they still load, chart and bundle")


def key_counts(provenance: Sequence[KeyProvenance]) -> dict[str, dict[str, int]]:
    """How many conversations got each dimension's key from each rule (for `stats --json`)."""
    out: dict[str, dict[str, int]] = {}
    for dim in DIMENSIONS:
        counted: dict[str, int] = {}
        for item in provenance:
            rule = getattr(item, dim)
            counted[rule] = counted.get(rule, 0) + 1
        out[dim] = dict(sorted(counted.items()))
    return out
