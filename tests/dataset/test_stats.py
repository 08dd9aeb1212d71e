"""Statistics against values counted by hand on the small fixture."""

from __future__ import annotations

import msgspec
import pytest

from services.dataset import stats, summary
from services.dataset.loader import load_dataset
from tests.support.exports import export_bytes, make_conversation


@pytest.fixture
def ds(small_export):
    return load_dataset(export_bytes(small_export), "t.json")


def test_kpis(ds):
    k = summary.kpis(ds)
    assert (k.conversations, k.training_pairs, k.pairs_with_target, k.supervised_examples) == (2, 7, 3, 3)
    assert k.supervised_share == pytest.approx(3 / 7)
    assert (k.personas, k.arcs, k.topics) == (2, 2, 1)
    assert k.quality_avg == 3.5
    assert (k.human_reviewed_pairs, k.human_reviewed_share) == (0, 0.0)
    assert k.trainable is False
    assert k.ends_on_user == 1


def test_summary_sentence_says_how_many_pairs_are_trainable(ds):
    text = summary.summary_sentence(ds)
    assert text.startswith("2 conversations and 7 training pairs, of which 3 (43%) carry an assistant response")
    assert "0% human-reviewed" in text


def test_coverage_includes_empty_cells(ds):
    cells = stats.coverage(ds, "persona", "arc")
    assert len(cells) == 4
    counts = {(r.persona, r.arc): r.conversations for r in cells.itertuples()}
    assert counts == {("anxious_planner", "crisis_to_referral"): 0, ("anxious_planner", "shame_to_acceptance"): 1,
                      ("pragmatic_optimist", "crisis_to_referral"): 1, ("pragmatic_optimist", "shame_to_acceptance"): 0}
    assert stats.empty_cells(cells) == [("anxious_planner", "crisis_to_referral"),
                                        ("pragmatic_optimist", "shame_to_acceptance")]


def test_keys_declared_in_metadata_but_absent_show_as_empty(small_export):
    small_export["training_file_metadata"]["scaffolding_distribution"]["emotional_arcs"]["fear_to_confidence"] = 0
    ds = load_dataset(export_bytes(small_export), "t.json")
    dist = stats.distribution(ds, "arc").set_index("key")
    assert dist.loc["fear_to_confidence", "conversations"] == 0
    assert len(stats.coverage(ds)) == 6


def test_distribution(ds):
    dist = stats.distribution(ds, "persona").set_index("key")
    assert dist.loc["anxious_planner", ["conversations", "supervised_examples"]].tolist() == [1, 2]
    assert dist.loc["pragmatic_optimist", "share"] == 0.5
    topic = stats.distribution(ds, "topic")
    assert topic[["key", "conversations", "supervised_examples"]].values.tolist() == [["emergency_fund", 2, 3]]


def test_quality_tables(ds):
    scores = stats.quality_scores(ds)
    assert scores.values.tolist() == [[3.0, 1], [4.0, 1]]
    by_arc = stats.quality_by(ds, "arc").set_index("key")
    assert by_arc.loc["crisis_to_referral", "quality"] == 4.0
    long = stats.criteria_long(ds)
    assert len(long) == 8 and set(long["criterion"]) == {"empathy", "clarity", "appropriateness", "brand_voice"}


def test_turns_per_conversation(ds):
    table = stats.turns_per_conversation(ds)
    assert table.values.tolist() == [[3, 1, 1], [4, 1, 0]]


def test_intensity_by_turn_averages_each_arc(small_export):
    small_export["conversations"].append(
        make_conversation("c-3", "anxious_planner", "shame_to_acceptance", "emergency_fund", turns=2,
                          intensities=[0.6, 0.4]))
    ds = load_dataset(export_bytes(small_export), "t.json")
    by = stats.intensity_by_turn(ds)
    shame = by[by["arc_key"] == "shame_to_acceptance"].set_index("turn")
    assert shame.loc[1, "intensity"] == pytest.approx(0.7)  # (0.8 + 0.6) / 2
    assert shame.loc[1, "pairs"] == 2
    assert shame.loc[4, "intensity"] == pytest.approx(0.2)
    shift = stats.emotion_shift(ds).set_index("arc_key")
    assert shift.loc["crisis_to_referral", ["start", "end"]].tolist() == [0.9, 0.5]


def test_pair_kinds(ds):
    kinds = stats.pair_kinds(ds, "arc")
    got = {(r.key, r.kind.split()[0]): r.pairs for r in kinds.itertuples()}
    assert got == {("crisis_to_referral", "supervised"): 1, ("crisis_to_referral", "user-only"): 2,
                   ("shame_to_acceptance", "supervised"): 2, ("shame_to_acceptance", "user-only"): 2}


def test_dataset_stats_document(ds):
    out = msgspec.to_builtins(summary.dataset_stats(ds))
    for key in ("conversations", "training_pairs", "pairs_with_target", "personas", "emotional_arcs",
                "training_topics", "quality", "human_reviewed_pairs", "issues"):
        assert key in out
    assert out["personas"] == {"anxious_planner": 1, "pragmatic_optimist": 1}
    assert out["quality"] == {"avg": 3.5, "min": 3.0, "max": 4.0}
    assert {i["code"] for i in out["issues"]} >= {"trailing_user_turn", "duplicated_user_message"}
    assert all(set(i) >= {"severity", "code", "message", "where"} for i in out["issues"])
    assert out["tiers"] == {"edge_case": 1, "template": 1}
    assert out["empty_persona_arc_cells"] == [["anxious_planner", "crisis_to_referral"],
                                              ["pragmatic_optimist", "shame_to_acceptance"]]


def test_criteria_distribution_counts_conversations_per_score(ds):
    dist = stats.criteria_distribution(ds).set_index(["criterion", "score"])["conversations"]
    assert dist.loc[("empathy", 3.0)] == 1 and dist.loc[("empathy", 4.0)] == 1
    assert dist.groupby("criterion").sum().to_dict() == {"appropriateness": 2, "brand_voice": 2, "clarity": 2,
                                                          "empathy": 2}
