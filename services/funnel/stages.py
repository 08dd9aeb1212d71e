"""The funnel of the current release, from the latest snapshot of each repo.

Two paths, because the two kinds of lead magnet ask for different things: on the Hub, downloads
(30 days) → access requests → accepted; on a landing page, leads → marketing consents. Page views
would be the first stage of both, but the Hub publishes no view counts: the page says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from services.hub.snapshots import TractionSnapshot
from services.strategy.plans import Targets

VIEWS_MISSING = ("Views are not in the funnel: the Hub publishes no page-view counts for repos or Spaces, only "
                 "downloads (last 30 days and all time) and likes.")


class Stage(BaseModel):
    """One bar of the funnel."""

    path: str
    stage: str
    value: int
    order: int


def latest(snapshots: list[TractionSnapshot]) -> list[TractionSnapshot]:
    """The newest snapshot of each repo."""
    newest: dict[str, TractionSnapshot] = {}
    for snap in snapshots:
        if snap.repo_id not in newest or snap.taken_at > newest[snap.repo_id].taken_at:
            newest[snap.repo_id] = snap
    return list(newest.values())


def _total(snaps: list[TractionSnapshot], field: str) -> int | None:
    values = [getattr(s, field) for s in snaps if getattr(s, field) is not None]
    return sum(values) if values else None


def stages(snapshots: list[TractionSnapshot]) -> list[Stage]:
    """The funnel's stages with a measured value (a path the release does not have is left out)."""
    now = latest(snapshots)
    requests = [s for s in now if s.requests_pending is not None]
    hub = [("downloads (30 days)", _total(now, "downloads")),
           ("access requests", sum((s.requests_pending or 0) + (s.requests_accepted or 0) + (s.requests_rejected or 0)
                                   for s in requests) if requests else None),
           ("accepted", _total(now, "requests_accepted"))]
    landing = [("landing-page leads", _total(now, "landing_leads")),
               ("marketing consents", _total(now, "marketing_consents"))]
    out: list[Stage] = []
    for path, steps in (("Hub", hub), ("Landing page", landing)):
        out += [Stage(path=path, stage=name, value=value, order=i) for i, (name, value) in enumerate(steps)
                if value is not None]
    return out


class TargetProgress(BaseModel):
    """One target of the release's first days, against what the snapshots measured (None: not measured)."""

    name: str
    target: int
    actual: int | None
    measured_at: datetime | None = None
    window_ends: datetime

    @property
    def share(self) -> float | None:
        """How far along, 0 to 1 (None when not measured; 1 for a target of 0)."""
        if self.actual is None:
            return None
        return 1.0 if self.target == 0 else min(1.0, self.actual / self.target)


def first_days(snapshots: list[TractionSnapshot], first_release: datetime, targets: Targets) -> list[TargetProgress]:
    """Leads and downloads by the end of the first `targets.days` days after `first_release`, from the last
    snapshot of each repo taken in that window. A figure no snapshot measured stays None: never a 0."""
    ends = first_release + timedelta(days=targets.days)
    inside = latest([s for s in snapshots if first_release <= s.taken_at <= ends])
    when = max((s.taken_at for s in inside), default=None)
    requests = [s for s in inside if s.requests_pending is not None]
    landing = _total(inside, "landing_leads")
    asked = sum((s.requests_pending or 0) + (s.requests_accepted or 0) + (s.requests_rejected or 0)
                for s in requests) if requests else None
    leads = None if landing is None and asked is None else (landing or 0) + (asked or 0)
    return [TargetProgress(name="leads", target=targets.leads, actual=leads, measured_at=when, window_ends=ends),
            TargetProgress(name="downloads", target=targets.downloads, actual=_total(inside, "downloads_all_time"),
                           measured_at=when, window_ends=ends)]
