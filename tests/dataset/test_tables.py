"""Normalized tables: checked cell by cell against the hand-built fixture."""

from __future__ import annotations

import copy

import pytest

from services.dataset.loader import load_dataset
from services.dataset.tables import CONVERSATION_COLUMNS, TURN_COLUMNS
from tests.support.exports import export_bytes


@pytest.fixture
def ds(small_export):
    return load_dataset(export_bytes(small_export), "t.json")


def test_conversation_rows(ds):
    table = ds.conversation_table.set_index("conversation_id")
    assert list(ds.conversation_table.columns) == list(CONVERSATION_COLUMNS)
    c1, c2 = table.loc["c-1"], table.loc["c-2"]
    assert (c1["persona_key"], c1["arc_key"], c1["topic_key"]) == ("anxious_planner", "shame_to_acceptance",
                                                                   "emergency_fund")
    assert (c1["turns"], c1["pairs"], c1["supervised_examples"], c1["ends_on_user"]) == (4, 4, 2, False)
    assert (c2["turns"], c2["pairs"], c2["supervised_examples"], c2["ends_on_user"]) == (3, 3, 1, True)
    assert (c1["tier"], c2["tier"]) == ("template", "edge_case")  # crisis_to_referral is an edge case
    assert (c1["quality"], c2["quality"], c2["empathy"]) == (3.0, 4.0, 4.0)
    assert (c1["start_emotion"], c1["start_intensity"], c1["end_emotion"], c1["end_intensity"]) == (
        "emotion1", 0.8, "emotion4", 0.2)
    assert not c1["human_reviewed"] and c1["human_reviewed_pairs"] == 0


def test_turn_rows(ds):
    turns = ds.turn_table
    assert list(turns.columns) == list(TURN_COLUMNS)
    assert len(turns) == 7
    c2 = turns[turns["conversation_id"] == "c-2"]
    assert c2["turn"].tolist() == [1, 2, 3]
    assert c2["speaker"].astype(str).tolist() == ["user", "assistant", "user"]
    assert c2["has_target"].tolist() == [False, True, False]
    assert c2["intensity"].tolist() == [0.9, 0.7, 0.5]
    assert c2["target_chars"].tolist() == [0, len("c-2 assistant answer 2"), 0]
    assert c2["arc_key"].astype(str).unique().tolist() == ["crisis_to_referral"]


def test_edge_case_arcs_are_configurable(small_export):
    ds = load_dataset(export_bytes(small_export), "t.json", edge_case_arcs={"shame_to_acceptance"})
    assert ds.conversation_table["tier"].astype(str).tolist() == ["edge_case", "template"]


def test_quality_is_the_mean_of_the_pairs_and_review_needs_every_pair(small_export):
    export = copy.deepcopy(small_export)
    pairs = export["conversations"][0]["training_pairs"]
    for pair, score in zip(pairs, [2.0, 3.0, 4.0, 5.0], strict=True):
        pair["training_metadata"]["quality_score"] = score
    pairs[0]["training_metadata"]["human_reviewed"] = True
    row = load_dataset(export_bytes(export), "t.json").conversation_table.iloc[0]
    assert row["quality"] == 3.5
    assert (row["human_reviewed_pairs"], row["human_reviewed"]) == (1, False)
