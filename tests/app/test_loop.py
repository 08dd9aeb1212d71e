"""Feedback and Next batch pages through AppTest: the inbox from the test Hub (unanswered first, bots
left out, hidden text never shown), a reply behind the guard that makes the thread read answered, and
the next batch on the demo data with its reasons, heatmap and download."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from services.hub.history import JsonlHistory, ReleaseRecord
from tests.app.conftest import TIMEOUT, no_exception
from tests.app.test_supabase import page_text
from tests.conftest import HUB_TOKEN
from tests.support.feedback_landscape import FULL, SPACE
from tests.support.streamlit_server import ROOT

PASSWORD = "correct horse battery"


@pytest.fixture
def released(landscape, monkeypatch, tmp_path):
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "history.jsonl"))
    monkeypatch.setenv("STUDIO_LIKERS_FILE", str(tmp_path / "likers.jsonl"))
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "HF_TOKEN", "HF_ENDPOINT", "STUDIO_PUBLISH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for repo_id, tier, kind in ((FULL, "full", "dataset"), (SPACE, "eq-100", "space")):
        JsonlHistory().append(ReleaseRecord(actor="owner", tier=tier, repo_id=repo_id, repo_type=kind,
                                            outcome="published", tag="v1"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield landscape
    st.cache_data.clear()
    st.cache_resource.clear()


def _open(hub, page: str, token: bool = True, sandbox: bool | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if sandbox is not None:
        at.session_state["hub.sandbox"] = sandbox
    if token:
        at.secrets["HF_ENDPOINT"] = hub.url
        at.secrets["HF_TOKEN"] = HUB_TOKEN
    at.secrets["publishing"] = {"password": PASSWORD}
    at.run()
    at.switch_page(page).run()
    return at


def test_the_inbox_lists_human_threads_unanswered_first_with_counts(released):
    at = _open(released, "app_pages/feedback.py")
    no_exception(at)
    m = {x.label: x.value for x in at.metric}
    assert (m["Threads"], m["Unanswered"], m["Likers"], m["Form answers"]) == ("4", "3", "4", "1")
    labels = [e.label.replace("\\", "") for e in at.expander if "#" in e.label]
    assert labels[0].startswith(f"Unanswered · {FULL} #1 · Great data")  # unanswered, oldest first
    assert labels[-1].startswith(f"Answered · {FULL} #2")  # the answered thread last
    assert any("automated thread" in c.value for c in at.caption)
    text = page_text(at)
    assert "spam spam" not in text  # a hidden comment's text never reaches the page
    assert "A hidden comment" in text
    assert HUB_TOKEN not in text


def test_filters_keep_what_they_say(released):
    at = _open(released, "app_pages/feedback.py")
    at.segmented_control(key="feedback.answered").set_value("Answered").run()
    no_exception(at)
    assert [e.label.split(" · ")[0] for e in at.expander if "#" in e.label] == ["Answered"]
    at.segmented_control(key="feedback.answered").set_value(None).run()
    at.multiselect(key="feedback.themes").set_value(["license"]).run()
    assert len([e for e in at.expander if "#" in e.label]) == 1


def test_a_reply_from_the_page_lands_and_the_thread_reads_answered(released):
    at = _open(released, "app_pages/feedback.py")
    at.text_input(key="access.password").input(PASSWORD)
    at.button[[b.label for b in at.button].index("Unlock publishing")].click().run()
    key = f"feedback.reply.{FULL}.1"
    at.text_area(key=f"{key}.text").input("Thanks! A **Roth** set is next.")
    at.button(key=f"{key}.send").click().run()  # not confirmed: said, shown, and nothing posted
    assert any("Tick the box" in w.value for w in at.warning) and any("**Roth**" in m.value for m in at.markdown)
    assert next(t for t in released.repos[FULL].discussions if t["num"] == 1)["events"][-1]["data"]["latest"][
        "raw"] != "Thanks! A **Roth** set is next."
    at.text_area(key=f"{key}.text").input("Thanks! A **Roth** set is next.")
    at.checkbox(key=f"{key}.confirm").check()
    at.button(key=f"{key}.send").click().run()  # one click sends the words and the confirmation together
    no_exception(at)
    assert any(f"Replied on {FULL} #1" in s.value for s in at.success)
    events = next(t for t in released.repos[FULL].discussions if t["num"] == 1)["events"]
    assert events[-1]["data"]["latest"]["raw"] == "Thanks! A **Roth** set is next."
    assert {x.label: x.value for x in at.metric}["Unanswered"] == "2"


def test_without_a_token_and_the_sandbox_off_the_page_says_how(released):
    at = _open(released, "app_pages/feedback.py", token=False, sandbox=False)
    no_exception(at)
    assert any("The Hub is not configured" in i.value and "Sandbox" in i.value for i in at.info)


def test_without_a_token_the_inbox_is_the_sandboxs_story(released):
    """No token: the sandbox is on, and the inbox reads its seeded threads (never the tests' Hub)."""
    at = _open(released, "app_pages/feedback.py", token=False)
    no_exception(at)
    assert any("nothing leaves this machine" in m.value for m in at.markdown)
    m = {x.label: x.value for x in at.metric}
    assert int(m["Threads"]) >= 5 and int(m["Form answers"]) >= 5
    assert any("is a Spanish set planned?" in t.value for t in at.text)  # a seeded thread, shown as text
    answers = next(d.value for d in at.dataframe if "answer" in d.value.columns)  # themes by name, not key
    themes = {th for cell in answers["themes"] for th in cell.split(", ") if th}
    assert themes and not any("_" in th for th in themes), themes
    assert any("→" in th or " " in th for th in themes)  # an arc's or a topic's name, as people read it


def test_next_batch_on_the_demo_covers_the_empty_arcs_and_offers_the_body(released):
    at = _open(released, "app_pages/next_batch.py", token=False)
    no_exception(at)
    m = {x.label: x.value for x in at.metric}
    assert (m["Conversations"], m["Cost"]) == ("24", "$10.80")
    reasons = at.table[0].value  # a table that wraps, so every reason is read whole
    for arc in ("Fear → Confidence", "Grief → Rebuilding", "Resentment → Understanding"):  # names, not keys
        assert any(f"arc {arc} has 0 conversations" in why for why in reasons["why"])
    assert not any("`" in why or "_" in why for why in reasons["why"])  # no raw markup, no key
    assert set(reasons["persona"]) <= {"Jennifer Martinez", "Marcus Chen", "David Chen"}
    body = json.loads(next(c.value for c in at.code if c.language == "json"))
    assert len(body["parameterSets"]) == 24
    assert any("curl -X POST" in c.value for c in at.code) and at.get("download_button")  # the body, offered
    at.number_input(key="next_batch.total").set_value(6).run()
    assert {x.label: x.value for x in at.metric}["Conversations"] == "6"


def test_next_batch_lifts_what_the_live_feedback_asks_for(released):
    at = _open(released, "app_pages/next_batch.py")
    no_exception(at)
    assert any("the Feedback page's live read" in c.value for c in at.caption)
    reasons = at.table[0].value
    assert any("topic Roth IRA Conversion asked for in 1 thread" in why for why in reasons["why"])


def test_next_batch_plans_over_supabases_scaffolding_tables(supabase, monkeypatch):
    """With Supabase configured, the cells and ids come from its tables (the demo data stays the source)."""
    for name in ("SUPABASE_URL", "SUPABASE_KEY", "HF_TOKEN", "HF_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["connections"] = {"supabase": {"url": supabase.url, "key": supabase.key()}}
    at.run()
    at.switch_page("app_pages/next_batch.py").run()
    no_exception(at)
    assert any("Cells from Supabase's scaffolding tables" in c.value for c in at.caption)
    import psycopg

    with psycopg.connect(supabase.db_uri) as db:
        persona_ids = {str(i) for (i,) in db.execute("SELECT id FROM personas")}
    body = json.loads(next(c.value for c in at.code if c.language == "json"))
    assert {s["parameters"]["persona_id"] for s in body["parameterSets"]} <= persona_ids
    st.cache_data.clear()
    st.cache_resource.clear()


def test_next_batch_without_ids_offers_no_body_and_says_how_to_get_them(tmp_path, small_export):
    """An export of one's own, no scaffolding file, no Supabase: the picks are shown, the body is not."""
    from tests.support.exports import export_bytes

    path = tmp_path / "training.json"
    path.write_bytes(export_bytes(small_export))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.radio(key="source.kind").set_value("path").run()
    at.text_input(key="source.path").set_value(str(path)).run()
    at.switch_page("app_pages/next_batch.py").run()
    no_exception(at)
    assert len(at.table[0].value) == 24  # the batch is chosen and explained
    assert any("No body to send" in e.value and "has no id in the scaffolding" in e.value for e in at.error)
    assert not [b for b in at.get("download_button")] and not [c for c in at.code if c.language == "json"]
