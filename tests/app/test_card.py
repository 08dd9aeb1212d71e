"""Card page: preview, the words edited live, the check report, the override, the files."""

from __future__ import annotations

from tests.app.conftest import no_exception, open_app
from tests.support.exports import export_bytes


def test_the_billboard_preview_card_passes_and_renders():
    at = open_app("app_pages/card.py")
    no_exception(at)
    assert at.success[0].value == "**preview** passes every check."
    assert any("# Emotionally Intelligent Financial Advisor Conversations" in m.value for m in at.markdown)
    report = at.dataframe[0].value
    assert set(report["check"]) >= {"leakage", "duplicates", "card truth", "personal data: email address"}
    at.segmented_control(key="card.tier").set_value("eq-100").run()
    no_exception(at)
    assert any(b.label == "Download the EQ zip" for b in at.get("download_button"))


def test_editing_the_words_updates_the_preview():
    at = open_app("app_pages/card.py")
    at.text_input(key="card_text.preview.title").set_value("Advisor EQ Preview").run()
    no_exception(at)
    assert any("# Advisor EQ Preview" in m.value for m in at.markdown)
    at.text_area(key="card_text.preview.summary").set_value("We have 9,999 conversations.").run()
    assert any("is blocked" in e.value for e in at.error)  # a typed number the data does not give


def test_a_blocked_tier_needs_the_typed_override(tmp_path, small_export):
    small_export["conversations"][0]["training_pairs"][1]["target_response"] = "Mail me at a.b@example.com"
    path = tmp_path / "pii.json"
    path.write_bytes(export_bytes(small_export))
    at = open_app("app_pages/strategy.py")
    at.radio(key="source.kind").set_value("path").run()
    at.text_input(key="source.path").set_value(str(path)).run()
    at.segmented_control(key="strategy.preset").set_value("giveaway").run()
    at.switch_page("app_pages/card.py").run()
    no_exception(at)
    assert "cannot be published" in at.error[0].value
    assert all(b.disabled for b in at.get("download_button"))
    at.text_input(key="card.override.full").set_value("ok").run()
    at.button(key="card.override_button.full").click().run()
    assert any("publish full anyway" in e.value for e in at.error)
    at.text_input(key="card.override.full").set_value("publish full anyway").run()
    at.text_input(key="card.override_reason.full").set_value("a test address").run()
    at.button(key="card.override_button.full").click().run()
    no_exception(at)
    assert any("overrode it" in w.value for w in at.warning)
    assert any("a test address" in c.value for c in at.caption)
    fresh = open_app("app_pages/strategy.py")  # another session on the same data: the override is not shared
    fresh.radio(key="source.kind").set_value("path").run()
    fresh.text_input(key="source.path").set_value(str(path)).run()
    fresh.segmented_control(key="strategy.preset").set_value("giveaway").run()
    fresh.switch_page("app_pages/card.py").run()
    assert "cannot be published" in fresh.error[0].value


def test_tiers_not_built_are_named(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "history.jsonl"))  # no release: the Billboard,
    at = open_app("app_pages/card.py", sandbox=False)  # whose full set is kept for sale
    assert any("**full** is not built here — kept back" in c.value for c in at.caption)


def test_whats_new_names_what_people_asked_for_without_the_feedback_page_opened():
    """The card reads the inbox it needs itself: opened first, in a fresh session, the full tier's v3 card says
    which of the sandbox story's feedback themes it answers and that it follows v2."""
    at = open_app("app_pages/card.py")
    at.segmented_control(key="card.tier").set_value("full").run()
    no_exception(at)
    card = next(m.value for m in at.markdown if "## What's new" in m.value)
    section = card.split("## What's new", 1)[1].split("**Released together:**")[0]
    assert "Compared with the previous release (`v2`)" in section
    assert "Answers what people asked for:" in section and "roth_ira_conversion" in section
