"""`bundle PATH (--preset P | --plan FILE) --out DIR [--no-image]`: build, check and write each tier."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from services.cli import EXIT_FAILED, EXIT_OK
from services.cli.plans_arg import plan_from
from services.cli.source import load
from services.dataset.report import LoadError

if TYPE_CHECKING:
    from services.release.card.whats_new import PreviousReleases

STATUS_MARK = {"pass": "ok  ", "warn": "WARN", "block": "BLOCK"}


def _previous() -> PreviousReleases | None:
    """The tiers' earlier releases (the history `publish` writes to), for each card's "What's new"."""
    from services.cli import stores
    from services.hub.history import previous_releases

    history = stores.records().history
    try:
        return previous_releases(history.read())
    except (LoadError, OSError) as exc:
        print(f"warning: the release history in the {history.where} cannot be read, so no card says what is "
              f"new: {exc}", file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int:
    """Build, check and write each released tier's folder and zip; 1 if a tier is blocked."""
    from services.cli import stores

    plan = plan_from(args)
    ds = load(args.path, args.scaffolding)
    # Imported once the export is loaded: the load's peak (the file mapped beside its records) is then
    # not raised by modules only the release needs.
    from services.batch.demand import read_feedback_file
    from services.release import bundle
    from services.release.checks import runner as checks
    from services.strategy import sampling

    selections = sampling.select_plan(ds, plan)
    errors = [s.error for s in selections.values() if s.error]
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    # The cards link the tiers where `publish` will put them: on the Hub HF_ENDPOINT names.
    previous = _previous()
    themes = [t.theme for t in read_feedback_file(args.feedback)] if args.feedback else []
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # Data files are written straight into a staging folder under `out` (they grow with the export: never
    # held in memory) and renamed into place when the tier is written; a failure removes them.
    built = bundle.build_plan(ds, plan, selections, with_image=not args.no_image, hub_url=stores.endpoint(),
                              previous=previous, themes=themes, staging=out)
    try:
        reports = checks.check_plan(ds, plan, selections, built)
    except BaseException:
        for b in built.values():
            b.discard()
        raise
    for name, b in built.items():
        path = b.write(out)
        print(f"{name}: {b.facts.conversations:,} conversations, {b.facts.supervised_examples:,} supervised examples "
              f"→ {path}")
        for c in reports[name].checks:
            print(f"  [{STATUS_MARK[c.status]}] {c.name}: {c.summary}")
            for place in c.places[:5]:
                where = " ".join(x for x in (place.conversation_id or "", f"message {place.turn}" if place.turn
                                             else "") if x)
                print(f"         {where} {place.excerpt or place.detail}".rstrip())
    for tier in plan.tiers:
        if tier.channel == "private":
            print(f"{tier.name}: kept back ({tier.channel}), not built")
    blocked = [n for n, r in reports.items() if r.blocked]
    if blocked:
        print(f"error: blocked by the checks: {', '.join(blocked)}", file=sys.stderr)
    return EXIT_FAILED if blocked or errors else EXIT_OK
