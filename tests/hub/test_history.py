"""Release history: the local JSON-lines file, and Supabase's dataset_releases table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.hub.history import JsonlHistory, ReleaseRecord, SupabaseHistory
from services.supabase.client import connect
from services.supabase.config import settings_from
from services.supabase.errors import SupabaseError


def record(minutes: int = 0, **kw) -> ReleaseRecord:
    base = {"actor": "owner@brightrun.example", "tier": "preview", "repo_id": "brightrun/eq-preview",
            "outcome": "published", "commit_sha": "a" * 40, "tag": "v1", "conversations": 30,
            "supervised_examples": 91, "overrides": ["pii overridden by owner: reviewed"],
            "released_at": datetime(2026, 11, 27, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes)}
    return ReleaseRecord(**{**base, **kw})


def test_jsonl_history_appends_and_reads_newest_first(tmp_path):
    history = JsonlHistory(tmp_path / "releases" / "history.jsonl")
    assert history.read() == []
    history.append(record(0))
    history.append(record(5, outcome="refused", tag=None, commit_sha=None, message="blocked"))
    got = history.read()
    assert [r.outcome for r in got] == ["refused", "published"]
    assert got[1] == record(0)


def test_a_torn_last_line_is_skipped(tmp_path):
    history = JsonlHistory(tmp_path / "h.jsonl")
    history.append(record(0))
    with history.path.open("a") as out:
        out.write('{"actor": "half a rec')
    assert history.read() == [record(0)]


def test_the_path_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "elsewhere.jsonl"))
    assert JsonlHistory().path == tmp_path / "elsewhere.jsonl"


def test_supabase_history_through_the_migrated_table(supabase):
    session = connect(settings_from({"url": supabase.url, "key": supabase.key("authenticated")}))
    history = SupabaseHistory(session)
    before = len(history.read())
    history.append(record(0, repo_id="brightrun/history-test"))
    history.append(record(1, repo_id="brightrun/history-test", outcome="up_to_date"))
    mine = [r for r in history.read() if r.repo_id == "brightrun/history-test"]
    assert len(history.read()) == before + 2
    assert [r.outcome for r in mine] == ["up_to_date", "published"]
    assert mine[1].overrides == ["pii overridden by owner: reviewed"] and mine[1].tag == "v1"


def test_supabase_history_refuses_the_anon_key_in_words(supabase):
    session = connect(settings_from({"url": supabase.url, "key": supabase.key("anon")}, retries=0))
    with pytest.raises(SupabaseError) as err:
        SupabaseHistory(session).append(record(0))
    assert err.value.finding.code == "no_permission" and "permission denied" in str(err.value)
    assert supabase.key("anon") not in str(err.value)


def test_the_viewer_s_release_is_a_dataset_repo_never_a_landing_space():
    from services.hub.history import latest_published, published_repos

    space = record(2, repo_id="brightrun/eq-100").model_copy(update={"tier": "eq-100", "repo_type": "space"})
    dataset = record(1, repo_id="brightrun/eq-100-data").model_copy(update={"tier": "eq-100"})
    assert latest_published([space, dataset], "eq-100") == dataset
    assert latest_published([space], "eq-100") is None
    assert [(r.repo_id, r.repo_type) for r in published_repos([dataset, space])] == [
        ("brightrun/eq-100", "space"), ("brightrun/eq-100-data", "dataset")]
