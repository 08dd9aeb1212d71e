"""The `leads` table as the landing page meets it: with the anon key, one call of `submit_lead` adds one
honest row, and nothing else can be done.

Real parts: the migrations applied to PostgreSQL, the real PostgREST behind the gateway (which passes
X-Forwarded-For on as Supabase's does), the page's requests as a script would send them.
"""

from __future__ import annotations

import psycopg
import pytest
from postgrest.exceptions import APIError

from services.supabase.client import connect
from services.supabase.config import settings_from
from tests.support.public_forms import LEAD, SPACE, TIER, call, clear, record_page, rows


@pytest.fixture
def stack(supabase):
    clear(supabase.db_uri)
    record_page(supabase.url, supabase.key("service_role"))
    return supabase


def _lead(stack, body, **kwargs):
    return call(stack.url, stack.key("anon"), "submit_lead", body, **kwargs)


def test_one_call_adds_one_row_whose_id_and_time_the_database_sets(stack):
    answer = _lead(stack, LEAD)
    assert (answer.status_code, answer.content) == (204, b"")
    (row,) = rows(stack.db_uri, "leads")
    assert row == {"email": "ada@example.com", "name": "Ada", "role": "Research", "marketing_consent": False,
                   "consent_version": LEAD["consent_version"], "space_id": SPACE, "tier": TIER,
                   "utm_source": "huggingface", "utm_medium": None, "utm_campaign": None}
    with psycopg.connect(stack.db_uri) as db:
        age = db.execute("SELECT now() - created_at FROM leads").fetchone()[0]
    assert 0 <= age.total_seconds() < 60


@pytest.mark.parametrize("forged", [{"id": "00000000-0000-4000-8000-000000000000"},
                                    {"created_at": "1999-01-01T00:00:00Z"}, {"created_at": "2099-01-01T00:00:00Z"},
                                    {"email_key": "someone@else.org"}])
def test_a_forged_column_is_no_argument_of_the_function(stack, forged):
    answer = _lead(stack, {**LEAD, **forged})
    assert answer.status_code == 404 and answer.json()["code"] == "PGRST202"
    assert rows(stack.db_uri, "leads") == []


def test_the_anon_key_can_neither_insert_read_change_nor_delete(stack):
    _lead(stack, LEAD)
    session = connect(settings_from({"url": stack.url, "key": stack.key("anon")}, backoff=0.05, timeout=5))
    table = session.client.table("leads")
    for attempt in (lambda: table.insert({k: v for k, v in LEAD.items() if k != "website"},
                                         returning="minimal").execute(),
                    lambda: table.select("email").execute(),
                    lambda: table.update({"marketing_consent": True}).eq("tier", TIER).execute(),
                    lambda: table.delete().eq("tier", TIER).execute(),
                    lambda: session.client.table("landing_pages").select("*").execute()):
        with pytest.raises(APIError) as err:
            attempt()
        assert err.value.code == "42501"
    session.close()
    assert [r["marketing_consent"] for r in rows(stack.db_uri, "leads")] == [False]


def test_the_first_submission_of_an_address_for_a_tier_stands(stack):
    assert _lead(stack, LEAD).status_code == 204
    replay = {**LEAD, "email": " ADA@example.com\u00a0", "tier": "eq-100 ", "marketing_consent": True}
    assert _lead(stack, replay).status_code == 204  # the same answer: a visitor never learns an address is known
    assert [(r["email"], r["marketing_consent"]) for r in rows(stack.db_uri, "leads")] == [("ada@example.com", False)]


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"email": "not-an-email"}, 400, "22023"),
    ({"email": "a@b.c" + "x" * 260}, 400, "22023"),
    ({"delivery_consent": False}, 400, "22023"),  # no delivery without consent: what the form is for
    ({"consent_version": "2099-01-01"}, 400, "22023"),  # not the wording this page shows
    ({"role": "Chief Executive Hacker"}, 400, "22023"),  # not one the page offers
    ({"space_id": "brightrun/made-up"}, 410, "PT410"),  # a page the studio never published
    ({"tier": "full"}, 410, "PT410"),  # not the page's tier
])
def test_what_the_form_must_hold_is_held_by_the_database(stack, change, status, code):
    answer = _lead(stack, {**LEAD, **change})
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert rows(stack.db_uri, "leads") == []


def test_a_retired_page_takes_nothing(stack):
    with psycopg.connect(stack.db_uri, autocommit=True) as db:
        db.execute("UPDATE landing_pages SET retired_at = now()")
    assert _lead(stack, LEAD).status_code == 410
    assert rows(stack.db_uri, "leads") == []
