"""The owner's whole journey in Chromium, against the local Hub: demo data → Billboard preset →
a sample → the card → the dry run → unlock → publish → Releases and Traction show it."""

from __future__ import annotations

import json

from tests.conftest import HUB_TOKEN
from tests.support.browser import BROWSER, assert_no_exception, chromium_page, open_page, wait_until_idle
from tests.support.streamlit_server import ROOT, streamlit_app

pytestmark = BROWSER
PASSWORD = "journey password"
REPO = "brightrun/financial-eq-billboard-preview"


def test_the_owner_publishes_the_billboard_preview(local_hub, tmp_path, artifacts):
    env = {"HF_TOKEN": HUB_TOKEN, "HF_ENDPOINT": local_hub.url, "HF_HUB_DISABLE_XET": "1",
           "STUDIO_PUBLISH_PASSWORD": PASSWORD, "STUDIO_RELEASES_FILE": str(tmp_path / "history.jsonl")}
    with streamlit_app(env=env) as url, chromium_page(1400, 1600) as page:
        console: list[str] = []
        page.on("console", lambda msg: console.append(msg.text))
        page.goto(url)
        wait_until_idle(page)
        assert_no_exception(page)
        assert page.get_by_text("242").count() >= 1  # the demo data

        open_page(page, "Strategy")
        for label in ("Hybrid (gated)", "Billboard (3-tier funnel)"):
            page.get_by_role("radio", name=label, exact=True).click()
            wait_until_idle(page)
        assert page.get_by_role("heading", name="Plan: billboard").count() == 1

        open_page(page, "Samples")
        grid = page.locator('[data-testid="stDataFrame"]').first
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 15, box["y"] + 36 + 18)  # the first row's selection box
        wait_until_idle(page)
        page.locator('[data-testid="stChatMessage"]').first.wait_for(timeout=30_000)

        open_page(page, "Card & checks")
        page.get_by_text("Dataset Details").first.wait_for(timeout=60_000)

        open_page(page, "Publish")
        page.get_by_text("Dry run", exact=True).wait_for(timeout=60_000)
        added = page.locator('[data-testid="stMetric"]', has_text="Added").locator('[data-testid="stMetricValue"]')
        assert added.inner_text() == "5"
        publish = page.get_by_role("button", name=f"Publish preview to {REPO}")
        assert publish.is_disabled()
        assert REPO not in local_hub.repos, "the dry run sends nothing"
        page.get_by_label("Publishing password").fill(PASSWORD)
        page.get_by_role("button", name="Unlock publishing").click()
        wait_until_idle(page)
        assert publish.is_enabled()
        page.screenshot(path=str(artifacts / "publish-dry-run.png"))
        publish.click()
        page.get_by_text("is published").wait_for(timeout=60_000)
        wait_until_idle(page)
        assert_no_exception(page)
        page.screenshot(path=str(artifacts / "publish-done.png"))

        open_page(page, "Releases")
        page.get_by_text("Recorded in the local file").wait_for(timeout=30_000)
        assert page.locator('[data-testid="stMetric"]', has_text="Published").locator(
            '[data-testid="stMetricValue"]').inner_text() == "1"

        local_hub.repos[REPO].downloads = 17
        open_page(page, "Traction")
        page.get_by_role("link", name=REPO).wait_for(timeout=30_000)
        assert page.locator('[data-testid="stMetric"]', has_text="Downloads (30 days)").locator(
            '[data-testid="stMetricValue"]').inner_text() == "17"
        page.screenshot(path=str(artifacts / "traction.png"))
        html = page.content()

    repo = local_hub.repos[REPO]
    files = local_hub.files(REPO)
    assert set(files) == {".gitattributes", "README.md", "assets/coverage.png", "data/conversations.parquet",
                          "data/training_pairs.parquet", "release.json"}
    assert repo.tags == {"v1": repo.head.oid} and repo.private is False and repo.gated is False
    assert json.loads(files["release.json"])["counts"]["conversations"] == 30
    server_log = ROOT / "tests" / "artifacts" / f"streamlit-{url.rsplit(':', 1)[1]}.log"
    assert HUB_TOKEN not in html and all(HUB_TOKEN not in line for line in console)
    assert server_log.exists() and HUB_TOKEN not in server_log.read_text()
