"""The server's warm-up: the demo dataset is in the shared cache before the first visitor, a
failure never takes the server down, and `streamlit run app.py` serves with it."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from streamlit.web.server.app_discovery import discover_asgi_app

from components import warm_up
from components.dataset import source
from services.demo.catalog import BASE_CONVERSATIONS

ROOT = Path(__file__).resolve().parents[2]


def test_warm_up_leaves_the_demo_dataset_in_the_shared_cache(monkeypatch):
    source._load_demo.clear()
    warm_up.warm_up()

    def no_second_load(*args, **kwargs):
        raise AssertionError("the demo dataset was loaded again")

    monkeypatch.setattr(source, "load_dataset", no_second_load)
    loaded = source.load_default()
    assert loaded.error is None and len(loaded.dataset) == BASE_CONVERSATIONS


def test_a_failing_warm_up_is_logged_not_raised(monkeypatch, caplog):
    def broken() -> None:
        raise OSError("disk full")

    monkeypatch.setattr(source, "load_default", broken)
    warm_up.warm_up()  # returns: the first page will do the work itself
    assert "warm-up failed" in caplog.text and "disk full" in caplog.text


def test_the_lifespan_starts_the_warm_up_without_waiting_for_it(monkeypatch):
    started, release = threading.Event(), threading.Event()

    def slow() -> None:
        started.set()
        release.wait(5)

    monkeypatch.setattr(warm_up, "warm_up", slow)

    async def serve() -> None:
        async with warm_up.lifespan(None):
            assert started.wait(5)  # running in its own thread while the server serves
            assert any(t.name == "studio-warm-up" and t.daemon for t in threading.enumerate())

    asyncio.run(serve())
    release.set()


def test_streamlit_run_serves_app_py_as_an_app_with_the_warm_up():
    found = discover_asgi_app(ROOT / "app.py")
    assert found.is_asgi_app and found.app_name == "app"
