"""The `feedback` table as the landing Space's feedback form meets it: with the anon key, one call of
`submit_feedback` adds one normalised row, and nothing else can be done.

Real parts: the migrations applied to PostgreSQL, the real PostgREST behind the gateway, the page's
requests as a script would send them, and the service role reading back.
"""

from __future__ import annotations

import pytest
from postgrest.exceptions import APIError

from services.feedback.forms import SupabaseAnswers, landing_answers
from services.feedback.themes import index_for
from services.supabase.client import connect
from services.supabase.config import settings_from
from services.supabase.errors import SupabaseError
from tests.support.public_forms import ANSWER, FEEDBACK_WITH_EMAIL, SPACE, TIER, call, clear, record_page, rows


@pytest.fixture
def stack(supabase):
    clear(supabase.db_uri)
    record_page(supabase.url, supabase.key("service_role"))
    return supabase


def _answer(stack, body):
    return call(stack.url, stack.key("anon"), "submit_feedback", body)


def test_the_anon_key_adds_an_answer_and_cannot_insert_read_change_or_delete(stack):
    assert _answer(stack, ANSWER).status_code == 204
    assert rows(stack.db_uri, "feedback") == [{"message": ANSWER["message"], "email": None, "contact_consent": False,
                                              "consent_version": None, "space_id": SPACE, "tier": TIER}]
    session = connect(settings_from({"url": stack.url, "key": stack.key("anon")}, backoff=0.05, timeout=5))
    table = session.client.table("feedback")
    for attempt in (lambda: table.insert({"message": "x", "space_id": SPACE, "tier": TIER},
                                         returning="minimal").execute(),
                    lambda: table.select("message").execute(),
                    lambda: table.update({"message": "x"}).eq("tier", TIER).execute(),
                    lambda: table.delete().eq("tier", TIER).execute()):
        with pytest.raises(APIError) as err:
            attempt()
        assert err.value.code == "42501"
    session.close()
    assert len(rows(stack.db_uri, "feedback")) == 1


def test_an_email_comes_only_with_its_consent_and_wording(stack):
    assert _answer(stack, FEEDBACK_WITH_EMAIL).status_code == 204
    (row,) = rows(stack.db_uri, "feedback")
    assert (row["email"], row["contact_consent"], row["consent_version"]) == (
        "ada@example.org", True, FEEDBACK_WITH_EMAIL["consent_version"])


def test_padding_is_not_stored(stack):
    """A message of one letter and a megabyte of whitespace of every kind is one letter."""
    padded = "x" + (" \t\u00a0\u2003\u3000\n" * 170_000) + "\u200b\u202e"
    assert _answer(stack, {**ANSWER, "message": padded}).status_code == 204
    assert rows(stack.db_uri, "feedback")[0]["message"] == "x"


@pytest.mark.parametrize("change", [
    {"message": ""}, {"message": " \u00a0\u2003\u200b "}, {"message": "x" * 1001},
    {"email": "ada@example.org"},  # an address without the consent to use it
    {"email": "not-an-email", "contact_consent": True, "consent_version": FEEDBACK_WITH_EMAIL["consent_version"]},
    {"contact_consent": True},  # a consent without the wording it agreed to
    {"contact_consent": True, "consent_version": "made-up"},
])
def test_what_the_form_must_hold_is_held_by_the_database(stack, change):
    answer = _answer(stack, {**ANSWER, **change})
    assert (answer.status_code, answer.json()["code"]) == (400, "22023")
    assert rows(stack.db_uri, "feedback") == []


def test_the_service_role_reads_answers_with_themes_and_the_anon_key_is_told_why_not(stack):
    _answer(stack, ANSWER)
    index = index_for({"topic": [("roth_ira_conversion", "Roth IRA Conversion")]})
    service = connect(settings_from({"url": stack.url, "key": stack.key("service_role")}, backoff=0.05))
    (answer,) = landing_answers(SupabaseAnswers(service), index)
    assert (answer.source, answer.repo_id, answer.text) == ("landing", SPACE, ANSWER["message"])
    assert answer.themes == ["language", "roth_ira_conversion"]
    reader = connect(settings_from({"url": stack.url, "key": stack.key("anon")}, backoff=0.05, timeout=5))
    with pytest.raises(SupabaseError) as err:
        landing_answers(SupabaseAnswers(reader), index)
    assert "service role" in str(err.value)
    service.close()
    reader.close()
