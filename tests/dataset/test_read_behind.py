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
if len(sys.argv) > 2:  # "tight": as if memory were short, so the decode goes record by record
    loader._available_memory = lambda: 1
seen["start"] = resident_file_bytes()
seen["start_total"] = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) * 1024
ds = loader.load_dataset(sys.argv[1])
seen["peak"] = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) * 1024
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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status (Linux only)")
def test_record_by_record_the_load_peaks_at_about_the_files_size(tmp_path):
    """The whole-file decode holds every page beside the records (about 1.4× the file here); record by
    record, the pages behind are let go as the records are made."""
    path = write_demo(tmp_path / "demo.json", 1500)
    size = path.stat().st_size

    def peak(*extra: str) -> float:
        out = subprocess.run([sys.executable, "-c", PROBE, str(path), *extra], cwd=ROOT, capture_output=True,
                             text=True, check=True, timeout=120)
        seen = json.loads(out.stdout)
        return (seen["peak"] - seen["start_total"]) / size

    whole, tight = peak(), peak("tight")
    assert tight < 1.15 < 1.25 < whole


def test_a_dataset_read_behind_is_the_dataset_read_whole(tmp_path):
    """Pages dropped behind the pass fault back in from the cache: nothing read changes."""
    path = write_demo(tmp_path / "demo.json", 300)
    mapped, whole = load_dataset(path), load_dataset(path.read_bytes(), "demo.json")
    assert mapped.fingerprint == whole.fingerprint
    assert mapped.conversation_table.equals(whole.conversation_table)


def test_a_file_too_large_for_the_memory_is_decoded_record_by_record_with_the_same_result(tmp_path, monkeypatch):
    """Where the whole-file decode would not fit, the loader scans for the records' bounds and decodes
    them one by one, letting go of the file behind: the same dataset, the same repairs."""
    from services.dataset import decode, loader

    path = write_demo(tmp_path / "demo.json", 300)
    text = path.read_text(encoding="utf-8")
    broken = text.replace('"quality_score": ', '"quality_score": "high", "was": ', 1)  # one value to repair
    path.write_text(broken, encoding="utf-8")
    whole = load_dataset(path)
    calls = []
    monkeypatch.setattr(loader, "_available_memory", lambda: path.stat().st_size)  # "almost no memory left"
    original = decode.decode_training_file
    monkeypatch.setattr(loader, "decode_training_file",
                        lambda *a, **k: calls.append(k.get("passed")) or original(*a, **k))
    windowed = load_dataset(path)
    assert calls and calls[0] is not None  # it went record by record, told where it was
    assert windowed.fingerprint == whole.fingerprint
    assert [f.message for f in windowed.report.findings] == [f.message for f in whole.report.findings]
    assert any("quality_score" in f.message or "quality_score" in f.where for f in whole.report.findings)


def test_with_memory_to_spare_the_whole_file_is_decoded_at_once(monkeypatch):
    from services.dataset import loader

    monkeypatch.setattr(loader, "_available_memory", lambda: 64 * 2**30)
    assert not loader._record_by_record(4 * 10**9)  # 4 GB with 64 GB available: the faster decode
    monkeypatch.setattr(loader, "_available_memory", lambda: 6 * 2**30)
    assert loader._record_by_record(4 * 10**9)  # with 6 GB, 1.45 × 4 GB would take almost all of it
    monkeypatch.setattr(loader, "_available_memory", lambda: None)
    assert not loader._record_by_record(4 * 10**9)  # unknown: as before
