"""`leads [--repo-id ORG/NAME] [--csv FILE]`: the lead ledger, one row per person.

Hub access requests of every gated repo in the release history (every page of every list; a
request without user or email still appears, marked in `contact`) merged with the landing-page
leads in Supabase when SUPABASE_URL / SUPABASE_KEY (service role) are set. What people typed is
printed without its control sequences, and the CSV's cells cannot run as formulas in a spreadsheet.
Exit 0 when everything was read, 1 when a repo or the leads could not be (what was read is still
printed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.cli import EXIT_FAILED, EXIT_OK, stores
from services.funnel import ledger
from services.funnel.sources import NO_SUPABASE, LedgerRead, read_ledger
from services.hub import api as hub_api
from services.hub.history import published_repos
from services.utils.files import write_atomic
from services.utils.untrusted import csv_text, for_terminal


def _nothing_found(read: LedgerRead, repo_id: str | None, history_where: str) -> str:
    """What an empty ledger means, said only of what was read: the repos read, the landing leads or
    why they were not, and what could not be read."""
    if read.read_repos:
        hub = (f"no access request on {repo_id}" if repo_id else
               f"no access request on the {len(read.read_repos):,} published repo(s) read")
    elif repo_id is None and not read.problems:
        hub = f"no repo has been published (the release history in the {history_where} holds none), so no access " \
              "request was read"
    else:
        return (f"nothing could be read: {len(read.problems):,} repo(s) failed (below), so the studio cannot say "
                "whether anyone asked")
    if read.leads_missing is None:
        landing = "no landing-page lead" + (f" from {repo_id}" if repo_id else "") + " in Supabase"
    else:
        landing = "landing-page leads not read (see below)"
    return f"no leads found: {hub}; {landing}"


def run(args: argparse.Namespace) -> int:
    """Print the ledger (and write it as CSV); say what could not be read."""
    settings = stores.hub()
    records = stores.records()
    history = records.history
    repos = published_repos(history.read())
    read = read_ledger(hub_api.client(settings), settings, repos, records.leads, args.repo_id)
    if read.outside_history:
        print(f"note: {read.outside_history} is not in the release history; it was read from the Hub all the same",
              file=sys.stderr)
    table = ledger.table(read.people)
    if table.empty:
        print(_nothing_found(read, args.repo_id, history.where))
    else:
        shown = table.drop(columns=["sources"]).fillna("").map(lambda v: for_terminal(v) if isinstance(v, str) else v)
        print(shown.to_string(index=False, max_colwidth=40))
        if (table["address"] == ledger.NOT_VERIFIED).any():
            print(f"\n'{ledger.NOT_VERIFIED}': typed on a landing page, where anyone can type any address; no "
                  "confirmation email was sent (run the CRM's double opt-in before writing to them)")
        print(f"\n{len(table):,} people from {len(read.read_repos):,} repo(s) read"
              + (f" ({len(read.problems):,} could not be read)" if read.problems else ""))
    if args.csv:
        path = write_atomic(Path(args.csv), csv_text(table).encode("utf-8"))
        print(f"written: {path}")
    for problem in read.problems:
        print(f"warning: {problem}", file=sys.stderr)
    if read.leads_missing:
        print(f"{'note' if read.leads_missing == NO_SUPABASE else 'warning'}: {read.leads_missing}", file=sys.stderr)
    return EXIT_OK if read.complete else EXIT_FAILED
