"""`st.connection("supabase", type=SupabaseConnection)`: the app's door to the Supabase project.

Settings come from `[connections.supabase]` in `.streamlit/secrets.toml`, else from the
environment (SUPABASE_URL, SUPABASE_KEY). Streamlit caches the connection as a resource; the
services get the plain supabase-py session it wraps, so they never import Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st
from streamlit.connections import BaseConnection
from streamlit.errors import StreamlitSecretNotFoundError

from services.funnel.space import LeadCapture, lead_capture_from
from services.supabase.client import SupabaseSession, connect
from services.supabase.config import ENV_PUBLISHABLE, ENV_URL, settings_from, settings_from_env
from services.supabase.errors import SupabaseConfigError, SupabaseNotConfiguredError

NAME = "supabase"


class SupabaseConnection(BaseConnection[SupabaseSession]):
    def _connect(self, **kwargs: Any) -> SupabaseSession:
        section = _secrets_section(self._connection_name)
        if section.get("url") or section.get("key"):
            settings = settings_from(section, **kwargs)
        else:
            settings = settings_from_env(**kwargs)
        if settings is None:
            raise SupabaseNotConfiguredError
        return connect(settings)

    @property
    def session(self) -> SupabaseSession:
        return self._instance


def _secrets_section(name: str) -> dict[str, Any]:
    """`[connections.<name>]` from `st.secrets` (what AppTest replaces too); empty without a file."""
    try:
        connections = st.secrets.get("connections")
    except StreamlitSecretNotFoundError:
        return {}
    section = connections.get(name) if isinstance(connections, Mapping) else None
    return dict(section) if isinstance(section, Mapping) else {}


def supabase_connection() -> SupabaseConnection | SupabaseConfigError:
    """The connection, or the reason there is none (not configured, or configured wrongly)."""
    try:
        return st.connection(NAME, type=SupabaseConnection)
    except SupabaseConfigError as exc:
        return exc



def supabase_session() -> SupabaseSession | None:
    """The configured project's session, or None when Supabase is not configured (or misconfigured:
    the Supabase page says how)."""
    conn = supabase_connection()
    return None if isinstance(conn, SupabaseConfigError) else conn.session


def lead_capture() -> LeadCapture | str:
    """Where a landing page's form posts (the project URL and its publishable key), or what is missing."""
    return lead_capture_from(_secrets_section(NAME)) or (
        f"A landing page posts its leads to Supabase with the project's publishable key. Add `publishable_key` "
        f"(and `url`) under `[connections.supabase]` in `.streamlit/secrets.toml`, or set `{ENV_URL}` and "
        f"`{ENV_PUBLISHABLE}`. It is the anon key, which a public page may carry; the service-role key never "
        "goes there.")
