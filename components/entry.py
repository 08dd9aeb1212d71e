"""Make sure every page runs inside app.py (sidebar source picker, navigation).

The layout has a `pages/` folder. Until a script run has called `st.navigation`, Streamlit
1.67 treats such an app as a legacy multipage app, so the very first request after the server
starts, if it is a deep link (say `/samples?conversation=…`, a shared sample), runs the page
script alone. `app.py` marks each session; a page that finds no mark switches the legacy mode
off, exactly as `st.navigation` would, and reruns: the rerun goes through `app.py` to the same
page, query parameters kept.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

ENTRY_KEY = "entry.app_ran"


def mark_entrypoint() -> None:
    """Called by app.py before it runs the page."""
    st.session_state[ENTRY_KEY] = True


def require_entrypoint() -> None:
    """Called first by every page."""
    if not st.session_state.get(ENTRY_KEY):
        PagesManager.uses_pages_directory = False
        st.rerun()
