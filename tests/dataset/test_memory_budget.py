"""Text on disk, facts in memory (issue #31): a load's memory grows with the conversations' facts, not
with their text. An export several times larger than a budget set here loads, in a fresh process whose
peak resident memory (`VmHWM`, mapped pages included) is measured on Linux, where CI runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from services.demo.cache import write_demo

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
import numpy, pyarrow, msgspec  # the libraries' own memory is not the load's
from services.dataset import loader, summary

def status(field):
    return int(open("/proc/self/status").read().split(field + ":")[1].split()[0]) * 1024

start = status("VmRSS")
ds = loader.load_dataset(sys.argv[1])
stats = summary.dataset_stats(ds)
first = ds.conversation(ds.columns.conversation_id[0])
print(json.dumps({"grew": status("VmHWM") - start, "conversations": len(ds), "pairs": stats.training_pairs,
                  "first_turns": len(first.training_pairs), "fingerprint": ds.fingerprint,
                  "store": str(ds.store.path), "stored": ds.store.path.stat().st_mtime_ns}))
"""
BUDGET = 170_000_000  # bytes the load may add: the window, a batch in flight, the facts of 18,000 conversations


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status (Linux only)")
def test_an_export_several_times_the_budget_loads_within_it(tmp_path):
    path = write_demo(tmp_path / "demo.json", 18_000)
    size = path.stat().st_size
    assert size > 4 * BUDGET  # several times the budget
    seen, again = (json.loads(subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], cwd=ROOT, capture_output=True, text=True, check=True, timeout=600,
        env={"STUDIO_STORE_DIR": str(tmp_path / "stores"), "PATH": ""}).stdout) for _ in range(2))
    assert seen["conversations"] == 18_000 and seen["pairs"] > 100_000 and seen["first_turns"] > 0
    assert seen["grew"] < BUDGET, f"the load grew by {seen['grew'] / 1e6:.0f} MB for a {size / 1e6:.0f} MB export"
    # The second load of the same file reuses the kept store (the same file, not written again) and facts.
    assert [p.name for p in (tmp_path / "stores").iterdir()] == [Path(seen["store"]).parent.name]
    assert (again["store"], again["stored"]) == (seen["store"], seen["stored"])
    assert {k: again[k] for k in ("conversations", "pairs", "fingerprint")} == \
        {k: seen[k] for k in ("conversations", "pairs", "fingerprint")} and again["grew"] < BUDGET
