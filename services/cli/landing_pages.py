"""`landing-pages [list]` and `landing-pages retire ORG/NAME`: the landing pages whose forms take submissions.

Publishing a landing Space records its page (Supabase's `landing_pages`, or the sandbox's file); the
database's form functions accept a submission only for a recorded page that is not retired. Retire a
page when its Space is taken down or replaced: from then on its form stores nothing and says so.
Exit 0; 2 when no page of that id is open, or nothing records landing pages (no Supabase).
"""

from __future__ import annotations

import argparse
import sys

from services.cli import EXIT_BAD_INPUT, EXIT_OK, stores
from services.funnel.landing_pages import NO_REGISTRY


def run(args: argparse.Namespace) -> int:
    """List the recorded pages, or retire one."""
    store = stores.records().landing_pages
    if store is None:
        print(f"error: {NO_REGISTRY}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.action == "retire":
        if not args.space_id:
            print("error: retire needs the landing Space's id (ORG/NAME)", file=sys.stderr)
            return EXIT_BAD_INPUT
        if not store.retire(args.space_id):
            print(f"error: no open landing page {args.space_id} in {store.where}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"retired: {args.space_id} takes no more submissions")
        return EXIT_OK
    pages = store.pages()
    if not pages:
        print(f"no landing page recorded in {store.where}")
    for page in pages:
        state = "open" if page.open else f"retired {page.retired_at:%Y-%m-%d %H:%M}"
        print(f"{page.space_id}  tier {page.tier}  wording {page.consent_version} / feedback "
              f"{page.feedback_consent_version}  published {page.published_at:%Y-%m-%d %H:%M}  {state}")
    return EXIT_OK
