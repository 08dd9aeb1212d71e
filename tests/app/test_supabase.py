"""The Supabase source on the pages, through AppTest, against the local Supabase of real parts."""

from __future__ import annotations

import psycopg
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import TIMEOUT, no_exception
from tests.support.streamlit_server import ROOT


def page_text(at: AppTest) -> str:
    """Everything a user can read on the page, sidebar included."""
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "subheader", "metric"):
        for element in getattr(at, kind):
            parts.append(str(getattr(element, "value", "")) + str(getattr(element, "label", "")))
    for table in at.dataframe:
        parts.append(table.value.to_csv())
    return "\n".join(parts)


@pytest.fixture
def open_supabase(supabase, monkeypatch):
    """Open the app with `[connections.supabase]` in its secrets and the Supabase source chosen."""
    monkeypatch.delenv("SUPABASE_URL", raising=False)
    monkeypatch.delenv("SUPABASE_KEY", raising=False)
    st.cache_resource.clear()  # st.connection is a cached resource: each test brings its own key
    st.cache_data.clear()

    def open_(key: str | None = None, page: str | None = None, configured: bool = True) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        if configured:
            at.secrets["connections"] = {"supabase": {"url": supabase.url, "key": key or supabase.key()}}
        at.run()
        if page:
            at.switch_page(page).run()
        at.sidebar.radio(key="source.kind").set_value("supabase").run()
        return at

    yield open_
    st.cache_resource.clear()
    st.cache_data.clear()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_not_configured_says_how(open_supabase):
    at = open_supabase(configured=False)
    no_exception(at)
    assert any("Supabase is not configured" in i.value for i in at.sidebar.info)
    assert any("[connections.supabase]" in m.value and "SUPABASE_URL" in m.value for m in at.sidebar.markdown)
    assert any("Supabase is not configured" in i.value for i in at.main.info)
    at.switch_page("app_pages/supabase.py").run()
    no_exception(at)
    assert any("[connections.supabase]" in m.value for m in at.main.markdown)


def test_a_training_file_loads_into_the_same_pages(open_supabase, supabase):
    at = open_supabase()
    no_exception(at)
    picker = at.sidebar.selectbox(key="supabase.file")
    assert [o.split(" — ")[0] for o in picker.options] == [
        "Q4 Release", "Pilot Set", "Drifted Export", "Lost Export"]
    assert metrics(at)["Conversations"] == "242"
    assert metrics(at)["Training pairs"] == f"{supabase.facts.files['release'].pairs:,}"
    assert any("agree on every point checked" in s.value for s in at.success)
    assert any("key role `service_role`" in c.value for c in at.sidebar.caption)
    for page in ("app_pages/coverage.py", "app_pages/quality.py", "app_pages/strategy.py", "app_pages/samples.py"):
        at.switch_page(page).run()
        no_exception(at)
        assert not at.main.error, [e.value for e in at.main.error]


def test_a_drifted_file_shows_the_consistency_panel_and_findings(open_supabase, supabase):
    at = open_supabase()
    at.sidebar.selectbox(key="supabase.file").set_value(supabase.facts.files["drifted"].id).run()
    no_exception(at)
    assert metrics(at)["Conversations"] == "30"
    assert any("disagree on 4 of 6 points" in w.value for w in at.warning)
    panel = next(t.value for t in at.dataframe if "database says" in t.value.columns)
    assert list(panel["what"]) == ["conversations", "training pairs", "personas distribution",
                                   "emotional arcs distribution", "training topics distribution",
                                   "member conversations"]
    assert list(panel.loc[panel["what"] == "conversations", ["database says", "JSON holds"]].iloc[0]) == ["32", "30"]
    findings = at.dataframe[0].value
    assert (findings["code"] == "supabase_metadata_mismatch").sum() == 4


def test_a_missing_json_is_an_error_on_the_page(open_supabase, supabase):
    at = open_supabase()
    at.sidebar.selectbox(key="supabase.file").set_value(supabase.facts.files["lost"].id).run()
    no_exception(at)
    assert any("Supabase could not be read" in e.value and "object not found" in e.value for e in at.main.error)


def test_the_anon_key_is_told_why_it_sees_nothing(open_supabase, supabase):
    key = supabase.key("anon")
    at = open_supabase(key)
    no_exception(at)
    assert any("row level security" in e.value for e in at.main.error)
    assert any("row level security" in e.value for e in at.sidebar.error)
    assert key not in page_text(at)


def test_a_bad_key_is_refused_without_being_shown(open_supabase, supabase):
    key = supabase.key(lifetime=-3600)
    at = open_supabase(key)
    no_exception(at)
    assert any("the key was refused (it has expired)" in e.value for e in at.main.error)
    assert key not in page_text(at)


def test_a_slow_server_times_out_with_a_message(open_supabase, supabase):
    from tests.support.supabase_gateway import Fault
    supabase.gateway.inject(Fault(prefix="/rest/v1/training_files", delay=3, times=10))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["connections"] = {"supabase": {"url": supabase.url, "key": supabase.key(), "timeout": 0.5,
                                              "retries": 1, "backoff": 0.1}}
    at.run()
    at.sidebar.radio(key="source.kind").set_value("supabase").run()
    no_exception(at)
    assert any("no answer within 0.5 s (tried 2 times)" in e.value for e in at.main.error)


def test_all_conversations_load_on_request(open_supabase, supabase):
    at = open_supabase()
    at.sidebar.radio(key="supabase.mode").set_value("conversations").run()
    no_exception(at)
    assert any("2,600 conversations in the table, 320 with content" in c.value for c in at.sidebar.caption)
    assert any("Load the conversations' content" in i.value for i in at.main.info)
    assert supabase.gateway.count("/storage/v1/object/conversation-files") == 0  # nothing fetched yet
    at.sidebar.button(key="supabase.load_content").click().run()
    no_exception(at)
    assert metrics(at)["Conversations"] == "320"
    assert supabase.gateway.count("/storage/v1/object/conversation-files") == 320


def test_the_supabase_page_lists_files_and_conversations(open_supabase, supabase):
    """The figures count every conversation (in PostgreSQL); the table lists the newest 1,000 to preview."""
    at = open_supabase(page="app_pages/supabase.py")
    no_exception(at)
    files, conversations = at.dataframe[0].value, at.dataframe[2].value  # [1]: the consistency panel
    assert list(files["name"]) == ["Q4 Release", "Pilot Set", "Drifted Export", "Lost Export"]
    assert supabase.facts.conversations > 1000 and len(conversations) == 1000
    assert metrics(at)["Conversations"] == f"{supabase.facts.conversations:,}"
    assert metrics(at)["With content (enriched)"] == "320"
    assert any(f"The newest 1,000 of {supabase.facts.conversations:,} conversations" in c.value for c in at.caption)
    newest = conversations["created_at"].min()
    with psycopg.connect(supabase.db_uri) as db:
        (older,) = db.execute("SELECT count(*) FROM conversations WHERE created_at > %s", (newest,)).fetchone()
    assert older <= 1000  # nothing newer than the listed rows was left out
    assert any("agree on every point checked" in s.value for s in at.success)  # the loaded file's panel


def test_the_supabase_page_switches_the_source(open_supabase, supabase):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["connections"] = {"supabase": {"url": supabase.url, "key": supabase.key()}}
    at.run()
    at.switch_page("app_pages/supabase.py").run()
    assert at.sidebar.radio(key="source.kind").value == "demo"
    at.button(key="supabase_page.use").click().run()
    no_exception(at)
    assert at.sidebar.radio(key="source.kind").value == "supabase"
    assert any("agree on every point checked" in s.value for s in at.success)
