"""Browsing at scale (issue #23, part 5): the dashboard opened on an export from a path, as a user does it.

Drives the real app with Streamlit's AppTest (the page scripts, their caches and services; no browser,
so the time a browser takes to draw a table is not in these figures) and prints how long each step's
script run takes, beside the issue's goals:

- choose *File on this machine*, enter the path → Overview drawn: ≤ 15 s;
- Samples: open, then narrow by persona and by quality: each ≤ 1 s once open;
- Strategy: change a tier's size (the tiers are selected again): ≤ 1 s.

With no token the app seeds its sandbox Hub on a first start, in the background (about 7 s of one
core); the path is entered once that is done, as a user who types it would, unless `--at-once`.

    python benchmarks/bench_browse.py PATH          # e.g. the 100,000-conversation demo:
    python -m services.cli demo --out big.json --conversations 100000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOALS = {"overview": 15.0, "filter": 1.0, "recompute": 1.0}


def timed(label: str, goal: str | None, step) -> object:
    started = time.perf_counter()
    result = step()
    took = time.perf_counter() - started
    target = f"  (goal ≤ {GOALS[goal]:g} s: {'met' if took <= GOALS[goal] else 'MISSED'})" if goal else ""
    print(f"  {label:55s} {took:6.2f} s{target}", flush=True)
    return result


def _errors(at) -> list[str]:
    return [e.value for e in at.exception] + [e.value for e in at.error]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="an export on this machine")
    parser.add_argument("--at-once", action="store_true",
                        help="enter the path while the sandbox seeds its first story (the two share the cores)")
    args = parser.parse_args()
    os.chdir(ROOT)
    import tempfile

    # The app starts its sandbox Hub with no token, as a user's first run does: its own folder and port here.
    os.environ["STUDIO_SANDBOX_DIR"] = tempfile.mkdtemp(prefix="bench-browse-sandbox-")
    os.environ["STUDIO_SANDBOX_PORT"] = "0"
    from streamlit.testing.v1 import AppTest

    path = Path(args.path).resolve()
    print(f"{path.name}: {path.stat().st_size / 1e6:,.0f} MB; {os.cpu_count()} cores; AppTest (no browser)")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    timed("app opened on the demo", None, at.run)
    if not args.at_once:
        from services.sandbox import runtime

        timed("(the sandbox's first seeding finished, in the background)", None, runtime.ready_sandbox)
    at.sidebar.radio(key="source.kind").set_value("path")
    timed("File on this machine chosen", None, at.run)
    at.sidebar.text_input(key="source.path").set_value(str(path))
    timed("path entered → Overview drawn (the load included)", "overview", at.run)
    assert not _errors(at), _errors(at)
    print(f"    Overview: {[m.value for m in at.metric][:3]}")
    at.switch_page("app_pages/samples.py")
    timed("Samples opened", None, at.run)
    persona = at.multiselect(key="samples.personas")
    persona.set_value([persona.options[0]])
    timed("Samples narrowed to one persona", "filter", at.run)
    at.slider(key="samples.min_quality").set_value(3.5)
    timed("Samples narrowed to quality ≥ 3.5", "filter", at.run)
    assert not _errors(at), _errors(at)
    at.switch_page("app_pages/strategy.py")
    timed("Strategy opened", None, at.run)
    size = next(n for n in at.number_input if n.key and n.key.startswith("tier_editor.") and n.key.endswith(".size")
                and not n.disabled)
    size.set_value(int(size.value) + 10)
    timed(f"tier size changed ({size.key.split('.')[2]}) → tiers selected again", "recompute", at.run)
    assert not _errors(at), _errors(at)


if __name__ == "__main__":
    main()
