"""The recommendation, the decision brief and the share kit in a real browser: what the owner forwards."""

from __future__ import annotations

from pathlib import Path

from services.dataset.loader import load_dataset
from services.demo import generator as demo
from services.strategy import presets, sampling
from tests.support.browser import BROWSER, EXCEPTION, chromium_page, wait_until_idle
from tests.support.streamlit_server import streamlit_app

pytestmark = BROWSER


def test_the_owner_reads_the_answer_downloads_the_brief_and_a_share_image(artifacts):
    ds = load_dataset(demo.demo_bytes(), "demo")
    preview = sampling.select_plan(ds, presets.preset_billboard())["preview"].conversation_ids[0]
    with streamlit_app() as url, chromium_page(1400, 3200) as page:
        page.goto(f"{url}/strategy")
        wait_until_idle(page)  # on the plan of the sandbox story's newest release; the owner picks the Billboard
        page.get_by_role("radio", name="Billboard (3-tier funnel)", exact=True).click()
        wait_until_idle(page)
        page.get_by_text("Recommended: Hybrid (gated)").wait_for(timeout=30_000)
        assert page.get_by_text("Main risk.").count() == 1
        page.screenshot(path=str(artifacts / "strategy-recommendation.png"), full_page=True)
        with page.expect_download(timeout=60_000) as brief:
            page.get_by_role("button", name="Decision brief (HTML)").click()
        html = Path(brief.value.path()).read_text(encoding="utf-8")
        assert brief.value.suggested_filename == "decision-brief-billboard.html"
        assert "<strong>Hybrid (gated)</strong>" in html and html.count("data:image/png;base64,") == 2

        page.goto(f"{url}/samples?conversation={preview}")
        wait_until_idle(page)
        page.get_by_text("Share it").wait_for(timeout=30_000)
        with page.expect_download(timeout=60_000) as image:
            page.get_by_role("button", name="Image", exact=True).click()
        assert image.value.suggested_filename == f"{preview}.png"
        assert Path(image.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert page.locator(EXCEPTION).count() == 0
        page.screenshot(path=str(artifacts / "samples-share-kit.png"), full_page=True)
