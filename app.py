"""Lead Magnet Studio: entry point. Sidebar source picker, then the chosen page.

`streamlit run app.py` finds the `st.App` below and serves this same file as the page script,
with a lifespan hook that warms the server up before the first visitor (`components.warm_up`).
Streamlit runs the page script as `__main__`; the server imports this file under its own name.
"""

from __future__ import annotations

import streamlit as st

PAGES = {
    "Dataset": [
        ("pages/overview.py", "Overview", ":material/dashboard:"),
        ("pages/coverage.py", "Coverage", ":material/grid_on:"),
        ("pages/quality.py", "Quality", ":material/star:"),
        ("pages/supabase.py", "Supabase", ":material/database:"),
    ],
    "Release": [
        ("pages/strategy.py", "Strategy", ":material/alt_route:"),
        ("pages/samples.py", "Samples", ":material/forum:"),
        ("pages/card.py", "Card & checks", ":material/fact_check:"),
        ("pages/publish.py", "Publish", ":material/rocket_launch:"),
        ("pages/releases.py", "Releases", ":material/history:"),
        ("pages/traction.py", "Traction", ":material/trending_up:"),
    ],
}


def main() -> None:
    """One script run: page config, navigation, the sidebar's source picker, the chosen page."""
    from components.entry import mark_entrypoint
    from components.source import sidebar_picker

    st.set_page_config(page_title="Lead Magnet Studio", page_icon=":material/campaign:", layout="wide")
    page = st.navigation({
        section: [st.Page(path, title=title, icon=icon, default=path == "pages/overview.py")
                  for path, title, icon in pages]
        for section, pages in PAGES.items()})
    mark_entrypoint()
    sidebar_picker()
    page.run()


if __name__ == "__main__":  # a script run (a visitor's page, or AppTest)
    main()
else:  # the server importing this file to serve it
    from components.warm_up import lifespan

    app = st.App("app.py", lifespan=lifespan)
