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

from services.supabase.client import SupabaseSession, connect
from services.supabase.config import settings_from, settings_from_env
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
