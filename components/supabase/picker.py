"""The Supabase part of the source picker: a training file, or all conversations.

Owns the `supabase.*` session-state keys. Table reads are cached briefly (`st.cache_data`,
two minutes, per project and key); loaded datasets live in a small shared store, filled with a
progress bar the first time (a download or thousands of small files take long enough to want
one, and a progress bar cannot live inside a cached function). *Refresh from Supabase* empties
both.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from pathlib import Path

import pandas as pd
import streamlit as st
from cachetools import LRUCache

from components.dataset.loaded import Loaded, timed_load
from components.supabase.connection import supabase_connection
from services.dataset.loader import LoadedDataset
from services.dataset.report import LoadError
from services.supabase import groups_view
from services.supabase import source as supabase_source
from services.supabase.client import SupabaseSession
from services.supabase.config import HOW_TO_CONFIGURE
from services.supabase.errors import SupabaseConfigError, SupabaseNotConfiguredError
from services.supabase.groups_view import ConversationFigures
from services.supabase.rows import TrainingFileRow

MODE_KEY = "supabase.mode"
FILE_KEY = "supabase.file"
CONTENT_KEY = "supabase.content"  # the project whose conversations' content the user asked to load
MODES = {"file": "A training file", "conversations": "All conversations"}
TABLE_TTL = 120
STORE_SIZE = 4


class _Store:
    """Loaded datasets by source identity, least recently used dropped first (shared by sessions).

    `cachetools.LRUCache` keeps the order; the lock makes it safe for the server's threads."""

    def __init__(self) -> None:
        self.items: LRUCache[tuple, Loaded] = LRUCache(maxsize=STORE_SIZE)
        self.lock = threading.Lock()

    def get(self, key: tuple) -> Loaded | None:
        with self.lock:
            return self.items.get(key)

    def put(self, key: tuple, loaded: Loaded) -> None:
        with self.lock:
            self.items[key] = loaded

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


@st.cache_resource
def _store() -> _Store:
    return _Store()


def project_id(session: SupabaseSession) -> str:
    """Identifies project and key in cache keys without holding the key itself."""
    settings = session.settings
    return hashlib.sha256(f"{settings.url}\n{settings.key.get_secret_value()}".encode()).hexdigest()[:16]


@st.cache_data(ttl=TABLE_TTL, show_spinner="Listing training files…")
def _training_files(project: str, _session: SupabaseSession) -> list[TrainingFileRow]:
    return supabase_source.list_training_files(_session)


@st.cache_data(ttl=TABLE_TTL, show_spinner="Reading the conversations table…")
def conversation_index(project: str, _session: SupabaseSession) -> pd.DataFrame:
    return supabase_source.read_conversation_index(_session)


@st.cache_data(ttl=TABLE_TTL, show_spinner="Counting the conversations…")
def conversations_page(project: str, _session: SupabaseSession, limit: int) -> tuple[ConversationFigures,
                                                                                     pd.DataFrame]:
    return groups_view.conversations_page(_session, limit)


def training_files(session: SupabaseSession) -> list[TrainingFileRow] | LoadError:
    try:
        return _training_files(project_id(session), session)
    except LoadError as exc:
        return exc


def refresh() -> None:
    _training_files.clear()
    conversation_index.clear()
    conversations_page.clear()
    _store().clear()


# --- loading, with progress ----------------------------------------------------------------
def _load_training_file(session: SupabaseSession, row: TrainingFileRow) -> Loaded:
    key = ("file", project_id(session), row.id, row.version_stamp())
    if (found := _store().get(key)) is not None:
        return found
    bar = st.progress(0.0, text=f"Downloading {row.name}…")

    def progress(done: int, total: int | None) -> None:
        size = f" of {total / 1e6:,.1f} MB" if total else ""
        bar.progress(min(done / total, 1.0) if total else 0.0, text=f"Downloading {row.name}: {done / 1e6:,.1f}{size}")

    checks: list = []

    def load() -> LoadedDataset:
        with tempfile.TemporaryDirectory(prefix="lead-magnet-studio-") as folder:
            path = supabase_source.download_training_file(session, row, Path(folder) / "training.json", progress)
            bar.progress(1.0, text=f"Reading and validating {row.name}…")
            dataset, found = supabase_source.load_downloaded(session, row, path)
            checks.extend(found)
            return dataset  # the loader keeps its own copies: the file can go

    loaded = timed_load(load)
    loaded = Loaded(loaded.dataset, loaded.error, loaded.seconds, checks)
    bar.empty()
    _store().put(key, loaded)
    return loaded


