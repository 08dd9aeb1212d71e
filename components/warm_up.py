"""What the server does before its first visitor: import what the first page needs and load the
demo dataset, in a background thread, while the browser is still fetching Streamlit's own page.

On this 2-core machine importing pandas and Altair and loading the demo cost about a second of
the first page (benchmarks/bench_startup.py); done here, the first visitor's script finds them
ready. Failures are logged and otherwise ignored: the page then does the same work itself and
shows any error where it belongs.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

_LOG = logging.getLogger(__name__)
# The Overview (the default page) and what it imports: charts (Altair, pandas) and statistics.
FIRST_PAGE_MODULES = (
    "pandas", "altair", "components.dataset.charts", "components.dataset.findings", "services.dataset.stats",
)


def warm_up() -> None:
    """Load the default (demo) dataset into the shared cache, then import the first page's modules,
    then start the sandbox when the pages will use it (no Hub token): its first start seeds it."""
    try:
        from components.dataset import source

        source.load_default()  # what the first script run needs first: the sidebar's dataset
        for name in FIRST_PAGE_MODULES:
            importlib.import_module(name)
    except Exception:  # a warm-up is an optimisation: never let it take the server down
        _LOG.exception("warm-up failed; the first page will do the work itself")
    try:
        from components.hub import sandbox
        from services.sandbox import runtime

        if sandbox.default_on():
            runtime.start_in_background()  # after the first page's needs: a page waits for it only to read it
    except Exception:  # the pages start it themselves, and say what went wrong
        _LOG.exception("the sandbox could not be started; the pages will try again")


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """`st.App` lifespan: start the warm-up and serve at once (the server does not wait for it); stop
    the sandbox's Hub with the server."""
    threading.Thread(target=warm_up, name="studio-warm-up", daemon=True).start()
    try:
        yield
    finally:
        from services.sandbox import runtime

        runtime.close_all()
