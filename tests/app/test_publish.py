"""Publish, Releases and Traction pages through AppTest, against the local Hub."""

from __future__ import annotations

import psycopg
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import TIMEOUT, no_exception
from tests.app.test_supabase import page_text
from tests.conftest import HUB_TOKEN
from tests.support import jwt
from tests.support.hub_faults import Fault, inject
from tests.support.oidc_provider import oidc_provider
from tests.support.streamlit_server import ROOT

PASSWORD = "correct horse battery"
REPO = "brightrun/financial-eq-billboard-preview"  # the Billboard preset's default for its preview tier


@pytest.fixture
def open_publish(local_hub, monkeypatch, tmp_path):
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "history.jsonl"))
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "HF_TOKEN", "HF_ENDPOINT", "STUDIO_PUBLISH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()

    def open_(token: str | None = HUB_TOKEN, access: dict | None = None, user: dict | None = None,
              sandbox: bool | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        if sandbox is not None:
            at.session_state["hub.sandbox"] = sandbox
        at.secrets["HF_ENDPOINT"] = local_hub.url
        if token:
            at.secrets["HF_TOKEN"] = token
        if access is None:
            access = {"publishing": {"password": PASSWORD}}
        for key, value in access.items():
            at.secrets[key] = value
        if user is not None:
            at.user = user
        at.run()
        at.switch_page("app_pages/publish.py").run()
        return at

    yield open_
    st.cache_data.clear()
    st.cache_resource.clear()


def go(at: AppTest) -> AppTest:
    return at.button(key="publish.preview.go")


def unlock(at: AppTest, password: str = PASSWORD) -> AppTest:
    at.text_input(key="access.password").input(password)
    at.button[[b.label for b in at.button].index("Unlock publishing")].click().run()
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_without_a_token_and_the_sandbox_off_the_release_is_shown_against_nothing(open_publish, local_hub):
    at = open_publish(token=None, sandbox=False)
    no_exception(at)
    assert any("No Hub is in use" in i.value and "HF_TOKEN" in i.value and "Sandbox" in i.value for i in at.info)
    files = {r["file"]: r["bytes"] for r in at.dataframe[0].value.to_dict("records")}
    assert {"README.md", "release.json", "data/conversations.parquet", "data/training_pairs.parquet"} <= set(files)
    assert all(size > 0 for size in files.values())
    assert metrics(at)["Added"] == str(len(files)) and metrics(at)["Changed"] == "0"
    assert any("Financial" in m.value for m in at.markdown)  # the card's preview
    assert any("Publishing needs a Hub" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "publish.preview.go"]
    assert local_hub.requests == []  # nothing asked of any Hub


def test_the_dry_run_is_the_default_view_and_publishing_is_off_without_access(open_publish, local_hub):
    at = open_publish(access={})
    no_exception(at)
    assert any("Acting as **owner**" in c.value and "can write" in c.value for c in at.caption)
    assert metrics(at)["Added"] == "5" and metrics(at)["Unchanged"] == "0"
    assert any("Nobody may do this yet" in i.value for i in at.info)
    assert go(at).disabled
    assert local_hub.repos == {}  # nothing sent but the card, to ask the Hub whether it is valid
    assert local_hub.count("POST", "/api/") == local_hub.count("POST", "/api/validate-yaml")
    assert HUB_TOKEN not in page_text(at)


def test_a_wrong_password_does_not_unlock(open_publish):
    at = unlock(open_publish(), "guess")
    no_exception(at)
    assert any("Wrong password" in e.value for e in at.error)
    assert go(at).disabled


def test_the_owner_publishes_and_the_release_is_recorded(open_publish, local_hub):
    at = unlock(open_publish())
    assert not go(at).disabled
    go(at).click().run()
    no_exception(at)
    assert any(f"**{REPO}** is published" in s.value and "tag **v1**" in s.value for s in at.success)
    files = local_hub.files(REPO)
    assert {"README.md", "data/conversations.parquet", "data/training_pairs.parquet", "release.json"} <= set(files)
    assert local_hub.repos[REPO].tags.keys() == {"v1"}
    assert metrics(at)["Unchanged"] == "5"  # the dry run is run again against the new head

    go(at).click().run()
    assert any("is already up to date" in s.value for s in at.success)
    assert len(local_hub.repos[REPO].commits) == 2

    at.switch_page("app_pages/releases.py").run()
    no_exception(at)
    table = at.dataframe[0].value
    assert list(table["outcome"]) == ["up to date", "published"]
    assert list(table["repo"]) == [REPO, REPO] and list(table["tag"]) == ["v1", "v1"]
    assert table["by"].iloc[0] == "password holder via owner"

    local_hub.repos[REPO].downloads = 42
    at.switch_page("app_pages/traction.py").run()
    no_exception(at)
    assert metrics(at)["Downloads (30 days)"] == "42"
    assert HUB_TOKEN not in page_text(at)


def test_a_fault_publishes_nothing_and_says_so(open_publish, local_hub):
    at = unlock(open_publish())
    inject(local_hub, Fault(prefix=f"/api/datasets/{REPO}/commit", status=500, times=10))
    go(at).click().run()
    no_exception(at)
    assert any("Nothing was published" in e.value and "HTTP 500" in e.value for e in at.error)
    assert len(local_hub.repos[REPO].commits) == 1  # only the Hub's initial commit of the new, private repo
    assert local_hub.repos[REPO].private is True
    at.switch_page("app_pages/releases.py").run()
    assert list(at.dataframe[0].value["outcome"]) == ["failed"]


def test_a_hub_that_moved_since_the_dry_run_stops_the_publish(open_publish, local_hub):
    at = unlock(open_publish())
    go(at).click().run()  # v1
    at.run()  # a fresh dry run against v1
    repo = local_hub.repos[REPO]
    from services.local_hub.state import Commit
    repo.commits.append(Commit("f" * 40, repo.head.oid, "someone else", {**repo.head.files, "x.txt": b"x"},
                               "2026-11-27T10:00:00.000Z", "someone"))
    before = len(repo.commits)
    at.text_input(key="publish.preview.message").input("a second release").run()
    go(at).click().run()
    assert any("moved since the dry run" in e.value for e in at.error)
    assert len(repo.commits) == before


def test_login_gives_publishing_to_verified_owners_only(open_publish):
    """The page's logic with `st.user` set by AppTest (the real sign-in is tests/browser/test_sign_in.py)."""
    with oidc_provider({}) as provider:
        auth = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s", "client_id": "c",
                "client_secret": "x", "server_metadata_url": provider.metadata_url}
        access = {"auth": auth, "publishing": {"allowed_emails": ["owner@brightrun.example"]},
                  "access": {"marketing": ["mark@brightrun.example"]}}
        at = open_publish(access=access, user={"is_logged_in": False})
        assert any(b.label == "Log in" for b in at.button) and go(at).disabled
        assert any("Sign in to publish: it needs the owner role." in i.value for i in at.info)
        at = open_publish(access=access, user={"is_logged_in": True, "email": "intern@brightrun.example",
                                                "email_verified": True})
        assert any("intern@brightrun.example has no role here" in e.value for e in at.error) and go(at).disabled
        at = open_publish(access=access, user={"is_logged_in": True, "email": "owner@brightrun.example"})
        assert any("has not verified owner@brightrun.example" in e.value for e in at.error) and go(at).disabled
        at = open_publish(access=access, user={"is_logged_in": True, "email": "mark@brightrun.example",
                                                "email_verified": True})
        assert any("Publish needs the owner role" in i.value for i in at.info) and go(at).disabled
        assert any(b.label == "Log out" for b in at.sidebar.button)
        at = open_publish(access=access, user={"is_logged_in": True, "email": "owner@brightrun.example",
                                                "email_verified": True})
        no_exception(at)
        assert not go(at).disabled
        broken = {**access, "auth": {k: v for k, v in auth.items() if k != "cookie_secret"}}
        at = open_publish(access=broken, user={"is_logged_in": False})
        no_exception(at)
        assert any("Sign-in is configured but cannot work" in e.value and "`cookie_secret`" in e.value
                   for e in at.error)
        assert not any(b.label == "Log in" for b in at.button)


