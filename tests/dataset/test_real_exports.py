"""The platform's real exports, where the checkout has them beside it (CI does).

They are reference data outside this project (../shared/real-exports); the project's own
tests do not depend on them, and these tests skip, saying why, when they are absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from services.dataset import summary
from services.dataset.loader import load_dataset

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-exports"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"reference exports not found at {REAL}")


@pytest.mark.parametrize(("name", "fmt", "expected"), [
    ("full-file-training-json-18-conversations.json", "training_file", (18, 128, 62)),
    ("training-file-test-4.json", "training_file", (3, 16, 7)),
    ("enriched-1.json", "enriched", (1, 8, 4)),
])
def test_real_exports_load_with_correct_counts(name: str, fmt: str, expected: tuple[int, int, int]):
    ds = load_dataset(REAL / name)
    k = summary.kpis(ds)
    assert ds.format == fmt
    assert (k.conversations, k.training_pairs, k.supervised_examples) == expected
    codes = {f.code for f in ds.report.findings}
    assert {"pair_without_target", "duplicated_user_message", "pair_conversation_id", "not_human_reviewed"} <= codes
    assert ds.report.counts()["error"] == 0


def test_trailing_user_turns_of_the_18_conversation_file():
    ds = load_dataset(REAL / "full-file-training-json-18-conversations.json")
    (finding,) = ds.report.by_code("trailing_user_turn")
    odd = ds.conversation_table[ds.conversation_table["turns"] % 2 == 1]
    assert finding.count == len(odd) == 4
