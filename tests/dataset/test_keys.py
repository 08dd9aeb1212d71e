"""Keys resolved, never invented (issue #20): each rule, its finding, and the early export's shape."""

from __future__ import annotations

import copy
import json

import pytest

from services.dataset import keys
from services.dataset.keys import ScaffoldingNames, slug
from services.dataset.loader import load_dataset, load_enriched_files
from tests.support.exports import EARLY_CONVERSATIONS, early_export, export_bytes


def _load(export: dict, names: ScaffoldingNames | None = None):
    return load_dataset(export_bytes(export), "early.json", scaffolding_names=names)


def _keys_of(ds) -> list[tuple[str, str, str]]:
    c = ds.columns
    return list(zip(c.persona_key, c.arc_key, c.topic_key, strict=True))


@pytest.mark.parametrize(("name", "expected"), [
    ("Shame → Acceptance", "shame_to_acceptance"),
    ("Fear -> Confidence", "fear_to_confidence"),
    ("Grandparent 529 Contributions", "grandparent_529_contributions"),
    ("  Crème Brûlée: Budget!  ", "creme_brulee_budget"),
    ("→", "to"),
    ("!!!", ""),
])
def test_slug(name, expected):
    assert slug(name) == expected


def test_the_early_shape_takes_its_keys_from_the_pairs():
    ds = _load(early_export())
    assert len(ds) == 3 and not ds.report.dropped_conversations
    assert _keys_of(ds) == [(p, a, t) for _, p, _, a, _, t, _, _ in EARLY_CONVERSATIONS]
    assert ds.columns.persona_name[0] == "David Chen - The Pragmatic Optimist"
    assert ds.columns.arc_name[0] == "Shame → Acceptance"
    (recovered,) = ds.report.by_code("keys_recovered")
    assert recovered.severity == "info"
    assert recovered.message.startswith("keys recovered from training pairs for 3 of 3 conversations")
    assert recovered.examples[0] == ("conversation e-1: persona `pragmatic_optimist`, arc `shame_to_acceptance`, "
                                     "topic `grandparent_529`")
    assert {(p.persona, p.arc, p.topic) for p in ds.key_provenance} == {("pairs", "pairs", "pairs")}
    assert not ds.report.by_code("pair_keys_disagree") and not ds.report.has_errors


def test_the_early_shapes_zero_summary_is_said_once_with_both_values():
    ds = _load(early_export())
    (summary,) = ds.report.by_code("file_summary_mismatch")
    assert summary.severity == "warning" and summary.where == "early.json: training_file_metadata"
    assert "quality_summary.avg_quality_score says 0, the pairs give 3" in summary.message
    assert "scaffolding_distribution.personas is empty, the conversations hold anxious_planner: 1" in summary.message
    assert summary.count == 6  # avg, min, max, and the three distributions


def test_a_file_summary_that_agrees_is_not_a_finding():
    export = early_export()
    meta = export["training_file_metadata"]
    meta["quality_summary"].update(avg_quality_score=3, min_quality_score=3, max_quality_score=3)
    meta["scaffolding_distribution"] = {
        "personas": {p: 1 for _, p, *_ in EARLY_CONVERSATIONS},
        "emotional_arcs": {row[3]: 1 for row in EARLY_CONVERSATIONS},
        "training_topics": {row[5]: 1 for row in EARLY_CONVERSATIONS}}
    assert not _load(export).report.by_code("file_summary_mismatch")


def _names_only(export: dict) -> dict:
    """The pairs carry no keys either: only names are left."""
    for conv in export["conversations"]:
        for pair in conv["training_pairs"]:
            for field in keys.PAIR_KEY_FIELDS.values():
                pair["conversation_metadata"].pop(field)
    return export


def test_names_only_take_the_key_of_the_scaffolding_row_of_that_name():
    names = ScaffoldingNames.from_rows({
        "persona": [("pragmatic_optimist", ["David Chen", "The Pragmatic Optimist"])],
        "arc": [("shame_to_acceptance", ["Shame → Acceptance"])],
        "topic": [("grandparent_529", ["Grandparent 529 Contributions"])],
    })
    ds = _load(_names_only(early_export()), names)
    assert _keys_of(ds)[0] == ("pragmatic_optimist", "shame_to_acceptance", "grandparent_529")
    assert ds.key_provenance[0] == keys.KeyProvenance("scaffolding_names", "scaffolding_names", "scaffolding_names")
    # the rows the scaffolding does not know fall back to a slug of their name
    assert _keys_of(ds)[1] == ("jennifer_martinez_the_anxious_planner", "fear_to_confidence",
                               "building_an_emergency_fund")
    messages = {f.message.split(" (")[0] for f in ds.report.by_code("keys_recovered")}
    assert messages == {"keys recovered from the scaffolding's names for 1 of 3 conversations",
                        "keys recovered from a slug of the name for 2 of 3 conversations"}


def test_a_name_two_scaffolding_rows_share_points_at_neither():
    names = ScaffoldingNames.from_rows({"persona": [("a", ["Sam"]), ("b", ["Sam"]), ("c", ["Kim"])]})
    assert names.key_for("persona", "Sam") is None
    assert names.key_for("persona", "kim") == "c"
    assert names.key_for("persona", "Kim - The Planner") == "c"  # the name half of 'name - archetype'


