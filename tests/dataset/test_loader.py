"""Loading: the three shapes, and every kind of bad input with its message and location."""

from __future__ import annotations

import copy
import io
import json

import pytest

from services.dataset.loader import detect_format, load_dataset, load_enriched_files
from services.dataset.report import LoadError
from services.demo import generator as demo
from tests.support.exports import export_bytes


def _error(source, name: str | None = None) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_dataset(source, name)
    return info.value


# --- the three shapes ------------------------------------------------------------------------
def test_full_training_file_loads_every_conversation(small_export, write_export):
    ds = load_dataset(write_export(small_export))
    assert ds.format == "training_file"
    assert ds.name == "training.json"
    assert list(ds.conversation_table["conversation_id"]) == ["c-1", "c-2"]
    assert ds.conversation_table["pairs"].tolist() == [4, 3]
    assert ds.report.dropped_conversations == []


def test_path_bytes_and_file_like_give_the_same_dataset(small_export, write_export):
    path = write_export(small_export)
    data = path.read_bytes()
    upload = io.BytesIO(data)
    upload.name = "upload.json"
    tables = [load_dataset(src).conversation_table for src in (path, data, upload)]
    for table in tables[1:]:
        assert table.equals(tables[0])
    assert load_dataset(upload).name == "upload.json"


def test_jsonl_variant_groups_pairs_by_conversation(demo_export):
    small = copy.deepcopy(demo_export)
    small["conversations"] = small["conversations"][:5]
    ds = load_dataset(demo.to_jsonl_bytes(small), "training.jsonl")
    assert ds.format == "jsonl"
    expected_ids = [c["conversation_metadata"]["conversation_id"] for c in small["conversations"]]
    assert list(ds.conversation_table["conversation_id"]) == expected_ids
    expected_supervised = [sum(p["target_response"] is not None for p in c["training_pairs"])
                           for c in small["conversations"]]
    assert ds.conversation_table["supervised_examples"].tolist() == expected_supervised
    # every line carries a target, so no pair is user-only
    assert ds.conversation_table["pairs"].tolist() == expected_supervised
    # the _meta line still describes the whole file this slice came from: the loader says so
    assert ds.file_metadata.total_conversations == len(demo_export["conversations"])
    assert ds.report.by_code("total_conversations_mismatch")
    assert not ds.report.by_code("turn_gap")  # JSONL keeps only even turns: no gap to report
    assert ds.consultant_profile.name == "Elena Morales, CFP"


def test_jsonl_bad_line_is_skipped_with_its_line_number(demo_export):
    small = copy.deepcopy(demo_export)
    small["conversations"] = small["conversations"][:2]
    lines = demo.to_jsonl_bytes(small).split(b"\n")
    lines[2] = b'{"conversation_id": "x", "turn_number": "two"}'
    lines[3] = lines[3][:40]
    ds = load_dataset(b"\n".join(lines), "training.jsonl")
    dropped = ds.report.by_code("line_dropped")
    assert [f.where.split(",")[1].strip() for f in dropped] == ["line 3", "line 4"]
    assert "field `turn_number`" in dropped[0].where or "missing required field" in dropped[0].message.lower()
    total_lines = sum(p["target_response"] is not None for c in small["conversations"] for p in c["training_pairs"])
    assert ds.conversation_table["pairs"].sum() == total_lines - 2


def test_enriched_file_is_one_conversation(small_export):
    conv = small_export["conversations"][0]
    enriched = {
        "dataset_metadata": {"dataset_name": "fp_conversation_abc-123", "total_turns": 4},
        "consultant_profile": {"name": "Elena Morales, CFP"},
        "training_pairs": conv["training_pairs"],
        "input_parameters": {"persona_key": "anxious_planner", "persona_name": "Jennifer Martinez",
                             "emotional_arc_key": "shame_to_acceptance", "emotional_arc_name": "Shame → Acceptance",
                             "training_topic_key": "emergency_fund", "training_topic_name": "Emergency Fund"},
    }
    ds = load_dataset(export_bytes(enriched), "enriched.json")
    assert ds.format == "enriched"
    row = ds.conversation_table.iloc[0]
    assert (row["conversation_id"], row["persona_name"], row["arc_name"]) == (
        "abc-123", "Jennifer Martinez", "Shame → Acceptance")
    assert (row["pairs"], row["supervised_examples"]) == (4, 2)


