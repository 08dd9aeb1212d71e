"""Where the funnel's records go, for the app: Supabase tables when configured, else local files.

The same choice `history()` makes for releases: snapshots in `traction_snapshots`, decisions in
`access_decisions`, and the session the landing leads are read with (None without Supabase).
"""

from __future__ import annotations

from components.supabase.connection import supabase_connection
from services.hub import requests as access
from services.hub import snapshots
from services.supabase.client import SupabaseSession
from services.supabase.errors import SupabaseConfigError


def session() -> SupabaseSession | None:
    """The Supabase session, or None when Supabase is not configured."""
    conn = supabase_connection()
    return None if isinstance(conn, SupabaseConfigError) else conn.session


def snapshot_store() -> snapshots.SnapshotStore:
    """`traction_snapshots`, or `releases/traction.jsonl`."""
    s = session()
    return snapshots.supabase_store(s) if s else snapshots.jsonl_store()


def decision_log() -> access.JsonlLog[access.AccessDecision] | access.TableLog[access.AccessDecision]:
    """`access_decisions`, or `releases/access-decisions.jsonl`."""
    s = session()
    return access.supabase_decisions(s) if s else access.jsonl_decisions()
