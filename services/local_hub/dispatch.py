"""The local Hub's routing table: which route serves a method and path. Thin on purpose: each route is a
plain function in `routes/`, and the kind of repo (dataset or Space) is read from the path, never
left on a handler for the next request."""

from __future__ import annotations

from urllib.parse import unquote

from services.local_hub.request import HubRequest, Reply
from services.local_hub.routes import collections, community, lfs, repos, spaces
from services.local_hub.rules import HubError

KINDS = {"datasets": "dataset", "spaces": "space"}


def route(req: HubRequest) -> Reply:
    """The reply to one request (HubError for what the Hub refuses)."""
    parts = req.parts
    if parts == ["api", "whoami-v2"]:
        return repos.whoami(req)
    if parts == ["api", "validate-yaml"]:
        return repos.validate_yaml(req)
    if parts == ["api", "repos", "create"]:
        return repos.create(req)
    if parts[:2] == ["api", "collections"]:
        return collections.collections(req, parts[2:])
    if len(parts) == 7 and parts[0] in KINDS and parts[2].endswith(".git") and parts[3:6] == ["info", "lfs", "objects"]:
        repo_id = f"{parts[1]}/{parts[2].removesuffix('.git')}"
        if parts[6] == "batch":
            return lfs.batch(req, KINDS[parts[0]], repo_id)
        if parts[6] == "verify":
            return lfs.verify(req)
    if len(parts) == 2 and parts[0] == "lfs-upload":
        return lfs.upload(req, parts[1])
    if len(parts) == 3 and parts[0] == "spaces" and req.method == "GET":
        return spaces.page(req, f"{parts[1]}/{parts[2]}")
    if len(parts) >= 4 and parts[0] == "static-spaces" and req.method == "GET":
        return spaces.static_file(req, f"{parts[1]}/{parts[2]}", "/".join(parts[3:]))
    if parts and parts[0] in KINDS:
        return repos.resolve(req, KINDS[parts[0]], parts[1:])
    if len(parts) >= 4 and parts[0] == "api" and parts[1] in KINDS:
        return _repo_route(req, KINDS[parts[1]], f"{parts[2]}/{parts[3]}", parts[4:])
    raise HubError(404, f"no route for {req.path}")


def _repo_route(req: HubRequest, kind: str, repo_id: str, rest: list[str]) -> Reply:
    """`/api/{datasets|spaces}/{id}/…`: the repo's info, settings, files, history and community."""
    user = req.user(required=False)
    what = rest[0] if rest else ""
    if what in {"", "revision"}:
        return repos.info(req, req.repo(kind, repo_id, user), rest)
    if what == "settings" and req.method == "PUT":
        return repos.settings(req, req.repo(kind, repo_id, user, write=True))
    if what == "preupload":
        return repos.preupload(req, req.repo(kind, repo_id, user, write=True), rest[1])
    if what == "commit":
        return repos.commit(req, req.repo(kind, repo_id, user, write=True), unquote(rest[1]))
    if what == "tag":
        return repos.tag(req, req.repo(kind, repo_id, user, write=True), rest[1])
    if what == "refs":
        return repos.refs(req.repo(kind, repo_id, user))
    if what == "tree":
        return repos.tree(req, req.repo(kind, repo_id, user), rest)
    if what == "paths-info":
        return repos.paths_info(req, req.repo(kind, repo_id, user), rest[1])
    if what == "commits":
        return repos.commits(req.repo(kind, repo_id, user))
    if what == "discussions":
        return community.discussions(req, req.repo(kind, repo_id, user), rest[1:], user)
    if what == "likers":
        return community.likers(req, req.repo(kind, repo_id, user))
    if what == "user-access-request" and rest[1:] == ["handle"] and req.method == "POST":
        return community.handle_request(req, req.repo(kind, repo_id, user, write=True))
    if what == "user-access-request":
        return community.access_requests(req, req.repo(kind, repo_id, user, write=True), rest[1])
    raise HubError(404, f"no route for {what}")
