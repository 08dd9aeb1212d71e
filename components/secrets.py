"""The one accessor of the app's secrets: `st.secrets` as a plain dict.

Every component reads the secrets here, so an app with no secrets file (the demo, the sandbox)
behaves the same everywhere: every setting then comes from the environment or its default.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError


def app_secrets() -> dict:
    """`st.secrets` as a plain dict; empty without a secrets file."""
    try:
        return st.secrets.to_dict()
    except StreamlitSecretNotFoundError:
        return {}
