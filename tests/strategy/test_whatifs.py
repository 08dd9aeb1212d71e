"""What-ifs: the smallest covering preview is minimal, the largest free preview stays below the threshold."""

from __future__ import annotations

from services.strategy import advice, sampling, whatifs
from services.strategy.compare import cells_covered
from services.strategy.presets import preset_billboard


def _preview(ds, plan):
    return sampling.select_plan(ds, plan)["preview"]


def test_the_smallest_preview_covers_every_cell_and_one_less_does_not(demo_dataset):
    found = whatifs.smallest_covering_preview(demo_dataset)
    assert found.plan is not None
    sel = _preview(demo_dataset, found.plan)
    all_cells = len(set(zip(demo_dataset.conversation_table["persona_key"], demo_dataset.conversation_table["arc_key"],
                            strict=True)))
    assert cells_covered(demo_dataset, sel.indices) == all_cells
    smaller = whatifs._preview(demo_dataset, found.plan, sel.conversations - 1)
    assert smaller is None or cells_covered(demo_dataset, smaller.indices) < all_cells
    assert f"{sel.conversations} conversations" in found.answer and f"all {all_cells}" in found.answer
    assert all(s.error is None for s in sampling.select_plan(demo_dataset, found.plan).values())


def test_the_largest_free_preview_stays_just_below_the_threshold(demo_dataset):
    found = whatifs.largest_preview_below_threshold(demo_dataset)
    assert found.plan is not None
    sel = _preview(demo_dataset, found.plan)
    threshold = found.plan.trainable_threshold
    assert sel.supervised_examples < threshold
    bigger = whatifs._preview(demo_dataset, found.plan, sel.conversations + 1)
    assert bigger is None or bigger.supervised_examples >= threshold
    assert f"{sel.supervised_examples:,} supervised examples" in found.answer


def test_a_what_if_keeps_the_rest_of_the_current_plan(demo_dataset):
    base = preset_billboard(seed=7)
    found = whatifs.smallest_covering_preview(demo_dataset, base)
    assert found.plan is not None and found.plan.seed == 7
    assert [t.name for t in found.plan.tiers] == [t.name for t in base.tiers]
    assert found.plan.tier("eq-100") == base.tier("eq-100")


def test_another_threshold_changes_what_is_trainable(demo_dataset):
    rows = {r.threshold: r for r in whatifs.threshold_changes(demo_dataset, advice.Goals(), (50, 500, 1000))}
    assert "Billboard (3-tier funnel)" in rows[50].trainable_without_email  # its 91 public examples reach 50
    assert "Billboard (3-tier funnel)" not in rows[500].trainable_without_email
    assert rows[1000].trainable_without_paying == []  # 731 examples in all: nothing reaches 1,000
    assert all(r.recommended for r in rows.values())
