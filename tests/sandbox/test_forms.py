"""The sandbox's form endpoints answer as the production tables behind the real PostgREST do.

Every row below is posted twice, as the landing page posts it (fetch with the publishable key and
`Prefer: return=minimal`): to the real PostgREST over the migrated PostgreSQL, with the anon key,
and to the sandbox. The statuses and PostgreSQL error codes must be the same: a stand-in kinder
than the real table would hide a broken form until it met Supabase.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import psycopg
import pytest

from services.sandbox.runtime import PUBLISHABLE_KEY, open_sandbox
from services.strategy.consent import CONSENT_VERSION

LEAD = {"email": "ada@example.com", "name": "Ada", "role": "Researcher", "delivery_consent": True,
        "marketing_consent": False, "consent_version": CONSENT_VERSION, "space_id": "brightrun/eq-100",
        "tier": "eq-100", "utm_source": "hf", "utm_medium": None, "utm_campaign": None}
ANSWER = {"message": "More Roth IRA conversations", "email": None, "contact_consent": False,
          "consent_version": None, "space_id": "brightrun/eq-100", "tier": "eq-100"}
LEAD_CASES = [
    {},
    {"email": "not-an-address"},
    {"email": None},
    {"delivery_consent": False},
    {"consent_version": ""},
    {"consent_version": "x" * 41},
    {"name": "n" * 201},
    {"tier": "t" * 61},
    {"favourite_colour": "blue"},
]
ANSWER_CASES = [
    {},
    {"message": "   "},
    {"message": "m" * 1001},
    {"email": "ada@example.com"},  # an address without its consent
    {"email": "ada@example.com", "contact_consent": True, "consent_version": "2026-12-05.1"},
    {"contact_consent": True},  # a consent without the wording it agreed to
    {"email": "nope", "contact_consent": True, "consent_version": "v"},
    {"extra": 1},
]


def _post(url: str, key: str, row: dict) -> tuple[int, str | None]:
    request = urllib.request.Request(url, data=json.dumps(row).encode(), method="POST", headers={
        "apikey": key, "Authorization": f"Bearer {key}", "Content-Type": "application/json",
        "Prefer": "return=minimal"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}").get("code")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    return open_sandbox(tmp_path_factory.mktemp("forms") / "sandbox", port=0, story=False)


@pytest.fixture
def both(supabase, sandbox):
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        db.execute("DELETE FROM leads")
        db.execute("DELETE FROM feedback")
    return supabase, sandbox


@pytest.mark.parametrize("change", LEAD_CASES, ids=lambda c: ",".join(c) or "valid")
def test_a_lead_meets_the_same_rules(both, change):
    supabase, sandbox = both
    row = {**LEAD, **change}
    real = _post(f"{supabase.url}/rest/v1/leads", supabase.key("anon"), row)
    assert _post(f"{sandbox.url}/rest/v1/leads", PUBLISHABLE_KEY, row) == real


@pytest.mark.parametrize("change", ANSWER_CASES, ids=lambda c: ",".join(c) or "valid")
def test_a_suggestion_meets_the_same_rules(both, change):
    supabase, sandbox = both
    row = {**ANSWER, **change}
    real = _post(f"{supabase.url}/rest/v1/feedback", supabase.key("anon"), row)
    assert _post(f"{sandbox.url}/rest/v1/feedback", PUBLISHABLE_KEY, row) == real


def test_what_is_accepted_is_kept_and_read_back_as_leads_and_answers(sandbox):
    before = len(sandbox.lead_log.read())
    assert _post(f"{sandbox.url}/rest/v1/leads", PUBLISHABLE_KEY, LEAD) == (201, None)
    assert _post(f"{sandbox.url}/rest/v1/feedback", PUBLISHABLE_KEY, ANSWER) == (201, None)
    leads = sandbox.records.leads.read_leads()
    assert len(leads) == before + 1 and any(lead.email == "ada@example.com" for lead in leads)
    assert any(a.message == ANSWER["message"] for a in sandbox.records.answers.read_answers())


def test_without_the_publishable_key_nothing_is_kept(sandbox):
    before = len(sandbox.lead_log.read())
    status, _ = _post(f"{sandbox.url}/rest/v1/leads", "sb_publishable_someone_else", LEAD)
    assert status == 401 and len(sandbox.lead_log.read()) == before
