"""AppTest helpers: the whole app (st.navigation included), on a chosen page and source."""

from __future__ import annotations

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

