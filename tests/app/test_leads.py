"""Leads and Traction pages through AppTest: the ledger behind the publishing guard, decisions that
reach the local Hub and are recorded, landing leads merged from the real PostgREST, and snapshots
that accumulate into a chart with the release marked."""

from __future__ import annotations

import json

import psycopg
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from services.hub.history import JsonlHistory, ReleaseRecord
from services.hub.requests import jsonl_decisions
from services.hub.snapshots import jsonl_store
from services.local_hub.state import Commit, Repo
from tests.app.conftest import TIMEOUT, no_exception
from tests.app.test_supabase import page_text
from tests.conftest import HUB_TOKEN
from tests.support.streamlit_server import ROOT

PASSWORD = "correct horse battery"
FULL, SPACE = "brightrun/financial-eq-hybrid-full", "brightrun/financial-eq-billboard-eq-100"


@pytest.fixture
def seeded(local_hub, monkeypatch, tmp_path):
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "history.jsonl"))
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "HF_TOKEN", "HF_ENDPOINT", "STUDIO_PUBLISH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    repo = Repo(id=FULL, gated="manual", downloads=10, downloads_all_time=10, likes=1)
    repo.commits.append(Commit("0" * 40, None, "initial commit", {}, "2026-11-20T08:00:00.000Z", "owner"))
    repo.access_requests = [
        {"requestId": "r1", "status": "pending", "timestamp": "2026-11-26T10:00:00.000Z",
         "user": {"user": "grace", "fullname": "Grace H", "email": "grace@example.org"},
         "fields": {"Company": "Navy"}},
        {"requestId": "r2", "status": "accepted", "timestamp": "2026-11-25T10:00:00.000Z",
         "user": {"user": "alan", "fullname": "Alan T", "email": "alan@example.org"}}]
    local_hub.repos[FULL] = repo
    st.cache_data.clear()
    st.cache_resource.clear()
    yield local_hub
    st.cache_data.clear()
    st.cache_resource.clear()


