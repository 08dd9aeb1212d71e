"""The Hub access form: its YAML keys, and what the check refuses in it."""

from __future__ import annotations

from services.strategy import gate_form, presets
from services.strategy.consent import MARKETING_FIELD
from services.strategy.plans import AccessField, Gating

PRIVACY = "https://brightrun.ai/privacy"


def test_the_hybrid_form_as_yaml_links_the_privacy_notice_and_asks_consent_as_yes_no():
    gating = presets.preset_hybrid().tiers[0].gating
    out = gate_form.gate_yaml(gating, PRIVACY)
    assert set(out) <= gate_form.GATE_KEYS
    assert out["extra_gated_heading"] == gating.heading and out["extra_gated_button_content"] == "Get access"
    assert f"[privacy notice]({PRIVACY})" in out["extra_gated_prompt"]
    assert out["extra_gated_fields"][MARKETING_FIELD] == {"type": "select", "options": ["Yes", "No"]}
    assert out["extra_gated_fields"]["Company"] == "text"
    assert gate_form.yaml_problems(out) == []


def test_a_consent_checkbox_an_unknown_type_and_a_stray_key_are_refused():
    card = {"extra_gated_prompt": f"Hi [privacy]({PRIVACY})", "extra_gated_colour": "red",
            "extra_gated_fields": {"I agree to be contacted": "checkbox", "Age": "number",
                                   "Use": {"type": "select"}}}
    problems = gate_form.yaml_problems(card)
    assert any("`extra_gated_colour` is not a key" in p for p in problems)
    assert any("I agree to be contacted" in p and "Yes / No select" in p for p in problems)
    assert any("`number` is not a field type" in p for p in problems)
    assert any("`Use`: a select needs its options" in p for p in problems)


def test_a_form_without_a_privacy_link_or_with_a_placeholder_one_is_refused():
    gating = Gating(fields=[AccessField(label="Company")])
    assert any("privacy notice" in p for p in gate_form.yaml_problems(gate_form.gate_yaml(gating, None)))
    placeholder = gate_form.gate_yaml(gating, "https://example.com/privacy")
    assert any("placeholder" in p for p in gate_form.yaml_problems(placeholder))


def test_a_plain_checkbox_that_asks_no_consent_is_fine():
    gating = Gating(fields=[AccessField(label="I will cite the dataset", type="checkbox")])
    assert gate_form.yaml_problems(gate_form.gate_yaml(gating, PRIVACY)) == []
