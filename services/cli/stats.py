"""`stats PATH [--json]`: what an export contains, and what is wrong with it.

Imports only the loader and `services.dataset.summary` (numpy, msgspec): no pandas, no pyarrow.
"""

from __future__ import annotations

import argparse

from services.cli import EXIT_OK
from services.cli.source import load
from services.dataset import summary
from services.dataset.detect import FORMAT_LABELS
from services.dataset.loader import LoadedDataset


def _text(ds: LoadedDataset, out: summary.DatasetStats) -> str:
    lines = [
        f"{ds.name} — {FORMAT_LABELS[ds.format]}",
        summary.summary_sentence(ds),
        "",
        f"conversations        {out.conversations:>8,}",
        f"training pairs       {out.training_pairs:>8,}",
        f"pairs with a target  {out.pairs_with_target:>8,}",
        f"quality avg/min/max  {out.quality.avg} / {out.quality.min} / {out.quality.max}",
        f"human-reviewed pairs {out.human_reviewed_pairs:>8,}",
    ]
    for title, counts in (("personas", out.personas), ("emotional arcs", out.emotional_arcs),
                          ("training topics", out.training_topics)):
        lines += ["", f"{title}:"] + [f"  {key:<34} {n:>6,}" for key, n in counts.items()]
    if out.empty_persona_arc_cells:
        lines += ["", "empty persona × arc cells: " + ", ".join(" × ".join(c) for c in out.empty_persona_arc_cells)]
    lines += ["", f"findings ({len(out.issues)}):"]
    lines += [f"  [{i.severity}] {i.message}" + (f" — {i.where}" if i.where else "") for i in out.issues]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the dataset's headline figures and findings (or the `stats --json` document)."""
    ds = load(args.path, args.scaffolding)
    out = summary.dataset_stats(ds)
    print(out.to_json() if args.json else _text(ds, out))
    return EXIT_OK
