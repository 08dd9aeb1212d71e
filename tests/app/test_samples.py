"""Samples page: filters, search, a conversation as a chat, pins, featuring, shared links."""

from __future__ import annotations

from services.dataset.search import TextIndex
from tests.app.conftest import no_exception, open_app


def _open(cid: str, sandbox: bool | None = None):
    at = open_app("app_pages/samples.py", sandbox=sandbox)
    at.query_params["conversation"] = cid
    return at.run()


def test_a_shared_link_opens_the_conversation(demo_dataset):
    conv = next(c for c in demo_dataset.iter_conversations() if len(c.training_pairs) % 2)  # ends on a user turn
    cid = conv.conversation_metadata.conversation_id
    at = _open(cid)
    no_exception(at)
    assert len(at.chat_message) == len(conv.training_pairs)  # every turn once, the trailing user turn shown
    assert [m.name for m in at.chat_message][:2] == ["user", "assistant"]
    assert any(f"?conversation={cid}" in c.value for c in at.code)
    assert any("the release drops it" in c.value for c in at.caption)


def test_an_unknown_link_says_so():
    at = _open("not-a-conversation")
    no_exception(at)
    assert "not-a-conversation" in at.error[0].value and "not in the loaded dataset" in at.error[0].value


def test_filter_by_tier_and_search(demo_dataset):
    at = open_app("app_pages/samples.py")
    at.selectbox(key="samples.tier").set_value("preview").run()
    no_exception(at)
    assert len(at.dataframe[0].value) == 30
    at.selectbox(key="samples.tier").set_value("all conversations").run()
    at.text_input(key="samples.query").set_value("Emergency fund").run()
    expected = sum(TextIndex(demo_dataset).matches("emergency fund"))
    assert 0 < len(at.dataframe[0].value) == expected < 242


def test_pin_in_and_feature(demo_dataset):
    at = open_app("app_pages/samples.py")
    preview = set(at.session_state["plan.current"].tier("preview").selection.pin_in)
    assert not preview
    outsider = next(c for c in at.dataframe[0].value.itertuples() if "preview" not in c.tiers).conversation_id
    at = _open(outsider)
    at.selectbox(key="samples.action_tier").set_value("preview").run()
    at.button(key="samples.pin_in").click().run()
    no_exception(at)
    plan = at.session_state["plan.current"]
    assert plan.tier("preview").selection.pin_in == [outsider]
    assert "preview" in at.dataframe[0].value.set_index("conversation_id").loc[outsider, "tiers"]
    assert len(at.dataframe[0].value[at.dataframe[0].value["tiers"].str.contains("preview")]) == 30  # size kept
    at.button(key="samples.feature").click().run()
    assert at.session_state["plan.current"].tier("preview").featured_conversation == outsider
    at.button(key="samples.pin_out").click().run()
    assert at.session_state["plan.current"].tier("preview").selection.pin_out == [outsider]
    assert "preview" not in at.dataframe[0].value.set_index("conversation_id").loc[outsider, "tiers"]


def test_an_opened_conversation_has_its_share_kit(demo_dataset):
    from services.strategy import presets, sampling

    preview = sampling.select_plan(demo_dataset, presets.preset_billboard())["preview"]
    at = _open(preview.conversation_ids[0], sandbox=False)
    no_exception(at)
    assert at.selectbox(key="kit.tier").value == "preview"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Image", "Excerpt"]
    excerpt = next(c.value for c in at.code if c.value.startswith(tuple(demo_dataset.conversation_table[
        "persona_name"].unique())))
    assert "Client: " in excerpt and excerpt.rstrip().endswith("Financial Advisor Conversations")
    assert any("Once 'preview' is published" in c.value for c in at.caption)


