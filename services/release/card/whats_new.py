"""What a release adds to the one before it, for the card's "What's new" section.

A release of a tier that was released before says, computed and never typed: conversations and
supervised examples added, the personas, arcs and topics that are new, the quality before and
after, and which feedback themes it answers (a theme people raised whose key the release covers
more than before). The previous release is the newest published release of the same tier to the
same repo (to any repo, when the tier never went to this one), known by its `ReleaseSummary`, which
the release history keeps with each record (and the manifest keeps with the release, so the check
can recompute the section from the files).

A rebuild of what that release holds says so ("the same conversations as `v2`"), unless it is that
release again, file for file: then it keeps that release's own section, so the bundle is the same
bytes and publishing it is "already up to date", not a new version.
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
    files_sha256: str | None = None  # one digest of the released files but the manifest: equal, the same release
    news: WhatsNew | None = None  # the release's own "What's new", for building it again as it was

    def holds_the_same_as(self, other: ReleaseSummary) -> bool:
        """The same conversations, examples, keys and quality (tags, files and sections aside)."""
        return self.model_dump(include=HELD) == other.model_dump(include=HELD)

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

    previous: ReleaseSummary  # without its `news` and files: a section names the release before, not the chain
    unchanged: bool = False  # the same conversations as `previous`: nothing added or removed
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


class PreviousRelease(BaseModel):
    """One published release: its tier, where it went, what it held."""

    tier: str
    repo_id: str
    summary: ReleaseSummary


class PreviousReleases(BaseModel):
    """The earlier releases, newest first, as the release history kept them."""

    releases: list[PreviousRelease] = Field(default_factory=list)

    def latest(self, tier: str, repo_id: str) -> ReleaseSummary | None:
        """The newest release of `tier` to `repo_id`: the one a new release of it follows. When the tier
        never went there, its newest release anywhere (a bundle names the plan's repo; `publish --repo-id`
        may send it to another, which then holds the tier's releases)."""
        mine = [r for r in self.releases if r.tier == tier]
        return next((r.summary for r in mine if r.repo_id == repo_id), mine[0].summary if mine else None)


HELD = {"conversations", "supervised_examples", "personas", "arcs", "topics", "quality_avg"}


def _new(labels: list[LabelCount], before: dict[str, int]) -> list[str]:
    return [label.name for label in labels if label.key not in before]


def whats_new(previous: ReleaseSummary, facts: CardFacts, themes: Iterable[str] = ()) -> WhatsNew:
    """What this release (`facts`) adds to `previous`; `themes`: the feedback themes people raised."""
    now = ReleaseSummary.from_facts(facts)
    grew = {key for before, after in ((previous.personas, now.personas), (previous.arcs, now.arcs),
                                      (previous.topics, now.topics))
            for key, n in after.items() if n > before.get(key, 0)}
    named = previous.model_copy(update={"news": None, "files_sha256": None})
    return WhatsNew(previous=named, unchanged=previous.holds_the_same_as(now),
                    conversations_added=facts.conversations - previous.conversations,
                    examples_added=facts.supervised_examples - previous.supervised_examples,
                    new_personas=_new(facts.personas, previous.personas), new_arcs=_new(facts.arcs, previous.arcs),
                    new_topics=_new(facts.topics, previous.topics), quality_before=previous.quality_avg,
                    quality_after=facts.quality_avg, answers=sorted({t for t in themes if t in grew}))


ReleaseSummary.model_rebuild()  # `news` names WhatsNew, defined after it
