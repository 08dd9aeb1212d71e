"""Playwright driving Debian's Chromium (no browser download at test time)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


NEEDS_CHROMIUM = pytest.mark.skipif(
    chromium_path() is None, reason="needs Debian's chromium (.ci/run and `make test` install it with apt-get)")
BROWSER = [pytest.mark.browser, NEEDS_CHROMIUM]  # a browser test module's `pytestmark`


@contextmanager
def chromium_page(width: int = 1400, height: int = 1000) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()


def wait_until_idle(page: Page, timeout_ms: float = 60_000) -> None:
    """Wait until the script has finished its run and the page has settled."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector(READY, timeout=timeout_ms)
    page.wait_for_timeout(300)  # a rerun may start right after the first one
    page.wait_for_selector(READY, timeout=timeout_ms)


def assert_no_exception(page: Page) -> None:
    """No Streamlit exception box on the page (its text, if there is one)."""
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def open_page(page: Page, title: str) -> None:
    """Click a page in the sidebar's navigation, wait for its run, and check it raised nothing."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    wait_until_idle(page)
    assert_no_exception(page)
