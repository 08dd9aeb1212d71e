"""Bundle benchmark (issue #5): building the release of 7,200 conversations.

Compares writing the two configs with the studio's explicit Arrow schemas against
`datasets.Dataset.from_list(rows).to_parquet()` on the same rows, and times the whole build
(conversion, Parquet, card, coverage image, manifest, checks) for each preset.

    python benchmarks/bench_bundle.py [--conversations 7200]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL_TOTAL_S = 10.0


def _best(fn: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=7200)
    args = parser.parse_args()
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

    import datasets

    from services.dataset.loader import load_dataset
    from services.demo import generator as demo
    from services.release import bundle, convert, parquet
    from services.release.checks import runner as checks
    from services.strategy import presets, sampling

    datasets.disable_progress_bars()
    ds = load_dataset(demo.demo_bytes(args.conversations), "scaled demo")
    plan = presets.preset_giveaway()
    sel = sampling.select_plan(ds, plan)["full"]
    t0 = time.perf_counter()
    conv_rows, pair_rows = convert.tier_rows(ds, sel)
    t_convert = time.perf_counter() - t0
    print(f"{len(conv_rows):,} conversations, {len(pair_rows):,} training pairs; conversion to rows "
          f"{t_convert:.2f} s\n")

    def ours() -> None:
        parquet.parquet_bytes(convert.to_table(conv_rows, convert.CONVERSATIONS_SCHEMA))
        parquet.parquet_bytes(convert.to_table(pair_rows, convert.TRAINING_PAIRS_SCHEMA))

    def theirs() -> None:
        with tempfile.TemporaryDirectory() as cache:
            datasets.config.HF_DATASETS_CACHE = Path(cache)
            for rows in (conv_rows, pair_rows):
                datasets.Dataset.from_list(rows).to_parquet(io.BytesIO())

    t_ours, t_theirs = _best(ours), _best(theirs)
    print(f"  studio: Arrow tables with explicit schemas → Parquet   {t_ours:6.2f} s")
    print(f"  datasets.Dataset.from_list(rows).to_parquet()          {t_theirs:6.2f} s")
    print(f"  studio takes {t_ours / t_theirs:.2f}× the time of datasets (goal ≤ 1): "
          f"{'met' if t_ours <= t_theirs else 'NOT met'}\n")

    totals = []
    for name, make in presets.PRESETS.items():
        p = make()
        t0 = time.perf_counter()
        selections = sampling.select_plan(ds, p)
        built = bundle.build_plan(ds, p, selections)
        reports = checks.check_plan(ds, p, selections, built)
        with tempfile.TemporaryDirectory() as out:
            for b in built.values():
                b.write(Path(out))
        elapsed = time.perf_counter() - t0
        totals.append(elapsed)
        status = ", ".join(f"{n}: {r.status}" for n, r in reports.items())
        print(f"  whole build of '{name}' (select, convert, write, card, image, checks): {elapsed:5.2f} s"
              f"  [{status}]")
    worst = max(totals)
    verdict = "met" if worst < GOAL_TOTAL_S else "NOT met"
    print(f"\nslowest whole build {worst:.2f} s (goal < {GOAL_TOTAL_S:.0f} s): {verdict}")


if __name__ == "__main__":
    main()