def test_no_key_and_no_name_is_unlabelled_and_still_loads_and_bundles(tmp_path):
    export = _names_only(early_export())
    conv = export["conversations"][0]
    conv["conversation_metadata"]["scaffolding"] = {}
    for pair in conv["training_pairs"]:
        pair["conversation_metadata"] = {"session_context": "no labels at all"}
    ds = _load(export)
    assert _keys_of(ds)[0] == ("unlabelled", "unlabelled", "unlabelled")
    (warning,) = ds.report.by_code("conversation_unlabelled")
    assert warning.severity == "warning" and warning.where == "conversation e-1: no persona / arc / topic key or name"
    from services.release.bundle import build_plan
    from services.strategy.presets import preset_giveaway
    from services.strategy.sampling import select_plan

    plan = preset_giveaway()
    bundles = build_plan(ds, plan, select_plan(ds, plan), with_image=False)
    assert bundles["full"].facts.conversations == 3
    assert "`unlabelled`" in bundles["full"].card


def test_pairs_that_disagree_with_their_conversation_are_a_located_warning(small_export):
    pair = small_export["conversations"][0]["training_pairs"][2]
    pair["conversation_metadata"]["emotional_arc_key"] = "fear_to_confidence"
    ds = load_dataset(export_bytes(small_export), "t.json")
    (warning,) = ds.report.by_code("pair_keys_disagree")
    c1_arc = small_export["conversations"][0]["conversation_metadata"]["scaffolding"]["emotional_arc_key"]
    assert warning.where == (f"conversation c-1, turn 3: `emotional_arc_key` is `fear_to_confidence`, the "
                             f"conversation's arc key is `{c1_arc}`")
    assert ds.columns.arc_key[0] == c1_arc  # the conversation's own key stands


def test_pairs_that_disagree_among_themselves_give_no_key():
    export = early_export()
    pairs = export["conversations"][0]["training_pairs"]
    pairs[3]["conversation_metadata"]["persona_archetype"] = "anxious_planner"
    ds = _load(export)
    assert ds.columns.persona_key[0] == "david_chen_the_pragmatic_optimist"  # the name's slug, not a guess
    assert ds.key_provenance[0].persona == "name_slug"
    (warning,) = ds.report.by_code("pair_keys_disagree")
    assert warning.where == ("conversation e-1: its pairs' `persona_archetype` disagree: `pragmatic_optimist` "
                             "(from turn 1), `anxious_planner` (from turn 4)")


def test_a_database_rows_key_comes_before_the_pairs(small_export):
    conv = copy.deepcopy(small_export["conversations"][0])
    enriched = {"dataset_metadata": {"dataset_name": "fp_conversation_c-1"},
                "training_pairs": conv["training_pairs"],
                "input_parameters": {"persona_key": "", "emotional_arc_key": None}}
    data = json.dumps(enriched).encode()
    ds = load_enriched_files([("c-1", "c-1/enriched.json", data)], "rows",
                             recorded={"c-1": ("recorded_persona", None, None)})
    assert ds.columns.persona_key == ["recorded_persona"]
    assert ds.key_provenance[0] == keys.KeyProvenance("database", "pairs", "pairs")
    messages = sorted(f.message.split(":")[0] for f in ds.report.by_code("keys_recovered"))
    assert messages == ["keys recovered from the database row (its key columns or scaffolding_snapshot) for 1 of 1 "
                        "conversations (persona)", "keys recovered from training pairs for 1 of 1 conversations "
                                                   "(arc, topic)"]


def test_jsonl_keys_come_from_the_first_line_and_later_lines_are_checked():
    from services.demo import generator as demo

    export = demo.generate(3, seed=4)
    lines = demo.to_jsonl_bytes(export).decode().splitlines()
    second = json.loads(lines[2])  # the first conversation's second answered line
    assert second["conversation_id"] == json.loads(lines[1])["conversation_id"]
    second["conversation_metadata"]["training_topic_key"] = "something_else"
    lines[2] = json.dumps(second)
    ds = load_dataset(("\n".join(lines) + "\n").encode(), "t.jsonl")
    assert not ds.report.by_code("keys_recovered")  # a JSONL conversation's own keys are its lines'
    (warning,) = ds.report.by_code("pair_keys_disagree")
    assert "`training_topic_key` is `something_else`" in warning.where


def test_a_conversation_whose_scaffolding_is_not_an_object_still_loads(small_export):
    small_export["conversations"][0]["conversation_metadata"]["scaffolding"] = "n/a"
    ds = load_dataset(export_bytes(small_export), "t.json")
    assert len(ds) == 2
    assert ds.key_provenance[0] == keys.KeyProvenance("pairs", "pairs", "pairs")
    assert ds.report.by_code("value_dropped")[0].where.endswith("field `conversation_metadata.scaffolding`")


def test_stats_json_counts_the_rule_behind_each_key():
    from services.dataset.summary import dataset_stats

    out = dataset_stats(_load(early_export()))
    assert out.key_sources == {"persona": {"pairs": 3}, "arc": {"pairs": 3}, "topic": {"pairs": 3}}
    assert out.quality.avg == 3.0 and out.conversations == 3


def test_a_conversation_with_its_keys_is_untouched(small_export):
    ds = load_dataset(export_bytes(small_export), "t.json")
    assert not ds.report.by_code("keys_recovered")
    assert {(p.persona, p.arc, p.topic) for p in ds.key_provenance} == {("scaffolding",) * 3}
