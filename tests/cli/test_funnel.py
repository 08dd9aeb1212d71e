"""`cli leads` and `cli traction snapshot` against the local Hub and the real PostgREST."""

from __future__ import annotations

import csv

import psycopg
import pytest

from services import cli
from services.hub.history import JsonlHistory, ReleaseRecord
from services.hub.snapshots import jsonl_store
from services.local_hub.state import Commit, Repo
from tests.conftest import HUB_TOKEN

FULL, SPACE = "brightrun/financial-eq-hybrid-full", "brightrun/financial-eq-billboard-eq-100"


@pytest.fixture
def hub(local_hub, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_TOKEN", HUB_TOKEN)
    monkeypatch.setenv("HF_ENDPOINT", local_hub.url)
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "history.jsonl"))
    monkeypatch.setenv("STUDIO_TRACTION_FILE", str(tmp_path / "traction.jsonl"))
    for name in ("SUPABASE_URL", "SUPABASE_KEY"):
        monkeypatch.delenv(name, raising=False)
    repo = Repo(id=FULL, gated="manual", downloads=12, downloads_all_time=30, likes=2)
    repo.commits.append(Commit("0" * 40, None, "initial commit", {}, "2026-11-27T08:00:00.000Z", "owner"))
    repo.access_requests = [
        {"requestId": f"r{i}", "status": "pending", "timestamp": f"2026-11-2{i}T10:00:00.000Z",
         "user": {"user": f"user{i}", "fullname": f"User {i}", "email": f"user{i}@example.org" if i != 3 else None},
         "fields": {}} for i in range(1, 6)]  # three pages of two
    repo.access_requests.append({"requestId": "hidden", "status": "accepted", "timestamp": "2026-11-20T10:00:00.000Z"})
    local_hub.repos[FULL] = repo
    space = Repo(id=SPACE, type="space", sdk="static", likes=1)
    space.commits.append(Commit("1" * 40, None, "initial commit", {}, "2026-11-27T08:00:00.000Z", "owner"))
    local_hub.spaces[SPACE] = space
    return local_hub


