"""Recompute benchmark (issue #4): with 10,000 conversations loaded, change a tier rule and
recompute every tier and the comparison, as the Strategy page does on each edit.

    python benchmarks/bench_plan.py [--conversations 10000] [--edits 30]

Prints the median and the slowest edit, against the 100 ms goal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()

    from services.dataset.loader import load_dataset
    from services.demo import generator as demo
    from services.strategy import compare, presets, sampling

    started = time.perf_counter()
    ds = load_dataset(demo.demo_bytes(args.conversations), "scaled demo")
    print(f"{len(ds.conversations):,} conversations, {int(ds.conversation_table['pairs'].sum()):,} pairs "
          f"(generated and loaded in {time.perf_counter() - started:.1f} s)")

    plan = presets.preset_billboard()
    compare.comparison(ds, plan, sampling.select_plan(ds, plan))  # warm-up: per-dataset arrays are built once
    timings = []
    for edit in range(args.edits):
        # The edits a user makes: the preview's size, the EQ tier's size, a filter, the seed.
        changed = plan.model_copy(deep=True)
        changed.tier("preview").selection.size = 30 + edit % 40
        changed.tier("eq-100").selection.size = 100 + 10 * (edit % 5)
        changed.tier("eq-100").selection.filters.min_quality = 2.5 if edit % 2 else None
        changed.seed = plan.seed + edit
        t0 = time.perf_counter()
        selections = sampling.select_plan(ds, changed)
        compare.comparison(ds, changed, selections)
        compare.strategy_summary(ds, changed, selections)
        compare.composition(ds, selections, "arc")
        timings.append((time.perf_counter() - t0) * 1000)
    median, worst = statistics.median(timings), max(timings)
    print(f"recompute all tiers + comparison after an edit: median {median:.1f} ms, slowest {worst:.1f} ms "
          f"over {args.edits} edits (goal < {GOAL_MS:.0f} ms): {'met' if worst < GOAL_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
