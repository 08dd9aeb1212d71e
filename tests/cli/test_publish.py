"""`python -m services.cli publish` against the local Hub: same behaviour as the page."""

from __future__ import annotations

import json
import shutil

import psycopg
import pytest

from services import cli
from services.hub.history import JsonlHistory
from tests.conftest import HUB_OUTSIDER_TOKEN, HUB_TOKEN
from tests.support import jwt

REPO = "brightrun/eq-preview"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    privacy = ["--privacy-url", "https://brightrun.ai/privacy"]
    assert cli.main(["bundle", "demo", "--preset", "billboard", "--out", str(out), "--no-image", *privacy]) == 0
    assert cli.main(["bundle", "demo", "--preset", "hybrid", "--out", str(out / "hybrid"), "--no-image",
                     *privacy]) == 0
    return out


@pytest.fixture
def env(local_hub, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_TOKEN", HUB_TOKEN)
    monkeypatch.setenv("HF_ENDPOINT", local_hub.url)
    monkeypatch.setenv("STUDIO_RELEASES_FILE", str(tmp_path / "history.jsonl"))
    monkeypatch.delenv("SUPABASE_URL", raising=False)
    monkeypatch.delenv("SUPABASE_KEY", raising=False)
    return local_hub


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_then_publish_then_up_to_date(env, release, capsys):
    code, out, _ = run(capsys, "publish", str(release / "preview"), "--repo-id", REPO, "--dry-run")
    assert code == 0 and "new repo" in out and "added     README.md" in out and "nothing was sent" in out
    assert REPO not in env.repos
    code, out, _ = run(capsys, "publish", str(release / "preview"), "--repo-id", REPO)
    assert code == 0 and "published:" in out and "tag v1" in out
    code, out, _ = run(capsys, "publish", str(release / "preview"), "--repo-id", REPO)
    assert code == 0 and "already up to date" in out
    assert len(env.repos[REPO].commits) == 2
    history = JsonlHistory().read()
    assert [r.outcome for r in history] == ["up_to_date", "published"]
    assert history[1].actor == "owner (command line)" and history[1].conversations == 30


def test_a_folder_is_published_from_its_files_on_disk_never_read_whole(env, release, capsys, monkeypatch):
    """Every file goes to the client as its path (huggingface_hub then reads it in chunks to hash and
    upload it), and the Hub ends up with exactly the folder's bytes."""
    from pathlib import Path

    from huggingface_hub import HfApi

    sent: list = []
    real_commit = HfApi.create_commit

    def watched(self, repo_id, operations, **kw):  # the real commit, with what it was given noted
        sent.extend(operations)
        return real_commit(self, repo_id, operations, **kw)

    monkeypatch.setattr(HfApi, "create_commit", watched)
    code, _, err = run(capsys, "publish", str(release / "preview"), "--repo-id", REPO)
    assert code == 0, err
    adds = [op for op in sent if type(op).__name__ == "CommitOperationAdd"]
    assert {op.path_in_repo for op in adds} >= {"README.md", "release.json", "data/conversations.parquet",
                                                "data/training_pairs.parquet"}
    assert all(isinstance(op.path_or_fileobj, str | Path) for op in adds), [type(op.path_or_fileobj) for op in adds]
    for op in adds:
        assert env.files(REPO)[op.path_in_repo] == (release / "preview" / op.path_in_repo).read_bytes()


def test_a_gated_tier_is_gated_by_default(env, release, capsys):
    code, _, _ = run(capsys, "publish", str(release / "hybrid" / "full"), "--repo-id", "brightrun/eq-full",
                     "--private")
    assert code == 0
    repo = env.repos["brightrun/eq-full"]
    assert (repo.gated, repo.private) == ("auto", True)


def test_a_blocked_release_is_refused_and_recorded(env, release, capsys, tmp_path):
    folder = tmp_path / "preview"
    shutil.copytree(release / "preview", folder)
    manifest = json.loads((folder / "release.json").read_text())
    manifest["checks"][0]["status"] = "block"
    (folder / "release.json").write_text(json.dumps(manifest))
    code, _, err = run(capsys, "publish", str(folder), "--repo-id", REPO)
    assert code == 1 and "blocked by the checks" in err
    assert JsonlHistory().read()[0].outcome == "refused"
    assert REPO not in env.repos


def test_an_edited_file_is_bad_input(env, release, capsys, tmp_path):
    folder = tmp_path / "preview"
    shutil.copytree(release / "preview", folder)
    (folder / "README.md").write_text("edited by hand")
    code, _, err = run(capsys, "publish", str(folder), "--repo-id", REPO)
    assert code == 2 and "README.md was changed after the bundle was built" in err


@pytest.mark.parametrize(("token", "words"), [("hf_wrong", "refused the token"),
                                              (HUB_OUTSIDER_TOKEN, "may not write to `brightrun`")])
def test_credentials_problems_exit_2_without_the_token(env, release, capsys, monkeypatch, token, words):
    monkeypatch.setenv("HF_TOKEN", token)
    code, out, err = run(capsys, "publish", str(release / "preview"), "--repo-id", REPO)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
    assert token not in out + err


def test_no_token_and_not_a_release(env, release, capsys, monkeypatch, tmp_path):
    stray = tmp_path / "stray.zip"
    stray.write_bytes(b"not a zip")
    code, _, err = run(capsys, "publish", str(stray), "--repo-id", REPO)
    assert code == 2 and "not a download tier's zip written by `bundle`" in err
    code, _, err = run(capsys, "publish", str(tmp_path / "missing"), "--repo-id", REPO)
    assert code == 2 and "not a folder" in err
    monkeypatch.delenv("HF_TOKEN")
    code, _, err = run(capsys, "publish", str(release / "preview"), "--repo-id", REPO)
    assert code == 2 and "no Hugging Face token" in err


def test_a_repo_id_the_hub_refuses_is_bad_input_before_any_request(env, release, capsys):
    before = len(env.requests)
    code, _, err = run(capsys, "publish", str(release / "preview"), "--repo-id", "brightrun/eq--preview")
    assert code == 2
    assert err == "error: checking the repo id: `brightrun/eq--preview`: Cannot have -- or .. in repo_id " \
                  "(the Hub's rule for repo names)\n"
    assert len(env.requests) == before  # nothing was sent


SPACE = "brightrun/financial-eq-billboard-eq-100"  # the plan's id for the download tier's Space


def test_a_download_zip_goes_out_as_its_landing_space_grouped_with_its_siblings(env, release, capsys, monkeypatch,
                                                                              supabase):
    monkeypatch.setenv("SUPABASE_URL", supabase.url)
    monkeypatch.setenv("SUPABASE_KEY", supabase.key("service_role"))
    monkeypatch.setenv("SUPABASE_PUBLISHABLE_KEY", supabase.key("anon"))
    code, out, err = run(capsys, "publish", str(release / "eq-100.zip"))
    assert code == 0, err
    assert f"{SPACE} (space)" in out and "published:" in out and f"{env.url}/spaces/{SPACE}" in out
    space = env.spaces[SPACE]
    assert (space.sdk, space.private) == ("static", False)
    files = space.head.files
    assert set(files) - {".gitattributes"} == {"index.html", "README.md", "eq-100.zip"}
    assert files["eq-100.zip"] == (release / "eq-100.zip").read_bytes()
    assert "sdk: static" in files["README.md"].decode()
    page = files["index.html"].decode()
    assert f"{env.url}/spaces/{SPACE}/resolve/main/eq-100.zip" in page
    assert f"{supabase.url}/rest/v1/rpc/submit_lead" in page
    assert supabase.key("service_role") not in page
    with psycopg.connect(supabase.db_uri) as db:  # recorded in Supabase, as a Space
        assert db.execute("SELECT repo_type, tier FROM dataset_releases WHERE repo_id = %s "
                          "ORDER BY released_at",
                          (SPACE,)).fetchall()[-1] == ("space", "eq-100")
    code, _, _ = run(capsys, "publish", str(release / "preview"))
    assert code == 0
    (collection,) = env.collections.values()
    assert collection["title"] == "Financial EQ conversations: billboard"
    assert [(i["id"], i["type"]) for i in collection["items"]] == [(SPACE, "space"),
                                                                   ("brightrun/financial-eq-billboard-preview",
                                                                    "dataset")]
    code, out, _ = run(capsys, "publish", str(release / "eq-100.zip"))  # again: nothing twice
    assert code == 0 and "already up to date" in out and len(collection["items"]) == 2


def test_a_landing_space_without_the_publishable_key_is_refused_in_words(env, release, capsys, monkeypatch):
    monkeypatch.setenv("SUPABASE_URL", "https://leads.brightrun.ai")
    monkeypatch.delenv("SUPABASE_PUBLISHABLE_KEY", raising=False)
    code, _, err = run(capsys, "publish", str(release / "eq-100.zip"))
    assert code == 2 and "SUPABASE_PUBLISHABLE_KEY" in err and "Traceback" not in err
    monkeypatch.setenv("SUPABASE_PUBLISHABLE_KEY", jwt.api_key("service_role", "s" * 32))
    code, _, err = run(capsys, "publish", str(release / "eq-100.zip"))
    assert code == 2 and "never carry a service-role key" in err
    assert SPACE not in env.spaces
