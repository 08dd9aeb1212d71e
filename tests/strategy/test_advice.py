"""The recommendation: each rule can flip the answer, sentences cite the facts, re-weightings are true."""

from __future__ import annotations

import re

import pytest

from services.strategy import advice
from services.strategy.advice import GOALS, Goals, StrategyFacts, recommend, score

ONLY = {g: Goals(**{h: (5 if h == g else 0) for h in GOALS}) for g in GOALS}  # one goal matters


def _facts(label: str, **changes) -> StrategyFacts:
    base = dict(label=label, total_examples=1000, threshold=500, open_examples=0, gated_examples=0, email_examples=0,
                kept_examples=1000, open_conversations=0, open_cells=0, all_cells=20, hub_repos=1,
                captures_leads=False)
    return StrategyFacts(**{**base, **changes})


@pytest.mark.parametrize(("goal", "better", "worse"), [
    ("adoption", dict(open_examples=600, kept_examples=400, open_conversations=90, open_cells=20),
     dict(open_examples=100, kept_examples=900, open_conversations=15, open_cells=10)),
    ("adoption", dict(gated_examples=600, kept_examples=400), dict(gated_examples=100, kept_examples=900)),
    ("feedback", dict(gated_examples=600, kept_examples=400), dict(gated_examples=200, kept_examples=800)),
    ("feedback", dict(hub_repos=1), dict(hub_repos=0)),
    ("leads", dict(email_examples=100, kept_examples=900, captures_leads=True), dict()),
    ("leads", dict(gated_examples=800, kept_examples=200, captures_leads=True),
     dict(email_examples=100, kept_examples=900, captures_leads=True)),
    ("kept_for_sale", dict(kept_examples=900, open_examples=100), dict(kept_examples=100, open_examples=900)),
    ("perceived_value", dict(open_examples=100, kept_examples=900, captures_leads=True, open_conversations=20,
                             open_cells=20), dict(open_examples=900, kept_examples=100, open_conversations=200,
                                                  open_cells=20)),
    ("perceived_value", dict(open_examples=100, open_conversations=20, open_cells=20),
     dict(open_examples=100, open_conversations=20, open_cells=5)),  # a thin preview looks empty
])
def test_each_rule_flips_the_answer(goal, better, worse):
    a, b = _facts("A", **better), _facts("B", **worse)
    assert score(a, goal) > score(b, goal)
    assert recommend([a, b], ONLY[goal]).recommended == "A"
    assert recommend([b, a], ONLY[goal]).recommended == "A"  # not the order


def test_scores_stay_between_0_and_1():
    extreme = _facts("X", open_examples=10**6, gated_examples=10**6, email_examples=10**6, kept_examples=0,
                     open_conversations=5, open_cells=20, captures_leads=True)
    assert all(0 <= score(f, g) <= 1 for f in (extreme, _facts("Y")) for g in GOALS)


def test_no_goal_at_all_scores_zero():
    assert advice.total(_facts("A"), Goals(**dict.fromkeys(GOALS, 0))) == 0


@pytest.fixture(scope="module")
def demo_facts(demo_dataset):
    return advice.preset_facts(demo_dataset)


def test_the_demo_facts_are_the_strategies(demo_facts):
    giveaway, billboard, hybrid = demo_facts
    assert (giveaway.open_examples, giveaway.kept_examples, giveaway.captures_leads) == (731, 0, False)
    assert (billboard.email_examples, billboard.open_cells, billboard.all_cells) == (100, 21, 21)
    assert billboard.open_examples + billboard.email_examples + billboard.kept_examples == 731
    assert (hybrid.gated_examples, hybrid.open_examples, hybrid.captures_leads) == (731, 0, True)


def test_default_goals_recommend_with_three_reasons_built_from_the_numbers(demo_facts):
    r = recommend(demo_facts, Goals())
    assert r.recommended in {f.label for f in demo_facts} and r.recommended != r.runner_up
    assert r.scores[r.recommended] == max(r.scores.values())
    assert len(r.reasons) == 3 and r.risk
    chosen = next(f for f in demo_facts if f.label == r.recommended)
    stated = {int(n.replace(",", "")) for text in [*r.reasons, r.risk] for n in re.findall(r"\d[\d,]*", text)}
    allowed = {chosen.total_examples, chosen.threshold, chosen.open_examples, chosen.gated_examples,
               chosen.email_examples, chosen.kept_examples, chosen.usable_examples, chosen.lead_examples,
               chosen.open_cells, chosen.all_cells, chosen.hub_repos, round(100 * chosen.open_share),
               round(100 * chosen.kept_examples / chosen.total_examples)}
    assert stated <= allowed, stated - allowed  # no number the facts do not give


def test_each_what_would_change_sentence_is_true(demo_facts):
    goals = Goals()
    r = recommend(demo_facts, goals)
    assert r.would_change
    words = {"twice": 2, "three times": 3, "five times": 5}
    for sentence in r.would_change:
        m = re.fullmatch(
            r"If (.+?) (mattered (\w+(?: times)?) as much|did not matter|mattered most), (.+) would win\.", sentence)
        assert m, sentence
        goal = next(g for g in GOALS if goals.title(g) == m.group(1))
        fixed = {"did not matter": 0, "mattered most": 5}
        weight = fixed.get(m.group(2), goals.weight(goal) * words.get(m.group(3), 0))
        changed = goals.model_copy(update={goal: weight})
        assert recommend(demo_facts, changed).recommended == m.group(4) != r.recommended


def test_moving_one_goal_flips_the_demo_answer(demo_facts):
    default = recommend(demo_facts, Goals()).recommended
    flipped = {recommend(demo_facts, Goals(**{g: v})).recommended for g in GOALS for v in range(6)}
    assert flipped - {default}, "no single goal changes the answer"


def test_a_download_tier_without_a_landing_page_counts_half_and_is_the_risk():
    ready = _facts("A", email_examples=400, kept_examples=600, captures_leads=True)
    missing = ready.model_copy(update={"label": "B", "landing_page_missing": True})
    assert score(missing, "leads") < score(ready, "leads")
    assert recommend([missing, ready], ONLY["leads"]).recommended == "A"
    alone = recommend([missing, _facts("C")], ONLY["leads"])
    assert alone.recommended == "B" and "landing page" in alone.risk


@pytest.mark.parametrize(("url", "placeholder"), [
    (None, True), ("", True), ("https://example.com/eq-100", True), ("https://www.example.org/x", True),
    ("not a url", True), ("https://brightrun.ai/eq-100", False), ("https://eq.brightrun.ai/?a=1", False),
])
def test_placeholder_landing_links(url, placeholder):
    assert advice.is_placeholder(url) is placeholder


def test_the_billboard_preset_still_needs_its_landing_page(demo_facts):
    billboard = next(f for f in demo_facts if f.label.startswith("Billboard"))
    assert billboard.landing_page_missing  # the preset's link is https://example.com/eq-100
