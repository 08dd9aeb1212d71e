"""The decision brief: every section, the recommendation's own words, charts inside, text escaped."""

from __future__ import annotations

import pytest

from services.marketing import brief
from services.release import bundle
from services.release.card.render import CardText
from services.release.checks import runner
from services.strategy import advice, presets, sampling


@pytest.fixture(scope="module")
def billboard(demo_dataset):
    plan = presets.preset_billboard()
    chosen = sampling.select_plan(demo_dataset, plan)
    built = bundle.build_plan(demo_dataset, plan, chosen)
    return plan, chosen, built, runner.check_plan(demo_dataset, plan, chosen, built)


def test_the_brief_holds_every_section(demo_dataset, billboard):
    plan, chosen, built, reports = billboard
    content = brief.gather(demo_dataset, plan, chosen, advice.Goals(), built, reports)
    html = brief.render_brief(content)
    rec = advice.recommend(advice.preset_facts(demo_dataset), advice.Goals())
    assert content.recommended == rec.recommended and content.reasons == rec.reasons
    for text in ("The data in brief", "The three strategies compared", "Recommendation", "Main risk",
                 "The chosen plan: billboard", "The card's first paragraph", "Checks before publishing"):
        assert text in html, text
    assert "242 conversations and 1,567 training pairs" in html
    assert [t.tier for t in content.tiers] == ["preview", "eq-100", "full"]
    assert {c.tier: c.status for c in content.checks} == {"preview": "pass", "eq-100": "pass"}
    assert CardText().summary.split(",")[0] in html
    assert html.count("data:image/png;base64,") == 2  # the score chart and the coverage chart, inside


def test_the_brief_escapes_what_people_typed(demo_dataset, billboard):
    plan, chosen, built, reports = billboard
    evil = plan.model_copy(update={"name": "<script>alert(1)</script>"})
    html = brief.render_brief(brief.gather(demo_dataset, evil, chosen, advice.Goals(), built, reports,
                                           CardText(summary="<b>bold</b> & more")))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html
    assert "Current plan (&lt;script&gt;" in html  # an edited plan is scored beside the presets
