"""The sandbox Hub's state on disk, so a rehearsal survives a restart.

`state.json` holds every repo, Space, commit tree (paths → sha256), tag, thread, liker, access
request and collection; each file's content is stored once under `blobs/` by its sha256. A save
writes new blobs first, then replaces `state.json` in one rename: a crash mid-save leaves the
previous state whole, never half of the new one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from services.local_hub.state import Commit, LocalHub, Repo

STATE = "state.json"
BLOBS = "blobs"
VERSION = 1


def _blob_path(folder: Path, digest: str) -> Path:
    return folder / BLOBS / digest[:2] / digest[2:]


def _put(folder: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    path = _blob_path(folder, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return digest


def _repo_state(folder: Path, repo: Repo) -> dict[str, Any]:
    out = {f.name: getattr(repo, f.name) for f in dataclasses.fields(repo) if f.name != "commits"}
    out["commits"] = [{**{f.name: getattr(c, f.name) for f in dataclasses.fields(c) if f.name not in {"files", "lfs"}},
                       "files": {p: _put(folder, d) for p, d in c.files.items()}, "lfs": sorted(c.lfs)}
                      for c in repo.commits]
    return out


def save(hub: LocalHub, folder: Path) -> None:
    """Write the Hub's state (call it under `hub.lock`)."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {"version": VERSION,
             "repos": [_repo_state(folder, r) for r in hub.repos.values()],
             "spaces": [_repo_state(folder, r) for r in hub.spaces.values()],
             "collections": hub.collections,
             "lfs_objects": {oid: _put(folder, data) for oid, data in hub.lfs_objects.items()}}
    tmp = folder / f"{STATE}.tmp"
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(folder / STATE)


def _repo(folder: Path, state: dict[str, Any]) -> Repo:
    commits = [Commit(**{k: v for k, v in c.items() if k not in {"files", "lfs"}},
                      files={p: _blob_path(folder, d).read_bytes() for p, d in c["files"].items()},
                      lfs=frozenset(c["lfs"])) for c in state["commits"]]
    return Repo(**{k: v for k, v in state.items() if k != "commits"}, commits=commits)


def exists(folder: Path) -> bool:
    """Whether the folder holds a saved state."""
    return (folder / STATE).is_file()


def load(hub: LocalHub, folder: Path) -> None:
    """Replace the Hub's repos, Spaces and collections with the saved ones. Raises ValueError (saying
    which file) when the state cannot be read: the sandbox then starts over rather than half-loaded."""
    try:
        state = json.loads((folder / STATE).read_text(encoding="utf-8"))
        if state.get("version") != VERSION:
            raise ValueError(f"version {state.get('version')!r}, expected {VERSION}")
        repos = {r["id"]: _repo(folder, r) for r in state["repos"]}
        spaces = {r["id"]: _repo(folder, r) for r in state["spaces"]}
        lfs = {oid: _blob_path(folder, d).read_bytes() for oid, d in state["lfs_objects"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"the sandbox state in {folder / STATE} cannot be read ({exc})") from None
    with hub.lock:
        hub.repos.clear()
        hub.repos.update(repos)
        hub.spaces.clear()
        hub.spaces.update(spaces)
        hub.collections.clear()
        hub.collections.update(state["collections"])
        hub.lfs_objects.clear()
        hub.lfs_objects.update(lfs)
