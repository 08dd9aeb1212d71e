"""The release's funnel from the latest snapshot of each repo."""

from __future__ import annotations

from datetime import UTC, datetime

from services.funnel import stages
from services.hub.snapshots import TractionSnapshot

T0, T1 = datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 11, 27, tzinfo=UTC)


def test_each_path_uses_the_latest_snapshot_of_each_repo():
    snaps = [TractionSnapshot(taken_at=T0, repo_id="o/preview", downloads=5),
             TractionSnapshot(taken_at=T1, repo_id="o/preview", downloads=9),
             TractionSnapshot(taken_at=T1, repo_id="o/full", downloads=3, requests_pending=2, requests_accepted=4,
                              requests_rejected=1),
             TractionSnapshot(taken_at=T1, repo_id="o/eq", repo_type="space", landing_leads=6, marketing_consents=2)]
    found = [(s.path, s.stage, s.value) for s in stages.stages(snaps)]
    assert found == [("Hub", "downloads (30 days)", 12), ("Hub", "access requests", 7), ("Hub", "accepted", 4),
                     ("Landing page", "landing-page leads", 6), ("Landing page", "marketing consents", 2)]


def test_a_path_the_release_does_not_have_is_left_out():
    found = stages.stages([TractionSnapshot(taken_at=T1, repo_id="o/preview", downloads=5)])
    assert [(s.path, s.stage) for s in found] == [("Hub", "downloads (30 days)")]


def test_first_days_targets_count_only_what_the_window_measured():
    from datetime import UTC, datetime, timedelta

    from services.funnel.stages import first_days
    from services.hub.snapshots import TractionSnapshot
    from services.strategy.plans import Targets

    start = datetime(2026, 12, 1, tzinfo=UTC)
    snaps = [TractionSnapshot(taken_at=start + timedelta(days=2), repo_id="o/full", downloads_all_time=20,
                              requests_pending=3, requests_accepted=4, requests_rejected=1),
             TractionSnapshot(taken_at=start + timedelta(days=6), repo_id="o/full", downloads_all_time=41,
                              requests_pending=2, requests_accepted=9, requests_rejected=1),
             TractionSnapshot(taken_at=start + timedelta(days=6), repo_id="o/eq-100", repo_type="space",
                              landing_leads=7),
             TractionSnapshot(taken_at=start + timedelta(days=9), repo_id="o/full", downloads_all_time=90)]
    leads, downloads = first_days(snaps, start, Targets(leads=30, downloads=50, days=7))
    assert (leads.actual, leads.target, downloads.actual) == (12 + 7, 30, 41)  # day 9 is after the window
    assert downloads.share == 41 / 50 and leads.window_ends == start + timedelta(days=7)
    (none_leads, none_downloads) = first_days(snaps, start + timedelta(days=20), Targets())
    assert none_leads.actual is None and none_downloads.actual is None and none_leads.share is None  # not 0
