"""The funnel of the current release, from the latest snapshot of each repo.

Two paths, because the two kinds of lead magnet ask for different things: on the Hub, downloads
(30 days) → access requests → accepted; on a landing page, leads → marketing consents. Page views
would be the first stage of both, but the Hub publishes no view counts: the page says so.
"""

from __future__ import annotations

from pydantic import BaseModel

from services.hub.snapshots import TractionSnapshot

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
