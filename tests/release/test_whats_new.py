"""What a release adds to the tier's previous one: computed, never typed, and checked."""

from __future__ import annotations

import pytest

from services.release import bundle
from services.release.card.whats_new import PreviousReleases, ReleaseSummary, whats_new
from services.release.checks import runner
from services.strategy import presets, sampling

V1 = ReleaseSummary(tag="v1", conversations=20, supervised_examples=60, personas={"anxious_planner": 20},
                    arcs={"shame_to_acceptance": 20}, topics={"roth_ira_conversion": 20}, quality_avg=2.9)


@pytest.fixture(scope="module")
def preview(demo_dataset):
    plan = presets.preset_billboard()
    chosen = sampling.select_plan(demo_dataset, plan)
    built = bundle.build_plan(demo_dataset, plan, chosen, with_image=False, previous=PreviousReleases(
        releases=[("preview", V1)]), themes=["roth_ira_conversion", "shame_to_acceptance", "license"])
    return demo_dataset, plan, chosen, built


def test_the_section_is_computed_from_the_previous_release_and_the_files(preview):
    _, _, _, built = preview
    card, facts = built["preview"].card, built["preview"].facts
    section = card.split("## What's new", 1)[1].split("**Released together:**")[0]
    assert "Compared with the previous release (`v1`), which held 20 conversations and 60 supervised examples" \
        in section
    assert f"- {facts.conversations - 20} conversations added, {facts.supervised_examples - 60} supervised examples " \
           "added." in section
    new_persona_names = {p.name for p in facts.personas if p.key != "anxious_planner"}
    assert all(name in section for name in new_persona_names)
    assert f"Average conversation quality: 2.9 before, {facts.quality_avg:g} now." in section
    # 30 preview conversations hold fewer than v1's 20 of the asked-for arc and topic: nothing answered
    assert all(a.conversations < 20 for a in facts.arcs) and "Answers what people asked for" not in section
    assert built["preview"].manifest["whats_new"]["previous"]["tag"] == "v1"
    assert "## What's new" not in built["eq-100"].card  # never released before: nothing to compare


def test_the_card_truth_check_passes_and_catches_a_section_that_lies(preview):
    ds, plan, chosen, built = preview
    b = built["preview"]
    assert {c.name: c.status for c in runner.check_tier(b, plan, chosen, ds.consultant_profile, 21).checks}[
        "card truth"] == "pass"
    import copy

    lying = copy.copy(b)
    lying.manifest = dict(b.manifest, whats_new={**b.manifest["whats_new"], "conversations_added": 999})
    lying.card = b.card
    result = {c.name: c for c in runner.check_tier(lying, plan, chosen, ds.consultant_profile, 21).checks}
    assert result["card truth"].status == "block"
    assert any("What's new" in p.detail for p in result["card truth"].places)


def test_a_build_of_what_is_released_compares_with_the_release_before_it(preview):
    _, _, _, built = preview
    facts = built["preview"].facts
    current = ReleaseSummary.from_facts(facts, tag="v2")
    history = PreviousReleases(releases=[("preview", current), ("preview", V1), ("eq-100", V1)])
    assert history.before("preview", ReleaseSummary.from_facts(facts)) == V1
    assert history.before("full", ReleaseSummary.from_facts(facts)) is None


def test_fewer_conversations_are_said_as_fewer():
    from services.release.card.facts import CardFacts, LabelCount

    facts = CardFacts(conversations=10, supervised_examples=30, messages=60, mean_messages=6.0,
                      personas=[LabelCount(name="A", key="anxious_planner", conversations=10)], arcs=[], topics=[],
                      cells_covered=1, cells_possible=1, edge_case_conversations=0, crisis_conversations=0,
                      quality_avg=3.0, quality_min=3.0, quality_max=3.0, human_reviewed_percent=0)
    news = whats_new(V1, facts)
    assert (news.conversations_added, news.examples_added, news.new_personas) == (-10, -30, [])
    assert news.numbers() >= {"10", "30", "2.9", "3", "20", "60"}


def test_the_card_says_one_and_many_rightly(preview):
    """'1 supervised example fewer', never '1 supervised examples fewer'."""
    ds, plan, chosen, built = preview
    facts = built["preview"].facts
    one_more = ReleaseSummary.from_facts(facts).model_copy(
        update={"tag": "v2", "supervised_examples": facts.supervised_examples + 1})
    again = bundle.build_plan(ds, plan, chosen, with_image=False,
                              previous=PreviousReleases(releases=[("preview", one_more)]))
    section = again["preview"].card.split("## What's new", 1)[1].split("**Released together:**")[0]
    assert "- 0 conversations added, 1 supervised example fewer." in section
    assert {c.name: c.status for c in runner.check_tier(again["preview"], plan, chosen, ds.consultant_profile,
                                                        21).checks}["card truth"] == "pass"
