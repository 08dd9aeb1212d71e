"""`cli feedback`, `cli reply` and `cli next-batch`, as scripts and a cron job run them."""

from __future__ import annotations

import json

import pytest

from services import cli
from services.hub.history import JsonlHistory, ReleaseRecord
from tests.conftest import HUB_READ_TOKEN, HUB_TOKEN
from tests.support.feedback_landscape import FULL, SPACE


@pytest.fixture
def hub(landscape, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_TOKEN", HUB_TOKEN)
    monkeypatch.setenv("HF_ENDPOINT", landscape.url)
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "history.jsonl"))
    monkeypatch.setenv("STUDIO_LIKERS_FILE", str(tmp_path / "likers.jsonl"))
    for name in ("SUPABASE_URL", "SUPABASE_KEY"):
        monkeypatch.delenv(name, raising=False)
    for repo_id, tier, kind in ((FULL, "full", "dataset"), (SPACE, "eq-100", "space")):
        JsonlHistory().append(ReleaseRecord(actor="owner", tier=tier, repo_id=repo_id, repo_type=kind,
                                            outcome="published", tag="v1"))
    return landscape


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_feedback_json_is_one_object_with_every_human_thread_unanswered_first(hub, capsys):
    code, out, err = run(capsys, "feedback", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) >= {"repos", "form_answers", "themes"}
    full = next(r for r in doc["repos"] if r["repo_id"] == FULL)
    assert set(full) >= {"repo_id", "repo_type", "likes", "likers", "error", "threads"}
    assert full["likers"] == ["ada", "carol", "dan"] and full["error"] is None
    assert [t["num"] for t in full["threads"]] == [1, 4, 2]  # unanswered first; the bot's PR left out
    thread = full["threads"][0]
    assert set(thread) >= {"num", "title", "status", "author", "created_at", "url", "is_pull_request", "answered",
                           "themes", "comments"}
    assert set(thread["comments"][0]) >= {"author", "created_at", "text", "hidden", "edited"}
    assert "roth_ira_conversion" in thread["themes"]  # named by the demo scaffolding's topic
    assert {t["theme"] for t in doc["themes"]} >= {"roth_ira_conversion", "license", "language"}
    assert "the demo scaffolding" in err and "landing Space's feedback form was not read" in err


def test_feedback_text_and_one_repo_outside_the_history(hub, capsys):
    code, out, _ = run(capsys, "feedback")
    assert code == 0
    assert out.splitlines()[0] == "4 thread(s), 3 unanswered, from 2 repo(s); 1 automated thread(s) left out"
    assert "[UNANSWERED" in out.splitlines()[1] and "(hidden comment)" in out
    JsonlHistory().path.unlink()
    code, out, err = run(capsys, "feedback", "--repo-id", SPACE, "--json")
    assert code == 0 and [r["repo_id"] for r in json.loads(out)["repos"]] == [SPACE]
    assert "not in the release history" in err


def test_feedback_for_a_repo_that_cannot_be_read_exits_1_and_says_why(hub, capsys):
    code, out, err = run(capsys, "feedback", "--repo-id", "brightrun/not-there", "--json")
    assert code == 1
    (repo,) = json.loads(out)["repos"]
    assert repo["error"] and repo["threads"] == [] and "was not found" in err


def test_reply_lands_and_the_thread_then_reads_answered(hub, capsys):
    code, out, err = run(capsys, "reply", FULL, "1", "--text", "Thanks! A Roth set is next.")
    assert code == 0, err
    assert out.startswith("replied: ") and out.strip().endswith(f"/datasets/{FULL}/discussions/1")
    doc = json.loads(run(capsys, "feedback", "--json")[1])
    full = next(r for r in doc["repos"] if r["repo_id"] == FULL)
    assert next(t for t in full["threads"] if t["num"] == 1)["answered"]


def test_reply_with_a_read_only_token_says_so(hub, capsys, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", HUB_READ_TOKEN)
    code, _, err = run(capsys, "reply", FULL, "1", "--text", "hi")
    assert code == 2 and "may not comment" in err and HUB_READ_TOKEN not in err
    assert len(err.strip().splitlines()) == 1


def test_next_batch_on_the_demo_writes_a_valid_body_that_fills_the_gaps(capsys, tmp_path):
    from services.batch.body import GenerateBatchBody
    from services.demo.scaffolding_rows import UNUSED_ARCS

    feedback = tmp_path / "feedback.json"
    feedback.write_text(json.dumps({"repos": [], "form_answers": [], "themes": [
        {"theme": "college_savings_529", "kind": "topic", "count": 2}]}))
    out_file = tmp_path / "batch.json"
    code, out, err = run(capsys, "next-batch", "demo", "--feedback", str(feedback), "--total", "24",
                         "--out", str(out_file))
    assert code == 0, err
    assert out.splitlines()[0] == ("24 conversations (7 edge cases), about 155 training pairs, $10.80, about 8 min "
                                   "at 3 at a time")
    body = GenerateBatchBody.model_validate_json(out_file.read_bytes())
    assert len(body.parameterSets) == 24
    assert all(f"arc `{key}` has 0 conversations" in out for key, _ in UNUSED_ARCS)
    assert "topic `college_savings_529` asked for in 2 threads or form answers" in out
    assert "send it: curl -X POST" in out


def test_next_batch_without_ids_exits_2_writes_nothing_and_says_how_to_get_them(capsys, tmp_path, write_export,
                                                                               small_export):
    out_file = tmp_path / "batch.json"
    code, _, err = run(capsys, "next-batch", str(write_export(small_export)), "--out", str(out_file))
    assert code == 2 and not out_file.exists()
    assert "nothing written" in err and "has no id in the scaffolding" in err and "--scaffolding" in err


def test_next_batch_refuses_a_broken_scaffolding_and_writes_nothing(capsys, tmp_path):
    from services.demo.scaffolding_rows import scaffolding_document

    doc = scaffolding_document()
    doc["training_topics"].append(dict(doc["training_topics"][0]))
    broken = tmp_path / "scaffolding.json"
    broken.write_text(json.dumps(doc))
    out_file = tmp_path / "batch.json"
    code, _, err = run(capsys, "next-batch", "demo", "--scaffolding", str(broken), "--out", str(out_file))
    assert code == 2 and "scaffolding.json: `training_topics` row 18" in err and "appears twice" in err
    assert not out_file.exists()


def test_stats_takes_a_scaffolding_for_names_only_exports(capsys, tmp_path, write_export):
    from services.demo.scaffolding_rows import scaffolding_document
    from tests.support.exports import early_export

    export = early_export()
    for conv in export["conversations"]:
        for pair in conv["training_pairs"]:
            for field in ("persona_archetype", "emotional_arc_key", "training_topic_key"):
                pair["conversation_metadata"].pop(field)
    scaffolding = tmp_path / "scaffolding.json"
    scaffolding.write_text(json.dumps(scaffolding_document()))
    code, out, _ = run(capsys, "stats", str(write_export(export)), "--json", "--scaffolding", str(scaffolding))
    assert code == 0
    doc = json.loads(out)
    assert doc["personas"] == {"anxious_planner": 1, "overwhelmed_avoider": 1, "pragmatic_optimist": 1}
    assert doc["key_sources"]["persona"] == {"scaffolding_names": 3}
