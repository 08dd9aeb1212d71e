"""Every page out of the box: with no secrets the sandbox is on, labelled, and every page shows what it
does on its seeded story; a tier publishes to it from the Publish page; a reset starts it over; a
token moves the pages to the real Hub without mixing the two worlds' records."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from services.sandbox import runtime
from tests.app.conftest import TIMEOUT, no_exception
from tests.conftest import HUB_TOKEN
from tests.support.streamlit_server import ROOT

BANNER = "Sandbox — nothing leaves this machine"
# page → what it must show beyond notices: (metrics it names, at least this many tables, at least this many charts)
PAGES = {
    "overview": ({"Conversations", "Training pairs"}, 0, 1),
    "coverage": (set(), 0, 1),
    "quality": (set(), 0, 1),
    "strategy": (set(), 1, 1),
    "samples": (set(), 1, 0),
    "card": (set(), 0, 0),
    "publish": ({"Added", "Changed", "Unchanged"}, 2, 0),
    "releases": ({"Published", "Repos"}, 2, 0),
    "leads": ({"People", "Waiting for a decision"}, 1, 0),
    "traction": ({"Downloads (30 days)"}, 1, 1),
    "feedback": ({"Threads", "Likers", "Form answers"}, 1, 1),
    "next_batch": ({"Conversations", "Cost"}, 1, 1),
}


def _open(page: str, secrets: dict | None = None, sandbox: bool | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if sandbox is not None:
        at.session_state["hub.sandbox"] = sandbox
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    return at


def _charts(at: AppTest) -> int:
    return len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_what_it_does_with_no_secrets(page):
    at = _open(page)
    no_exception(at)
    assert any(BANNER in m.value for m in at.markdown), "the sandbox banner"
    metrics, tables, charts = PAGES[page]
    shown = {m.label for m in at.metric}
    assert metrics <= shown, shown
    assert len(at.dataframe) + len(at.table) >= tables
    assert _charts(at) >= charts
    assert not [i.value for i in at.info if "not configured" in i.value]  # never only a notice


def test_the_seeded_story_fills_the_funnel_pages():
    releases = {m.label: m.value for m in _open("releases").metric}
    assert int(releases["Published"]) >= 6 and releases["Repos"] == "3"
    leads = _open("leads")
    people = leads.dataframe[0].value
    assert len(people) >= 40 and people["email"].str.endswith("@example.com").all()
    traction = _open("traction")
    assert any("Downloads" in m.label and int(m.value.split()[0].replace(",", "")) > 0 for m in traction.metric)


@pytest.fixture
def own_sandbox(tmp_path, monkeypatch):
    """A sandbox of this test alone (publishing and resetting must not change the other tests' story)."""
    monkeypatch.setenv("STUDIO_SANDBOX_DIR", str(tmp_path / "sandbox"))
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "real" / "history.jsonl"))
    st.cache_data.clear()
    yield runtime.ready_sandbox()
    st.cache_data.clear()


def test_publish_a_tier_to_the_sandbox_see_it_on_releases_then_reset(own_sandbox, tmp_path):
    at = _open("publish")
    no_exception(at)
    assert any("the **sandbox Hub**" in c.value and "sandbox-owner" in c.value and "token" not in c.value
               for c in at.caption)
    assert any("acts without a sign-in or password" in c.value for c in at.caption)  # and says why
    go = at.button(key="publish.preview.go")
    assert not go.disabled
    go.click().run()
    no_exception(at)
    done = next(s.value for s in at.success if "published" in s.value)
    assert "is published" in done and "tag **v3**" in done and "Open it on the sandbox Hub" in done
    assert set(own_sandbox.hub.repos["brightrun/financial-eq-billboard-preview"].tags) == {"v1", "v2", "v3"}
    assert not (tmp_path / "real").exists()  # the real history never saw it
    at.switch_page("app_pages/releases.py").run()
    assert {m.label: m.value for m in at.metric}["Published"] == "7"
    at.button(key="hub.sandbox.ask").click().run()
    at.button(key="hub.sandbox.reset").click().run()
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Published"] == "6"
    assert "hub.sandbox.reset" not in {b.key for b in at.button}
    assert "hub.sandbox.ask" in {b.key for b in at.button}  # the question went away with the answer
    assert "v3" not in own_sandbox.hub.repos["brightrun/financial-eq-billboard-preview"].tags


def test_with_a_token_the_real_hub_is_used_and_each_world_keeps_its_records(own_sandbox, local_hub):
    secrets = {"HF_TOKEN": HUB_TOKEN, "HF_ENDPOINT": local_hub.url}
    at = _open("releases", secrets)
    no_exception(at)
    assert not any(BANNER in m.value for m in at.markdown)
    assert any(local_hub.url in c.value for c in at.caption)  # the sidebar says which Hub
    assert any("Nothing has been published yet" in i.value for i in at.info)  # the real history is empty
    at.toggle(key="hub.sandbox").set_value(True).run()
    assert any(BANNER in m.value for m in at.markdown)
    assert {m.label: m.value for m in at.metric}["Published"] == "6"  # the sandbox's own history
    at.toggle(key="hub.sandbox").set_value(False).run()
    assert any("Nothing has been published yet" in i.value for i in at.info)  # back, unmixed
