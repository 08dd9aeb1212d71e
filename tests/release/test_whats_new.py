"""What a release adds to the tier's previous one: computed, never typed, and checked."""

from __future__ import annotations

import pytest

from services.hub import flow
from services.release import bundle
from services.release.card.render import CardText
from services.release.card.whats_new import PreviousRelease, PreviousReleases, ReleaseSummary, whats_new
from services.release.checks import runner
from services.strategy import presets, sampling
from services.strategy.links import default_repo_id


def _released(plan, tier: str, summary: ReleaseSummary, repo_id: str | None = None) -> PreviousRelease:
    return PreviousRelease(tier=tier, repo_id=repo_id or default_repo_id(plan, plan.tier(tier)), summary=summary)


V1 = ReleaseSummary(tag="v1", conversations=20, supervised_examples=60, personas={"anxious_planner": 20},
                    arcs={"shame_to_acceptance": 20}, topics={"roth_ira_conversion": 20}, quality_avg=2.9)


@pytest.fixture(scope="module")
def preview(demo_dataset):
    plan = presets.preset_billboard()
    chosen = sampling.select_plan(demo_dataset, plan)
    built = bundle.build_plan(demo_dataset, plan, chosen, with_image=False, previous=PreviousReleases(
        releases=[_released(plan, "preview", V1)]), themes=["roth_ira_conversion", "shame_to_acceptance", "license"])
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


def _published(b: bundle.Bundle, tag: str) -> PreviousRelease:
    """What the history keeps of a published bundle (as `flow` records it)."""
    summary = flow.context_from_manifest(b.manifest).summary
    assert summary is not None
    return PreviousRelease(tier=b.tier, repo_id=b.repo_id, summary=summary.model_copy(update={"tag": tag}))


def test_the_previous_release_is_the_newest_of_the_same_tier_to_the_same_repo(preview):
    _, plan, _, _ = preview
    v2 = V1.model_copy(update={"tag": "v2", "conversations": 25})
    history = PreviousReleases(releases=[_released(plan, "preview", V1, "someone/elsewhere"),
                                         _released(plan, "preview", v2), _released(plan, "preview", V1),
                                         _released(plan, "eq-100", V1)])
    repo = default_repo_id(plan, plan.tier("preview"))
    assert history.latest("preview", repo) == v2  # not the newer release to another repo, not v1 behind it
    assert history.latest("preview", "someone/new-repo") == V1  # never released there: the newest anywhere
    assert history.latest("full", repo) is None  # a tier never released: nothing to compare


def test_building_the_newest_release_again_gives_its_bytes(preview):
    """v2 compared with v1; built again with v2 published, it is v2 byte for byte (so publishing it is
    "already up to date"), not a v3 saying "unchanged since v2"."""
    ds, plan, chosen, built = preview
    v2 = built["preview"]
    history = PreviousReleases(releases=[_published(v2, "v2"), _released(plan, "preview", V1)])
    again = bundle.build_plan(ds, plan, chosen, with_image=False, previous=history,
                              themes=["roth_ira_conversion", "shame_to_acceptance", "license"])["preview"]
    assert again.sha256() == v2.sha256()
    assert "Compared with the previous release (`v1`)" in again.card


def test_the_same_conversations_with_a_new_card_say_so(preview):
    """Same data as v2, other words on the card: a new release, and its section says nothing changed in
    the data since v2 (the release before it), instead of comparing with v1 again."""
    ds, plan, chosen, built = preview
    history = PreviousReleases(releases=[_published(built["preview"], "v2"), _released(plan, "preview", V1)])
    retitled = {"preview": CardText(title="Financial Advisor Conversations, retitled")}
    again = bundle.build_plan(ds, plan, chosen, texts=retitled, with_image=False, previous=history)["preview"]
    facts = again.facts
    section = again.card.split("## What's new", 1)[1].split("**Released together:**")[0]
    assert f"The same conversations as the previous release (`v2`): {facts.conversations} conversations and " \
           f"{facts.supervised_examples} supervised examples, nothing added or removed." in section
    assert "v1" not in section and "added," not in section
    assert again.manifest["whats_new"]["unchanged"] is True
    assert {c.name: c.status for c in runner.check_tier(again, plan, chosen, ds.consultant_profile, 21).checks}[
        "card truth"] == "pass"


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
                              previous=PreviousReleases(releases=[_released(plan, "preview", one_more)]))
    section = again["preview"].card.split("## What's new", 1)[1].split("**Released together:**")[0]
    assert "- 0 conversations added, 1 supervised example fewer." in section
    assert {c.name: c.status for c in runner.check_tier(again["preview"], plan, chosen, ds.consultant_profile,
                                                        21).checks}["card truth"] == "pass"
