"""Named cases: every way a file broke the loader (reported by people or found by the fuzz test),
each reduced to its smallest form. Each would fail if its fix were undone."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path

import msgspec
import numpy as np
import pytest

from services.dataset import summary
from services.dataset.loader import load_dataset
from services.dataset.report import LoadError
from services.release import bundle
from services.release.checks import runner as checks
from services.strategy import presets, sampling
from tests.support.exports import export_bytes

ROOT = Path(__file__).resolve().parents[2]
REAL_EXPORTS = ROOT.parent / "shared" / "real-exports"
REFERENCE_FILES = sorted(REAL_EXPORTS.glob("*.json")) if REAL_EXPORTS.is_dir() else []


def _stats(data: bytes, name: str = "t.json") -> dict:
    return msgspec.to_builtins(summary.dataset_stats(load_dataset(data, name)))


def _refused(data: bytes, name: str = "t.json") -> LoadError:
    with pytest.raises(LoadError) as info:
        load_dataset(data, name)
    return info.value


def _codes(ds) -> set[str]:
    return {f.code for f in ds.report.findings}


# --- formatting: every valid JSON encoding of the same content loads the same -------------------
FORMATS = {
    "compact": lambda d: json.dumps(d, separators=(",", ":"), ensure_ascii=False).encode(),
    "tabs": lambda d: json.dumps(d, indent="\t", ensure_ascii=False).encode(),
    "crlf": lambda d: json.dumps(d, indent=2, ensure_ascii=False).replace("\n", "\r\n").encode(),
    "bom": lambda d: codecs.BOM_UTF8 + json.dumps(d, indent=2, ensure_ascii=False).encode(),
    "ascii_escapes": lambda d: json.dumps(d, indent=1).encode(),
    "sorted_keys": lambda d: json.dumps(d, sort_keys=True, ensure_ascii=False).encode(),
    "trailing_whitespace": lambda d: json.dumps(d, ensure_ascii=False).encode() + b"\n \t\r\n\n",
}


@pytest.mark.parametrize("layout", FORMATS)
def test_every_layout_of_the_same_export_gives_the_same_dataset(small_export, layout):
    pretty = load_dataset(export_bytes(small_export), "t.json")
    other = load_dataset(FORMATS[layout](small_export), "t.json")
    assert other.fingerprint == pretty.fingerprint
    assert msgspec.to_builtins(summary.dataset_stats(other)) == msgspec.to_builtins(summary.dataset_stats(pretty))


def test_compact_export_on_one_line_was_an_attribute_error_on_mmap(tmp_path, small_export):
    """Issue #10: `'mmap.mmap' object has no attribute 'strip'` from `stats` on `json.dump` output."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps(small_export))  # what json.dump, jq -c and JSON.stringify write
    ds = load_dataset(path)
    assert ds.format == "training_file" and len(ds.columns) == 2


