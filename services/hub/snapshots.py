"""Traction over time. The Hub keeps no history (downloads are a 30-day window and an all-time
total), so every read of traction is stored as a snapshot per repo: in Supabase
(`traction_snapshots`, supabase/migrations/) when configured, else in a local JSON-lines file.
`python -m services.cli traction snapshot` takes one from a daily scheduler.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pandas as pd
from pydantic import BaseModel, Field

from services.hub.history import ReleaseRecord
from services.hub.traction import Traction
from services.strategy.links import RepoType
from services.supabase.client import SupabaseSession
from services.supabase.log import TableLog
from services.utils.jsonl import JsonlLog

TABLE = "traction_snapshots"
ENV_PATH = "STUDIO_TRACTION_FILE"
DEFAULT_PATH = Path("releases/traction.jsonl")
SERIES = {"downloads": "downloads (30 days)", "downloads_all_time": "downloads (all time)", "likes": "likes",
          "requests_pending": "access requests pending", "requests_accepted": "access requests accepted",
          "landing_leads": "landing-page leads", "marketing_consents": "marketing consents"}


class LeadCounts(BaseModel):
    """A landing Space's leads, and how many of them agreed to marketing."""

    leads: int = 0
    marketing_consents: int = 0


class TractionSnapshot(BaseModel):
    """One repo's figures at one moment. None: not measured for this kind of repo (a Space has no
    downloads; an open repo no access requests; leads unknown without Supabase)."""

    taken_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    repo_id: str
    repo_type: RepoType = "dataset"
    tier: str | None = None
    downloads: int | None = None
    downloads_all_time: int | None = None
    likes: int | None = None
    requests_pending: int | None = None
    requests_accepted: int | None = None
    requests_rejected: int | None = None
    landing_leads: int | None = None
    marketing_consents: int | None = None


class SnapshotStore(Protocol):
    """Where snapshots are kept."""

    where: str

    def append(self, record: TractionSnapshot) -> None:
        """Keep one more snapshot."""

    def read(self) -> list[TractionSnapshot]:
        """Every snapshot kept."""


def jsonl_store(path: Path | None = None) -> JsonlLog[TractionSnapshot]:
    """`releases/traction.jsonl`, or the file STUDIO_TRACTION_FILE names."""
    return JsonlLog(Path(path or os.environ.get(ENV_PATH) or DEFAULT_PATH), TractionSnapshot)


def supabase_store(session: SupabaseSession) -> TableLog[TractionSnapshot]:
    """The `traction_snapshots` table."""
    return TableLog(session, TABLE, TractionSnapshot)


def snapshot_of(item: Traction, tier: str | None, leads: LeadCounts | None = None,
                at: datetime | None = None) -> TractionSnapshot:
    """The figures of one read of one repo (an errored read gives no snapshot: see `take`)."""
    by_status = {s: sum(r.status == s for r in item.requests) for s in ("pending", "accepted", "rejected")}
    gated = bool(item.gated)
    dataset = item.repo_type == "dataset"
    return TractionSnapshot(
        taken_at=at or datetime.now(UTC), repo_id=item.repo_id, repo_type=item.repo_type, tier=tier,
        downloads=item.downloads if dataset else None, downloads_all_time=item.downloads_all_time if dataset else None,
        likes=item.likes, requests_pending=by_status["pending"] if gated else None,
        requests_accepted=by_status["accepted"] if gated else None,
        requests_rejected=by_status["rejected"] if gated else None,
        landing_leads=leads.leads if leads and not dataset else None,
        marketing_consents=leads.marketing_consents if leads and not dataset else None)


def take(items: list[Traction], tiers: Mapping[str, str], leads: Mapping[str, LeadCounts] | None,
         store: SnapshotStore) -> list[TractionSnapshot]:
    """Store a snapshot of every repo read without error; the snapshots stored."""
    at = datetime.now(UTC)
    taken = [snapshot_of(i, tiers.get(i.repo_id), leads.get(i.repo_id) if leads is not None else None, at)
             for i in items if i.error is None]
    for snap in taken:
        store.append(snap)
    return taken


def series(snapshots: list[TractionSnapshot]) -> pd.DataFrame:
    """One row per (repo, series, time) with a value: what the Traction page charts."""
    rows = [{"taken_at": s.taken_at, "repo_id": s.repo_id, "series": label, "value": value}
            for s in snapshots for key, label in SERIES.items() if (value := getattr(s, key)) is not None]
    return pd.DataFrame(rows, columns=["taken_at", "repo_id", "series", "value"])


def release_events(records: list[ReleaseRecord]) -> pd.DataFrame:
    """Each release that reached the Hub with a commit (not "already up to date"): the chart's marks."""
    rows = [{"released_at": r.released_at, "repo_id": r.repo_id, "tier": r.tier, "label": f"{r.tier} {r.tag or ''}"
             .strip()} for r in records if r.outcome == "published"]
    return pd.DataFrame(rows, columns=["released_at", "repo_id", "tier", "label"])


def release_marks(events: pd.DataFrame) -> pd.DataFrame:
    """One label per moment a plan was released (its tiers go out within the same minute): the chart
    writes "v2: preview, eq-100, full" once instead of three labels drawn over each other."""
    if events.empty:
        return pd.DataFrame(columns=["released_at", "label"])
    moments = events.assign(moment=events["released_at"].dt.floor("min"))
    rows = []
    for moment, group in moments.groupby("moment", sort=True):
        tags = {label.rsplit(" ", 1)[-1] for label in group["label"]}
        tiers = ", ".join(dict.fromkeys(group["tier"]))
        label = f"{tags.pop()}: {tiers}" if len(tags) == 1 and len(group) > 1 else " · ".join(group["label"])
        rows.append({"released_at": group["released_at"].min(), "label": label, "moment": moment})
    return pd.DataFrame(rows, columns=["released_at", "label"])
