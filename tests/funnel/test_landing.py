"""The landing page: what it says, what its form asks, whose key it carries — and, in Chromium, a
lead that lands in the real `leads` table through PostgREST's `submit_lead` with the anon key."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from services.funnel.landing import CONSENT_VERSION, MARKETING_WORDING, LandingForm, landing_page
from services.marketing import kit
from services.release import tier_data
from services.release.errors import ReleaseError
from services.strategy import presets, sampling
from tests.support import jwt
from tests.support.browser import NEEDS_CHROMIUM, chromium_page
from tests.support.public_forms import clear, record_page


@pytest.fixture(scope="module")
def eq100(demo_dataset):
    plan = presets.preset_billboard()
    chosen = sampling.select_plan(demo_dataset, plan)
    data = tier_data.prepare_tier(demo_dataset, plan, chosen["eq-100"], with_image=False)
    rows = data.conversations.to_pylist()
    return data.facts, kit.excerpt_of(rows[0], "EQ-100", turns=2)


def _form(url: str = "http://127.0.0.1:1", key: str | None = None) -> LandingForm:
    return LandingForm(supabase_url=url, publishable_key=key or jwt.api_key("anon", "s" * 32),
                       privacy_url="https://brightrun.ai/privacy", space_id="brightrun/eq-100", tier="eq-100",
                       download="eq-100.zip", file_name="eq-100.zip")


def _page(eq100, form: LandingForm) -> str:
    facts, excerpt = eq100
    return landing_page("EQ-100", "A hundred training-ready examples.", "cc-by-4.0", facts, excerpt, form)


def test_the_page_says_what_the_file_holds_and_asks_consent_the_right_way(eq100):
    html = _page(eq100, _form())
    facts, excerpt = eq100
    assert f"{facts.supervised_examples:,} supervised examples in {facts.conversations:,} conversations" in html
    assert excerpt.persona in html
    assert re.search(r'<input type="email" name="email" required', html)
    delivery, marketing, contact = re.findall(r'<input type="checkbox" name="(\w+)"([^>]*)>', html)
    assert delivery == ("delivery_consent", " required")  # the point of the form
    assert marketing == ("marketing_consent", "")  # separate, optional, never ticked in advance
    assert contact == ("contact_consent", "")  # the feedback form's own consent, never ticked in advance
    assert '<textarea name="message" required maxlength="1000"' in html
    assert "checked" not in html and MARKETING_WORDING in html
    assert 'href="https://brightrun.ai/privacy"' in html and CONSENT_VERSION in html
    assert 'name="website"' in html  # the honeypot


def test_a_service_role_key_never_goes_into_a_public_page(eq100):
    with pytest.raises(ReleaseError, match="never carry a service-role key"):
        _page(eq100, _form(key=jwt.api_key("service_role", "s" * 32)))


def test_what_people_typed_is_escaped(eq100):
    facts, excerpt = eq100
    evil = excerpt.model_copy(update={"persona": "<script>alert(1)</script>"})
    html = landing_page("<b>EQ</b>", "x", "cc-by-4.0", facts, evil, _form())
    assert "<script>alert(1)" not in html and "&lt;b&gt;EQ&lt;/b&gt;" in html


@pytest.mark.browser
@NEEDS_CHROMIUM
def test_a_visitor_submits_the_form_and_the_lead_lands_unreadable_to_the_page(eq100, supabase, tmp_path: Path):
    clear(supabase.db_uri)
    record_page(supabase.url, supabase.key("service_role"), "brightrun/eq-100", "eq-100")
    page_file = tmp_path / "index.html"
    page_file.write_text(_page(eq100, _form(supabase.url, supabase.key("anon"))), encoding="utf-8")
    with chromium_page(900, 1400) as page:
        page.goto(f"{page_file.as_uri()}?utm_source=huggingface&utm_medium=dataset_card&utm_campaign=preview")
        page.fill("#lead input[name=email]", "not-an-email")
        page.check("#lead input[name=delivery_consent]")
        page.click("#lead button[type=submit]")
        assert page.locator("#result").inner_text() == "Please enter a valid email address."
        page.fill("#lead input[name=email]", "grace@example.org")
        page.fill("#lead input[name=name]", "Grace")
        page.check("#lead input[name=marketing_consent]")
        page.click("#lead button[type=submit]")
        page.locator("#download").wait_for(timeout=15_000)
        page.click("#lead button[type=submit]")  # twice: still one lead
        page.locator("#download").wait_for(timeout=15_000)
    with psycopg.connect(supabase.db_uri) as db:
        rows = db.execute("SELECT email, name, marketing_consent, consent_version, space_id, tier, utm_campaign "
                          "FROM leads").fetchall()
    assert rows == [("grace@example.org", "Grace", True, CONSENT_VERSION, "brightrun/eq-100", "eq-100", "preview")]


@pytest.mark.browser
@NEEDS_CHROMIUM
def test_a_visitor_suggests_what_comes_next_and_it_lands_unreadable_to_the_page(eq100, supabase, tmp_path: Path):
    """The landing Space's feedback form calls `submit_feedback` with the anon key; an email is kept only
    with its own box ticked."""
    clear(supabase.db_uri)
    record_page(supabase.url, supabase.key("service_role"), "brightrun/eq-100", "eq-100")
    page_file = tmp_path / "index.html"
    page_file.write_text(_page(eq100, _form(supabase.url, supabase.key("anon"))), encoding="utf-8")
    with chromium_page(900, 1600) as page:
        page.goto(page_file.as_uri())
        page.click("#feedback button[type=submit]")
        assert page.locator("#feedback-result").inner_text() == "Please write a suggestion first."
        page.fill("#feedback textarea[name=message]", "More Roth IRA Conversion conversations <b>please</b>")
        page.fill("#feedback input[name=email]", "ada@example.org")
        page.click("#feedback button[type=submit]")
        assert "Tick the box" in page.locator("#feedback-result").inner_text()
        page.check("#feedback input[name=contact_consent]")
        page.click("#feedback button[type=submit]")
        page.get_by_text("Thank you: we read every suggestion.").wait_for(timeout=15_000)
        page.fill("#feedback textarea[name=message]", "And a Spanish version.")
        page.click("#feedback button[type=submit]")
        page.wait_for_function("document.querySelector('#feedback textarea').value === ''", timeout=15_000)
    with psycopg.connect(supabase.db_uri) as db:
        rows = db.execute("SELECT message, email, contact_consent, consent_version, space_id, tier FROM feedback "
                          "ORDER BY created_at").fetchall()
    from services.strategy.consent import FEEDBACK_CONSENT_VERSION

    assert rows == [
        ("More Roth IRA Conversion conversations <b>please</b>", "ada@example.org", True, FEEDBACK_CONSENT_VERSION,
         "brightrun/eq-100", "eq-100"),
        ("And a Spanish version.", None, False, None, "brightrun/eq-100", "eq-100")]
