"""The landing pages the studio records: in Supabase with the service role (and a key that may not is
told why), in the sandbox's file; recorded before a landing Space goes out, closed again when it does
not; listed and retired from the command line."""

from __future__ import annotations

import psycopg
import pytest

from services import cli
from services.funnel.landing_pages import (
    NO_REGISTRY,
    JsonlLandingPages,
    LandingPage,
    LandingRegistration,
    SupabaseLandingPages,
    page_of,
)
from services.hub import api as hub_api
from services.hub import flow
from services.hub.dry_run import dry_run
from services.hub.history import JsonlHistory
from services.hub.publish import PublishOptions
from services.supabase.client import connect
from services.supabase.config import settings_from
from services.supabase.errors import SupabaseError
from tests.support.hub_faults import Fault, inject
from tests.support.public_forms import clear

SPACE = "brightrun/eq-100-landing"
FILES = {"index.html": b"<!doctype html><title>EQ-100</title>", "README.md": b"---\nsdk: static\n---\n"}


def test_the_service_role_records_lists_and_retires_a_page(supabase):
    clear(supabase.db_uri)
    session = connect(settings_from({"url": supabase.url, "key": supabase.key("service_role")}, backoff=0.05))
    store = SupabaseLandingPages(session)
    store.record(LandingPage(space_id=SPACE, tier="eq-100"))
    assert [(p.space_id, p.tier, p.open) for p in store.pages()] == [(SPACE, "eq-100", True)]
    assert store.retire(SPACE) and not store.retire(SPACE) and not store.retire("brightrun/never")
    assert page_of(store, SPACE).open is False
    store.record(LandingPage(space_id=SPACE, tier="eq-100"))  # published again: open again
    assert page_of(store, SPACE).open
    session.close()


def test_a_key_that_may_not_record_pages_is_told_why(supabase):
    session = connect(settings_from({"url": supabase.url, "key": supabase.key("anon")}, backoff=0.05, timeout=5))
    with pytest.raises(SupabaseError, match="service role only"):
        SupabaseLandingPages(session).record(LandingPage(space_id=SPACE, tier="eq-100"))
    with pytest.raises(SupabaseError, match="service role only"):
        SupabaseLandingPages(session).pages()
    session.close()


def _attempt(local_hub, hub_settings, tmp_path, registration):
    api = hub_api.client(hub_settings)
    options = PublishOptions(repo_id=SPACE, repo_type="space", commit_message="Release eq-100")
    seen = dry_run(api, hub_settings, SPACE, FILES, "space")
    return flow.attempt(api, hub_settings, FILES, flow.ReleaseContext(tier="eq-100"), options, seen, "owner",
                        JsonlHistory(tmp_path / "history.jsonl"), precondition=registration)


def test_a_landing_space_is_recorded_before_it_goes_out(local_hub, hub_settings, tmp_path):
    store = JsonlLandingPages(tmp_path / "landing-pages.jsonl")
    out = _attempt(local_hub, hub_settings, tmp_path, LandingRegistration(store, LandingPage(space_id=SPACE,
                                                                                              tier="eq-100")))
    assert out.result is not None and SPACE in local_hub.spaces
    assert page_of(store, SPACE).open


def test_a_first_publish_that_fails_leaves_its_page_closed(local_hub, hub_settings, tmp_path):
    store = JsonlLandingPages(tmp_path / "landing-pages.jsonl")
    inject(local_hub, Fault(prefix=f"/api/spaces/{SPACE}/commit", status=500, times=10))
    out = _attempt(local_hub, hub_settings, tmp_path, LandingRegistration(store, LandingPage(space_id=SPACE,
                                                                                              tier="eq-100")))
    assert out.result is None and out.record.outcome == "failed"
    assert page_of(store, SPACE).open is False  # recorded, then closed: nothing can be submitted to it


def test_without_a_registry_a_landing_space_does_not_go_out(local_hub, hub_settings, tmp_path):
    out = _attempt(local_hub, hub_settings, tmp_path, LandingRegistration(None, LandingPage(space_id=SPACE,
                                                                                             tier="eq-100")))
    assert out.result is None and out.error_code == "no_landing_registry" and NO_REGISTRY in out.error
    assert SPACE not in local_hub.spaces


def test_the_command_line_lists_and_retires_pages(supabase, monkeypatch, capsys):
    clear(supabase.db_uri)
    monkeypatch.setenv("SUPABASE_URL", supabase.url)
    monkeypatch.setenv("SUPABASE_KEY", supabase.key("service_role"))
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        db.execute("INSERT INTO landing_pages (space_id, tier, consent_version, feedback_consent_version) "
                   "VALUES (%s, 'eq-100', 'v1', 'f1')", (SPACE,))
    assert cli.main(["landing-pages"]) == 0
    assert f"{SPACE}  tier eq-100  wording v1 / feedback f1" in capsys.readouterr().out
    assert cli.main(["landing-pages", "retire", SPACE]) == 0
    assert "takes no more submissions" in capsys.readouterr().out
    assert cli.main(["landing-pages", "retire", SPACE]) == 2
    assert "no open landing page" in capsys.readouterr().err
    with psycopg.connect(supabase.db_uri) as db:
        assert db.execute("SELECT retired_at IS NOT NULL FROM landing_pages").fetchone() == (True,)
    monkeypatch.delenv("SUPABASE_URL")
    monkeypatch.delenv("SUPABASE_KEY")
    assert cli.main(["landing-pages"]) == 2
    assert "service-role key" in capsys.readouterr().err
