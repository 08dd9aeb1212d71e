"""Lead Magnet Studio: entry point. Sidebar source picker, then the chosen page."""

from __future__ import annotations

import streamlit as st

from components.entry import mark_entrypoint
from components.source import sidebar_picker

st.set_page_config(page_title="Lead Magnet Studio", page_icon=":material/campaign:", layout="wide")

PAGES = {
    "Dataset": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/coverage.py", title="Coverage", icon=":material/grid_on:"),
        st.Page("pages/quality.py", title="Quality", icon=":material/star:"),
        st.Page("pages/supabase.py", title="Supabase", icon=":material/database:"),
    ],
    "Release": [
        st.Page("pages/strategy.py", title="Strategy", icon=":material/alt_route:"),
        st.Page("pages/samples.py", title="Samples", icon=":material/forum:"),
        st.Page("pages/card.py", title="Card & checks", icon=":material/fact_check:"),
        st.Page("pages/publish.py", title="Publish", icon=":material/rocket_launch:"),
        st.Page("pages/releases.py", title="Releases", icon=":material/history:"),
        st.Page("pages/traction.py", title="Traction", icon=":material/trending_up:"),
    ],
}

page = st.navigation(PAGES)
mark_entrypoint()
sidebar_picker()
page.run()
