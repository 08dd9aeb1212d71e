"""Where the funnel's records go, for the app: the current world's (`client.records`): the sandbox's
files, else Supabase's tables when configured, else local files."""

from __future__ import annotations

from components.hub.client import records
from services.hub import snapshots
from services.records.stores import DecisionLog


def snapshot_store() -> snapshots.SnapshotStore:
    """`traction_snapshots`, `releases/traction.jsonl`, or the sandbox's."""
    return records().snapshots


def decision_log() -> DecisionLog:
    """`access_decisions`, `releases/access-decisions.jsonl`, or the sandbox's."""
    return records().decisions
