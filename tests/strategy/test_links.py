"""Where a plan's tiers live once published, which tier a card calls to, and which links are dead ends."""

from __future__ import annotations

import pytest

from services.strategy import links, presets
from services.strategy.plans import CallsToAction


def test_billboard_tiers_get_a_dataset_a_space_and_nothing_for_the_kept_tier():
    plan = presets.preset_billboard()
    found = links.ReleaseLinks.for_plan(plan, "https://hub.test.org/")
    assert [(t.tier, t.repo_type, t.url) for t in found.tiers] == [
        ("preview", "dataset", "https://hub.test.org/datasets/brightrun/financial-eq-billboard-preview"),
        ("eq-100", "space", "https://hub.test.org/spaces/brightrun/financial-eq-billboard-eq-100")]
    assert found.of("full") is None
    assert [t.tier for t in found.siblings("preview")] == ["eq-100"]


def test_the_preview_calls_to_the_landing_space_with_utm_parameters():
    plan = presets.preset_billboard()
    found = links.ReleaseLinks.for_plan(plan)
    assert found.call_to_action(plan, "preview") == (
        "https://huggingface.co/spaces/brightrun/financial-eq-billboard-eq-100"
        "?utm_source=huggingface&utm_medium=dataset_card&utm_campaign=preview")
    assert found.call_to_action(plan, "eq-100") is None  # nothing after it asks for more


def test_the_owner_s_own_landing_page_wins_and_keeps_its_query():
    plan = presets.preset_billboard()
    preview = plan.tier("preview")
    preview.calls_to_action = CallsToAction(landing_page_url="https://brightrun.ai/eq?ref=x")
    assert links.ReleaseLinks.for_plan(plan).call_to_action(plan, "preview") == (
        "https://brightrun.ai/eq?ref=x&utm_source=huggingface&utm_medium=dataset_card&utm_campaign=preview")


@pytest.mark.parametrize(("url", "dead"), [
    (None, True), ("", True), ("not a url", True), ("ftp://brightrun.ai/x", True),
    ("https://example.com/eq-100", True), ("https://www.example.org/x", True), ("http://localhost:8501/", True),
    ("http://api.localhost/", True), ("http://127.0.0.1:9/x", True), ("http://10.1.2.3/", True),
    ("http://[::1]/", True), ("https://shop.test/", True),
    ("https://brightrun.ai/eq-100", False), ("https://eq.brightrun.ai/?a=1", False), ("http://8.8.8.8/", False),
])
def test_links_nobody_else_can_open(url, dead):
    assert (links.host_problem(url) is not None) is dead


def test_the_hub_the_studio_publishes_to_is_reachable_even_when_local():
    assert links.host_problem("http://127.0.0.1:5000/spaces/a/b", frozenset({"127.0.0.1"})) is None
    assert links.host_problem("http://127.0.0.1:5000/x") is not None


def test_the_collection_is_named_after_the_plan_within_the_hub_s_limit():
    plan = presets.preset_billboard()
    assert links.collection_title(plan.name) == "Financial EQ conversations: billboard"
    assert len(links.collection_title("x" * 80)) == links.COLLECTION_TITLE_MAX
