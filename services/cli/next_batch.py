"""`next-batch PATH [--scaffolding FILE] [--feedback FILE] [--total N | --budget USD] [--edge-share F]
[--name NAME] --out FILE`: the platform's batch body for the next generation batch.

The scaffolding is the file given, else Supabase's tables when configured, else the demo's for the demo
data, else the data's own keys (`batch.scaffolding.resolve_scaffolding`, as the page decides it). Only a
body the platform runs is written: without an id the platform accepts for every persona, arc, topic and
template (the data's own keys have none), the command exits 2, writes nothing, and says how to get the
ids. A broken scaffolding or feedback file
is refused in words naming the file and the row; nothing is written then either. The studio never
calls the platform.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.batch.body import curl_line, duration
from services.batch.demand import read_feedback_file
from services.batch.planner import BatchRequest, plan_batch
from services.batch.scaffolding_source import resolve_scaffolding
from services.cli import DEMO_SOURCE, EXIT_BAD_INPUT, EXIT_OK, stores
from services.cli.source import load
from services.utils.files import write_atomic


def run(args: argparse.Namespace) -> int:
    """Choose the batch, write its body, print the summary."""
    session = None if args.scaffolding else stores.supabase_session()
    scaffolding, where = resolve_scaffolding(args.scaffolding, session, demo_fallback=args.path == DEMO_SOURCE)
    themes = read_feedback_file(args.feedback) if args.feedback else []
    ds = load(args.path, args.scaffolding)
    try:
        given = {"name": args.name, "total": args.total, "budget_usd": args.budget, "edge_share": args.edge_share}
        plan = plan_batch(ds, scaffolding, themes, BatchRequest(**{k: v for k, v in given.items() if v is not None}))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)
    if plan.body is None or plan.data is None:
        print(f"error: nothing written to {args.out}: {plan.unsendable}", file=sys.stderr)
        return EXIT_BAD_INPUT
    path = write_atomic(Path(args.out), plan.data)
    s = plan.summary
    print(f"{s.conversations:,} conversations ({s.edge_cases:,} edge cases), about {s.expected_pairs:,} training "
          f"pairs, ${s.cost_usd:,.2f}, about {duration(s.seconds)} at {plan.body.concurrentProcessing} at a time")
    print(f"cells from {where}; feedback: {len(themes):,} theme(s)"
          + (f" from {args.feedback}" if args.feedback else ""))
    for pick in plan.choice.picks:
        print(f"  {pick.tier:9} {pick.persona} × {pick.arc} × {pick.topic}: {'; '.join(pick.reasons)}")
    print(f"written: {path}")
    print(f"send it: {curl_line(path.name)}")
    return EXIT_OK
