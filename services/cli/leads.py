"""`leads [--repo-id ORG/NAME] [--csv FILE]`: the lead ledger, one row per person.

Hub access requests of every gated repo in the release history (every page of every list; a
request without user or email still appears, marked in `contact`) merged with the landing-page
leads in Supabase when SUPABASE_URL / SUPABASE_KEY (service role) are set. Exit 0 when everything
was read, 1 when a repo or the leads could not be (what was read is still printed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.cli import EXIT_FAILED, EXIT_OK, stores
from services.funnel import ledger
from services.funnel.sources import NO_SUPABASE, read_ledger
from services.hub import api as hub_api
from services.hub.config import hub_settings
from services.hub.history import published_repos
from services.utils.files import write_atomic


def run(args: argparse.Namespace) -> int:
    """Print the ledger (and write it as CSV); say what could not be read."""
    settings = hub_settings()
    session = stores.supabase_session()
    repos = published_repos(stores.history(session).read())
    read = read_ledger(hub_api.client(settings), settings, repos, session, args.repo_id)
    table = ledger.table(read.people)
    if table.empty:
        print("no leads yet" + (f" for {args.repo_id}" if args.repo_id else ""))
    else:
        shown = table.drop(columns=["sources"]).fillna("")
        print(shown.to_string(index=False, max_colwidth=40))
        print(f"\n{len(table):,} people from {len(repos):,} published repo(s)")
    if args.csv:
        path = write_atomic(Path(args.csv), table.to_csv(index=False).encode("utf-8"))
        print(f"written: {path}")
    for problem in read.problems:
        print(f"warning: {problem}", file=sys.stderr)
    if read.leads_missing:
        print(f"{'note' if read.leads_missing == NO_SUPABASE else 'warning'}: {read.leads_missing}", file=sys.stderr)
    failed = read.problems or (read.leads_missing and read.leads_missing != NO_SUPABASE)
    return EXIT_FAILED if failed else EXIT_OK
