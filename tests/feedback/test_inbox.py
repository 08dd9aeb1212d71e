"""The inbox read from the test Hub through the real client: every human thread, unanswered first,
bots left out and counted, a deleted account and a hidden comment read truthfully, themes, likers
seen once, and a repo that cannot be read said as such, never as 'no feedback'."""

from __future__ import annotations

from datetime import UTC, datetime

from services.feedback import likers
from services.feedback.inbox import NO_SUPABASE, read_inbox
from services.feedback.settings import FeedbackSettings
from services.hub import api as hub_api
from services.hub.history import PublishedRepo
from services.local_hub.rules import rate_limit_headers
from services.local_hub.shapes import comment_event
from tests.support.feedback_landscape import FULL, SPACE
from tests.support.hub_faults import Fault, inject


def _read(hub_settings, published, index, only=None, store=None, options=None):
    return read_inbox(hub_api.client(hub_settings), hub_settings, published, None, options or FeedbackSettings(),
                      index, only, store)


def test_every_human_thread_unanswered_first_oldest_first(landscape, hub_settings, published, index):
    read = _read(hub_settings, published, index)
    threads = read.threads()
    assert [(t.repo_id, t.num, t.answered) for t in threads] == [
        (FULL, 1, False), (FULL, 4, False), (SPACE, 1, False), (FULL, 2, True)]
    assert read.automated() == 1 and {r.repo_id: r.automated for r in read.repos} == {FULL: 1, SPACE: 0}
    deleted = next(t for t in threads if t.num == 4 and t.repo_id == FULL)
    assert deleted.author == "deleted"
    hidden = deleted.comments[1]
    assert hidden.hidden and hidden.text == "" and hidden.author == "troll"
    assert read.notes == [NO_SUPABASE]


def test_themes_and_their_words(landscape, hub_settings, published, index):
    read = _read(hub_settings, published, index)
    first = read.threads()[0]
    assert first.themes == ["language", "more data", "roth_ira_conversion"]
    assert {m.theme: m.words for m in first.matches}["roth_ira_conversion"] == ["roth ira conversion"]
    assert "anxious_planner" in read.threads()[1].themes  # named in the body of a thread with a hostile title
    counted = {t.theme: t.count for t in read.themes}
    assert counted["roth_ira_conversion"] == 1 and counted["license"] == 1
    assert counted["format/training"] == 1  # the access form's answer: 'LoRA fine-tuning'


def test_the_gate_forms_free_text_is_read_and_consent_is_not(landscape, hub_settings, published, index):
    read = _read(hub_settings, published, index)
    assert [(a.source, a.repo_id, a.text) for a in read.form_answers] == [
        ("hub_gate", FULL, "Use case: LoRA fine-tuning for a budgeting coach")]
    assert "erin" not in read.model_dump_json()  # who answered stays on the Leads page


def test_a_team_handle_answers_a_thread(landscape, hub_settings, published, index):
    landscape.repos[FULL].discussions[0]["events"].append(comment_event("elena", "Noted!", "2026-11-21T12:00:00.000Z"))
    read = _read(hub_settings, published, index, options=FeedbackSettings(team_handles=["@Elena"]))
    assert next(t for t in read.threads() if t.num == 1 and t.repo_id == FULL).answered


def test_likers_are_seen_once_with_when(landscape, hub_settings, published, index, tmp_path):
    store = likers.jsonl_sightings(tmp_path / "likers.jsonl")
    read = _read(hub_settings, published, index, store=store)
    assert {r.repo_id: r.likers for r in read.repos} == {FULL: ["ada", "carol", "dan"], SPACE: ["frank"]}
    first = {(s.repo_id, s.username): s.first_seen for s in store.read()}
    assert len(first) == 4
    _read(hub_settings, published, index, store=store)
    assert {(s.repo_id, s.username): s.first_seen for s in store.read()} == first  # not seen anew
    later = likers.record(store, read.repos, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert all(s.first_seen < datetime(2030, 1, 1, tzinfo=UTC) for s in later)


def test_a_repo_that_cannot_be_read_says_so_and_the_others_are_read(landscape, hub_settings, published, index):
    repos = [*published, PublishedRepo(repo_id="brightrun/gone", repo_type="dataset", tier="preview")]
    read = _read(hub_settings, repos, index)
    gone = next(r for r in read.repos if r.repo_id == "brightrun/gone")
    assert gone.error is not None and "was not found" in gone.error and gone.threads == [] and gone.likes is None
    assert len(read.threads()) == 4


def test_a_rate_limit_is_said_per_repo(landscape, hub_settings, published, index):
    inject(landscape, Fault(f"/api/datasets/{FULL}/discussions", status=429, headers=rate_limit_headers(240),
                           times=10))
    read = _read(hub_settings, published, index)
    full = next(r for r in read.repos if r.repo_id == FULL)
    assert "rate-limiting" in full.error and "try again after" in full.error
    assert [t.repo_id for t in read.threads()] == [SPACE]


def test_exactly_the_repo_named_even_outside_the_history(landscape, hub_settings, index):
    read = _read(hub_settings, [], index, only=SPACE)
    assert [r.repo_id for r in read.repos] == [SPACE] and read.repos[0].repo_type == "space"
    assert any("not in the release history" in n for n in read.notes)