def test_in_the_sandbox_the_viewer_link_points_at_the_sandboxs_release(demo_dataset):
    """The seeded story has released 'preview': the row's link is the sandbox Hub's viewer, not huggingface.co."""
    from services.sandbox.runtime import ready_sandbox
    from services.strategy import presets, sampling

    preview = sampling.select_plan(demo_dataset, presets.preset_billboard())["preview"]
    at = _open(preview.conversation_ids[0])
    no_exception(at)
    link = next(m.value for m in at.markdown if "dataset viewer" in m.value)
    assert f"]({ready_sandbox().url}/datasets/brightrun/financial-eq-billboard-preview/viewer" in link
    assert "huggingface.co" not in link


def test_a_conversation_in_no_released_tier_has_nothing_to_share(demo_dataset, tmp_path, monkeypatch):
    from services.strategy import presets, sampling

    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "history.jsonl"))  # no release: the Billboard

    chosen = sampling.select_plan(demo_dataset, presets.preset_billboard())
    released = set(chosen["preview"].conversation_ids) | set(chosen["eq-100"].conversation_ids)
    kept = next(c for c in demo_dataset.conversation_table["conversation_id"] if c not in released)
    at = _open(kept, sandbox=False)
    no_exception(at)
    assert any("in no released tier" in c.value for c in at.caption)


def test_the_featured_list_opens_a_conversation():
    at = open_app("app_pages/samples.py")
    featured = [b for b in at.button if b.key and b.key.startswith("kit.featured.")]
    assert len(featured) == 5
    featured[0].click().run()
    no_exception(at)
    opened = featured[0].key.removeprefix("kit.featured.")
    assert at.query_params["conversation"] == opened
    assert at.selectbox(key="kit.tier").value == "preview"  # its kit is open


def test_the_featured_list_of_a_dataset_without_quality_scores_says_so(tmp_path, small_export):
    """A conversation without a quality score must not break the featured list (it is listed, unscored)."""
    import json

    from services.strategy import presets
    from tests.support.exports import export_bytes

    for conv in small_export["conversations"]:
        for pair in conv["training_pairs"]:
            pair["training_metadata"]["quality_score"] = None
    path = tmp_path / "unscored.json"
    path.write_bytes(export_bytes(small_export))
    at = open_app()
    at.radio(key="source.kind").set_value("path").run()
    at.text_input(key="source.path").set_value(str(path)).run()
    at.session_state["plan.current"] = presets.preset_giveaway()  # two conversations: everything released
    at.switch_page("app_pages/samples.py").run()
    no_exception(at)
    labels = [b.label for b in at.button if b.key and b.key.startswith("kit.featured.")]
    assert labels and all(label.endswith("quality not scored") for label in labels), json.dumps(labels)


def test_a_large_tier_is_built_for_the_kit_only_when_asked(demo_dataset, monkeypatch):
    """Opening a conversation must not write a tier of hundreds of thousands of conversations: past
    `BUILD_AT_ONCE` the kit and the featured list wait for a click, then build it once."""
    from components.marketing import kit_panel

    monkeypatch.setattr(kit_panel, "BUILD_AT_ONCE", 10)  # the demo's preview (30) counts as large here
    built = []
    real = kit_panel.featured_rows
    monkeypatch.setattr(kit_panel, "featured_rows", lambda *a: built.append(a[-1]) or real(*a))
    from services.strategy import presets, sampling

    preview = sampling.select_plan(demo_dataset, presets.preset_billboard())["preview"]
    at = _open(preview.conversation_ids[0], sandbox=False)
    no_exception(at)
    assert not built
    assert not [b for b in at.button if b.key and b.key.startswith("kit.featured.")]
    asks = [b for b in at.button if b.key and b.key.startswith("kit.build.")]
    assert asks, [b.key for b in at.button]
    next(b for b in asks if b.key.startswith("kit.build.featured.")).click().run()
    assert not at.exception and built
    assert len([b for b in at.button if b.key and b.key.startswith("kit.featured.")]) == 5
    at.run()  # asked once: built from then on, no button
    assert not [b for b in at.button if b.key and b.key.startswith("kit.build.featured.")]
