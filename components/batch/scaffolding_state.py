"""The platform's scaffolding as the pages plan and theme with it: Supabase's tables when configured
(read at most every two minutes per project and key, like the other tables), else the demo's.
Owns no widget keys."""

from __future__ import annotations

import streamlit as st

from components.dataset.cache import dataset_key
from components.supabase.connection import supabase_session
from components.supabase.picker import TABLE_TTL, project_id
from services.batch.scaffolding import counted, demo_scaffolding, resolve_scaffolding
from services.dataset.loader import LoadedDataset
from services.dataset.scaffolding import Scaffolding
from services.supabase.client import SupabaseSession


@st.cache_data(ttl=TABLE_TTL, show_spinner="Reading the scaffolding tables…")
def _from_supabase(project: str, _session: SupabaseSession) -> tuple[Scaffolding | None, str]:
    return resolve_scaffolding(None, _session, demo_fallback=False)


@st.cache_data(max_entries=16, show_spinner=False)
def _described(data_key: str, scaffolding_id: int, where: str, _scaffolding: Scaffolding | None,
               _ds: LoadedDataset | None) -> str:
    return counted(_scaffolding, where, _ds)


def described(scaffolding: Scaffolding | None, where: str, ds: LoadedDataset | None) -> str:
    """Where the scaffolding came from and its counts beside the data's (`counted`), once per dataset and
    scaffolding rather than on every rerun (it looks at every conversation's keys)."""
    return _described(dataset_key(ds) if ds is not None else "", id(scaffolding), where, scaffolding, ds)


def current_scaffolding(demo_fallback: bool) -> tuple[Scaffolding | None, str]:
    """(the scaffolding, where it came from); Supabase errors propagate, said by the caller."""
    session = supabase_session()
    if session is not None:
        return _from_supabase(project_id(session), session)
    if demo_fallback:
        return demo_scaffolding(), "the demo scaffolding"
    return None, "the data alone"
