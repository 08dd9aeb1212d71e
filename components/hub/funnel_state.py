"""Where the funnel's records go, for the app: Supabase tables when configured, else local files.

The same choice `client.history()` makes for releases: snapshots in `traction_snapshots`, decisions
in `access_decisions`.
"""

from __future__ import annotations

from components.supabase.connection import supabase_session
from services.hub import requests as access
from services.hub import snapshots


def snapshot_store() -> snapshots.SnapshotStore:
    """`traction_snapshots`, or `releases/traction.jsonl`."""
    s = supabase_session()
    return snapshots.supabase_store(s) if s else snapshots.jsonl_store()


def decision_log() -> access.JsonlLog[access.AccessDecision] | access.TableLog[access.AccessDecision]:
    """`access_decisions`, or `releases/access-decisions.jsonl`."""
    s = supabase_session()
    return access.supabase_decisions(s) if s else access.jsonl_decisions()
