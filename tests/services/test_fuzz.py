"""Fuzz: mutated exports either load or are refused with the loader's own located error, and
every one that loads goes through statistics, the three presets' selection, bundles and checks
without an exception.

Seeded and bounded (about 1,200 mutants; well under a minute on two cores), so CI runs it on
every submission and a failure replays from the printed description. Each crash it found became
a named case in `test_loader_regressions.py`. `FUZZ_SEED` / `FUZZ_SCALE` in the environment widen
the search by hand; CI keeps the fixed seed.
"""

from __future__ import annotations

import copy
import json
import multiprocessing
import os
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import msgspec
import pytest

from services import bundle, checks, compare, demo, plans, sampling, stats, summary
from services.loader import LoadedDataset, load_dataset
from services.report import LoadError
from tests.support.mutate import Mutant, mutants

REAL_EXPORTS = Path(__file__).resolve().parents[3] / "shared" / "real-exports"
SEED = int(os.environ.get("FUZZ_SEED", "20261127"))
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
WORKERS = max(1, min(2, os.cpu_count() or 1))


def exercise(ds: LoadedDataset) -> None:
    """Everything downstream of a load that reads the data."""
    summary.dataset_stats(ds).to_json()
    summary.summary_sentence(ds)
    for dimension in summary.DIMENSIONS:
        stats.distribution(ds, dimension)
    for make in plans.PRESETS.values():
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


def _jsonl_lines(export: dict) -> list:
    return [json.loads(line) for line in demo.to_jsonl_bytes(export).splitlines() if line.strip()]


def _bases() -> list[tuple[str, object, bool, int]]:
    """(file name, parsed document, is JSONL, number of mutants)."""
    small = _small_demo()
    bases: list[tuple[str, object, bool, int]] = [
        ("demo.json", small, False, 600),
        ("demo.jsonl", _jsonl_lines(copy.deepcopy(small)), True, 250),
        ("enriched.json", _enriched(small), False, 150),
    ]
    if REAL_EXPORTS.is_dir():
        for path in sorted(REAL_EXPORTS.glob("*.json")):
            # The 1.3 MB file costs ~10× a small one per mutant: fewer of it.
            count = 60 if path.stat().st_size > 500_000 else 120
            bases.append((path.name, json.loads(path.read_bytes()), False, count))
    return bases


BASES = _bases()


def _run_share(name: str, doc: object, jsonl: bool, count: int, share: int, shares: int) -> tuple[int, list[str]]:
    """Check every `shares`-th mutant from `share` on (the mutants are drawn in full, in order, so
    each worker sees the same sequence). Runs in a worker process."""
    failures: list[str] = []
    loaded = 0
    seen: set = set()
    for index, mutant in enumerate(mutants(doc, count, seed=SEED + sum(map(ord, name)), jsonl=jsonl)):
        if index % shares != share:
            continue
        was_loaded, problem = _check(mutant, name, seen)
        loaded += was_loaded
        if problem:
            failures.append(problem)
    return loaded, failures


@pytest.fixture(scope="module")
def workers() -> Iterator[ProcessPoolExecutor]:
    """One process per core: the mutants are independent, and two cores halve the wall time."""
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


@pytest.mark.parametrize(("name", "doc", "jsonl", "count"), BASES, ids=[b[0] for b in BASES])
def test_mutants_load_or_are_refused_in_words(workers, name: str, doc: object, jsonl: bool, count: int):
    count = max(1, round(count * SCALE))
    results = list(workers.map(_run_share, *zip(*[(name, doc, jsonl, count, share, WORKERS)
                                                   for share in range(WORKERS)], strict=True)))
    loaded = sum(r[0] for r in results)
    failures = [f for r in results for f in r[1]]
    assert not failures, f"{len(failures)} of {count} mutants of {name} failed; the first:\n" + "\n\n".join(
        failures[:3])
    # Most structural mutants and reformattings load: the pipeline after the load is exercised too.
    assert loaded >= count * 0.3, f"only {loaded} of {count} mutants loaded"


def test_the_fuzz_covers_at_least_a_thousand_mutants():
    assert sum(b[3] for b in BASES if not b[0].startswith(tuple(p.name for p in REAL_EXPORTS.glob("*")))) >= 1000


def test_mutants_are_reproducible():
    doc = _small_demo()
    first = [m.data for m in mutants(doc, 30, seed=5)]
    again = [m.data for m in mutants(doc, 30, seed=5)]
    assert first == again
    assert len(set(first)) > 20  # and they differ from each other