def test_the_owners_journey_in_apptest(open_publish, local_hub, demo_dataset):
    at = open_publish()
    at.switch_page("app_pages/strategy.py").run()
    at.segmented_control(key="strategy.preset").set_value("hybrid").run()
    at.segmented_control(key="strategy.preset").set_value("billboard").run()
    no_exception(at)
    sample = demo_dataset.columns.conversation_id[0]
    at.query_params["conversation"] = sample
    at.switch_page("app_pages/samples.py").run()
    no_exception(at)
    assert len(at.chat_message) >= 4
    at.switch_page("app_pages/card.py").run()
    assert any("passes every check" in s.value for s in at.success)
    at.switch_page("app_pages/publish.py").run()
    assert metrics(at)["Added"] == "5"
    unlock(at)
    go(at).click().run()
    no_exception(at)
    assert local_hub.repos[REPO].tags.keys() == {"v1"}
    at.switch_page("app_pages/releases.py").run()
    assert list(at.dataframe[0].value["outcome"]) == ["published"]


def test_with_supabase_configured_releases_go_to_dataset_releases(open_publish, local_hub, supabase):
    import psycopg

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["HF_ENDPOINT"] = local_hub.url
    at.secrets["HF_TOKEN"] = HUB_TOKEN
    at.secrets["publishing"] = {"password": PASSWORD}
    at.secrets["connections"] = {"supabase": {"url": supabase.url, "key": supabase.key("authenticated")}}
    at.run()
    at.switch_page("app_pages/publish.py").run()
    unlock(at)
    go(at).click().run()
    no_exception(at)
    assert not at.warning or all("history" not in w.value for w in at.warning)
    with psycopg.connect(supabase.db_uri) as db:
        rows = db.execute("SELECT outcome, tag, repo_id FROM dataset_releases WHERE repo_id = %s", (REPO,)).fetchall()
    assert rows == [("published", "v1", REPO)]
    at.switch_page("app_pages/releases.py").run()
    assert any("Supabase table `dataset_releases`" in c.value for c in at.caption)
    assert REPO in set(at.dataframe[0].value["repo"])


