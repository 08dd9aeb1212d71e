"""`share PATH (--preset P | --plan FILE) --tier T [--conversation ID] --out DIR`: the marketing kit.

For one conversation (or, without `--conversation`, each of the tier's featured ones): `<id>.png`,
the share image, and `<id>.txt`, the excerpt to paste. Cut from the tier's released rows.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from services.cli import EXIT_OK
from services.cli.plans_arg import plan_from
from services.cli.source import load
from services.marketing import featured, kit
from services.release import tier_data
from services.release.card.render import CardText
from services.release.errors import ReleaseError
from services.strategy import sampling
from services.utils.files import write_atomic


def run(args: argparse.Namespace) -> int:
    """Write the share image and excerpt of one conversation, or of each featured one."""
    plan = plan_from(args)
    ds = load(args.path, args.scaffolding)
    if args.tier not in {t.name for t in plan.tiers}:
        raise ReleaseError(f"plan '{plan.name}' has no tier '{args.tier}' (its tiers: "
                           f"{', '.join(t.name for t in plan.tiers)})")
    selection = sampling.select_plan(ds, plan)[args.tier]
    out = Path(args.out)
    with tempfile.TemporaryDirectory(prefix="share-") as staging:  # the tier's files on disk, never in memory
        data = tier_data.prepare_tier(ds, plan, selection, with_image=False, staging=Path(staging))
        facts = featured.released_facts(ds, data.conversation_ids)
        for cid in [args.conversation] if args.conversation else featured.best(facts):
            _, row = kit.released_row(data, cid)
            excerpt = kit.excerpt_of(row, CardText().title)
            write_atomic(out / f"{cid}.png", kit.share_png(excerpt))
            write_atomic(out / f"{cid}.txt", kit.excerpt_text(excerpt).encode("utf-8"))
            print(f"{cid}: {row['persona_name']} · {row['arc_name']} → {out / cid}.png, .txt")
    return EXIT_OK
