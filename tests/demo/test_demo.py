"""The demo export: the real release's sizes, the real format's quirks, the same bytes every run."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter

import pytest

from services.dataset.loader import load_dataset
from services.demo import cache as demo_cache
from services.demo import catalog as demo_catalog
from services.demo import generator as demo
from tests.support.streamlit_server import ROOT


def test_sizes_match_the_real_release(demo_export):
    convs = demo_export["conversations"]
    assert len(convs) == 242
    assert sum(len(c["training_pairs"]) for c in convs) == 1567
    personas = Counter(c["conversation_metadata"]["scaffolding"]["persona_key"] for c in convs)
    assert personas == {"anxious_planner": 80, "overwhelmed_avoider": 79, "pragmatic_optimist": 83}
    arcs = Counter(c["conversation_metadata"]["scaffolding"]["emotional_arc_key"] for c in convs)
    assert arcs == {"couple_conflict_to_alignment": 59, "confusion_to_clarity": 60, "overwhelm_to_empowerment": 42,
                    "shame_to_acceptance": 42, "hostility_to_boundary": 13, "overwhelm_to_triage": 13,
                    "crisis_to_referral": 13}
    topics = Counter(c["conversation_metadata"]["scaffolding"]["training_topic_key"] for c in convs)
    assert len(topics) == 17


def test_the_real_quirks_are_there(demo_export):
    convs = demo_export["conversations"]
    pairs = [p for c in convs for p in c["training_pairs"]]
    # odd turns are user-only; even turns carry the answer
    assert all((p["target_response"] is None) == (p["turn_number"] % 2 == 1) for p in pairs)
    # the user message is repeated as the last history entry of every answered pair
    answered = [p for p in pairs if p["target_response"] is not None]
    assert all(p["conversation_history"][-1] == {**p["conversation_history"][-1], "role": "user",
                                                 "content": p["current_user_input"]} for p in answered)
    # some conversations end on an unanswered user turn
    assert 0 < sum(c["training_pairs"][-1]["target_response"] is None for c in convs) < len(convs)
    # pair-level conversation_id names the arc family, not the conversation
    assert all(p["conversation_id"] in {a.family for a in demo_catalog.ARCS} for p in pairs)
    # one system prompt everywhere; quality on the 1-5 scale; nothing human-reviewed
    assert {p["system_prompt"] for p in pairs} == {demo_catalog.SYSTEM_PROMPT}
    assert {p["training_metadata"]["quality_score"] for p in pairs} <= {2, 3, 4}
    assert not any(p["training_metadata"]["human_reviewed"] for p in pairs)
    # stale metadata: totals right, the topic distribution off by one re-labelled conversation
    meta = demo_export["training_file_metadata"]
    assert (meta["total_conversations"], meta["total_training_pairs"]) == (242, 1567)
    actual = Counter(c["conversation_metadata"]["scaffolding"]["training_topic_key"] for c in convs)
    assert meta["scaffolding_distribution"]["training_topics"] != dict(actual)
    assert sum(meta["scaffolding_distribution"]["training_topics"].values()) == 242


def test_the_loader_sees_the_quirks(demo_dataset):
    codes = {f.code for f in demo_dataset.report.findings}
    assert {"pair_without_target", "duplicated_user_message", "trailing_user_turn", "pair_conversation_id",
            "file_summary_mismatch", "not_human_reviewed"} <= codes
    assert demo_dataset.report.counts()["error"] == 0


def test_text_is_believable(demo_export):
    conv = demo_export["conversations"][0]
    first_answer = conv["training_pairs"][1]["target_response"]
    name = conv["training_pairs"][0]["conversation_metadata"]["client_persona"].split()[0]
    assert first_answer.startswith(name)
    assert len(first_answer) > 400 and "{" not in first_answer
    texts = [p["target_response"] for c in demo_export["conversations"] for p in c["training_pairs"]
             if p["target_response"]]
    assert len(set(texts)) > 0.95 * len(texts)  # not a handful of canned answers


def test_crisis_conversations_refer_to_help(demo_export):
    crisis = [c for c in demo_export["conversations"]
              if c["conversation_metadata"]["scaffolding"]["emotional_arc_key"] == "crisis_to_referral"]
    assert crisis and all(any("988" in (p["target_response"] or "") for p in c["training_pairs"]) for c in crisis)


def test_same_bytes_in_a_new_process():
    here = hashlib.sha256(demo.demo_bytes()).hexdigest()
    code = ("import hashlib; from services.demo import generator; "
            "print(hashlib.sha256(generator.demo_bytes()).hexdigest())")
    there = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert there.stdout.strip() == here
    assert demo.demo_bytes(seed=1) != demo.demo_bytes()


@pytest.mark.parametrize("n", [1, 17, 1000])
def test_scaled_copies_keep_the_proportions(n: int):
    export = demo.generate(n)
    convs = export["conversations"]
    assert len(convs) == n
    assert sum(len(c["training_pairs"]) for c in convs) == round(n * 1567 / 242)
    if n == 1000:
        personas = Counter(c["conversation_metadata"]["scaffolding"]["persona_key"] for c in convs)
        assert personas["pragmatic_optimist"] == round(1000 * 83 / 242)


def test_write_demo_jsonl_and_json(tmp_path):
    path = demo_cache.write_demo(tmp_path / "out" / "training.jsonl", 10, jsonl=True)
    ds = load_dataset(path)
    assert ds.format == "jsonl" and len(ds.conversation_table) == 10
    assert not list(path.parent.glob("*.part"))
    path = demo_cache.write_demo(tmp_path / "training.json", 10)
    assert load_dataset(path).conversation_table["pairs"].sum() == round(10 * 1567 / 242)


def test_rejects_nonsense_sizes():
    with pytest.raises(ValueError):
        demo.generate(0)


def test_cached_demo_is_written_once_and_equals_the_generated_export(tmp_path):
    first = demo_cache.cached_demo(3, 5, cache_dir=tmp_path)
    assert first.read_bytes() == demo.demo_bytes(3, 5)
    stamp = first.stat().st_mtime_ns
    again = demo_cache.cached_demo(3, 5, cache_dir=tmp_path)
    assert again == first and again.stat().st_mtime_ns == stamp  # read, not written again
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no temporary file left behind
    assert demo_cache.cached_demo(4, 5, cache_dir=tmp_path) != first  # size and seed are in the name


def test_cached_demo_falls_back_to_bytes_where_the_cache_cannot_be_written(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert demo_cache.cached_demo(2, 5, cache_dir=blocked / "demo") == demo.demo_bytes(2, 5)
