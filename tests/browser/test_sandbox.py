"""The README's quick start, in Chromium at 1280 px: the app started with no secrets and no credentials
shows every page on the sandbox's seeded story (a screenshot of each saved under tests/artifacts/), no
page contradicts the plan that made it, and none shows raw markup; the Publish page publishes the
preview as v3, whose card compares with v2; the sandbox's landing Space takes a lead, seen on Releases
and Leads; the sandbox resets — and neither the app's process nor the browser ever reaches a host
beyond 127.0.0.1 (every connection the app attempts is logged by an audit hook)."""

from __future__ import annotations

import os
import re
import urllib.request
from urllib.parse import urlsplit

from tests.support.browser import BROWSER, assert_no_exception, chromium_page, open_page, wait_until_idle
from tests.support.connections import audit_dir, hosts, off_machine
from tests.support.streamlit_server import ROOT, streamlit_app

pytestmark = BROWSER
BANNER = "Sandbox — nothing leaves this machine"
PAGES = ["Overview", "Coverage", "Quality", "Strategy", "Samples", "Card & checks", "Publish", "Releases", "Leads",
         "Traction", "Feedback", "Next batch"]
CONTENT = ('[data-testid="stMetric"], [data-testid="stDataFrame"], [data-testid="stVegaLiteChart"], '
           '[data-testid="stChatMessage"], [data-testid="stMarkdownContainer"] h2')
PREVIEW = "brightrun/financial-eq-billboard-preview"
SPACE = "brightrun/financial-eq-billboard-eq-100"


def _shown_text(page) -> str:
    """What the page shows as text: its rendered Markdown, and its tables' cells (the data grid keeps an
    accessible copy of the cells it draws on its canvas; a static table is plain HTML)."""
    parts = page.locator('[data-testid="stMarkdownContainer"]').all_inner_texts()
    parts += page.locator('[data-testid="stDataFrame"] table').all_text_contents()
    parts += page.locator('[data-testid="stTable"]').all_inner_texts()
    return "\n".join(parts)


def _whole_page_shot(page, path) -> None:
    """The page from top to bottom at 1280 px: Streamlit scrolls inside its main pane, so the window is
    made as tall as the pane's content for the shot."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(max(height, 1000), 12_000)})
    page.wait_for_timeout(300)  # charts resize to the new window
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 1000})


def _metric(page, label: str) -> str:
    return page.locator('[data-testid="stMetric"]', has_text=label).first.locator(
        '[data-testid="stMetricValue"]').inner_text()


def test_the_quick_start_as_the_readme_tells_it(tmp_path, artifacts):
    log = tmp_path / "connections.jsonl"
    env = {"LMS_CONNECT_LOG": str(log), "STUDIO_RELEASES_FILE": str(tmp_path / "real" / "history.jsonl"),
           "PYTHONPATH": os.pathsep.join([str(audit_dir(tmp_path / "audit")), str(ROOT)])}
    assert not any(k.startswith(("HF_TOKEN", "SUPABASE_")) for k in os.environ)
    asked: set[str] = set()  # every host the browser was made to ask, from every page
    with streamlit_app(env=env, timeout=120) as url, chromium_page(1280, 1000) as page:
        page.on("request", lambda r: asked.add(urlsplit(r.url).hostname or urlsplit(r.url).scheme))
        page.goto(url)
        wait_until_idle(page, 180_000)  # the first run may wait for the sandbox's story to be seeded
        for title in PAGES:
            open_page(page, title)
            page.get_by_text(BANNER).first.wait_for(timeout=60_000)
            page.locator(CONTENT).first.wait_for(timeout=60_000)
            assert page.locator(CONTENT).count() >= 1, title
            assert page.get_by_text("is not configured").count() == 0, title
            assert page.get_by_text("kept back: it is not released").count() == 0, title  # the story's plan
            shown = _shown_text(page)
            assert "<!--" not in shown and "`" not in shown, (title, shown[:2000])
            name = title.lower().replace(" & ", "-").replace(" ", "-")
            _whole_page_shot(page, artifacts / f"quick-start-1280-{name}.png")
        banner = page.get_by_text(BANNER).first.locator("xpath=ancestor::*[@data-testid='stMarkdownContainer']")
        sandbox = re.search(r"\((http://127\.0\.0\.1:\d+)\)", banner.inner_text()).group(1)

        open_page(page, "Publish")
        page.get_by_text("Dry run", exact=True).wait_for(timeout=60_000)
        publish = page.get_by_role("button", name=f"Publish preview to {PREVIEW}")
        assert publish.is_enabled()  # the local owner needs no password in the sandbox
        publish.click()
        page.get_by_text("is published").wait_for(timeout=120_000)
        wait_until_idle(page)
        assert_no_exception(page)
        assert page.get_by_text("tag v3").count() + page.locator("strong", has_text="v3").count() >= 1
        _whole_page_shot(page, artifacts / "quick-start-1280-published.png")
        with urllib.request.urlopen(f"{sandbox}/datasets/{PREVIEW}/resolve/v3/README.md", timeout=10) as answer:
            card = answer.read().decode()
        assert "Compared with the previous release (`v2`)" in card  # the newest release to that repo
        assert "behind its access form" in card  # the plan's link to its full tier, kept
        open_page(page, "Releases")
        assert _metric(page, "Published") == "7"

        page.goto(f"{sandbox}/spaces/{SPACE}")  # the story's landing Space, served by the sandbox
        space = page.frame_locator("#space")
        space.locator("#lead input[name=email]").fill("visitor@example.com")
        space.locator("#lead input[name=delivery_consent]").check()
        space.locator("#lead button[type=submit]").click()
        link = space.locator("#download")
        link.wait_for(timeout=15_000)
        assert link.get_attribute("href").startswith(f"{sandbox}/spaces/{SPACE}/resolve/main/")
        page.goto(url)
        wait_until_idle(page)
        open_page(page, "Leads")
        page.get_by_role("button", name="Refresh").click()
        wait_until_idle(page)
        assert _metric(page, "From a landing page") == "41"

        open_page(page, "Releases")
        page.get_by_role("button", name="Reset sandbox").click()
        page.get_by_role("button", name="Reset", exact=True).click()
        wait_until_idle(page, 180_000)
        assert_no_exception(page)
        assert _metric(page, "Published") == "6"
    assert not (tmp_path / "real").exists()  # the real history never saw the sandbox
    reached = hosts(log)
    assert any(h == "127.0.0.1" for h in reached), "the audit hook logged the app's own connections"
    assert off_machine(reached) == set(), reached
    assert asked - {"127.0.0.1", "localhost", "data", "blob"} == set(), asked  # the browser's requests too
