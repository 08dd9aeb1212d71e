"""The report names each quirk and inconsistency, with counts and places."""

from __future__ import annotations

import copy

from services.dataset.loader import load_dataset
from tests.support.exports import export_bytes


def _report(export: dict):
    return load_dataset(export_bytes(export), "t.json").report


def test_clean_small_export_reports_only_the_format_quirks(small_export):
    report = _report(small_export)
    assert {f.code: f.count for f in report.findings} == {
        "pair_without_target": 4,        # odd turns: c-1 turns 1, 3; c-2 turns 1, 3
        "duplicated_user_message": 3,    # every pair with a target: c-1 turns 2, 4; c-2 turn 2
        "trailing_user_turn": 1,         # c-2 has 3 turns
        "pair_conversation_id": 7,       # every pair says "educational"
        "not_human_reviewed": 1,
    }
    assert report.counts() == {"error": 0, "warning": 0, "info": 5}
    (trailing,) = report.by_code("trailing_user_turn")
    assert trailing.where == "conversation c-2, turn 3"
    (dup,) = report.by_code("duplicated_user_message")
    assert dup.examples == ["conversation c-1, turn 2", "conversation c-1, turn 4", "conversation c-2, turn 2"]
    assert "4 of 7 pairs" in report.by_code("pair_without_target")[0].message


def test_duplicated_message_is_only_reported_when_history_repeats_it(small_export):
    export = copy.deepcopy(small_export)
    for conv in export["conversations"]:
        for pair in conv["training_pairs"]:
            if pair["target_response"] is not None:
                pair["conversation_history"] = pair["conversation_history"][:-1]
    assert not _report(export).by_code("duplicated_user_message")


def test_turn_gaps_and_declared_turns(small_export):
    export = copy.deepcopy(small_export)
    pairs = export["conversations"][0]["training_pairs"]
    del pairs[2]  # c-1 now has turns 1, 2, 4
    report = _report(export)
    (gap,) = report.by_code("turn_gap")
    assert gap.severity == "warning"
    assert gap.where == "conversation c-1: turn 4 follows turn 2"
    (declared,) = report.by_code("total_turns_mismatch")
    assert declared.where == "conversation c-1: says 4, holds 3"


def test_missing_and_empty_targets(small_export):
    export = copy.deepcopy(small_export)
    pairs = export["conversations"][0]["training_pairs"]
    pairs[1]["target_response"] = None   # an even turn without its answer
    pairs[3]["target_response"] = "   "  # an answer that is only whitespace
    report = _report(export)
    assert report.by_code("assistant_turn_without_target")[0].where == "conversation c-1, turn 2"
    assert report.by_code("empty_target")[0].where == "conversation c-1, turn 4"
    ds = load_dataset(export_bytes(export), "t.json")
    assert ds.conversation_table.set_index("conversation_id").loc["c-1", "supervised_examples"] == 0


def test_metadata_totals_and_distribution_that_disagree(small_export):
    export = copy.deepcopy(small_export)
    meta = export["training_file_metadata"]
    meta["total_conversations"] = 3
    meta["total_training_pairs"] = 10
    meta["scaffolding_distribution"]["personas"] = {"anxious_planner": 2}
    report = _report(export)
    assert report.by_code("total_conversations_mismatch")[0].message == \
        "the metadata says 3 conversations, the file holds 2"
    assert report.by_code("total_training_pairs_mismatch")[0].message == \
        "the metadata says 10 training pairs, the conversations hold 7"
    (summary,) = report.by_code("file_summary_mismatch")  # said once, for every field that disagrees
    assert summary.where == "t.json: training_file_metadata"
    assert summary.examples == ["t.json: training_file_metadata.scaffolding_distribution.personas: "
                                "scaffolding_distribution.personas anxious_planner: says 2, holds 1, "
                                "pragmatic_optimist: says 0, holds 1"]


def test_human_review_is_counted(small_export):
    export = copy.deepcopy(small_export)
    export["conversations"][0]["training_pairs"][1]["training_metadata"]["human_reviewed"] = True
    report = _report(export)
    assert not report.by_code("not_human_reviewed")


def test_missing_quality_is_a_warning(small_export):
    export = copy.deepcopy(small_export)
    del export["conversations"][1]["training_pairs"][0]["training_metadata"]
    (finding,) = _report(export).by_code("missing_quality")
    assert (finding.severity, finding.where) == ("warning", "conversation c-2, turn 1")
