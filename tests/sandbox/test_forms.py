"""The sandbox's form endpoints: what they keep is read back as leads and answers, only with the
sandbox's publishable key, only for a landing page the sandbox published and has not retired.

That they refuse what production refuses, call for call, is tests/funnel/test_public_forms.py.
"""

from __future__ import annotations

import pytest

from services.funnel.landing_pages import LandingPage
from services.funnel.submission import TryWindow
from services.sandbox.runtime import PUBLISHABLE_KEY, ready_sandbox
from tests.support.public_forms import ANSWER, LEAD, SPACE, TIER, call


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    box = ready_sandbox(tmp_path_factory.mktemp("forms") / "sandbox", port=0, story=False)
    box.landing_pages.record(LandingPage(space_id=SPACE, tier=TIER))
    return box


@pytest.fixture(autouse=True)
def _fresh_window(sandbox):
    sandbox.hub.extension.forms.window = TryWindow()


def test_what_is_accepted_is_kept_and_read_back_as_leads_and_answers(sandbox):
    before = len(sandbox.lead_log.read())
    assert call(sandbox.url, PUBLISHABLE_KEY, "submit_lead", LEAD).status_code == 204
    assert call(sandbox.url, PUBLISHABLE_KEY, "submit_feedback", ANSWER).status_code == 204
    leads = sandbox.records.leads.submitted()
    assert len(leads) == before + 1 and any(lead.email == "ada@example.com" for lead in leads)
    assert any(a.message == ANSWER["message"] for a in sandbox.records.answers.submitted())


def test_without_the_publishable_key_nothing_is_kept(sandbox):
    before = len(sandbox.lead_log.read())
    answer = call(sandbox.url, "sb_publishable_someone_else", "submit_lead", {**LEAD, "email": "eve@example.com"})
    assert answer.status_code == 401 and len(sandbox.lead_log.read()) == before


def test_a_retired_page_takes_nothing_and_a_page_published_again_does(sandbox):
    other = "brightrun/financial-eq-hybrid-eq-100"
    sandbox.landing_pages.record(LandingPage(space_id=other, tier=TIER))
    lead = {**LEAD, "space_id": other, "email": "grace@example.org"}
    assert sandbox.landing_pages.retire(other) and not sandbox.landing_pages.retire(other)
    assert call(sandbox.url, PUBLISHABLE_KEY, "submit_lead", lead).status_code == 410
    sandbox.landing_pages.record(LandingPage(space_id=other, tier=TIER))
    assert call(sandbox.url, PUBLISHABLE_KEY, "submit_lead", lead).status_code == 204
    assert any(x.space_id == other for x in sandbox.lead_log.read())


def test_the_forms_answer_any_origin_as_supabase_does(sandbox):
    answer = call(sandbox.url, PUBLISHABLE_KEY, "submit_feedback", ANSWER, headers={"Origin": "http://evil.example"})
    assert answer.status_code == 204 and answer.headers["access-control-allow-origin"] == "*"
