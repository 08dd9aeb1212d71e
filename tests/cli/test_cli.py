"""The command line, run as a user runs it: a new process, exit status, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.exports import export_bytes
from tests.support.streamlit_server import ROOT

DOCUMENTED_KEYS = {"conversations", "training_pairs", "pairs_with_target", "personas", "emotional_arcs",
                   "training_topics", "quality", "human_reviewed_pairs", "issues"}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_stats_json_on_the_demo():
    result = run_cli("stats", "demo", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) >= DOCUMENTED_KEYS
    assert (out["conversations"], out["training_pairs"], out["pairs_with_target"]) == (242, 1567, 731)
    assert out["personas"] == {"pragmatic_optimist": 83, "anxious_planner": 80, "overwhelmed_avoider": 79}
    assert sum(out["training_topics"].values()) == 242 and len(out["training_topics"]) == 17
    assert set(out["quality"]) == {"avg", "min", "max"}
    assert out["human_reviewed_pairs"] == 0
    assert all(set(i) >= {"severity", "code", "message", "where"} for i in out["issues"])


def test_stats_text_on_a_file(small_export, write_export):
    result = run_cli("stats", str(write_export(small_export)))
    assert result.returncode == 0, result.stderr
    assert "2 conversations and 7 training pairs, of which 3 (43%) carry an assistant response" in result.stdout
    assert "anxious_planner × crisis_to_referral" in result.stdout  # an empty cell is called out


@pytest.mark.parametrize(("content", "expected"), [
    (b'{"training_file_metadata": {"a": "x\\q"}, "conversations": []}',
     "bad.json, line 1, column 37 near"),
    (b"", "bad.json: the file is empty"),
    (b"[1, 2]", "bad.json: expected a training file"),
    (b'{"x": "\xff"}', "bad.json, line 1, column 8"),
])
def test_bad_input_exits_2_with_one_located_line(tmp_path, content: bytes, expected: str):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = run_cli("stats", str(path), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert expected in lines[0]


def test_missing_file_exits_2():
    result = run_cli("stats", "/no/such/training.json")
    assert (result.returncode, result.stderr.strip()) == (2, "error: /no/such/training.json: no such file")


def test_schema_problem_names_conversation_and_field(tmp_path, small_export):
    small_export["conversations"][0]["training_pairs"] = "oops"
    path = tmp_path / "schema.json"
    path.write_bytes(export_bytes(small_export))
    result = run_cli("stats", str(path), "--json")
    assert result.returncode == 0  # the other conversation still loads
    issues = json.loads(result.stdout)["issues"]
    dropped = [i for i in issues if i["code"] == "conversation_dropped"]
    assert dropped[0]["where"] == "schema.json: conversation c-1, field `training_pairs`"


def test_demo_command_writes_a_scaled_export(tmp_path):
    out = tmp_path / "scaled.json"
    result = run_cli("demo", "--out", str(out), "--conversations", "50")
    assert result.returncode == 0, result.stderr
    stats = json.loads(run_cli("stats", str(out), "--json").stdout)
    assert stats["conversations"] == 50


def test_plan_json_lists_each_tier_and_the_eq100_pairs():
    result = run_cli("plan", "demo", "--preset", "billboard", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    tiers = {t["name"]: t for t in out["tiers"]}
    assert list(tiers) == ["preview", "eq-100", "full"]
    for t in tiers.values():
        assert {"name", "channel", "conversations", "supervised_examples", "conversation_ids", "cells_covered",
                "trainable"} <= set(t)
        assert len(t["conversation_ids"]) == t["conversations"]
    assert len(tiers["eq-100"]["examples"]) == 100 == tiers["eq-100"]["supervised_examples"]
    assert "examples" not in tiers["preview"]
    assert tiers["preview"]["cells_covered"] == "21/21" and not tiers["preview"]["trainable"]


def test_plan_from_a_file_and_its_errors(tmp_path):
    good = tmp_path / "small.yaml"
    good.write_text("name: small\nseed: 3\ntiers:\n  - {name: s, channel: hub_public, "
                    "selection: {mode: conversations, size: 12}}\n")
    result = run_cli("plan", "demo", "--plan", str(good))
    assert result.returncode == 0, result.stderr
    assert "12 conversations" in result.stdout
    impossible = tmp_path / "big.yaml"
    impossible.write_text("name: big\ntiers:\n  - {name: s, channel: hub_public, "
                          "selection: {mode: conversations, size: 9999}}\n")
    result = run_cli("plan", "demo", "--plan", str(impossible))
    assert result.returncode == 1
    assert "error: tier 's': asks for 9,999 conversations; only 242 are eligible" in result.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: b\ntiers:\n  - {name: s, channel: nowhere}\n")
    result = run_cli("plan", "demo", "--plan", str(broken))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: broken.yaml: tiers.0.channel:")


@pytest.mark.parametrize(("preset", "expected"), [("giveaway", {"full"}), ("billboard", {"preview", "eq-100.zip"}),
                                                  ("hybrid", {"full"})])
def test_bundle_writes_each_released_tier(tmp_path, preset, expected):
    result = run_cli("bundle", "demo", "--preset", preset, "--out", str(tmp_path), "--no-image",
                     "--privacy-url", "https://brightrun.ai/privacy")
    assert result.returncode == 0, result.stderr
    assert {p.name for p in tmp_path.iterdir()} == expected
    assert "[ok  ] card truth" in result.stdout and "BLOCK" not in result.stdout


def test_a_gated_tier_without_a_privacy_notice_is_blocked_in_words(tmp_path):
    result = run_cli("bundle", "demo", "--preset", "hybrid", "--out", str(tmp_path), "--no-image")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[BLOCK] access form" in result.stdout and "set the plan's privacy_url" in result.stdout


def test_bundle_of_a_tier_with_personal_data_exits_1(tmp_path, small_export):
    small_export["conversations"][0]["training_pairs"][1]["target_response"] = "Mail me at a.b@example.com"
    source = tmp_path / "pii.json"
    source.write_bytes(export_bytes(small_export))
    result = run_cli("bundle", str(source), "--preset", "giveaway", "--out", str(tmp_path / "out"), "--no-image")
    assert result.returncode == 1
    assert "[BLOCK] personal data: email address" in result.stdout
    assert "c-1 message 2" in result.stdout and "a.b@example.com" in result.stdout
    assert result.stderr.strip() == "error: blocked by the checks: full"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["full"]  # written for review; nothing staged left


HEAVY = ("pandas", "pyarrow", "altair", "huggingface_hub", "supabase", "pydantic", "jinja2", "streamlit")


def test_stats_imports_only_what_loading_and_statistics_need(tmp_path, small_export):
    """Start-up speed, checked by what is imported rather than by a clock: `stats` needs neither
    pandas nor the release, Hub or Supabase stacks (benchmarks/bench_startup.py times it); pyarrow
    only for the text store (`services.dataset.store`), first load and second."""
    path = tmp_path / "t.json"
    path.write_bytes(export_bytes(small_export))
    probe = ("import sys; from services.cli import main; code = main(['stats', sys.argv[1], '--json']); "
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})), file=sys.stderr); "
             "sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", probe, str(path)], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["conversations"] == 2
    assert result.stderr.strip().splitlines()[-1] == "['pyarrow']"
    again = subprocess.run([sys.executable, "-c", probe, str(path)], cwd=ROOT, capture_output=True, text=True,
                           timeout=60)  # the kept load: its facts read back without pandas too
    assert again.returncode == 0 and again.stderr.strip().splitlines()[-1] == "['pyarrow']", again.stderr


def test_the_parser_names_the_presets_and_demo_defaults_the_services_define():
    from services import cli
    from services.cli import source
    from services.demo import catalog as demo_catalog
    from services.demo.generator import DEFAULT_SEED
    from services.strategy import advice, presets
    from services.supabase import source as supabase_source

    assert list(cli.PRESET_NAMES) == list(presets.PRESETS)
    assert source.SUPABASE_SCHEME == supabase_source.URI_SCHEME
    assert (cli.DEMO_CONVERSATIONS, cli.DEMO_SEED) == (demo_catalog.BASE_CONVERSATIONS, DEFAULT_SEED)
    assert cli.GOAL_NAMES == advice.GOALS


def test_an_early_export_gives_stats_and_bundles_with_its_real_keys(write_export, tmp_path):
    """Issue #20's done-when: 3 conversations of the early shape (keys on the pairs only, a zero summary)."""
    from tests.support.exports import EARLY_CONVERSATIONS, early_export

    path = write_export(early_export())
    result = run_cli("stats", str(path), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["conversations"] == 3
    assert out["personas"] == {row[1]: 1 for row in EARLY_CONVERSATIONS}
    assert out["emotional_arcs"] == {row[3]: 1 for row in EARLY_CONVERSATIONS}
    assert out["training_topics"] == {row[5]: 1 for row in EARLY_CONVERSATIONS}
    assert out["quality"] == {"avg": 3.0, "min": 3.0, "max": 3.0}  # from the pairs, not the file's zeros
    recovered = [i for i in out["issues"] if i["code"] == "keys_recovered"]
    assert [i["severity"] for i in recovered] == ["info"]
    assert recovered[0]["message"].startswith("keys recovered from training pairs for 3 of 3 conversations")
    assert out["key_sources"]["topic"] == {"pairs": 3}
    result = run_cli("bundle", str(path), "--preset", "giveaway", "--out", str(tmp_path / "release"), "--no-image")
    assert result.returncode == 0, result.stdout + result.stderr
    card = (tmp_path / "release" / "full" / "README.md").read_text()
    for row in EARLY_CONVERSATIONS:
        for key in (row[1], row[3], row[5]):
            assert f"`{key}`" in card
