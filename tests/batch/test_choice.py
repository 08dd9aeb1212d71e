"""The next batch on the seed (demo) data with the demo scaffolding: gaps first, feedback lifted but
never the whole batch, the edge share kept, no cell twice, the same bytes for the same inputs."""

from __future__ import annotations

import json
from collections import Counter
from uuid import UUID

import msgspec
import pytest

from services.batch.body import NIL_UUID, PLATFORM_UUID, GenerateBatchBody
from services.batch.planner import BatchRequest, plan_batch
from services.batch.scaffolding_source import demo_scaffolding
from services.demo.scaffolding_rows import UNUSED_ARCS
from services.feedback.models import ThemeCount

ASKED = [ThemeCount(theme="college_savings_529", kind="topic", count=2),
         ThemeCount(theme="license", kind="lexicon", count=5)]  # a lexicon theme names no cell


@pytest.fixture(scope="module")
def scaffolding():
    return demo_scaffolding()


def _plan(ds, scaffolding, themes=(), **kw):
    return plan_batch(ds, scaffolding, list(themes), BatchRequest(**kw))


def test_the_seed_has_three_arcs_without_conversations(demo_dataset, scaffolding):
    arcs = {a.arc_key for a in scaffolding.active_arcs}
    assert len(arcs) == 10 and sum(a.tier == "edge_case" for a in scaffolding.active_arcs) == 3
    assert arcs - set(demo_dataset.columns.arc_key) == {key for key, _ in UNUSED_ARCS}


def test_gaps_come_first_and_feedback_is_lifted_without_taking_the_batch(demo_dataset, scaffolding):
    plan = _plan(demo_dataset, scaffolding, ASKED, total=24)
    picks = plan.choice.picks
    empty = {key for key, _ in UNUSED_ARCS}
    assert {p.arc for p in picks[:4]} >= empty  # the empty arcs come in at once
    assert all(any("has 0 conversations" in r for r in p.reasons) for p in picks if p.arc in empty
               and picks.index(p) == min(i for i, q in enumerate(picks) if q.arc == p.arc))
    asked = [p for p in picks if p.topic == "college_savings_529"]
    assert 2 <= len(asked) <= 12  # lifted above its coverage rank, never the whole batch
    assert any("asked for in 2 threads or form answers" in r for p in asked for r in p.reasons)
    for dim in ("persona", "arc", "topic"):
        assert max(Counter(getattr(p, dim) for p in picks).values()) < 24
    assert sum(p.tier == "edge_case" for p in picks) == round(24 * 0.3)
    assert len({p.cell for p in picks}) == 24  # no cell twice while unused cells remain


def test_without_feedback_the_asked_topic_is_not_lifted(demo_dataset, scaffolding):
    with_ = Counter(p.topic for p in _plan(demo_dataset, scaffolding, ASKED, total=24).choice.picks)
    without = Counter(p.topic for p in _plan(demo_dataset, scaffolding, total=24).choice.picks)
    assert with_["college_savings_529"] > without["college_savings_529"]


def test_the_body_validates_and_is_the_same_bytes_for_the_same_inputs(demo_dataset, scaffolding):
    plan = _plan(demo_dataset, scaffolding, ASKED, total=24, name="December gaps")
    again = _plan(demo_dataset, scaffolding, ASKED, total=24, name="December gaps")
    assert plan.data == again.data
    body = GenerateBatchBody.model_validate_json(plan.data)
    assert body.name == "December gaps" and len(body.parameterSets) == 24
    assert (body.concurrentProcessing, body.errorHandling, body.priority) == (3, "continue", "normal")
    ids = {p.id for p in scaffolding.personas} | {a.id for a in scaffolding.emotional_arcs} | \
        {t.id for t in scaffolding.training_topics}
    for chosen, item in zip(plan.choice.picks, body.parameterSets, strict=True):
        assert {str(item.parameters.persona_id), str(item.parameters.emotional_arc_id),
                str(item.parameters.training_topic_id)} <= ids
        assert item.tier == chosen.tier
        template = scaffolding.template_for(chosen.arc)
        assert item.templateId == (UUID(template.id) if template else NIL_UUID)
    raw = json.loads(plan.data)
    assert list(raw) == ["name", "parameterSets", "concurrentProcessing", "errorHandling", "priority"]


