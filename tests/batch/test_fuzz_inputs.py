"""The loop's own inputs, fuzzed like the exports: a scaffolding file and a `feedback --json` file.

Each seeded mutant (fields of another type or extreme value, deleted, emptied, duplicated; bytes
flipped, inserted, cut; reformatted) must be read or refused with a `LoadError` that names the file
(and, for a scaffolding row, the table and row) — never another exception. Every crash found is kept
as a named case in `test_scaffolding_file.py`.
"""

from __future__ import annotations

import json

import pytest

from services.batch.demand import read_feedback_file
from services.batch.planner import BatchRequest, plan_batch
from services.dataset.report import LoadError
from services.dataset.scaffolding import parse_scaffolding
from services.demo.scaffolding_rows import scaffolding_document
from tests.support.mutate import mutants

SCAFFOLDING = parse_scaffolding(json.dumps(scaffolding_document()).encode(), "s.json")

FEEDBACK = {"read_at": "2026-12-05T10:00:00Z", "repos": [], "form_answers": [],
            "themes": [{"theme": "roth_ira_conversion", "kind": "topic", "count": 2, "words": ["roth ira conversion"]},
                       {"theme": "license", "kind": "lexicon", "count": 1, "words": ["license"]}]}


def test_scaffolding_mutants_are_read_or_refused_in_words():
    read = refused = 0
    for mutant in mutants(scaffolding_document(), 400, seed=2112):
        try:
            scaffolding = parse_scaffolding(mutant.data, "s.json")
        except LoadError as exc:
            assert str(exc).startswith("s.json"), (mutant.description, str(exc))
            refused += 1
            continue
        except Exception as exc:  # pragma: no cover - what the test is for
            pytest.fail(f"{mutant.description}: {type(exc).__name__}: {exc}")
        read += 1
        try:  # what was read must also plan, or say why not in words
            plan_batch(None, scaffolding, [], BatchRequest(total=5))
        except ValueError as exc:
            assert "no active persona" in str(exc) or "at least one" in str(exc), mutant.description
    assert read > 50 and refused > 50


def test_feedback_file_mutants_are_read_or_refused_in_words(tmp_path):
    path = tmp_path / "feedback.json"
    for mutant in mutants(FEEDBACK, 300, seed=2113):
        path.write_bytes(mutant.data)
        try:
            themes = read_feedback_file(path)
        except LoadError as exc:
            assert "feedback.json" in str(exc), (mutant.description, str(exc))
            continue
        except Exception as exc:  # pragma: no cover
            pytest.fail(f"{mutant.description}: {type(exc).__name__}: {exc}")
        plan_batch(None, SCAFFOLDING, themes, BatchRequest(total=8))  # what was read plans without a crash


@pytest.mark.parametrize("count", [0, -3])
def test_a_theme_counted_zero_or_less_was_a_division_by_zero(tmp_path, count):
    """Found by reading the choice's arithmetic against the fuzz's values: a feedback file whose only
    asked-for theme counts 0 made the lift quotas divide by zero. Such a count is refused in words."""
    path = tmp_path / "feedback.json"
    path.write_text(json.dumps({**FEEDBACK, "themes": [{**FEEDBACK["themes"][0], "count": count}]}))
    with pytest.raises(LoadError) as err:
        read_feedback_file(path)
    assert "feedback.json" in str(err.value) and "themes.0.count" in str(err.value)
    from services.batch.demand import asked_for
    from services.feedback.models import ThemeCount

    theme = ThemeCount.model_construct(theme="roth_ira_conversion", kind="topic", count=count, words=[])
    assert asked_for([theme], SCAFFOLDING) == {}  # and live themes that say nothing ask for nothing
    plan_batch(None, SCAFFOLDING, [theme], BatchRequest(total=4))
