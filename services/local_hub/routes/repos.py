"""Accounts, repos and commits: whoami, the card's YAML check, creating a repo, its info, settings,
preupload, commit, tags, refs, tree, paths-info, commit log, and downloading a file (`resolve`) — what
`HfApi.whoami`, `create_repo`, `create_commit`, `create_tag`, `list_repo_tree`, `hf_hub_download` call."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import get_args
from urllib.parse import parse_qs

from huggingface_hub.hf_api import ExpandDatasetProperty_T, ExpandSpaceProperty_T

from services.local_hub import git, shapes
from services.local_hub.request import HubRequest, Reply
from services.local_hub.rules import HubError, card_yaml_errors
from services.local_hub.state import Commit, Repo, now


def whoami(req: HubRequest) -> Reply:
    """`GET /api/whoami-v2`."""
    return Reply(shapes.whoami(req.caller()))


def validate_yaml(req: HubRequest) -> Reply:
    """`POST /api/validate-yaml {content}`: 400 with `errors: [{message}]`, which huggingface_hub's
    `_validate_yaml` lists in its ValueError."""
    errors = card_yaml_errors(req.json().get("content", ""))
    if errors:
        raise HubError(400, "Invalid metadata", errors=[{"message": m} for m in errors], warnings=[])
    return Reply({"errors": [], "warnings": []})


def create(req: HubRequest) -> Reply:
    """`POST /api/repos/create {type, name, organization, private, sdk}`: 409 when it exists (with its
    url, which `create_repo(exist_ok=True)` reads), 403 outside the token's namespaces."""
    user = req.caller()
    payload = req.json()
    kind = payload.get("type")
    if kind not in {"dataset", "space"}:
        raise HubError(400, "this local Hub holds datasets and Spaces")
    if kind == "space" and payload.get("sdk") not in {"static", "gradio", "docker", "streamlit"}:
        raise HubError(400, "a Space needs an SDK (static, gradio, docker)")  # create_repo(space_sdk=...)
    store = req.hub.store(kind)
    namespace = payload.get("organization") or user.name
    repo_id = f"{namespace}/{payload['name']}"
    if not user.can_write(namespace):
        raise HubError(403, f"You don't have the rights to create a dataset under the namespace {namespace}")
    if repo_id in store:
        raise HubError(409, f"You already created this {kind} repo", url=f"{req.hub.url}/{kind}s/{repo_id}")
    private = payload.get("private", payload.get("visibility") == "private")
    repo = Repo(id=repo_id, private=bool(private), type=kind, sdk=payload.get("sdk"))
    files = {".gitattributes": git.GITATTRIBUTES}
    repo.commits.append(Commit(git.commit_oid(None, "initial commit", files), None, "initial commit", files,
                               now(), user.name))
    store[repo_id] = repo
    return Reply({"url": f"{req.hub.url}/{'spaces/' if kind == 'space' else 'datasets/'}{repo_id}", "name": repo_id})


def resolve(req: HubRequest, kind: str, parts: list[str]) -> Reply:
    """`GET /{datasets|spaces}/{ns}/{name}/resolve/{rev}/{path...}`: a file, with what `hf_hub_download`
    reads before it trusts a download (huggingface_hub file_download.py, `get_hf_file_metadata`): the
    commit, and the file's etag (an LFS file's sha256 as X-Linked-Etag)."""
    if len(parts) < 5 or parts[2] != "resolve":
        raise HubError(404, "not found")
    repo = req.repo(kind, f"{parts[0]}/{parts[1]}", req.user(required=False))
    commit = repo.at(parts[3])
    path = "/".join(parts[4:])
    data = commit.files.get(path) if commit else None
    if commit is None or data is None:
        raise HubError(404, "Entry not found")
    linked = {"X-Linked-Etag": f'"{hashlib.sha256(data).hexdigest()}"', "X-Linked-Size": str(len(data))} \
        if path in commit.lfs else {}
    return Reply(raw=data, content_type="application/octet-stream",
                 headers={"X-Repo-Commit": commit.oid, "ETag": f'"{git.blob_oid(data)}"', **linked})


def info(req: HubRequest, repo: Repo, rest: list[str]) -> Reply:
    """`GET /api/{kind}s/{id}[/revision/{rev}][?expand=…]`: only the properties asked for when `expand`
    is given (huggingface_hub's `expand` docstring), 400 for one the Hub does not know."""
    commit = repo.at(rest[1]) if len(rest) > 1 else repo.head
    if commit is None:
        raise HubError(404, "Revision not found")
    answer = shapes.repo_info(repo, commit)
    if "expand" in req.query:
        known = set(get_args(ExpandSpaceProperty_T if repo.type == "space" else ExpandDatasetProperty_T))
        asked = [e for value in req.query["expand"] for e in value.split(",")]
        if unknown := [e for e in asked if e not in known]:
            raise HubError(400, f"Invalid expand value(s): {', '.join(unknown)}")
        answer = {"_id": answer["_id"], "id": answer["id"], **{e: answer[e] for e in asked if e in answer}}
    return Reply(answer)


