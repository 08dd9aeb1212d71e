"""The seeded story: what it holds, that it is the same every time, and that it is fictional."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from services.sandbox import runtime, story
from services.sandbox.runtime import ready_sandbox

NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
PREVIEW, SPACE, FULL = ("brightrun/financial-eq-billboard-preview", "brightrun/financial-eq-billboard-eq-100",
                        "brightrun/financial-eq-billboard-full")


@pytest.fixture(scope="module")
def told(tmp_path_factory):
    """The story told twice, in two folders, for the same day."""
    runtime.close_all()
    boxes = []
    for name in ("a", "b"):
        box = ready_sandbox(tmp_path_factory.mktemp(name) / "sb", port=0, story=False)
        box.reset(NOW)
        boxes.append(box)
    yield boxes
    runtime.close_all()


def test_two_releases_three_weeks_and_one_week_ago_each_tier_tagged(told):
    box = told[0]
    records = box.records.history.read()
    assert {(r.tier, r.tag, r.released_at) for r in records} == {
        (tier, tag, when) for tier in ("preview", "eq-100", "full")
        for tag, when in (("v1", NOW - timedelta(days=21)), ("v2", NOW - timedelta(days=7)))}
    assert all(r.outcome == "published" and r.url.startswith(box.url) for r in records)
    for repo_id, store in ((PREVIEW, box.hub.repos), (FULL, box.hub.repos), (SPACE, box.hub.spaces)):
        assert set(store[repo_id].tags) == {"v1", "v2"}
    v1 = {r.tier: r.conversations for r in records if r.tag == "v1"}
    v2 = {r.tier: r.conversations for r in records if r.tag == "v2"}
    assert v1["full"] < v2["full"]  # v1 was the first 180 conversations, v2 the first 210
    assert {r.plan.model_dump_json() for r in records} == {story.story_plan(box.privacy_url).model_dump_json()}
    assert "What's new" in box.hub.files(PREVIEW)["README.md"].decode()
    assert box.hub.repos[FULL].gated == "manual" and box.hub.repos[PREVIEW].gated is False


def test_three_weeks_of_daily_snapshots_on_a_plausible_curve(told):
    snapshots = told[0].records.snapshots.read()
    for repo_id in (PREVIEW, FULL, SPACE):
        mine = sorted((s for s in snapshots if s.repo_id == repo_id), key=lambda s: s.taken_at)
        assert len(mine) == 21 and mine[-1].taken_at == NOW
        assert all(b.taken_at - a.taken_at == timedelta(days=1) for a, b in itertools.pairwise(mine))
        series = [s.landing_leads if repo_id == SPACE else s.downloads_all_time for s in mine]
        assert series == sorted(series) and series[0] < series[-1]  # growing, never falling
    last_preview = max((s for s in snapshots if s.repo_id == PREVIEW), key=lambda s: s.taken_at)
    assert told[0].hub.repos[PREVIEW].downloads == last_preview.downloads  # the Hub agrees with the last one


def test_forty_leads_a_dozen_requests_threads_likers_and_suggestions(told):
    box = told[0]
    leads = box.lead_log.read()
    assert len(leads) == 40 and {lead.space_id for lead in leads} == {SPACE}
    statuses = [r["status"] for r in box.hub.repos[FULL].access_requests]
    assert (statuses.count("accepted"), statuses.count("pending"), statuses.count("rejected")) == (6, 4, 2)
    assert any(t.get("isPullRequest") for t in box.hub.repos[PREVIEW].discussions)  # a bot's, left out of the inbox
    assert len(box.hub.repos[PREVIEW].likers) == box.hub.repos[PREVIEW].likes == 9
    assert len(box.answer_log.read()) == 5


def test_it_is_fictional(told):
    box = told[0]
    emails = [lead.email for lead in box.lead_log.read()]
    emails += [r["user"]["email"] for r in box.hub.repos[FULL].access_requests]
    assert emails and all(e.endswith("@example.com") for e in emails)
    page = box.hub.spaces[SPACE].head.files["index.html"].decode()
    assert f"{box.url}/rest/v1/rpc/submit_lead" in page and "supabase.co" not in page  # it posts to the sandbox
    assert [p.space_id for p in box.landing_pages.pages() if p.open] == [SPACE]  # and the sandbox takes it


def test_the_same_story_every_time(told):
    a, b = told

    def content(box: runtime.Sandbox) -> tuple:
        leads = [lead.model_dump() for lead in box.lead_log.read()]
        snaps = [s.model_dump() for s in box.records.snapshots.read()]
        # The plan names the sandbox's privacy notice, whose port differs between the two: its hash does too.
        # So do the files the cards link from, and their digest.
        history = [r.model_dump(exclude={"commit_sha", "url", "plan_sha256", "plan", "summary"}) | {
            "plan": r.plan and r.plan.model_copy(update={"privacy_url": "SANDBOX"}),
            "summary": r.summary and r.summary.model_copy(update={"files_sha256": None})}
            for r in box.records.history.read()]
        card = box.hub.files(PREVIEW)["README.md"].decode().replace(box.url, "SANDBOX")
        return leads, snaps, history, card, box.hub.repos[FULL].access_requests

    assert content(a) == content(b)


def test_the_plan_passes_its_checks_with_the_sandboxs_privacy_notice():
    plan = story.story_plan("http://127.0.0.1:1/sandbox/privacy")
    assert [t.channel for t in plan.tiers] == ["hub_public", "download", "hub_gated"]
    assert plan.privacy_url.endswith("/sandbox/privacy")


def test_todays_build_of_the_storys_plan_is_v3_and_compares_with_v2(told):
    """The quick start's publish: the plan the history keeps, on today's 242 conversations, is a new
    version of every tier whose card compares with v2 (the newest release to its repo), and every link
    the plan gives it is on the card (the full tier behind its access form)."""
    from services.hub.history import plan_in_force, previous_releases
    from services.release import bundle
    from services.strategy import sampling

    box = told[0]
    records = box.records.history.read()
    newest = plan_in_force(records)
    assert newest is not None and newest.plan is not None and newest.tag == "v2"
    ds = story._demo(242)
    built = bundle.build_plan(ds, newest.plan, sampling.select_plan(ds, newest.plan), with_image=False,
                              hub_url=box.url, previous=previous_releases(records))
    v2 = {r.tier: r for r in records if r.tag == "v2"}
    for tier, b in built.items():
        assert b.manifest["whats_new"]["previous"]["tag"] == "v2", tier
        assert f"Compared with the previous release (`v2`), which held {v2[tier].conversations} conversations" \
               in b.card, tier
    assert "[full](" in built["preview"].card and "behind its access form" in built["preview"].card
