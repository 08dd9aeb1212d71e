"""Sampling: the presets' own rules, filters, pins, relations, and properties for any data."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.cli.plan import plan_report
from services.dataset.loader import load_dataset
from services.strategy import presets, sampling
from services.strategy.plans import Filters, Plan, Relation, Selection, Tier
from tests.support.exports import export_bytes, make_conversation
from tests.support.streamlit_server import ROOT


def _cells(ds, indices) -> set:
    t = ds.conversation_table.iloc[indices]
    return set(zip(t["persona_key"].astype(str), t["arc_key"].astype(str), strict=True))


# --- the presets on the demo data ----------------------------------------------------------------
def test_billboard_meets_its_own_rules(demo_dataset):
    plan = presets.preset_billboard()
    sel = sampling.select_plan(demo_dataset, plan)
    preview, eq, full = sel["preview"], sel["eq-100"], sel["full"]
    all_cells = _cells(demo_dataset, np.arange(len(demo_dataset.conversation_table)))
    assert preview.conversations == 30
    assert _cells(demo_dataset, preview.indices) == all_cells  # every persona × arc cell
    assert preview.supervised_examples < plan.trainable_threshold  # not enough to train on
    assert eq.supervised_examples == 100 and len(eq.examples) == 100
    assert not set(eq.conversation_ids) & set(preview.conversation_ids)
    assert _cells(demo_dataset, eq.indices) == all_cells
    assert full.conversations == 242 and full.supervised_examples == 731
    assert not any(s.error for s in sel.values())


def test_examples_are_real_answered_turns(demo_dataset):
    sel = sampling.select_plan(demo_dataset, presets.preset_billboard())["eq-100"]
    turns = demo_dataset.turn_table
    answered = set(zip(turns.loc[turns["has_target"], "conversation_id"].astype(str),
                       turns.loc[turns["has_target"], "turn"], strict=True))
    assert set(sel.examples) <= answered
    assert {cid for cid, _ in sel.examples} == set(sel.conversation_ids)


@pytest.mark.parametrize("preset", ["giveaway", "hybrid"])
def test_single_tier_presets_hold_everything(demo_dataset, preset: str):
    (sel,) = sampling.select_plan(demo_dataset, presets.PRESETS[preset]()).values()
    assert (sel.conversations, sel.supervised_examples) == (242, 731)


def test_same_tiers_byte_for_byte_in_a_new_process(demo_dataset):
    here = json.dumps(plan_report(demo_dataset, presets.preset_billboard()), indent=2, ensure_ascii=False)
    there = subprocess.run([sys.executable, "-m", "services.cli", "plan", "demo", "--preset", "billboard", "--json"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert there.strip() == here.strip()


def test_another_seed_gives_another_sample(demo_dataset):
    a = sampling.select_plan(demo_dataset, presets.preset_billboard(seed=1))["preview"]
    b = sampling.select_plan(demo_dataset, presets.preset_billboard(seed=2))["preview"]
    assert a.conversation_ids != b.conversation_ids


# --- rules ---------------------------------------------------------------------------------------
def _plan(*tiers: Tier, seed: int = 7) -> Plan:
    return Plan(name="t", seed=seed, tiers=list(tiers))


def test_filters(demo_dataset):
    table = demo_dataset.conversation_table
    tier = Tier(name="t", channel="hub_public", selection=Selection(filters=Filters(
        min_quality=3.0, arcs_exclude=["crisis_to_referral"], min_supervised_examples=3)))
    (sel,) = sampling.select_plan(demo_dataset, _plan(tier)).values()
    expected = table[(table["quality"] >= 3.0) & (table["arc_key"] != "crisis_to_referral")
                     & (table["supervised_examples"] >= 3)]
    assert set(sel.conversation_ids) == set(expected["conversation_id"])
    only = Tier(name="o", channel="private", selection=Selection(filters=Filters(topics_only=["emergency_fund"])))
    (sel,) = sampling.select_plan(demo_dataset, _plan(only)).values()
    assert set(sel.conversation_ids) == set(table.loc[table["topic_key"] == "emergency_fund", "conversation_id"])


def test_pins_in_and_out(demo_dataset):
    ids = list(demo_dataset.conversation_table["conversation_id"])
    tier = Tier(name="p", channel="hub_public",
                selection=Selection(mode="conversations", size=10, pin_in=ids[:2], pin_out=ids[2:50]))
    (sel,) = sampling.select_plan(demo_dataset, _plan(tier)).values()
    assert sel.conversations == 10
    assert set(ids[:2]) <= set(sel.conversation_ids)
    assert not set(ids[2:50]) & set(sel.conversation_ids)


def test_pins_override_filters_but_not_relations(demo_dataset):
    table = demo_dataset.conversation_table
    crisis = table.loc[table["arc_key"] == "crisis_to_referral", "conversation_id"].iloc[0]
    a = Tier(name="a", channel="hub_public", selection=Selection(filters=Filters(arcs_exclude=["crisis_to_referral"]),
                                                                 pin_in=[crisis]))
    sel = sampling.select_plan(demo_dataset, _plan(a))["a"]
    assert crisis in sel.conversation_ids
    b = Tier(name="b", channel="download", selection=Selection(pin_in=[crisis]),
             relations=[Relation(kind="disjoint_from", tier="a")])
    sel = sampling.select_plan(demo_dataset, _plan(a, b))["b"]
    assert sel.error and "disjoint from 'a' forbids" in sel.error and crisis in sel.error
    assert sel.conversations == 0


def test_subset_relation(demo_dataset):
    outer = Tier(name="outer", channel="hub_public", selection=Selection(mode="conversations", size=60))
    inner = Tier(name="inner", channel="download", selection=Selection(mode="conversations", size=20),
                 relations=[Relation(kind="subset_of", tier="outer")])
    sel = sampling.select_plan(demo_dataset, _plan(inner, outer))  # order in the file does not matter
    assert set(sel["inner"].conversation_ids) < set(sel["outer"].conversation_ids)
    assert list(sel) == ["inner", "outer"]


@pytest.mark.parametrize(("selection", "message"), [
    (Selection(mode="conversations", size=500), "asks for 500 conversations; only 242 are eligible"),
    (Selection(mode="examples", size=5000), "asks for 5,000 supervised examples; only 731 are eligible"),
    (Selection(mode="conversations", size=5, pin_in=["nope"]), "not in this dataset: nope"),
])
def test_impossible_tiers_say_why(demo_dataset, selection: Selection, message: str):
    (sel,) = sampling.select_plan(demo_dataset, _plan(Tier(name="x", channel="private",
                                                           selection=selection))).values()
    assert message in sel.error and sel.conversations == 0


def test_allocate_is_proportional_with_a_floor_of_one():
    rng = np.random.default_rng(0)
    alloc = sampling.allocate(np.array([100, 50, 1, 0, 9]), 20, rng)
    assert alloc.sum() == 20 and alloc[3] == 0 and (alloc[[0, 1, 2, 4]] >= 1).all()
    assert alloc[0] > alloc[1] > alloc[4]
    assert sampling.allocate(np.array([3, 3]), 6, rng).tolist() == [3, 3]
    with pytest.raises(sampling.SamplingError):
        sampling.allocate(np.array([1, 1]), 3, rng)


# --- properties, on any small dataset ---------------------------------------------------------------
PERSONAS = ["anxious_planner", "overwhelmed_avoider", "pragmatic_optimist"]
ARCS = ["shame_to_acceptance", "confusion_to_clarity", "crisis_to_referral"]


@st.composite
def datasets(draw):
    n = draw(st.integers(min_value=3, max_value=40))
    convs = [make_conversation(f"c-{i:03d}", draw(st.sampled_from(PERSONAS)), draw(st.sampled_from(ARCS)),
                               "emergency_fund", turns=draw(st.integers(min_value=2, max_value=8)))
             for i in range(n)]
    return load_dataset(export_bytes({"training_file_metadata": {}, "conversations": convs}), "prop.json")


PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(ds=datasets(), seed=st.integers(0, 2**32), frac=st.floats(0.05, 1.0))
def test_conversation_tiers_are_exact_deterministic_and_cover_strata(ds, seed, frac):
    n = max(1, int(frac * len(ds.conversation_table)))
    plan = _plan(Tier(name="t", channel="hub_public", selection=Selection(mode="conversations", size=n)), seed=seed)
    first = sampling.select_plan(ds, plan)["t"]
    assert first.conversations == n
    assert sampling.select_plan(ds, plan)["t"].conversation_ids == first.conversation_ids
    strata = _cells(ds, np.arange(len(ds.conversation_table)))
    if n >= len(strata):
        assert _cells(ds, first.indices) == strata


@PROPS
@given(ds=datasets(), seed=st.integers(0, 2**32), frac=st.floats(0.05, 0.5))
def test_example_tiers_are_exact_and_disjoint(ds, seed, frac):
    total = int(ds.conversation_table["supervised_examples"].sum())
    n = max(1, int(frac * total))
    plan = _plan(Tier(name="a", channel="hub_public", selection=Selection(mode="conversations", size=1)),
                 Tier(name="b", channel="download", selection=Selection(mode="examples", size=n),
                      relations=[Relation(kind="disjoint_from", tier="a")]), seed=seed)
    sel = sampling.select_plan(ds, plan)
    a, b = sel["a"], sel["b"]
    available = total - a.supervised_examples
    if n > available:
        assert b.error and "supervised examples" in b.error
        return
    assert b.error is None
    assert b.supervised_examples == n == len(b.examples) == len(set(b.examples))
    assert not set(a.conversation_ids) & set(b.conversation_ids)
    assert sampling.select_plan(ds, plan)["b"].examples == b.examples


def test_the_sampling_cache_does_not_keep_a_dataset_alive(small_export):
    import gc
    import weakref

    ds = load_dataset(export_bytes(small_export), "t.json")
    sampling.dataset_arrays(ds)
    ref = weakref.ref(ds)
    del ds
    gc.collect()
    assert ref() is None
