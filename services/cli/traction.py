"""`traction snapshot`: store one traction snapshot per published repo, for a daily scheduler.

The Hub keeps no history; this is how the Traction page gets one. Each run reads every repo and
Space in the release history and appends a snapshot per repo read (Supabase `traction_snapshots`
when configured, else `releases/traction.jsonl`). Exit 1 if any repo could not be read (the rest
are still stored), so cron mails the owner.
"""

from __future__ import annotations

import argparse
import sys

from services.cli import EXIT_FAILED, EXIT_OK, stores
from services.funnel.sources import NO_SUPABASE, read_traction
from services.hub import api as hub_api
from services.hub.history import published_repos
from services.hub.snapshots import SERIES


def run(args: argparse.Namespace) -> int:
    """Take one snapshot per published repo and print what it recorded."""
    settings = stores.hub()
    records = stores.records()
    history = records.history
    repos = published_repos(history.read())
    if not repos:
        print(f"no snapshot taken: the release history in the {history.where} holds no published repo")
        return EXIT_OK
    store = records.snapshots
    read = read_traction(hub_api.client(settings), settings, repos, records.leads, store)
    for snap in read.snapshots:
        figures = ", ".join(f"{label} {getattr(snap, key):,}" for key, label in SERIES.items()
                            if getattr(snap, key) is not None)
        print(f"{snap.repo_id} ({snap.repo_type}): {figures}")
    errors = [i for i in read.items if i.error]
    for item in errors:
        print(f"warning: {item.repo_id}: {item.error}", file=sys.stderr)
    if read.leads_missing and read.leads_missing != NO_SUPABASE:
        print(f"warning: {read.leads_missing}", file=sys.stderr)
    if read.store_problem:
        print(f"error: {read.store_problem}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{len(read.snapshots):,} snapshot(s) stored in {store.where}")
    return EXIT_FAILED if errors else EXIT_OK
