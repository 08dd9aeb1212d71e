"""The load lets go of the mapped file behind it (issue #23): the file's pages count in the process's
resident memory while mapped, so the decode's pages are dropped once it is done, and the extract's
behind it as it goes. Measured in a fresh process on Linux (`/proc/self/status`), where CI runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from services.dataset.loader import load_dataset
from services.demo.cache import write_demo

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
from services.dataset import columns, loader

def resident_file_bytes():
    for line in open("/proc/self/status"):
        if line.startswith("RssFile:"):
            return int(line.split()[1]) * 1024
seen = {}
extract = columns.extract
def watched(conversations, passed=None):
    seen["before"] = resident_file_bytes()
    out = extract(conversations, passed)
    seen["after"] = resident_file_bytes()
    return out
columns.extract = watched
seen["start"] = resident_file_bytes()
ds = loader.load_dataset(sys.argv[1])
print(json.dumps({**seen, "conversations": len(ds.conversations)}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status (Linux only)")
def test_the_mapped_file_is_let_go_behind_the_decode_and_the_extract(tmp_path):
    path = write_demo(tmp_path / "demo.json", 1500)
    size = path.stat().st_size
    out = subprocess.run([sys.executable, "-c", PROBE, str(path)], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=120)
    seen = json.loads(out.stdout)
    assert seen["conversations"] == 1500 and size > 40_000_000
    # Without the drops the whole file is resident here (the decode read every page; the extract reads
    # views all through it): RssFile grows by the file's size. With them, by a small part of it.
    assert seen["before"] - seen["start"] < size / 10
    assert seen["after"] - seen["start"] < size / 4


def test_a_dataset_read_behind_is_the_dataset_read_whole(tmp_path):
    """Pages dropped behind the pass fault back in from the cache: nothing read changes."""
    path = write_demo(tmp_path / "demo.json", 300)
    mapped, whole = load_dataset(path), load_dataset(path.read_bytes(), "demo.json")
    assert mapped.fingerprint == whole.fingerprint
    assert mapped.conversation_table.equals(whole.conversation_table)
