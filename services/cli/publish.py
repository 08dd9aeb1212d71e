"""`publish DIR --repo-id ORG/NAME [--dry-run] [--private] [--gated auto|manual] [--message M]`.

Checks the folder against its `release.json`, shows the dry run, then publishes as the page does.
Failures are raised and mapped to exit statuses by `services.cli.errors.exit_code`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from services.cli.errors import PUBLISH_EXIT
from services.hub import api as hub_api
from services.hub import flow as release_flow
from services.hub import history as release_history
from services.hub import publish as hub_publish
from services.hub.config import hub_settings
from services.hub.dry_run import dry_run
from services.hub.errors import HubError
from services.release import bundle
from services.release.errors import BundleDirError
from services.supabase.client import connect
from services.supabase.config import settings_from_env


def _history() -> release_history.History:
    """Supabase's `dataset_releases` when SUPABASE_URL / SUPABASE_KEY are set, else the local file."""
    settings = settings_from_env()
    return release_history.SupabaseHistory(connect(settings)) if settings else release_history.JsonlHistory()


def run(args: argparse.Namespace) -> int:
    """Dry run, or publish a tier's folder to the Hub and record the attempt."""
    files, manifest = bundle.read_release_dir(Path(args.dir))
    if manifest.get("channel") not in {"hub_public", "hub_gated"}:
        raise BundleDirError(f"{args.dir}: tier '{manifest.get('tier')}' is a {manifest.get('channel')} "
                                     "tier; only Hub tiers are published")
    if problem := hub_publish.repo_id_problem(args.repo_id):
        raise HubError("bad_repo_id", problem, "checking the repo id")
    settings = hub_settings()
    api = hub_api.client(settings)
    tiers = (manifest.get("plan") or {}).get("tiers", [])
    planned = next((t.get("gating") for t in tiers if t.get("name") == manifest.get("tier")), None) or {}
    gated = args.gated
    if gated is None and manifest.get("channel") == "hub_gated":
        gated = planned.get("mode", "auto")  # a gated tier is never published open by default
    context = release_flow.context_from_manifest(manifest)
    options = hub_publish.PublishOptions(
        repo_id=args.repo_id, private=args.private, gated=gated or False,
        commit_message=args.message or f"Release {context.tier}: {context.conversations:,} conversations, "
                                       f"{context.supervised_examples:,} supervised examples")
    identity = hub_api.whoami(api, settings)
    seen = dry_run(api, settings, args.repo_id, files)
    print(f"{args.repo_id} as {identity.name}: " + ("new repo" if not seen.exists else f"head {(seen.head or '')[:8]}"))
    for change in seen.changes:
        print(f"  {change.status:<9} {change.path} ({change.size:,} bytes)")
    if context.blocked:
        print(f"  checks: blocked by {', '.join(context.blocked)}")
    for error in seen.card_errors:
        print(f"  the Hub refuses the card: {error}")
    if args.dry_run:
        print("dry run: nothing was sent" + (" (already up to date)" if seen.up_to_date else ""))
        if seen.card_errors:
            return EXIT_BAD_INPUT
        return EXIT_FAILED if context.blocked else EXIT_OK
    out = release_flow.attempt(api, settings, files, context, options, seen, f"{identity.name} (command line)",
                               _history(), step=lambda text: print(f"  … {text}"))
    if out.history_error:
        print(f"warning: {out.history_error}", file=sys.stderr)
    if out.result is None:
        print(f"error: {out.error}", file=sys.stderr)
        return PUBLISH_EXIT.get(out.error_code or "", EXIT_FAILED)
    r = out.result
    print(("already up to date: " if r.outcome == "up_to_date" else "published: ")
          + f"{r.url} (commit {r.commit[:8]}{', tag ' + r.tag if r.tag else ''})")
    if r.warning:
        print(f"warning: {r.warning}", file=sys.stderr)
    return EXIT_OK
