"""Strategy page: presets, editing a rule, plan files, the comparison."""

from __future__ import annotations

from tests.app.conftest import no_exception, open_app


def _tiers(at) -> dict[str, int]:
    """Tier → conversations, from the plan comparison table."""
    table = next(d.value for d in at.dataframe if "tier" in d.value.columns)
    return dict(zip(table["tier"], table["conversations"], strict=True))


def test_the_page_opens_on_the_plan_of_the_newest_release():
    """The sandbox's story was released with the billboard plan whose full set is gated for buyers: the
    page shows that plan (not the preset that keeps the full set back), and says where it comes from."""
    at = open_app("app_pages/strategy.py")
    no_exception(at)
    plan = at.session_state["plan.current"]
    assert [(t.name, t.channel) for t in plan.tiers] == [("preview", "hub_public"), ("eq-100", "download"),
                                                         ("full", "hub_gated")]
    assert at.session_state["plan.origin"].startswith("the newest release (v2 of ")
    assert any(c.value.endswith(f"from {at.session_state['plan.origin']}") for c in at.caption)
    assert _tiers(at) == {"full dataset": 242, "preview": 30, "eq-100": 43, "full": 199}  # disjoint from eq-100


def test_with_no_release_the_page_opens_on_the_billboard_and_compares_the_presets(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "history.jsonl"))  # nothing released yet
    at = open_app("app_pages/strategy.py", sandbox=False)
    no_exception(at)
    assert at.session_state["plan.origin"] == "preset: billboard"
    assert _tiers(at) == {"full dataset": 242, "preview": 30, "eq-100": 43, "full": 242}
    glance = at.dataframe[0].value.set_index("question")
    assert list(glance.columns) == ["Full giveaway", "Billboard (3-tier funnel)", "Hybrid (gated)"]
    assert glance.loc["captures leads"].tolist() == ["no", "yes", "yes"]
    assert {m.label: m.value for m in at.metric}["Free for an email (examples)"] == "100"
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download plan (YAML)", "Download plan (JSON)", "Decision brief (HTML)"]


def _on_the_billboard(at):
    at.segmented_control(key="strategy.preset").set_value("billboard").run()
    return at


def test_the_page_recommends_and_one_goal_flips_the_answer():
    at = _on_the_billboard(open_app("app_pages/strategy.py"))
    no_exception(at)
    assert at.success[0].value.startswith("**Recommended: Hybrid (gated)**")
    assert "Main risk" in at.warning[0].value and "0 of 731 supervised examples are public" in at.warning[0].value
    why = next(m.value for m in at.markdown if m.value.startswith("**Why**"))
    assert why.count("\n1. ") == 3
    at.slider(key="advice.kept_for_sale").set_value(5).run()  # "mattered five times as much"
    no_exception(at)
    assert at.success[0].value.startswith("**Recommended: Billboard (3-tier funnel)**")


def test_the_recommendation_and_a_what_if_are_one_click_from_the_plan():
    at = _on_the_billboard(open_app("app_pages/strategy.py"))
    at.button(key="advice.use").click().run()
    no_exception(at)
    assert at.session_state["plan.current"].name == "hybrid"
    at.segmented_control(key="strategy.preset").set_value("billboard").run()
    at.button(key="advice.what_if.0").click().run()  # the smallest preview covering every cell
    no_exception(at)
    assert _tiers(at)["preview"] == 21
    assert at.session_state["plan.origin"].startswith("what-if:")
    assert at.button(key="advice.what_if.0").disabled  # it is the plan now: nothing left to apply


def test_pick_each_preset():
    at = open_app("app_pages/strategy.py")
    for preset, tiers in (("giveaway", ["full"]), ("hybrid", ["full"]), ("billboard", ["preview", "eq-100", "full"])):
        at.segmented_control(key="strategy.preset").set_value(preset).run()
        no_exception(at)
        assert any(s.value == f"Plan: {preset}" for s in at.subheader)
        assert list(_tiers(at))[1:] == tiers


def test_changing_a_size_recomputes_the_tiers():
    at = open_app("app_pages/strategy.py")
    version = at.session_state["plan.version"]
    at.number_input(key=f"tier_editor.{version}.preview.size").set_value(45).run()
    no_exception(at)
    assert _tiers(at)["preview"] == 45
    assert at.session_state["plan.current"].tier("preview").selection.size == 45


