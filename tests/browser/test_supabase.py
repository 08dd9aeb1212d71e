"""The Supabase source in a real browser: `[connections.supabase]` in a secrets file pointing at the
local Supabase, a training file through the pages, and a one-file preview on the Supabase page."""

from __future__ import annotations

import pytest

from tests.support.browser import BROWSER, EXCEPTION, chromium_page, wait_until_idle
from tests.support.streamlit_server import streamlit_app

pytestmark = BROWSER


@pytest.fixture(scope="module")
def supabase_app(supabase_stack, tmp_path_factory):
    secrets = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    secrets.write_text(f'[connections.supabase]\nurl = "{supabase_stack.url}"\nkey = "{supabase_stack.key()}"\n')
    with streamlit_app(env={"STREAMLIT_SECRETS_FILES": str(secrets)}) as url:
        yield url


def choose_supabase(page) -> None:
    page.locator('[data-testid="stSidebar"] [role="radiogroup"] label', has_text="Supabase").click()
    wait_until_idle(page)


def test_a_training_file_through_the_pages(supabase_app, supabase_stack, artifacts):
    with chromium_page(height=1400) as page:
        page.goto(supabase_app)
        wait_until_idle(page)
        choose_supabase(page)
        metric = page.locator('[data-testid="stMetric"]', has_text="Conversations")
        assert metric.locator('[data-testid="stMetricValue"]').inner_text() == "242"
        assert page.get_by_text("agree on every point checked").count() == 1
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').click()
        page.get_by_role("option", name="Drifted Export").click()
        wait_until_idle(page)
        assert metric.locator('[data-testid="stMetricValue"]').inner_text() == "30"
        assert page.get_by_text("disagree on 4 of 6 points").count() == 1
        page.screenshot(path=str(artifacts / "supabase-overview.png"), full_page=True)
        page.get_by_role("heading", name="Database row against the JSON").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "supabase-consistency.png"))
        for path in ("coverage", "quality", "samples"):
            page.locator('[data-testid="stSidebarNav"] a', has_text=path.capitalize()).click()
            wait_until_idle(page)
            assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
            assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def test_the_supabase_page_previews_one_conversation(supabase_app, supabase_stack, artifacts):
    supabase_stack.gateway.clear()
    with chromium_page(height=1400) as page:
        page.goto(f"{supabase_app}/supabase")
        wait_until_idle(page)
        assert page.get_by_text("Training files", exact=True).count() == 1
        grid = page.locator('[data-testid="stDataFrame"]').last
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        # the first data row's selection box: left edge, one header row down
        page.mouse.click(box["x"] + 15, box["y"] + 36 + 18)
        wait_until_idle(page)
        page.locator('[data-testid="stChatMessage"]').first.wait_for(timeout=30_000)
        page.screenshot(path=str(artifacts / "supabase-page.png"), full_page=True)
        assert page.locator(EXCEPTION).count() == 0
        assert page.locator('[data-testid="stChatMessage"]').count() >= 4
        assert supabase_stack.gateway.count("/storage/v1/object/conversation-files/") == 1
