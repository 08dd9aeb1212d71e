"""Plans: presets, files in both formats, and field-level errors."""

from __future__ import annotations

import pytest

from services.strategy import plans, presets
from services.strategy.consent import MARKETING_FIELD, ROLES
from services.strategy.plans import PlanError, parse_plan


@pytest.mark.parametrize("name", list(presets.PRESETS))
def test_presets_round_trip_through_yaml_and_json(name: str, tmp_path):
    plan = presets.PRESETS[name]()
    for suffix in (".yaml", ".json"):
        path = plans.save_plan(plan, tmp_path / f"{name}{suffix}")
        assert plans.load_plan(path) == plan
        assert not list(tmp_path.glob("*.part"))


def test_hybrid_preset_has_the_access_form():
    tier = presets.preset_hybrid().tiers[0]
    assert (tier.channel, tier.gating.mode) == ("hub_gated", "auto")
    fields = {f.label: (f.type, f.options) for f in tier.gating.fields}
    assert fields == {"Company": ("text", []), "Role or use case": ("select", list(ROLES)),
                      MARKETING_FIELD: ("select", ["Yes", "No"])}  # never a checkbox: Hub fields are required
    assert tier.captures_leads and tier.gating.heading and tier.gating.button_content


def test_billboard_preset_shape():
    plan = presets.preset_billboard()
    assert [(t.name, t.channel) for t in plan.tiers] == [("preview", "hub_public"), ("eq-100", "download"),
                                                          ("full", "private")]
    eq = plan.tier("eq-100")
    assert (eq.selection.mode, eq.selection.size) == ("examples", 100)
    assert [(r.kind, r.tier) for r in eq.relations] == [("disjoint_from", "preview")]
    assert plan.resolution_order().index("preview") < plan.resolution_order().index("eq-100")


def test_no_preset_ships_a_placeholder_link():
    for make in presets.PRESETS.values():
        dumped = plans.dump_plan(make())
        assert "example.com" not in dumped and "localhost" not in dumped


def test_access_form_labels_must_differ():
    text = ("name: p\ntiers:\n  - name: a\n    channel: hub_gated\n    gating:\n      fields:\n"
            "        - {label: Company}\n        - {label: company}\n")
    with pytest.raises(PlanError, match="repeated: Company, company"):
        parse_plan(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("name: p\ntiers:\n  - name: a\n    channel: hub_closed\n", "tiers.0.channel: Input should be"),
    ("name: p\ntiers:\n  - name: a\n    channel: hub_public\n    selection: {mode: conversations}\n",
     "a 'conversations' selection needs a size"),
    ("name: p\ntiers:\n  - name: a\n    channel: hub_gated\n", "a hub_gated tier needs gating"),
    ("name: p\ntiers:\n  - name: a\n    channel: hub_public\n    colour: red\n", "tiers.0.colour: Extra inputs"),
    ("name: p\ntiers:\n  - {name: a, channel: hub_public, relations: [{kind: subset_of, tier: b}]}\n",
     "'b', which is not a tier of this plan"),
    ("name: p\ntiers:\n  - {name: a, channel: private}\n  - {name: a, channel: private}\n",
     "tier names must be unique; repeated: a"),
    ("name: p\ntiers:\n  - {name: a, channel: private, relations: [{kind: subset_of, tier: b}]}\n"
     "  - {name: b, channel: private, relations: [{kind: subset_of, tier: a}]}\n", "relations form a cycle"),
    ("name: p\ntiers: []\n", "tiers: List should have at least 1 item"),
    ("name: p\ntiers:\n  - {name: Big Tier, channel: private}\n", "tiers.0.name: String should match pattern"),
    ("name: p\ntiers:\n  - {name: a, channel: private, selection: {mode: examples, size: 0}}\n",
     "tiers.0.selection.size: Input should be greater than or equal to 1"),
    # Issue #12: the Hub refuses a card whose license is not on its list (after the repo was created)
    ("name: p\ntiers:\n  - {name: a, channel: hub_public, license: CC BY 4.0}\n",
     "license 'CC BY 4.0' is not one the Hub accepts; use one of: cc-by-4.0, cc-by-nc-4.0"),
    ("name: p\ntiers:\n  - {name: a, channel: download, license: other}\n", "license 'other' needs a license_name"),
])
def test_invalid_plans_name_the_field(text: str, expected: str):
    with pytest.raises(PlanError) as info:
        parse_plan(text, "bad.yaml")
    assert str(info.value).startswith("bad.yaml: ")
    assert expected in str(info.value)


def test_not_yaml_points_at_the_line():
    with pytest.raises(PlanError) as info:
        parse_plan("name: p\ntiers: [\n  - x: {\n", "broken.yaml")
    assert str(info.value).startswith("broken.yaml, line ")
    assert "not valid YAML or JSON" in str(info.value)


def test_a_plan_file_that_is_a_list():
    with pytest.raises(PlanError, match="a plan is a mapping"):
        parse_plan("[1, 2]", "list.yaml")


def test_unreadable_plan_file(tmp_path):
    with pytest.raises(PlanError, match="cannot read the plan"):
        plans.load_plan(tmp_path / "missing.yaml")


def test_a_kept_back_tier_may_keep_any_license_and_other_with_a_name_is_accepted():
    plan = parse_plan("name: p\ntiers:\n  - {name: a, channel: private, license: proprietary}\n"
                      "  - {name: b, channel: hub_public, license: other, license_name: BrightRun terms}\n")
    assert plan.tier("b").license_name == "BrightRun terms"
