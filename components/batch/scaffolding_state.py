"""The platform's scaffolding as the pages plan and theme with it: Supabase's tables when configured
(read at most every two minutes per project and key, like the other tables), else the demo's.
Owns no widget keys."""

from __future__ import annotations

import streamlit as st

from components.dataset.cache import dataset_key
from components.supabase.connection import supabase_session
from components.supabase.picker import TABLE_TTL, project_id
from services.batch.scaffolding_source import ScaffoldingFile, counted, resolve_scaffolding, supabase_scaffolding
from services.dataset.loader import LoadedDataset
from services.dataset.scaffolding import Scaffolding
from services.supabase.client import SupabaseSession


@st.cache_data(ttl=TABLE_TTL, show_spinner="Reading the scaffolding tables…")
def _tables(project: str, _session: SupabaseSession) -> Scaffolding:
    return supabase_scaffolding(_session)


@st.cache_data(max_entries=16, show_spinner=False)
def _described(data_key: str, scaffolding_id: int, where: str, _scaffolding: Scaffolding | None,
               _ds: LoadedDataset | None) -> str:
    return counted(_scaffolding, where, _ds)


def described(scaffolding: Scaffolding | None, where: str, ds: LoadedDataset | None) -> str:
    """Where the scaffolding came from and its counts beside the data's (`counted`), once per dataset and
    scaffolding rather than on every rerun (it looks at every conversation's keys)."""
    return _described(dataset_key(ds) if ds is not None else "", id(scaffolding), where, scaffolding, ds)


def current_scaffolding(demo_fallback: bool, file: ScaffoldingFile | None = None) -> tuple[Scaffolding | None, str]:
    """(the scaffolding, where it came from), decided by `resolve_scaffolding` with Supabase's tables read
    at most every two minutes; Supabase errors propagate, said by the caller."""
    return resolve_scaffolding(file, supabase_session(), demo_fallback,
                               tables=lambda session: _tables(project_id(session), session))
