"""The real app in a real browser: every page renders its charts and no exception."""

from __future__ import annotations

import pytest

from tests.support.browser import BROWSER, EXCEPTION, chromium_page, wait_until_idle
from tests.support.streamlit_server import streamlit_app

pytestmark = BROWSER

PAGES = {  # name: (path, charts at least, a text the page must show)
    "overview": ("", 1, "Validation report"),
    "coverage": ("coverage", 5, "persona × arc cells"),
    "quality": ("quality", 6, "Emotional movement"),
    "strategy-page": ("strategy", 3, "The three strategies at a glance"),
    "card": ("card", 0, "Dataset Details"),
    "next-batch": ("next_batch", 1, "What the batch generates, and why"),  # its heatmap draws in Vega
}


@pytest.fixture(scope="module")
def app_url():
    with streamlit_app() as url:
        yield url


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_charts_without_exception(app_url: str, artifacts, name: str) -> None:
    path, min_charts, text = PAGES[name]
    with chromium_page() as page:
        page.goto(f"{app_url}/{path}")
        wait_until_idle(page)
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        if min_charts:
            charts.first.wait_for(timeout=30_000)
        # Vega draws into a canvas (or svg) once the spec is valid; an empty box means it failed.
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] canvas, "
            "[data-testid=\"stVegaLiteChart\"] svg.marks').length >= n", arg=min_charts, timeout=30_000)
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
        assert charts.count() >= min_charts
        assert page.get_by_text(text).count() >= 1
        assert "Lead Magnet Studio" in page.title() or page.title()


def test_the_card_page_downloads_the_bundle(app_url: str, tmp_path) -> None:
    import zipfile

    with chromium_page() as page:
        page.goto(f"{app_url}/card")
        wait_until_idle(page)
        page.get_by_role("tab", name="Files").click()
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Download the bundle (zip)").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.name == "preview.zip"
        with zipfile.ZipFile(path) as archive:
            assert {"README.md", "release.json", "data/conversations.parquet",
                    "data/training_pairs.parquet"} <= set(archive.namelist())