def _open(hub, page: str, connections: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["HF_ENDPOINT"] = hub.url
    at.secrets["HF_TOKEN"] = HUB_TOKEN
    at.secrets["publishing"] = {"password": PASSWORD}
    if connections:
        at.secrets["connections"] = connections
    at.run()
    at.switch_page(page).run()
    return at


def _unlock(at: AppTest) -> AppTest:
    at.text_input(key="access.password").input(PASSWORD)
    at.button[[b.label for b in at.button].index("Unlock publishing")].click().run()
    return at


def _record(history, repo_id: str, tier: str, repo_type: str = "dataset", **extra) -> None:
    history.append(ReleaseRecord(actor="owner", tier=tier, repo_id=repo_id, repo_type=repo_type,
                                 outcome="published", **{"tag": "v1", **extra}))


def test_the_ledger_stays_behind_the_publishing_guard(seeded):
    _record(JsonlHistory(), FULL, "full")
    at = _open(seeded, "app_pages/leads.py")
    no_exception(at)
    assert "grace@example.org" not in page_text(at) and not at.dataframe


def test_without_supabase_the_hub_side_shows_and_a_pending_request_is_accepted_and_recorded(seeded):
    _record(JsonlHistory(), FULL, "full")
    at = _unlock(_open(seeded, "app_pages/leads.py"))
    no_exception(at)
    assert any("landing-page leads are missing" in i.value for i in at.info)
    table = at.dataframe[0].value
    assert list(table["email"]) == ["grace@example.org", "alan@example.org"]
    assert {m.label: m.value for m in at.metric}["Waiting for a decision"] == "1"
    at.multiselect(key="leads.status").set_value(["accepted"]).run()
    assert list(at.dataframe[0].value["email"]) == ["alan@example.org"]
    at.button(key="leads.accepted.0").click().run()
    no_exception(at)
    assert any("grace" in s.value and "accepted" in s.value for s in at.success)
    assert {r["requestId"]: r["status"] for r in seeded.repos[FULL].access_requests}["r1"] == "accepted"
    (kept,) = jsonl_decisions().read()
    assert (kept.username, kept.decision, kept.outcome, kept.actor) == ("grace", "accepted", "done",
                                                                        "password holder")
    assert {m.label: m.value for m in at.metric}["Waiting for a decision"] == "0"  # read again


def test_a_reason_is_sent_with_a_rejection(seeded):
    _record(JsonlHistory(), FULL, "full")
    at = _unlock(_open(seeded, "app_pages/leads.py"))
    at.text_input(key="leads.reason.0").input("Please use a work address.").run()
    at.button(key="leads.rejected.0").click().run()
    no_exception(at)
    request = next(r for r in seeded.repos[FULL].access_requests if r["requestId"] == "r1")
    assert (request["status"], request["rejectionReason"]) == ("rejected", "Please use a work address.")


def test_a_landing_lead_and_a_hub_request_of_one_person_are_one_row(seeded, supabase):
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        db.execute("DELETE FROM leads")
        db.execute("DELETE FROM dataset_releases")
        db.execute("INSERT INTO leads (email, name, delivery_consent, marketing_consent, consent_version, space_id, "
                   "tier) VALUES ('GRACE@example.org', 'Grace', true, true, '2026-11-27', %s, 'eq-100')", (SPACE,))
    connections = {"supabase": {"url": supabase.url, "key": supabase.key("service_role")}}
    at = _open(seeded, "app_pages/releases.py", connections)  # the history is Supabase's now
    from services.hub.history import SupabaseHistory
    from services.supabase.client import connect
    from services.supabase.config import settings_from
    history = SupabaseHistory(connect(settings_from(connections["supabase"])))
    _record(history, FULL, "full")
    _record(history, SPACE, "eq-100", "space")
    at.switch_page("app_pages/leads.py").run()
    _unlock(at)
    no_exception(at)
    table = at.dataframe[0].value.set_index("email")
    assert table.loc["grace@example.org", "sources"] == f"{FULL} (pending); {SPACE} (landing)"
    assert table.loc["grace@example.org", "marketing_consent"] == "yes"
    assert supabase.key("service_role") not in page_text(at)


def test_traction_snapshots_accumulate_and_chart_with_the_release_marked(seeded):
    _record(JsonlHistory(), FULL, "full")
    at = _open(seeded, "app_pages/traction.py")
    no_exception(at)
    seeded.repos[FULL].downloads = 25
    at.button(key="traction.refresh").click().run()
    no_exception(at)
    kept = jsonl_store().read()
    assert [s.downloads for s in kept] == [10, 25] and kept[0].taken_at < kept[1].taken_at
    assert any("2 snapshot(s)" in c.value for c in at.caption)
    chart = at.get("vega_lite_chart")[0].proto
    spec = json.loads(chart.spec)
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["line", "rule", "text"]  # the series, and each release as a rule with its tag
    assert any(b"full v1" in d.data.data for d in chart.datasets)
    assert any("Views are not in the funnel" in c.value for c in at.caption)


def test_a_repo_that_cannot_be_read_is_never_counted_as_nobody(seeded):
    """Issue #20: the figures say they cover what could be read, and 'none waits' names the repos read."""
    seeded.repos[FULL].access_requests = []
    _record(JsonlHistory(), FULL, "full")
    _record(JsonlHistory(), "brightrun/gone", "preview")
    at = _unlock(_open(seeded, "app_pages/leads.py"))
    no_exception(at)
    assert any("brightrun/gone" in w.value and "was not found" in w.value for w in at.warning)
    captions = [c.value for c in at.caption]
    assert any("These figures count what could be read: 1 repo(s) read, 1 not" in c for c in captions)
    assert any("No request waits in the 1 repo(s) read; 1 could not be read" in c for c in captions)
    assert not any(c.startswith("No request waits for a decision") for c in captions)


def test_snapshots_that_cannot_be_read_are_not_shown_as_none(seeded, monkeypatch, tmp_path):
    folder = tmp_path / "traction.jsonl"
    folder.mkdir()  # a folder where the file should be: neither written nor read
    monkeypatch.setenv("STUDIO_TRACTION_FILE", str(folder))
    _record(JsonlHistory(), FULL, "full")
    at = _open(seeded, "app_pages/traction.py")
    no_exception(at)
    assert any("cannot be read" in e.value for e in at.error)
    captions = [c.value for c in at.caption]
    assert "No snapshot yet." not in captions and "Nothing measured yet." not in captions
    assert any("The stored snapshots could not be read" in c for c in captions)


def test_the_releases_page_shows_the_versions_side_by_side(seeded):
    from services.release.card.whats_new import ReleaseSummary

    v1 = ReleaseSummary(conversations=242, supervised_examples=731, personas={"a": 80}, arcs={"x": 242},
                        topics={"t": 242}, quality_avg=3.0)
    v2 = v1.model_copy(update={"conversations": 300, "supervised_examples": 905, "arcs": {"x": 250, "y": 50}})
    _record(JsonlHistory(), FULL, "full", summary=v1)
    _record(JsonlHistory(), FULL, "full", summary=v2, tag="v2")
    at = _open(seeded, "app_pages/releases.py")
    no_exception(at)
    versions = at.dataframe[1].value.set_index("figure")
    assert (versions.loc["conversations", "v1"], versions.loc["conversations", "v2"]) == (242, 300)
    assert (versions.loc["emotional arcs", "v1"], versions.loc["emotional arcs", "v2"]) == (1, 2)


def test_traction_shows_the_plans_targets_against_the_first_days(seeded):
    _record(JsonlHistory(), FULL, "full")
    at = _open(seeded, "app_pages/traction.py")
    no_exception(at)
    m = {x.label.split(" by ")[0]: x.value for x in at.metric}
    assert m["Leads"] == "2 of 30"  # the two access requests the Hub lists, against the plan's default target
    assert m["Downloads"] == "10 of 50"