def test_many_enriched_files_make_one_dataset_and_a_bad_file_costs_one_conversation(small_export):
    def enriched(conv: dict, name: str) -> bytes:
        return export_bytes({
            "dataset_metadata": {"dataset_name": name, "total_turns": len(conv["training_pairs"])},
            "consultant_profile": {"name": "Elena Morales, CFP"},
            "training_pairs": conv["training_pairs"],
            "input_parameters": {"persona_key": "anxious_planner", "emotional_arc_key": "shame_to_acceptance",
                                 "training_topic_key": "emergency_fund"},
        })

    first, second = small_export["conversations"]
    files = [
        ("id-1", "u/id-1/enriched.json", enriched(first, "fp_conversation_something-else")),
        ("id-2", "u/id-2/enriched.json", b'{"dataset_metadata": {'),
        ("id-3", "u/id-3/enriched.json", enriched(second, "fp_conversation_id-3")),
    ]
    ds = load_enriched_files(files, "conversations (Supabase)")
    assert list(ds.conversation_table["conversation_id"]) == ["id-1", "id-3"]  # the row's id, not the file's
    assert len(ds.turn_table) == len(first["training_pairs"]) + len(second["training_pairs"])
    assert ds.report.dropped_conversations == ["id-2"]
    dropped = ds.report.by_code("conversation_dropped")
    assert len(dropped) == 1 and dropped[0].where.startswith("u/id-2/enriched.json")


@pytest.mark.parametrize(("content", "expected"), [
    (b'{"training_file_metadata": {}, "conversations": []}', "training_file"),
    (b'{"dataset_metadata": {}, "training_pairs": []}', "enriched"),
    (b'{"_meta": {"total_conversations": 1}}\n', "jsonl"),
    (b'{"conversation_id": "a", "turn_number": 2}\n{"conversation_id": "a", "turn_number": 4}\n', "jsonl"),
])
def test_detect_format(content: bytes, expected: str):
    assert detect_format(content) == expected


# --- bad input: a clear error with a place ----------------------------------------------------
def test_broken_json_names_file_line_column_and_excerpt(small_export, write_export):
    text = export_bytes(small_export).decode()
    # the real-world fault: a stray backslash inside the metadata block
    broken = text.replace('"total_conversations": 2', '"total_conv\\ersations": 2', 1)
    path = write_export(broken.encode(), "broken.json")
    err = _error(path)
    line = next(i for i, ln in enumerate(broken.splitlines(), 1) if "total_conv\\ersations" in ln)
    column = broken.splitlines()[line - 1].index("\\e") + 2
    assert err.finding.code == "invalid_json"
    assert f"broken.json, line {line}, column {column}" in str(err)
    assert "invalid escape" in str(err)
    assert "total_conv\\ersations" in str(err)  # the excerpt shows the offending text


def test_truncated_json_points_at_the_end(small_export):
    data = export_bytes(small_export)[:-200]
    err = _error(data, "cut.json")
    assert err.finding.code == "invalid_json"
    assert "truncated" in str(err)
    last_line = data.count(b"\n") + 1
    assert f"line {last_line}" in str(err)


def test_not_utf8_is_located(small_export):
    data = export_bytes(small_export).replace(b"c-1 user message 1", b"c-1 user \xff message 1", 1)
    err = _error(data, "latin.json")
    assert err.finding.code == "not_utf8"
    assert "0xff" in str(err)
    line = data[:data.index(b"\xff")].count(b"\n") + 1
    assert f"latin.json, line {line}," in str(err)


@pytest.mark.parametrize("content", [b"", b"   \n\t  "])
def test_empty_file(content: bytes):
    err = _error(content, "empty.json")
    assert (err.finding.code, str(err)) == ("empty_file", "empty.json: the file is empty")


@pytest.mark.parametrize(("content", "found"), [
    (b"[1, 2, 3]", "found a JSON array"),
    (b'{"hello": "world"}', "found an object with hello"),
    (b'"just a string"', "found a JSON string"),
])
def test_wrong_top_level_shape(content: bytes, found: str):
    err = _error(content, "odd.json")
    assert err.finding.code == "wrong_shape"
    assert found in str(err)
    assert str(err).startswith("odd.json: expected a training file")


def test_conversations_not_a_list_is_a_shape_error():
    err = _error(b'{"training_file_metadata": {}, "conversations": {"a": 1}}', "x.json")
    assert err.finding.code == "wrong_shape"
    assert "`conversations`" in str(err) and "array" in str(err)


