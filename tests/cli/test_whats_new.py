"""A second release of the same tier carries "What's new", is tagged v2 and shows beside v1; building
and publishing it again changes nothing (issue #21's done-when, from the command line)."""

from __future__ import annotations

from services import cli
from services.hub.history import JsonlHistory, versions_table
from tests.conftest import HUB_TOKEN

REPO = "brightrun/eq-full"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_second_release_says_whats_new_and_is_v2(local_hub, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HF_TOKEN", HUB_TOKEN)
    monkeypatch.setenv("HF_ENDPOINT", local_hub.url)
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "history.jsonl"))
    for name in ("SUPABASE_URL", "SUPABASE_KEY"):
        monkeypatch.delenv(name, raising=False)
    first, second = tmp_path / "v1", tmp_path / "v2"
    assert _run(capsys, "bundle", "demo", "--preset", "giveaway", "--out", str(first), "--no-image")[0] == 0
    assert "## What's new" not in (first / "full" / "README.md").read_text()
    code, out, _ = _run(capsys, "publish", str(first / "full"), "--repo-id", REPO)
    assert code == 0 and "tag v1" in out
    bigger = tmp_path / "bigger.json"
    assert _run(capsys, "demo", "--out", str(bigger), "--conversations", "300")[0] == 0
    feedback = tmp_path / "feedback.json"
    feedback.write_text('{"themes": [{"theme": "shame_to_acceptance", "kind": "arc", "count": 3}]}')
    code, _, err = _run(capsys, "bundle", str(bigger), "--preset", "giveaway", "--out", str(second), "--no-image",
                        "--feedback", str(feedback))
    assert code == 0, err
    card = (second / "full" / "README.md").read_text()
    assert "Compared with the previous release (`v1`), which held 242 conversations" in card
    assert "- 58 conversations added" in card
    assert "Answers what people asked for: shame_to_acceptance." in card
    code, out, _ = _run(capsys, "publish", str(second / "full"), "--repo-id", REPO)
    assert code == 0 and "tag v2" in out
    assert local_hub.repos[REPO].head.files["README.md"].decode().count("## What's new") == 1
    # built and published again: the same card (it compares with v1, not with itself), so nothing new
    again = tmp_path / "v2-again"
    assert _run(capsys, "bundle", str(bigger), "--preset", "giveaway", "--out", str(again), "--no-image",
                "--feedback", str(feedback))[0] == 0
    assert (again / "full" / "README.md").read_bytes() == (second / "full" / "README.md").read_bytes()
    code, out, _ = _run(capsys, "publish", str(again / "full"), "--repo-id", REPO)
    assert code == 0 and "already up to date" in out
    rows = {r["figure"]: r for r in versions_table(JsonlHistory().read())}
    assert (rows["conversations"]["v1"], rows["conversations"]["v2"]) == (242, 300)
