"""Fuzz: mutated exports either load or are refused with the loader's own located error, and
every one that loads goes through statistics, the three presets' selection, bundles and checks
without an exception.

Seeded and bounded (about 1,300 mutants; about half a minute on two cores), so CI runs it on
every submission and a failure replays from the printed description. Each crash it found became
a named case in `test_loader_regressions.py`. `FUZZ_SEED` / `FUZZ_SCALE` in the environment widen
the search by hand; CI keeps the fixed seed.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import traceback
from pathlib import Path

import msgspec
import pytest

from services.dataset import stats, summary
from services.dataset.loader import LoadedDataset, load_dataset
from services.dataset.report import LoadError
from services.demo import generator as demo
from services.release import bundle
from services.release.checks import runner as checks
from services.strategy import compare, presets, sampling
from tests.support.mutate import Mutant, mutants

ROOT = Path(__file__).resolve().parents[2]
REAL_EXPORTS = ROOT.parent / "shared" / "real-exports"
SEED = int(os.environ.get("FUZZ_SEED", "20261127"))
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
WORKERS = max(1, min(2, os.cpu_count() or 1))
TRAIL_DIR = Path(__file__).resolve().parents[1] / "artifacts" / "fuzz"


def exercise(ds: LoadedDataset) -> None:
    """Everything downstream of a load that reads the data."""
    summary.dataset_stats(ds).to_json()
    summary.summary_sentence(ds)
    for dimension in summary.DIMENSIONS:
        stats.distribution(ds, dimension)
    for make in presets.PRESETS.values():
        plan = make()
        selections = sampling.select_plan(ds, plan)
        compare.strategy_summary(ds, plan, selections)
        built = bundle.build_plan(ds, plan, selections, with_image=False)
        checks.check_plan(ds, plan, selections, built)


def _content_key(ds: LoadedDataset) -> tuple[str, bytes, bytes]:
    """What the steps after the load read: equal keys give equal results, so each runs once."""
    return ds.fingerprint, msgspec.json.encode(ds.file_metadata), msgspec.json.encode(ds.consultant_profile)


def _check(mutant: Mutant, name: str, seen: set) -> tuple[bool, str | None]:
    """(loaded?, None if the mutant behaved, otherwise what went wrong with its replayable description)."""
    try:
        ds = load_dataset(mutant.data, name)
    except LoadError as exc:
        finding = exc.finding
        if not finding.message or not finding.where.startswith(name) or "\n" in str(exc):
            return False, f"{mutant.description}: refused without a place, or on more than one line: {exc}"
        return False, None
    except Exception:  # the point of the test: any other exception is a bug
        return False, f"{mutant.description}: load raised\n{traceback.format_exc(limit=-3)}"
    key = _content_key(ds)
    if key in seen:  # a reformatting, or a change in a part the studio never reads: already exercised
        return True, None
    seen.add(key)
    try:
        exercise(ds)
    except Exception:
        return True, f"{mutant.description}: after the load\n{traceback.format_exc(limit=-3)}"
    return True, None


def _small_demo() -> dict:
    return demo.generate(8, seed=11)


def _enriched(export: dict) -> dict:
    conv = export["conversations"][0]
    scaffolding = conv["conversation_metadata"]["scaffolding"]
    return {
        "dataset_metadata": {"dataset_name": "fp_conversation_x-1", "total_turns": len(conv["training_pairs"])},
        "consultant_profile": export["consultant_profile"],
        "training_pairs": conv["training_pairs"],
        "input_parameters": {"persona_key": scaffolding["persona_key"],
                             "emotional_arc_key": scaffolding["emotional_arc_key"],
                             "training_topic_key": scaffolding["training_topic_key"]},
    }


def _early(export: dict) -> dict:
    """The platform's early shape (issue #20): scaffolding keys empty, the keys on the pairs only,
    names filled, a summary of zeros and an empty distribution."""
    early = copy.deepcopy(export)
    for conv in early["conversations"]:
        scaffolding = conv["conversation_metadata"]["scaffolding"]
        scaffolding.update(persona_key="", emotional_arc_key="", training_topic_key="")
    early["training_file_metadata"]["quality_summary"] = {
        "avg_quality_score": 0, "min_quality_score": 0, "max_quality_score": 0, "human_reviewed_count": 0,
        "human_reviewed_percentage": 0}
    early["training_file_metadata"]["scaffolding_distribution"] = {}
    return early


def _jsonl_lines(export: dict) -> list:
    return [json.loads(line) for line in demo.to_jsonl_bytes(export).splitlines() if line.strip()]


Base = tuple[str, object, bool, int]  # (file name, parsed document, is JSONL, number of mutants)


def _synthetic_bases() -> list[Base]:
    small = _small_demo()
    return [("demo.json", small, False, 600),
            ("demo.jsonl", _jsonl_lines(copy.deepcopy(small)), True, 250),
            ("enriched.json", _enriched(small), False, 150),
            ("early.json", _early(small), False, 150)]


def _reference_bases() -> list[Base]:
    """The real exports, when `../shared` is beside the project (CI has it)."""
    if not REAL_EXPORTS.is_dir():
        return []
    # The 1.3 MB file costs ~10× a small one per mutant: fewer of it.
    return [(path.name, json.loads(path.read_bytes()), False, 60 if path.stat().st_size > 500_000 else 120)
            for path in sorted(REAL_EXPORTS.glob("*.json"))]


SYNTHETIC = _synthetic_bases()
BASES = SYNTHETIC + _reference_bases()


def _run_share(name: str, doc: object, jsonl: bool, count: int, share: int, shares: int) -> tuple[int, list[str]]:
    """Check every `shares`-th mutant from `share` on (the mutants are drawn in full, in order, so
    each process sees the same sequence). Runs in a subprocess of its own."""
    failures: list[str] = []
    loaded = 0
    seen: set = set()
    trail = TRAIL_DIR / f"{name}-{share}.log"
    for index, mutant in enumerate(mutants(doc, count, seed=SEED + sum(map(ord, name)), jsonl=jsonl)):
        if index % shares != share:
            continue
        trail.write_text(mutant.description)  # what was in hand if the process dies
        was_loaded, problem = _check(mutant, name, seen)
        loaded += was_loaded
        if problem:
            failures.append(problem)
    return loaded, failures


def _share_in_subprocess(name: str, count: int, share: int, shares: int) -> subprocess.Popen:
    """One share in a fresh interpreter: a clean `__main__` (AppTest, earlier in the session,
    leaves the app script there, which multiprocessing's spawn would run again), and a native
    crash shows as an exit status with faulthandler's stack, not a hung or broken pool."""
    # os._exit: pyarrow's thread pools can abort an interpreter's teardown after the work is done
    # (see services.cli.exit_now); the result is printed and flushed before.
    code = ("import json, os, sys; from tests.dataset.test_fuzz import run_share_by_name; "
            "print(json.dumps(run_share_by_name(*sys.argv[1:2], *map(int, sys.argv[2:]))), flush=True); "
            "os._exit(0)")
    return subprocess.Popen([sys.executable, "-X", "faulthandler", "-c", code, name, str(count), str(share),
                             str(shares)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_share_by_name(name: str, count: int, share: int, shares: int) -> tuple[int, list[str]]:
    """The subprocess's entry: the base document named `name`, rebuilt as the test builds it."""
    _, doc, jsonl, _ = next(b for b in BASES if b[0] == name)
    return _run_share(name, doc, jsonl, count, share, shares)


@pytest.mark.parametrize(("name", "doc", "jsonl", "count"), BASES, ids=[b[0] for b in BASES])
def test_mutants_load_or_are_refused_in_words(name: str, doc: object, jsonl: bool, count: int):
    count = max(1, round(count * SCALE))
    TRAIL_DIR.mkdir(parents=True, exist_ok=True)
    children = [_share_in_subprocess(name, count, share, WORKERS) for share in range(WORKERS)]
    loaded, failures = 0, []
    for share, child in enumerate(children):
        out, err = child.communicate(timeout=600)
        if child.returncode != 0:
            trail = TRAIL_DIR / f"{name}-{share}.log"
            in_hand = trail.read_text() if trail.exists() else "(none yet)"
            pytest.fail(f"the process checking mutants of {name} died (status {child.returncode}) at "
                        f"{in_hand}:\n{err[-3000:]}")
        share_loaded, share_failures = json.loads(out.strip().splitlines()[-1])
        loaded += share_loaded
        failures += share_failures
    assert not failures, f"{len(failures)} of {count} mutants of {name} failed; the first:\n" + "\n\n".join(
        failures[:3])
    # Most structural mutants and reformattings load: the pipeline after the load is exercised too.
    assert loaded >= count * 0.3, f"only {loaded} of {count} mutants loaded"


def test_the_fuzz_covers_at_least_a_thousand_mutants():
    assert sum(count for *_, count in SYNTHETIC) >= 1000  # without ../shared too


def test_mutants_are_reproducible():
    doc = _small_demo()
    first = [m.data for m in mutants(doc, 30, seed=5)]
    again = [m.data for m in mutants(doc, 30, seed=5)]
    assert first == again
    assert len(set(first)) > 20  # and they differ from each other
