"""Themes, by rule: what a thread or a form answer is about, with the words that say so.

No model, so every theme can be explained. A text gets:
- a persona, arc or topic key when it names one, by key (`roth_ira_conversion`, `shame to acceptance`)
  or by name (`Roth IRA Conversion`, `Shame → Acceptance`, `The Anxious Planner`), case, accents and
  punctuation ignored, whole words only; the names come from the data and the platform's scaffolding;
- a lexicon theme for each of `format/training`, `license`, `access`, `quality`, `language` and
  `more data` whose words it uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from services.dataset.keys import slug
from services.dataset.loader import LoadedDataset
from services.dataset.scaffolding import Scaffolding
from services.feedback.models import ThemeCount, ThemeKind, ThemeMatch

# Phrases, as words joined by spaces (matched on whole words of the normalised text).
LEXICON: dict[str, tuple[str, ...]] = {
    "format/training": ("trl", "sft", "sfttrainer", "lora", "qlora", "fine tune", "fine tuning", "finetune",
                        "finetuning", "train", "training", "trained", "format", "parquet", "jsonl", "chat template",
                        "tokenizer", "messages column", "prompt completion"),
    "license": ("license", "licence", "licensing", "commercial use", "commercially", "cc by", "apache", "mit license",
                "terms of use", "attribution"),
    "access": ("access", "gated", "gate", "request access", "approval", "approve", "download link", "cannot download",
               "can t download", "login", "sign up", "form"),
    "quality": ("quality", "typo", "typos", "mistake", "mistakes", "wrong", "error", "errors", "bug", "duplicate",
                "duplicates", "repetitive", "robotic", "unrealistic", "inaccurate", "hallucination"),
    "language": ("language", "languages", "spanish", "french", "german", "portuguese", "italian", "chinese",
                 "japanese", "multilingual", "translation", "translate", "non english"),
    "more data": ("more data", "more examples", "more conversations", "more samples", "bigger", "larger", "scale",
                  "more personas", "more topics", "more arcs", "full dataset", "full set", "the rest"),
}
_STOP = {"the", "a", "an"}


def _phrase(text: str) -> str:
    """Words joined by single spaces (the same normalisation as keys: arrows read 'to')."""
    return slug(text).replace("_", " ")


@dataclass(frozen=True)
class ThemeIndex:
    """Phrase → (theme, kind) for every key and name the studio knows, and the lexicon."""

    phrases: Mapping[str, tuple[str, ThemeKind]]

    @classmethod
    def build(cls, labels: Mapping[ThemeKind, Iterable[tuple[str, Sequence[str | None]]]]) -> ThemeIndex:
        """From (key, [names…]) per dimension (`persona`, `arc`, `topic`); a leading 'The' of a name is
        optional ('The Anxious Planner' also matches 'anxious planner')."""
        phrases: dict[str, tuple[str, ThemeKind]] = {}
        for kind, entries in labels.items():
            for key, names in entries:
                for text in (key, *(n for n in names if n)):
                    phrase = _phrase(text or "")
                    words = phrase.split()
                    if words and words[0] in _STOP and len(words) > 1:
                        phrases.setdefault(" ".join(words[1:]), (key, kind))
                    if phrase:
                        phrases.setdefault(phrase, (key, kind))
        for theme, lexicon_words in LEXICON.items():
            for phrase in lexicon_words:
                phrases.setdefault(phrase, (theme, "lexicon"))
        return cls(phrases)

    def match(self, text: str) -> list[ThemeMatch]:
        """The themes `text` raises, each with the phrases that matched, in theme order."""
        padded = f" {_phrase(text)} "
        found: dict[tuple[str, ThemeKind], list[str]] = {}
        for phrase, (theme, kind) in self.phrases.items():
            if f" {phrase} " in padded:
                found.setdefault((theme, kind), []).append(phrase)
        return [ThemeMatch(theme=theme, kind=kind, words=sorted(words))
                for (theme, kind), words in sorted(found.items())]


def labels_from(persona: Iterable[tuple[str, str]], arc: Iterable[tuple[str, str]], topic: Iterable[tuple[str, str]],
                more: Mapping[ThemeKind, Iterable[tuple[str, Sequence[str | None]]]] | None = None,
                ) -> dict[ThemeKind, list[tuple[str, list[str | None]]]]:
    """(key, name) pairs of the data, and the scaffolding's rows, as `ThemeIndex.build` takes them."""
    out: dict[ThemeKind, list[tuple[str, list[str | None]]]] = {
        "persona": [(k, [n]) for k, n in persona], "arc": [(k, [n]) for k, n in arc],
        "topic": [(k, [n]) for k, n in topic]}
    for kind, rows in (more or {}).items():
        out.setdefault(kind, []).extend((k, list(names)) for k, names in rows)
    return out


def count(matches: Iterable[Sequence[ThemeMatch]]) -> list[ThemeCount]:
    """Themes over many texts: how many texts raised each (a text counts once per theme), most first."""
    counts: dict[tuple[str, ThemeKind], int] = {}
    words: dict[tuple[str, ThemeKind], set[str]] = {}
    for per_text in matches:
        for m in per_text:
            counts[(m.theme, m.kind)] = counts.get((m.theme, m.kind), 0) + 1
            words.setdefault((m.theme, m.kind), set()).update(m.words)
    return [ThemeCount(theme=theme, kind=kind, count=n, words=sorted(words[(theme, kind)]))
            for (theme, kind), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


_SPACES = re.compile(r"\s+")


def excerpt(text: str, limit: int = 160) -> str:
    """One line of a text, for tables and the terminal."""
    line = _SPACES.sub(" ", text).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def index_for(keys_and_names: Mapping[ThemeKind, Iterable[tuple[str, str]]],
              scaffolding: Mapping[ThemeKind, Iterable[tuple[str, Sequence[str | None]]]] | None = None) -> ThemeIndex:
    """The theme index of a dataset's (key, name) pairs per dimension and, when known, the scaffolding's rows."""
    return ThemeIndex.build(labels_from(keys_and_names.get("persona", ()), keys_and_names.get("arc", ()),
                                        keys_and_names.get("topic", ()), scaffolding))


def index_of(ds: LoadedDataset | None, scaffolding: Scaffolding | None) -> ThemeIndex:
    """The theme index of a dataset's keys and names and, when known, the platform's scaffolding rows."""
    data: dict[ThemeKind, list[tuple[str, str]]] = {}
    if ds is not None:
        c = ds.columns
        data = {"persona": list(zip(c.persona_key, c.persona_name, strict=True)),
                "arc": list(zip(c.arc_key, c.arc_name, strict=True)),
                "topic": list(zip(c.topic_key, c.topic_name, strict=True))}
    rows: dict[ThemeKind, Iterable[tuple[str, Sequence[str | None]]]] | None = None
    if scaffolding is not None:
        rows = {"persona": [(p.persona_key, [p.name, p.archetype]) for p in scaffolding.personas],
                "arc": [(a.arc_key, [a.name]) for a in scaffolding.emotional_arcs],
                "topic": [(t.topic_key, [t.name]) for t in scaffolding.training_topics]}
    return index_for(data, rows)


def named_index(ds: LoadedDataset | None, scaffolding: Scaffolding | None, said: str) -> tuple[ThemeIndex, str]:
    """The names themes look for — the data's (when there is data) and the scaffolding's — and where they
    came from, in one wording for the Feedback page and `cli feedback` (`said`: the scaffolding as its
    reader describes it, or why there is none)."""
    return index_of(ds, scaffolding), f"the data's names and {said}" if ds is not None else f"the names in {said}"
