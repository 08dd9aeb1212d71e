"""Loading benchmark (issues #2 and #10): the studio's loader + coverage statistics against
(a) json.load + a pandas DataFrame of the same rows,
(b) datasets.load_dataset("json", field="conversations"),
(c) a bare typed decode of the same fields (msgspec, the practical parse limit): the file read
    into memory and decoded, as the issue measured it; (c') the same over a memory map (the
    studio maps files too), printed as the stricter reference,
and, where Chromium is installed, the time until the Overview page of that file is ready.

Each contender runs in a fresh process (so its peak memory is its own and no cache helps it),
several times; the median time and the largest peak are reported. Two times per contender: the
work alone (as issue #2 measured it) and the whole process, imports included (issue #10's goals:
≥ 2.5× faster than (a) and ≥ 10× faster than (b), peak memory ≤ 2× the file). Both are measured
on the pretty export (as the platform writes it) and on a compact copy (one line, as json.dump,
jq -c and JSON.stringify write it).

    python benchmarks/bench_load.py [--conversations 7200] [--repeats 3] [--no-browser]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOALS = {"a": 2.5, "b": 10.0, "c": 1.5, "memory": 2.0, "browser": 3.0}  # a, b: whole process

# Each snippet runs in a child process with PATH set; it prints {"seconds": ...}.
CHILD_PRELUDE = """
import json, sys, time
sys.path.insert(0, {root!r})
PATH = {path!r}
def hwm_mb():
    # VmHWM: this process's peak resident memory. (ru_maxrss would not do: Linux carries it
    # across execve, so a child would report its parent's peak.)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

CONTENDERS: dict[str, tuple[str, str, str]] = {
    # key: (label, imports, timed body)
    "studio": ("studio loader + coverage stats",
               "from services.dataset.loader import load_dataset\nfrom services.dataset import stats",
               "ds = load_dataset(PATH)\ncells = stats.coverage(ds)\n"
               "dists = [stats.distribution(ds, d) for d in ('persona', 'arc', 'topic')]\n"
               "n = len(ds.conversation_table)"),
    "a": ("(a) json.load + pandas DataFrame",
          "import pandas as pd",
          "doc = json.load(open(PATH, encoding='utf-8'))\n"
          "rows = []\n"
          "for c in doc['conversations']:\n"
          "    m = c['conversation_metadata']; s = m['scaffolding']\n"
          "    for p in c['training_pairs']:\n"
          "        t = p.get('training_metadata') or {}\n"
          "        e = (p.get('emotional_context') or {}).get('detected_emotions') or {}\n"
          "        rows.append((m['conversation_id'], s['persona_key'], s['emotional_arc_key'],\n"
          "                     s['training_topic_key'], p['turn_number'], p['target_response'] is not None,\n"
          "                     e.get('primary'), e.get('intensity'), t.get('quality_score')))\n"
          "df = pd.DataFrame(rows, columns=['conversation_id', 'persona', 'arc', 'topic', 'turn',\n"
          "                                 'has_target', 'emotion', 'intensity', 'quality'])\n"
          "n = df['conversation_id'].nunique()"),
    "b": ("(b) datasets.load_dataset(json, field=conversations)",
          "import tempfile, datasets\ndatasets.disable_progress_bars()",
          "cache = tempfile.mkdtemp()\n"
          "d = datasets.load_dataset('json', data_files=PATH, field='conversations', cache_dir=cache,\n"
          "                          split='train')\n"
          "n = len(d)"),
    "c": ("(c) read + bare typed decode (msgspec, same fields)",
          "import msgspec\nfrom services.dataset import schema",
          "doc = msgspec.json.decode(open(PATH, 'rb').read(), type=schema.TrainingFile)\n"
          "n = len(doc.conversations)"),
    "c_mmap": ("(c') mmap + bare typed decode (stricter)",
               "import mmap, msgspec\nfrom services.dataset import schema",
               "f = open(PATH, 'rb'); buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)\n"
               "doc = msgspec.json.decode(buf, type=schema.TrainingFile)\n"
               "n = len(doc.conversations)"),
}


def child_code(key: str, path: Path) -> str:
    _, imports, body = CONTENDERS[key]
    timed = "\n".join("    " + line for line in body.splitlines())
    return (CHILD_PRELUDE.format(root=str(ROOT), path=str(path)) + imports + "\n"
            + "base = hwm_mb()\nt0 = time.perf_counter()\nif True:\n" + timed + "\n"
            + "seconds = time.perf_counter() - t0\n"
            + "print(json.dumps({'seconds': seconds, 'peak_mb': hwm_mb(), 'base_mb': base, 'n': n}))\n")


def run_child(key: str, path: Path) -> dict:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", child_code(key, path)], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"})
    process = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{key} failed:\n{result.stderr[-2000:]}")
    return {**json.loads(result.stdout.strip().splitlines()[-1]), "process": process}