def test_an_impossible_rule_is_explained():
    at = open_app("app_pages/strategy.py")
    version = at.session_state["plan.version"]
    at.number_input(key=f"tier_editor.{version}.preview.size").set_value(400).run()
    no_exception(at)
    assert any("asks for 400 conversations; only 242 are eligible" in e.value for e in at.error)


def test_load_a_plan_file_and_a_broken_one():
    at = open_app("app_pages/strategy.py")
    at.file_uploader(key="strategy.plan_file").set_value(
        ("mine.yaml", b"name: mine\nseed: 5\ntiers:\n  - {name: teaser, channel: hub_public, "
                      b"selection: {mode: conversations, size: 9}}\n", "application/yaml")).run()
    at.button(key="strategy.use_file").click().run()
    no_exception(at)
    assert any(s.value == "Plan: mine" for s in at.subheader)
    assert _tiers(at)["teaser"] == 9
    at.file_uploader(key="strategy.plan_file").set_value(
        ("bad.yaml", b"name: bad\ntiers:\n  - {name: t, channel: hub_gated}\n", "application/yaml")).run()
    at.button(key="strategy.use_file").click().run()
    no_exception(at)
    assert any("bad.yaml: tiers.0: a hub_gated tier needs gating" in e.value for e in at.error)
    assert any(s.value == "Plan: mine" for s in at.subheader)  # the previous plan is untouched


def test_save_the_plan_to_the_plans_folder(tmp_path, monkeypatch):
    from services.strategy.plans import load_plan

    monkeypatch.chdir(tmp_path)
    at = open_app("app_pages/strategy.py")
    at.text_input(key="strategy.save_name").set_value("../../escape.yaml").run()
    at.button(key="strategy.save").click().run()
    no_exception(at)
    saved = tmp_path / "plans" / "escape.yaml"  # the file name only: it cannot leave the folder
    assert any(str(saved.relative_to(tmp_path)) in s.value for s in at.success)
    assert load_plan(saved) == at.session_state["plan.current"]
    at.text_input(key="strategy.save_name").set_value("plan.txt").run()
    at.button(key="strategy.save").click().run()
    assert any("ending in .yaml or .json" in e.value for e in at.error)


def test_the_editor_offers_only_licenses_the_hub_accepts():
    from services.strategy.licenses import HUB_LICENSES

    at = open_app("app_pages/strategy.py")
    version = at.session_state["plan.version"]
    box = at.selectbox(key=f"tier_editor.{version}.preview.license")
    assert set(box.options) == set(HUB_LICENSES) and box.value == "cc-by-4.0"
    box.set_value("other").run()
    no_exception(at)
    assert any("license 'other' needs a license_name" in e.value for e in at.error)
    at.text_input(key=f"tier_editor.{version}.preview.license_name").set_value("BrightRun terms").run()
    no_exception(at)
    assert at.session_state["plan.current"].tier("preview").license_name == "BrightRun terms"


def test_the_gate_form_is_edited_previewed_and_checked_on_the_page():
    at = open_app("app_pages/strategy.py")
    at.segmented_control(key="strategy.preset").set_value("hybrid").run()
    no_exception(at)
    assert any("privacy notice" in w.value for w in at.warning)  # the checks will block it until it is set
    version = at.session_state["plan.version"]
    at.text_input(key=f"tier_editor.{version}.privacy_url").set_value("https://brightrun.ai/privacy").run()
    no_exception(at)
    assert not any("The checks will block this form" in w.value for w in at.warning)
    prompt = next(m.value for m in at.markdown if "privacy notice" in m.value)
    assert "[privacy notice](https://brightrun.ai/privacy)" in prompt
    consent = next(s for s in at.selectbox if s.label.startswith("Keep me posted"))
    assert consent.options == ["Yes", "No"] and consent.value is None and consent.disabled  # the preview
    at.text_input(key=f"tier_editor.{version}.full.gate_form.heading").set_value("Tell us who you are").run()
    no_exception(at)
    plan = at.session_state["plan.current"]
    assert plan.tiers[0].gating.heading == "Tell us who you are" and plan.privacy_url == "https://brightrun.ai/privacy"
    assert any(m.value == "#### Tell us who you are" for m in at.markdown)
