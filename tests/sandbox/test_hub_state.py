"""The sandbox Hub's state survives a restart whole, and a damaged state is refused in words."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from huggingface_hub import hf_hub_download

from services.hub import api as hub_api
from services.hub.config import HubSettings
from services.local_hub.server import start_local_hub
from services.local_hub.shapes import liker, thread
from services.local_hub.state import LocalHub, User
from services.sandbox import hub_state
from tests.support.hub_faults import serve_local_hub

TOKEN = "t"
REPO = "brightrun/state"


def _parquet() -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.table({"x": list(range(100))}), out)
    return out.getvalue()


@pytest.fixture
def published(tmp_path):
    """A served Hub with a released repo (an LFS Parquet file, a card, a tag, a thread, likers)."""
    with serve_local_hub() as hub:
        hub.users[TOKEN] = User("owner", "owner@example.com", {"brightrun": "write"})
        api = hub_api.client(HubSettings(token=TOKEN, endpoint=hub.url))
        api.create_repo(REPO, repo_type="dataset")
        api.upload_file(path_or_fileobj=_parquet(), path_in_repo="data/x.parquet", repo_id=REPO, repo_type="dataset")
        api.upload_file(path_or_fileobj=b"# card\n", path_in_repo="README.md", repo_id=REPO, repo_type="dataset")
        api.create_tag(REPO, tag="v1", repo_type="dataset")
        hub.repos[REPO].discussions = [thread(1, "Hello", "ada", "2026-11-20T10:00:00.000Z")]
        hub.repos[REPO].likers = [liker("ada")]
        hub.repos[REPO].gated = "manual"
        yield hub


def test_a_saved_hub_reads_back_the_same_through_the_client(published, tmp_path):
    hub_state.save(published, tmp_path / "state")
    again = LocalHub()
    again.users[TOKEN] = published.users[TOKEN]
    hub_state.load(again, tmp_path / "state")
    server = start_local_hub(again)
    try:
        api = hub_api.client(HubSettings(token=TOKEN, endpoint=again.url))
        assert sorted(api.list_repo_files(REPO, repo_type="dataset")) == [".gitattributes", "README.md",
                                                                         "data/x.parquet"]
        path = hf_hub_download(REPO, "data/x.parquet", repo_type="dataset", endpoint=again.url, token=TOKEN,
                               cache_dir=tmp_path / "cache")
        assert pq.read_table(path).column("x").to_pylist() == list(range(100))
        assert [t.name for t in api.list_repo_refs(REPO, repo_type="dataset").tags] == ["v1"]
        assert [d.title for d in api.get_repo_discussions(REPO, repo_type="dataset")] == ["Hello"]
        assert [u.username for u in api.list_repo_likers(REPO, repo_type="dataset")] == ["ada"]
        assert api.dataset_info(REPO).gated == "manual"
        assert [c.commit_id for c in api.list_repo_commits(REPO, repo_type="dataset")] == \
            [c.oid for c in reversed(published.repos[REPO].commits)]
    finally:
        server.stop()


def test_a_file_is_stored_once_and_no_temporary_file_is_left(published, tmp_path):
    folder = tmp_path / "state"
    hub_state.save(published, folder)
    hub_state.save(published, folder)
    blobs = [p for p in (folder / "blobs").rglob("*") if p.is_file()]
    distinct = {d for c in published.repos[REPO].commits for d in c.files.values()}
    assert len(blobs) == len({__import__("hashlib").sha256(d).hexdigest() for d in distinct})
    assert not list(folder.rglob("*.tmp"))


@pytest.mark.parametrize("damage", ["not json", "missing blob", "old version"])
def test_a_damaged_state_is_refused_naming_the_file(published, tmp_path, damage):
    folder = tmp_path / "state"
    hub_state.save(published, folder)
    if damage == "not json":
        (folder / "state.json").write_text("{", encoding="utf-8")
    elif damage == "missing blob":
        next(p for p in (folder / "blobs").rglob("*") if p.is_file()).unlink()
    else:
        (folder / "state.json").write_text('{"version": 0}', encoding="utf-8")
    fresh = LocalHub()
    with pytest.raises(ValueError, match=r"state\.json"):
        hub_state.load(fresh, folder)
    assert fresh.repos == {}  # nothing half-loaded
