"""Charts side by side, each as wide as its column: the pages' two-up layout in one place."""

from __future__ import annotations

import altair as alt
import streamlit as st


def chart_row(*charts: alt.TopLevelMixin) -> None:
    """Draw `charts` in equal columns, left to right."""
    for column, chart in zip(st.columns(len(charts)), charts, strict=True):
        with column:
            st.altair_chart(chart, width="stretch")