def _load_content(session: SupabaseSession, index: pd.DataFrame) -> Loaded:
    rows = supabase_source.loadable(index)
    ids = hashlib.sha256("\n".join(rows["conversation_id"]).encode()).hexdigest()
    key = ("conversations", project_id(session), ids)
    if (found := _store().get(key)) is not None:
        return found
    bar = st.progress(0.0, text=f"Fetching {len(rows):,} conversations…")

    def progress(done: int, total: int | None) -> None:
        bar.progress(done / total if total else 0.0, text=f"Fetched {done:,} of {total or 0:,} conversations")

    loaded = timed_load(lambda: supabase_source.load_conversations(session, index, progress=progress))
    bar.empty()
    _store().put(key, loaded)
    return loaded


def load_selected() -> Loaded | None:
    """What the Supabase choices in the sidebar amount to: a dataset, an error, or nothing yet."""
    conn = supabase_connection()
    if isinstance(conn, SupabaseConfigError):
        return None if isinstance(conn, SupabaseNotConfiguredError) else Loaded(None, conn_error(conn), 0.0)
    session = conn.session
    if st.session_state.get(MODE_KEY, "file") == "conversations":
        if st.session_state.get(CONTENT_KEY) != project_id(session):
            return None
        try:
            index = conversation_index(project_id(session), session)
        except LoadError as exc:
            return Loaded(None, exc, 0.0)
        return _load_content(session, index)
    files = training_files(session)
    if isinstance(files, LoadError):
        return Loaded(None, files, 0.0)
    chosen = next((f for f in files if f.id == st.session_state.get(FILE_KEY)), files[0] if files else None)
    return _load_training_file(session, chosen) if chosen else None


def conn_error(exc: SupabaseConfigError) -> LoadError:
    return LoadError("bad_settings", str(exc), "Supabase settings")


def waiting_hint() -> str:
    """What the user still has to do before there is a dataset to show."""
    conn = supabase_connection()
    if isinstance(conn, SupabaseConfigError):
        return "Supabase is not configured (the sidebar and the *Supabase* page say how)"
    if st.session_state.get(MODE_KEY, "file") == "conversations":
        return ("Load the conversations' content in the sidebar (the *Supabase* page lists them and previews one "
                "without loading all)")
    return "This project has no training files; choose *All conversations* in the sidebar"


# --- sidebar -------------------------------------------------------------------------------
def sidebar_controls() -> None:
    conn = supabase_connection()
    if isinstance(conn, SupabaseConfigError):
        if isinstance(conn, SupabaseNotConfiguredError):
            st.info("Supabase is not configured.", icon=":material/key_off:")
            st.markdown(HOW_TO_CONFIGURE)
        else:
            st.error(str(conn))
        return
    session = conn.session
    role = session.settings.role or "unknown"
    st.caption(f":material/database: **{session.settings.host}** · key role `{role}`")
    st.radio("Read", list(MODES), format_func=MODES.get, key=MODE_KEY, horizontal=True)
    if st.session_state[MODE_KEY] == "conversations":
        try:
            index = conversation_index(project_id(session), session)
        except LoadError as exc:
            st.error(str(exc))
            index = None
        if index is not None:
            ready = len(supabase_source.loadable(index))
            st.caption(f"{len(index):,} conversations in the table, {ready:,} with content (an enriched file).")
            if st.button(f"Load the content of {ready:,} conversations", key="supabase.load_content",
                         icon=":material/download:", disabled=not ready, width="stretch"):
                st.session_state[CONTENT_KEY] = project_id(session)
    else:
        files = training_files(session)
        if isinstance(files, LoadError):
            st.error(str(files))
        elif files:
            labels = {f.id: f.label() for f in files}
            if st.session_state.get(FILE_KEY) not in labels:
                st.session_state[FILE_KEY] = files[0].id
            st.selectbox("Training file", list(labels), format_func=labels.get, key=FILE_KEY)
        else:
            st.info("No training files in this project.")
    if st.button("Refresh from Supabase", key="supabase.refresh", icon=":material/refresh:", width="stretch"):
        refresh()
        st.rerun()
