"""Issue #13's "done when", with real parts end to end: the Billboard and Hybrid presets published to
the local Hub; the preview's card links the live landing Space; a visitor fills in its form in
Chromium and the lead lands in PostgreSQL through the real PostgREST; the Leads page shows that lead
beside the Hybrid repo's access request; the Traction page shows two snapshots with the release marked."""

from __future__ import annotations

import csv
import io
import re
import urllib.request

import psycopg
import pytest
from playwright.sync_api import Page

from services import cli
from services.strategy.consent import MARKETING_FIELD
from tests.conftest import HUB_TOKEN
from tests.support.browser import BROWSER, assert_no_exception, chromium_page, open_page, wait_until_idle
from tests.support.streamlit_server import streamlit_app

pytestmark = BROWSER
PASSWORD = "funnel password"
PRIVACY = "https://brightrun.ai/privacy"
PREVIEW = "brightrun/financial-eq-billboard-preview"
SPACE = "brightrun/financial-eq-billboard-eq-100"
HYBRID = "brightrun/financial-eq-hybrid-full"


def _metric(page: Page, label: str) -> str:
    return page.locator('[data-testid="stMetric"]', has_text=label).locator(
        '[data-testid="stMetricValue"]').inner_text()


@pytest.fixture
def published(local_hub, supabase, monkeypatch, tmp_path):
    """Both presets published through `cli publish`, the same flow as the Publish page."""
    with psycopg.connect(supabase.db_uri, autocommit=True) as db:
        for table in ("leads", "dataset_releases", "traction_snapshots", "access_decisions"):
            db.execute(f"DELETE FROM {table}")
    for name, value in {"HF_TOKEN": HUB_TOKEN, "HF_ENDPOINT": local_hub.url, "SUPABASE_URL": supabase.url,
                        "SUPABASE_KEY": supabase.key("service_role"),
                        "SUPABASE_PUBLISHABLE_KEY": supabase.key("anon")}.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "release"
    privacy = ["--privacy-url", PRIVACY, "--no-image"]
    assert cli.main(["bundle", "demo", "--preset", "billboard", "--out", str(out), *privacy]) == 0
    assert cli.main(["bundle", "demo", "--preset", "hybrid", "--out", str(out / "hybrid"), *privacy]) == 0
    for release in (out / "preview", out / "eq-100.zip", out / "hybrid" / "full"):
        assert cli.main(["publish", str(release)]) == 0
    return out


def test_a_lead_from_the_live_landing_page_meets_a_hub_request_on_the_leads_page(
        published, local_hub, supabase, tmp_path, artifacts):
    card = local_hub.repos[PREVIEW].head.files["README.md"].decode()
    link = re.search(r"More examples: \[[^\]]*\]\(([^)]+)\)", card).group(1)
    assert link == (f"{local_hub.url}/spaces/{SPACE}?utm_source=huggingface&utm_medium=dataset_card"
                    "&utm_campaign=preview")
    hybrid = local_hub.repos[HYBRID]
    assert hybrid.gated == "auto"
    hybrid.access_requests.append({  # what the Hub lists after someone sends the Hybrid repo's access form
        "requestId": "alan", "status": "accepted", "timestamp": "2026-11-27T09:00:00.000Z",
        "user": {"user": "alan", "fullname": "Alan T", "email": "alan@example.org"},
        "fields": {"Company": "Bletchley", "Role or use case": "Research", MARKETING_FIELD: "No"}})

    with chromium_page(1200, 1600) as page:
        page.goto(link)  # the card's call to action, as a visitor follows it
        space = page.frame_locator("#space")
        space.locator("#lead input[name=email]").fill("grace@example.org")
        space.locator("#lead input[name=name]").fill("Grace")
        space.locator("#lead input[name=delivery_consent]").check()
        space.locator("#lead input[name=marketing_consent]").check()
        space.locator("#lead button[type=submit]").click()
        download = space.locator("#download")
        download.wait_for(timeout=15_000)
        href = download.get_attribute("href")
        page.screenshot(path=str(artifacts / "landing-space.png"))
    with urllib.request.urlopen(href, timeout=10) as answer:  # the link the form reveals serves the zip
        assert answer.read() == (published / "eq-100.zip").read_bytes()
    with psycopg.connect(supabase.db_uri) as db:
        assert db.execute("SELECT email, marketing_consent, space_id, tier, utm_campaign FROM leads").fetchall() == [
            ("grace@example.org", True, SPACE, "eq-100", "preview")]

    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[connections.supabase]\nurl = "{supabase.url}"\nkey = "{supabase.key("service_role")}"\n'
                       f'publishable_key = "{supabase.key("anon")}"\n')
    env = {"HF_TOKEN": HUB_TOKEN, "HF_ENDPOINT": local_hub.url, "HF_HUB_DISABLE_XET": "1",
           "STUDIO_PUBLISH_PASSWORD": PASSWORD, "STREAMLIT_SECRETS_FILES": str(secrets)}
    with streamlit_app(env=env) as url, chromium_page(1400, 1600) as page:
        page.goto(url)
        wait_until_idle(page)
        open_page(page, "Leads")
        page.get_by_label("Publishing password").fill(PASSWORD)
        page.get_by_role("button", name="Unlock publishing").click()
        wait_until_idle(page)
        assert_no_exception(page)
        assert (_metric(page, "People"), _metric(page, "From a landing page")) == ("2", "1")
        with page.expect_download(timeout=60_000) as got:  # the CSV is made on the click: a loaded runner is slow
            page.get_by_role("button", name="Download for the CRM (CSV)").click()
        rows = {r["email"]: r for r in csv.DictReader(io.StringIO(got.value.path().read_text()))}
        assert rows["grace@example.org"]["sources"] == f"{SPACE} (landing)"
        assert rows["alan@example.org"]["sources"] == f"{HYBRID} (accepted)"
        assert (rows["grace@example.org"]["marketing_consent"], rows["alan@example.org"]["marketing_consent"]) == (
            "yes", "no")
        page.screenshot(path=str(artifacts / "leads.png"))

        open_page(page, "Traction")
        page.get_by_role("link", name=PREVIEW).wait_for(timeout=30_000)
        local_hub.repos[PREVIEW].downloads = 9
        page.wait_for_timeout(1100)  # two snapshots apart
        page.get_by_role("button", name="Refresh").click()
        wait_until_idle(page)
        assert_no_exception(page)
        page.get_by_text("2 snapshot(s)").wait_for(timeout=30_000)
        assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2  # over time, and the funnel
        assert _metric(page, "Landing-page leads") == "1"
        page.screenshot(path=str(artifacts / "traction-over-time.png"), full_page=True)
    with psycopg.connect(supabase.db_uri) as db:
        per_repo = dict(db.execute("SELECT repo_id, count(*) FROM traction_snapshots GROUP BY repo_id").fetchall())
    assert per_repo == {PREVIEW: 2, SPACE: 2, HYBRID: 2}
