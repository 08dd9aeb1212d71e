"""AppTest helpers: the whole app (st.navigation included), on a chosen page and source."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.support.streamlit_server import ROOT

TIMEOUT = 60  # the first run generates and loads the demo; later runs hit the cache


def open_app(page: str | None = None, sandbox: bool | None = None) -> AppTest:
    """The app (on the demo data), then `page`; `sandbox` turns the sidebar's toggle on or off first
    (by default it is on, since the tests configure no Hub token)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if sandbox is not None:
        at.session_state["hub.sandbox"] = sandbox
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]

