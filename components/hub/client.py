"""The Hub client, who it acts as, and where releases are recorded: shared by the Release pages.

The token comes from `st.secrets["HF_TOKEN"]` or the environment and stays inside `HubSettings`
(a `SecretStr`); caches are keyed by a hash of it, never by the token itself. While the sandbox is
on (`components.hub.sandbox`), the settings, the endpoint and every record are the sandbox's.
"""

from __future__ import annotations

import hashlib

import streamlit as st
from huggingface_hub import HfApi

from components.hub import sandbox
from components.secrets import app_secrets
from components.supabase.connection import lead_capture as supabase_lead_capture
from components.supabase.connection import supabase_session
from services.funnel.space import LeadCapture
from services.hub import api as hub_api
from services.hub import history as release_history
from services.hub.api import Identity
from services.hub.config import HubConfigError, HubSettings, hub_endpoint, hub_settings
from services.hub.errors import HubError
from services.hub.history import PublishedRepo
from services.records.stores import Records, real_records

IDENTITY_TTL = 300
RECORDS_TTL = 60


def settings() -> HubSettings | HubConfigError:
    """The sandbox's settings while it is on, else the configured token's (or why there is none)."""
    if sandbox.active():
        return sandbox.in_use().settings()
    try:
        return hub_settings(app_secrets())
    except HubConfigError as exc:
        return exc


def endpoint() -> str:
    """The Hub releases go to, token or not: cards link their sibling tiers there."""
    return sandbox.address() if sandbox.active() else hub_endpoint(app_secrets())


def token_id(s: HubSettings) -> str:
    return hashlib.sha256(f"{s.endpoint}\n{s.token.get_secret_value()}".encode()).hexdigest()[:16]


@st.cache_resource(max_entries=4)
def _client(key: str, _settings: HubSettings) -> HfApi:
    return hub_api.client(_settings)


def client(s: HubSettings) -> HfApi:
    return _client(token_id(s), s)


@st.cache_data(ttl=IDENTITY_TTL, show_spinner="Checking the token…")
def _identity(key: str, _settings: HubSettings) -> Identity:
    return hub_api.whoami(client(_settings), _settings)


def identity(s: HubSettings) -> Identity | HubError:
    try:
        return _identity(token_id(s), s)
    except HubError as exc:
        return exc


def records() -> Records:
    """The sandbox's records while it is on; else Supabase's tables when configured, else local files."""
    return sandbox.in_use().records if sandbox.active() else real_records(supabase_session())


def history() -> release_history.History:
    """Where releases are recorded (see `records`)."""
    return records().history


@st.cache_data(ttl=RECORDS_TTL, show_spinner=False)
def _history_rows(where: str, _store: release_history.History) -> list[release_history.ReleaseRecord]:
    return _store.read()


def release_records() -> list[release_history.ReleaseRecord]:
    """The release history, read at most once a minute: pages that only look up a published repo (the
    Samples page's viewer link) rerun on every click. A publish from this app clears it."""
    store = history()
    return _history_rows(store.where, store)


def published() -> tuple[list[PublishedRepo], str]:
    """Every repo and Space the (cached) history says reached the Hub, and a key naming them for
    the caches of the pages that read them (Leads, Traction)."""
    repos = release_history.published_repos(release_records())
    return repos, "\n".join(f"{r.repo_type}:{r.repo_id}:{r.tier}" for r in repos)


def forget_release_records() -> None:
    """After a publish: the next look-up reads the record just written."""
    _history_rows.clear()


def lead_capture() -> LeadCapture | str:
    """Where a landing page's form posts: the sandbox itself while it is on, else the Supabase project
    (or what is missing)."""
    return sandbox.in_use().lead_capture() if sandbox.active() else supabase_lead_capture()