def test_an_arc_without_a_template_sends_the_nil_uuid(demo_dataset, scaffolding):
    import msgspec

    bare = msgspec.structs.replace(scaffolding, prompt_templates=[])
    body = GenerateBatchBody.model_validate_json(_plan(demo_dataset, bare, total=3).data)
    assert {s.templateId for s in body.parameterSets} == {NIL_UUID}


def test_summary_pairs_cost_and_time(demo_dataset, scaffolding):
    s = _plan(demo_dataset, scaffolding, total=24).summary
    assert (s.conversations, s.cost_usd, s.seconds) == (24, 10.8, 8 * 60)
    assert s.expected_pairs == round(24 * 1567 / 242)


def test_a_budget_sets_the_size(demo_dataset, scaffolding):
    assert _plan(demo_dataset, scaffolding, budget_usd=10.0).summary.conversations == 22
    with pytest.raises(ValueError, match="pays for no conversation"):
        _plan(demo_dataset, scaffolding, budget_usd=0.2)


def test_without_ids_the_batch_is_chosen_but_no_body_is_offered(demo_dataset):
    """A body by keys passes the platform's route and fails every item in its processor: none is written."""
    plan = plan_batch(demo_dataset, None, [], BatchRequest(total=5))
    assert len(plan.choice.picks) == 5 and plan.body is None and plan.data is None
    assert "has no id in the scaffolding" in plan.unsendable and "The platform needs ids" in plan.unsendable


def test_every_id_of_a_body_is_one_the_platforms_zod_schema_accepts(demo_dataset, scaffolding):
    plan = plan_batch(demo_dataset, scaffolding, [], BatchRequest(total=24))
    doc = json.loads(plan.data)
    ids = [s["templateId"] for s in doc["parameterSets"]] + [
        v for s in doc["parameterSets"] for v in s["parameters"].values()]
    assert ids and all(PLATFORM_UUID.match(i) for i in ids)
    assert all(s["parameters"].keys() == {"persona_id", "emotional_arc_id", "training_topic_id"}
               for s in doc["parameterSets"])  # what the processor requires of every item
    assert 1 <= doc["concurrentProcessing"] <= 10 and doc["name"]


@pytest.mark.parametrize("bad", ["00000000-0000-0000-0000-000000000001",  # version 0: zod refuses it
                                 "123e4567-e89b-12d3-c456-426614174000",  # variant c
                                 "not-a-uuid"])
def test_an_id_the_platform_refuses_is_refused_here(demo_dataset, scaffolding, bad):
    persona = scaffolding.personas[0]
    changed = msgspec.structs.replace(scaffolding, personas=[msgspec.structs.replace(persona, id=bad),
                                                              *scaffolding.personas[1:]])
    plan = plan_batch(demo_dataset, changed, [], BatchRequest(total=24))
    assert plan.data is None and f"`{persona.persona_key}` has the id `{bad}`" in plan.unsendable


def test_the_platforms_uuid_rule():
    assert PLATFORM_UUID.match("00000000-0000-0000-0000-000000000000")  # nil
    assert PLATFORM_UUID.match("ffffffff-ffff-ffff-ffff-ffffffffffff")  # max
    assert PLATFORM_UUID.match("123e4567-e89b-42d3-a456-426614174000")
    assert not PLATFORM_UUID.match("123e4567-e89b-92d3-a456-426614174000")  # version 9


def test_an_early_export_is_covered_by_its_recovered_keys(scaffolding):
    from services.dataset.loader import load_dataset
    from tests.support.exports import early_export, export_bytes

    ds = load_dataset(export_bytes(early_export()), "early.json")
    plan = plan_batch(ds, scaffolding, [], BatchRequest(total=3))
    assert plan.notes == ["The data holds topic keys the scaffolding does not list (not planned for): "
                          "`grandparent_529`"]
    assert plan.choice.before.cells[("overwhelmed_avoider", "overwhelm_to_empowerment", "eldercare_costs")] == 1
    assert plan.choice.before.marginal("arc")["fear_to_confidence"] == 1  # from the pairs' keys
