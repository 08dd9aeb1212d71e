"""Every publish, and every refused or failed one, recorded: in Supabase when it is configured
(`dataset_releases`, see supabase/migrations/), else in a local JSON-lines file.

A record is written after the outcome is known. A record that cannot be written does not undo a
release; the caller shows the error next to the release's own outcome.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from services.release.card.whats_new import PreviousRelease, PreviousReleases, ReleaseSummary
from services.strategy.links import RepoType
from services.strategy.plans import Plan
from services.supabase.client import SupabaseSession
from services.supabase.log import TableLog
from services.utils.jsonl import JsonlLog

Outcome = Literal["published", "up_to_date", "refused", "failed"]
TABLE = "dataset_releases"
ENV_PATH = "STUDIO_RELEASES_FILE"
DEFAULT_PATH = Path("releases/history.jsonl")


class ReleaseRecord(BaseModel):
    released_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    actor: str = Field(description="who pressed publish: the signed-in email, or the Hub account")
    tier: str
    repo_id: str
    repo_type: RepoType = "dataset"
    outcome: Outcome
    commit_sha: str | None = None
    tag: str | None = None
    url: str | None = None
    plan_name: str | None = None
    plan_sha256: str | None = None
    plan: Plan | None = Field(default=None, description="the whole plan that made the release: the Strategy page "
                                                       "opens on the newest one's")
    conversations: int | None = None
    supervised_examples: int | None = None
    overrides: list[str] = Field(default_factory=list, description="checks overridden, with who and why")
    message: str = ""
    summary: ReleaseSummary | None = Field(default=None, description="what the release held: the next one's "
                                                                     "\"What's new\" compares with it")


class History(Protocol):
    """Where release records are kept: Supabase when configured, a local JSONL file otherwise."""

    where: str  # said on the Releases page: where the record is

    def append(self, record: ReleaseRecord) -> None:
        """Keep one more record."""

    def read(self) -> list[ReleaseRecord]:
        """Every record, newest first."""


class JsonlHistory(JsonlLog[ReleaseRecord]):
    """The local history: `releases/history.jsonl`, or the file `STUDIO_RELEASES_FILE` names."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(Path(path or os.environ.get(ENV_PATH) or DEFAULT_PATH), ReleaseRecord)

    def read(self) -> list[ReleaseRecord]:
        """Every record, newest first."""
        return sorted(super().read(), key=lambda r: r.released_at, reverse=True)


class SupabaseHistory(TableLog[ReleaseRecord]):
    """The `dataset_releases` table."""

    def __init__(self, session: SupabaseSession) -> None:
        super().__init__(session, TABLE, ReleaseRecord)

    def read(self) -> list[ReleaseRecord]:
        """Every record in the table, newest first."""
        return sorted(super().read(), key=lambda r: r.released_at, reverse=True)


def latest_published(records: list[ReleaseRecord], tier: str) -> ReleaseRecord | None:
    """The newest record of `tier` that reached the Hub as a dataset repo (published, or already up to
    date there): what the dataset viewer's links point at. A landing Space has no viewer."""
    landed = [r for r in records if r.tier == tier and r.repo_type == "dataset"
              and r.outcome in {"published", "up_to_date"}]
    return max(landed, key=lambda r: r.released_at, default=None)


def plan_in_force(records: list[ReleaseRecord]) -> ReleaseRecord | None:
    """The newest published release that kept its plan: what is out was made by that plan."""
    return max((r for r in records if r.outcome == "published" and r.plan is not None),
               key=lambda r: r.released_at, default=None)


class PublishedRepo(BaseModel):
    """A repo or Space that reached the Hub, with the tier it holds (its latest release's)."""

    repo_id: str
    repo_type: RepoType = "dataset"
    tier: str


def previous_releases(records: list[ReleaseRecord]) -> PreviousReleases:
    """Every published release that kept its summary, newest first, for the next "What's new"."""
    kept = [r for r in sorted(records, key=lambda r: r.released_at, reverse=True)
            if r.outcome == "published" and r.summary is not None]
    return PreviousReleases(releases=[PreviousRelease(tier=r.tier, repo_id=r.repo_id,
                                                      summary=r.summary.model_copy(update={"tag": r.tag}))
                                      for r in kept if r.summary is not None])


def versions_table(records: list[ReleaseRecord]) -> list[dict[str, object]]:
    """Each tier's published versions side by side: one row per (tier, figure), one column per tag,
    oldest first, from the summaries the records kept."""
    kept = sorted((r for r in records if r.outcome == "published" and r.summary is not None),
                  key=lambda r: r.released_at)
    rows: list[dict[str, object]] = []
    for tier in dict.fromkeys(r.tier for r in kept):
        mine = [r for r in kept if r.tier == tier]
        figures: dict[str, list[object]] = {"conversations": [], "supervised examples": [], "personas": [],
                                            "emotional arcs": [], "topics": [], "average quality": []}
        for r in mine:
            s = r.summary
            assert s is not None
            for name, value in (("conversations", s.conversations), ("supervised examples", s.supervised_examples),
                                ("personas", len(s.personas)), ("emotional arcs", len(s.arcs)),
                                ("topics", len(s.topics)), ("average quality", s.quality_avg)):
                figures[name].append(value)
        labels = [r.tag or f"{r.released_at:%Y-%m-%d}" for r in mine]
        rows += [{"tier": tier, "figure": name, **dict(zip(labels, values, strict=True))}
                 for name, values in figures.items()]
    return rows


def published_repos(records: list[ReleaseRecord]) -> list[PublishedRepo]:
    """Every repo and Space the history says reached the Hub, newest release first, once each."""
    seen: dict[str, PublishedRepo] = {}
    for r in sorted(records, key=lambda r: r.released_at, reverse=True):
        if r.outcome in {"published", "up_to_date"} and r.repo_id not in seen:
            seen[r.repo_id] = PublishedRepo(repo_id=r.repo_id, repo_type=r.repo_type, tier=r.tier)
    return list(seen.values())