def _record(history, repo_id: str, tier: str, repo_type: str = "dataset") -> None:
    history.append(ReleaseRecord(actor="owner", tier=tier, repo_id=repo_id, repo_type=repo_type,
                                 outcome="published", tag="v1"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_leads_without_supabase_shows_the_hub_side_and_says_what_is_missing(hub, capsys, tmp_path):
    _record(JsonlHistory(), FULL, "full")
    code, out, err = run(capsys, "leads", "--csv", str(tmp_path / "leads.csv"))
    assert code == 0
    assert "user1@example.org" in out and "6 people from 1 repo(s) read" in out
    assert "landing-page leads are missing" in err
    rows = list(csv.DictReader((tmp_path / "leads.csv").open()))
    contacts = {r["hub_user"] or r["email"] or "?": r["contact"] for r in rows}
    assert contacts["user3"] == "username only" and contacts["?"] == "hidden"  # every page, nothing dropped


def test_leads_merges_a_person_from_the_hub_and_a_landing_page(hub, capsys, monkeypatch, supabase, tmp_path):
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        db.execute("DELETE FROM leads")
        db.execute("DELETE FROM dataset_releases")
        db.execute("INSERT INTO leads (email, name, delivery_consent, marketing_consent, consent_version, space_id, "
                   "tier) VALUES ('User1@Example.org', 'User One', true, true, '2026-11-27', %s, 'eq-100'), "
                   "('new@example.org', NULL, true, false, '2026-11-27', %s, 'eq-100')", (SPACE, SPACE))
    monkeypatch.setenv("SUPABASE_URL", supabase.url)
    monkeypatch.setenv("SUPABASE_KEY", supabase.key("service_role"))
    from services.cli import stores
    history = stores.records().history
    _record(history, FULL, "full")
    _record(history, SPACE, "eq-100", "space")
    code, _, err = run(capsys, "leads", "--csv", str(tmp_path / "leads.csv"))
    assert code == 0, err
    rows = {r["email"].lower(): r for r in csv.DictReader((tmp_path / "leads.csv").open()) if r["email"]}
    both = rows["user1@example.org"]
    assert both["status"] == "pending" and both["tiers"] == "full, eq-100" and both["marketing_consent"] == "yes"
    assert both["sources"] == f"{FULL} (pending); {SPACE} (landing)"
    assert rows["new@example.org"]["status"] == "landing"
    code, out, _ = run(capsys, "leads", "--repo-id", SPACE)
    assert code == 0 and "new@example.org" in out and "user2@example.org" not in out


def test_leads_for_a_repo_outside_the_history_reads_that_repo(hub, capsys):
    """Issue #20: a gated repo made by hand on the Hub has requests too; 'no leads' was said unread."""
    code, out, err = run(capsys, "leads", "--repo-id", FULL)  # the history is empty
    assert code == 0, err
    assert "user1@example.org" in out and "no leads" not in out
    assert f"{FULL} is not in the release history" in err


def test_leads_that_find_nobody_say_what_they_read(hub, capsys):
    hub.repos[FULL].access_requests = []
    code, out, _ = run(capsys, "leads", "--repo-id", FULL)
    assert code == 0 and out.startswith(f"no leads found: no access request on {FULL}; landing-page leads not read")
    code, out, err = run(capsys, "leads")  # nothing published: nothing on the Hub was read
    assert code == 0
    assert out.startswith("no leads found: no repo has been published (the release history in the local file ")
    assert "so no access request was read" in out and "Supabase is not configured" in err


def test_leads_for_a_repo_that_cannot_be_read_never_says_nobody_asked(hub, capsys, monkeypatch):
    code, out, err = run(capsys, "leads", "--repo-id", "brightrun/not-there")
    assert code == 1
    assert "no leads" not in out and out.startswith("nothing could be read: 1 repo(s) failed")
    assert "brightrun/not-there" in err and "was not found" in err
    monkeypatch.setenv("HF_TOKEN", "hf_" + "x" * 34)  # a token the Hub does not know
    code, out, err = run(capsys, "leads", "--repo-id", FULL)
    assert code == 1 and "no leads" not in out and "user1" not in out
    assert "token" in err and "hf_xxx" not in err


def test_traction_with_nothing_published_says_where_it_looked(hub, capsys):
    code, out, _ = run(capsys, "traction", "snapshot")
    assert code == 0
    assert out.startswith("no snapshot taken: the release history in the local file ")
    assert "holds no published repo" in out


def test_traction_snapshots_accumulate_one_per_repo_per_run(hub, capsys):
    _record(JsonlHistory(), FULL, "full")
    _record(JsonlHistory(), SPACE, "eq-100", "space")
    code, out, _ = run(capsys, "traction", "snapshot")
    assert code == 0 and f"{FULL} (dataset): downloads (30 days) 12, downloads (all time) 30" in out
    assert "access requests pending 5" in out and "2 snapshot(s) stored" in out
    hub.repos[FULL].downloads = 20
    assert run(capsys, "traction", "snapshot")[0] == 0
    kept = jsonl_store().read()
    assert [(s.repo_id, s.downloads) for s in kept if s.repo_type == "dataset"] == [(FULL, 12), (FULL, 20)]
    assert [s.landing_leads for s in kept if s.repo_type == "space"] == [None, None]  # no Supabase: unknown


def test_a_repo_that_cannot_be_read_is_said_and_the_others_still_snapshot(hub, capsys):
    _record(JsonlHistory(), FULL, "full")
    _record(JsonlHistory(), "brightrun/gone", "preview")
    code, out, err = run(capsys, "traction", "snapshot")
    assert code == 1 and "brightrun/gone" in err and "was not found" in err
    assert "1 snapshot(s) stored" in out and "Traceback" not in err
