"""The `feedback` table as the landing Space's feedback form meets it: anon may insert and nothing else.

Real parts: the migration applied to PostgreSQL, the real PostgREST behind the gateway, supabase-py
with the anon (publishable) key as the static page posts, and the service role reading back.
"""

from __future__ import annotations

import psycopg
import pytest
from postgrest.exceptions import APIError

from services.feedback.forms import SupabaseAnswers, landing_answers
from services.feedback.themes import index_for
from services.supabase.client import connect
from services.supabase.config import settings_from
from services.supabase.errors import SupabaseError

ANSWER = {"message": "More Roth IRA Conversion conversations, please, and in Spanish.", "space_id": "brightrun/eq-100",
          "tier": "eq-100"}


@pytest.fixture
def anon(supabase):
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        db.execute("DELETE FROM feedback")
    session = connect(settings_from({"url": supabase.url, "key": supabase.key("anon")}, backoff=0.05, timeout=5))
    yield session.client.table("feedback")
    session.close()


def _rows(supabase) -> list[tuple]:
    with psycopg.connect(supabase.db_uri) as db:
        return db.execute("SELECT message, email, contact_consent, space_id FROM feedback").fetchall()


def test_the_anon_key_adds_an_answer_and_cannot_read_change_or_delete_it(anon, supabase):
    anon.insert(ANSWER, returning="minimal").execute()
    assert _rows(supabase) == [(ANSWER["message"], None, False, "brightrun/eq-100")]
    for attempt in (lambda: anon.select("message").execute(),
                    lambda: anon.update({"message": "x"}).eq("tier", "eq-100").execute(),
                    lambda: anon.delete().eq("tier", "eq-100").execute()):
        with pytest.raises(APIError) as err:
            attempt()
        assert err.value.code == "42501"
    assert len(_rows(supabase)) == 1


def test_an_email_comes_only_with_its_consent_and_wording(anon, supabase):
    anon.insert({**ANSWER, "email": "ada@example.org", "contact_consent": True, "consent_version": "2026-12-05"},
                returning="minimal").execute()
    assert _rows(supabase)[0][1:3] == ("ada@example.org", True)


@pytest.mark.parametrize("change", [
    {"message": ""}, {"message": "   "}, {"message": "x" * 1001},
    {"email": "ada@example.org"},  # an address without the consent to use it
    {"email": "not-an-email", "contact_consent": True, "consent_version": "v1"},
    {"contact_consent": True},  # a consent without the wording it agreed to
    {"space_id": "x" * 201},
])
def test_what_the_form_must_hold_is_held_by_the_database(anon, supabase, change):
    with pytest.raises(APIError) as err:
        anon.insert({**ANSWER, **change}, returning="minimal").execute()
    assert err.value.code == "23514" and _rows(supabase) == []


def test_the_service_role_reads_answers_with_themes_and_the_anon_key_is_told_why_not(anon, supabase):
    anon.insert(ANSWER, returning="minimal").execute()
    index = index_for({"topic": [("roth_ira_conversion", "Roth IRA Conversion")]})
    service = connect(settings_from({"url": supabase.url, "key": supabase.key("service_role")}, backoff=0.05))
    (answer,) = landing_answers(SupabaseAnswers(service), index)
    assert (answer.source, answer.repo_id, answer.text) == ("landing", "brightrun/eq-100", ANSWER["message"])
    assert answer.themes == ["language", "roth_ira_conversion"]
    reader = connect(settings_from({"url": supabase.url, "key": supabase.key("anon")}, backoff=0.05, timeout=5))
    with pytest.raises(SupabaseError) as err:
        landing_answers(SupabaseAnswers(reader), index)
    assert "service role" in str(err.value)
    service.close()
    reader.close()
