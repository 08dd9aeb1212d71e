"""Per-dataset caching: computed once per dataset and arguments, across reruns."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _app() -> None:
    import streamlit as st

    from components.dataset.cache import per_dataset
    from services.dataset.loader import load_dataset
    from services.demo import generator as demo

    calls = st.session_state.setdefault("calls", [])

    def counted(ds, dimension):
        calls.append(dimension)
        return len(ds)

    if "ds" not in st.session_state:
        st.session_state.ds = load_dataset(demo.demo_bytes(10), "tiny")
    st.write(per_dataset(counted, st.session_state.ds, "arc"), per_dataset(counted, st.session_state.ds, "topic"))


def test_each_argument_set_computes_once():
    at = AppTest.from_function(_app, default_timeout=30).run()
    at.run()
    at.run()
    assert not at.exception
    assert at.session_state["calls"] == ["arc", "topic"]
