"""AppTest helpers: the whole app (st.navigation included), on a chosen page and source."""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from tests.support.streamlit_server import ROOT

TIMEOUT = 60  # the first run generates and loads the demo; later runs hit the cache


def open_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    if page:
        at.switch_page(page).run()
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(autouse=True)
def navigation_apps_keep_their_entrypoint(monkeypatch):
    """Run every AppTest rerun through app.py, as a real server does.

    The layout has a `pages/` folder, and AppTest (Streamlit 1.67) resets
    `PagesManager.uses_pages_directory` before each run, so the PagesManager sees that
    folder and picks the legacy multipage mode: reruns then execute the page script alone,
    without app.py's st.navigation and sidebar. A real server sets the flag to False at the
    first st.navigation call and keeps it (streamlit/streamlit#9446, PR #14217). Keeping it
    False here gives AppTest the server's behaviour.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
