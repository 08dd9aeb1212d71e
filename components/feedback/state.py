"""The inbox as the Feedback page (and the Next batch page's live themes) read it: cached five minutes
per token and set of repos, cleared by Refresh or by a reply. Owns no widget keys."""

from __future__ import annotations

import msgspec
import streamlit as st

from components.batch.scaffolding_state import current_scaffolding, described
from components.dataset.cache import dataset_key
from components.hub.client import client, published, records, settings, token_id
from components.secrets import app_secrets
from services.batch.planner import scaffolding_from_data
from services.batch.scaffolding_source import names_of
from services.dataset.loader import LoadedDataset
from services.dataset.scaffolding import Scaffolding
from services.feedback import likers
from services.feedback.inbox import read_inbox
from services.feedback.models import FeedbackRead
from services.feedback.settings import feedback_settings
from services.feedback.themes import ThemeIndex, named_index
from services.hub.config import HubConfigError, HubSettings
from services.hub.history import PublishedRepo
from services.supabase.errors import SupabaseError

TTL = 300


def theme_index(ds: LoadedDataset | None) -> tuple[ThemeIndex, str]:
    """The names themes look for: the dataset's, and the scaffolding's (Supabase's tables or the demo's)."""
    try:
        scaffolding, where = current_scaffolding(demo_fallback=True)
    except SupabaseError as exc:  # a Supabase that cannot be read: the data's names alone, and say so
        return _named(dataset_key(ds) if ds is not None else "", b"", f"no scaffolding (Supabase's tables could "
                      f"not be read: {exc})", ds, None)
    said = described(scaffolding, where, ds)
    content = msgspec.json.encode(scaffolding) if scaffolding is not None else b""
    return _named(dataset_key(ds) if ds is not None else "", content, said, ds, scaffolding)


@st.cache_resource(max_entries=8, show_spinner=False)
def _named(data_key: str, scaffolding_json: bytes, said: str, _ds: LoadedDataset | None,
           _scaffolding: Scaffolding | None) -> tuple[ThemeIndex, str]:
    """The theme index, built once per dataset and scaffolding (it walks every conversation's keys), not on
    every rerun of the pages that read the inbox (Feedback, and Card & Publish for "What's new")."""
    return named_index(_ds, _scaffolding, said)


@st.cache_data(max_entries=8, show_spinner=False)
def _data_names(key: str, _ds: LoadedDataset) -> dict[str, str]:
    return names_of(scaffolding_from_data(_ds))  # a pass over every conversation: once per dataset


def theme_names(ds: LoadedDataset | None) -> dict[str, str]:
    """Theme key → the name people read: the scaffolding's names (Supabase's or the demo's), else the data's
    own; a lexicon theme ("license", "language") is its own word. Keys stay in the CSVs and the JSON."""
    names = _data_names(dataset_key(ds), ds) if ds is not None else {}
    try:
        scaffolding, _ = current_scaffolding(demo_fallback=True)
    except SupabaseError:
        scaffolding = None
    return names | (names_of(scaffolding) if scaffolding is not None else {})


def sightings() -> likers.SightingStore:
    return records().likers


@st.cache_data(ttl=TTL, show_spinner="Reading what people said on the Hub…")
def _read(key: str, repos_key: str, index_key: str, _repos: list[PublishedRepo], _settings: HubSettings,
          _index: ThemeIndex) -> FeedbackRead:
    read = read_inbox(client(_settings), _settings, _repos, records().answers, feedback_settings(app_secrets()),
                      _index, sightings=sightings())
    return read


def inbox(ds: LoadedDataset | None) -> tuple[FeedbackRead, str] | HubConfigError:
    """The inbox for every published repo, at most five minutes old, and where theme names came from."""
    hub = settings()
    if isinstance(hub, HubConfigError):
        return hub
    repos, repos_key = published()
    index, names_from = theme_index(ds)
    index_key = str(hash(tuple(sorted(index.phrases.items()))))
    return _read(token_id(hub), repos_key, index_key, repos, hub, index), names_from


def forget() -> None:
    """Read again on the next run (Refresh, or after a reply)."""
    _read.clear()
