"""The `leads` table as the landing page meets it: the anon key adds a lead and can do nothing else.

Real parts: the migration applied to PostgreSQL, the real PostgREST behind the gateway, supabase-py
with the project's anon (publishable) key, as a static page would post.
"""

from __future__ import annotations

import psycopg
import pytest
from postgrest.exceptions import APIError

from services.supabase.client import connect
from services.supabase.config import settings_from

LEAD = {"email": "Ada@Example.com", "name": "Ada", "role": "Research", "delivery_consent": True,
        "marketing_consent": False, "consent_version": "2026-11-27", "space_id": "brightrun/eq-100",
        "tier": "eq-100", "utm_source": "huggingface", "utm_medium": "dataset_card", "utm_campaign": "preview"}


@pytest.fixture
def anon(supabase):
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        db.execute("DELETE FROM leads")
    session = connect(settings_from({"url": supabase.url, "key": supabase.key("anon")}, backoff=0.05, timeout=5))
    yield session.client.table("leads")
    session.close()


def _rows(supabase) -> list[tuple]:
    with psycopg.connect(supabase.db_uri) as db:
        return db.execute("SELECT email, marketing_consent, consent_version, tier, utm_campaign FROM leads").fetchall()


def test_the_anon_key_adds_a_lead_and_cannot_read_it_back(anon, supabase):
    anon.insert(LEAD, returning="minimal").execute()
    assert _rows(supabase) == [("Ada@Example.com", False, "2026-11-27", "eq-100", "preview")]
    with pytest.raises(APIError) as err:  # no select grant: the table is not the page's to read
        anon.select("email").execute()
    assert err.value.code == "42501"


def test_anon_can_neither_change_nor_delete_a_lead(anon, supabase):
    anon.insert(LEAD, returning="minimal").execute()
    for attempt in (lambda: anon.update({"marketing_consent": True}).eq("tier", "eq-100").execute(),
                    lambda: anon.delete().eq("tier", "eq-100").execute()):
        with pytest.raises(APIError) as err:
            attempt()
        assert err.value.code == "42501"
    assert _rows(supabase)[0][1] is False


def test_a_second_submission_is_not_a_second_lead(anon, supabase):
    anon.insert(LEAD, returning="minimal").execute()
    anon.insert({**LEAD, "email": "ada@example.com", "marketing_consent": True}, returning="minimal").execute()
    assert len(_rows(supabase)) == 1  # the same person, the same tier; the page answers the same
    anon.insert({**LEAD, "tier": "full"}, returning="minimal").execute()
    assert len(_rows(supabase)) == 2


@pytest.mark.parametrize(("change", "code"), [
    ({"email": "not-an-email"}, "23514"),  # CHECK: the email's shape
    ({"email": "a@b.c" + "x" * 260}, "23514"),  # CHECK: its length
    ({"delivery_consent": False}, "42501"),  # the insert policy: no delivery without consent
    ({"consent_version": ""}, "23514"),
])
def test_what_the_form_must_hold_is_held_by_the_database(anon, supabase, change, code):
    with pytest.raises(APIError) as err:
        anon.insert({**LEAD, **change}, returning="minimal").execute()
    assert err.value.code == code and _rows(supabase) == []