def settings(req: HubRequest, repo: Repo) -> Reply:
    """`PUT /api/{kind}s/{id}/settings {gated, visibility | private}`."""
    payload = req.json()
    if "gated" in payload:
        repo.gated = payload["gated"]
    if "visibility" in payload:
        repo.private = payload["visibility"] == "private"
    if "private" in payload:
        repo.private = bool(payload["private"])
    return Reply({})


def preupload(req: HubRequest, repo: Repo, revision: str) -> Reply:
    """`POST …/preupload/{rev} {files: [{path, size, sample}]}`: each file's upload mode (LFS by pattern,
    size or binary sample) and, for one already there, its id."""
    commit = repo.at(revision)
    existing = commit.files if commit else {}

    def mode(f: dict) -> str:
        sample = base64.b64decode(f.get("sample") or "")
        return "lfs" if git.lfs_tracked(f["path"], int(f.get("size") or 0), sample) else "regular"

    return Reply({"files": [{"path": f["path"], "uploadMode": mode(f), "shouldIgnore": False,
                             "oid": git.remote_oid(commit, f["path"]) if f["path"] in existing else None}
                            for f in req.json()["files"]]})


def commit(req: HubRequest, repo: Repo, revision: str) -> Reply:
    """`POST …/commit/main`, NDJSON: a header, then files inline, LFS files by oid (uploaded first),
    deletions. 412 when the parent is not the head any more; 400 for a file LFS must store; 422 for an
    LFS pointer to nothing."""
    if revision != "main":
        raise HubError(400, "this local Hub commits to main only")
    lines = [json.loads(line) for line in req.body().splitlines() if line.strip()]
    header = next(line["value"] for line in lines if line["key"] == "header")
    parent = header.get("parentCommit")
    if parent and parent != repo.head.oid:
        raise HubError(412, "A commit has happened since. Please refresh and try again.")
    files = dict(repo.head.files)
    lfs = set(repo.head.lfs)
    for line in lines:
        value = line["value"]
        if line["key"] == "file":
            content = base64.b64decode(value["content"])
            if git.lfs_tracked(value["path"], len(content), content[:512]):
                raise HubError(400, f"Your push was rejected because {value['path']} must be stored with Git "
                                    "LFS (see .gitattributes): upload it as an LFS file")
            files[value["path"]] = content
            lfs.discard(value["path"])
        elif line["key"] == "lfsFile":
            stored = req.hub.lfs_objects.get(value["oid"])
            if stored is None or len(stored) != value["size"]:
                raise HubError(422, f"Your push was rejected because an LFS pointer pointed to a file that "
                                    f"does not exist: {value['path']}")
            files[value["path"]] = stored
            lfs.add(value["path"])
        elif line["key"] == "deletedFile":
            files.pop(value["path"], None)
            lfs.discard(value["path"])
        elif line["key"] == "deletedFolder":
            files = {p: d for p, d in files.items() if not p.startswith(value["path"].rstrip("/") + "/")}
        elif line["key"] != "header":
            raise HubError(400, f"unsupported operation {line['key']}")
    message = header["summary"]
    oid = git.commit_oid(repo.head.oid, message, files)
    author = req.caller().name
    repo.commits.append(Commit(oid, repo.head.oid, message, files, now(), author,
                               frozenset(p for p in lfs if p in files)))
    return Reply({"success": True, "commitOid": oid, "commitUrl": f"{req.hub.url}/datasets/{repo.id}/commit/{oid}"})


def tag(req: HubRequest, repo: Repo, revision: str) -> Reply:
    """`POST …/tag/{rev} {tag}`: 409 for a tag that exists."""
    payload = req.json()
    if payload["tag"] in repo.tags:
        raise HubError(409, f"Tag {payload['tag']} already exists")
    target = repo.at(revision)
    if target is None:
        raise HubError(404, "Revision not found")
    repo.tags[payload["tag"]] = target.oid
    return Reply({})


def refs(repo: Repo) -> Reply:
    """`GET …/refs`: main and the tags."""
    return Reply({"branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": repo.head.oid}],
                  "tags": [{"name": t, "ref": f"refs/tags/{t}", "targetCommit": oid} for t, oid in repo.tags.items()],
                  "converts": [], "pullRequests": []})


def tree(req: HubRequest, repo: Repo, rest: list[str]) -> Reply:
    """`GET …/tree/{rev}/{path}[?recursive=true]`, paged."""
    at = repo.at(rest[1])
    if at is None:
        raise HubError(404, "Revision not found")
    recursive = req.query.get("recursive", ["false"])[0] in {"1", "true", "True"}
    return req.page(git.tree(at, "/".join(rest[2:]), recursive=recursive))


def paths_info(req: HubRequest, repo: Repo, revision: str) -> Reply:
    """`POST …/paths-info/{rev}` (form: paths=…): the entries of those paths."""
    wanted = parse_qs(req.body().decode()).get("paths", [])
    return Reply([e for e in git.tree(repo.at(revision), "", recursive=True) if e["path"] in wanted])


def commits(repo: Repo) -> Reply:
    """`GET …/commits/{rev}`: the log, newest first."""
    return Reply([{"id": c.oid, "title": c.message, "message": c.message, "date": c.date,
                   "authors": [{"user": c.author}]} for c in reversed(repo.commits)])
