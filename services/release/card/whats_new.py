"""What a release adds to the one before it, for the card's "What's new" section.

A release of a tier that was released before says, computed and never typed: conversations and
supervised examples added, the personas, arcs and topics that are new, the quality before and
after, and which feedback themes it answers (a theme people raised whose key the release covers
more than before). The previous release is known by its `ReleaseSummary`, which the release
history keeps with each record (and the manifest keeps with the release, so the check can
recompute the section from the files).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from services.release.card.facts import CardFacts, LabelCount, fmt_number


class ReleaseSummary(BaseModel):
    """A release in brief: its counts, its keys with their conversations, its quality, its tag."""

    tag: str | None = None
    conversations: int
    supervised_examples: int
    personas: dict[str, int] = Field(default_factory=dict)  # key → conversations
    arcs: dict[str, int] = Field(default_factory=dict)
    topics: dict[str, int] = Field(default_factory=dict)
    quality_avg: float | None = None

    @classmethod
    def from_facts(cls, facts: CardFacts, tag: str | None = None) -> ReleaseSummary:
        """The summary of a release whose card states `facts`."""
        def keyed(labels: list[LabelCount]) -> dict[str, int]:
            return {label.key: label.conversations for label in labels}

        return cls(tag=tag, conversations=facts.conversations, supervised_examples=facts.supervised_examples,
                   personas=keyed(facts.personas), arcs=keyed(facts.arcs), topics=keyed(facts.topics),
                   quality_avg=facts.quality_avg)


class WhatsNew(BaseModel):
    """The card's section, as data (kept in the manifest)."""

    previous: ReleaseSummary
    conversations_added: int
    examples_added: int
    new_personas: list[str] = Field(default_factory=list)  # names, as the card shows them
    new_arcs: list[str] = Field(default_factory=list)
    new_topics: list[str] = Field(default_factory=list)
    quality_before: float | None = None
    quality_after: float | None = None
    answers: list[str] = Field(default_factory=list)  # feedback themes whose key the release covers more

    def numbers(self) -> set[str]:
        """Every number the section states, as the card prints it (for the card truth check)."""
        values = [abs(self.conversations_added), abs(self.examples_added), self.quality_before, self.quality_after,
                  self.previous.conversations, self.previous.supervised_examples]
        return {fmt_number(v) for v in values if v is not None}


class PreviousReleases(BaseModel):
    """Each tier's earlier releases, newest first, as the release history kept them."""

    releases: list[tuple[str, ReleaseSummary]] = Field(default_factory=list)  # (tier, summary)

    def before(self, tier: str, current: ReleaseSummary) -> ReleaseSummary | None:
        """The tier's latest release that holds something else than `current`. A build of what is already
        released compares with the release before it, so building it again gives the same card (and
        publishing it again is "already up to date", not a new version)."""
        for name, summary in self.releases:
            if name == tier and summary.model_dump(exclude={"tag"}) != current.model_dump(exclude={"tag"}):
                return summary
        return None


def _new(labels: list[LabelCount], before: dict[str, int]) -> list[str]:
    return [label.name for label in labels if label.key not in before]


def whats_new(previous: ReleaseSummary, facts: CardFacts, themes: Iterable[str] = ()) -> WhatsNew:
    """What this release (`facts`) adds to `previous`; `themes`: the feedback themes people raised."""
    now = ReleaseSummary.from_facts(facts)
    grew = {key for before, after in ((previous.personas, now.personas), (previous.arcs, now.arcs),
                                      (previous.topics, now.topics))
            for key, n in after.items() if n > before.get(key, 0)}
    return WhatsNew(previous=previous, conversations_added=facts.conversations - previous.conversations,
                    examples_added=facts.supervised_examples - previous.supervised_examples,
                    new_personas=_new(facts.personas, previous.personas), new_arcs=_new(facts.arcs, previous.arcs),
                    new_topics=_new(facts.topics, previous.topics), quality_before=previous.quality_avg,
                    quality_after=facts.quality_avg, answers=sorted({t for t in themes if t in grew}))
