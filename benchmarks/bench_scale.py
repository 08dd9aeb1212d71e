"""Scale benchmark (issues #23 and #31): the studio at 100,000 and 500,000 conversations, each step a fresh process.

For each export (written by `cli demo`, or given with `--path`) it prints wall time and peak memory (the
process's own high-water mark, from `os.wait4`: mapped pages included) of:

- `sha256sum FILE`, the yardstick: one pass over the file's bytes;
- `cli stats FILE`, the first load (a fresh store folder: the export scanned, its text written to the store),
  then again (the load kept beside its store: facts read back, the store mapped);
- `cli bundle FILE --preset giveaway --no-image`, from a fresh store folder too (its load included);
- the Overview from a path (AppTest: *File on this machine*, the path entered, the page drawn), then a
  shared link (the Samples page opened on `?conversation=ID`), in one process, the load included;
- `datasets.load_dataset` on the bundle's Parquet files: every row counted.

It prints each figure beside the issue's goals: at 100,000 the peaks ≤ 2 GB, `stats` ≤ 2.5× the sha256
pass, `bundle` ≤ 6× `stats`; at 500,000 every peak ≤ 3 GB.

    python benchmarks/bench_scale.py [--sizes 100000 500000] [--path FILE ...] [--work DIR] [--skip-app]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GB = 1e9
OVERVIEW = """
import json, os, sys, time
from streamlit.testing.v1 import AppTest

out = {}
at = AppTest.from_file("app.py", default_timeout=3600)
at.run()
at.sidebar.radio(key="source.kind").set_value("path")
at.run()
at.sidebar.text_input(key="source.path").set_value(sys.argv[1])
started = time.perf_counter()
at.run()
out["overview_s"] = time.perf_counter() - started
out["errors"] = [e.value for e in at.exception] + [e.value for e in at.error]
out["metrics"] = [m.value for m in at.metric][:2]
from services.dataset.loader import load_dataset  # the id of a conversation, from the kept load (facts only)
cid = load_dataset(sys.argv[1]).columns.conversation_id[-1]
at.query_params["conversation"] = cid
at.switch_page("app_pages/samples.py")
started = time.perf_counter()
at.run()
out["link_s"] = time.perf_counter() - started
out["link_opened"] = any(cid in c.value for c in at.code)
out["errors"] += [e.value for e in at.exception] + [e.value for e in at.error]
print(json.dumps(out))
"""
DATASETS = """
import json, sys
from datasets import load_dataset

out = {}
for config in ("conversations", "training_pairs"):  # through the card's own `configs`, as a user loads it
    out[config] = load_dataset(sys.argv[1], config, split="train", cache_dir=sys.argv[2]).num_rows
print(json.dumps(out))
"""


def run(cmd: list[str], env: dict[str, str] | None = None, capture: bool = False) -> tuple[float, int, int, str]:
    """(wall seconds, peak resident bytes, exit status, standard output) of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = proc.stdout.read().decode() if capture and proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status), out


def line(label: str, seconds: float, peak: int, code: int, note: str = "") -> None:
    print(f"  {label:38s} {seconds:8.1f} s   peak {peak / GB:5.2f} GB   exit {code}  {note}", flush=True)


def measure(path: Path, work: Path, python: str, skip_app: bool) -> None:
    size = path.stat().st_size
    n = int(json.loads(run([python, "-m", "services.cli", "stats", str(path), "--json"],
                           {"STUDIO_STORE_DIR": str(work / "count")}, capture=True)[3])["conversations"])
    shutil.rmtree(work / "count", ignore_errors=True)
    budget = 2 * GB if n <= 100_000 else 3 * GB
    print(f"\n{path.name}: {n:,} conversations, {size / GB:,.2f} GB; {os.cpu_count()} cores")
    sha_s, sha_peak, code, _ = run(["sha256sum", str(path)])
    line("sha256sum (the yardstick)", sha_s, sha_peak, code)

    fresh = {"STUDIO_STORE_DIR": str(work / "stores")}
    shutil.rmtree(work / "stores", ignore_errors=True)
    stats_s, stats_peak, code, _ = run([python, "-m", "services.cli", "stats", str(path)], fresh)
    line("stats, first load", stats_s, stats_peak, code,
         f"= {stats_s / sha_s:.2f}× sha256 (goal ≤ 2.5×); peak goal ≤ {budget / GB:.0f} GB: "
         f"{'met' if stats_peak <= budget else 'MISSED'}")
    again_s, again_peak, code, _ = run([python, "-m", "services.cli", "stats", str(path)], fresh)
    line("stats, second load (kept)", again_s, again_peak, code)
    store = sum(f.stat().st_size for f in (work / "stores").rglob("*") if f.is_file())
    print(f"  {'kept load on disk':38s} {store / GB:8.2f} GB ({store / size:.2f}× the export)")

    shutil.rmtree(work / "stores", ignore_errors=True)
    out = work / "release"
    shutil.rmtree(out, ignore_errors=True)
    bundle_s, bundle_peak, code, _ = run([python, "-m", "services.cli", "bundle", str(path), "--preset", "giveaway",
                                          "--out", str(out), "--no-image"], fresh)
    line("bundle --preset giveaway, first load", bundle_s, bundle_peak, code,
         f"= {bundle_s / stats_s:.2f}× stats (goal ≤ 6×); peak goal ≤ {budget / GB:.0f} GB: "
         f"{'met' if bundle_peak <= budget else 'MISSED'}")

    if not skip_app:
        shutil.rmtree(work / "stores", ignore_errors=True)
        env = {**fresh, "STUDIO_SANDBOX_DIR": tempfile.mkdtemp(prefix="bench-scale-sandbox-"),
               "STUDIO_SANDBOX_PORT": "0"}
        app_s, app_peak, code, printed = run([python, "-c", OVERVIEW, str(path)], env, capture=True)
        seen = json.loads(printed or "{}")
        line("app: Overview from a path + a link", app_s, app_peak, code,
             f"peak goal ≤ {budget / GB:.0f} GB: {'met' if app_peak <= budget else 'MISSED'}")
        found = "found" if seen.get("link_opened") else "NOT found"
        print(f"    Overview drawn in {seen.get('overview_s', float('nan')):.1f} s {seen.get('metrics')}; shared link "
              f"opened in {seen.get('link_s', float('nan')):.2f} s ({found}); errors: {seen.get('errors')}")

    folder = out / "full"
    ds_s, ds_peak, code, printed = run([python, "-c", DATASETS, str(folder), str(work / "hf-cache")], capture=True)
    rows = json.loads(printed or "{}")
    line("datasets.load_dataset, both configs", ds_s, ds_peak, code, f"rows: {rows}")
    shutil.rmtree(work / "hf-cache", ignore_errors=True)
    shutil.rmtree(work / "stores", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument("--path", nargs="+", help="exports to measure instead of writing the demo sizes")
    parser.add_argument("--work", help="a folder for the exports, stores and releases (default: a temporary one)")
    parser.add_argument("--skip-app", action="store_true", help="leave out the Overview and the shared link")
    args = parser.parse_args()
    python = sys.executable
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    targets = [Path(p).resolve() for p in args.path or []]
    for n in [] if args.path else args.sizes:
        path = work / f"demo-{n}.json"
        if not path.is_file():
            subprocess.run([python, "-m", "services.cli", "demo", "--out", str(path), "--conversations", str(n)],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        targets.append(path)
    for path in targets:
        measure(path, work / "run", python, args.skip_app)


if __name__ == "__main__":
    main()
