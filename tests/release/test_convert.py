"""Conversion to the release configs: every quirk of the source, on real-shaped fixtures."""

from __future__ import annotations

import copy

import numpy as np

from services.dataset.loader import load_dataset
from services.release import convert
from services.strategy import presets, sampling
from services.strategy.sampling import TierSelection
from tests.support.exports import export_bytes, make_conversation


def _all(ds) -> TierSelection:
    n = len(ds.conversation_table)
    return TierSelection(tier="t", indices=np.arange(n), conversation_ids=tuple(ds.conversation_table
                                                                                 ["conversation_id"]),
                         supervised_examples=int(ds.conversation_table["supervised_examples"].sum()))


def _roles(row: dict) -> list[str]:
    return [m["role"] for m in row["messages"]]


def test_conversation_rows_follow_the_chat_rules(small_export):
    ds = load_dataset(export_bytes(small_export), "t.json")
    convs, pairs = convert.tier_rows(ds, _all(ds))
    by_id = {r["conversation_id"]: r for r in convs}
    # c-1: four turns → system, user, assistant, user, assistant (the repeated user message written once)
    assert _roles(by_id["c-1"]) == ["system", "user", "assistant", "user", "assistant"]
    assert [m["content"] for m in by_id["c-1"]["messages"]].count("c-1 user message 1") == 1
    # c-2: three turns → the unanswered trailing user message is dropped
    assert _roles(by_id["c-2"]) == ["system", "user", "assistant"]
    assert by_id["c-2"]["messages"][-1]["content"] == "c-2 assistant answer 2"
    for row in convs:
        assert _roles(row).count("assistant") == row["supervised_examples"]
        assert all(m["content"].strip() for m in row["messages"])
    assert len(pairs) == 3


def test_training_pairs_flatten_the_source(small_export):
    ds = load_dataset(export_bytes(small_export), "t.json")
    _, pairs = convert.tier_rows(ds, _all(ds))
    second = next(p for p in pairs if p["conversation_id"] == "c-1" and p["turn"] == 4)
    assert second["user_input"] == "c-1 user message 3"
    assert second["target_response"] == "c-1 assistant answer 4"
    assert second["history"] == [{"role": "user", "content": "c-1 user message 1"},
                                 {"role": "assistant", "content": "c-1 assistant answer 2"}]
    assert second["system_prompt"] == "You are an emotionally intelligent financial planning chatbot."
    assert (second["emotion_primary"], second["emotion_intensity"]) == ("emotion4", 0.2)
    assert (second["quality_score"], second["human_reviewed"]) == (3.0, False)


def test_a_conversation_without_an_answer_is_left_out(small_export):
    export = copy.deepcopy(small_export)
    export["conversations"].append(make_conversation("c-3", "anxious_planner", "shame_to_acceptance",
                                                     "emergency_fund", turns=1))
    ds = load_dataset(export_bytes(export), "t.json")
    convs, _ = convert.tier_rows(ds, _all(ds))
    assert "c-3" not in {r["conversation_id"] for r in convs}


def test_example_tiers_stop_after_their_selected_answers(demo_dataset):
    sel = sampling.select_plan(demo_dataset, presets.preset_billboard())["eq-100"]
    convs, pairs = convert.tier_rows(demo_dataset, sel)
    assert len(pairs) == 100 == sum(r["supervised_examples"] for r in convs)
    assert {(p["conversation_id"], p["turn"]) for p in pairs} == set(sel.examples)
    for row in convs:
        assert _roles(row)[-1] == "assistant"


def test_tables_have_the_explicit_schemas(demo_dataset):
    sel = sampling.select_plan(demo_dataset, presets.preset_giveaway())["full"]
    convs, pairs = convert.tier_rows(demo_dataset, sel)
    table = convert.to_table(convs, convert.CONVERSATIONS_SCHEMA)
    assert table.schema == convert.CONVERSATIONS_SCHEMA
    assert str(table.schema.field("messages").type) == "list<item: struct<role: string, content: string>>"
    assert convert.to_table(pairs, convert.TRAINING_PAIRS_SCHEMA).num_rows == 731


def test_every_pairs_prompt_is_its_conversation_up_to_the_answer(demo_dataset):
    """`prompt`, `completion` and `history` are cut from the conversation's own messages (in Arrow):
    the prompt is the messages before the answer, the history the same without system and user."""
    convs, pairs = convert.tier_rows(demo_dataset, _all(demo_dataset))
    by_id = {r["conversation_id"]: r["messages"] for r in convs}
    seen = {}
    for pair in pairs:
        messages = by_id[pair["conversation_id"]]
        answer = seen[pair["conversation_id"]] = next(
            i for i in range(seen.get(pair["conversation_id"], -1) + 1, len(messages))
            if messages[i]["role"] == "assistant")
        assert pair["prompt"] == messages[:answer]
        assert pair["completion"] == [messages[answer]] == [{"role": "assistant", "content": pair["target_response"]}]
        start = 1 if messages[0]["role"] == "system" else 0
        assert pair["history"] == messages[start:answer - 1]
        assert pair["prompt"][-1] == {"role": "user", "content": pair["user_input"]}
    assert len(pairs) == sum(r["supervised_examples"] for r in convs)


def test_a_blank_system_prompt_is_in_neither_config(small_export):
    """A system prompt of spaces is no system message: not in `messages` (as before), and no longer in
    the pairs' `prompt` either (it was, when the prompt was built apart from the messages)."""
    export = copy.deepcopy(small_export)
    for pair in export["conversations"][0]["training_pairs"]:
        pair["system_prompt"] = "   "
    ds = load_dataset(export_bytes(export), "t.json")
    convs, pairs = convert.tier_rows(ds, _all(ds))
    first = next(r for r in convs if r["conversation_id"] == "c-1")
    assert _roles(first)[0] == "user"
    assert all(p["prompt"][0]["role"] == "user" for p in pairs if p["conversation_id"] == "c-1")
