"""`publish DIR|ZIP [--repo-id ORG/NAME] [--dry-run] [--private] [--gated auto|manual] [--message M]`.

A Hub tier's folder goes to its dataset repo; a download tier's zip goes out as its landing
Space (the page, its README and the zip; the form posts with SUPABASE_PUBLISHABLE_KEY). Checks
the release against its `release.json`, shows the dry run, then publishes as the page does.
Failures are raised and mapped to exit statuses by `services.cli.errors.exit_code`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from services.cli import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, stores
from services.cli.errors import PUBLISH_EXIT
from services.funnel.landing_pages import LandingPage, LandingRegistration
from services.funnel.space import space_files, zip_contents
from services.hub import api as hub_api
from services.hub import flow as release_flow
from services.hub import publish as hub_publish
from services.hub.dry_run import dry_run
from services.hub.errors import HubError
from services.release.errors import BundleDirError
from services.release.manifest import read_release_dir
from services.strategy.links import RepoType
from services.supabase.config import ENV_PUBLISHABLE, ENV_URL
from services.utils.files import FileSource


def _release(path: Path, repo_id: str | None, endpoint: str) -> tuple[Mapping[str, FileSource], dict, RepoType, str]:
    """The files to publish, the manifest, the kind of repo and its id: a folder's files (their paths:
    uploaded from disk, never read whole), or the landing Space built around a download tier's zip."""
    if path.is_file() and path.suffix == ".zip":
        data = path.read_bytes()
        manifest, _ = zip_contents(data)
        space_id = repo_id or manifest["repo_id"]
        capture = stores.lead_capture()
        if capture is None:
            raise BundleDirError(f"a landing Space needs {ENV_URL} and {ENV_PUBLISHABLE} (the project's publishable "
                                 "key, which the public page carries)")
        return space_files(data, space_id, endpoint, capture), manifest, "space", space_id
    files, manifest = read_release_dir(path)
    if manifest.get("channel") not in {"hub_public", "hub_gated"}:
        raise BundleDirError(f"{path}: tier '{manifest.get('tier')}' is a {manifest.get('channel')} "
                             "tier; only Hub tiers and download zips are published")
    return files, manifest, "dataset", repo_id or manifest["repo_id"]


def run(args: argparse.Namespace) -> int:
    """Dry run, or publish a tier (folder or zip) to the Hub and record the attempt."""
    settings = stores.hub()
    files, manifest, kind, repo_id = _release(Path(args.dir), args.repo_id, settings.endpoint)
    if problem := hub_publish.repo_id_problem(repo_id):
        raise HubError("bad_repo_id", problem, "checking the repo id")
    api = hub_api.client(settings)
    tiers = (manifest.get("plan") or {}).get("tiers", [])
    planned = next((t.get("gating") for t in tiers if t.get("name") == manifest.get("tier")), None) or {}
    gated = args.gated
    if gated is None and manifest.get("channel") == "hub_gated":
        gated = planned.get("mode", "auto")  # a gated tier is never published open by default
    context = release_flow.context_from_manifest(manifest)
    options = hub_publish.PublishOptions(
        repo_id=repo_id, repo_type=kind, private=args.private, gated=gated or False,
        commit_message=args.message or f"Release {context.tier}: {context.conversations:,} conversations, "
                                       f"{context.supervised_examples:,} supervised examples")
    identity = hub_api.whoami(api, settings)
    seen = dry_run(api, settings, repo_id, files, kind)
    print(f"{repo_id} ({kind}) as {identity.name}: "
          + ("new repo" if not seen.exists else f"head {(seen.head or '')[:8]}"))
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
    records = stores.records()
    landing = LandingRegistration(records.landing_pages, LandingPage(space_id=repo_id, tier=context.tier)) \
        if kind == "space" else None
    out = release_flow.attempt(api, settings, files, context, options, seen, f"{identity.name} (command line)",
                               records.history, step=lambda text: print(f"  … {text}"), precondition=landing)
    if out.history_error:
        print(f"warning: {out.history_error}", file=sys.stderr)
    if out.result is None:
        print(f"error: {out.error}", file=sys.stderr)
        return PUBLISH_EXIT.get(out.error_code or "", EXIT_FAILED)
    r = out.result
    print(("already up to date: " if r.outcome == "up_to_date" else "published: ")
          + f"{r.url} (commit {r.commit[:8]}{', tag ' + r.tag if r.tag else ''})")
    if r.collection:
        print(f"in the plan's collection: {settings.endpoint}/collections/{r.collection}")
    if r.warning:
        print(f"warning: {r.warning}", file=sys.stderr)
    return EXIT_OK
