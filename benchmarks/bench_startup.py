"""Start-up benchmark (issue #10): how long a person waits before the studio answers.

1. `python -m services.cli stats FILE` on a ~100 KB export: the whole process, from exec to exit
   (median of 5; goal ≤ 0.5 s on this 2-core machine).
2. `streamlit run app.py` on the demo data: from starting the server to the Overview drawn in
   Chromium with its chart (median of 3; goal ≤ 3 s). The browser is started before the clock,
   as a person's browser is already open; the first run of each series warms the disk cache only.
   For comparison, the same clock on a one-metric, one-chart Streamlit script: Streamlit's own
   floor on this machine (server start, its page and scripts in the browser, the first chart).

    python benchmarks/bench_startup.py [--cli-runs 5] [--app-runs 3] [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOALS = {"cli": 0.5, "app": 3.0}
CHART = "[data-testid=\"stVegaLiteChart\"] canvas, [data-testid=\"stVegaLiteChart\"] svg.marks"


def _export_near(target_bytes: int, folder: Path) -> Path:
    """A demo export of at least `target_bytes` (the fewest conversations that reach it)."""
    from services.demo import generator as demo

    sizes = {n: len(demo.demo_bytes(n, demo.DEFAULT_SEED)) for n in range(1, 8)}
    n = min((k for k in sizes if sizes[k] >= target_bytes), default=max(sizes))
    path = folder / "training.json"
    path.write_bytes(demo.demo_bytes(n, demo.DEFAULT_SEED))
    return path


def cli_seconds(path: Path, runs: int) -> list[float]:
    times = []
    cmd = [sys.executable, "-m", "services.cli", "stats", str(path)]
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)  # warm the disk cache
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


FLOOR_SCRIPT = """import streamlit as st
st.metric("conversations", 242)
st.vega_lite_chart({"data": {"values": [{"a": "x", "b": 2}]}, "mark": "bar",
                    "encoding": {"x": {"field": "a"}, "y": {"field": "b", "type": "quantitative"}}})
"""


def app_seconds(page, runs: int, script: str = "app.py") -> list[float]:
    """Server start → the script's page with its chart drawn, `runs` times, each a fresh server."""
    from tests.support.streamlit_server import free_port

    times = []
    no_secrets = Path(tempfile.mkdtemp()) / "secrets.toml"
    no_secrets.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPABASE_", "HF_", "STUDIO_"))}
    env["STREAMLIT_SECRETS_FILES"] = str(no_secrets)
    for _ in range(runs + 1):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false"]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    time.sleep(0.02)
            page.goto(url)
            page.wait_for_selector(CHART, timeout=60_000)
            times.append(time.perf_counter() - start)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return times[1:]  # the first start also fills the disk cache (and the demo cache, if empty)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--app-runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    verdicts = []
    with tempfile.TemporaryDirectory() as tmp:
        path = _export_near(100_000, Path(tmp))
        times = cli_seconds(path, args.cli_runs)
        median = statistics.median(times)
        verdicts.append(median <= GOALS["cli"])
        print(f"cli `stats` on a {path.stat().st_size / 1000:,.0f} KB export, whole process: median "
              f"{median:.2f} s of {len(times)} (runs {', '.join(f'{t:.2f}' for t in times)}); "
              f"goal ≤ {GOALS['cli']} s: {'met' if verdicts[-1] else 'NOT met'}")
    if args.no_browser:
        return
    from tests.support.browser import chromium_page, chromium_path

    if chromium_path() is None:
        print("app: skipped (no chromium installed)")
        return
    with chromium_page() as page, tempfile.TemporaryDirectory() as tmp:
        times = app_seconds(page, args.app_runs)
        floor_script = Path(tmp) / "floor.py"
        floor_script.write_text(FLOOR_SCRIPT)
        floor = statistics.median(app_seconds(page, args.app_runs, str(floor_script)))
    median = statistics.median(times)
    verdicts.append(median <= GOALS["app"])
    print(f"app: `streamlit run app.py` → Overview with its chart in Chromium: median {median:.2f} s of "
          f"{len(times)} (runs {', '.join(f'{t:.2f}' for t in times)}); goal ≤ {GOALS['app']:.0f} s: "
          f"{'met' if verdicts[-1] else 'NOT met'}")
    print(f"     Streamlit's floor (one metric, one chart, same clock): median {floor:.2f} s; "
          f"the studio adds {median - floor:.2f} s")
    print("\nall goals met" if all(verdicts) else "\nsome goals NOT met")


if __name__ == "__main__":
    main()