def test_missing_file():
    err = _error("/nonexistent/training.json")
    assert (err.finding.code, str(err)) == ("file_not_found", "/nonexistent/training.json: no such file")


def test_no_conversations():
    err = _error(b'{"training_file_metadata": {}, "conversations": []}', "none.json")
    assert err.finding.code == "no_conversations"


def test_bom_is_tolerated(small_export):
    ds = load_dataset(b"\xef\xbb\xbf" + export_bytes(small_export), "bom.json")
    assert len(ds.conversation_table) == 2


# --- partial files: the good conversations load, the bad ones are named ---------------------
def test_bad_conversations_are_dropped_and_named(small_export):
    bad = copy.deepcopy(small_export)
    extra = copy.deepcopy(bad["conversations"][0])
    extra["conversation_metadata"]["conversation_id"] = "c-3"
    extra["training_pairs"][2]["turn_number"] = "three"
    empty_turns = copy.deepcopy(bad["conversations"][0])
    empty_turns["conversation_metadata"]["conversation_id"] = "c-4"
    empty_turns["training_pairs"] = [{"turn_number": 1}]  # no user input: the turn cannot be read
    no_id = copy.deepcopy(bad["conversations"][0])
    del no_id["conversation_metadata"]["conversation_id"]
    bad["conversations"] += [extra, empty_turns, no_id]
    ds = load_dataset(export_bytes(bad), "mixed.json")
    assert list(ds.conversation_table["conversation_id"]) == ["c-1", "c-2"]
    assert ds.report.dropped_conversations == ["c-3", "c-4", "#5"]
    wheres = [f.where for f in ds.report.by_code("conversation_dropped")]
    assert wheres[0] == "mixed.json: conversation c-3, field `training_pairs[2].turn_number`"
    assert wheres[1] == "mixed.json: conversation c-4, field `training_pairs[0]`"
    assert wheres[2] == "mixed.json: conversation #5 (no conversation_id), field `conversation_metadata`"
    messages = [f.message for f in ds.report.by_code("conversation_dropped")]
    assert messages[0] == "dropped: expected `int`, got `str`"
    assert "current_user_input" in messages[1]


def test_all_conversations_bad_is_a_load_error(small_export):
    bad = copy.deepcopy(small_export)
    for conv in bad["conversations"]:
        conv["training_pairs"] = "none"
    err = _error(export_bytes(bad), "allbad.json")
    assert err.finding.code == "no_valid_conversations"
    assert "conversation c-1, field `training_pairs`" in str(err)


def test_duplicate_conversation_id_keeps_the_first(small_export):
    dup = copy.deepcopy(small_export)
    copy_of_first = copy.deepcopy(dup["conversations"][0])
    copy_of_first["conversation_metadata"]["scaffolding"]["persona_key"] = "overwhelmed_avoider"
    dup["conversations"].append(copy_of_first)
    ds = load_dataset(export_bytes(dup), "dup.json")
    assert len(ds.conversation_table) == 2
    assert ds.conversation_table.iloc[0]["persona_key"] == "anxious_planner"
    (finding,) = ds.report.by_code("duplicate_conversation_id")
    assert finding.severity == "error"
    assert finding.where == "dup.json: conversation c-1 (#3), field `conversation_metadata.conversation_id`"
    assert ds.report.dropped_conversations == ["c-1"]


def test_all_conversations_bad_in_a_mapped_file_is_still_a_load_error(small_export, write_export):
    bad = copy.deepcopy(small_export)
    for conv in bad["conversations"]:
        conv["training_pairs"] = "none"
    err = _error(write_export(bad, "allbad.json"))
    assert err.finding.code == "no_valid_conversations"


def test_a_loaded_dataset_does_not_depend_on_its_file(small_export, write_export):
    """The loader maps the file while reading; afterwards rewriting the file changes nothing."""
    path = write_export(small_export)
    ds = load_dataset(path)
    path.write_bytes(b"x" * 10)  # truncated in place, as `cp other.json training.json` would
    conv = ds.conversation("c-2")
    assert conv.system_prompt == "You are an emotionally intelligent financial planning chatbot."
    assert json.loads(bytes(conv.context))["emotional_arc_key"] == "crisis_to_referral"
    assert [p.current_user_input for p in conv.training_pairs][:2] == ["c-2 user message 1"] * 2
    assert all(p.conversation_history == [] for p in conv.training_pairs)
