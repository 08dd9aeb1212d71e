"""Where the CLI keeps and reads its records: Supabase when SUPABASE_URL / SUPABASE_KEY are set,
else the local files (the same choice the app makes from its secrets)."""

from __future__ import annotations

from services.feedback import likers
from services.hub import history as release_history
from services.hub import snapshots
from services.supabase.client import SupabaseSession, connect
from services.supabase.config import settings_from_env


def supabase_session() -> SupabaseSession | None:
    """A session when Supabase is configured in the environment, else None."""
    settings = settings_from_env()
    return connect(settings) if settings else None


def history(session: SupabaseSession | None) -> release_history.History:
    """`dataset_releases`, or the local history file."""
    return release_history.SupabaseHistory(session) if session else release_history.JsonlHistory()


def liker_store(session: SupabaseSession | None) -> likers.SightingStore:
    """`liker_sightings`, or the local likers file."""
    return likers.supabase_sightings(session) if session else likers.jsonl_sightings()


def snapshot_store(session: SupabaseSession | None) -> snapshots.SnapshotStore:
    """`traction_snapshots`, or the local traction file."""
    return snapshots.supabase_store(session) if session else snapshots.jsonl_store()
