"""The strategy studio in a real browser: presets, a rule change, a pin, a shared link."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from services.dataset.loader import load_dataset
from services.demo import generator as demo
from tests.support.browser import BROWSER, EXCEPTION, chromium_page, wait_until_idle
from tests.support.streamlit_server import streamlit_app

pytestmark = BROWSER


def _no_exception(page: Page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


@pytest.fixture(scope="module")
def shared_id() -> str:
    ds = load_dataset(demo.demo_bytes(), "demo")
    return next(c.conversation_metadata.conversation_id for c in ds.iter_conversations() if len(c.training_pairs) == 6)


def test_a_shared_link_is_the_first_request_of_a_fresh_server(shared_id, artifacts):
    """A deep link as the first request of a fresh server opens inside the app (sidebar, navigation)."""
    with streamlit_app() as url, chromium_page(1400, 2400) as page:
        page.goto(f"{url}/samples?conversation={shared_id}")
        wait_until_idle(page)
        page.locator('[data-testid="stChatMessage"]').first.wait_for(timeout=30_000)
        _no_exception(page)
        assert page.locator('[data-testid="stChatMessage"]').count() == 6
        assert page.get_by_text("Data source").count() == 1  # app.py's sidebar is there
        assert page.get_by_text("Strategy", exact=True).count() >= 1  # and its navigation
        assert f"conversation={shared_id}" in page.url
        page.screenshot(path=str(artifacts / "samples-shared-link.png"))


def test_presets_size_and_pin(shared_id, artifacts):
    with streamlit_app() as url, chromium_page(1400, 2600) as page:
        page.goto(f"{url}/strategy")
        wait_until_idle(page)
        for label in ("Full giveaway", "Hybrid (gated)", "Billboard (3-tier funnel)"):
            page.get_by_role("radio", name=label, exact=True).click()
            wait_until_idle(page)
            _no_exception(page)
        assert page.get_by_role("heading", name="Plan: billboard").count() == 1
        free = page.locator('[data-testid="stMetric"]', has_text="Free, no email").locator(
            '[data-testid="stMetricValue"]')
        before = free.inner_text()
        page.get_by_text("preview", exact=True).first.click()  # open the preview tier's editor
        size = page.get_by_role("spinbutton", name="Size (N)").first
        size.fill("40")
        size.press("Enter")
        wait_until_idle(page)
        _no_exception(page)
        page.wait_for_function("b => !document.body.innerText.includes('Free, no email (examples)\\n' + b)",
                               arg=before, timeout=30_000)
        assert int(free.inner_text().replace(",", "")) > int(before.replace(",", ""))  # 40 conversations > 30
        page.screenshot(path=str(artifacts / "strategy.png"))
        assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2

        page.goto(f"{url}/samples?conversation={shared_id}")
        wait_until_idle(page)
        page.get_by_role("button", name="Pin in").click()
        wait_until_idle(page)
        _no_exception(page)
        page.get_by_text("In 'preview': pinned in.").wait_for(timeout=30_000)
        page.screenshot(path=str(artifacts / "samples.png"))