def test_a_bad_token_is_an_error_on_the_page_without_the_token(open_publish):
    at = open_publish(token="hf_wrong_token_value")
    no_exception(at)
    assert any("The Hub token does not work" in e.value and "check HF_TOKEN" in e.value for e in at.error)
    assert "hf_wrong_token_value" not in page_text(at)


def test_the_dry_run_lists_the_check_report(open_publish):
    at = open_publish()
    checks = next(t.value for t in at.dataframe if "check" in t.value.columns)
    assert "personal data" in " ".join(checks["check"]).lower() and set(checks["status"]) <= {"pass", "warn"}


def test_an_unreachable_hub_is_not_called_a_bad_token(open_publish, local_hub):
    """Issue #12: with the Hub unreachable, the page said "The Hub token does not work"."""
    inject(local_hub, Fault(prefix="/api/whoami-v2", drop=True, times=10))
    at = open_publish()
    no_exception(at)
    errors = [e.value for e in at.error]
    assert any("The Hub cannot be reached right now; the token was not checked" in e for e in errors), errors
    assert not any("token does not work" in e for e in errors)


SPACE = "brightrun/financial-eq-billboard-eq-100"  # the Billboard preset's id for its download tier


def test_a_download_tier_goes_out_as_its_landing_space(open_publish, local_hub, supabase):
    at = open_publish()
    at.segmented_control(key="publish.tier").set_value("eq-100").run()
    no_exception(at)
    assert any("publishable_key" in i.value and "service-role key never" in i.value for i in at.info)
    at.secrets["connections"] = {"supabase": {"url": "https://leads.brightrun.ai",
                                              "publishable_key": jwt.api_key("anon", "s" * 32)}}
    at.run()
    no_exception(at)
    assert any("privacy notice" in e.value for e in at.error)  # the page cannot link what the plan lacks
    at.session_state["plan.current"] = at.session_state["plan.current"].model_copy(
        update={"privacy_url": "https://brightrun.ai/privacy"})
    at.run()
    no_exception(at)
    assert metrics(at)["Added"] == "3"
    gating = at.selectbox(key="publish.eq-100.gating")
    assert gating.value == "off" and gating.disabled  # a landing Space is never gated
    assert any("download gate is an open link behind a form, not a lock" in c.value for c in at.caption)
    unlock(at)
    # Without the service role, the page could not be recorded and its form would refuse every visitor.
    assert at.button(key="publish.eq-100.go").disabled
    assert any("service-role key" in w.value for w in at.warning)
    at.secrets["connections"] = {"supabase": {"url": supabase.url, "key": supabase.key("service_role"),
                                              "publishable_key": supabase.key("anon")}}
    at.run()
    no_exception(at)
    at.button(key="publish.eq-100.go").click().run()
    no_exception(at)
    with psycopg.connect(supabase.db_uri) as db:
        assert db.execute("SELECT space_id, tier, retired_at FROM landing_pages WHERE space_id = %s",
                          (SPACE,)).fetchall() == [(SPACE, "eq-100", None)]
    space = local_hub.spaces[SPACE]
    assert space.sdk == "static" and {"index.html", "README.md", "eq-100.zip"} <= set(space.head.files)
    done = next(s.value for s in at.success if "is published" in s.value)
    assert f"{local_hub.url}/spaces/{SPACE}" in done and "/collections/" in done
