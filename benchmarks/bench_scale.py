"""Scale benchmark (issue #23): `stats` and `bundle` at 10k / 36k / 100k conversations, as separate processes.

For each size it writes the demo export (or takes `--path`), then runs, each in a fresh process:
`cli stats FILE`, `cli bundle FILE --preset giveaway --no-image`, and the `datasets` reference on the same
rows (`Dataset.from_generator` + `to_parquet`, as `push_to_hub` writes). It prints wall time and peak
memory (the process's own high-water mark, from `os.wait4`) as a ratio of the file, the bundle's time as
a multiple of `stats` just before it, and the Parquet shape (files, largest file and row group
uncompressed, page index) beside the goals: bundle ≤ 10× stats, peak ≤ 1.5× the file, files ≤ 500 MB,
row groups ≤ 100 MB, the page index on.

    python benchmarks/bench_scale.py [--sizes 10000 36000 100000] [--path FILE] [--no-datasets]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MB = 1_000_000
DATASETS_REFERENCE = """
import sys
from datasets import Dataset


def rows(path):
    # the same rows the bundle writes, made in the generator (datasets fingerprints its arguments)
    from services.dataset.loader import load_dataset
    from services.release import convert
    from services.strategy import presets, sampling

    ds = load_dataset(path)
    selection = sampling.select_plan(ds, presets.preset_giveaway())["full"]
    for _, pairs in convert.tier_batches(ds, selection):
        yield from pairs.to_pylist()


dataset = Dataset.from_generator(rows, gen_kwargs={"path": sys.argv[1]}, cache_dir=sys.argv[2] + "/cache")
dataset.to_parquet(sys.argv[2] + "/train.parquet")
"""


def run(cmd: list[str]) -> tuple[float, int, int]:
    """(wall seconds, peak resident bytes, exit status) of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)


def shape(folder: Path) -> dict[str, object]:
    import pyarrow.parquet as pq

    files = sorted(folder.rglob("*.parquet"))
    largest_file = largest_group = 0
    page_index = True
    for path in files:
        meta = pq.ParquetFile(path).metadata
        groups = [meta.row_group(i) for i in range(meta.num_row_groups)]
        largest_file = max(largest_file, sum(g.total_byte_size for g in groups))
        largest_group = max([largest_group, *(g.total_byte_size for g in groups)])
        page_index &= all(g.column(j).has_offset_index for g in groups for j in range(g.num_columns))
    return {"files": len(files), "largest file": largest_file, "largest row group": largest_group,
            "page index": page_index}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 36_000, 100_000])
    parser.add_argument("--path", help="an export to measure instead of the demo sizes")
    parser.add_argument("--no-datasets", action="store_true", help="leave out the datasets reference")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as work:
        targets = [Path(args.path)] if args.path else []
        for n in [] if args.path else args.sizes:
            path = Path(work) / f"demo-{n}.json"
            subprocess.run([python, "-m", "services.cli", "demo", "--out", str(path), "--conversations", str(n)],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            targets.append(path)
        print(f"{os.cpu_count()} cores; each figure one fresh process")
        for path in targets:
            size = path.stat().st_size
            stats_s, stats_peak, code = run([python, "-m", "services.cli", "stats", str(path)])
            out = Path(work) / f"release-{path.stem}"
            bundle_s, bundle_peak, bcode = run([python, "-m", "services.cli", "bundle", str(path), "--preset",
                                                "giveaway", "--out", str(out), "--no-image"])
            print(f"\n{path.name}: {size / MB:,.0f} MB")
            print(f"  stats   {stats_s:7.1f} s  peak {stats_peak / size:4.2f}× the file  (exit {code})")
            print(f"  bundle  {bundle_s:7.1f} s  peak {bundle_peak / size:4.2f}× the file  (exit {bcode})  "
                  f"= {bundle_s / stats_s:4.1f}× stats  (goals: ≤ 10× stats, ≤ 1.5× the file)")
            if (out / "full").is_dir():
                s = shape(out / "full")
                print(f"  parquet {s['files']} file(s); largest {s['largest file'] / MB:,.1f} MB, largest row group "
                      f"{s['largest row group'] / MB:,.1f} MB uncompressed; page index "
                      f"{'on' if s['page index'] else 'OFF'}  (goals: ≤ 500 MB, ≤ 100 MB, on)")
            if not args.no_datasets:
                ref = Path(work) / f"datasets-{path.stem}"
                ref.mkdir()
                ref_s, ref_peak, rcode = run([python, "-c", DATASETS_REFERENCE, str(path), str(ref)])
                print(f"  datasets from_generator + to_parquet (training pairs only): {ref_s:7.1f} s  "
                      f"peak {ref_peak / size:4.2f}× the file  (exit {rcode})")


if __name__ == "__main__":
    main()