@pytest.mark.skipif(not REFERENCE_FILES, reason="../shared/real-exports is not beside the project")
@pytest.mark.parametrize("path", REFERENCE_FILES, ids=[p.name for p in REFERENCE_FILES])
def test_compact_copy_of_each_reference_export_gives_the_same_stats_json(tmp_path, path):
    compact = tmp_path / path.name  # same name: `source` is part of the document
    compact.write_text(json.dumps(json.loads(path.read_bytes()), separators=(",", ":"), ensure_ascii=False))
    outputs = []
    for source in (path, compact):
        run = subprocess.run([sys.executable, "-m", "services.cli", "stats", str(source), "--json"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        outputs.append(json.loads(run.stdout))
    assert outputs[0] == outputs[1]


def test_jsonl_with_crlf_line_endings(demo_export):
    from services.demo import generator as demo

    small = dict(demo_export, conversations=demo_export["conversations"][:3])
    lf = load_dataset(demo.to_jsonl_bytes(small), "t.jsonl")
    crlf = load_dataset(demo.to_jsonl_bytes(small).replace(b"\n", b"\r\n"), "t.jsonl")
    assert crlf.format == "jsonl" and crlf.fingerprint == lf.fingerprint


def test_jsonl_of_a_single_pair_line_is_jsonl_not_a_wrong_shape(small_export):
    pair = dict(small_export["conversations"][0]["training_pairs"][1], conversation_id="c-9")
    ds = load_dataset(json.dumps(pair).encode(), "one.jsonl")
    assert ds.format == "jsonl" and ds.columns.conversation_id == ["c-9"]


def test_a_value_spelled_like_a_list_key_does_not_confuse_detection(small_export):
    conv = small_export["conversations"][0]
    enriched = {"dataset_metadata": {"dataset_name": "conversations", "quality_tier": "conversations"},
                "training_pairs": conv["training_pairs"],
                "input_parameters": {"persona_key": "p", "emotional_arc_key": "a", "training_topic_key": "t"}}
    ds = load_dataset(export_bytes(enriched), "e.json")
    assert ds.format == "enriched" and len(ds.columns) == 1


def test_a_key_written_with_unicode_escapes_is_still_the_key(small_export):
    data = json.dumps(small_export).replace('"conversations"', '"conversation\\u0073"', 1).encode()
    assert b'"conversations"' not in data
    ds = load_dataset(data, "t.json")
    assert ds.format == "training_file" and len(ds.columns) == 2


# --- encodings: refused in one line that names them ------------------------------------------
@pytest.mark.parametrize(("codec", "named"), [
    ("utf-16", "UTF-16 (little-endian)"),  # Python writes a BOM, little-endian here
    ("utf-16-be", "UTF-16 (big-endian)"),  # no BOM: told by the NUL bytes
    ("utf-16-le", "UTF-16 (little-endian)"),
    ("utf-32", "UTF-32 (little-endian)"),
    ("utf-32-be", "UTF-32 (big-endian)"),
])
def test_utf16_and_utf32_are_refused_naming_the_encoding(small_export, codec, named):
    err = _refused(json.dumps(small_export, indent=2).encode(codec))
    assert err.finding.code == "not_utf8"
    assert named in str(err) and "save it as UTF-8" in str(err)
    assert "\n" not in str(err)


def test_latin1_text_is_refused_with_the_byte_and_a_hint(small_export):
    small_export["conversations"][0]["training_pairs"][0]["current_user_input"] = "Je suis inquiète"
    err = _refused(json.dumps(small_export, indent=2, ensure_ascii=False).encode("latin-1"))
    assert "byte 0xe8" in str(err) and "Windows-1252 or Latin-1" in str(err)
    assert "line " in err.finding.where


def test_lone_surrogate_escape_at_the_end_is_located_not_called_truncated(small_export):
    data = json.dumps(small_export, indent=2)[:-2] + ',\n  "note": "\\ud800"\n}'
    err = _refused(data.encode())
    assert "half a UTF-16 surrogate pair" in str(err)
    assert err.finding.where.startswith("t.json, line ") and "ud800" in err.finding.where


# --- values of the wrong type or out of range: a finding with its place ----------------------
def test_history_entry_of_the_wrong_shape_was_a_late_validation_error(small_export):
    """Issue #10: a lazily decoded history entry raised ValidationError after the load succeeded."""
    small_export["conversations"][0]["training_pairs"][1]["conversation_history"][-1] = "not an object"
    ds = load_dataset(export_bytes(small_export), "t.json")
    (finding,) = ds.report.by_code("history_entry_unreadable")
    assert finding.where == "conversation c-1, turn 2"
    _build_every_preset(ds)


def test_oversized_integer_was_an_overflow_error_in_stats_json(small_export):
    """Issue #10: `OverflowError` from `stats --json` on a turn number of 10**30."""
    small_export["conversations"][0]["training_pairs"][2]["turn_number"] = 10**30
    small_export["conversations"][1]["conversation_metadata"]["total_turns"] = 10**30
    ds = load_dataset(export_bytes(small_export), "t.json")
    dropped = ds.report.by_code("conversation_dropped")
    assert [f.where for f in dropped] == ["t.json: conversation c-1, field `training_pairs[2].turn_number`"]
    assert "<= 100000" in dropped[0].message
    (ignored,) = ds.report.by_code("value_dropped")
    assert ignored.where == "t.json: conversation c-2, field `conversation_metadata.total_turns`"
    json.loads(summary.dataset_stats(ds).to_json())


def test_invalid_utf8_inside_the_system_prompt_view_was_a_unicode_error(small_export):
    """Fuzz: a byte flipped inside a part the fast decode skips over (a `Raw` view)."""
    data = export_bytes(small_export).replace(b"financial planning chatbot", b"financial planning chatbo\xd5", 1)
    ds = load_dataset(data, "t.json")
    assert "system_prompt_not_text" in _codes(ds)
    _build_every_preset(ds)


def test_invalid_utf8_inside_a_history_entry_was_a_unicode_error(small_export):
    """Fuzz: the last history entry, decoded only for the duplicated-message check."""
    small_export["conversations"][0]["training_pairs"][3]["conversation_history"][-1]["content"] = "MARK"
    data = export_bytes(small_export).replace(b'"MARK"', b'"MAR\xa1"', 1)
    ds = load_dataset(data, "t.json")
    assert ds.report.by_code("history_entry_unreadable")[0].where == "conversation c-1, turn 4"


@pytest.mark.parametrize(("path", "value", "reason"), [
    (("emotional_context", "detected_emotions", "intensity"), "high", "expected `float | null`, got `str`"),
    (("emotional_context", "detected_emotions", "intensity"), 7.5, "<= 1.0"),
    (("emotional_context", "detected_emotions"), [1, 2], "expected `object | null`, got `array`"),
    (("training_metadata", "quality_score"), 0, ">= 1.0"),
    (("training_metadata", "quality_score"), 1e300, "<= 5.0"),
    (("training_metadata", "human_reviewed"), "yes", "got `str`"),
    (("conversation_history",), "none", "got `str`"),
])
def test_a_bad_optional_value_costs_the_value_not_the_conversation(small_export, path, value, reason):
    target = small_export["conversations"][0]["training_pairs"][1]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    ds = load_dataset(export_bytes(small_export), "t.json")
    assert ds.columns.conversation_id == ["c-1", "c-2"]
    (finding,) = ds.report.by_code("value_dropped")
    assert finding.where == f"t.json: conversation c-1, field `training_pairs[1].{'.'.join(path)}`"
    assert reason in finding.message and "training_pairs[]." in finding.message
    assert finding.severity == "warning"
    _build_every_preset(ds)


def test_the_same_bad_field_in_every_pair_is_one_finding_with_a_count(small_export):
    for conv in small_export["conversations"]:
        for pair in conv["training_pairs"]:
            pair["emotional_context"]["detected_emotions"]["intensity"] = "n/a"
    ds = load_dataset(export_bytes(small_export), "t.json")
    (finding,) = ds.report.by_code("value_dropped")
    assert finding.count == 7 and len(finding.examples) == 5
    assert np.isnan(ds.pair_columns.intensity).all()


@pytest.mark.parametrize(("mutate", "where"), [
    (lambda c: c["conversation_metadata"].update(conversation_id=""), "conversation #1 (no conversation_id), "
                                                                      "field `conversation_metadata.conversation_id`"),
    (lambda c: c["training_pairs"][0].update(current_user_input={"text": "hi"}),
     "conversation c-1, field `training_pairs[0].current_user_input`"),
    (lambda c: c["training_pairs"].__setitem__(0, "a pair"), "conversation c-1, field `training_pairs[0]`"),
])
def test_a_bad_required_value_drops_the_conversation_and_names_it(small_export, mutate, where):
    mutate(small_export["conversations"][0])
    ds = load_dataset(export_bytes(small_export), "t.json")
    assert ds.columns.conversation_id == ["c-2"]
    (finding,) = ds.report.by_code("conversation_dropped")
    assert finding.where == f"t.json: {where}"


def test_metadata_distribution_as_a_list_was_an_attribute_error(small_export):
    small_export["training_file_metadata"]["scaffolding_distribution"]["personas"] = ["anxious_planner"]
    small_export["training_file_metadata"]["total_conversations"] = "two"
    ds = load_dataset(export_bytes(small_export), "t.json")
    wheres = {f.where for f in ds.report.by_code("value_dropped")}
    assert wheres == {"t.json: training_file_metadata, field `scaffolding_distribution.personas`",
                      "t.json: training_file_metadata, field `total_conversations`"}
    assert summary.known_keys(ds, "persona") == ["anxious_planner", "pragmatic_optimist"]


def test_one_bad_count_in_the_distribution_costs_that_count(small_export):
    small_export["training_file_metadata"]["scaffolding_distribution"]["personas"]["anxious_planner"] = -3
    ds = load_dataset(export_bytes(small_export), "t.json")
    (finding,) = ds.report.by_code("value_dropped")
    assert finding.where == ("t.json: training_file_metadata, field "
                             "`scaffolding_distribution.personas.anxious_planner`")
    assert ds.file_metadata.scaffolding_distribution.personas == {"pragmatic_optimist": 1}


def test_metadata_that_is_not_an_object_is_ignored_with_a_finding(small_export):
    small_export["training_file_metadata"] = "v4"
    ds = load_dataset(export_bytes(small_export), "t.json")
    assert ds.file_metadata is None
    assert ds.report.by_code("block_ignored")[0].where == "t.json: training_file_metadata"


def test_advisor_principles_as_a_list_were_an_attribute_error_in_the_card(small_export):
    small_export["consultant_profile"] = {"name": 42, "core_philosophy": ["be kind"]}
    ds = load_dataset(export_bytes(small_export), "t.json")
    assert ds.consultant_profile.name is None and ds.consultant_profile.core_philosophy is None
    assert len(ds.report.by_code("value_dropped")) == 2
    _build_every_preset(ds)


def test_a_number_too_large_for_a_float_in_a_typed_field(small_export):
    data = export_bytes(small_export).replace(b'"quality_score": 3.0', b'"quality_score": 1e999', 1)
    ds = load_dataset(data, "t.json")
    (finding,) = ds.report.by_code("value_dropped")
    assert "number out of range" in finding.message


def _build_every_preset(ds) -> None:
    """What the fuzz test runs after a load, for the cases above."""
    for make in presets.PRESETS.values():
        plan = make()
        selections = sampling.select_plan(ds, plan)
        built = bundle.build_plan(ds, plan, selections, with_image=False)
        checks.check_plan(ds, plan, selections, built)


def test_jsonl_meta_line_with_spaces_or_keys_before_meta_is_still_the_meta_line(demo_export):
    from services.demo import generator as demo

    small = dict(demo_export, conversations=demo_export["conversations"][:2])
    lines = demo.to_jsonl_bytes(small).split(b"\n")
    meta = json.loads(lines[0])["_meta"]
    for first in (json.dumps({"_meta": meta}, indent=1).replace("\n", " "), json.dumps({"note": "x", "_meta": meta})):
        ds = load_dataset(b"\n".join([first.encode(), *lines[1:]]), "t.jsonl")
        assert ds.format == "jsonl" and not ds.report.by_code("line_dropped")
        assert ds.file_metadata is not None and ds.file_metadata.total_conversations == meta["total_conversations"]


def test_early_export_with_empty_scaffolding_keys_was_refused_whole():
    """Issue #20: `stats` ended with 'no conversation could be read; the first problem: dropped: expected
    `str` of length >= 1' on the platform's first exports, whose scaffolding keys are `""`."""
    from tests.support.exports import early_export, export_bytes

    ds = load_dataset(export_bytes(early_export()), "early.json")
    assert len(ds) == 3 and not ds.report.has_errors
    _build_every_preset(ds)


def test_enriched_file_without_input_parameters_was_a_missing_field():
    """An enriched file whose `input_parameters` is gone was refused whole; its pairs name the keys."""
    from services.demo import generator as demo

    conv = demo.generate(2, seed=3)["conversations"][0]
    data = json.dumps({"training_pairs": conv["training_pairs"]}).encode()
    ds = load_dataset(data, "enriched.json")
    assert ds.columns.arc_key == [conv["conversation_metadata"]["scaffolding"]["emotional_arc_key"]]
