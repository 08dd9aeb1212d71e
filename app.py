"""Lead Magnet Studio: entry point. Sidebar source picker, then the chosen page.

`streamlit run app.py` finds the `st.App` below and serves this same file as the page script,
with a lifespan hook that warms the server up before the first visitor (`components.warm_up`).
Streamlit runs the page script as `__main__`; the server imports this file under its own name.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

# A file of the app's own: a Material icon as the page icon is fetched from a font host on the internet,
# and the sandbox promises that nothing leaves this machine.
ICON = Path(__file__).with_name("components") / "assets" / "favicon.png"
PAGES = {
    "Dataset": [
        ("app_pages/overview.py", "Overview", ":material/dashboard:"),
        ("app_pages/coverage.py", "Coverage", ":material/grid_on:"),
        ("app_pages/quality.py", "Quality", ":material/star:"),
        ("app_pages/supabase.py", "Supabase", ":material/database:"),
    ],
    "Release": [
        ("app_pages/strategy.py", "Strategy", ":material/alt_route:"),
        ("app_pages/samples.py", "Samples", ":material/forum:"),
        ("app_pages/card.py", "Card & checks", ":material/fact_check:"),
        ("app_pages/publish.py", "Publish", ":material/rocket_launch:"),
        ("app_pages/releases.py", "Releases", ":material/history:"),
        ("app_pages/leads.py", "Leads", ":material/contacts:"),
        ("app_pages/traction.py", "Traction", ":material/trending_up:"),
    ],
    "Loop": [
        ("app_pages/feedback.py", "Feedback", ":material/forum:"),
        ("app_pages/next_batch.py", "Next batch", ":material/playlist_add:"),
    ],
}


def main() -> None:
    """One script run: page config, navigation, the sidebar's source picker and account, the chosen page
    (or, where the deployment asks every visitor to sign in, the sign-in)."""
    from components import access
    from components.dataset.source import sidebar_picker
    from components.hub import sandbox

    st.set_page_config(page_title="Lead Magnet Studio", page_icon=str(ICON), layout="wide")
    if not access.dashboard_open():
        st.stop()
    page = st.navigation({
        section: [st.Page(path, title=title, icon=icon, default=path == "app_pages/overview.py")
                  for path, title, icon in pages]
        for section, pages in PAGES.items()}, expanded=True)  # every page in view: the loop's pages come last
    access.sidebar_account()
    sidebar_picker()
    sandbox.sidebar_panel()
    sandbox.banner()
    access.return_notice()
    page.run()


if __name__ == "__main__":  # a script run (a visitor's page, or AppTest)
    main()
else:  # the server importing this file to serve it
    from starlette.middleware import Middleware

    from components.sign_in_routes import SignInReturn
    from components.warm_up import lifespan

    app = st.App("app.py", lifespan=lifespan, middleware=[Middleware(SignInReturn)])
