"""Tier figures and the strategy comparison, checked against values computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from services.dataset.loader import load_dataset
from services.strategy import compare, plans, presets, sampling
from services.strategy.plans import Plan, Selection, Tier
from tests.support.exports import export_bytes, make_conversation


@pytest.fixture
def four():
    """Four conversations: persona A ×3 (arcs x, x, y), persona B ×1 (arc y); 2 examples each."""
    convs = [make_conversation("a1", "A", "x", "t", 4), make_conversation("a2", "A", "x", "t", 4),
             make_conversation("a3", "A", "y", "t", 4), make_conversation("b1", "B", "y", "u", 4)]
    return load_dataset(export_bytes({"training_file_metadata": {}, "conversations": convs}), "four.json")


def test_total_variation_by_hand(four):
    full = np.arange(4)
    assert compare.total_variation(four, full, "persona") == 0.0
    only_b = np.array([3])  # persona mix (0, 1) against (0.75, 0.25): TV = 0.75
    assert compare.total_variation(four, only_b, "persona") == pytest.approx(0.75)
    assert compare.total_variation(four, np.array([], dtype=np.int64), "arc") == 1.0


def test_cells_covered(four):
    assert compare.cells_covered(four, np.arange(4)) == 3  # (A,x) (A,y) (B,y)
    assert compare.cells_covered(four, np.array([0, 1])) == 1


def test_tier_rows(four):
    plan = Plan(name="p", tiers=[Tier(name="t", channel="hub_gated", gating=plans.Gating(),
                                      selection=Selection(filters=plans.Filters(arcs_only=["y"])))],
                trainable_threshold=4)
    sel = sampling.select_plan(four, plan)
    table = compare.comparison(four, plan, sel).set_index("tier")
    t = table.loc["t"]
    assert (t["conversations"], t["supervised_examples"], t["persona_arc_cells"]) == (2, 4, "2/3")
    assert t["share_of_examples"] == 0.5 and t["trainable"] and t["captures_leads"]
    assert t["tv_persona"] == pytest.approx(0.25)  # (0.5, 0.5) against (0.75, 0.25)
    assert table.loc[compare.FULL, "supervised_examples"] == 8


def test_billboard_summary_adds_up(demo_dataset):
    plan = presets.preset_billboard()
    sel = sampling.select_plan(demo_dataset, plan)
    s = compare.strategy_summary(demo_dataset, plan, sel)
    total = int(demo_dataset.conversation_table["supervised_examples"].sum())
    assert s.free_examples == sel["preview"].supervised_examples
    assert s.email_examples == 100
    assert s.kept_examples == total - sel["preview"].supervised_examples - 100
    untouched = set(sel["full"].conversation_ids) - set(sel["preview"].conversation_ids) \
        - set(sel["eq-100"].conversation_ids)
    assert s.kept_conversations == len(untouched)
    assert not s.trainable_without_email and not s.trainable_without_paying
    assert s.captures_leads


def test_preset_comparison_tells_the_strategies_apart(demo_dataset):
    table = {s.strategy: s for s in compare.preset_comparison(demo_dataset)}
    assert table["Full giveaway"].free_examples == 731
    assert not table["Full giveaway"].captures_leads
    assert table["Hybrid (gated)"].email_examples == 731
    assert table["Hybrid (gated)"].trainable_without_paying
    assert not table["Hybrid (gated)"].trainable_without_email
    questions = compare.questions_table(compare.preset_comparison(demo_dataset)).set_index("question")
    assert questions.loc["captures leads"].tolist() == ["no", "yes", "yes"]


def test_composition_shares_sum_to_one(demo_dataset):
    sel = sampling.select_plan(demo_dataset, presets.preset_billboard())
    comp = compare.composition(demo_dataset, sel, "arc")
    sums = comp.groupby("tier")["share"].sum()
    assert np.allclose(sums.to_numpy(), 1.0)
    assert set(comp["tier"]) == {compare.FULL, "preview", "eq-100", "full"}