def measure(keys: list[str], path: Path, repeats: int) -> dict[str, dict]:
    """Run the contenders interleaved (a, b, c, a, b, c, ...) so that drift in the machine's
    speed hits all of them alike; report each one's median time and largest peak."""
    runs: dict[str, list[dict]] = {k: [] for k in keys}
    for round_ in range(repeats):
        for key in keys:
            if key == "b" and round_:  # datasets takes ~15 s a run: once is enough for a 15× goal
                continue
            runs[key].append(run_child(key, path))
    return {k: {"seconds": statistics.median(r["seconds"] for r in rs),
                "process": statistics.median(r["process"] for r in rs),
                "peak_extra_mb": max(r["peak_mb"] - r["base_mb"] for r in rs), "n": rs[0]["n"]}
            for k, rs in runs.items()}


def browser_ready_seconds(path: Path) -> float | None:
    """Time from entering the path in the sidebar to the Overview showing its KPIs."""
    from tests.support.browser import chromium_page, chromium_path, wait_until_idle
    from tests.support.streamlit_server import streamlit_app

    if chromium_path() is None:
        return None
    with streamlit_app() as url, chromium_page() as page:
        page.goto(url)
        wait_until_idle(page)
        page.get_by_text("File on this machine").click()
        wait_until_idle(page)
        box = page.get_by_placeholder("/data/training.json")
        box.fill(str(path))
        started = time.perf_counter()
        box.press("Enter")
        page.wait_for_selector('[data-testid="stMetricValue"]:has-text("7,200")', timeout=60_000)
        wait_until_idle(page)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=7200)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--skip-datasets", action="store_true", help="leave out (b), the slowest contender")
    args = parser.parse_args()



    from services.demo import cache as demo_cache
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        pretty = demo_cache.write_demo(Path(tmp) / "training.json", args.conversations)
        compact = Path(tmp) / "training-compact.json"
        compact.write_bytes(msgspec.json.encode(msgspec.json.decode(pretty.read_bytes())))
        verdicts = []
        for label, path in (("pretty", pretty), ("compact", compact)):
            verdicts += _report(label, path, args)
        if not args.no_browser:
            seconds = browser_ready_seconds(pretty)
            if seconds is None:
                print("  browser: skipped (no chromium installed)")
            else:
                verdicts.append(seconds <= GOALS["browser"])
                print(f"  Overview ready in the browser {seconds:4.2f} s after choosing the file "
                      f"(goal ≤ {GOALS['browser']:.0f} s) {'met' if verdicts[-1] else 'NOT met'}")
        print("\nall goals met" if all(verdicts) else "\nsome goals NOT met")


def _report(label: str, path: Path, args: argparse.Namespace) -> list[bool]:
    size_mb = path.stat().st_size / 2**20
    print(f"{label} export: {args.conversations:,} conversations, {size_mb:,.0f} MiB, {os.cpu_count()} cores; "
          f"median of {args.repeats} fresh processes each, interleaved (datasets: once)")
    keys = ["studio", "a", "c", "c_mmap"] + ([] if args.skip_datasets else ["b"])
    results = measure(keys, path, args.repeats)
    print(f"  {'':<52} {'work':>8} {'process':>9}   peak memory")
    for k in keys:
        r = results[k]
        print(f"  {CONTENDERS[k][0]:<52} {r['seconds']:7.2f} s {r['process']:7.2f} s   +{r['peak_extra_mb']:6.0f} MiB")
    ours = results["studio"]
    verdicts = []
    for k in ("a", "b"):
        if k in results:
            ratio = results[k]["process"] / ours["process"]
            work = results[k]["seconds"] / ours["seconds"]
            verdicts.append(ratio >= GOALS[k])
            print(f"  studio is {ratio:5.1f}× faster than {k}, whole process (goal ≥ {GOALS[k]:g}×): "
                  f"{'met' if verdicts[-1] else 'NOT met'}; the work alone {work:.1f}×")
    ratio_c = ours["seconds"] / results["c"]["seconds"]
    verdicts.append(ratio_c <= GOALS["c"])
    print(f"  studio takes {ratio_c:4.2f}× the bare decode (c)   (goal ≤ {GOALS['c']}×) "
          f"{'met' if verdicts[-1] else 'NOT met'}")
    ratio_mmap = ours["seconds"] / results["c_mmap"]["seconds"]
    print(f"  studio takes {ratio_mmap:4.2f}× the mapped decode (c') (for information)")
    memory = ours["peak_extra_mb"] / size_mb
    verdicts.append(memory <= GOALS["memory"])
    print(f"  studio peak memory {memory:4.2f}× the file size  (goal ≤ {GOALS['memory']}×) "
          f"{'met' if verdicts[-1] else 'NOT met'}\n")
    return verdicts


if __name__ == "__main__":
    main()
