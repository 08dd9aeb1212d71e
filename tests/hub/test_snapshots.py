"""Traction snapshots: what one read records, how reads accumulate (locally and in Supabase), and
the long table the Traction page charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.hub import snapshots
from services.hub.history import ReleaseRecord
from services.hub.requests import AccessRequestRow
from services.hub.traction import Traction
from services.supabase.client import connect
from services.supabase.config import settings_from


def _request(status: str) -> AccessRequestRow:
    return AccessRequestRow(repo_id="o/full", status=status, username="u", fullname=None, email=None,
                            requested_at=datetime(2026, 11, 26, tzinfo=UTC))


GATED = Traction(repo_id="o/full", url="u", gated="manual", downloads=40, downloads_all_time=90, likes=3,
                 requests=[_request("pending"), _request("accepted"), _request("accepted")])
SPACE = Traction(repo_id="o/eq-100", repo_type="space", url="u", likes=1)
BROKEN = Traction(repo_id="o/gone", url="u", error="HTTP 500")


def test_a_snapshot_records_what_each_kind_of_repo_has_and_nothing_it_has_not():
    gated = snapshots.snapshot_of(GATED, "full")
    assert (gated.downloads, gated.downloads_all_time, gated.likes) == (40, 90, 3)
    assert (gated.requests_pending, gated.requests_accepted, gated.requests_rejected) == (1, 2, 0)
    assert gated.landing_leads is None  # a dataset repo has no landing form
    space = snapshots.snapshot_of(SPACE, "eq-100", snapshots.LeadCounts(leads=5, marketing_consents=2))
    assert (space.downloads, space.requests_pending, space.landing_leads, space.marketing_consents) == (
        None, None, 5, 2)
    assert snapshots.snapshot_of(SPACE, "eq-100").landing_leads is None  # unknown without Supabase, not zero


def test_reads_accumulate_in_the_local_file_and_an_errored_repo_is_skipped(tmp_path):
    store = snapshots.jsonl_store(tmp_path / "traction.jsonl")
    tiers = {"o/full": "full", "o/eq-100": "eq-100"}
    first = snapshots.take([GATED, SPACE, BROKEN], tiers, {"o/eq-100": snapshots.LeadCounts(leads=1)}, store)
    later = GATED.model_copy(update={"downloads": 55})
    snapshots.take([later], tiers, None, store)
    kept = store.read()
    assert [s.repo_id for s in first] == ["o/full", "o/eq-100"]
    assert [(s.repo_id, s.downloads) for s in kept] == [("o/full", 40), ("o/eq-100", None), ("o/full", 55)]
    table = snapshots.series(kept)
    downloads = table[(table.repo_id == "o/full") & (table.series == "downloads (30 days)")]
    assert downloads["value"].tolist() == [40, 55]
    assert set(table[table.repo_id == "o/eq-100"]["series"]) == {"likes", "landing-page leads",
                                                                  "marketing consents"}


def test_snapshots_go_to_the_migrated_supabase_table(supabase):
    session = connect(settings_from({"url": supabase.url, "key": supabase.key("authenticated")}))
    store = snapshots.supabase_store(session)
    repo = f"o/full-{datetime.now(UTC).timestamp()}"
    snapshots.take([GATED.model_copy(update={"repo_id": repo})], {repo: "full"}, None, store)
    snapshots.take([GATED.model_copy(update={"repo_id": repo, "likes": 4})], {repo: "full"}, None, store)
    mine = sorted((s for s in store.read() if s.repo_id == repo), key=lambda s: s.taken_at)
    assert [(s.likes, s.requests_accepted, s.tier) for s in mine] == [(3, 2, "full"), (4, 2, "full")]


def test_release_events_are_the_releases_that_made_a_commit():
    at = datetime(2026, 11, 20, tzinfo=UTC)
    records = [ReleaseRecord(actor="o", tier="full", repo_id="o/full", outcome="published", tag="v1", released_at=at),
               ReleaseRecord(actor="o", tier="full", repo_id="o/full", outcome="up_to_date",
                             released_at=at + timedelta(days=1)),
               ReleaseRecord(actor="o", tier="full", repo_id="o/full", outcome="failed", released_at=at)]
    events = snapshots.release_events(records)
    assert events[["repo_id", "label"]].values.tolist() == [["o/full", "full v1"]]


def test_a_plan_released_at_once_gets_one_mark_not_three_drawn_over_each_other():
    at = datetime(2026, 11, 20, 9, 0, 5, tzinfo=UTC)
    tiers = ("preview", "eq-100", "full")
    records = [ReleaseRecord(actor="o", tier=t, repo_id=f"o/{t}", outcome="published", tag="v2",
                             released_at=at + timedelta(seconds=i)) for i, t in enumerate(tiers)]
    records.append(ReleaseRecord(actor="o", tier="full", repo_id="o/full", outcome="published", tag="v1",
                                 released_at=at - timedelta(days=7)))
    marks = snapshots.release_marks(snapshots.release_events(records))
    assert marks["label"].tolist() == ["full v1", "v2: preview, eq-100, full"]
    assert snapshots.release_marks(snapshots.release_events([])).empty
